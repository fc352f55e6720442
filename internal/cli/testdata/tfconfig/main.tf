# A configuration whose plan (../tfconfig-plan.json) has one planted mistake, a deprecated
# action (a warning, so that terraform plan succeeds), in each way of writing a policy:
# the golden tests check that each result points at the line below that writes it. The
# plan was made, in a copy of this directory, with Terraform 1.8.5 and the provider of
# `make build dev-tfrc` (nothing is downloaded, and no API is called for a plan of new
# resources, though the provider wants keys: any will do):
#   export TF_CLI_CONFIG_FILE=$REPO/bin/dev.tfrc HW_ACCESS_KEY=x HW_SECRET_KEY=x
#   terraform get && terraform plan -out=plan.out
#   terraform show -json plan.out | python3 -m json.tool > ../tfconfig-plan.json
terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

provider "imspolicy" {}

# Inline: Statement[1].Action[1] is deprecated.
resource "imspolicy_identity_policy" "inline" {
  name = "inline"
  policy = jsonencode({
    Version = "5.0"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["ims:images:list"]
        Resource = ["*"]
      },
      {
        Sid      = "Share"
        Effect   = "Allow"
        Action   = ["ims:images:get", "ims:images:share"]
        Resource = ["*"]
      },
    ]
  })
}

# A data source: Statement[1].Action[0] is deprecated.
data "imspolicy_policy_document" "builders" {
  statement {
    actions   = ["ims:images:list"]
    resources = ["*"]
  }
  statement {
    actions = [
      "ims:images:share",
      "ims:images:get",
    ]
    resources = ["*"]
  }
}

resource "imspolicy_identity_policy" "builders" {
  name   = "builders"
  policy = data.imspolicy_policy_document.builders.json
}

# A data source merging a source document: the statement with Sid "Merged" comes from
# its block, the deprecated action of the source document from the data source itself.
data "imspolicy_policy_document" "merged" {
  source_policy_documents = [file("policies/source.json")]
  statement {
    sid     = "Merged"
    actions = ["ims:images:get", "ims:images:share"]
  }
}

resource "imspolicy_identity_policy" "merged" {
  name   = "merged"
  policy = data.imspolicy_policy_document.merged.json
}

# A file, relative to the root module: Statement[0].Action[0] is deprecated.
resource "imspolicy_identity_policy" "ops" {
  name   = "ops"
  policy = file("policies/ops.json")
}

# A local module, called once per team.
module "team" {
  source   = "./modules/team"
  for_each = toset(["blue"])
  name     = each.key
}

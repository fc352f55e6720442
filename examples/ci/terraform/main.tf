# The configuration the "Checking policies in CI" guide shows a finding for. Its two
# policies each draw a warning ON PURPOSE, to show what code scanning and GitLab's Code
# Quality widget display: `imspolicy check --config .` on its plan points each result at
# the line of the offending action below. Warnings do not fail `terraform plan`; an
# error would, and the plan would never reach `imspolicy check`.
# internal/cijobs plans it offline and checks those lines in every output format.
terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

provider "imspolicy" {}

# Meant to let taggers tag images, but the alias ims:images:update also allows deleting
# them (alias_grants_more): the finding points at the line that names that alias.
resource "imspolicy_identity_policy" "taggers" {
  name        = "ims-image-taggers"
  description = "Tag images."
  policy = jsonencode({
    Version = "5.0"
    Statement = [{
      Sid      = "TagImages"
      Effect   = "Allow"
      Action   = ["ims:images:list", "ims:images:update"]
      Resource = ["*"]
    }]
  })
}

# Built with imspolicy_policy_document: ims:images:share is one the vendor no longer
# recommends (deprecated_action); the finding points at the line of the statement block
# that names it.
data "imspolicy_policy_document" "sharers" {
  statement {
    sid     = "ShareImages"
    actions = ["ims:images:get", "ims:images:share"]
  }
}

resource "imspolicy_identity_policy" "sharers" {
  name        = "ims-image-sharers"
  description = "Share images with other accounts."
  policy      = data.imspolicy_policy_document.sharers.json
}

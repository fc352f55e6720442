# A team's IMS policies and the access they must (and must not) give, checked by
# `terraform test` (see tests/) and by check blocks on every plan.
terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

variable "account_id" {
  type    = string
  default = "0123456789abcdef0123456789abcdef"
}

locals {
  golden_image = provider::imspolicy::image_urn("cn-north-4", var.account_id, "9f1c0000-aaaa-bbbb-cccc-000000000001")
}

data "imspolicy_policy_document" "image_builders" {
  statement {
    sid     = "ReadImages"
    actions = ["ims:images:list", "ims:images:get"]
  }
  statement {
    sid       = "CopyOwnImages"
    actions   = ["ims:images:copyInRegion", "ims:images:copyCrossRegion"]
    resources = ["ims:*:${var.account_id}:image:*"]
  }
  statement {
    sid       = "ProtectGoldenImage"
    effect    = "Deny"
    actions   = ["ims:images:deleteImage", "ims:images:updateImage"]
    resources = [local.golden_image]
  }
}

data "imspolicy_policy_document" "prod_guard" {
  purpose = "scp"
  statement {
    sid     = "StayInChinaNorth"
    effect  = "Deny"
    actions = ["ims:images:copyCrossRegion"]
    condition {
      operator = "StringNotEquals"
      key      = "ims:Region"
      values   = ["cn-north-4"]
    }
  }
}

data "imspolicy_policy_document" "full_access" {
  purpose = "scp"
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

data "imspolicy_policy_simulation" "image_builders" {
  identity_policies = [data.imspolicy_policy_document.image_builders.json]

  scp_level {
    name     = "root"
    policies = [data.imspolicy_policy_document.full_access.json]
  }
  scp_level {
    name     = "ou-prod"
    policies = [data.imspolicy_policy_document.full_access.json, data.imspolicy_policy_document.prod_guard.json]
  }

  request {
    name     = "read the golden image"
    action   = "ims:images:get"
    resource = local.golden_image
  }
  request {
    name     = "delete the golden image"
    action   = "ims:images:deleteImage"
    resource = local.golden_image
  }
  request {
    name     = "copy to cn-north-4"
    action   = "ims:images:copyCrossRegion"
    resource = local.golden_image
    context {
      key    = "ims:Region"
      values = ["cn-north-4"]
    }
  }
  request {
    name     = "copy abroad"
    action   = "ims:images:copyCrossRegion"
    resource = local.golden_image
    context {
      key    = "ims:Region"
      values = ["ap-southeast-1"]
    }
  }
}

locals {
  decisions = { for r in data.imspolicy_policy_simulation.image_builders.results : r.name => r.decision }
}

# Runs on every plan: a policy change that lets builders delete the golden image warns.
check "golden_image_is_protected" {
  assert {
    condition     = local.decisions["delete the golden image"] == "explicit_deny"
    error_message = "Image builders can delete the golden image: ${data.imspolicy_policy_simulation.image_builders.results[1].explanation}"
  }
}

output "decisions" {
  value = local.decisions
}

output "image_builders_policy" {
  value = data.imspolicy_policy_document.image_builders.json
}

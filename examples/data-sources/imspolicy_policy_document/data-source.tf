# An identity policy for image builders, written in HCL and checked at plan time.
data "imspolicy_policy_document" "image_builders" {
  statement {
    sid     = "ReadImages"
    actions = ["ims:images:list", "ims:images:get"]
  }

  statement {
    sid       = "CopyOwnImagesEncrypted"
    actions   = ["ims:images:copyInRegion", "ims:images:copyCrossRegion"]
    resources = ["ims:*:0123456789abcdef0123456789abcdef:image:*"]

    condition {
      operator = "Bool"
      key      = "ims:Encrypted"
      values   = ["true"]
    }
  }

  statement {
    sid     = "NeverDelete"
    effect  = "Deny"
    actions = ["ims:images:deleteImage"]
  }
}

# A service control policy that keeps image copies in one region.
data "imspolicy_policy_document" "stay_in_region" {
  purpose = "scp"

  statement {
    sid     = "DenyCopiesElsewhere"
    effect  = "Deny"
    actions = ["ims:images:copyCrossRegion"]
    condition {
      operator = "StringNotEquals"
      key      = "ims:Region"
      values   = ["cn-north-4"]
    }
  }
}

output "image_builders_json" {
  value = data.imspolicy_policy_document.image_builders.json
}

# Warnings (not errors) are listed here, so that `terraform test` can require none.
output "image_builders_findings" {
  value = data.imspolicy_policy_document.image_builders.findings
}

# An IAM v3 custom policy ("Version": "1.1"), for huaweicloud_identity_role: v3 has its
# own IMS actions (ims:images:delete, not ims:images:deleteImage) and no Sid.
data "imspolicy_policy_document" "v3_no_delete" {
  policy_language = "v3"

  statement {
    effect  = "Deny"
    actions = ["ims:images:delete"]
  }
}

output "v3_no_delete_json" {
  value = data.imspolicy_policy_document.v3_no_delete.json
}

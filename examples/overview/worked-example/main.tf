data "imspolicy_policy_document" "image_builders" {
  statement {
    actions = ["ims:images:list", "ims:images:get", "ims:images:copyInRegion"]
  }
  # Image ids are UUIDs, not names, so golden images are picked out by their tag: a URN
  # such as image_urn("*", "<account>", "golden-*") would match no image at all.
  statement {
    effect    = "Deny"
    actions   = ["ims:images:deleteImage"]
    resources = ["*"]
    condition {
      operator = "StringEquals"
      key      = "g:ResourceTag/tier"
      values   = ["golden"]
    }
  }
}

# Deleting a golden image, as IAM sees the request: the image's tags are in its context.
data "imspolicy_policy_simulation" "delete_golden_image" {
  identity_policies = [data.imspolicy_policy_document.image_builders.json]
  request {
    action   = "ims:images:deleteImage"
    resource = provider::imspolicy::image_urn("cn-north-4", "0123456789abcdef0123456789abcdef", "33ad552d-1149-471c-8190-ff6776174a00")
    context {
      key    = "g:ResourceTag/tier"
      values = ["golden"]
    }
  }
}

check "golden_images_are_protected" {
  assert {
    condition     = data.imspolicy_policy_simulation.delete_golden_image.results[0].decision == "explicit_deny"
    error_message = "Image builders can delete golden images: ${data.imspolicy_policy_simulation.delete_golden_image.results[0].explanation}"
  }
}

resource "imspolicy_identity_policy" "image_builders" {
  name   = "ims-image-builders"
  policy = data.imspolicy_policy_document.image_builders.json
}

data "imspolicy_policy_document" "image_builders" {
  statement {
    actions = ["ims:images:list", "ims:images:get", "ims:images:copyInRegion"]
  }
  statement {
    effect    = "Deny"
    actions   = ["ims:images:deleteImage"]
    resources = [provider::imspolicy::image_urn("*", "0123456789abcdef0123456789abcdef", "golden-*")]
  }
}

check "golden_images_are_protected" {
  assert {
    condition = !provider::imspolicy::is_allowed(
      [data.imspolicy_policy_document.image_builders.json],
      "ims:images:deleteImage",
      provider::imspolicy::image_urn("cn-north-4", "0123456789abcdef0123456789abcdef", "golden-base"),
    )
    error_message = "Image builders can delete golden images."
  }
}

resource "imspolicy_identity_policy" "image_builders" {
  name   = "ims-image-builders"
  policy = data.imspolicy_policy_document.image_builders.json
}

resource "imspolicy_identity_policy" "image_builders" {
  name = "image-builders"
  policy = jsonencode({
    Version = "5.0"
    Statement = [
      { Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:create", "ims:images:upload"] },
      { Effect = "Deny", Action = ["ims:images:deleteImage"] },
    ]
  })
}

# Attach the policy to a user group, a user and an agency (by their IAM IDs).
resource "imspolicy_identity_policy_attachment" "builders_group" {
  policy_id      = imspolicy_identity_policy.image_builders.id
  principal_type = "group"
  principal_id   = "18b2c3d4e5f60718293a4b5c6d7e8f90"
}

resource "imspolicy_identity_policy_attachment" "ci_user" {
  policy_id      = imspolicy_identity_policy.image_builders.id
  principal_type = "user"
  principal_id   = "07a1b2c3d4e5f60718293a4b5c6d7e8f"
}

resource "imspolicy_identity_policy_attachment" "pipeline_agency" {
  policy_id      = imspolicy_identity_policy.image_builders.id
  principal_type = "agency"
  principal_id   = "29c3d4e5f60718293a4b5c6d7e8f9001"
}

# SCPs must be enabled for the organisation before anything can be attached.
resource "imspolicy_scp_enablement" "this" {
  root_id = "r-1a2b3c4d"
}

resource "imspolicy_service_control_policy" "no_image_deletion" {
  name = "no-image-deletion"
  content = jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }]
  })
}

# Attach the policy to the production OU and to one account. Each root, OU or account
# holds at most 5 SCPs, the system FullAccess included.
resource "imspolicy_service_control_policy_attachment" "prod_ou" {
  policy_id = imspolicy_service_control_policy.no_image_deletion.id
  target_id = "ou-1a2b-3c4d5e6f"

  # Attaching fails until the root reports SCPs enabled.
  depends_on = [imspolicy_scp_enablement.this]
}

resource "imspolicy_service_control_policy_attachment" "sandbox_account" {
  policy_id = imspolicy_service_control_policy.no_image_deletion.id
  target_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

  depends_on = [imspolicy_scp_enablement.this]
}

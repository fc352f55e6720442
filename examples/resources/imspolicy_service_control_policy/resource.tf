# Keep image copies in cn-north-4 and protect images tagged as golden, for every account
# the policy is attached to. Allow statements in an SCP must use "Resource": ["*"] and no
# Condition; restrict with Deny statements.
resource "imspolicy_service_control_policy" "image_guardrails" {
  name        = "image-guardrails"
  description = "No cross-region image copies outside cn-north-4; golden images cannot be deleted."

  content = jsonencode({
    Version = "5.0"
    Statement = [
      {
        Sid       = "StayInChinaNorth"
        Effect    = "Deny"
        Action    = ["ims:images:copyCrossRegion"]
        Resource  = ["*"]
        Condition = { StringNotEquals = { "ims:Region" = ["cn-north-4"] } }
      },
      {
        Sid       = "ProtectGoldenImages"
        Effect    = "Deny"
        Action    = ["ims:images:deleteImage"]
        Resource  = ["*"]
        Condition = { StringEquals = { "g:ResourceTag/tier" = ["golden"] } }
      },
    ]
  })

  # Changed in place; tags changed outside Terraform show as drift.
  tags = {
    owner = "platform"
  }
}

# A policy in the account (here managed in the same configuration; it may as well be
# managed elsewhere).
resource "imspolicy_identity_policy" "image_auditors" {
  name = "image-auditors"
  policy = jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:getTags"] }]
  })
}

# Read the policy as it is in the account, by id (or by name = "image-auditors")...
data "imspolicy_identity_policy" "image_auditors" {
  id = imspolicy_identity_policy.image_auditors.id
}

# ...and check what its default version allows.
data "imspolicy_policy_simulation" "image_auditors" {
  identity_policies = [data.imspolicy_identity_policy.image_auditors.policy]

  request {
    name   = "list images"
    action = "ims:images:list"
  }
  request {
    name   = "delete an image"
    action = "ims:images:deleteImage"
  }
}

output "image_auditors" {
  value = {
    version   = data.imspolicy_identity_policy.image_auditors.default_version_id
    decisions = { for r in data.imspolicy_policy_simulation.image_auditors.results : r.name => r.decision }
  }
}

# The vendor's own v3 example: deny deleting images.
locals {
  v3_deny_delete = jsonencode({
    Version   = "1.1"
    Statement = [{ Effect = "Deny", Action = ["ims:images:delete"] }]
  })
  migrated = provider::imspolicy::migrate_v3_policy(local.v3_deny_delete)
}

# The v5 identity policy that denies the same IMS API calls.
output "v5_policy" {
  value = local.migrated.document
}

# "equivalent": proven over every request of every API both tables list.
output "verdict" {
  value = local.migrated.verdict
}

# An IAM v3 role's policy, migrated to an IAM v5 identity policy offline: the function
# returns the v5 document and the proof that it allows the same IMS API calls, or the exact
# requests it decides differently. `terraform test` (see tests/) asserts both.
terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

variable "v3_policy_file" {
  type        = string
  default     = "policies/image-readers.json"
  description = "The IAM v3 policy (\"Version\": \"1.1\"), relative to this module."
}

locals {
  migrated = provider::imspolicy::migrate_v3_policy(file("${path.module}/${var.v3_policy_file}"))
}

# The v5 identity policy, for imspolicy_identity_policy.policy.
output "v5_policy" {
  value = local.migrated.document
}

# "equivalent", or "differences" with one request per API and direction.
output "verdict" {
  value = local.migrated.verdict
}

output "differences" {
  value = [for d in local.migrated.differences : "${d.api}: v3 ${d.v3_decision}, v5 ${d.v5_decision}"]
}

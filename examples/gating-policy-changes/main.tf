# A pull request's gate: the proposed image builders' policy must grant nothing the deployed
# one does not, must never allow sharing or exporting images, and its effective permissions
# are shown in the plan's outputs. `terraform test` (see tests/) asserts all three offline.
terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

variable "proposed_file" {
  type        = string
  default     = "policies/proposed.json"
  description = "The proposed policy document, relative to this module."
}

locals {
  deployed = file("${path.module}/policies/deployed.json")
  proposed = file("${path.module}/${var.proposed_file}")
}

data "imspolicy_access_analysis" "builders" {
  identity_policies = [local.proposed]
  reference {
    identity_policies = [local.deployed]
  }
  # ims:images:share is an alias: it covers addMember, deleteMember and updateMemberStatus.
  must_not_allow {
    name    = "no sharing"
    actions = ["ims:images:share"]
  }
  must_not_allow {
    name    = "no export"
    actions = ["ims:images:export"]
  }
  must_not_allow {
    name      = "golden image stays"
    actions   = ["ims:images:deleteImage", "ims:images:updateImage"]
    resources = ["ims:*:0123456789abcdef0123456789abcdef:image:9f1c0000-aaaa-bbbb-cccc-000000000001"]
  }
}

locals {
  analysis = data.imspolicy_access_analysis.builders
  # One line per request the proposed policy newly allows.
  new_access = [for w in coalesce(local.analysis.new_access, []) :
  "${w.action} on ${w.resource}${length(w.context) > 0 ? " with ${jsonencode(w.context)}" : ""}"]
}

# Reported on every plan and apply; a failure is a warning, not an error.
check "forbidden_access" {
  assert {
    condition = alltrue([for r in local.analysis.must_not_allow_results : r.passed == true])
    error_message = join("; ", [for r in local.analysis.must_not_allow_results :
    "${r.name}: ${r.passed == null ? "unknown (${local.analysis.status_reason})" : join(", ", [for w in r.witnesses : w.action])}" if r.passed != true])
  }
}

output "effective_permissions" {
  description = "Each action the proposed policy allows: full or partial."
  value       = { for p in local.analysis.permissions : p.action => p.grant if p.grant != "none" }
}

output "new_access" {
  description = "Requests the proposed policy allows and the deployed one does not."
  value       = local.new_access
}

output "removed_access" {
  description = "Actions the proposed policy no longer allows somewhere."
  value       = [for w in coalesce(local.analysis.removed_access, []) : w.action]
}

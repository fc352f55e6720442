# Read an SCP by name (or by id = "p-…"): its content is canonical JSON.
data "imspolicy_service_control_policy" "full_access" {
  name = "FullAccess"
}

locals {
  stay_in_china_north = jsonencode({
    Version = "5.0"
    Statement = [{
      Effect    = "Deny"
      Action    = ["ims:images:copyCrossRegion"]
      Resource  = ["*"]
      Condition = { StringNotEquals = { "ims:Region" = ["cn-north-4"] } }
    }]
  })
}

# Feed the SCPs in force to the simulator: would a cross-region copy be allowed?
data "imspolicy_policy_simulation" "copy" {
  identity_policies = [jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ["ims:images:copyCrossRegion"] }]
  })]

  scp_level {
    name     = "root"
    policies = [data.imspolicy_service_control_policy.full_access.content]
  }
  scp_level {
    name     = "ou-prod"
    policies = [data.imspolicy_service_control_policy.full_access.content, local.stay_in_china_north]
  }

  request {
    action = "ims:images:copyCrossRegion"
    context {
      key    = "ims:Region"
      values = ["ap-southeast-1"]
    }
  }
}

output "cross_region_copy_allowed" {
  value = data.imspolicy_policy_simulation.copy.all_allowed # false: the ou-prod SCP denies it
}

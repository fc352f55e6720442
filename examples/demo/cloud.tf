# ---------------------------------------------------------------------------------------
# The cloud part of the demo, off by default so that the offline plan needs no
# credentials. `make demo` turns it on against the local emulator of the IAM and
# Organizations APIs:
#   terraform apply -var apply_to_cloud=true   (HW_ACCESS_KEY, HW_SECRET_KEY,
#   HW_DOMAIN_ID, HW_IAM_ENDPOINT and HW_ORGANIZATIONS_ENDPOINT set)

variable "apply_to_cloud" {
  description = "Create the policies, the SCP and their attachments through the APIs."
  type        = bool
  default     = false
}

variable "root_id" {
  description = "The organisation's root, where SCPs are enabled."
  type        = string
  default     = "r-emulator"
}

variable "prod_ou_id" {
  description = "The production OU the SCP is attached to."
  type        = string
  default     = "ou-prod-0001"
}

variable "builders_group_id" {
  description = "The IAM user group of image builders."
  type        = string
  default     = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
}

locals {
  cloud = var.apply_to_cloud ? 1 : 0
}

resource "imspolicy_identity_policy" "builders" {
  count       = local.cloud
  name        = "ims-image-builders"
  description = "Build, copy and tag images; golden images are protected."
  policy      = data.imspolicy_policy_document.builders.json
}

resource "imspolicy_identity_policy_attachment" "builders" {
  count          = local.cloud
  policy_id      = imspolicy_identity_policy.builders[0].id
  principal_type = "group"
  principal_id   = var.builders_group_id
}

resource "imspolicy_scp_enablement" "root" {
  count   = local.cloud
  root_id = var.root_id
}

resource "imspolicy_service_control_policy" "stay_in_region" {
  count       = local.cloud
  name        = "ims-stay-in-cn-north-4"
  description = "Image copies stay in cn-north-4."
  content     = data.imspolicy_policy_document.stay_in_region.json
  depends_on  = [imspolicy_scp_enablement.root]
}

resource "imspolicy_service_control_policy_attachment" "prod" {
  count     = local.cloud
  policy_id = imspolicy_service_control_policy.stay_in_region[0].id
  target_id = var.prod_ou_id
}

# The simulator reads back what the APIs now hold.
data "imspolicy_identity_policy" "builders" {
  count = local.cloud
  id    = imspolicy_identity_policy.builders[0].id
}

data "imspolicy_service_control_policy" "stay_in_region" {
  count = local.cloud
  id    = imspolicy_service_control_policy_attachment.prod[0].policy_id
}

data "imspolicy_service_control_policy" "full_access" {
  count      = local.cloud
  name       = "FullAccess"
  depends_on = [imspolicy_scp_enablement.root]
}

data "imspolicy_policy_simulation" "applied" {
  count             = local.cloud
  identity_policies = [data.imspolicy_identity_policy.builders[0].policy]

  scp_level {
    name     = "root"
    policies = [data.imspolicy_service_control_policy.full_access[0].content]
  }
  scp_level {
    name     = "ou-prod"
    policies = [data.imspolicy_service_control_policy.full_access[0].content, data.imspolicy_service_control_policy.stay_in_region[0].content]
  }

  dynamic "request" {
    for_each = local.questions
    content {
      name     = request.key
      action   = request.value.action
      resource = local.golden_image
      dynamic "context" {
        for_each = request.value.context
        content {
          key    = context.key
          values = [context.value]
        }
      }
    }
  }
}

output "applied" {
  description = "What the APIs hold after apply, and the builders' access as the simulator reads it back."
  value = var.apply_to_cloud ? {
    identity_policy = {
      id                 = imspolicy_identity_policy.builders[0].id
      urn                = imspolicy_identity_policy.builders[0].urn
      default_version_id = imspolicy_identity_policy.builders[0].default_version_id
      attached_to        = "${imspolicy_identity_policy_attachment.builders[0].principal_type}:${imspolicy_identity_policy_attachment.builders[0].principal_id}"
    }
    scp = {
      id          = imspolicy_service_control_policy.stay_in_region[0].id
      attached_to = imspolicy_service_control_policy_attachment.prod[0].target_id
    }
    builders_access = { for r in data.imspolicy_policy_simulation.applied[0].results : r.name => r.decision }
  } : null
}

# Every IMS action that only reads or lists, e.g. to build a read-only policy.
data "imspolicy_actions" "read_only" {
  access_levels = ["list", "read"]
}

# The actions that accept an image URN as their resource and change something.
data "imspolicy_actions" "image_writes" {
  resource_type = "image"
  access_levels = ["write", "tagging", "permission_management"]
}

# What a wildcard in a policy would grant.
data "imspolicy_actions" "getters" {
  match = "ims:images:get*"
}

output "read_only_actions" {
  value = data.imspolicy_actions.read_only.names
}

output "deprecated_actions" {
  value = {
    for a in data.imspolicy_actions.image_writes.actions : a.name => a.recommended_actions
    if a.deprecated
  }
}

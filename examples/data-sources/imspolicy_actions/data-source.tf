# Every IMS action that only reads or lists, e.g. to build a read-only policy. The vendor
# classes ims:images:export as read, but it copies an image out to an OBS bucket, so a
# read-only policy leaves it out (the checker warns about a read-only grant that keeps it:
# read_grant_includes_export).
data "imspolicy_actions" "reads_and_lists" {
  access_levels = ["list", "read"]
}

locals {
  read_only_actions = [for name in data.imspolicy_actions.reads_and_lists.names : name if name != "ims:images:export"]
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

# What a statement naming an alias grants: ims:images:update is the alias of
# ims:images:deleteImage and ims:images:setTags, so it allows deleting images.
data "imspolicy_actions" "through_update" {
  granted_by = "ims:images:update"
}

output "read_only_actions" {
  value = local.read_only_actions
}

output "update_grants" {
  value = data.imspolicy_actions.through_update.names
}

output "deprecated_actions" {
  value = {
    for a in data.imspolicy_actions.image_writes.actions : a.name => a.recommended_actions
    if a.deprecated
  }
}

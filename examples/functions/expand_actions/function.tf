# The table actions a wildcard grants, to review what "ims:images:*Member*" allows.
output "member_actions" {
  value = provider::imspolicy::expand_actions("ims:images:*Member*")
}

# An alias grants the actions that list it: ["ims:images:deleteImage", "ims:images:setTags"].
output "update_alias_grants" {
  value = provider::imspolicy::expand_actions("ims:images:update")
}

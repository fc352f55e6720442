# The table actions a wildcard grants, to review what "ims:images:*Member*" allows.
output "member_actions" {
  value = provider::imspolicy::expand_actions("ims:images:*Member*")
}

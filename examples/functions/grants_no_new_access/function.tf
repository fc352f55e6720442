locals {
  deployed = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }] })]
  # The same access written differently: ims:images:list already covers getJob and getTags.
  rewritten = [jsonencode({ Version = "5.0", Statement = [
    { Effect = "Allow", Action = ["ims:images:get", "ims:images:list", "ims:images:getJob", "ims:images:getTags"] },
  ] })]
}

check "rewrite_grants_nothing_new" {
  assert {
    condition     = provider::imspolicy::grants_no_new_access(local.rewritten, local.deployed)
    error_message = "The rewritten policy grants access the deployed one does not."
  }
}

output "adding_update_grants_new_access" {
  # ims:images:update is an alias of deleteImage and setTags: false.
  value = provider::imspolicy::grants_no_new_access(
    [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:update"] }] })],
    local.deployed,
  )
}

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

# IAM v3 custom policies are compared with v5 ones at the level of IMS API calls: the v3
# ims:images:list reaches GET /v2/images, which the v5 table does not list, so replacing
# the v5 policy by its v3 look-alike grants new access: false.
output "v3_look_alike_grants_new_access" {
  value = provider::imspolicy::grants_no_new_access(
    [jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }] })],
    local.deployed,
  )
}

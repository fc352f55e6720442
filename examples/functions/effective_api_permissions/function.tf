locals {
  # An IAM v3 custom policy, as huaweicloud_identity_role.policy holds it.
  v3_editors = jsonencode({
    Version = "1.1"
    Statement = [
      { Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:update"] },
      { Effect = "Allow", Action = ["ims:images:delete"], Condition = { StringEquals = { "g:UserName" = ["alice"] } } },
    ]
  })
  grants = provider::imspolicy::effective_api_permissions([local.v3_editors])
}

# What the role lets its holders call, per IMS API: "full", "partial" or "none".
output "api_grants" {
  value = { for api, g in local.grants : api => g.grant if g.grant != "none" }
}

# A request that is allowed and one that is not, for a partial grant.
output "delete_v1_1" {
  value = local.grants["DELETE /v1.1/images/{image_id}"]
}

# Guard a role with a check block: editors must never create images. (They can delete
# them, through DELETE /v2/images/{image_id}: v3's ims:images:update is the v5 alias of
# ims:images:deleteImage.)
check "v3_editors_cannot_create" {
  assert {
    condition     = local.grants["POST /v2/cloudimages/action"].grant == "none"
    error_message = "The v3 editors role allows creating images."
  }
}

locals {
  readers = jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }]
  })
}

# Guard a policy with a check block: readers must never be able to delete images.
check "readers_cannot_delete" {
  assert {
    condition     = !provider::imspolicy::is_allowed([local.readers], "ims:images:deleteImage", "*")
    error_message = "The readers policy allows deleting images."
  }
}

output "readers_can_get" {
  value = provider::imspolicy::is_allowed([local.readers], "ims:images:get", "ims:cn-north-4:0123456789abcdef0123456789abcdef:image:*")
}

# IAM v3 custom policies are accepted too, mixed with v5 ones: a v3 grant of
# ims:images:update reaches ims:images:deleteImage through its v5 alias.
output "v3_update_can_delete" {
  value = provider::imspolicy::is_allowed([jsonencode({
    Version   = "1.1"
    Statement = [{ Effect = "Allow", Action = ["ims:images:update"] }]
  })], "ims:images:deleteImage", "*")
}

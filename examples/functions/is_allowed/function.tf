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

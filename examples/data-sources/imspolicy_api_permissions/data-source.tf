# What a user needs to upload an image file: the API's action and its dependencies.
data "imspolicy_api_permissions" "upload" {
  method = "PUT"
  path   = "/v2/images/9f1c0000-aaaa-bbbb-cccc-000000000001/file"
}

output "upload_needs" {
  value = concat(
    [for a in data.imspolicy_api_permissions.upload.actions : a.action if a.note == ""],
    data.imspolicy_api_permissions.upload.dependencies,
  )
}

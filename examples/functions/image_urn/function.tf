# The URN of one image, for the Resource of a policy statement.
output "golden_image" {
  value = provider::imspolicy::image_urn("cn-north-4", "0123456789abcdef0123456789abcdef", "9f1c0000-aaaa-bbbb-cccc-000000000001")
}

# Every image of the account in every region.
output "all_images" {
  value = provider::imspolicy::image_urn("*", "0123456789abcdef0123456789abcdef", "*")
}

# A service control policy is imported by its policy ID; import reads its name,
# description, content and tags.
terraform import imspolicy_service_control_policy.image_guardrails p-0123456789abcdef0123456789abcdef

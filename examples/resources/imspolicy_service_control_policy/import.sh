# A service control policy is imported by its policy ID. The provider cannot read an
# SCP's tags back: after the import, the tags in the configuration are recorded as they are.
terraform import imspolicy_service_control_policy.image_guardrails p-0123456789abcdef0123456789abcdef

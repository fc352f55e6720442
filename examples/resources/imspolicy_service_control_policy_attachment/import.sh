# An attachment is imported as <policy_id>/<target_id>, the target being a root, OU or
# account ID.
terraform import imspolicy_service_control_policy_attachment.prod_ou p-0123456789abcdef0123456789abcdef/ou-1a2b-3c4d5e6f

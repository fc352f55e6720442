# An attachment is imported by <policy_id>/<principal_type>/<principal_id>, where
# principal_type is user, group or agency.
terraform import imspolicy_identity_policy_attachment.builders_group 5f4b1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b/group/18b2c3d4e5f60718293a4b5c6d7e8f90

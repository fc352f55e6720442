# A custom identity policy is imported by its ID (system policies cannot be imported: read them
# with the imspolicy_identity_policy data source).
terraform import imspolicy_identity_policy.example 5f4b1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b

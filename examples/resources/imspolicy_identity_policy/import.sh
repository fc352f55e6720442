# An identity policy is imported by its ID.
terraform import imspolicy_identity_policy.example 5f4b1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b

# The SCP enablement is imported by the organisation's root ID; SCPs must be enabled.
terraform import imspolicy_scp_enablement.this r-1a2b3c4d

# Enable service control policies for the organisation. Terraform waits until the root
# reports them enabled. Enabling attaches the system FullAccess SCP everywhere.
#
# Destroying this resource DISABLES SCPs for the whole organisation, which detaches every
# SCP from every root, OU and account, including attachments made outside Terraform.
# Set disable_on_destroy = false to leave them enabled instead.
resource "imspolicy_scp_enablement" "this" {
  root_id = "r-1a2b3c4d"

  disable_on_destroy = true
}

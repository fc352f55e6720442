# Enable service control policies for the organisation. Terraform waits until the root
# reports them enabled. Enabling attaches the system FullAccess SCP everywhere.
#
# Destroying this resource leaves SCPs enabled. Only disable_on_destroy = true makes a
# destroy disable them, which detaches every SCP from every root, OU and account,
# including attachments made outside Terraform; a plan that will do so warns.
resource "imspolicy_scp_enablement" "this" {
  root_id = "r-1a2b3c4d"
}

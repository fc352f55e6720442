package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// checkCredentialsAtPlan is the one rule for missing credentials: every resource that
// calls the APIs runs it first in its ModifyPlan, so that a plan without credentials
// fails there, with the same "Missing credentials" error for every resource type, rather
// than planning and failing at apply. (The API data sources read at plan time through
// apiClient, so they fail there with the same error.) Credentials that are unknown until
// apply, set from another resource's output, are checked at apply. It reports whether the
// plan may go on.
func checkCredentialsAtPlan(data *providerData, diags *diag.Diagnostics) bool {
	if data != nil && data.config.CredentialsUnknown {
		return true
	}
	return apiClient(data, diags) != nil
}

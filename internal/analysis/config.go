package analysis

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// DocumentChange says, within budget b, what a change of one document grants, by its
// purpose: an identity policy as IdentityPolicyChange compares it, an SCP as SCPChange
// does. A nil document is one that does not exist. HowCompared words how.
func DocumentChange(purpose policy.Purpose, prior, planned *policy.Checked, b Budget) (NoNewAccessResult, error) {
	if purpose == policy.SCP {
		return SCPChange(prior, planned, b)
	}
	return IdentityPolicyChange(prior, planned, b)
}

// HowCompared says how DocumentChange compares a document of the purpose, for a report
// ("compared ...").
func HowCompared(purpose policy.Purpose) string {
	if purpose == policy.SCP {
		return "as one organisation level under an identity that allows everything; " +
			"a deny-only SCP sits beside an allow-all one there, as FullAccess does"
	}
	return "on its own"
}

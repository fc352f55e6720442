package analysis

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// ConfigOf parses and checks the documents of sources through the evaluator's gate, as
// the simulator does, and returns them as the analyser takes them, named as the simulator
// names them (identity[0], scp[root][0]); or the error findings, with a Config of no use.
func ConfigOf(src evaluator.Sources) (Config, []evaluator.SourceFinding) {
	identity, levels, findings := evaluator.ParseSources(src)
	return Config{Identity: identity, Levels: levels}, findings
}

// DocumentChange says, within budget b, what a change of one document grants, by its
// purpose: an identity policy as IdentityPolicyChange compares it, an SCP as SCPChange
// does. A nil document is one that does not exist. HowCompared words how.
func DocumentChange(b Budget, purpose policy.Purpose, prior, planned *policy.Document) (NoNewAccessResult, error) {
	if purpose == policy.SCP {
		return b.SCPChange(prior, planned)
	}
	return b.IdentityPolicyChange(prior, planned)
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

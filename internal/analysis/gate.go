package analysis

import (
	"fmt"
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Forbidden is an access that must not be granted: no action matching Actions on a
// resource matching Resources ("*" when empty), under any context.
type Forbidden struct {
	Name               string
	Actions, Resources []string
}

// Gate is what a pipeline gates a policy change on: the candidate's effective
// permissions, optionally that it grants nothing a reference does not, and that it grants
// none of the forbidden accesses.
type Gate struct {
	Candidate *evaluator.PolicySet
	Reference *evaluator.PolicySet // nil: no comparison
	Forbidden []Forbidden
	// MaxWitnesses bounds each list of witnesses in the result (NewAccess, RemovedAccess,
	// each Forbidden's); negative means no bound.
	MaxWitnesses int
}

// GateResult answers a Gate. Its Status is Unknown when any of its questions is, with
// that question's reason; then Passed and AllPassed claim nothing (they are false), and
// the answers decided before the bound are kept.
type GateResult struct {
	Status      Status
	Reason      string
	Permissions EffectivePermissionsResult
	Comparison  *NoNewAccessResult // nil without a Reference
	Forbidden   []AccessNotGrantedResult
	// AllPassed is true when the comparison holds (with a Reference) and every Forbidden
	// passed; false otherwise or when Status is Unknown.
	AllPassed bool
}

// CheckGate answers a Gate, each of its questions within budget b, all of them asked of
// the same compiled policy sets.
func CheckGate(g Gate, b Budget) (GateResult, error) {
	var out GateResult
	note := func(s Status, reason string) {
		if s == Unknown && out.Status == Complete {
			out.Status, out.Reason = Unknown, reason
		}
	}
	var err error
	if out.Permissions, err = EffectivePermissions(g.Candidate, b); err != nil {
		return out, err
	}
	note(out.Permissions.Status, out.Permissions.Reason)
	passed := true
	if g.Reference != nil {
		r, err := NoNewAccess(g.Candidate, g.Reference, b)
		if err != nil {
			return out, err
		}
		note(r.Status, r.Reason)
		passed = passed && r.Status == Complete && r.Holds
		r.NewAccess, r.RemovedAccess = truncate(r.NewAccess, g.MaxWitnesses), truncate(r.RemovedAccess, g.MaxWitnesses)
		out.Comparison = &r
	}
	for _, f := range g.Forbidden {
		r, err := AccessNotGranted(g.Candidate, f.Actions, f.Resources, b)
		if err != nil {
			return out, err
		}
		note(r.Status, r.Reason)
		passed = passed && r.Status == Complete && r.Passed
		r.Witnesses = truncate(r.Witnesses, g.MaxWitnesses)
		out.Forbidden = append(out.Forbidden, r)
	}
	out.AllPassed = passed && out.Status == Complete
	return out, nil
}

func truncate(ws []Witness, n int) []Witness {
	if n >= 0 && len(ws) > n {
		return ws[:n]
	}
	return ws
}

// allowAll allows every action on every resource; as an SCP it is what FullAccess is.
var allowAll = func() *policy.Document {
	d, err := policy.Parse([]byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`))
	if err != nil {
		panic(err) // a constant that parses
	}
	return d
}()

// allowAllAs is allowAll checked for purpose p, once.
var allowAllAs = [...]*policy.Checked{
	policy.Identity: policy.CheckDocument(allowAll, policy.Identity),
	policy.SCP:      policy.CheckDocument(allowAll, policy.SCP),
}

// IdentityPolicyChange says, within budget b, what a change of one identity policy
// grants: the planned document compared on its own with the prior one. A nil document is
// one that does not exist (before a create, after a delete): it allows nothing. A
// document with an error finding is refused with it.
func IdentityPolicyChange(prior, planned *policy.Checked, b Budget) (NoNewAccessResult, error) {
	one := func(c *policy.Checked) (*evaluator.PolicySet, error) {
		var src evaluator.Sources
		if c != nil {
			src.Identity = []*policy.Checked{c}
		}
		return policySet(src)
	}
	return compareSets(one, prior, planned, b)
}

// SCPChange says, within budget b, what a change of one SCP grants: each document is the
// SCPs of one organisation level under an identity that allows everything, so that new
// access is a request the SCP now lets through and blocked before. A deny-only SCP is
// paired with an allow-all SCP at its level, as FullAccess sits beside it in practice
// (alone, it would block everything). A nil document, an SCP that does not exist (before
// a create, after a delete), restricts nothing: the level holds the allow-all SCP alone,
// so that creating a guard rail grants nothing and deleting one grants what it blocked.
// (Unlike an identity policy, whose absence allows nothing, an SCP only ever takes access
// away.)
func SCPChange(prior, planned *policy.Checked, b Budget) (NoNewAccessResult, error) {
	level := func(c *policy.Checked) (*evaluator.PolicySet, error) {
		var attached []*policy.Checked
		if c != nil {
			attached = []*policy.Checked{c}
		}
		return policySet(evaluator.Sources{
			Identity:  []*policy.Checked{allowAllAs[policy.Identity]},
			SCPLevels: []evaluator.SCPLevel{{Name: "scp", Policies: SCPLevel(attached)}},
		})
	}
	return compareSets(level, prior, planned, b)
}

// compareSets builds the prior and planned policy sets and compares them.
func compareSets(build func(*policy.Checked) (*evaluator.PolicySet, error), prior, planned *policy.Checked, b Budget) (NoNewAccessResult, error) {
	before, err := build(prior)
	if err != nil {
		return NoNewAccessResult{}, err
	}
	after, err := build(planned)
	if err != nil {
		return NoNewAccessResult{}, err
	}
	return NoNewAccess(after, before, b)
}

// policySet is evaluator.NewPolicySet with its first error finding as an error.
func policySet(src evaluator.Sources) (*evaluator.PolicySet, error) {
	set, errs := evaluator.NewPolicySet(src)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", errs[0])
	}
	return set, nil
}

// SCPLevel is what is in force at one node of the organisation tree given the SCPs the
// inputs attach to it: they, and the system FullAccess SCP when none of them allows
// anything (there are none, or they only deny). The service attaches FullAccess to every
// node when SCPs are enabled and keeps at least one SCP on every node ("After the SCP
// type is enabled, Organizations automatically attach the FullAccess policy ... to all OUs
// and accounts",
// https://support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0034.html;
// "You cannot detach the last SCP from an OU or account",
// https://support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0037.html),
// and a configuration rarely manages that attachment; a deny-only guard rail therefore
// sits beside it. A level with an SCP that allows something is taken as written
// (inferred: an allow-list works only once FullAccess is detached).
func SCPLevel(attached []*policy.Checked) []*policy.Checked {
	for _, c := range attached {
		if d := c.Document(); d == nil || allows(d) {
			return attached
		}
	}
	return append(slices.Clip(attached), allowAllAs[policy.SCP])
}

// AllowAll is the document that allows every action on every resource, checked for
// purpose p: as an SCP, the system FullAccess SCP.
func AllowAll(p policy.Purpose) *policy.Checked { return allowAllAs[p] }

// allows reports whether the document has an Allow statement (or one whose effect is not
// Deny: the checker refuses those, and a document that may allow is not deny-only).
func allows(d *policy.Document) bool {
	for _, s := range d.Statements {
		if s.Effect == nil || s.Effect.Value != "Deny" {
			return true
		}
	}
	return false
}

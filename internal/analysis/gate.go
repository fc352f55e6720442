package analysis

import (
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
	Candidate Config
	Reference *Config // nil: no comparison
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

// Check answers a Gate, each of its questions within budget b.
func (b Budget) Check(g Gate) (GateResult, error) {
	var out GateResult
	note := func(s Status, reason string) {
		if s == Unknown && out.Status == Complete {
			out.Status, out.Reason = Unknown, reason
		}
	}
	var err error
	if out.Permissions, err = b.EffectivePermissions(g.Candidate); err != nil {
		return out, err
	}
	note(out.Permissions.Status, out.Permissions.Reason)
	passed := true
	if g.Reference != nil {
		r, err := b.NoNewAccess(g.Candidate, *g.Reference)
		if err != nil {
			return out, err
		}
		note(r.Status, r.Reason)
		passed = passed && r.Status == Complete && r.Holds
		r.NewAccess, r.RemovedAccess = truncate(r.NewAccess, g.MaxWitnesses), truncate(r.RemovedAccess, g.MaxWitnesses)
		out.Comparison = &r
	}
	for _, f := range g.Forbidden {
		r, err := b.AccessNotGranted(g.Candidate, f.Actions, f.Resources)
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
var allowAll = mustParse(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`)

func mustParse(src string) *policy.Document {
	d, err := policy.Parse([]byte(src))
	if err != nil {
		panic(err)
	}
	return d
}

// IdentityPolicyChange says what a change of one identity policy grants: the planned
// document compared on its own with the prior one. A nil document is one that does not
// exist (before a create, after a delete): it allows nothing.
func (b Budget) IdentityPolicyChange(prior, planned *policy.Document) (NoNewAccessResult, error) {
	one := func(d *policy.Document) Config {
		if d == nil {
			return Config{}
		}
		return Config{Identity: []evaluator.Policy{{Name: "identity[0]", Document: d}}}
	}
	return b.NoNewAccess(one(planned), one(prior))
}

// SCPChange says what a change of one SCP grants: each document is the SCPs of one
// organisation level under an identity that allows everything, so that new access is a
// request the SCP now lets through and blocked before. A deny-only SCP is paired with an
// allow-all SCP at its level, as FullAccess sits beside it in practice (alone, it would
// block everything). A nil document, as for IdentityPolicyChange, allows nothing.
func (b Budget) SCPChange(prior, planned *policy.Document) (NoNewAccessResult, error) {
	level := func(d *policy.Document) Config {
		if d == nil {
			return Config{}
		}
		const name = "scp"
		ps := []evaluator.Policy{{Name: "scp[" + name + "][0]", Document: d}}
		if denyOnly(d) {
			ps = append(ps, evaluator.Policy{Name: "scp[" + name + "][1]", Document: allowAll})
		}
		return Config{
			Identity: []evaluator.Policy{{Name: "identity[0]", Document: allowAll}},
			Levels:   []evaluator.Level{{Name: name, Policies: ps}},
		}
	}
	return b.NoNewAccess(level(planned), level(prior))
}

func denyOnly(d *policy.Document) bool {
	for _, s := range d.Statements {
		if s.Effect == nil || s.Effect.Value != "Deny" {
			return false
		}
	}
	return len(d.Statements) > 0
}

package apicall

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Language is a policy language.
type Language string

// The two languages of IAM identity policies.
const (
	V3 Language = "v3" // IAM v3 custom policies, "Version": "1.1"
	V5 Language = "v5" // IAM v5 identity policies, "Version": "5.0"
)

// Set is a policy set of one language: the policies one principal holds in it.
type Set struct {
	Lang Language
	// Policies is the compiled set (evaluator.NewPolicySet or evaluator.NewV3PolicySet).
	Policies *evaluator.PolicySet
}

// NewV5 compiles checked v5 identity policies; the findings are the checker's errors.
func NewV5(checked []*policy.Checked) (*Set, []evaluator.SourceFinding) {
	ps, errs := evaluator.NewPolicySet(evaluator.Sources{Identity: checked})
	if len(errs) > 0 {
		return nil, errs
	}
	return &Set{Lang: V5, Policies: ps}, nil
}

// NewV3 compiles v3 policies; the error says which element cannot be decided, and why.
func NewV3(policies []evaluator.V3Policy) (*Set, error) {
	ps, err := evaluator.NewV3PolicySet(policies)
	if err != nil {
		return nil, err
	}
	return &Set{Lang: V3, Policies: ps}, nil
}

// Permission is what the set's table requires for the call; nil when it does not list it.
func (s *Set) Permission(c Call) *catalog.APIPermission {
	if s.Lang == V3 {
		return c.V3
	}
	return c.V5
}

// Request is one API call on a resource under a context.
type Request struct {
	Call     Call
	Resource string
	// Context holds the keys the request gives (a key given with no values is present).
	Context map[string][]string
}

// Decision is a set's answer to a request.
type Decision struct {
	// Known is false when the set's table does not list the call: the set decides nothing
	// and Result is the zero (implicit deny) result.
	Known   bool
	Result  evaluator.Result
	Actions []evaluator.ActionResult
}

// Decide decides a request through the set's table.
func (s *Set) Decide(r Request) Decision {
	p := s.Permission(r.Call)
	if p == nil {
		return Decision{}
	}
	res, acts := s.Policies.EvaluateAPI(*p, r.Resource, evaluator.NewContext(r.Context))
	return Decision{Known: true, Result: res, Actions: acts}
}

// Denied lists the actions the call requires that the set does not allow on the request,
// each with its decision ("ims:images:get (implicit_deny)").
func (d Decision) Denied() []string {
	var out []string
	for _, a := range d.Actions {
		if a.Required && a.Result.Decision != evaluator.Allow {
			out = append(out, a.Action+" ("+a.Result.Decision.String()+")")
		}
	}
	return out
}

package analysis

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// engine is the seam to the evaluator: every decision the analysis reports is its, on a
// policy set built once (evaluator.NewPolicySet) and asked every question.
type engine struct {
	ev  *evaluator.PolicySet
	res evaluator.Result
	// fixed are the configuration's bound keys (Options.Bound), given to every request.
	fixed []evaluator.Fragment
}

// context is a request context assembled from per-key fragments without re-reading the
// values: each fragment is read once by evaluator.NewFragment.
type context = evaluator.Context

func fragment(key string, values []string) evaluator.Fragment {
	return evaluator.NewFragment(key, values)
}

// decide evaluates one request; the result is valid until the next call.
func (e *engine) decide(action, resource string, ctx context) *evaluator.Result {
	// ctx is a copy: the bound keys go after its keys without changing the caller's (no
	// enumerated key is a bound one, so none is given twice).
	for _, f := range e.fixed {
		ctx.Add(f)
	}
	e.ev.Evaluate(&evaluator.Request{Action: action, Resource: resource, Context: ctx}, &e.res)
	return &e.res
}

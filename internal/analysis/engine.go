package analysis

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// Config is a configuration as the simulator takes it: identity policies and SCP levels,
// root first. Documents must have passed the checker (the provider's gate does that).
type Config struct {
	Identity []evaluator.Policy
	Levels   []evaluator.Level
}

// engine is the seam to the evaluator: every decision the analysis reports is its.
// Switching to another engine (a checked policy set with a Simulate call) changes this
// file only.
type engine struct {
	ev  *evaluator.Evaluator
	res evaluator.Result
}

func compile(c Config) (*engine, error) {
	ev, err := evaluator.Compile(c.Identity, c.Levels)
	if err != nil {
		return nil, err
	}
	return &engine{ev: ev}, nil
}

// context is a request context assembled from per-key fragments without re-reading the
// values: each fragment is built once by evaluator.NewContext.
type context = evaluator.Context

func fragment(key string, values []string) context {
	if values == nil {
		values = []string{}
	}
	return evaluator.NewContext(map[string][]string{key: values})
}

// decide evaluates one request; the result is valid until the next call.
func (e *engine) decide(action, resource string, ctx context) *evaluator.Result {
	e.ev.Evaluate(&evaluator.Request{Action: action, Resource: resource, Context: ctx}, &e.res)
	return &e.res
}

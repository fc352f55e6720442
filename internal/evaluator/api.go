package evaluator

import (
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// ActionResult is the decision on one action an API needs.
type ActionResult struct {
	Action string
	// Required is false for actions the seed marks "required only for ..." (Note says
	// which scenario): they are reported, not required.
	Required bool
	Note     string
	// Dependency is true for actions from the API's Dependencies column.
	Dependency bool
	Result     Result
}

// evaluateAPI decides a request for an API: it is allowed only when every action the API
// needs and every dependency is allowed, each evaluated against the request's resource and
// context. The returned Result combines them: the first explicit denial, else the first
// implicit one, else an allow; its Matched and MissingKeys gather those of the required
// actions.
func (e *PolicySet) evaluateAPI(api catalog.APIPermission, resource string, ctx Context) (Result, []ActionResult) {
	var actions []ActionResult
	for _, a := range api.Actions {
		actions = append(actions, ActionResult{Action: a.Action, Required: a.Required(), Note: a.Note})
	}
	for _, d := range api.Dependencies {
		if !slices.ContainsFunc(actions, func(r ActionResult) bool { return r.Action == d && r.Required }) {
			actions = append(actions, ActionResult{Action: d, Required: true, Dependency: true})
		}
	}

	var overall Result
	overall.Decision, overall.DecidedBy = Allow, IdentityLayer
	firstImplicit := -1
	for i := range actions {
		a := &actions[i]
		e.Evaluate(&Request{Action: a.Action, Resource: resource, Context: ctx}, &a.Result)
		if !a.Required {
			continue
		}
		for _, m := range a.Result.Matched {
			if !slices.Contains(overall.Matched, m) {
				overall.Matched = append(overall.Matched, m)
			}
		}
		for _, k := range a.Result.MissingKeys {
			overall.addMissing(k)
		}
		switch a.Result.Decision {
		case ExplicitDeny:
			if overall.Decision != ExplicitDeny {
				overall.Decision, overall.DecidedBy = ExplicitDeny, a.Result.DecidedBy
			}
		case ImplicitDeny:
			if firstImplicit < 0 {
				firstImplicit = i
			}
		}
	}
	if overall.Decision != ExplicitDeny && firstImplicit >= 0 {
		overall.Decision, overall.DecidedBy = ImplicitDeny, actions[firstImplicit].Result.DecidedBy
	}
	return overall, actions
}

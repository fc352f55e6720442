package evaluator

import (
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// SimulationRequest is a hypothetical request as a user writes it: an action or an IMS
// API, on a resource, with condition key values as strings.
type SimulationRequest struct {
	// Action is the action requested, e.g. ims:images:get; actions of other services are
	// accepted. Ignored when API is set.
	Action string
	// API is an IMS API instead of an action: allowed only when every action it needs
	// and every dependency is allowed.
	API *APIRequest
	// Resource is the resource URN, taken literally: "*" matches only the Resource
	// patterns that match the string "*".
	Resource string
	// Context gives condition keys their values, in order; the values of a key given
	// twice add up. A key given with no values is present, and empty.
	Context []ContextEntry
}

// APIRequest names an IMS API by its method and a path template or concrete path.
type APIRequest struct {
	Method, Path string
	// Variant names the case of an IAM v3 table row that requires a different action in
	// each (apicall.Call.Variant: quick import's "system disk" or "data disk"); "" for
	// every other API. Simulate ignores it: apicall.Simulator reads it.
	Variant string
}

// ContextEntry is one condition key and its values.
type ContextEntry struct {
	Key    string
	Values []string
}

// RequestField is the part of a SimulationRequest a problem is about.
type RequestField uint8

// The parts of a request.
const (
	ActionField RequestField = iota
	APIField
	ContextField
	// APIVariantField is APIRequest.Variant (apicall.Simulator's problems).
	APIVariantField
)

// RequestProblem is what is wrong with a request itself, whatever the policies say.
type RequestProblem struct {
	Field RequestField
	// Context is the index of the context entry, for ContextField.
	Context int
	Summary string // e.g. "Unknown IMS action"
	Detail  string // what is wrong and what to write instead
}

// Report is the full answer to a SimulationRequest.
type Report struct {
	// Problems are the request's own problems; when there are any, nothing else is set.
	Problems []RequestProblem
	// Action is the action requested; for an API request, the API's main action.
	Action string
	// API is "<METHOD> <path template>" for an API request, "" otherwise.
	API      string
	Resource string
	// Result is the decision, the deciding layer, the matched statements and the missing
	// context keys; for an API request, those of the actions it needs (see
	// PolicySet.Evaluate).
	Result
	// Actions are, for an API request, each action the API needs and each dependency,
	// with its own result.
	Actions []ActionResult
	// AliasSurprises are the aliases among the actions involved that grant more than
	// their name says.
	AliasSurprises []string
	// context is the request's, for UnassociatedKeys (said on demand: a simulation
	// allocates little).
	context []ContextEntry
}

// UnassociatedKeys say, in the catalog's sentence (catalog.Unreceived), each context key
// the request gives that the action (for an API, every action involved) is not known to
// receive: a request the service presumably never sends, as the analyser says of its
// witnesses.
func (r *Report) UnassociatedKeys() []string {
	if r.API == "" {
		return unassociatedKeys(r.context, []string{r.Action})
	}
	involved := make([]string, len(r.Actions))
	for i, a := range r.Actions {
		involved[i] = a.Action
	}
	return unassociatedKeys(r.context, involved)
}

// Warnings are the report's notes worth knowing: its alias surprises, then its
// unassociated keys.
func (r *Report) Warnings() []string {
	return append(append([]string{}, r.AliasSurprises...), r.UnassociatedKeys()...)
}

// unassociatedKeys says which of the context's keys none of the named actions is known to
// receive.
func unassociatedKeys(entries []ContextEntry, actions []string) []string {
	var out []string
	for i, e := range entries {
		if slices.ContainsFunc(actions, func(a string) bool { return catalog.MayReceive(e.Key, a) }) ||
			slices.ContainsFunc(entries[:i], func(p ContextEntry) bool { return wildcard.EqualFold(p.Key, e.Key) }) {
			continue // received (the common case: nothing allocated), or given twice: one note
		}
		var u catalog.Unreceived
		var ok bool
		if len(actions) == 1 {
			u, ok = catalog.NotReceivedBy(e.Key, actions[0])
		} else {
			var granted []catalog.Action
			for _, a := range actions {
				granted = append(granted, catalog.Granted(a)...)
			}
			u, ok = catalog.NotReceived(e.Key, granted)
		}
		if ok {
			out = append(out, "the request gives "+u.String())
		}
	}
	return out
}

// Simulate answers a request with the full report.
func (e *PolicySet) Simulate(req *SimulationRequest) Report {
	rep := Report{Resource: req.Resource}
	var api catalog.APIPermission
	var names actionNames
	if req.API != nil {
		var ok bool
		if api, ok = catalog.LookupAPI(req.API.Method, req.API.Path); !ok {
			rep.Problems = append(rep.Problems, RequestProblem{Field: APIField, Summary: "Unknown IMS API", Detail: catalog.UnknownAPIDetail(req.API.Method, req.API.Path)})
		}
	} else if names = namesOf(req.Action); names.id == 0 && catalog.UnknownIMSAction(req.Action) {
		// namesOf knows every name the catalog knows: only a name it does not know needs
		// the catalog's rule.
		rep.Problems = append(rep.Problems, RequestProblem{Field: ActionField, Summary: "Unknown IMS action", Detail: catalog.UnknownActionDetail(req.Action)})
	}
	room := takeRoom()
	defer room.release() // nothing in the report refers to the context
	ctx, problems := e.requestContext(req.Context, room)
	rep.Problems = append(rep.Problems, problems...)
	if len(rep.Problems) > 0 {
		return Report{Problems: rep.Problems}
	}

	if req.API == nil {
		rep.Action = req.Action
		// Room for the usual matches and missing keys, in one allocation.
		room := new(struct {
			matched [4]Match
			missing [4]string
		})
		rep.Matched, rep.MissingKeys = room.matched[:0:min(e.statements, 4)], room.missing[:0]
		e.evaluate(&Request{Action: req.Action, Resource: rep.Resource, Context: ctx}, names, &rep.Result)
		if len(names.granted) > 0 {
			rep.AliasSurprises = []string{surprise(req.Action, names.granted)}
		}
		rep.context = req.Context
		return rep
	}
	rep.API = api.Method + " " + api.PathTemplate
	rep.Result, rep.Actions = e.evaluateAPI(api, rep.Resource, ctx)
	involved := make([]string, len(rep.Actions))
	for i, a := range rep.Actions {
		if rep.Action == "" && a.Required && !a.Dependency {
			rep.Action = a.Action
		}
		involved[i] = a.Action
	}
	rep.AliasSurprises = AliasSurprises(involved)
	rep.context = req.Context
	return rep
}

// Explanation says in one sentence why the request got its decision.
func (r *Report) Explanation() string {
	if r.API != "" {
		return explainAPI(r.API, r.Resource, &r.Result, r.Actions)
	}
	return r.Explain(r.Action, r.Resource)
}

// requestContext reads the request's context values, and reports each that cannot be
// read as its key's type (see CheckValue): it would never match, silently.
func (e *PolicySet) requestContext(entries []ContextEntry, room *contextRoom) (Context, []RequestProblem) {
	var problems []RequestProblem
	ctx := newContext(entries, func(entry int, v string, types condition.Types, reader condition.Reader) {
		if err := e.checkRead(entries[entry].Key, v, types, reader); err != nil {
			problems = append(problems, RequestProblem{Field: ContextField, Context: entry, Summary: "Invalid context value", Detail: err.Error() + "."})
		}
	}, room)
	return ctx, problems
}

package analysis

// Questions at the level of API calls. A request is an API call (an APICall, which says,
// for each configuration, what its table requires: v5's Table 2 for a v5 set, the v3 table
// for a v3 set compiled by evaluator.NewV3PolicySet), on a resource, under a context. Each
// configuration decides it through evaluator.PolicySet.EvaluateAPI: every required action
// and dependency allowed on the same resource and context.
//
// The universe is the action-level one with the actions of a call taken together: the
// statements that take part are those of each configuration that match any action its
// table requires for the call; resources are the representatives of the image URNs those
// statements tell apart (or "*" for a call without an image); the context is every
// combination of the states of the keys they test (universe.go). A request's decision in
// a configuration depends only on which of its statements match each action, the resource
// and the context (the evaluator's rule), and every such combination has a representative,
// so one pass over the representatives proves an answer for every request of the call.

import (
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// APICall is one kind of API request: its name, whether its resource is an image URN, and
// for each configuration the permission its table gives the API (nil: that configuration's
// table does not list it, and it decides nothing).
type APICall struct {
	Name        string
	Image       bool
	Permissions []*catalog.APIPermission
}

// APIWitness is a concrete API request and each configuration's decision on it.
type APIWitness struct {
	Call     string
	Resource string
	// Context holds the keys the request gives, as Witness.Context.
	Context map[string][]string
	// Decisions has one entry per configuration; a configuration whose table does not list
	// the call has ImplicitDeny and Known false.
	Decisions []evaluator.Decision
	Known     []bool
}

// APICallResult is what the configurations allow of one call.
type APICallResult struct {
	Call string
	// Known, Grants and Allowed have one entry per configuration: whether its table lists
	// the call, how much of it the configuration allows, and an allowed request (nil for
	// GrantNone).
	Known   []bool
	Grants  []Grant
	Allowed []*APIWitness
	// Differences, for two configurations that both know the call: a request the first
	// allows and the second does not, then one the second allows and the first does not;
	// at most one of each.
	Differences []APIWitness
}

// APIResult answers DecideAPIs.
type APIResult struct {
	Status Status
	Reason string
	Spent  int
	// Calls has one entry per call asked, in the order asked. With Status Unknown, the
	// calls decided before the bound are kept and the rest are missing.
	Calls []APICallResult
}

// Equivalent reports whether the answer is complete and no call both configurations know
// has a difference.
func (r *APIResult) Equivalent() bool {
	if r.Status != Complete {
		return false
	}
	for _, c := range r.Calls {
		if len(c.Differences) > 0 {
			return false
		}
	}
	return true
}

// DecideAPIs decides, within budget b, every request of every call in each configuration:
// how much of each call each configuration allows and, with two configurations, the
// requests they decide differently.
func DecideAPIs(sets []*evaluator.PolicySet, calls []APICall, b Budget) (out APIResult, err error) {
	sp, err := newSpace(sets, Options{Budget: b}, nil, nil)
	defer func() { out.Spent = sp.spent() }()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	for _, call := range calls {
		res, err := sp.decideCall(call)
		if done, err := settle(err, &out.Status, &out.Reason); done {
			return out, err
		}
		out.Calls = append(out.Calls, res)
	}
	return out, nil
}

func (sp *space) decideCall(call APICall) (APICallResult, error) {
	n := len(sp.engines)
	res := APICallResult{Call: call.Name, Known: make([]bool, n), Grants: make([]Grant, n), Allowed: make([]*APIWitness, n)}
	allowed, denied := make([]bool, n), make([]bool, n)
	for c := range n {
		res.Known[c] = call.Permissions[c] != nil
	}
	var first, second *APIWitness
	err := sp.eachRequest(call, func(r string, states []*keyState, results []evaluator.Result) {
		witness := func() *APIWitness {
			w := &APIWitness{Call: call.Name, Resource: r, Context: contextOf(states), Decisions: make([]evaluator.Decision, n), Known: slices.Clone(res.Known)}
			for c := range n {
				if res.Known[c] {
					w.Decisions[c] = results[c].Decision
				}
			}
			return w
		}
		for c := range n {
			if !res.Known[c] {
				continue
			}
			if results[c].Decision == evaluator.Allow {
				allowed[c] = true
				if res.Allowed[c] == nil {
					res.Allowed[c] = witness()
				}
			} else {
				denied[c] = true
			}
		}
		if n == 2 && res.Known[0] && res.Known[1] {
			a, b := results[0].Decision == evaluator.Allow, results[1].Decision == evaluator.Allow
			if a && !b && first == nil {
				first = witness()
			}
			if b && !a && second == nil {
				second = witness()
			}
		}
	})
	if err != nil {
		return res, err
	}
	for c := range n {
		switch {
		case allowed[c] && denied[c]:
			res.Grants[c] = GrantPartial
		case allowed[c]:
			res.Grants[c] = GrantFull
		}
	}
	for _, w := range []*APIWitness{first, second} {
		if w != nil {
			res.Differences = append(res.Differences, *w)
		}
	}
	return res, nil
}

// eachRequest calls visit with every representative request of the call (its resource
// and the states of the context keys, the space's context set to them) and each
// configuration's result on it (the zero result for a configuration whose table does not
// list the call), each charged to the budget.
func (sp *space) eachRequest(call APICall, visit func(resource string, states []*keyState, results []evaluator.Result)) error {
	n := len(sp.engines)
	// The statements that take part: those matching an action the call's permission in
	// their configuration names.
	var rel []int
	for i := range sp.m.stmts {
		s := &sp.m.stmts[i]
		if p := call.Permissions[s.cfg]; p != nil && permissionMatches(s, p) {
			rel = append(rel, i)
		}
	}
	resources := []string{"*"}
	if call.Image {
		resources = []string{sp.imageURNs.any}
		if len(rel) > 0 {
			var err error
			if resources, err = sp.imageURNs.representatives(); err != nil {
				return err
			}
		}
	}
	results := make([]evaluator.Result, n)
	seen := map[string]bool{}
	for _, r := range resources {
		sig, relR := sp.resourceSignature(rel, r)
		if seen[string(sig)] {
			continue
		}
		seen[string(sig)] = true
		keys, err := sp.keyStatesFor(relR)
		if err != nil {
			return err
		}
		err = sp.eachContext(call.Name, keys, func(states []*keyState) {
			for c, e := range sp.engines {
				if p := call.Permissions[c]; p != nil {
					results[c], _ = e.ev.EvaluateAPI(*p, r, sp.ctx)
				} else {
					results[c] = evaluator.Result{}
				}
			}
			visit(r, states, results)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Group is a principal whose decision on a request combines several configurations' (one
// per way of authorizing it, such as the v5 and the v3 permission tables).
type Group struct {
	// Members are the indexes of the configurations, in DecideAPIGroups' sets.
	Members []int
	// Combine decides a request from the members' decisions, in Members order; known[i]
	// is false when member i's table does not list the call.
	Combine func(decisions []evaluator.Decision, known []bool) evaluator.Decision
}

// GroupCallResult is what each group allows of one call.
type GroupCallResult struct {
	Call string
	// Known, Grants, Allowed and Denied have one entry per group: whether a member's table
	// lists the call, how much of it the group allows, an allowed request (nil for
	// GrantNone) and a denied one (nil for GrantFull).
	Known           []bool
	Grants          []Grant
	Allowed, Denied []*APIWitness
	// NewAccess, with two groups: a request the second allows and the first does not.
	NewAccess *APIWitness
}

// GroupResult answers DecideAPIGroups.
type GroupResult struct {
	Status Status
	Reason string
	Spent  int
	// Calls has one entry per call asked, in the order asked; with Status Unknown, the
	// calls decided before the bound.
	Calls []GroupCallResult
}

// DecideAPIGroups decides, within budget b, every request of every call for each group of
// configurations: a request's decision in a group is its Combine of the members' decisions
// on the same request, so the representatives, which tell apart every request any
// configuration tells apart, prove each group's grant. A witness's Decisions and Known
// have one entry per group.
func DecideAPIGroups(sets []*evaluator.PolicySet, groups []Group, calls []APICall, b Budget) (out GroupResult, err error) {
	sp, err := newSpace(sets, Options{Budget: b}, nil, nil)
	defer func() { out.Spent = sp.spent() }()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	g := len(groups)
	for _, call := range calls {
		res := GroupCallResult{Call: call.Name, Known: make([]bool, g), Grants: make([]Grant, g), Allowed: make([]*APIWitness, g), Denied: make([]*APIWitness, g)}
		for gi, gr := range groups {
			for _, m := range gr.Members {
				res.Known[gi] = res.Known[gi] || call.Permissions[m] != nil
			}
		}
		decisions := make([]evaluator.Decision, g)
		err := sp.eachRequest(call, func(r string, states []*keyState, results []evaluator.Result) {
			for gi, gr := range groups {
				ds, known := make([]evaluator.Decision, len(gr.Members)), make([]bool, len(gr.Members))
				for i, m := range gr.Members {
					ds[i], known[i] = results[m].Decision, call.Permissions[m] != nil
				}
				decisions[gi] = gr.Combine(ds, known)
			}
			witness := func() *APIWitness {
				return &APIWitness{Call: call.Name, Resource: r, Context: contextOf(states), Decisions: slices.Clone(decisions), Known: slices.Clone(res.Known)}
			}
			for gi := range g {
				if !res.Known[gi] {
					continue
				}
				if decisions[gi] == evaluator.Allow {
					if res.Allowed[gi] == nil {
						res.Allowed[gi] = witness()
					}
				} else if res.Denied[gi] == nil {
					res.Denied[gi] = witness()
				}
			}
			if g == 2 && res.NewAccess == nil && decisions[1] == evaluator.Allow && decisions[0] != evaluator.Allow {
				res.NewAccess = witness()
			}
		})
		if done, err := settle(err, &out.Status, &out.Reason); done {
			return out, err
		}
		for gi := range g {
			switch {
			case res.Allowed[gi] != nil && res.Denied[gi] != nil:
				res.Grants[gi] = GrantPartial
			case res.Allowed[gi] != nil:
				res.Grants[gi] = GrantFull
			}
		}
		out.Calls = append(out.Calls, res)
	}
	return out, nil
}

// permissionMatches reports whether the statement matches an action the permission names.
func permissionMatches(s *stmt, p *catalog.APIPermission) bool {
	for _, a := range p.Actions {
		if s.MatchesAction(a.Action) {
			return true
		}
	}
	for _, d := range p.Dependencies {
		if s.MatchesAction(d) {
			return true
		}
	}
	return false
}

// eachContext calls f with every combination of the keys' states, the space's context set
// to it, each charged to the budget.
func (sp *space) eachContext(what string, keys [][]*keyState, f func(states []*keyState)) error {
	idx := make([]int, len(keys))
	states := make([]*keyState, len(keys))
	for {
		sp.ctx.Reset()
		for i, ks := range keys {
			states[i] = ks[idx[i]]
			if states[i].present {
				sp.ctx.Add(states[i].frag)
			}
		}
		if !sp.meter.charge(1) {
			return sp.meter.over("the combinations of condition key values for " + what)
		}
		f(states)
		i := 0
		for ; i < len(keys); i++ {
			idx[i]++
			if idx[i] < len(keys[i]) {
				break
			}
			idx[i] = 0
		}
		if i == len(keys) {
			return nil
		}
	}
}

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
	// Known, Grants, Allowed and Denied have one entry per configuration (per group, with
	// a Grouping): whether its table lists the call, how much of it the configuration
	// allows, an allowed request (nil for GrantNone) and a denied one (nil for GrantFull).
	Known           []bool
	Grants          []Grant
	Allowed, Denied []*APIWitness
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
	return DecideGroupedAPIs(sets, calls, b, Grouping{})
}

// Grouping makes several configurations answer as one: a principal whose decision
// combines several policy sets, each through its own table (apicall.Principal: its v5
// and v3 policies through the v5 table, its v3 policies through the v3 table).
type Grouping struct {
	// Groups are the configurations' indices per group; nil: each configuration is a
	// group of its own.
	Groups [][]int
	// Combine is a group's decision from its members' decisions, in the order of the
	// group, a member whose table does not list the call having Known false (and
	// ImplicitDeny).
	Combine func(known []bool, decisions []evaluator.Decision) evaluator.Decision
}

// DecideGroupedAPIs is DecideAPIs with the configurations grouped: the answers (Known,
// Grants, Allowed, Differences, witnesses' Decisions) are per group, a group knowing a call
// when one of its members does. The universe is the same: a group's decision depends only
// on its members' decisions, each of which depends only on which of its statements match,
// the resource and the context, so the representatives decide every request for the
// groups too.
func DecideGroupedAPIs(sets []*evaluator.PolicySet, calls []APICall, b Budget, g Grouping) (out APIResult, err error) {
	sp, err := newSpace(sets, Options{Budget: b}, nil, nil)
	defer func() { out.Spent = sp.spent() }()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	if g.Groups == nil {
		for i := range sets {
			g.Groups = append(g.Groups, []int{i})
		}
	}
	for _, call := range calls {
		res, err := sp.decideCall(call, g)
		if done, err := settle(err, &out.Status, &out.Reason); done {
			return out, err
		}
		out.Calls = append(out.Calls, res)
	}
	return out, nil
}

func (sp *space) decideCall(call APICall, g Grouping) (APICallResult, error) {
	n := len(g.Groups)
	res := APICallResult{Call: call.Name, Known: make([]bool, n), Grants: make([]Grant, n), Allowed: make([]*APIWitness, n), Denied: make([]*APIWitness, n)}
	for gi, members := range g.Groups {
		for _, c := range members {
			res.Known[gi] = res.Known[gi] || call.Permissions[c] != nil
		}
	}
	// decide is group gi's decision from the members' results.
	decide := func(gi int, results []evaluator.Result) evaluator.Decision {
		members := g.Groups[gi]
		if g.Combine == nil && len(members) == 1 {
			return results[members[0]].Decision
		}
		known, ds := make([]bool, len(members)), make([]evaluator.Decision, len(members))
		for i, c := range members {
			known[i] = call.Permissions[c] != nil
			if known[i] {
				ds[i] = results[c].Decision
			}
		}
		return g.Combine(known, ds)
	}
	decisions := make([]evaluator.Decision, n)
	var first, second *APIWitness
	err := sp.eachRequest(call, func(r string, states []*keyState, results []evaluator.Result) {
		for gi := range n {
			decisions[gi] = evaluator.ImplicitDeny
			if res.Known[gi] {
				decisions[gi] = decide(gi, results)
			}
		}
		witness := func() *APIWitness {
			return &APIWitness{Call: call.Name, Resource: r, Context: contextOf(states), Decisions: slices.Clone(decisions), Known: slices.Clone(res.Known)}
		}
		for gi := range n {
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
		if n == 2 && res.Known[0] && res.Known[1] {
			a, b := decisions[0] == evaluator.Allow, decisions[1] == evaluator.Allow
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
	for gi := range n {
		switch {
		case res.Allowed[gi] != nil && res.Denied[gi] != nil:
			res.Grants[gi] = GrantPartial
		case res.Allowed[gi] != nil:
			res.Grants[gi] = GrantFull
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
	_, err := sp.combinations(what, keys, func(states []*keyState) bool {
		f(states)
		return true
	})
	return err
}

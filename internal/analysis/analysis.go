// Package analysis answers universal questions about a policy set of identity policies
// and SCP levels (an evaluator.PolicySet, built once from checked documents and asked
// every question), exactly relative to the evaluator: does a candidate allow anything a
// reference does not (NoNewAccess), is none of some actions allowed on some resources
// (AccessNotGranted), and what each IMS table action is allowed for (EffectivePermissions).
//
// "Holds" is a proof over the whole request universe (universe.go), never a sample: each
// dimension is split into regions on which every pattern and condition is constant
// (lang.go, values.go say why each set of representatives is complete), and the
// combinations of representatives are decided by the evaluator itself, so that its
// semantics live in one place and every witness is a request it really decides so. When
// the work would exceed its budget (Budget), or a corner cannot be decided exactly (a key
// compared as two types), the Status is Unknown with the reason, and nothing is claimed.
//
// What the proof relies on, besides the completeness arguments of each dimension:
//
//   - A table action is decided through its name and its catalog aliases; any other name
//     through the Action/NotAction patterns alone. Which statements match an action or a
//     resource is the evaluator's answer (evaluator.Statement); the regions of names are
//     built with the case rules read from the wildcard package (charMatches), so that a
//     change of rule there changes the regions here.
//   - Resources are matched case-sensitively.
//   - A condition's outcome is a function of its key's presence and of which of its policy
//     values each request value matches under the operator's Compare (package condition);
//     how ForAnyValue:, ForAllValues:, IfExists, negation and Null combine those is left
//     to the evaluator. A key's values are of the key's type (the catalog's, else the one
//     its operators compare); a key compared as another type is answered Unknown.
//   - Key names group by the evaluator's case rule for names (wildcard.Lower: ASCII
//     only), so that a look-alike name (long s for s) is another key here as there.
//   - A comparison searches the product of keys no statement tests together through what
//     each key's states match (parts.go), by the evaluator's rule for combining matched
//     statements into a decision; every request it evaluates is checked against that rule.
//
// A question may be about the requests of one principal (NoNewAccessWith,
// AccessNotGrantedWith, EffectivePermissionsWith with Options.Bound): the keys bound to
// the principal's values (g:UserName, g:PrincipalOrgPath, ...) are then not enumerated;
// every request carries exactly those values, appended to its context per configuration,
// so that the evaluator decides the real values and the proof covers every request the
// principal can send (bound.go).
//
// The package does not import Terraform; each question is one function call, given its
// Budget, with typed results that a data source maps attribute by attribute.
package analysis

import (
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// Status says whether an answer is proven.
type Status uint8

const (
	// Complete answers are proven over the whole universe.
	Complete Status = iota
	// Unknown answers hit a bound or a corner; the reason says which. Witnesses found
	// before are still real.
	Unknown
)

func (s Status) String() string { return [...]string{"complete", "unknown"}[s] }

// Grant is how much of an action a configuration allows.
type Grant uint8

const (
	// GrantNone: no request for the action is allowed.
	GrantNone Grant = iota
	// GrantPartial: some requests are allowed and some are not.
	GrantPartial
	// GrantFull: every resource and every context is allowed.
	GrantFull
)

func (g Grant) String() string { return [...]string{"none", "partial", "full"}[g] }

// Witness is a concrete request: the configuration's decision on it and, in a comparison,
// the reference's.
type Witness struct {
	Action   string
	Resource string
	// Context holds the keys the request gives: an absent key is not in the map, a key
	// given with no values maps to an empty slice.
	Context           map[string][]string
	Decision          evaluator.Decision
	ReferenceDecision *evaluator.Decision // nil outside a comparison
	// Alias is the alias through which the statements that allow the request name Action,
	// when, in some layer, every one of them names it only so (ims:images:update for
	// ims:images:deleteImage); "" otherwise.
	Alias string
	// UnassociatedKeys are the keys of Context that the catalog does not associate with
	// Action (catalog.NotReceivedBy), sorted: the service is not known to send such a
	// request. The analysis keeps such requests (the associations are partly inferred,
	// and a proof must not rest on them) but gives, for each action, a witness without
	// such keys whenever one exists; so a witness has them only when every request it
	// could stand for has them too, or, with Unsearched, when the search for another
	// stopped at a bound.
	UnassociatedKeys []string
	// Unsearched is set when the witness has UnassociatedKeys and the search for a
	// witness without them stopped at a bound (the question's budget, or the allowance of
	// that search, as large again), so that one may exist.
	Unsearched bool
}

// witness is the request for action a on resource under states, as configuration 0 (the
// candidate) decided it in r.
func (sp *space) witness(a actionUniverse, resource string, states []*keyState, r *evaluator.Result) *Witness {
	ctx := contextOf(states)
	// The bound keys the statements test, with configuration 0's values: the request
	// the evaluator decided carried them.
	for _, k := range sp.m.keys {
		if vs := sp.bound.values[0][k.lower]; k.bound && len(vs) > 0 {
			ctx[k.spelling] = slices.Clone(vs)
		}
	}
	return &Witness{Action: a.name, Resource: resource, Context: ctx, Decision: r.Decision, Alias: sp.throughAlias(a, r),
		UnassociatedKeys: unassociated(a, states)}
}

// throughAlias returns the alias through which configuration 0's statements that allowed
// r name action a, when in some layer every one of them names it only through that
// alias; "" otherwise.
func (sp *space) throughAlias(a actionUniverse, r *evaluator.Result) string {
	if len(a.names) < 2 {
		return ""
	}
	byLayer := map[int]string{} // layer index -> the alias; "" once a statement names a otherwise
	var order []int
	for _, m := range r.Matched {
		if m.Deny {
			continue
		}
		li := layerIndex(m.Layer)
		alias := ""
		for i := range sp.m.stmts {
			if s := &sp.m.stmts[i]; s.cfg == 0 && s.layerIndex == li && s.Policy() == m.Policy && s.Index() == m.Statement {
				alias = s.OnlyThroughAlias(a.name)
				break
			}
		}
		if prev, seen := byLayer[li]; !seen {
			order = append(order, li)
			byLayer[li] = alias
		} else if prev != alias {
			byLayer[li] = ""
		}
	}
	for _, li := range order {
		if byLayer[li] != "" {
			return byLayer[li]
		}
	}
	return ""
}

// NoNewAccessResult answers NoNewAccess.
type NoNewAccessResult struct {
	Status Status
	Reason string // why the status is Unknown; empty when Complete
	// Spent is the part of the budget the question used, in representative requests.
	Spent int
	// Holds is true when the candidate allows no request the reference denies; false when
	// it does or when Status is Unknown (ask Status first).
	Holds bool
	// NewAccess are requests the candidate allows and the reference does not;
	// RemovedAccess the reverse. One per action at most.
	NewAccess, RemovedAccess []Witness
}

// NoNewAccess compares a candidate policy set with a reference, in both directions,
// within budget b (Budget{} is DefaultBudget).
func NoNewAccess(candidate, reference *evaluator.PolicySet, b Budget) (NoNewAccessResult, error) {
	return NoNewAccessWith(candidate, reference, Options{Budget: b})
}

// NoNewAccessWith is NoNewAccess with options: within opts.Budget, over the requests
// that carry the bound keys' values (opts.Bound for the candidate, opts.ReferenceBound for
// the reference).
func NoNewAccessWith(candidate, reference *evaluator.PolicySet, opts Options) (out NoNewAccessResult, err error) {
	b := opts.Budget
	sp, err := newSpace([]*evaluator.PolicySet{candidate, reference}, opts, nil, nil)
	defer func() { out.Spent = sp.spent() }()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	actions, err := sp.actions()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	pref := sp.preference()
	for _, a := range actions {
		if !b.exhaustive && sp.m.sameDecisions(a.name) {
			continue
		}
		var newW, removedW finder
		offer := func(resource string, states []*keyState, rs []*evaluator.Result) {
			c, r := rs[0].Decision, rs[1].Decision
			witness := func() *Witness {
				rd := r
				w := sp.witness(a, resource, states, rs[0])
				w.ReferenceDecision = &rd
				return w
			}
			if c == evaluator.Allow && r != evaluator.Allow {
				newW.offer(a, states, witness)
			}
			if r == evaluator.Allow && c != evaluator.Allow {
				removedW.offer(a, states, witness)
			}
		}
		sp.searchedByParts = false
		err := sp.compare(a, b.product, func(resource string, states []*keyState, rs []*evaluator.Result) bool {
			offer(resource, states, rs)
			return pref.more(newW.w != nil && removedW.w != nil, newW.done() && removedW.done())
		})
		// The search by parts visits the first request of each kind only: when one carries
		// a key the action is not known to receive, the enumeration looks for another, all
		// of it on the preference's allowance.
		if err == nil && sp.searchedByParts && (newW.w != nil && !newW.done() || removedW.w != nil && !removedW.done()) {
			pref.past()
			err = sp.each(a, func(resource string, states []*keyState, rs []*evaluator.Result) bool {
				offer(resource, states, rs)
				return pref.more(true, (newW.w == nil || newW.done()) && (removedW.w == nil || removedW.done()))
			})
		}
		err = pref.settle(err, &newW, &removedW)
		if newW.w != nil {
			out.NewAccess = append(out.NewAccess, *newW.w)
		}
		if removedW.w != nil {
			out.RemovedAccess = append(out.RemovedAccess, *removedW.w)
		}
		if done, err := settle(err, &out.Status, &out.Reason); done {
			return out, err
		}
	}
	out.Holds = len(out.NewAccess) == 0
	return out, nil
}

// settle records a bound as Unknown (done, no error) and passes other errors on.
func settle(err error, status *Status, reason *string) (bool, error) {
	if err == nil {
		return false, nil
	}
	if r, ok := asBound(err); ok {
		*status, *reason = Unknown, r
		return true, nil
	}
	return true, err
}

// AccessNotGrantedResult answers AccessNotGranted.
type AccessNotGrantedResult struct {
	Status Status
	Reason string
	Spent  int // as NoNewAccessResult's
	// Passed is true when no request matching the patterns is allowed; false when one is
	// or when Status is Unknown.
	Passed    bool
	Witnesses []Witness // allowed requests, one per action at most
}

// AccessNotGranted checks, within budget b, that none of the actions matching
// actionPatterns is allowed by set on a resource matching resourcePatterns ("*" when
// empty), under any context. A pattern covers the table actions it names directly or
// through an alias, as a statement naming it would (ims:images:share covers addMember,
// deleteMember and updateMemberStatus).
func AccessNotGranted(set *evaluator.PolicySet, actionPatterns, resourcePatterns []string, b Budget) (AccessNotGrantedResult, error) {
	return AccessNotGrantedWith(set, actionPatterns, resourcePatterns, Options{Budget: b})
}

// AccessNotGrantedWith is AccessNotGranted with options: within opts.Budget, over the
// requests that carry the bound keys' values (opts.Bound).
func AccessNotGrantedWith(set *evaluator.PolicySet, actionPatterns, resourcePatterns []string, opts Options) (out AccessNotGrantedResult, err error) {
	if len(resourcePatterns) == 0 {
		resourcePatterns = []string{"*"}
	}
	sp, err := newSpace([]*evaluator.PolicySet{set}, opts, actionPatterns, resourcePatterns)
	defer func() { out.Spent = sp.spent() }()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	actions, err := sp.actions()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	query := evaluator.NewQuery(actionPatterns, resourcePatterns)
	pref := sp.preference()
	for _, a := range actions {
		if !query.MatchesAction(a.name) {
			continue
		}
		var w finder
		err := sp.each(a, func(resource string, states []*keyState, rs []*evaluator.Result) bool {
			if query.MatchesResource(resource) && rs[0].Decision == evaluator.Allow {
				w.offer(a, states, func() *Witness { return sp.witness(a, resource, states, rs[0]) })
			}
			return pref.more(w.w != nil, w.done())
		})
		err = pref.settle(err, &w)
		if w.w != nil {
			out.Witnesses = append(out.Witnesses, *w.w)
		}
		if done, err := settle(err, &out.Status, &out.Reason); done {
			return out, err
		}
	}
	out.Passed = len(out.Witnesses) == 0
	return out, nil
}

// StatementRef names an identity statement.
type StatementRef struct {
	Policy    string // the policy's name, such as "identity[0]"
	Statement int    // 0-based index in its Statement list
	Sid       string
}

// ActionPermission is what a configuration allows of one IMS table action.
type ActionPermission struct {
	Action      string
	AccessLevel catalog.AccessLevel
	Grant       Grant
	// AllowedBy lists the identity statements that allow some request for the action, in
	// policy and statement order.
	AllowedBy []StatementRef
	// Witness is an allowed request (nil for GrantNone).
	Witness *Witness
}

// EffectivePermissionsResult answers EffectivePermissions.
type EffectivePermissionsResult struct {
	Status Status
	Reason string
	Spent  int // as NoNewAccessResult's
	// Actions has one entry per IMS table action, sorted by name. With Status Unknown,
	// the entries decided before the bound are kept and the rest are missing.
	Actions []ActionPermission
	// OtherServicesAllowed reports whether any action of another service is allowed on
	// some URN under some context; OtherServicesWitness is such a request.
	OtherServicesAllowed bool
	OtherServicesWitness *Witness
}

// EffectivePermissions says, within budget b, for each IMS table action, whether set
// allows it fully, partially or not at all, and whether it allows any other service's
// action.
func EffectivePermissions(set *evaluator.PolicySet, b Budget) (EffectivePermissionsResult, error) {
	return EffectivePermissionsWith(set, Options{Budget: b})
}

// EffectivePermissionsWith is EffectivePermissions with options: within opts.Budget, over
// the requests that carry the bound keys' values (opts.Bound); GrantFull then means every
// such request.
func EffectivePermissionsWith(set *evaluator.PolicySet, opts Options) (out EffectivePermissionsResult, err error) {
	sp, err := newSpace([]*evaluator.PolicySet{set}, opts, nil, nil)
	defer func() { out.Spent = sp.spent() }()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	actions, err := sp.actions()
	if done, err := settle(err, &out.Status, &out.Reason); done {
		return out, err
	}
	pref := sp.preference()
	var other finder // one witness for every other service's action
	for _, a := range actions {
		if a.table == nil {
			if other.done() || other.w != nil && pref.cut {
				other.w.Unsearched = !other.done()
				break
			}
			if other.w != nil {
				pref.past() // without a preference, the search would have ended
			}
			err := sp.each(a, func(resource string, states []*keyState, rs []*evaluator.Result) bool {
				if rs[0].Decision == evaluator.Allow {
					other.offer(a, states, func() *Witness { return sp.witness(a, resource, states, rs[0]) })
				}
				return pref.more(other.w != nil, other.done())
			})
			err = pref.settle(err, &other)
			out.OtherServicesAllowed, out.OtherServicesWitness = other.w != nil, other.w
			if done, err := settle(err, &out.Status, &out.Reason); done {
				return out, err
			}
			continue
		}
		p := ActionPermission{Action: a.name, AccessLevel: a.table.AccessLevel}
		allowed, denied := false, false
		var w finder // the enumeration is whole here: preferring costs nothing
		err := sp.each(a, func(resource string, states []*keyState, rs []*evaluator.Result) bool {
			if rs[0].Decision != evaluator.Allow {
				denied = true
				return true
			}
			allowed = true
			w.offer(a, states, func() *Witness { return sp.witness(a, resource, states, rs[0]) })
			p.Witness = w.w
			for _, m := range rs[0].Matched {
				ref := StatementRef{Policy: m.Policy, Statement: m.Statement, Sid: m.Sid}
				if m.Layer == evaluator.IdentityLayer && !m.Deny && !slices.Contains(p.AllowedBy, ref) {
					p.AllowedBy = append(p.AllowedBy, ref)
				}
			}
			return true
		})
		if done, err := settle(err, &out.Status, &out.Reason); done {
			return out, err
		}
		switch {
		case allowed && denied:
			p.Grant = GrantPartial
		case allowed:
			p.Grant = GrantFull
		}
		slices.SortFunc(p.AllowedBy, func(a, b StatementRef) int {
			if a.Policy != b.Policy {
				return compareNames(a.Policy, b.Policy)
			}
			return a.Statement - b.Statement
		})
		out.Actions = append(out.Actions, p)
	}
	return out, nil
}

// compareNames orders "identity[2]" before "identity[10]".
func compareNames(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

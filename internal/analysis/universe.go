package analysis

// The request universe and its enumeration by representatives.
//
// Actions: the 26 IMS table actions, each on its own (the evaluator matches a table action
// by its name and its aliases), and, for other services, one name per region of the
// action patterns over the well-formed names (lang.go). Resources: for an action with the
// image resource type, one URN per region of the resource patterns over the well-formed
// image URNs; "*" for an action without a resource type; one URN per region over all URNs
// for other services. Context: each key the relevant statements test is absent, present
// with no values, or present with the values of one region (single-valued keys) or of a
// set of regions (multi-valued keys, and keys the catalog does not know).
//
// Pruning, each step sound because a statement that cannot match takes no part in the
// decision: for an action, only the statements whose Action/NotAction match it; for a
// resource, only those whose Resource/NotResource match it too; resources are merged when
// every such statement matches them alike, and key states when every such statement's
// conditions see them alike (same presence, same set of predicate tuples per condition).

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Budget bounds the work of one question (NoNewAccess, AccessNotGranted,
// EffectivePermissions; a Gate's each), counted in representative requests so that an
// answer never depends on the machine's speed or load: each request evaluated costs one,
// and each state built on the way (a product automaton's, a key's set of value states)
// costs stateCost. A question that would spend more is answered Unknown, with a reason
// that says the budget was exceeded and, with HowToRaise, how to raise it.
type Budget struct {
	// Requests is the budget; 0 or less means DefaultBudget's.
	Requests int
	// HowToRaise ends the reason of an answer over budget: the front end's way to give a
	// question more ("raise it with --budget").
	HowToRaise string
	// exhaustive turns off the shortcut for actions whose matching statements are the same
	// in both configurations, so that tests exercise the enumeration on them too.
	exhaustive bool
	// product turns off the search by parts (parts.go), so that tests compare it with the
	// enumeration of the product.
	product bool
}

// DefaultBudget keeps a question at about a second of CPU or less. Calibrated by
// BenchmarkBudget/adversarial (bench_test.go, in make bench), the worst shape (two
// 6,144-character documents of 52 and 51 statements with distinct condition literals)
// decided by the enumeration of the product of every key's states, whose proof takes 2.5
// million representative requests (the search by parts, parts.go, proves it in 720, and
// costs less per request counted): on the project's 2-core machine it
// decided 240,000 to 340,000 representative requests per second of CPU (each decided in
// both configurations), so that 200,000 requests cost 0.65 to 0.84 s of CPU there (and
// the whole proof, with --budget 2600000, 7.5 s).
var DefaultBudget = Budget{Requests: 200_000}

// MaxBudget is the largest budget the front ends accept: 100 times the default, about a
// minute and a half of CPU at the calibrated rate. It bounds memory too: a question may
// hold about MaxBudget/stateCost states.
const MaxBudget = 20_000_000

// stateCost is what building one state costs, in requests: an automaton state takes
// 4 to 12 µs to build (more with more patterns), a request of the calibrating shape about
// 4 µs to decide in both configurations.
const stateCost = 3

func (b Budget) requests() int {
	if b.Requests <= 0 {
		return DefaultBudget.Requests
	}
	return b.Requests
}

// meter counts a question's spending against its budget.
type meter struct {
	budget     int
	spent      int
	howToRaise string
}

// charge spends n; it reports false when that goes over budget.
func (m *meter) charge(n int) bool {
	m.spent += n
	return m.spent <= m.budget
}

// over is the bound of a question that went over budget on what ("the combinations of
// condition key values for ims:images:get").
func (m *meter) over(what string) *boundError {
	r := fmt.Sprintf("the question needs more than its budget of %d representative requests (spent on %s)", m.budget, what)
	if m.howToRaise != "" {
		r += "; " + m.howToRaise
	}
	return &boundError{r}
}

type boundError struct{ reason string }

func (e *boundError) Error() string { return e.reason }

// space is the representative universe of a set of configurations analysed together.
type space struct {
	m       *model
	engines []*engine
	meter   *meter
	// extraActions and extraResources are patterns of the question (AccessNotGranted):
	// they split the regions as a statement naming them would.
	extraActions, extraResources []string
	otherActions                 []string
	imageURNs, otherURNs         *resourceUniverse
	keyCache                     map[string][]*keyState
	ctx                          context
	// searchedByParts is set when compare answered a resource class by parts: it visited
	// only the first request of each kind there, not every one.
	searchedByParts bool
	// bound are the question's bound keys (Options.Bound).
	bound *boundSet
}

// spent is the budget used so far; 0 for no space (a configuration the gate refused).
func (sp *space) spent() int {
	if sp == nil {
		return 0
	}
	return sp.meter.spent
}

type keyState struct {
	key     *keyInfo
	present bool
	values  []string
	frag    evaluator.Fragment // present states only
}

func newSpace(sets []*evaluator.PolicySet, opts Options, extraActions, extraResources []string) (*space, error) {
	budget := opts.Budget
	m := &meter{budget: budget.requests(), howToRaise: budget.HowToRaise}
	sp := &space{meter: m, extraActions: extraActions, extraResources: extraResources, keyCache: map[string][]*keyState{}, ctx: context{}}
	bound, err := newBoundSet(len(sets), opts.Bound, opts.ReferenceBound)
	if err != nil {
		return nil, err
	}
	sp.bound = bound
	for i, set := range sets {
		sp.engines = append(sp.engines, &engine{ev: set, fixed: bound.frags[i]})
	}
	sp.m = buildModel(sets, bound)
	if sp.m.unknown != "" {
		return sp, &boundError{sp.m.unknown}
	}
	for _, k := range sp.m.keys {
		if k.bound {
			continue
		}
		if err := sp.m.buildRegions(k, m); err != nil {
			return sp, err
		}
	}
	var actionPats, resourcePats []pattern
	var actionSeeds, resourceSeeds []string
	for i := range sp.m.stmts {
		s := &sp.m.stmts[i]
		actions, _ := s.Actions()
		for _, t := range actions {
			actionPats = append(actionPats, globPattern(t, caseName))
			actionSeeds = append(actionSeeds, patternSeeds(t)...)
		}
		resources, _ := s.Resources()
		for _, t := range resources {
			resourcePats = append(resourcePats, globPattern(t, caseExact))
			resourceSeeds = append(resourceSeeds, patternSeeds(t)...)
		}
	}
	for _, t := range extraActions {
		actionPats = append(actionPats, globPattern(t, caseName))
		actionSeeds = append(actionSeeds, patternSeeds(t)...)
	}
	for _, t := range extraResources {
		resourcePats = append(resourcePats, globPattern(t, caseExact))
		resourceSeeds = append(resourceSeeds, patternSeeds(t)...)
	}
	actionPats, resourcePats = dedupPatterns(actionPats), dedupPatterns(resourcePats)
	var ok bool
	if sp.otherActions, ok = newAutomaton(otherActions, actionPats).representatives(actionSeeds, m); !ok {
		return sp, m.over("the automaton of the action patterns")
	}
	sp.imageURNs = &resourceUniverse{u: imageURNs, what: "image URNs", any: "ims:x:x:image:x", pats: resourcePats, seeds: resourceSeeds, meter: m}
	sp.otherURNs = &resourceUniverse{u: otherURNs, what: "URNs", any: "x:::x:x", meter: m, byRelevant: true}
	return sp, nil
}

// resourceUniverse computes its representatives when an action first needs them: an
// action no statement matches is decided alike on every resource, so any one will do.
// With byRelevant (other services' URNs), the regions are those of the resource patterns
// of the statements that match the action (and the question's), not of every statement:
// a statement that does not match the action takes no part in its decisions, and other
// services' actions are mostly matched by a few broad statements (an SCP's FullAccess)
// while the automaton of every image pattern over every URN is large.
type resourceUniverse struct {
	u          segments
	what, any  string
	pats       []pattern
	seeds      []string
	meter      *meter
	reps       []string
	err        error
	byRelevant bool
	relevant   map[string]*resourceUniverse // by the patterns, joined
}

func (r *resourceUniverse) representatives() ([]string, error) {
	if r.reps == nil && r.err == nil {
		reps, ok := newAutomaton(r.u, r.pats).representatives(r.seeds, r.meter)
		if !ok {
			r.err = r.meter.over("the automaton of the resource patterns over " + r.what)
		}
		r.reps = reps
	}
	return r.reps, r.err
}

// representativesOf are the representatives of the regions of the given resource
// patterns, each set of patterns computed once.
func (r *resourceUniverse) representativesOf(patterns []string) ([]string, error) {
	patterns = slices.Compact(slices.Sorted(slices.Values(patterns)))
	k := strings.Join(patterns, "\x00")
	sub, ok := r.relevant[k]
	if !ok {
		sub = &resourceUniverse{u: r.u, what: r.what, any: r.any, meter: r.meter}
		for _, t := range patterns {
			sub.pats = append(sub.pats, globPattern(t, caseExact))
			sub.seeds = append(sub.seeds, patternSeeds(t)...)
		}
		sub.pats = dedupPatterns(sub.pats)
		if r.relevant == nil {
			r.relevant = map[string]*resourceUniverse{}
		}
		r.relevant[k] = sub
	}
	return sub.representatives()
}

// patternSeeds are readable strings a pattern matches: its wildcards as nothing, and as
// "x" (so that ims:*:acct:image:* gives the well-formed ims:x:acct:image:x).
func patternSeeds(p string) []string {
	return []string{seedOf("StringMatch", p), strings.NewReplacer("*", "x", "?", "x").Replace(p)}
}

// actionUniverse is one action of the universe with its resources.
type actionUniverse struct {
	name      string            // as requested: the catalog's spelling
	names     []string          // the names a statement may use for it (aliases included)
	resources *resourceUniverse // nil: "*" only
	table     *catalog.Action
}

// actions returns the universe's actions: the table actions, then other services'.
func (sp *space) actions() ([]actionUniverse, error) {
	var out []actionUniverse
	for _, a := range catalog.Actions() {
		au := actionUniverse{name: a.Name, names: a.Names(), table: &a}
		switch {
		case len(a.ResourceTypes) == 0:
		case len(a.ResourceTypes) == 1 && a.ResourceTypes[0].Name == "image":
			au.resources = sp.imageURNs
		default:
			return nil, &boundError{fmt.Sprintf("%s has resource types the analysis has no URN universe for", a.Name)}
		}
		out = append(out, au)
	}
	for _, n := range sp.otherActions {
		out = append(out, actionUniverse{name: n, names: []string{n}, resources: sp.otherURNs})
	}
	return out, nil
}

// visit is called for each representative request with each configuration's result;
// it returns false to move on to the next action.
type visitFunc func(resource string, states []*keyState, results []*evaluator.Result) bool

// each enumerates the representative requests of one action.
func (sp *space) each(a actionUniverse, visit visitFunc) error {
	return sp.eachResource(a, func(r string, _ []int, keys [][]*keyState) (bool, error) {
		return sp.product(a.name, r, keys, visit)
	})
}

// resourceFunc is called for each class of resources of an action, in enumeration order,
// with the statements that match the action and the resource, and the states of the keys
// they test; it returns false to move on to the next action.
type resourceFunc func(resource string, stmts []int, keys [][]*keyState) (bool, error)

// eachResource calls f for each representative resource of one action that the
// statements tell apart.
func (sp *space) eachResource(a actionUniverse, f resourceFunc) error {
	var rel []int
	for i := range sp.m.stmts {
		if sp.m.stmts[i].MatchesAction(a.name) {
			rel = append(rel, i)
		}
	}
	resources := []string{"*"}
	switch {
	case a.resources != nil && len(rel) == 0:
		resources = []string{a.resources.any}
	case a.resources != nil && a.resources.byRelevant:
		patterns := slices.Clone(sp.extraResources)
		for _, i := range rel {
			rs, _ := sp.m.stmts[i].Resources()
			patterns = append(patterns, rs...)
		}
		var err error
		if resources, err = a.resources.representativesOf(patterns); err != nil {
			return err
		}
	case a.resources != nil:
		var err error
		if resources, err = a.resources.representatives(); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, r := range resources {
		sig, relR := sp.resourceSignature(rel, r)
		if len(sp.extraResources) > 0 {
			sig = append(sig, '|')
			sig = append(sig, boolsKey(matchAny(sp.extraResources, r))...)
		}
		if seen[string(sig)] {
			continue
		}
		seen[string(sig)] = true
		keys, err := sp.keyStatesFor(relR)
		if err != nil {
			return err
		}
		more, err := f(r, relR, keys)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
	return nil
}

// matchAny reports, for each pattern, whether the resource matches it (case-sensitive, as
// Resource elements match).
func matchAny(patterns []string, r string) []bool {
	out := make([]bool, len(patterns))
	for i, p := range patterns {
		out[i] = wildcard.MatchCase(p, r)
	}
	return out
}

// keyStatesFor returns, for each key the statements test, its distinguishable states.
func (sp *space) keyStatesFor(stmts []int) ([][]*keyState, error) {
	byKey := map[*keyInfo][]int{}
	var order []*keyInfo
	for _, i := range stmts {
		for _, ci := range sp.m.stmts[i].conds {
			k := sp.m.conds[ci].key
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = append(byKey[k], ci)
		}
	}
	var out [][]*keyState
	for _, k := range order {
		conds := slices.Compact(slices.Sorted(slices.Values(byKey[k])))
		states, err := sp.keyStates(k, conds)
		if err != nil {
			return nil, err
		}
		out = append(out, states)
	}
	return out, nil
}

// keyStates returns the states of a key that the given conditions tell apart: absent,
// present with no values, and present with values.
func (sp *space) keyStates(k *keyInfo, conds []int) ([]*keyState, error) {
	cacheKey := k.lower + "\x00" + fmt.Sprint(conds)
	if s, ok := sp.keyCache[cacheKey]; ok {
		return s, nil
	}
	// tuple(r, c): the bits of region r for condition c's values.
	tuple := func(r int, c int) string {
		cd := &sp.m.conds[c]
		if cd.pred < 0 {
			return ""
		}
		return boolsKey(k.regions[r].bits[cd.pred : cd.pred+len(cd.values)])
	}
	// The signature of a set of regions: per condition, the set of tuples its values show.
	signature := func(set []int) string {
		var b strings.Builder
		for _, c := range conds {
			var ts []string
			for _, r := range set {
				ts = append(ts, tuple(r, c))
			}
			slices.Sort(ts)
			b.WriteString(strings.Join(slices.Compact(ts), ","))
			b.WriteByte(';')
		}
		return b.String()
	}
	states := []*keyState{
		{key: k},
		{key: k, present: true, values: []string{}, frag: fragment(k.spelling, nil)},
	}
	addSet := func(set []int) {
		vs := make([]string, len(set))
		for i, r := range set {
			vs[i] = k.regions[r].value
		}
		states = append(states, &keyState{key: k, present: true, values: vs, frag: fragment(k.spelling, vs)})
	}
	seen := map[string]bool{}
	var frontier [][]int
	for r := range k.regions {
		if s := signature([]int{r}); !seen[s] {
			seen[s] = true
			addSet([]int{r})
			frontier = append(frontier, []int{r})
		}
	}
	// Multi-valued keys: every set of regions, by closure under adding one region (a set's
	// signature depends only on its members' tuples, so the closure reaches every one).
	for k.multi && len(frontier) > 0 {
		var next [][]int
		for _, set := range frontier {
			for r := range k.regions {
				if slices.Contains(set, r) {
					continue
				}
				bigger := append(slices.Clone(set), r)
				if s := signature(bigger); !seen[s] {
					seen[s] = true
					if !sp.meter.charge(stateCost) {
						return nil, sp.meter.over("the value sets of condition key " + k.spelling)
					}
					addSet(bigger)
					next = append(next, bigger)
				}
			}
		}
		frontier = next
	}
	sp.keyCache[cacheKey] = states
	return states, nil
}

// product evaluates every combination of key states for one action and resource.
func (sp *space) product(action, resource string, keys [][]*keyState, visit visitFunc) (bool, error) {
	results := make([]*evaluator.Result, len(sp.engines))
	return sp.combinations(action, keys, func(states []*keyState) bool {
		for i, e := range sp.engines {
			results[i] = e.decide(action, resource, sp.ctx)
		}
		return visit(resource, states, results)
	})
}

// combinations calls f with every combination of the keys' states, the space's context
// set to it, each charged to the budget (what names the question in the reason), until f
// returns false; done is true when every combination was visited.
func (sp *space) combinations(what string, keys [][]*keyState, f func(states []*keyState) bool) (done bool, err error) {
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
			return false, sp.meter.over("the combinations of condition key values for " + what)
		}
		if !f(states) {
			return false, nil
		}
		i := 0
		for ; i < len(keys); i++ {
			idx[i]++
			if idx[i] < len(keys[i]) {
				break
			}
			idx[i] = 0
		}
		if i == len(keys) {
			return true, nil
		}
	}
}

// contextOf writes key states as a witness's context.
func contextOf(states []*keyState) map[string][]string {
	out := map[string][]string{}
	for _, s := range states {
		if s.present {
			out[s.key.spelling] = slices.Clone(s.values)
		}
	}
	return out
}

func asBound(err error) (string, bool) {
	var b *boundError
	if errors.As(err, &b) {
		return b.reason, true
	}
	return "", false
}

// resourceSignature is which of the statements rel match resource r, as a key ('1' or
// '0' per statement: resources with the same key are decided alike), and those that do.
func (sp *space) resourceSignature(rel []int, r string) (sig []byte, matching []int) {
	sig = make([]byte, 0, len(rel))
	for _, i := range rel {
		if sp.m.stmts[i].MatchesResource(r) {
			sig = append(sig, '1')
			matching = append(matching, i)
		} else {
			sig = append(sig, '0')
		}
	}
	return sig, matching
}

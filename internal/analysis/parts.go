package analysis

// Comparing two configurations without the product of every key's states.
//
// For one action and resource class, a statement's conditions depend only on the keys
// they test (the assumption values.go states), so the keys fall into parts: keys one
// statement tests together are in one part, and no statement tests keys of two parts.
// Each part's states are enumerated on their own, the other keys absent, and the
// evaluator says which of the part's statements match each one (Result.Matched); the
// statements without conditions match in every request. A request of the whole product
// is one state per part, and the statements it matches are the union of what each part's
// state matches: so the product is searched through what each part's states match, not
// through its requests. The sum of the parts' states is evaluated instead of their
// product (6 parts of 12 states: 72 requests instead of 12^6).
//
// What a configuration decides from the statements a request matches is the evaluator's
// rule (package evaluator's documentation): an explicit Deny that matches denies;
// otherwise every layer (identity, then each SCP level) needs a matching Allow. The search
// relies on it, and checks it: every request evaluated here must be decided as the
// statements it matched combine to, or the question is Unknown. Every request reported is
// evaluated again, whole, in both configurations before it is reported.
//
// The search finds, for each direction (a allows and b does not), the first such request
// in the product's order (the first key's state changing fastest), so that the witness is
// the one the product enumeration would report: b does not allow a request for one of a
// few reasons (a Deny of b matches, in the part it tests or unconditioned; or a layer of
// b has no matching Allow), and a allows it when no Deny of a matches and each of a's
// layers has a matching Allow, unconditioned or in some part. For each reason and each
// choice of the part that gives each layer of a its Allow, the constraints fall on each
// part alone, so the first request meeting them takes, in each part, its first state
// whose outcome meets them; the first of these over all the choices is the answer.

import (
	"fmt"
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// outcome is what a part's state (or the unconditioned statements) contributes to each
// configuration's decision: whether a Deny matches, and the layers with a matching Allow
// (bit i: layer i, identity first).
type outcome struct {
	deny  [2]bool
	allow [2]uint64
}

// part is a set of keys no statement tests together with a key outside it.
type part struct {
	keys  []int // positions in the action's key list, ascending
	stmts []int // the model's statements whose conditions test these keys
	outs  []outcome
	first [][]int // for each outcome, the state index of each key of its first state
}

// maxLayers is the number of layers an outcome's bit set holds.
const maxLayers = 64

// compare enumerates the representative requests of one action that two configurations
// (engines 0 and 1) decide differently, as each does; for each resource class it visits
// at most the first request in the product's order that configuration 0 allows and 1 does
// not, and the first that 1 allows and 0 does not (the product enumeration when the keys
// form one part, or when product is set).
func (sp *space) compare(a actionUniverse, product bool, visit visitFunc) error {
	want := [2]bool{true, true} // directions not yet reported: 0 over 1, 1 over 0
	return sp.eachResource(a, func(resource string, rel []int, keys [][]*keyState) (bool, error) {
		parts := sp.parts(rel, keys)
		if product || len(parts) < 2 || len(sp.engines) != 2 || sp.layers(0) > maxLayers || sp.layers(1) > maxLayers {
			return sp.product(a.name, resource, keys, func(resource string, states []*keyState, rs []*evaluator.Result) bool {
				more := visit(resource, states, rs)
				if rs[0].Decision == evaluator.Allow && rs[1].Decision != evaluator.Allow {
					want[0] = false
				}
				if rs[1].Decision == evaluator.Allow && rs[0].Decision != evaluator.Allow {
					want[1] = false
				}
				return more
			})
		}
		sp.searchedByParts = true
		always, err := sp.outcomes(a.name, resource, rel, keys, parts)
		if err != nil {
			return false, err
		}
		var found [2][]int
		for dir := range 2 {
			if want[dir] {
				if found[dir], err = sp.search(a.name, dir, 1-dir, always, parts, len(keys)); err != nil {
					return false, err
				}
			}
		}
		// Visit in the product's order, as the enumeration would.
		order := []int{0, 1}
		if found[0] != nil && found[1] != nil && before(found[1], found[0]) {
			order = []int{1, 0}
		}
		for _, dir := range order {
			if found[dir] == nil {
				continue
			}
			states := make([]*keyState, len(keys))
			for i, s := range found[dir] {
				states[i] = keys[i][s]
			}
			rs, err := sp.decideBoth(a.name, resource, states)
			if err != nil {
				return false, err
			}
			if rs[dir].Decision != evaluator.Allow || rs[1-dir].Decision == evaluator.Allow {
				return false, &boundError{fmt.Sprintf("the evaluator does not decide %s as the statements it matches combine to; the comparison is not decided", a.name)}
			}
			want[dir] = false
			if !visit(resource, states, rs) {
				return false, nil
			}
		}
		return want[0] || want[1], nil
	})
}

// layers is configuration c's number of layers.
func (sp *space) layers(c int) int { return 1 + sp.m.levels[c] }

// before reports whether request x comes before y in the product's order: the last key's
// state changes slowest.
func before(x, y []int) bool {
	for i := len(x) - 1; i >= 0; i-- {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// parts splits the keys the statements rel test into parts.
func (sp *space) parts(rel []int, keys [][]*keyState) []*part {
	pos := map[*keyInfo]int{}
	for i, ks := range keys {
		pos[ks[0].key] = i
	}
	root := make([]int, len(keys))
	for i := range root {
		root[i] = i
	}
	find := func(i int) int {
		for root[i] != i {
			root[i] = root[root[i]]
			i = root[i]
		}
		return i
	}
	for _, i := range rel {
		cs := sp.m.stmts[i].conds
		for _, ci := range cs {
			root[find(pos[sp.m.conds[ci].key])] = find(pos[sp.m.conds[cs[0]].key])
		}
	}
	byRoot := map[int]*part{}
	var out []*part
	for i := range keys {
		r := find(i)
		if byRoot[r] == nil {
			byRoot[r] = &part{}
			out = append(out, byRoot[r])
		}
		byRoot[r].keys = append(byRoot[r].keys, i)
	}
	for _, i := range rel {
		if cs := sp.m.stmts[i].conds; len(cs) > 0 {
			p := byRoot[find(pos[sp.m.conds[cs[0]].key])]
			p.stmts = append(p.stmts, i)
		}
	}
	return out
}

// matchID names a statement as Result.Matched does.
type matchID struct {
	cfg, layer int
	policy     string
	index      int
}

// outcomes enumerates each part's states (the other keys absent) and fills the part's
// distinct outcomes, each with its first state; it returns what the unconditioned
// statements contribute.
func (sp *space) outcomes(action, resource string, rel []int, keys [][]*keyState, parts []*part) (outcome, error) {
	ids := map[matchID]int{}
	for _, i := range rel {
		s := &sp.m.stmts[i]
		ids[matchID{s.cfg, s.layerIndex, s.Policy(), s.Index()}] = i
	}
	var always outcome
	haveAlways := false
	for _, p := range parts {
		in := map[int]bool{}
		for _, i := range p.stmts {
			in[i] = true
		}
		seen := map[outcome]bool{}
		idx := make([]int, len(p.keys))
		states := make([]*keyState, len(keys))
		for {
			for j, k := range p.keys {
				states[k] = keys[k][idx[j]]
			}
			rs, err := sp.decideBoth(action, resource, states)
			if err != nil {
				return outcome{}, err
			}
			var o, rest outcome
			for c, r := range rs {
				if want := combine(r, sp.layers(c)); r.Decision != want {
					return outcome{}, &boundError{fmt.Sprintf("the evaluator decided a request for %s %s, not as the statements it matched combine to (%s); the comparison is not decided", action, r.Decision, want)}
				}
				for _, m := range r.Matched {
					i, ok := ids[matchID{c, layerIndex(m.Layer), m.Policy, m.Statement}]
					if !ok {
						return outcome{}, &boundError{fmt.Sprintf("the evaluator matched a statement (%s statement %d) the analysis did not see as taking part in %s; the comparison is not decided", m.Policy, m.Statement, action)}
					}
					switch {
					case in[i]:
						o.add(c, m)
					case len(sp.m.stmts[i].conds) == 0:
						rest.add(c, m)
					}
				}
			}
			if !haveAlways {
				always, haveAlways = rest, true
			} else if rest != always {
				return outcome{}, &boundError{fmt.Sprintf("the statements without conditions do not match every request for %s alike; the comparison is not decided", action)}
			}
			if !seen[o] {
				seen[o] = true
				p.outs = append(p.outs, o)
				p.first = append(p.first, slices.Clone(idx))
			}
			j := 0
			for ; j < len(p.keys); j++ {
				idx[j]++
				if idx[j] < len(keys[p.keys[j]]) {
					break
				}
				idx[j] = 0
			}
			if j == len(p.keys) {
				break
			}
		}
		for _, k := range p.keys {
			states[k] = nil
		}
	}
	return always, nil
}

func (o *outcome) add(c int, m evaluator.Match) {
	if m.Deny {
		o.deny[c] = true
	} else {
		o.allow[c] |= 1 << layerIndex(m.Layer)
	}
}

// combine is what a configuration of n layers decides from the statements r matched, by
// the evaluator's rule.
func combine(r *evaluator.Result, n int) evaluator.Decision {
	var allow uint64
	for _, m := range r.Matched {
		if m.Deny {
			return evaluator.ExplicitDeny
		}
		allow |= 1 << layerIndex(m.Layer)
	}
	if allow != 1<<n-1 {
		return evaluator.ImplicitDeny
	}
	return evaluator.Allow
}

// decideBoth evaluates one request (a nil state is an absent key) in both
// configurations, at the cost of one request.
func (sp *space) decideBoth(action, resource string, states []*keyState) ([]*evaluator.Result, error) {
	if !sp.meter.charge(1) {
		return nil, sp.meter.over("the condition key values for " + action + ", one group of keys at a time")
	}
	sp.ctx.Reset()
	for _, s := range states {
		if s != nil && s.present {
			sp.ctx.Add(s.frag)
		}
	}
	rs := make([]*evaluator.Result, len(sp.engines))
	for i, e := range sp.engines {
		rs[i] = e.decide(action, resource, sp.ctx)
	}
	return rs, nil
}

// search returns the first request, in the product's order, that configuration a allows
// and b does not (each key's state index), or nil when there is none. Each outcome
// examined costs one request of the budget.
func (sp *space) search(action string, a, b int, always outcome, parts []*part, nkeys int) ([]int, error) {
	if always.deny[a] {
		return nil, nil
	}
	// The reasons b may not allow: -1 an unconditioned Deny, -2-p a Deny of b in part p,
	// and 0..n-1 the layer of b without a matching Allow.
	var reasons []int
	if always.deny[b] {
		reasons = append(reasons, -1)
	} else {
		for pi, p := range parts {
			if slices.ContainsFunc(p.outs, func(o outcome) bool { return o.deny[b] }) {
				reasons = append(reasons, -2-pi)
			}
		}
		for l := range sp.layers(b) {
			if always.allow[b]&(1<<l) == 0 {
				reasons = append(reasons, l)
			}
		}
	}
	var need []int // a's layers without an unconditioned Allow
	for l := range sp.layers(a) {
		if always.allow[a]&(1<<l) == 0 {
			need = append(need, l)
		}
	}
	var best []int
	giver := make([]int, len(need)) // the part giving each needed layer its Allow
	var try func(reason, n int) error
	try = func(reason, n int) error {
		if n < len(need) {
			for pi := range parts {
				giver[n] = pi
				if err := try(reason, n+1); err != nil {
					return err
				}
			}
			return nil
		}
		req := make([]int, nkeys)
		for pi, p := range parts {
			var must uint64
			for i, g := range giver {
				if g == pi {
					must |= 1 << need[i]
				}
			}
			k := -1
			for oi, o := range p.outs {
				if !sp.meter.charge(1) {
					return sp.meter.over("the search over the condition key values for " + action)
				}
				if o.deny[a] || o.allow[a]&must != must ||
					reason == -2-pi && !o.deny[b] ||
					reason >= 0 && o.allow[b]&(1<<reason) != 0 {
					continue
				}
				k = oi
				break
			}
			if k < 0 {
				return nil
			}
			for j, key := range p.keys {
				req[key] = p.first[k][j]
			}
		}
		if best == nil || before(req, best) {
			best = req
		}
		return nil
	}
	for _, r := range reasons {
		if err := try(r, 0); err != nil {
			return nil, err
		}
	}
	return best, nil
}

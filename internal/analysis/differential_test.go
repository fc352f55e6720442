package analysis

// The differential test: random policy pairs, mirrored from the evaluator's differential
// generator (internal/evaluator/differential_test.go, copied here as it lives in a test
// file), against a brute-force oracle that evaluates every request of a finite universe
// built from the policies' literals, fresh values and corner values. Whenever the oracle
// finds a request that one configuration allows and the other does not, the engine must
// not say the comparison holds; every witness the engine gives is replayed; and effective
// permissions must agree with what the oracle sees.

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// diffSeed and diffSets are -analysis.seed and -analysis.sets: policy pairs.
var diffSeed, diffSets = policytest.Flags("analysis", 9, 2000, "analysis differential test's (policy pairs)")

// pair returns a reference and a candidate: the candidate is the reference changed a
// little (a statement added, removed or replaced), or, sometimes, unrelated.
// pair draws a candidate and a reference configuration that the policy set's gate accepts
// (the provider checks documents before it analyses them), drawing again otherwise.
func pair(t testing.TB, g *policytest.Gen) (config, config, string) {
	for {
		cand, ref, desc := anyPair(t, g)
		if gateAccepts(cand) && gateAccepts(ref) {
			return cand, ref, desc
		}
	}
}

func gateAccepts(c config) bool {
	_, err := c.set()
	return err == nil
}

func anyPair(t testing.TB, g *policytest.Gen) (config, config, string) {
	var kinds []policytest.KeyKind // two keys a pair, so that the oracle stays small
	for _, i := range g.R.Perm(len(policytest.AnalyserKeys))[:2] {
		kinds = append(kinds, policytest.AnalyserKeys[i])
	}
	g.UseKeys(kinds)
	var ref []policytest.Statement
	for range 1 + g.R.IntN(4) {
		ref = append(ref, g.Statement(false))
	}
	cand := slices.Clone(ref)
	switch g.R.IntN(5) {
	case 0:
		cand = append(cand, g.Statement(false))
	case 1:
		cand = slices.Delete(cand, 0, 1)
	case 2:
		cand[g.R.IntN(len(cand))] = g.Statement(false)
	case 3:
		i := g.R.IntN(len(cand))
		s := cand[i]
		if len(s.Conds) > 0 {
			s.Conds = s.Conds[1:]
		} else {
			s.Conds = []policytest.Cond{g.Cond()}
		}
		cand[i] = s
	default:
		cand = nil
		for range 1 + g.R.IntN(3) {
			cand = append(cand, g.Statement(false))
		}
	}
	var levels []docLevel
	if g.Chance(0.25) {
		var sts []policytest.Statement
		for range 1 + g.R.IntN(2) {
			sts = append(sts, g.Statement(true))
		}
		levels = []docLevel{{Name: "root", Policies: []docPolicy{{Name: "scp[root][0]", Document: docOf(t, sts)}}}}
	}
	rc := config{Identity: []docPolicy{{Name: "identity[0]", Document: docOf(t, ref)}}, Levels: levels}
	cc := config{Identity: []docPolicy{{Name: "identity[0]", Document: docOf(t, cand)}}, Levels: levels}
	return cc, rc, describe(cand) + "\nreference:\n" + describe(ref)
}

func docOf(t testing.TB, sts []policytest.Statement) *policy.Document {
	t.Helper()
	var parts []string
	for _, s := range sts {
		parts = append(parts, policytest.StatementJSON(s, false))
	}
	return doc(t, parts...)
}

func describe(sts []policytest.Statement) string {
	var b strings.Builder
	for _, s := range sts {
		b.WriteString("  " + policytest.StatementJSON(s, false) + "\n")
	}
	return b.String()
}

// ---------------------------------------------------------------------------------------
// The oracle's finite universe.

var (
	imageURNRule = regexp.MustCompile(`^ims:[a-z0-9][a-z0-9-]*:[A-Za-z0-9]+:image:[A-Za-z0-9][A-Za-z0-9._-]*$`)
	otherURNRule = regexp.MustCompile(`^[^:\s]+:[^:\s]*:[^:\s]*:[^:\s]+:\S+$`)
	actionRule   = regexp.MustCompile(`^[^:\s]+:[^:\s]+:[^:\s]+$`)
)

// instances writes a pattern's strings: `*` as nothing, "x" or "xx", `?` as "x".
func instances(p string) []string {
	var out []string
	for _, star := range []string{"", "x"} {
		out = append(out, strings.NewReplacer("*", star, "?", "x").Replace(p))
	}
	return out
}

type oracleUniverse struct {
	actions []string
	images  []string
	others  []string
	keys    []oracleKey
}

type oracleKey struct {
	name   string
	states [][]string // nil: absent
}

func collect(cfgs ...config) (actions, resources []string, conds map[string][]genCondLite) {
	conds = map[string][]genCondLite{}
	for _, c := range cfgs {
		var docs []*policy.Document
		for _, p := range c.Identity {
			docs = append(docs, p.Document)
		}
		for _, l := range c.Levels {
			for _, p := range l.Policies {
				docs = append(docs, p.Document)
			}
		}
		for _, d := range docs {
			for _, s := range d.Statements {
				actions = append(actions, s.Action.Values()...)
				actions = append(actions, s.NotAction.Values()...)
				resources = append(resources, s.Resource.Values()...)
				resources = append(resources, s.NotResource.Values()...)
				if s.Condition == nil {
					continue
				}
				for _, op := range s.Condition.Ops {
					for _, k := range op.Keys {
						conds[k.Name] = append(conds[k.Name], genCondLite{op.Operator().Base, k.Values.Values()})
					}
				}
			}
		}
	}
	return actions, resources, conds
}

type genCondLite struct {
	base   string
	values []string
}

func buildOracle(extraActions []string, cfgs ...config) oracleUniverse {
	var u oracleUniverse
	actions, resources, conds := collect(cfgs...)
	actions = append(actions, extraActions...)
	seen := map[string]bool{}
	for _, a := range catalog.Actions() {
		u.actions = append(u.actions, a.Name)
	}
	for _, p := range append(slices.Clone(actions), policytest.Analyser().OtherActions()...) {
		for _, s := range append(instances(p), strings.ToLower(p)) {
			svc, _, _ := strings.Cut(s, ":")
			if actionRule.MatchString(s) && !strings.EqualFold(svc, "ims") && !seen[s] {
				seen[s] = true
				u.actions = append(u.actions, s)
			}
		}
	}
	u.actions = append(u.actions, "zz:yy:xx", "imſ:images:get")
	fresh := []string{"ims:cn-north-4:acct:image:zz", "ims:zz:zz:image:zz", "obs:cn-north-4:acct:bucket:b1", "zz:::zz:zz"}
	for _, p := range append(resources, fresh...) {
		for _, s := range instances(p) {
			if seen[s] {
				continue
			}
			seen[s] = true
			if imageURNRule.MatchString(s) {
				u.images = append(u.images, s)
			}
			if otherURNRule.MatchString(s) {
				u.others = append(u.others, s)
			}
		}
	}
	var names []string
	for k := range conds {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		u.keys = append(u.keys, oracleKey{name: k, states: keyValues(k, conds[k])})
	}
	return u
}

// keyValues are the oracle's states of a key: absent, no values, each corner value alone
// and, for a multi-valued key, pairs of them.
func keyValues(key string, conds []genCondLite) [][]string {
	typ := catalog.String
	multi := true
	if ck, ok := catalog.LookupConditionKey(key); ok {
		typ, multi = ck.Type, ck.MultiValued
	} else {
		for _, c := range conds {
			if op, ok := condition.Lookup(c.base); ok && c.base != condition.Null {
				typ = op.Type
			}
		}
	}
	var vs []string
	add := func(v string) {
		if _, err := condition.Parse(typ, v); err == nil && !strings.Contains(v, "/") && !slices.Contains(vs, v) {
			vs = append(vs, v)
		}
	}
	for _, c := range conds {
		for _, v := range c.values {
			switch typ {
			case catalog.String:
				for _, s := range append(instances(v), v, v+"z", strings.ToUpper(v)) {
					add(s)
				}
			case catalog.Numeric:
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					for _, d := range []float64{-0.5, 0, 0.5} {
						add(strconv.FormatFloat(f+d, 'f', -1, 64))
					}
				}
			case catalog.Date:
				if pv, err := condition.Parse(catalog.Date, v); err == nil {
					for _, d := range []time.Duration{-time.Nanosecond, 0, time.Nanosecond} {
						add(pv.Time.Add(d).UTC().Format(time.RFC3339Nano))
					}
				}
			case catalog.IPAddress:
				if pv, err := condition.Parse(catalog.IPAddress, v); err == nil {
					first := pv.Prefix.Masked().Addr()
					last := lastAddr(pv.Prefix.Masked())
					for _, a := range []netip.Addr{first, first.Prev(), last, last.Next()} {
						if a.IsValid() {
							add(a.String())
							if a.Is4() {
								add("::ffff:" + a.String())
							}
						}
					}
				}
			}
		}
	}
	switch typ {
	case catalog.String:
		add("zz")
		add("")
	case catalog.Numeric:
		add("1000")
		add("-1000")
	case catalog.Date:
		add("2000-01-01T00:00:00Z")
		add("2100-01-01T00:00:00Z")
	case catalog.IPAddress:
		add("203.0.113.9")
		add("2001:db8::1")
		add("::1")
	case catalog.Boolean:
		add("true")
		add("false")
	}
	states := [][]string{nil, {}}
	for _, v := range vs {
		states = append(states, []string{v})
	}
	if multi {
		for i := range vs {
			for j := i + 1; j < len(vs) && j < i+3; j++ {
				states = append(states, []string{vs[i], vs[j]})
			}
		}
	}
	return states
}

func (u *oracleUniverse) resourcesOf(action string) []string {
	if a, ok := catalog.LookupAction(action); ok && catalog.Kind(action) == catalog.TableAction {
		if len(a.ResourceTypes) == 0 {
			return []string{"*"}
		}
		return u.images
	}
	return u.others
}

// each calls f for every request of the oracle's universe: every action, every resource
// of it, every combination of key states.
func (u *oracleUniverse) each(f func(action, resource string, ctx map[string][]string, ectx evaluator.Context)) {
	type built struct {
		values map[string][]string
		ctx    evaluator.Context
	}
	var ctxs []built
	idx := make([]int, len(u.keys))
	for {
		ctx := map[string][]string{}
		for i, k := range u.keys {
			if s := k.states[idx[i]]; s != nil {
				ctx[k.name] = s
			}
		}
		ctxs = append(ctxs, built{ctx, evaluator.NewContext(ctx)})
		i := 0
		for ; i < len(u.keys); i++ {
			if idx[i]++; idx[i] < len(u.keys[i].states) {
				break
			}
			idx[i] = 0
		}
		if i == len(u.keys) {
			break
		}
	}
	for _, a := range u.actions {
		for _, r := range u.resourcesOf(a) {
			for _, c := range ctxs {
				f(a, r, c.values, c.ctx)
			}
		}
	}
}

func decideAll(t testing.TB, c config) func(action, resource string, ctx evaluator.Context) evaluator.Decision {
	ev, err := c.set()
	if err != nil {
		t.Fatal(err)
	}
	var res evaluator.Result
	return func(action, resource string, ctx evaluator.Context) evaluator.Decision {
		ev.Evaluate(&evaluator.Request{Action: action, Resource: resource, Context: ctx}, &res)
		return res.Decision
	}
}

func TestDifferential(t *testing.T) {
	sets := policytest.Short(*diffSets)
	g := policytest.NewGen(policytest.Analyser(), *diffSeed)
	start := time.Now()
	var complete, unknown, differing, oracleRequests, queries, witnesses, unassociatedOnly int
	grants := map[Grant]int{}
	for n := range sets {
		cand, ref, desc := pair(t, g)
		res, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
		if err != nil {
			t.Fatalf("set %d: %v", n, err)
		}
		if res.Status == Unknown {
			unknown++
			if res.Holds {
				t.Fatalf("set %d: unknown (%s) but holds", n, res.Reason)
			}
			continue
		}
		complete++
		checkWitnesses(t, cand, &ref, res.NewAccess)
		checkWitnesses(t, cand, &ref, res.RemovedAccess)
		if t.Failed() {
			t.Fatalf("set %d (seed %d):\ncandidate:\n%s", n, *diffSeed, desc)
		}
		u := buildOracle(nil, cand, ref)
		dc, dr := decideAll(t, cand), decideAll(t, ref)
		var found, removed *Witness
		perAction := map[string][2]bool{} // allowed, denied by the candidate
		// Per action, whether the oracle saw a request of each kind (new, removed, allowed)
		// that carries no key the action is not known to receive.
		associated := map[string][3]bool{}
		u.each(func(a, r string, ctx map[string][]string, ectx evaluator.Context) {
			oracleRequests++
			c, rd := dc(a, r, ectx), dr(a, r, ectx)
			if c == evaluator.Allow && rd != evaluator.Allow && found == nil {
				found = &Witness{Action: a, Resource: r, Context: ctx}
			}
			if rd == evaluator.Allow && c != evaluator.Allow && removed == nil {
				removed = &Witness{Action: a, Resource: r, Context: ctx}
			}
			s := perAction[a]
			if c == evaluator.Allow {
				s[0] = true
			} else {
				s[1] = true
			}
			perAction[a] = s
			if !oracleUnassociated(a, ctx) {
				as := associated[a]
				as[0] = as[0] || c == evaluator.Allow && rd != evaluator.Allow
				as[1] = as[1] || rd == evaluator.Allow && c != evaluator.Allow
				as[2] = as[2] || c == evaluator.Allow
				associated[a] = as
			}
		})
		for _, w := range res.NewAccess {
			witnesses++
			if len(w.UnassociatedKeys) > 0 {
				unassociatedOnly++
			}
		}
		checkPreferred(t, n, desc, res.NewAccess, associated, 0)
		checkPreferred(t, n, desc, res.RemovedAccess, associated, 1)
		if found != nil {
			differing++
			if res.Holds {
				t.Fatalf("set %d (seed %d): the engine says no new access, the oracle found %+v\ncandidate:\n%s", n, *diffSeed, *found, desc)
			}
		}
		if removed != nil && len(res.RemovedAccess) == 0 {
			t.Fatalf("set %d (seed %d): the engine found no removed access, the oracle found %+v\ncandidate:\n%s", n, *diffSeed, *removed, desc)
		}
		// Access not granted, for a random query, against the oracle (its universe widened
		// by the query's patterns).
		qa, qr := []string{g.Pick("*", "ims:*", "ims:images:share", g.ActionPattern())}, []string{g.Pick("*", g.ResourcePattern())}
		ang, err := AccessNotGranted(mustSet(cand), qa, qr, Budget{})
		if err != nil {
			t.Fatal(err)
		}
		if ang.Status == Complete {
			checkWitnesses(t, cand, nil, ang.Witnesses)
			qu := buildOracle(qa, cand)
			qu.images, qu.others = withInstances(qu.images, qu.others, qr)
			query := evaluator.NewQuery(qa, qr)
			var allowed *Witness
			qu.each(func(a, r string, ctx map[string][]string, ectx evaluator.Context) {
				if allowed == nil && query.MatchesAction(a) && query.MatchesResource(r) && dc(a, r, ectx) == evaluator.Allow {
					allowed = &Witness{Action: a, Resource: r, Context: ctx}
				}
			})
			if allowed != nil && ang.Passed {
				t.Fatalf("set %d (seed %d): access to %q on %q is not granted, says the engine; the oracle found %+v\ncandidate:\n%s", n, *diffSeed, qa, qr, *allowed, desc)
			}
			if allowed != nil {
				queries++
			}
		}

		// Effective permissions of the candidate against what the oracle saw.
		ep, err := EffectivePermissions(mustSet(cand), Budget{})
		if err != nil {
			t.Fatal(err)
		}
		if ep.Status != Complete {
			continue
		}
		for _, p := range ep.Actions {
			grants[p.Grant]++
			seen := perAction[p.Action]
			bad := p.Grant == GrantFull && seen[1] || p.Grant == GrantNone && seen[0] || seen[0] && seen[1] && p.Grant != GrantPartial
			if bad {
				t.Fatalf("set %d (seed %d): %s is %s, the oracle saw allowed %v, denied %v\ncandidate:\n%s", n, *diffSeed, p.Action, p.Grant, seen[0], seen[1], desc)
			}
			if p.Witness != nil {
				checkWitnesses(t, cand, nil, []Witness{*p.Witness})
				checkPreferred(t, n, desc, []Witness{*p.Witness}, associated, 2)
			}
		}
		other := false
		for a, s := range perAction {
			if catalog.Kind(a) != catalog.TableAction && s[0] {
				other = true
			}
		}
		if other && !ep.OtherServicesAllowed {
			t.Fatalf("set %d (seed %d): the oracle allows another service's action, the engine says none\ncandidate:\n%s", n, *diffSeed, desc)
		}
	}
	t.Logf("%d pairs in %v: %d complete (%d with new access by the oracle), %d unknown; %d oracle requests; grants %v; %d queries granted; "+
		"%d of %d new-access witnesses only through unassociated keys",
		sets, time.Since(start).Round(time.Millisecond), complete, differing, unknown, oracleRequests, grants, queries, unassociatedOnly, witnesses)
	if complete < sets*8/10 || differing < complete/10 {
		t.Errorf("the generator proves little: %d of %d complete, %d differing", complete, sets, differing)
	}
}

// oracleUnassociated reports whether a request carries a key its action is not known to
// receive, by the catalog.
func oracleUnassociated(action string, ctx map[string][]string) bool {
	for k := range ctx {
		if _, ok := catalog.NotReceivedBy(k, action); ok {
			return true
		}
	}
	return false
}

// checkPreferred fails when a witness rests on an unassociated key, said to be the only
// way, and the oracle saw a request of its kind (index into associated's entries) without one.
func checkPreferred(t *testing.T, n int, desc string, ws []Witness, associated map[string][3]bool, kind int) {
	t.Helper()
	for _, w := range ws {
		if len(w.UnassociatedKeys) > 0 && !w.Unsearched && associated[w.Action][kind] {
			t.Fatalf("set %d (seed %d): witness %s rests on %v, but the oracle found a request without them\ncandidate:\n%s",
				n, *diffSeed, w, w.UnassociatedKeys, desc)
		}
	}
}

// withInstances adds the patterns' instances to the oracle's resources.
func withInstances(images, others, patterns []string) ([]string, []string) {
	for _, p := range patterns {
		for _, s := range instances(p) {
			if imageURNRule.MatchString(s) && !slices.Contains(images, s) {
				images = append(images, s)
			}
			if otherURNRule.MatchString(s) && !slices.Contains(others, s) {
				others = append(others, s)
			}
		}
	}
	return images, others
}

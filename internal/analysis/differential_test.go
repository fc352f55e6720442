package analysis

// The differential test: random policy pairs, mirrored from the evaluator's differential
// generator (internal/evaluator/differential_test.go, copied here as it lives in a test
// file), against a brute-force oracle that evaluates every request of a finite universe
// built from the policies' literals, fresh values and corner values. Whenever the oracle
// finds a request that one configuration allows and the other does not, the engine must
// not say the comparison holds; every witness the engine gives is replayed; and effective
// permissions must agree with what the oracle sees.

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
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
)

var (
	diffSeed = flag.Uint64("analysis.seed", 9, "seed of the analysis differential test")
	diffSets = flag.Int("analysis.sets", 2000, "policy pairs the analysis differential test generates")
)

type genCond struct {
	Op, Key string
	Values  []string
}

type genStatement struct {
	Effect                                   string
	Sid                                      string
	Action, NotAction, Resource, NotResource []string
	HasResource, HasNotResource              bool
	Conds                                    []genCond
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonList(vs []string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = jsonString(v)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func statementJSON(s genStatement) string {
	var f []string
	if s.Sid != "" {
		f = append(f, `"Sid":`+jsonString(s.Sid))
	}
	f = append(f, `"Effect":`+jsonString(s.Effect))
	if s.Action != nil {
		f = append(f, `"Action":`+jsonList(s.Action))
	}
	if s.NotAction != nil {
		f = append(f, `"NotAction":`+jsonList(s.NotAction))
	}
	if s.HasResource {
		f = append(f, `"Resource":`+jsonList(s.Resource))
	}
	if s.HasNotResource {
		f = append(f, `"NotResource":`+jsonList(s.NotResource))
	}
	if len(s.Conds) > 0 {
		var ops []string
		keys := map[string][]string{}
		for _, c := range s.Conds {
			if _, ok := keys[c.Op]; !ok {
				ops = append(ops, c.Op)
			}
			keys[c.Op] = append(keys[c.Op], jsonString(c.Key)+":"+jsonList(c.Values))
		}
		var cs []string
		for _, op := range ops {
			cs = append(cs, jsonString(op)+":{"+strings.Join(keys[op], ",")+"}")
		}
		f = append(f, `"Condition":{`+strings.Join(cs, ",")+"}")
	}
	return "{" + strings.Join(f, ",") + "}"
}

type gen struct {
	r     *rand.Rand
	names []string
	kinds []keyKind // the keys of the current pair (two, so that the oracle stays small)
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, 0x9a11)), names: catalog.KnownNames()}
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }

var otherActionNames = []string{"ecs:servers:list", "obs:object:GetObject", "obs:object:PutObject", "evs:volumes:create"}

func (g *gen) actionPattern() string {
	switch g.r.IntN(12) {
	case 0:
		return "*"
	case 1:
		return g.pick("ims:*", "ims:images:*", "IMS:Images:*", "*:images:get*", "ims:*:create", "ims:images:?et*", "obs:*", "ims:images:*Member*", "ims:*Images:create", "ims:images:list*", "*:object:*")
	case 2:
		return g.pick(otherActionNames...)
	}
	n := g.names[g.r.IntN(len(g.names))]
	switch g.r.IntN(5) {
	case 0:
		b := []byte(n)
		b[g.r.IntN(len(b))] = '?'
		return string(b)
	case 1:
		i := g.r.IntN(len(n))
		j := i + g.r.IntN(len(n)-i+1)
		return n[:i] + "*" + n[j:]
	}
	return n
}

var (
	regions  = []string{"cn-north-4", "cn-east-3"}
	accounts = []string{"acct", "0a1b2c"}
	images   = []string{"a", "img-1", "IMG-1"}
)

func (g *gen) urn() string {
	return "ims:" + g.pick(regions...) + ":" + g.pick(accounts...) + ":image:" + g.pick(images...)
}

func (g *gen) resourcePattern() string {
	switch g.r.IntN(8) {
	case 0:
		return "*"
	case 1:
		return g.pick("ims:*:*:image:*", "ims:*:acct:image:*", "ims:cn-north-4:*:image:?", "ims:*:image:img-*", "*:image:a", "obs:*")
	}
	u := g.urn()
	switch g.r.IntN(3) {
	case 0:
		b := []byte(u)
		b[g.r.IntN(len(b))] = '?'
		return string(b)
	case 1:
		i := g.r.IntN(len(u))
		j := i + g.r.IntN(len(u)-i+1)
		return u[:i] + "*" + u[j:]
	}
	return u
}

// Keys of one type each (the analysis declines keys compared as two types, which
// TestDifferential counts separately), with the evaluator's generator's values.
type keyKind struct {
	key    string
	ops    []string
	values []string
}

var keyKinds = []keyKind{
	{"ims:Region", []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringMatch", "StringNotMatch", "StringStartWith", "StringNotStartWith", "StringEndWith", "StringNotEndWith"},
		[]string{"cn-north-4", "cn-east-3", "CN-NORTH-4", "cn-*", "cn-?orth-4", "cn-", "-4", ""}},
	{"ims:Encrypted", []string{"Bool"}, []string{"true", "false", "True"}},
	{"g:CurrentTime", []string{"DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"},
		[]string{"2026-01-01T00:00:00Z", "2026-11-25T10:00:00+08:00", "2026-11-25", "2027-01-01T00:00:00.5Z"}},
	{"g:SourceIp", []string{"IpAddress", "NotIpAddress"},
		[]string{"192.0.2.0/24", "10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::ffff:10.0.0.0/104"}},
	{"ims:VolumeId", []string{"StringEquals", "StringNotEquals", "StringMatch", "StringEqualsIgnoreCase"},
		[]string{"v1", "v2", "V3", "v*"}},
	{"x:size", []string{"NumberEquals", "NumberNotEquals", "NumberLessThan", "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals"},
		[]string{"10", "5.5", "-3", "0"}},
	{"g:SourceVpce", []string{"Null", "StringEquals", "StringNotEquals"}, []string{"vpce-1", "vpce-2"}},
}

func (g *gen) cond() genCond {
	k := g.kinds[g.r.IntN(len(g.kinds))]
	base := k.ops[g.r.IntN(len(k.ops))]
	op := base
	if g.chance(0.25) {
		op = g.pick("ForAnyValue:", "ForAllValues:") + op
	}
	if g.chance(0.25) {
		op += "IfExists"
	}
	if g.chance(0.02) {
		// A key compared as another type: the analysis must answer Unknown.
		base = g.pick("StringEquals", "NumberEquals", "Bool", "DateLessThan", "IpAddress")
		op = base
	}
	var values []string
	if base == condition.Null {
		values = []string{g.pick("true", "false")}
	} else {
		for range 1 + g.r.IntN(2) {
			values = append(values, k.values[g.r.IntN(len(k.values))])
		}
	}
	return genCond{Op: op, Key: k.key, Values: values}
}

func (g *gen) statement(scp bool) genStatement {
	s := genStatement{Effect: "Allow"}
	if g.chance(0.3) {
		s.Effect = "Deny"
	}
	if g.chance(0.3) {
		s.Sid = fmt.Sprintf("S%d", g.r.IntN(100))
	}
	var list []string
	for range 1 + g.r.IntN(2) {
		list = append(list, g.actionPattern())
	}
	if scp && s.Effect == "Allow" && g.chance(0.5) {
		list = []string{"*"}
	}
	if g.chance(0.15) {
		s.NotAction = list
	} else {
		s.Action = list
	}
	switch g.r.IntN(10) {
	case 0, 1, 2:
	case 3:
		s.HasNotResource = true
		s.NotResource = []string{g.resourcePattern()}
	default:
		s.HasResource = true
		for range 1 + g.r.IntN(2) {
			s.Resource = append(s.Resource, g.resourcePattern())
		}
	}
	if g.chance(0.5) {
		seen := map[string]bool{}
		for range 1 + g.r.IntN(2) {
			c := g.cond()
			if id := c.Op + "\x00" + c.Key; !seen[id] {
				seen[id] = true
				s.Conds = append(s.Conds, c)
			}
		}
	}
	return s
}

// pair returns a reference and a candidate: the candidate is the reference changed a
// little (a statement added, removed or replaced), or, sometimes, unrelated.
// pair draws a candidate and a reference configuration that the policy set's gate accepts
// (the provider checks documents before it analyses them), drawing again otherwise.
func (g *gen) pair(t testing.TB) (config, config, string) {
	for {
		cand, ref, desc := g.anyPair(t)
		if gateAccepts(cand) && gateAccepts(ref) {
			return cand, ref, desc
		}
	}
}

func gateAccepts(c config) bool {
	_, err := c.set()
	return err == nil
}

func (g *gen) anyPair(t testing.TB) (config, config, string) {
	g.kinds = nil
	for _, i := range g.r.Perm(len(keyKinds))[:2] {
		g.kinds = append(g.kinds, keyKinds[i])
	}
	var ref []genStatement
	for range 1 + g.r.IntN(4) {
		ref = append(ref, g.statement(false))
	}
	cand := slices.Clone(ref)
	switch g.r.IntN(5) {
	case 0:
		cand = append(cand, g.statement(false))
	case 1:
		cand = slices.Delete(cand, 0, 1)
	case 2:
		cand[g.r.IntN(len(cand))] = g.statement(false)
	case 3:
		i := g.r.IntN(len(cand))
		s := cand[i]
		if len(s.Conds) > 0 {
			s.Conds = s.Conds[1:]
		} else {
			s.Conds = []genCond{g.cond()}
		}
		cand[i] = s
	default:
		cand = nil
		for range 1 + g.r.IntN(3) {
			cand = append(cand, g.statement(false))
		}
	}
	var levels []docLevel
	if g.chance(0.25) {
		var sts []genStatement
		for range 1 + g.r.IntN(2) {
			sts = append(sts, g.statement(true))
		}
		levels = []docLevel{{Name: "root", Policies: []docPolicy{{Name: "scp[root][0]", Document: docOf(t, sts)}}}}
	}
	rc := config{Identity: []docPolicy{{Name: "identity[0]", Document: docOf(t, ref)}}, Levels: levels}
	cc := config{Identity: []docPolicy{{Name: "identity[0]", Document: docOf(t, cand)}}, Levels: levels}
	return cc, rc, describe(cand) + "\nreference:\n" + describe(ref)
}

func docOf(t testing.TB, sts []genStatement) *policy.Document {
	t.Helper()
	var parts []string
	for _, s := range sts {
		parts = append(parts, statementJSON(s))
	}
	return doc(t, parts...)
}

func describe(sts []genStatement) string {
	var b strings.Builder
	for _, s := range sts {
		b.WriteString("  " + statementJSON(s) + "\n")
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
	for _, p := range append(slices.Clone(actions), otherActionNames...) {
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
	sets := *diffSets
	if testing.Short() {
		sets /= 10
	}
	g := newGen(*diffSeed)
	start := time.Now()
	var complete, unknown, differing, oracleRequests, queries int
	grants := map[Grant]int{}
	for n := range sets {
		cand, ref, desc := g.pair(t)
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
		})
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
		qa, qr := []string{g.pick("*", "ims:*", "ims:images:share", g.actionPattern())}, []string{g.pick("*", g.resourcePattern())}
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
	t.Logf("%d pairs in %v: %d complete (%d with new access by the oracle), %d unknown; %d oracle requests; grants %v; %d queries granted",
		sets, time.Since(start).Round(time.Millisecond), complete, differing, unknown, oracleRequests, grants, queries)
	if complete < sets*8/10 || differing < complete/10 {
		t.Errorf("the generator proves little: %d of %d complete, %d differing", complete, sets, differing)
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

package evaluator

// The differential test: a second, deliberately naive evaluator, transcribed from the rules
// of issue 4 ("Evaluation semantics") without indexing or precompilation, compared with the
// real one on randomly generated policy sets and requests. The RNG is seeded, so every run
// checks the same cases; -diff.seed and -diff.sets change them.
//
// Where the issue says nothing, the naive evaluator makes the evaluator's documented choice
// and says so (see the naive* constants below), so that a difference is always a bug in one
// of the two and never a question of taste.
//
// It shares no matching or comparison code with the evaluator (nor with the condition and
// wildcard packages): the ASCII case rule of names, the wildcard matcher, the reading of
// numbers, dates, booleans and IP addresses, every operator, IfExists, Null and the set
// qualifiers are transcribed below, so that comparisons are tested differentially too. It
// reads the catalog as data only (actions and their aliases, key types, APIs), and takes
// documents from the policy parser.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// diffSeed and diffSets are -diff.seed and -diff.sets: policy sets, each with several
// requests.
var diffSeed, diffSets = policytest.Flags("diff", 4, 3000, "evaluator differential test's (policy sets with requests)")

// ---------------------------------------------------------------------------------------
// The generator is policytest's, with its Evaluator profile.

// casePolicies parses a case's policies (names as the data source gives them).
func casePolicies(t testing.TB, c *policytest.Case) ([]testPolicy, []testLevel) {
	t.Helper()
	parse := func(name string, sts []policytest.Statement) testPolicy {
		src := policytest.PolicyJSON(sts)
		d, err := policy.Parse([]byte(src))
		if err != nil {
			t.Fatalf("generated policy does not parse: %v\n%s", err, src)
		}
		return testPolicy{Name: name, Document: d}
	}
	var identity []testPolicy
	for i, p := range c.Identity {
		identity = append(identity, parse(fmt.Sprintf("identity[%d]", i), p))
	}
	var levels []testLevel
	for _, lv := range c.Levels {
		l := testLevel{Name: lv.Name}
		for i, p := range lv.Policies {
			l.Policies = append(l.Policies, parse(fmt.Sprintf("scp[%s][%d]", lv.Name, i), p))
		}
		levels = append(levels, l)
	}
	return identity, levels
}

// ---------------------------------------------------------------------------------------
// Comparison and shrinking.

// diff evaluates request ri of a case both ways and describes the first difference, ""
// when they agree. res is reused as the data source reuses it.
func diffCase(t testing.TB, c *policytest.Case, ri int, e *PolicySet, res *Result) string {
	identity, levels := casePolicies(t, c)
	if e == nil {
		var err error
		if e, err = Compile(identity, levels); err != nil {
			return "Compile: " + err.Error()
		}
	}
	rq := c.Requests[ri]
	return compareOne(e, identity, levels, rq.Action, rq.Resource, rq.Context, res)
}

func compareOne(e *PolicySet, identity []testPolicy, levels []testLevel, action, resource string, ctx map[string][]string, res *Result) string {
	if res == nil {
		res = &Result{}
	}
	e.Evaluate(&Request{Action: action, Resource: resource, Context: NewContext(ctx)}, res)
	want := naiveEvaluate(identity, levels, action, resource, ctx)
	var d []string
	if res.Decision != want.Decision || res.DecidedBy.String() != want.DecidedBy {
		d = append(d, fmt.Sprintf("decision: evaluator %s by %q, naive %s by %q", res.Decision, res.DecidedBy, want.Decision, want.DecidedBy))
	}
	if !slices.Equal(res.Matched, want.Matched) {
		d = append(d, fmt.Sprintf("matched statements:\n    evaluator %+v\n    naive     %+v", res.Matched, want.Matched))
	}
	if !slices.Equal(res.MissingKeys, want.Missing) && (len(res.MissingKeys) > 0 || len(want.Missing) > 0) {
		d = append(d, fmt.Sprintf("missing keys: evaluator %q, naive %q", res.MissingKeys, want.Missing))
	}
	return strings.Join(d, "\n  ")
}

// apis are the APIs of the catalog, each looked up by a concrete path.
var apis = func() []catalog.APIPermission {
	var out []catalog.APIPermission
	seen := map[string]bool{}
	for _, row := range catalog.APIRows() {
		for _, a := range row.APIs {
			path := regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(a.Path, "x1")
			p, ok := catalog.LookupAPI(a.Method, path)
			if ok && !seen[p.Method+" "+p.PathTemplate] {
				seen[p.Method+" "+p.PathTemplate] = true
				out = append(out, p)
			}
		}
	}
	return out
}()

func compareAPI(e *PolicySet, identity []testPolicy, levels []testLevel, api catalog.APIPermission, resource string, ctx map[string][]string) string {
	res, actions := e.evaluateAPI(api, resource, NewContext(ctx))
	want, wantEach := naiveEvaluateAPI(identity, levels, api, resource, ctx)
	var each []string
	for _, a := range actions {
		each = append(each, fmt.Sprintf("%s required=%v %s", a.Action, a.Required, a.Result.Decision))
	}
	var d []string
	if res.Decision != want.Decision || res.DecidedBy.String() != want.DecidedBy {
		d = append(d, fmt.Sprintf("API decision: evaluator %s by %q, naive %s by %q", res.Decision, res.DecidedBy, want.Decision, want.DecidedBy))
	}
	if !slices.Equal(each, wantEach) {
		d = append(d, fmt.Sprintf("evaluated actions:\n    evaluator %q\n    naive     %q", each, wantEach))
	}
	if !slices.Equal(res.Matched, want.Matched) {
		d = append(d, fmt.Sprintf("API matched statements:\n    evaluator %+v\n    naive     %+v", res.Matched, want.Matched))
	}
	if !slices.Equal(res.MissingKeys, want.Missing) && (len(res.MissingKeys) > 0 || len(want.Missing) > 0) {
		d = append(d, fmt.Sprintf("API missing keys: evaluator %q, naive %q", res.MissingKeys, want.Missing))
	}
	return strings.Join(d, "\n  ")
}

// shrink removes levels, policies, statements, patterns, conditions and context keys as
// long as request ri still shows a difference, and returns the smallest case found.
func shrink(t testing.TB, c policytest.Case, ri int) policytest.Case {
	c.Requests = []policytest.Request{c.Requests[ri]}
	fails := func(x *policytest.Case) bool { return diffCase(t, x, 0, nil, nil) != "" }
	for changed := true; changed; {
		changed = false
		for _, cand := range reductions(c) {
			if fails(&cand) {
				c, changed = cand, true
				break
			}
		}
	}
	return c
}

func without[T any](xs []T, i int) []T { return append(slices.Clone(xs[:i]), xs[i+1:]...) }

// reductions lists every case one step smaller than c.
func reductions(c policytest.Case) []policytest.Case {
	var out []policytest.Case
	clone := func() policytest.Case {
		d := c
		d.Identity = slices.Clone(c.Identity)
		d.Levels = slices.Clone(c.Levels)
		d.Requests = slices.Clone(c.Requests)
		return d
	}
	// Statement-level reductions, applied to a policy in place.
	stmts := func(p []policytest.Statement, set func([]policytest.Statement)) {
		for si := range p {
			set(without(p, si))
			s := p[si]
			try := func(ns policytest.Statement) {
				q := slices.Clone(p)
				q[si] = ns
				set(q)
			}
			for i := range s.Conds {
				ns := s
				ns.Conds = without(s.Conds, i)
				try(ns)
				for j := range s.Conds[i].Values {
					if len(s.Conds[i].Values) > 1 {
						ns := s
						ns.Conds = slices.Clone(s.Conds)
						ns.Conds[i].Values = without(s.Conds[i].Values, j)
						try(ns)
					}
				}
			}
			for _, f := range []*[]string{&s.Action, &s.NotAction, &s.Resource, &s.NotResource} {
				for i := range *f {
					if len(*f) > 1 {
						ns := s
						nf := without(*f, i)
						switch f {
						case &s.Action:
							ns.Action = nf
						case &s.NotAction:
							ns.NotAction = nf
						case &s.Resource:
							ns.Resource = nf
						default:
							ns.NotResource = nf
						}
						try(ns)
					}
				}
			}
			if s.HasResource || s.HasNotResource {
				ns := s
				ns.HasResource, ns.HasNotResource, ns.Resource, ns.NotResource = false, false, nil, nil
				try(ns)
			}
			if s.Sid != "" {
				ns := s
				ns.Sid = ""
				try(ns)
			}
		}
	}
	for li := range c.Levels {
		d := clone()
		d.Levels = without(c.Levels, li)
		out = append(out, d)
	}
	for pi := range c.Identity {
		d := clone()
		d.Identity = without(c.Identity, pi)
		out = append(out, d)
		stmts(c.Identity[pi], func(p []policytest.Statement) {
			d := clone()
			d.Identity[pi] = p
			out = append(out, d)
		})
	}
	for li, lv := range c.Levels {
		for pi := range lv.Policies {
			d := clone()
			d.Levels[li].Policies = without(lv.Policies, pi)
			out = append(out, d)
			stmts(lv.Policies[pi], func(p []policytest.Statement) {
				d := clone()
				nl := policytest.Level{Name: lv.Name, Policies: slices.Clone(lv.Policies)}
				nl.Policies[pi] = p
				d.Levels[li] = nl
				out = append(out, d)
			})
		}
	}
	rq := c.Requests[0]
	for k, vs := range rq.Context {
		d := clone()
		nc := map[string][]string{}
		for k2, v2 := range rq.Context {
			if k2 != k {
				nc[k2] = v2
			}
		}
		d.Requests[0].Context = nc
		out = append(out, d)
		for i := range vs {
			if len(vs) > 1 {
				d := clone()
				nc := map[string][]string{}
				for k2, v2 := range rq.Context {
					nc[k2] = v2
				}
				nc[k] = without(vs, i)
				d.Requests[0].Context = nc
				out = append(out, d)
			}
		}
	}
	return out
}

// TestDifferential compares the evaluator with the naive one on generated policy sets:
// decision, decided_by, matched statements and missing context keys must agree.
func TestDifferential(t *testing.T) {
	sets := policytest.Short(*diffSets)
	g := policytest.NewGen(policytest.Evaluator(), *diffSeed)
	start := time.Now()
	cases, apiCases, failures := 0, 0, 0
	decisions := map[string]int{}
	var res Result
	for n := range sets {
		c := g.Case()
		identity, levels := casePolicies(t, &c)
		e, err := Compile(identity, levels)
		if err != nil {
			t.Fatalf("set %d: Compile: %v\n%s", n, err, c.Describe())
		}
		for ri, rq := range c.Requests {
			cases++
			d := compareOne(e, identity, levels, rq.Action, rq.Resource, rq.Context, &res)
			decisions[res.Decision.String()+" by "+strings.SplitN(res.DecidedBy.String(), ":", 2)[0]]++
			if d == "" {
				continue
			}
			failures++
			small := shrink(t, c, ri)
			t.Errorf("the evaluator and the naive evaluator differ (seed %d, set %d, request %d); smallest case:\n%s  %s",
				*diffSeed, n, ri, small.Describe(), diffCase(t, &small, 0, nil, nil))
			if failures >= 5 {
				t.Fatalf("stopping after %d differences", failures)
			}
		}
		// Two API requests per set, with the first two requests' resources and contexts.
		for ri := range 2 {
			api := apis[g.R.IntN(len(apis))]
			rq := c.Requests[ri]
			apiCases++
			if d := compareAPI(e, identity, levels, api, rq.Resource, rq.Context); d != "" {
				failures++
				t.Errorf("EvaluateAPI and the naive evaluator differ (seed %d, set %d) on %s %s, resource %q, context %q:\n%s  %s",
					*diffSeed, n, api.Method, api.PathTemplate, rq.Resource, rq.Context, c.Describe(), d)
				if failures >= 5 {
					t.Fatalf("stopping after %d differences", failures)
				}
			}
		}
	}
	t.Logf("%d requests and %d API requests (%d policy sets) in %v; outcomes %v", cases, apiCases, sets, time.Since(start).Round(time.Millisecond), decisions)
	// The generator must reach every outcome often, or the comparison proves little.
	for _, o := range []string{"allow by identity", "explicit_deny by identity", "implicit_deny by identity", "explicit_deny by scp", "implicit_deny by scp"} {
		if decisions[o] < cases/100 {
			t.Errorf("outcome %q in only %d of %d cases: the generator needs tuning", o, decisions[o], cases)
		}
	}
}

// TestNaiveEvaluator pins the naive evaluator to the hand-written cases of issue 4, so that
// agreeing with it means something.
func TestNaiveEvaluator(t *testing.T) {
	cond := func(op, key string, ctx map[string][]string, values ...string) bool {
		q, base, ifx := naiveSplitOperator(op)
		o, ok := naiveOpTable[base]
		if !ok {
			t.Fatalf("operator %s", op)
		}
		rv, present := naiveLookup(ctx, key)
		return naiveConditionHolds(&o, key, q, ifx, values, rv, present)
	}
	// The transcription covers every operator of the condition table, with its type and
	// negation (the comparisons themselves are the naive evaluator's own).
	for _, op := range condition.Operators() {
		n, ok := naiveOpTable[op.Name]
		switch {
		case !ok:
			t.Errorf("the naive evaluator does not know %s", op.Name)
		case op.Name != condition.Null && (n.typ != string(op.Type) || n.negated != op.Negated):
			t.Errorf("%s: naive type %s negated %v, table %s %v", op.Name, n.typ, n.negated, op.Type, op.Negated)
		}
	}
	if len(naiveOpTable) != len(condition.Operators()) {
		t.Errorf("the naive evaluator knows %d operators, the table %d", len(naiveOpTable), len(condition.Operators()))
	}
	region := map[string][]string{"IMS:REGION": {"cn-north-4"}}
	vols := map[string][]string{"ims:VolumeId": {"v1", "v2"}}
	checks := []struct {
		name string
		got  bool
		want bool
	}{
		{"StringEquals", cond("StringEquals", "ims:Region", region, "cn-north-4"), true},
		{"case-sensitive", cond("StringEquals", "ims:Region", region, "CN-NORTH-4"), false},
		{"IgnoreCase", cond("StringEqualsIgnoreCase", "ims:Region", region, "CN-NORTH-4"), true},
		{"absent positive", cond("StringEquals", "ims:Region", nil, "cn-north-4"), false},
		{"absent negated", cond("StringNotEquals", "ims:Region", nil, "cn-north-4"), true},
		{"absent IfExists", cond("StringEqualsIfExists", "ims:Region", nil, "cn-north-4"), true},
		{"absent ForAllValues", cond("ForAllValues:StringEquals", "ims:VolumeId", nil, "v1"), true},
		{"absent ForAllValues negated", cond("ForAllValues:StringNotEquals", "ims:VolumeId", nil, "v1"), true},
		{"absent ForAnyValue negated", cond("ForAnyValue:StringNotEquals", "ims:VolumeId", nil, "v1"), false},
		{"empty ForAllValues", cond("ForAllValues:StringEquals", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "v1"), true},
		{"empty ForAnyValue", cond("ForAnyValue:StringEquals", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "v1"), false},
		{"empty is present: IfExists", cond("StringEqualsIfExists", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "v1"), false},
		{"empty is present: Null", cond("Null", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "true"), false},
		{"NaN is no number", cond("NumberNotEquals", "ecs:DiskSize", map[string][]string{"ecs:DiskSize": {"NaN"}}, "1"), false},
		{"exponent is no number", cond("NumberEquals", "ecs:DiskSize", map[string][]string{"ecs:DiskSize": {"10"}}, "1e1"), false},
		{"signed decimal", cond("NumberEquals", "ecs:DiskSize", map[string][]string{"ecs:DiskSize": {"+10.0"}}, "010"), true},
		{"mapped IPv6 is IPv4", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"::ffff:10.1.2.3"}}, "10.0.0.0/8"), true},
		{"mapped CIDR is IPv4", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"10.1.2.3"}}, "::ffff:10.0.0.0/104"), true},
		{"request CIDR is no address", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"10.1.2.3/32"}}, "10.0.0.0/8"), false},
		{"zoned address is no address", cond("NotIpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"fe80::1%eth0"}}, "10.0.0.0/8"), false},
		{"catalog type: a string key is no number", cond("NumberEquals", "g:ResourceTag/size", map[string][]string{"g:ResourceTag/size": {"10"}}, "10"), false},
		{"catalog type: a boolean key is no string", cond("StringEquals", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"true"}}, "true"), false},
		{"unknown key: each operator's type", cond("NumberEquals", "ecs:Mixed", map[string][]string{"ecs:Mixed": {"10"}}, "10.0"), true},
		{"IgnoreCase folds values by Unicode", cond("StringEqualsIgnoreCase", "ecs:Mixed", map[string][]string{"ecs:Mixed": {"ſ"}}, "S"), true},
		{"booleans fold ASCII case only", cond("Bool", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"falſe"}}, "false"), false},
		{"ForAnyValue", cond("ForAnyValue:StringEquals", "ims:VolumeId", vols, "v2"), true},
		{"ForAllValues some", cond("ForAllValues:StringEquals", "ims:VolumeId", vols, "v2"), false},
		{"ForAllValues all", cond("ForAllValues:StringEquals", "ims:VolumeId", vols, "v2", "v1"), true},
		{"ForAnyValue negated", cond("ForAnyValue:StringNotEquals", "ims:VolumeId", vols, "v1"), true},
		{"ForAllValues negated", cond("ForAllValues:StringNotEquals", "ims:VolumeId", vols, "v1"), false},
		{"Null true absent", cond("Null", "g:SourceVpce", nil, "true"), true},
		{"Null true present", cond("Null", "g:SourceVpce", map[string][]string{"g:SourceVpce": {"x"}}, "true"), false},
		{"Null false present", cond("Null", "g:SourceVpce", map[string][]string{"g:SourceVpce": {"x"}}, "false"), true},
		{"StringMatch", cond("StringMatch", "ims:Region", region, "cn-?orth-*"), true},
		{"IpAddress", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"192.0.2.7"}}, "192.0.2.0/24"), true},
		{"NotIpAddress", cond("NotIpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"192.0.2.7"}}, "192.0.2.0/24"), false},
		{"Bool", cond("Bool", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"TRUE"}}, "true"), true},
		{"Bool broken policy value", cond("Bool", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"true"}}, "true", "yes"), false},
		{"wildcard ?", naiveWildcard("ims:images:ge?", "IMS:IMAGES:GET", true), true},
		{"wildcard ? is one character", naiveWildcard("ims:images:ge?", "ims:images:getJob", true), false},
		{"wildcard case", naiveWildcard("ims:*:acct:image:a", "ims:x:ACCT:image:a", false), false},
		{"wildcard long s", naiveWildcard("ims:*", "imſ:images:get", true), false},
		{"wildcard stars", naiveWildcard("a*b*c", "aXbYc", false), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}

	allow := func(actions ...string) []policytest.Statement {
		return []policytest.Statement{{Effect: "Allow", Action: actions}}
	}
	deny := func(actions ...string) policytest.Statement {
		return policytest.Statement{Effect: "Deny", Action: actions}
	}
	decisions := []struct {
		name   string
		c      policytest.Case
		action string
		want   Decision
		by     string
	}{
		{"alias grants", policytest.Case{Identity: [][]policytest.Statement{allow("ims:images:update")}}, "ims:images:deleteImage", Allow, "identity"},
		{"alias denies", policytest.Case{Identity: [][]policytest.Statement{append(allow("*"), deny("ims:images:share"))}}, "ims:images:addMember", ExplicitDeny, "identity"},
		{"no SCP allows", policytest.Case{Identity: [][]policytest.Statement{allow("*")}, Levels: []policytest.Level{{Name: "root", Policies: [][]policytest.Statement{allow("*")}}, {Name: "ou"}}}, "ims:images:get", ImplicitDeny, "scp:ou"},
		{"explicit before implicit", policytest.Case{Levels: []policytest.Level{{Name: "root", Policies: [][]policytest.Statement{{deny("*")}}}}}, "ims:images:get", ExplicitDeny, "scp:root"},
	}
	for _, d := range decisions {
		identity, levels := casePolicies(t, &d.c)
		got := naiveEvaluate(identity, levels, d.action, "*", nil)
		if got.Decision != d.want || got.DecidedBy != d.by {
			t.Errorf("%s: got %s by %s, want %s by %s", d.name, got.Decision, got.DecidedBy, d.want, d.by)
		}
	}
}

// TestDifferentialFindings keeps the smallest cases the differential test found, with the
// decision issue 4's rules give them.
func TestDifferentialFindings(t *testing.T) {
	cases := []struct {
		name string
		c    policytest.Case
		want Decision
	}{
		{
			// A Null value that is not a boolean never matches (like every other policy
			// value that does not parse as its operator's type); it used to be read as
			// "false", so the Deny applied whenever the key was present.
			name: "Null with a value that is not a boolean",
			c: policytest.Case{
				Identity: [][]policytest.Statement{{{Effect: "Allow", Action: []string{"*"}}}},
				Levels: []policytest.Level{{Name: "root", Policies: [][]policytest.Statement{{
					{Effect: "Allow", Action: []string{"*"}},
					{Effect: "Deny", Action: []string{"ims:i?ages?co?y"}, Conds: []policytest.Cond{{Op: "NullIfExists", Key: "g:soURceVpce", Values: []string{"maybe"}}}},
				}}}},
				Requests: []policytest.Request{{Action: "ims:images:copyInRegion", Resource: imageA, Context: map[string][]string{"g:SourceVpce": {"vpce-2"}}}},
			},
			want: Allow,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if d := diffCase(t, &c.c, 0, nil, nil); d != "" {
				t.Fatalf("%s\n  %s", c.c.Describe(), d)
			}
			identity, levels := casePolicies(t, &c.c)
			rq := c.c.Requests[0]
			if got := naiveEvaluate(identity, levels, rq.Action, rq.Resource, rq.Context); got.Decision != c.want {
				t.Fatalf("decision %s, want %s", got.Decision, c.want)
			}
		})
	}
}

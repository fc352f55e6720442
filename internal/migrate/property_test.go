package migrate

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Pieces of random v3 documents: the 13 actions, wildcards, spellings, another service;
// resources; conditions of both operator sets on the v3 keys.
var (
	propActions = []string{"ims:images:list", "ims:images:get", "ims:images:create", "ims:images:update",
		"ims:images:delete", "ims:images:upload", "ims:images:export", "ims:images:share", "ims:images:copy",
		"ims:serverImages:create", "ims:dataImages:create", "ims:wholeImages:create", "ims:quotas:get",
		"ims:*:*", "ims:images:*", "ims:*:get*", "ims:*:create", "ims:IMAGES:Get", "obs:object:*", "*:*:*"}
	// An IMS URN is refused by the v3 evaluator (IMS has no resource-level authorization
	// in v3): rare, so that most documents migrate.
	propResources = [][]string{nil, nil, nil, {"*"}, {"*"}, {"*"}, {"ims:*:*:image:img-1"}}
	propConds     = []apiCond{
		{"StringEquals", "g:UserName", []string{"alice", "bob"}},
		{"StringEqualsIgnoreCase", "g:UserName", []string{"Alice"}},
		{"StringLike", "g:UserName", []string{"li"}},
		{"StringStartWith", "g:ProjectName", []string{"cn-"}},
		{"Bool", "g:MFAPresent", []string{"true"}},
		{"NumberLessThan", "g:MFAAge", []string{"300"}},
		{"IsNull", "g:MFAAge", nil},
		{"StringNotEqualsIfExists", "g:UserId", []string{"u1"}},
	}
)

type apiCond struct {
	op, key string
	values  []string
}

func randomV3(r *rand.Rand) string {
	type st struct {
		Effect    string
		Action    []string
		Resource  []string                       `json:",omitempty"`
		Condition map[string]map[string][]string `json:",omitempty"`
	}
	var sts []st
	for range 1 + r.IntN(3) {
		s := st{Effect: "Allow"}
		if r.IntN(4) == 0 {
			s.Effect = "Deny"
		}
		for range 1 + r.IntN(4) {
			a := propActions[r.IntN(len(propActions))]
			if !slices.Contains(s.Action, a) {
				s.Action = append(s.Action, a)
			}
		}
		s.Resource = propResources[r.IntN(len(propResources))]
		if r.IntN(3) == 0 {
			c := propConds[r.IntN(len(propConds))]
			vals := c.values
			if c.op == "IsNull" {
				vals = []string{"true"}
			}
			s.Condition = map[string]map[string][]string{c.op: {c.key: vals}}
		}
		sts = append(sts, s)
	}
	b, _ := json.Marshal(map[string]any{"Version": "1.1", "Statement": sts})
	return string(b)
}

// bruteForce decides every call both tables list on every resource and context built
// from the policies' literals and fresh values, through both sets, and returns the first
// request decided differently.
func bruteForce(v3, v5 *apicall.Set) *apicall.Request {
	return bruteForceOver(v3, v5, func(c apicall.Call) bool { return c.V3 != nil && c.V5 != nil })
}

// bruteForceOver decides the calls keep keeps through both sets.
func bruteForceOver(v3, v5 *apicall.Set, keep func(apicall.Call) bool) *apicall.Request {
	resources := []string{"*", "ims:cn-north-4:acct:image:img-1", "ims:cn-north-4:acct:image:fresh", "ims:x:y:image:img-2"}
	values := map[string][]string{
		"g:UserName":    {"alice", "Alice", "olive", "fresh"},
		"g:ProjectName": {"cn-north-4", "eu-west-0"},
		"g:MFAPresent":  {"true", "false"},
		"g:MFAAge":      {"60", "900"},
		"g:UserId":      {"u1", "u2"},
	}
	keys := []string{"g:UserName", "g:ProjectName", "g:MFAPresent", "g:MFAAge", "g:UserId"}
	// Each key absent or one of its values: the product, keys taken a few at a time.
	var contexts []map[string][]string
	var build func(i int, ctx map[string][]string)
	build = func(i int, ctx map[string][]string) {
		if i == len(keys) {
			contexts = append(contexts, ctx)
			return
		}
		build(i+1, ctx)
		for _, v := range values[keys[i]] {
			c := map[string][]string{}
			for k, vs := range ctx {
				c[k] = vs
			}
			c[keys[i]] = []string{v}
			build(i+1, c)
		}
	}
	build(0, map[string][]string{})
	for _, c := range apicall.Calls() {
		if !keep(c) {
			continue
		}
		rs := []string{"*"}
		if c.Image {
			rs = resources[1:]
		}
		for _, res := range rs {
			for _, ctx := range contexts {
				req := apicall.Request{Call: c, Resource: res, Context: ctx}
				if (v3.Decide(req).Result.Decision == evaluator.Allow) != (v5.Decide(req).Result.Decision == evaluator.Allow) {
					return &req
				}
			}
		}
	}
	return nil
}

// Migrating a random v3 document never proves "equivalent" when the brute force finds a
// request decided differently, and every witness of a difference replays through both
// evaluators (the v5 one through the simulator, as a user would ask it).
func TestMigrateProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 1))
	n := 150
	if testing.Short() {
		n = 40
	}
	verdicts := map[apicall.Verdict]int{}
	for i := range n {
		text := randomV3(r)
		c := policy.CheckV3Text([]byte(text))
		d := c.Document()
		if d == nil {
			t.Fatalf("case %d %s: %v", i, text, c.Findings())
		}
		res := Migrate(c, analysis.Budget{})
		verdicts[res.Verdict]++
		if res.Document == "" {
			if res.Verdict != apicall.Unknown || len(res.Problems) == 0 {
				t.Errorf("case %d %s: no document, verdict %s, and no problem said why", i, text, res.Verdict)
			}
			continue
		}
		v3, err := apicall.NewV3([]evaluator.V3Policy{evaluator.V3PolicyOf(d)})
		if err != nil {
			t.Fatal(err)
		}
		v5, errs := apicall.NewV5([]*policy.Checked{policy.CheckText([]byte(res.Document), policy.Identity)})
		if errs != nil {
			t.Fatalf("case %d: the migrated document does not check: %v", i, errs)
		}
		if req := bruteForce(v3, v5); req != nil && res.Verdict == apicall.Equivalent {
			t.Errorf("case %d %s\nmigrated to %s\nproved equivalent, but %s on %s %v is decided differently", i, text, res.Document, req.Call.Name(), req.Resource, req.Context)
		}
		for _, w := range res.Comparison.Differences {
			o, nw := v3.Decide(w.Request()), v5.Decide(w.Request())
			if o.Result.Decision != w.Old || nw.Result.Decision != w.New {
				t.Errorf("case %d: witness %s replays as %s/%s, not %s/%s", i, w.Call.Name(), o.Result.Decision, nw.Result.Decision, w.Old, w.New)
			}
			var ctx []evaluator.ContextEntry
			for k, vs := range w.Context {
				ctx = append(ctx, evaluator.ContextEntry{Key: k, Values: vs})
			}
			sim := v5.Policies.Simulate(&evaluator.SimulationRequest{API: &evaluator.APIRequest{Method: w.Call.Method, Path: w.Call.Path}, Resource: w.Resource, Context: ctx})
			if len(sim.Problems) > 0 || sim.Decision != w.New {
				t.Errorf("case %d: witness %s simulates as %s %v, not %s", i, w.Call.Name(), sim.Decision, sim.Problems, w.New)
			}
		}
	}
	t.Logf("verdicts: %v", verdicts)
	if verdicts[apicall.Equivalent] == 0 || verdicts[apicall.Different] == 0 {
		t.Errorf("the generator should give both verdicts: %v", verdicts)
	}
}

// Comparing two random v3 documents (diff-access of v3 with v3): every witness replays,
// and "equivalent" is never said where the brute force finds a request decided
// differently.
func TestCompareV3V3Property(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 2))
	n := 60
	if testing.Short() {
		n = 20
	}
	verdicts := map[apicall.Verdict]int{}
	for i := range n {
		var sets [2]*apicall.Set
		var texts [2]string
		for j := range 2 {
			texts[j] = randomV3(r)
			if j == 1 && r.IntN(2) == 0 {
				texts[1] = rewriteV3(t, texts[0], r) // the same policy, written otherwise
			}
			d, err := policy.ParseV3([]byte(texts[j]))
			if err != nil {
				t.Fatal(err)
			}
			s, err := apicall.NewV3([]evaluator.V3Policy{evaluator.V3PolicyOf(d)})
			if err != nil {
				sets[0] = nil
				break
			}
			sets[j] = s
		}
		if sets[0] == nil || sets[1] == nil {
			continue // a document the v3 evaluator refuses (an IMS resource URN)
		}
		cmp, err := apicall.Compare(sets[0], sets[1], analysis.Budget{})
		if err != nil {
			t.Fatal(err)
		}
		verdicts[cmp.Verdict]++
		if len(cmp.Unmatched) != 0 {
			t.Errorf("case %d: v3 against v3 has unmatched calls %v", i, cmp.Unmatched)
		}
		if req := bruteForceV3(sets[0], sets[1]); req != nil && cmp.Verdict == apicall.Equivalent {
			t.Errorf("case %d\n%s\n%s\nproved equivalent, but %s on %s %v is decided differently", i, texts[0], texts[1], req.Call.Name(), req.Resource, req.Context)
		}
		for _, w := range cmp.Differences {
			if o, nw := sets[0].Decide(w.Request()), sets[1].Decide(w.Request()); o.Result.Decision != w.Old || nw.Result.Decision != w.New {
				t.Errorf("case %d: witness %s does not replay", i, w.Call.Name())
			}
		}
	}
	t.Logf("verdicts: %v", verdicts)
	if verdicts[apicall.Equivalent] == 0 || verdicts[apicall.Different] == 0 {
		t.Errorf("the generator should give both verdicts: %v", verdicts)
	}
}

// bruteForceV3 is bruteForce over the calls the v3 table lists.
func bruteForceV3(a, b *apicall.Set) *apicall.Request {
	return bruteForceOver(a, b, func(c apicall.Call) bool { return c.V3 != nil })
}

// rewriteV3 writes a v3 document otherwise without changing what it allows: each IMS
// pattern replaced by the v3 actions it matches, in a random case past the service, and the
// statements in reverse order.
func rewriteV3(t *testing.T, text string, r *rand.Rand) string {
	t.Helper()
	var doc struct {
		Version   string
		Statement []map[string]any
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(doc.Statement)
	for _, st := range doc.Statement {
		var out []string
		actions, _ := st["Action"].([]any) // randomV3 writes a list of strings
		for _, a := range actions {
			p, _ := a.(string)
			if !strings.HasPrefix(p, "ims:") {
				out = append(out, p)
				continue
			}
			names, err := evaluator.V3Match(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if r.IntN(2) == 0 {
					n = "ims:" + strings.ToUpper(n[4:])
				}
				out = append(out, n)
			}
		}
		if len(out) == 0 {
			out = []string{"ims:images:nothing"} // matches no v3 action, as the original
		}
		st["Action"] = out
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

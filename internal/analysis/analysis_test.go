package analysis

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/lookalike"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// actionsOf returns the table actions of witnesses, sorted. Other services' actions are
// left out: with an evaluator that folds Unicode case in action patterns, imſ:images:share
// (long s) is another service's action that ims: patterns match, and the analysis reports
// it too (TestLongS).
func actionsOf(ws []Witness) []string {
	var out []string
	for _, w := range ws {
		if catalog.Kind(w.Action) == catalog.TableAction {
			out = append(out, w.Action)
		}
	}
	slices.Sort(out)
	return out
}

func TestNoNewAccessByAlias(t *testing.T) {
	ref := identity(doc(t, `{"Effect":"Allow","Action":["ims:images:get","ims:images:list"],"Resource":["*"]}`))
	cand := identity(doc(t, `{"Effect":"Allow","Action":["ims:images:get","ims:images:list","ims:images:share"],"Resource":["*"]}`))
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Complete || r.Holds {
		t.Fatalf("status %s %q, holds %v", r.Status, r.Reason, r.Holds)
	}
	want := []string{"ims:images:addMember", "ims:images:deleteMember", "ims:images:share", "ims:images:updateMemberStatus"}
	if got := actionsOf(r.NewAccess); !slices.Equal(got, want) {
		t.Errorf("new access for %v, want %v", got, want)
	}
	if len(r.RemovedAccess) != 0 {
		t.Errorf("removed access %+v", r.RemovedAccess)
	}
	checkWitnesses(t, cand, &ref, r.NewAccess)

	back, err := NoNewAccess(mustSet(ref), mustSet(cand), Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if back.Status != Complete || !back.Holds || !slices.Equal(actionsOf(back.RemovedAccess), want) {
		t.Errorf("reverse: %+v", back)
	}
	checkWitnesses(t, ref, &cand, back.RemovedAccess)
}

// A witness says the alias through which the allowing statements reach its action, when
// they reach it only so; not when a statement names the action itself.
func TestWitnessThroughAlias(t *testing.T) {
	ref := identity(doc(t, `{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"]}`))
	cand := identity(doc(t,
		`{"Sid":"TagOnly","Effect":"Allow","Action":["ims:images:get","ims:images:update"],"Resource":["*"]}`,
		`{"Effect":"Allow","Action":["ims:images:setTags"],"Resource":["*"]}`))
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
	if err != nil || r.Status != Complete {
		t.Fatal(err, r.Reason)
	}
	aliases := map[string]string{}
	for _, w := range r.NewAccess {
		aliases[w.Action] = w.Alias
	}
	want := map[string]string{"ims:images:deleteImage": "ims:images:update", "ims:images:setTags": ""}
	if !maps.Equal(aliases, want) {
		t.Errorf("aliases of the witnesses %v, want %v", aliases, want)
	}
	checkWitnesses(t, cand, &ref, r.NewAccess)

	// An SCP naming the alias, under an identity layer allowing everything by name.
	scp := func(actions string) *policy.Document {
		return doc(t, `{"Effect":"Allow","Action":["ims:images:get"`+actions+`],"Resource":["*"]}`)
	}
	sr, err := SCPChange(checkSCP(scp("")), checkSCP(scp(`,"ims:images:upd*"`)), DefaultBudget)
	if err != nil || sr.Status != Complete {
		t.Fatal(err, sr.Reason)
	}
	aliases = map[string]string{}
	for _, w := range sr.NewAccess {
		aliases[w.Action] = w.Alias
	}
	want = map[string]string{"ims:images:deleteImage": "ims:images:update", "ims:images:setTags": "ims:images:update",
		"ims:images:updateImage": "", "ims:images:updateMemberStatus": ""}
	if !maps.Equal(aliases, want) {
		t.Errorf("SCP: aliases of the witnesses %v, want %v", aliases, want)
	}
}

func TestNoNewAccessConditions(t *testing.T) {
	cases := []struct {
		name       string
		ref, cand  string
		newAccess  bool
		wantAction string
		check      func(t *testing.T, w Witness)
	}{
		{"IfExists lets an absent key through",
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"StringEquals":{"ims:Region":"cn-north-4"}}}`,
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"StringEqualsIfExists":{"ims:Region":"cn-north-4"}}}`,
			true, "ims:images:get", func(t *testing.T, w Witness) {
				if _, ok := w.Context["ims:Region"]; ok && len(w.Context["ims:Region"]) > 0 {
					t.Errorf("witness gives ims:Region a value: %+v", w)
				}
			}},
		{"LessThanEquals adds the boundary",
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"NumberLessThan":{"x:size":"10"}}}`,
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"NumberLessThanEquals":{"x:size":"10"}}}`,
			true, "ims:images:get", func(t *testing.T, w Witness) {
				if !slices.Equal(w.Context["x:size"], []string{"10"}) {
					t.Errorf("witness %+v, want x:size 10", w)
				}
			}},
		{"a wider CIDR",
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"IpAddress":{"g:SourceIp":"10.1.0.0/16"}}}`,
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"IpAddress":{"g:SourceIp":"10.0.0.0/8"}}}`,
			true, "ims:images:get", nil},
		{"the same CIDR written twice",
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"IpAddress":{"g:SourceIp":"10.0.0.0/8"}}}`,
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8","10.2.0.0/16"]}}}`,
			false, "", nil},
		{"a later date",
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"DateLessThan":{"g:CurrentTime":"2026-01-01T00:00:00Z"}}}`,
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"DateLessThan":{"g:CurrentTime":"2026-06-01T00:00:00Z"}}}`,
			true, "ims:images:get", nil},
		{"a pattern instead of a literal",
			`{"Effect":"Allow","Action":"ims:images:get","Resource":"ims:cn-north-4:acct:image:img-1"}`,
			`{"Effect":"Allow","Action":"ims:images:get","Resource":"ims:cn-north-4:acct:image:img-*"}`,
			true, "ims:images:get", func(t *testing.T, w Witness) {
				if !strings.HasPrefix(w.Resource, "ims:cn-north-4:acct:image:img-") || w.Resource == "ims:cn-north-4:acct:image:img-1" {
					t.Errorf("resource %q", w.Resource)
				}
			}},
		{"ForAllValues admits more than ForAnyValue denies",
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"ForAllValues:StringEquals":{"ims:VolumeId":["v1","v2"]}}}`,
			`{"Effect":"Allow","Action":"ims:images:get","Condition":{"ForAllValues:StringEquals":{"ims:VolumeId":["v1","v2"]}}}`,
			false, "", nil},
		{"a deny on a subset",
			`{"Effect":"Allow","Action":"ims:*"},{"Effect":"Deny","Action":"ims:images:share"}`,
			`{"Effect":"Allow","Action":"ims:*"},{"Effect":"Deny","Action":"ims:images:addMember"}`,
			true, "ims:images:deleteMember", nil},
		{"other services",
			`{"Effect":"Allow","Action":"obs:object:GetObject"}`,
			`{"Effect":"Allow","Action":"obs:object:Get*"}`,
			true, "", func(t *testing.T, w Witness) {
				if !strings.HasPrefix(strings.ToLower(w.Action), "obs:object:get") || strings.EqualFold(w.Action, "obs:object:GetObject") {
					t.Errorf("action %q", w.Action)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ref, cand := identity(doc(t, tc.ref)), identity(doc(t, tc.cand))
			r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != Complete {
				t.Fatalf("unknown: %s", r.Reason)
			}
			if r.Holds == tc.newAccess {
				t.Fatalf("holds %v, new access %+v", r.Holds, r.NewAccess)
			}
			checkWitnesses(t, cand, &ref, r.NewAccess)
			checkWitnesses(t, cand, &ref, r.RemovedAccess)
			if !tc.newAccess {
				return
			}
			w := r.NewAccess[0]
			if tc.wantAction != "" && !slices.Contains(actionsOf(r.NewAccess), tc.wantAction) {
				t.Errorf("new access %v lacks %s", actionsOf(r.NewAccess), tc.wantAction)
			}
			if tc.check != nil {
				tc.check(t, w)
			}
		})
	}
}

func TestSCPLevels(t *testing.T) {
	cand := identity(doc(t, `{"Effect":"Allow","Action":"*"}`))
	cand.Levels = []docLevel{{Name: "root", Policies: []docPolicy{
		{Name: "scp[root][0]", Document: doc(t, `{"Effect":"Allow","Action":"*"}`)},
		{Name: "scp[root][1]", Document: doc(t, `{"Effect":"Deny","Action":"ims:images:export"}`)},
	}}}
	ref := cand
	ref.Levels = []docLevel{{Name: "root", Policies: []docPolicy{
		{Name: "scp[root][0]", Document: doc(t, `{"Effect":"Allow","Action":"*"}`)},
		{Name: "scp[root][1]", Document: doc(t, `{"Effect":"Deny","Action":["ims:images:export","ims:images:share"]}`)},
	}}}
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
	if err != nil || r.Status != Complete {
		t.Fatal(err, r.Reason)
	}
	want := []string{"ims:images:addMember", "ims:images:deleteMember", "ims:images:share", "ims:images:updateMemberStatus"}
	if got := actionsOf(r.NewAccess); !slices.Equal(got, want) {
		t.Errorf("new access %v, want %v", got, want)
	}
	checkWitnesses(t, cand, &ref, r.NewAccess)
}

func TestAccessNotGranted(t *testing.T) {
	c := identity(doc(t,
		`{"Effect":"Allow","Action":["ims:images:get","ims:images:addMember"],"Resource":"ims:*:acct:image:*"}`,
		`{"Effect":"Allow","Action":"ims:images:export","Condition":{"Bool":{"g:MFAPresent":"true"}}}`))
	r, err := AccessNotGranted(mustSet(c), []string{"ims:images:share", "ims:images:export"}, nil, Budget{})
	if err != nil || r.Status != Complete {
		t.Fatal(err, r.Reason)
	}
	if r.Passed || !slices.Equal(actionsOf(r.Witnesses), []string{"ims:images:addMember", "ims:images:export"}) {
		t.Fatalf("%+v", r)
	}
	checkWitnesses(t, c, nil, r.Witnesses)
	for _, w := range r.Witnesses {
		if w.Action == "ims:images:export" && !slices.Equal(w.Context["g:MFAPresent"], []string{"true"}) {
			t.Errorf("export witness %+v", w)
		}
	}
	// Restricted to another account's images, nothing is allowed.
	// (With Unicode folding, imſ:images:get on ims::acct:image:other:image: is allowed.)
	r, err = AccessNotGranted(mustSet(c), []string{"ims:images:share", "ims:images:get"}, []string{"ims:*:other:image:*"}, Budget{})
	if err != nil || r.Status != Complete || len(actionsOf(r.Witnesses)) != 0 || r.Passed == unicodeFolding {
		t.Fatalf("%+v %v", r, err)
	}
	checkWitnesses(t, c, nil, r.Witnesses)
	// Another service's pattern.
	c2 := identity(doc(t, `{"Effect":"Allow","NotAction":"ims:*"}`))
	r, err = AccessNotGranted(mustSet(c2), []string{"obs:*"}, nil, Budget{})
	if err != nil || r.Status != Complete || r.Passed {
		t.Fatalf("%+v %v", r, err)
	}
	checkWitnesses(t, c2, nil, r.Witnesses)
}

func TestEffectivePermissions(t *testing.T) {
	c := identity(doc(t,
		`{"Sid":"All","Effect":"Allow","Action":"ims:images:get","Resource":"ims:*:*:image:*"}`,
		`{"Sid":"North","Effect":"Allow","Action":"ims:images:export","Resource":"ims:cn-north-4:*:image:*"}`,
		`{"Effect":"Allow","Action":"ims:quotas:get"}`,
		`{"Sid":"Tags","Effect":"Allow","Action":"ims:images:list*","Condition":{"StringEquals":{"g:ResourceTag/team":"img"}}}`,
		`{"Effect":"Deny","Action":"ims:images:listImageTags"}`))
	r, err := EffectivePermissions(mustSet(c), Budget{})
	if err != nil || r.Status != Complete {
		t.Fatal(err, r.Reason)
	}
	if len(r.Actions) != len(catalog.Actions()) {
		t.Fatalf("%d actions", len(r.Actions))
	}
	grants := map[string]Grant{}
	for _, p := range r.Actions {
		grants[p.Action] = p.Grant
		if (p.Grant == GrantNone) != (p.Witness == nil) || (p.Grant == GrantNone) != (len(p.AllowedBy) == 0) {
			t.Errorf("%s: %s with witness %v and allowed by %v", p.Action, p.Grant, p.Witness, p.AllowedBy)
		}
		if p.Witness != nil {
			checkWitnesses(t, c, nil, []Witness{*p.Witness})
		}
	}
	want := map[string]Grant{
		"ims:images:get": GrantFull, "ims:images:export": GrantPartial, "ims:quotas:get": GrantFull,
		"ims:images:list": GrantPartial, "ims:images:listImageTags": GrantNone, "ims:images:share": GrantNone,
		"ims:images:listOsVersion": GrantPartial, "ims:images:getJob": GrantPartial,
	}
	for a, g := range want {
		if grants[a] != g {
			t.Errorf("%s: %s, want %s", a, grants[a], g)
		}
	}
	for _, p := range r.Actions {
		if p.Action == "ims:images:export" && !slices.Equal(p.AllowedBy, []StatementRef{{Policy: "identity[0]", Statement: 1, Sid: "North"}}) {
			t.Errorf("export allowed by %v", p.AllowedBy)
		}
	}
	if r.OtherServicesAllowed != unicodeFolding {
		t.Errorf("other services allowed: %v %+v", r.OtherServicesAllowed, r.OtherServicesWitness)
	}
	r, err = EffectivePermissions(mustSet(identity(doc(t, `{"Effect":"Allow","Action":"obs:*:get*"}`))), Budget{})
	if err != nil || !r.OtherServicesAllowed {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestUnknownKeyOfTwoTypes(t *testing.T) {
	c := identity(doc(t,
		`{"Effect":"Allow","Action":"ims:images:get","Condition":{"StringEquals":{"x:k":"10"},"NumberEquals":{"x:k":"10"}}}`))
	r, err := NoNewAccess(mustSet(c), mustSet(c), Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Unknown || r.Holds || !strings.Contains(r.Reason, "x:k") {
		t.Errorf("%+v", r)
	}
}

func TestUnknownAtBound(t *testing.T) {
	c := identity(doc(t,
		`{"Effect":"Allow","Action":"ims:images:get","Condition":{"StringEquals":{"ims:VolumeId":["a","b","c","d"]}}}`))
	ref := identity(doc(t,
		`{"Effect":"Allow","Action":"ims:images:get","Condition":{"StringEquals":{"ims:VolumeId":["a","b","c"]}}}`))
	r, err := NoNewAccess(mustSet(c), mustSet(ref), Budget{Requests: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Unknown || r.Holds || !strings.Contains(r.Reason, "budget of 10 representative requests") {
		t.Errorf("%+v", r)
	}
}

// unicodeFolding is whether the evaluator's action patterns fold case by Unicode rules
// (then ims:* matches imſ:images:get, with a long s, which is no IMS name).
var unicodeFolding = wildcard.Match("s", "ſ")

func TestLongS(t *testing.T) {
	c := identity(doc(t, `{"Effect":"Allow","Action":"ims:images:get"}`))
	r, err := EffectivePermissions(mustSet(c), Budget{})
	if err != nil || r.Status != Complete {
		t.Fatal(err, r.Reason)
	}
	if r.OtherServicesAllowed != unicodeFolding {
		t.Fatalf("other services allowed: %v, %+v", r.OtherServicesAllowed, r.OtherServicesWitness)
	}
	if unicodeFolding {
		w := *r.OtherServicesWitness
		checkWitnesses(t, c, nil, []Witness{w})
		if !strings.EqualFold(w.Action, "imſ:images:get") {
			t.Errorf("witness %+v", w)
		}
	}
}

// A key given with no values is present: the witness says so with an empty list, and a
// key the request does not give is not in the map.
func TestWitnessPresentEmpty(t *testing.T) {
	ref := identity(doc(t, `{"Effect":"Allow","Action":"ims:images:get","Condition":{"ForAnyValue:StringEquals":{"ims:VolumeId":"v1"}}}`))
	cand := identity(doc(t, `{"Effect":"Allow","Action":"ims:images:get","Condition":{"Null":{"ims:VolumeId":"false"}}}`))
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
	if err != nil || r.Status != Complete || r.Holds {
		t.Fatalf("%+v %v", r, err)
	}
	checkWitnesses(t, cand, &ref, r.NewAccess)
	w := r.NewAccess[0]
	vs, ok := w.Context["ims:VolumeId"]
	if !ok || vs == nil || len(vs) != 0 || len(w.Context) != 1 {
		t.Errorf("witness context %#v, want ims:VolumeId present with no values", w.Context)
	}
}

// The adversarial pair (bench_test.go) is decided within the default budget by
// the search by parts (parts.go): the candidate grants nothing new, its removed access is
// a real request, and the work is the same on every run (the budget counts requests, not
// time). The product of every key's states, which the search replaces, is beyond the
// default budget: that answer is Unknown, says so and how to raise it.
func TestBudgetAdversarial(t *testing.T) {
	cand, ref := adversarialPair(t)
	b := DefaultBudget
	b.HowToRaise = "raise it with --budget"
	var first NoNewAccessResult
	for i := range 2 {
		r, err := NoNewAccess(mustSet(cand), mustSet(ref), b)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != Complete || !r.Holds || len(r.NewAccess) != 0 || len(r.RemovedAccess) != 1 {
			t.Fatalf("%+v; want a proof of no new access, with the access removed", r)
		}
		checkWitnesses(t, cand, &ref, r.RemovedAccess)
		if w := r.RemovedAccess[0]; !reflect.DeepEqual(w.Context, map[string][]string{"g:EnterpriseProjectId": {"literal-value-51"}}) {
			t.Errorf("removed access %+v, want the dropped statement's literal alone", w)
		}
		if r.Spent > 1000 {
			t.Errorf("spent %d requests, want the sum of the keys' states and the search, under 1,000", r.Spent)
		}
		if i == 1 && !reflect.DeepEqual(r, first) {
			t.Errorf("two runs differ: %+v, then %+v", first, r)
		}
		first = r
	}
	// A budget below that work is still an Unknown answer.
	small := b
	small.Requests = first.Spent - 1
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), small)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("the question needs more than its budget of %d representative requests (spent on the condition key values for ims:images:get, one group of keys at a time); raise it with --budget", small.Requests); r.Status != Unknown || r.Holds || r.Reason != want || r.Spent != first.Spent {
		t.Errorf("status %s, holds %v, reason %q, spent %d; want unknown, %q, %d", r.Status, r.Holds, r.Reason, r.Spent, want, first.Spent)
	}
	// The product of every key's states (12^4 * 11^2 requests) is beyond the default.
	b.product = true
	r, err = NoNewAccess(mustSet(cand), mustSet(ref), b)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the question needs more than its budget of %d representative requests (spent on the combinations of condition key values for ims:images:get); raise it with --budget", DefaultBudget.Requests)
	if r.Status != Unknown || r.Holds || r.Reason != want {
		t.Fatalf("status %s, holds %v, reason %q; want unknown, %q", r.Status, r.Holds, r.Reason, want)
	}
	if r.Spent != DefaultBudget.Requests+1 {
		t.Errorf("spent %d, want the budget and the one request over it", r.Spent)
	}
}

// Building representatives is charged too: a key's values whose automaton needs more
// states than the budget allows end the question before any request is evaluated.
func TestBudgetStates(t *testing.T) {
	c := identity(doc(t,
		`{"Effect":"Allow","Action":"ims:images:get","Condition":{"StringMatch":{"g:UserName":["*a*b*","*c?d*","*e*f?*"]}}}`))
	r, err := EffectivePermissions(mustSet(c), Budget{Requests: 20})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Unknown || !strings.Contains(r.Reason, "budget of 20 representative requests (spent on the automaton of the values of condition key g:UserName)") {
		t.Errorf("%+v", r)
	}
	// The default budget decides it, spending a little of it.
	if r, err = EffectivePermissions(mustSet(c), Budget{}); err != nil || r.Status != Complete || r.Spent < 20 || r.Spent > DefaultBudget.Requests {
		t.Errorf("%+v %v", r, err)
	}
	// 0 means the default.
	if z, _ := EffectivePermissions(mustSet(c), (Budget{})); z.Status != Complete || z.Spent != r.Spent {
		t.Errorf("Budget{} spent %d (%s), the default %d", z.Spent, z.Status, r.Spent)
	}
}

// TestLookalikeKeysAreOtherKeys: condition key names follow the evaluator's one case rule
// for names (ASCII only, wildcard.Lower), so a key that only Unicode folding equates with
// another (ecſ:Kind, with a long s; ecs:Kind with the Kelvin sign) is another key: the
// analysis proves the answer (it used to give up, or merge the two by strings.ToLower),
// and its witness, which gives one key and not the other, replays.
func TestLookalikeKeysAreOtherKeys(t *testing.T) {
	const key = "ecs:Kind"
	allow := func(k string) string {
		return fmt.Sprintf(`{"Effect":"Allow","Action":"ims:images:get","Resource":"*","Condition":{"StringEquals":{%q:"a"}}}`, k)
	}
	variants := lookalike.Variants(key)
	if len(variants) < 2 {
		t.Fatalf("lookalike.Variants(%q) = %q: the test needs the long s and the Kelvin sign", key, variants)
	}
	for _, v := range variants {
		ref := identity(doc(t, allow(key)))
		cand := identity(doc(t, allow(key), allow(v)))
		r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != Complete || r.Holds || len(r.NewAccess) != 1 {
			t.Fatalf("%q beside %q: %+v; want a proof of new access", v, key, r)
		}
		w := r.NewAccess[0]
		if _, ok := w.Context[v]; !ok {
			t.Errorf("%q beside %q: the witness %+v does not give the look-alike key", v, key, w)
		}
		if _, ok := w.Context[key]; ok && slices.Equal(w.Context[key], []string{"a"}) {
			t.Errorf("%q beside %q: the witness %+v gives the reference's key its allowed value", v, key, w)
		}
		if got, gotRef := replay(t, cand, w), replay(t, ref, w); got != evaluator.Allow || gotRef == evaluator.Allow {
			t.Errorf("%q beside %q: the witness %+v replays as %s (reference %s)", v, key, w, got, gotRef)
		}
	}
}

// Keys that statements test together are enumerated together: when every key is coupled
// to the others, the question costs the product of their states, and the budget bounds it.
func TestBudgetCoupledKeys(t *testing.T) {
	sts := coupledStatements()
	cand, ref := identity(doc(t, sts[:len(sts)-1]...)), identity(doc(t, sts...))
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), DefaultBudget)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the question needs more than its budget of %d representative requests (spent on the combinations of condition key values for ims:images:get)", DefaultBudget.Requests)
	if r.Status != Unknown || r.Holds || r.Reason != want {
		t.Errorf("status %s, holds %v, reason %q; want unknown, %q", r.Status, r.Holds, r.Reason, want)
	}
}

package apicall

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

func newPrincipalOf(t *testing.T, texts ...string) *Principal {
	t.Helper()
	p, findings, err := NewPrincipalOf(ReadIdentityTexts(texts))
	if err != nil || len(findings) > 0 {
		t.Fatalf("%v %v", err, findings)
	}
	return p
}

func grantOf(gs []CallGrant, name string) CallGrant {
	for _, g := range gs {
		if g.Call.Name() == name {
			return g
		}
	}
	return CallGrant{}
}

// Effective, case by case, and every witness replays through Decide.
func TestPrincipalEffective(t *testing.T) {
	p := newPrincipalOf(t, `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"]}]}`,
		`{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:update"]},
		 {"Effect":"Allow","Action":["ims:images:delete"],"Condition":{"StringEquals":{"g:UserName":["alice"]}}}]}`)
	gs, status, reason, err := p.Effective(analysis.Budget{})
	if err != nil || status != analysis.Complete {
		t.Fatal(err, status, reason)
	}
	if len(gs) != len(Calls()) {
		t.Fatalf("%d calls, want %d", len(gs), len(Calls()))
	}
	for name, want := range map[string]analysis.Grant{
		"GET /v2/cloudimages":              analysis.GrantFull,    // v3 list
		"DELETE /v2/images/{image_id}":     analysis.GrantFull,    // v3 update, the alias of deleteImage (C1)
		"DELETE /v1.1/images/{image_id}":   analysis.GrantPartial, // v3 delete, for alice only
		"GET /":                            analysis.GrantFull,    // a v3 row that requires nothing
		"POST /v2/cloudimages/action":      analysis.GrantNone,
		"GET /v1/cloudimages/job/{job_id}": analysis.GrantFull, // list's alias in v5
	} {
		if g := grantOf(gs, name); g.Grant != want {
			t.Errorf("%s: %s, want %s", name, g.Grant, want)
		}
	}
	for _, g := range gs {
		if g.Allowed != nil {
			if d := p.Decide(*g.Allowed); d.Decision != evaluator.Allow {
				t.Errorf("%s: the allowed witness %+v replays as %s", g.Call.Name(), g.Allowed, d.Decision)
			}
		}
		if g.Denied != nil {
			if d := p.Decide(*g.Denied); d.Decision == evaluator.Allow {
				t.Errorf("%s: the denied witness %+v replays as allow", g.Call.Name(), g.Denied)
			}
		}
		if (g.Allowed != nil) != (g.Grant != analysis.GrantNone) || (g.Denied != nil) != (g.Grant != analysis.GrantFull) {
			t.Errorf("%s: %s with witnesses %v %v", g.Call.Name(), g.Grant, g.Allowed, g.Denied)
		}
	}
	if _, status, reason, _ := p.Effective(analysis.Budget{Requests: 3}); status != analysis.Unknown || !strings.Contains(reason, "budget") {
		t.Errorf("a tiny budget: %s %q", status, reason)
	}
}

func TestNoNewAccessAPI(t *testing.T) {
	v5 := newPrincipalOf(t, `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"]}]}`)
	v3same := newPrincipalOf(t, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"]}]}`)
	v3update := newPrincipalOf(t, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get","ims:images:update"]}]}`)
	for _, c := range []struct {
		name                 string
		candidate, reference *Principal
		holds                bool
		witness              string
	}{
		{"v3 same as itself", v3same, v3same, true, ""},
		{"v3 update over v3", v3update, v3same, false, "DELETE /v2/images/{image_id}"},
		{"v3 narrower", v3same, v3update, true, ""},
		// v3 list and get reach the v3-only APIs (GET /v2/images, …) that v5 policies cannot.
		{"v3 over v5", v3same, v5, false, "GET /v2/images"},
		{"v5 over v3", v5, v3same, true, ""},
	} {
		r, err := NoNewAccess(c.candidate, c.reference, analysis.Budget{})
		if err != nil || r.Status != analysis.Complete {
			t.Fatal(c.name, err, r.Status, r.Reason)
		}
		if r.Holds != c.holds {
			t.Errorf("%s: holds %v, want %v (%+v)", c.name, r.Holds, c.holds, r.Witnesses)
		}
		found := c.witness == ""
		for _, w := range r.Witnesses {
			found = found || w.Call.Name() == c.witness
			if c.candidate.Decide(w).Decision != evaluator.Allow || c.reference.Decide(w).Decision == evaluator.Allow {
				t.Errorf("%s: witness %s does not replay", c.name, w.Call.Name())
			}
		}
		if !found {
			t.Errorf("%s: no witness for %s in %+v", c.name, c.witness, r.Witnesses)
		}
	}
}

// At the budget: unknown with the reason, and no claim that the candidate grants nothing
// new; a witness found before the bound is still a proof of new access.
func TestNoNewAccessAPIBudget(t *testing.T) {
	v3same := newPrincipalOf(t, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"]}]}`)
	r, err := NoNewAccess(v3same, v3same, analysis.Budget{Requests: 3})
	if err != nil || r.Status != analysis.Unknown || r.Holds || !strings.Contains(r.Reason, "budget") {
		t.Errorf("%v %+v", err, r)
	}
	// Every budget, from too small to enough: never Holds, and some budget stops after a
	// witness (the bound depends on the analyser's costs, so it is searched for).
	none := newPrincipalOf(t)
	early := false
	for b := 1; ; b++ {
		r, err = NoNewAccess(v3same, none, analysis.Budget{Requests: b})
		if err != nil || r.Holds {
			t.Fatalf("budget %d: %v %+v", b, err, r)
		}
		early = early || r.Status == analysis.Unknown && len(r.Witnesses) > 0
		if r.Status == analysis.Complete {
			break
		}
	}
	if !early {
		t.Error("no budget stopped after a witness")
	}
}

// The grants and the no-new-access answer against the brute force of the simulator's
// property test, over random v3 documents: the generator's conditions test only
// g:UserName = alice and g:MFAPresent = true, and its statements have no Resource, so
// the nine contexts below are every request of a call.
func TestAPIQuestionsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 4))
	var contexts [][]evaluator.ContextEntry
	for _, u := range []string{"", "alice", "bob"} {
		for _, m := range []string{"", "true", "false"} {
			var ctx []evaluator.ContextEntry
			if u != "" {
				ctx = append(ctx, evaluator.ContextEntry{Key: "g:UserName", Values: []string{u}})
			}
			if m != "" {
				ctx = append(ctx, evaluator.ContextEntry{Key: "g:MFAPresent", Values: []string{m}})
			}
			contexts = append(contexts, ctx)
		}
	}
	calls := Calls()
	grants := map[analysis.Grant]int{}
	holds := map[bool]int{}
	for iter := 0; iter < 150; iter++ {
		var pair [2][]genDoc
		var ps [2]*Principal
		for k := range pair {
			pair[k] = []genDoc{genV3Doc(rng)}
			ps[k] = newPrincipalOf(t, pair[k][0].json(t))
		}
		gs, status, _, err := ps[0].Effective(analysis.Budget{})
		if err != nil || status != analysis.Complete {
			t.Fatal(err, status)
		}
		newAccess := false
		for i, c := range calls {
			var allowed, denied bool
			for _, ctx := range contexts {
				d0, _ := bruteDecide(pair[0], c, ctx)
				d1, _ := bruteDecide(pair[1], c, ctx)
				allowed, denied = allowed || d0 == evaluator.Allow, denied || d0 != evaluator.Allow
				newAccess = newAccess || d1 == evaluator.Allow && d0 != evaluator.Allow
			}
			want := analysis.GrantNone
			switch {
			case allowed && denied:
				want = analysis.GrantPartial
			case allowed:
				want = analysis.GrantFull
			}
			grants[want]++
			if gs[i].Grant != want {
				t.Fatalf("%s under %s: %s, brute force %s", c.Name(), pair[0][0].json(t), gs[i].Grant, want)
			}
		}
		r, err := NoNewAccess(ps[1], ps[0], analysis.Budget{})
		if err != nil || r.Status != analysis.Complete {
			t.Fatal(err, r.Status)
		}
		holds[r.Holds]++
		if r.Holds == newAccess {
			t.Fatalf("%s over %s: holds %v, brute force finds new access %v", pair[1][0].json(t), pair[0][0].json(t), r.Holds, newAccess)
		}
	}
	if grants[analysis.GrantPartial] < 100 || grants[analysis.GrantFull] < 100 || grants[analysis.GrantNone] < 100 || holds[true] < 10 || holds[false] < 10 {
		t.Errorf("the generator reaches too few cases: %v %v", grants, holds)
	}
}

package analysis

import (
	"slices"
	"strings"
	"testing"
)

// regionOrMFA allows ims:images:get through ims:Region, which requests for it are not
// known to carry, and through g:MFAPresent, which every request may carry. ims:Region is
// the first key tested, so the enumeration meets a request with it first.
const (
	getThroughRegion = `{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"],"Condition":{"StringEquals":{"ims:Region":["cn-north-4"]}}}`
	getThroughMFA    = `{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"],"Condition":{"Bool":{"g:MFAPresent":["true"]}}}`
	quotas           = `{"Effect":"Allow","Action":["ims:quotas:get"],"Resource":["*"]}`
)

func witnessFor(ws []Witness, action string) *Witness {
	for i := range ws {
		if ws[i].Action == action {
			return &ws[i]
		}
	}
	return nil
}

// TestWitnessPrefersAssociatedKeys: when a request without a key the action is not known
// to receive is a witness too, it is the one given, by every question.
func TestWitnessPrefersAssociatedKeys(t *testing.T) {
	cand := identity(doc(t, getThroughRegion, getThroughMFA))
	ref := identity(doc(t, quotas))
	check := func(what string, w *Witness) {
		t.Helper()
		if w == nil {
			t.Fatalf("%s: no witness for ims:images:get", what)
		}
		if _, ok := w.Context["ims:Region"]; ok || len(w.UnassociatedKeys) != 0 || w.Unsearched {
			t.Errorf("%s: witness %s (unassociated %v), want one without ims:Region", what, w, w.UnassociatedKeys)
		}
		if !slices.Equal(w.Context["g:MFAPresent"], []string{"true"}) {
			t.Errorf("%s: witness %s, want g:MFAPresent true", what, w)
		}
	}
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
	if err != nil || r.Status != Complete {
		t.Fatalf("%v %s %s", err, r.Status, r.Reason)
	}
	check("new access", witnessFor(r.NewAccess, "ims:images:get"))
	checkWitnesses(t, cand, &ref, r.NewAccess)
	back, err := NoNewAccess(mustSet(ref), mustSet(cand), Budget{})
	if err != nil || back.Status != Complete {
		t.Fatalf("%v %s %s", err, back.Status, back.Reason)
	}
	check("removed access", witnessFor(back.RemovedAccess, "ims:images:get"))
	ang, err := AccessNotGranted(mustSet(cand), []string{"ims:images:get"}, nil, Budget{})
	if err != nil || ang.Status != Complete {
		t.Fatalf("%v %s %s", err, ang.Status, ang.Reason)
	}
	check("access not granted", witnessFor(ang.Witnesses, "ims:images:get"))
	ep, err := EffectivePermissions(mustSet(cand), Budget{})
	if err != nil || ep.Status != Complete {
		t.Fatalf("%v %s %s", err, ep.Status, ep.Reason)
	}
	for _, p := range ep.Actions {
		if p.Action == "ims:images:get" {
			check("effective permissions", p.Witness)
		}
	}
}

// TestWitnessOnlyThroughUnassociatedKey: when every witness carries such a key, the
// witness says which, and its text says so in the catalog's sentence.
func TestWitnessOnlyThroughUnassociatedKey(t *testing.T) {
	cand := identity(doc(t, getThroughRegion, `{"Effect":"Allow","Action":["x:x:x"],"Resource":["*"],"Condition":{"Bool":{"ims:Encrypted":["true"]}}}`))
	ref := identity(doc(t, quotas))
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
	if err != nil || r.Status != Complete {
		t.Fatalf("%v %s %s", err, r.Status, r.Reason)
	}
	checkWitnesses(t, cand, &ref, r.NewAccess)
	w := witnessFor(r.NewAccess, "ims:images:get")
	if w == nil || !slices.Equal(w.UnassociatedKeys, []string{"ims:Region"}) || w.Unsearched {
		t.Fatalf("witness %+v, want one only through ims:Region", w)
	}
	want := `ims:images:get on "ims:x:x:image:x" with ims:Region = ["cn-north-4"]: allow, was implicit_deny, ` +
		`only through ims:Region, which ims:images:get is not known to receive (stated: the vendor's table of actions lists no such key for it)`
	if got := w.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var other *Witness
	for i := range r.NewAccess {
		if strings.HasPrefix(r.NewAccess[i].Action, "x") {
			other = &r.NewAccess[i]
		}
	}
	if other == nil || !slices.Equal(other.UnassociatedKeys, []string{"ims:Encrypted"}) ||
		!strings.Contains(other.String(), "only through ims:Encrypted, which "+other.Action+" is not known to receive (stated: the vendor's page says ims: keys apply only to operations of IMS)") {
		t.Errorf("other service's witness %+v", other)
	}
	ep, err := EffectivePermissions(mustSet(cand), Budget{})
	if err != nil || ep.Status != Complete {
		t.Fatalf("%v %s %s", err, ep.Status, ep.Reason)
	}
	if w := ep.OtherServicesWitness; w == nil || !slices.Equal(w.UnassociatedKeys, []string{"ims:Encrypted"}) || w.Unsearched {
		t.Errorf("other services' witness %+v", w)
	}
}

// TestWitnessPreferenceAllowance: the search for a witness without such a key has an
// allowance of its own; when it runs out, the question's answer stands, the witness first
// found is kept and says that another was not sought to the end. So does a witness found
// before the question's own bound.
func TestWitnessPreferenceAllowance(t *testing.T) {
	deny := `{"Effect":"Deny","Action":["ims:images:get"],"Resource":["*"],"Condition":{` +
		`"StringEquals":{"g:UserName":["a","b","c"],"g:UserId":["a","b","c"],"g:ProjectName":["a","b","c"],"g:DomainName":["a","b","c"]}}}`
	cand := identity(doc(t, getThroughRegion, deny))
	get := []string{"ims:images:get"}
	full, err := AccessNotGranted(mustSet(cand), get, nil, Budget{})
	if err != nil || full.Status != Complete {
		t.Fatalf("%v %s %s", err, full.Status, full.Reason)
	}
	if w := witnessFor(full.Witnesses, "ims:images:get"); w == nil || w.Unsearched || len(w.UnassociatedKeys) != 1 {
		t.Fatalf("within the default budget: %+v", w)
	}
	// The question alone needs full.Spent; its allowance, as large, is too small for the
	// 6^4 combinations of the denied keys.
	b := Budget{Requests: full.Spent + 10}
	r, err := AccessNotGranted(mustSet(cand), get, nil, b)
	if err != nil || r.Status != Complete || r.Spent != full.Spent {
		t.Fatalf("%v %s %s, spent %d, want %d", err, r.Status, r.Reason, r.Spent, full.Spent)
	}
	checkWitnesses(t, cand, nil, r.Witnesses)
	for _, w := range []*Witness{witnessFor(r.Witnesses, "ims:images:get"), bounded(t, cand)} {
		if w == nil || !w.Unsearched || !strings.Contains(w.String(), ", through ims:Region, which ims:images:get is not known to receive") ||
			!strings.Contains(w.String(), "was not sought to the end") {
			t.Errorf("witness %+v: %s", w, w)
		}
	}
}

// bounded is the new-access witness for ims:images:get of a comparison that stops at its
// budget within that action (enumerating the product: by parts, this one is decided well
// within it).
func bounded(t *testing.T, cand config) *Witness {
	r, err := NoNewAccess(mustSet(cand), mustSet(identity(doc(t, quotas))), Budget{Requests: 1000, product: true})
	if err != nil || r.Status != Unknown {
		t.Fatalf("%v %s", err, r.Status)
	}
	return witnessFor(r.NewAccess, "ims:images:get")
}

package analysis

import (
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

func boundSetOf(t *testing.T, statements ...string) *evaluator.PolicySet {
	t.Helper()
	set, err := config{Identity: []docPolicy{{Name: "identity[0]", Document: doc(t, statements...)}}}.set()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func grantOf(t *testing.T, r EffectivePermissionsResult, action string) ActionPermission {
	t.Helper()
	if r.Status != Complete {
		t.Fatalf("%s: %s", r.Status, r.Reason)
	}
	for _, a := range r.Actions {
		if a.Action == action {
			return a
		}
	}
	t.Fatalf("no %s", action)
	return ActionPermission{}
}

// A bound key has the bound values in every request: a statement conditioned on
// g:UserName alice allows every request alice sends and none of bob's.
func TestBoundKeysEffectivePermissions(t *testing.T) {
	set := boundSetOf(t, `{"Effect":"Allow","Action":["ims:images:share"],"Resource":["*"],"Condition":{"StringEquals":{"g:UserName":["alice"]}}}`)
	free, err := EffectivePermissions(set, Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if g := grantOf(t, free, "ims:images:share").Grant; g != GrantPartial {
		t.Errorf("free g:UserName: %s, want partial", g)
	}
	alice, err := EffectivePermissionsWith(set, Options{Bound: Bindings{"g:username": {"alice"}}})
	if err != nil {
		t.Fatal(err)
	}
	a := grantOf(t, alice, "ims:images:share")
	if a.Grant != GrantFull {
		t.Errorf("bound to alice: %s, want full", a.Grant)
	}
	if got := a.Witness.Context["g:UserName"]; !slices.Equal(got, []string{"alice"}) {
		t.Errorf("alice's witness carries g:UserName %v, want [alice]", got)
	}
	bob, err := EffectivePermissionsWith(set, Options{Bound: Bindings{"g:UserName": {"bob"}}})
	if err != nil {
		t.Fatal(err)
	}
	if g := grantOf(t, bob, "ims:images:share").Grant; g != GrantNone {
		t.Errorf("bound to bob: %s, want none", g)
	}
	// A key bound to no values is absent: StringEquals is false on it.
	none, err := EffectivePermissionsWith(set, Options{Bound: Bindings{"g:UserName": nil}})
	if err != nil {
		t.Fatal(err)
	}
	if g := grantOf(t, none, "ims:images:share").Grant; g != GrantNone {
		t.Errorf("bound absent: %s, want none", g)
	}
}

// In a comparison each configuration decides with its own bound values, and the
// shortcut for actions matched by the same statements does not apply when they differ.
func TestBoundKeysComparison(t *testing.T) {
	set := boundSetOf(t, `{"Effect":"Allow","Action":["ims:images:share"],"Resource":["*"],"Condition":{"StringMatch":{"g:PrincipalOrgPath":["o-1/r-1/ou-dev/*"]}}}`)
	r, err := NoNewAccessWith(set, set, Options{
		Bound:          Bindings{"g:PrincipalOrgPath": {"o-1/r-1/ou-dev/acct1"}},
		ReferenceBound: Bindings{"g:PrincipalOrgPath": {"o-1/r-1/ou-prod/acct1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Complete || r.Holds || !slices.ContainsFunc(r.NewAccess, func(w Witness) bool { return w.Action == "ims:images:share" }) {
		t.Fatalf("the account moved into ou-dev: want new access to share, got %+v", r)
	}
	if got := r.NewAccess[0].Context["g:PrincipalOrgPath"]; !slices.Equal(got, []string{"o-1/r-1/ou-dev/acct1"}) {
		t.Errorf("witness carries the candidate's path: %v", got)
	}
	same, err := NoNewAccessWith(set, set, Options{Bound: Bindings{"g:PrincipalOrgPath": {"o-1/r-1/ou-dev/acct1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !same.Holds || len(same.RemovedAccess) != 0 {
		t.Errorf("same values: want holds, nothing removed: %+v", same)
	}
	// The two sides must bind the same keys.
	if _, err := NoNewAccessWith(set, set, Options{Bound: Bindings{"g:UserName": {"a"}}, ReferenceBound: Bindings{"g:UserId": {"a"}}}); err == nil || !strings.Contains(err.Error(), "bound") {
		t.Errorf("different bound keys: want an error, got %v", err)
	}
}

// A forbidden access is looked for among the bound requests only.
func TestBoundKeysAccessNotGranted(t *testing.T) {
	set := boundSetOf(t, `{"Effect":"Allow","Action":["ims:*:*"],"Resource":["*"],"Condition":{"StringNotEquals":{"g:PrincipalAccount":["acct1"]}}}`)
	r, err := AccessNotGrantedWith(set, []string{"ims:images:share"}, nil, Options{Bound: Bindings{"g:PrincipalAccount": {"acct1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed {
		t.Errorf("acct1's requests are not allowed: %+v", r.Witnesses)
	}
	r, err = AccessNotGrantedWith(set, []string{"ims:images:share"}, nil, Options{Bound: Bindings{"g:PrincipalAccount": {"acct2"}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Passed {
		t.Errorf("acct2's requests are allowed: want witnesses")
	}
}

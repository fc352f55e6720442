package analysis

import (
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// TestCheck: a gate answers each question as the question alone does, bounds each list
// of witnesses, and passes only when every question passed.
func TestCheck(t *testing.T) {
	reference := identity(doc(t, `{"Effect":"Allow","Action":["ims:images:get","ims:images:list"],"Resource":["*"]}`))
	candidate := identity(doc(t, `{"Effect":"Allow","Action":["ims:images:*"],"Resource":["*"]}`))
	g := testGate{
		Candidate: candidate, Reference: &reference, MaxWitnesses: 2,
		Forbidden: []Forbidden{
			{Name: "no sharing", Actions: []string{"ims:images:share"}},
			{Name: "no other service", Actions: []string{"obs:*"}},
		},
	}
	r, err := checkGate(g)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Complete || r.AllPassed || r.Comparison == nil || r.Comparison.Holds {
		t.Fatalf("%+v", r)
	}
	if len(r.Comparison.NewAccess) != 2 || len(r.Forbidden) != 2 || r.Forbidden[0].Passed || !r.Forbidden[1].Passed {
		t.Fatalf("%+v", r)
	}
	if len(r.Forbidden[0].Witnesses) != 2 {
		t.Errorf("share covers three actions, bounded to 2 witnesses: %+v", r.Forbidden[0].Witnesses)
	}
	checkWitnesses(t, candidate, &reference, r.Comparison.NewAccess)
	checkWitnesses(t, candidate, nil, r.Forbidden[0].Witnesses)
	if len(r.Permissions.Actions) != 26 {
		t.Errorf("%d permissions", len(r.Permissions.Actions))
	}

	same, err := checkGate(testGate{Candidate: reference, Reference: &reference, MaxWitnesses: -1})
	if err != nil || same.Status != Complete || !same.AllPassed {
		t.Errorf("%+v %v", same, err)
	}
}

// TestCheckUnknown: one unknown question makes the gate unknown, and nothing passes.
func TestCheckUnknown(t *testing.T) {
	c := identity(doc(t,
		`{"Effect":"Allow","Action":"ims:images:get","Condition":{"StringEquals":{"x:k":"10"},"NumberEquals":{"x:k":"10"}}}`))
	r, err := checkGate(testGate{Candidate: c, Forbidden: []Forbidden{{Actions: []string{"ims:images:delete*"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Unknown || r.AllPassed || !strings.Contains(r.Reason, "x:k") || r.Forbidden[0].Passed {
		t.Errorf("%+v", r)
	}
}

// TestSCPChange: an SCP is compared as one level under an allow-all identity; a
// deny-only SCP sits beside an allow-all one.
func TestSCPChange(t *testing.T) {
	denyShare := doc(t, `{"Effect":"Deny","Action":["ims:images:share"]}`)
	denyShareAndDelete := doc(t, `{"Effect":"Deny","Action":["ims:images:share","ims:images:deleteImage"]}`)
	allowList := doc(t, `{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}`)

	r, err := SCPChange(checkSCP(denyShareAndDelete), checkSCP(denyShare), DefaultBudget)
	if err != nil || r.Status != Complete || r.Holds || len(r.NewAccess) != 1 || r.NewAccess[0].Action != "ims:images:deleteImage" {
		t.Fatalf("lifting a deny grants that action: %+v %v", r, err)
	}
	if r.NewAccess[0].Decision != evaluator.Allow || *r.NewAccess[0].ReferenceDecision != evaluator.ExplicitDeny {
		t.Errorf("%+v", r.NewAccess[0])
	}
	r, err = SCPChange(checkSCP(denyShare), checkSCP(denyShareAndDelete), DefaultBudget)
	if err != nil || r.Status != Complete || !r.Holds || len(r.RemovedAccess) != 1 {
		t.Errorf("adding a deny grants nothing: %+v %v", r, err)
	}
	// From an allow-list to a deny-only SCP: everything but sharing gets through.
	r, err = SCPChange(checkSCP(allowList), checkSCP(denyShare), DefaultBudget)
	if err != nil || r.Status != Complete || r.Holds {
		t.Errorf("%+v %v", r, err)
	}
	for _, w := range r.NewAccess {
		if strings.Contains(w.Action, "Member") {
			t.Errorf("a shared action got through: %+v", w)
		}
	}

	// An SCP that does not exist restricts nothing: creating a deny-only SCP or an
	// allow-list grants nothing; deleting one grants what it blocked.
	for _, created := range []*policy.Document{denyShare, allowList} {
		r, err = SCPChange(nil, checkSCP(created), DefaultBudget)
		if err != nil || r.Status != Complete || !r.Holds || len(r.NewAccess) != 0 || len(r.RemovedAccess) == 0 {
			t.Errorf("creating an SCP grants nothing and takes something away: %+v %v", r, err)
		}
	}
	r, err = SCPChange(checkSCP(denyShareAndDelete), nil, DefaultBudget)
	if err != nil || r.Status != Complete || r.Holds || len(r.RemovedAccess) != 0 {
		t.Fatalf("deleting a deny SCP grants what it blocked: %+v %v", r, err)
	}
	granted := map[string]bool{}
	for _, w := range r.NewAccess {
		granted[w.Action] = true
	}
	if !granted["ims:images:deleteImage"] || !granted["ims:images:share"] || granted["ims:images:get"] {
		t.Errorf("deleting a deny SCP of share and deleteImage grants %v", granted)
	}

	i, err := IdentityPolicyChange(checkIdentity(allowList), checkIdentity(doc(t, `{"Effect":"Allow","Action":["ims:images:list","ims:images:get"],"Resource":["*"]}`)), DefaultBudget)
	if err != nil || i.Status != Complete || i.Holds || len(i.NewAccess) != 1 || i.NewAccess[0].Action != "ims:images:get" {
		t.Errorf("%+v %v", i, err)
	}
}

// BenchmarkCheckGatingExample: the gate of examples/gating-policy-changes (a three-statement
// policy against its deployed version, three forbidden accesses), as the data source asks it.
func BenchmarkCheckGatingExample(b *testing.B) {
	const acct = "0123456789abcdef0123456789abcdef"
	read := `{"Sid":"ReadImages","Effect":"Allow","Action":["ims:images:list","ims:images:get"]}`
	protect := `{"Sid":"ProtectGoldenImage","Effect":"Deny","Action":["ims:images:deleteImage","ims:images:updateImage"],"Resource":["ims:*:` + acct + `:image:golden-base"]}`
	deployed := identity(doc(b, read, `{"Effect":"Allow","Action":["ims:images:copyInRegion","ims:images:copyCrossRegion"],"Resource":["ims:*:`+acct+`:image:*"]}`, protect))
	proposed := identity(doc(b, read, `{"Effect":"Allow","Action":["ims:images:copyInRegion","ims:images:copyCrossRegion"],"Resource":["ims:cn-north-4:`+acct+`:image:*"]}`, protect))
	g := testGate{Candidate: proposed, Reference: &deployed, MaxWitnesses: 5, Forbidden: []Forbidden{
		{Actions: []string{"ims:images:share"}},
		{Actions: []string{"ims:images:export"}},
		{Actions: []string{"ims:images:deleteImage", "ims:images:updateImage"}, Resources: []string{"ims:*:" + acct + ":image:golden-base"}},
	}}
	b.ReportAllocs()
	start := policytest.ProcessCPU(b)
	for b.Loop() {
		r, err := checkGate(g)
		if err != nil || r.Status != Complete || !r.AllPassed {
			b.Fatalf("%+v %v", r, err)
		}
	}
	b.ReportMetric(float64((policytest.ProcessCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

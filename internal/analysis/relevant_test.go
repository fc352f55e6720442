package analysis

import (
	"fmt"
	"testing"
)

// Under an SCP's FullAccess every other service's action is matched by a statement, on
// every URN: its URNs are split by the patterns of the statements that match it (the
// FullAccess statement), not by every image pattern of the identity policies, whose
// automaton over every URN goes over the default budget.
func TestOtherServicesSplitByRelevantPatterns(t *testing.T) {
	var sts []string
	for i := range 40 {
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":["ims:images:get"],"Resource":["ims:*:*:image:team%d-*"]}`, i))
	}
	all := doc(t, `{"Effect":"Allow","Action":["*"],"Resource":["*"]}`)
	set, err := config{
		Identity: []docPolicy{{Name: "identity[0]", Document: doc(t, sts...)}},
		Levels:   []docLevel{{Name: "root", Policies: []docPolicy{{Name: "scp[root][0]", Document: all}}}},
	}.set()
	if err != nil {
		t.Fatal(err)
	}
	r, err := EffectivePermissions(set, Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Complete {
		t.Fatalf("%s: %s", r.Status, r.Reason)
	}
	if r.OtherServicesAllowed {
		t.Errorf("the identity policies allow no other service: %v", r.OtherServicesWitness)
	}
	if g := grantOf(t, r, "ims:images:get").Grant; g != GrantPartial {
		t.Errorf("get on 40 teams' images: %s, want partial", g)
	}
}

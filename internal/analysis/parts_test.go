package analysis

import (
	"reflect"
	"slices"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// partsSeed and partsSets are -parts.seed and -parts.sets.
var partsSeed, partsSets = policytest.Flags("parts", 16, 300, "search by parts' differential test's (policy pairs)")

// TestPartsAgainstProduct: the search by parts (parts.go) gives what the enumeration of
// the product gives, status, answer and witnesses alike, on pairs of many statements over
// many keys, mostly one key a condition so that the keys fall into several parts, with
// Deny statements and, sometimes, an SCP level.
func TestPartsAgainstProduct(t *testing.T) {
	g := policytest.NewGen(policytest.Analyser(), *partsSeed)
	var compared, searched, skipped int
	for n := range policytest.Short(*partsSets) {
		cand, ref, desc := manyKeysPair(t, g)
		b := Budget{Requests: 2_000_000, exhaustive: true}
		byParts, err := NoNewAccess(mustSet(cand), mustSet(ref), b)
		if err != nil {
			t.Fatalf("set %d: %v", n, err)
		}
		b.product = true
		byProduct, err := NoNewAccess(mustSet(cand), mustSet(ref), b)
		if err != nil {
			t.Fatalf("set %d: %v", n, err)
		}
		if byProduct.Status == Unknown {
			skipped++ // over the budget, or a corner: nothing to compare with
			continue
		}
		compared++
		if byParts.Spent < byProduct.Spent {
			searched++
		}
		byParts.Spent, byProduct.Spent = 0, 0
		if !reflect.DeepEqual(byParts, byProduct) {
			t.Fatalf("set %d (seed %d): by parts\n  %+v\nby the product\n  %+v\ncandidate:\n%s", n, *partsSeed, byParts, byProduct, desc)
		}
		checkWitnesses(t, cand, &ref, byParts.NewAccess)
		checkWitnesses(t, cand, &ref, byParts.RemovedAccess)
	}
	t.Logf("%d pairs compared (%d spent less by parts), %d unknown by the product", compared, searched, skipped)
	// The test must compare, and the search by parts must be what decides most pairs.
	if compared < policytest.Short(*partsSets)*3/4 || searched < compared/2 {
		t.Errorf("%d pairs compared, %d decided by parts with less work, %d skipped: the generator no longer draws what this test is about", compared, searched, skipped)
	}
}

// manyKeysPair draws a reference of 4 to 12 statements over 4 of the analyser's keys,
// most with a condition on one key and on actions that overlap, and a candidate that
// changes it a little.
func manyKeysPair(t testing.TB, g *policytest.Gen) (config, config, string) {
	for {
		var kinds []policytest.KeyKind
		for _, i := range g.R.Perm(len(policytest.AnalyserKeys))[:4] {
			kinds = append(kinds, policytest.AnalyserKeys[i])
		}
		g.UseKeys(kinds)
		statement := func() policytest.Statement {
			s := g.Statement(false)
			if g.Chance(0.6) {
				s.Action, s.NotAction = []string{g.Pick("ims:images:get", "ims:images:*", "ims:images:list")}, nil
			}
			switch {
			case g.Chance(0.1):
				s.Conds = nil
			case g.Chance(0.8):
				s.Conds = []policytest.Cond{g.Cond()}
			}
			return s
		}
		var ref []policytest.Statement
		for range 4 + g.R.IntN(9) {
			ref = append(ref, statement())
		}
		cand := slices.Clone(ref)
		switch g.R.IntN(4) {
		case 0:
			cand = append(cand, statement())
		case 1:
			cand = slices.Delete(cand, g.R.IntN(len(cand)), len(cand))
		case 2:
			cand[g.R.IntN(len(cand))] = statement()
		default:
			cand[g.R.IntN(len(cand))].Conds = []policytest.Cond{g.Cond()}
		}
		var levels []docLevel
		if g.Chance(0.25) {
			sts := []policytest.Statement{{Effect: "Allow", Action: []string{"*"}}, statement()}
			levels = []docLevel{{Name: "root", Policies: []docPolicy{{Name: "scp[root][0]", Document: docOf(t, sts)}}}}
		}
		rc := config{Identity: []docPolicy{{Name: "identity[0]", Document: docOf(t, ref)}}, Levels: levels}
		cc := config{Identity: []docPolicy{{Name: "identity[0]", Document: docOf(t, cand)}}, Levels: levels}
		if gateAccepts(cc) && gateAccepts(rc) {
			return cc, rc, describe(cand) + "\nreference:\n" + describe(ref)
		}
	}
}

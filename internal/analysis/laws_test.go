package analysis

import (
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// withStatement returns c with one more statement in its first identity policy.
func withStatement(t testing.TB, c Config, s genStatement) Config {
	t.Helper()
	d, err := policy.Parse(c.Identity[0].Document.Minified())
	if err != nil {
		t.Fatal(err)
	}
	extra := doc(t, statementJSON(s))
	d.Statements = append(d.Statements, extra.Statements...)
	out := c
	out.Identity = append([]evaluator.Policy{{Name: c.Identity[0].Name, Document: d}}, c.Identity[1:]...)
	return out
}

func mustHold(t *testing.T, what string, cand, ref Config, desc string) {
	t.Helper()
	r, err := NoNewAccess(cand, ref)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status == Complete && !r.Holds {
		t.Fatalf("%s: new access %+v\n%s", what, r.NewAccess, desc)
	}
	checkWitnesses(t, cand, &ref, r.RemovedAccess)
}

// The laws of comparison, over generated configurations.
func TestLaws(t *testing.T) {
	g := newGen(*diffSeed + 1)
	n := 150
	if testing.Short() {
		n = 50
	}
	for range n {
		cand, ref, desc := g.pair(t)
		for _, c := range []Config{cand, ref} {
			// A configuration never grants new access over itself, nor removes any.
			r, err := NoNewAccess(c, c)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status == Complete && (!r.Holds || len(r.RemovedAccess) > 0) {
				t.Fatalf("self comparison: %+v\n%s", r, desc)
			}
		}
		// Adding an Allow to the reference, or a Deny to the candidate, never creates new
		// access.
		allow := g.statement(false)
		allow.Effect = "Allow"
		mustHold(t, "an Allow added to the reference", ref, withStatement(t, ref, allow), desc)
		deny := g.statement(false)
		deny.Effect = "Deny"
		mustHold(t, "a Deny added to the candidate", withStatement(t, cand, deny), cand, desc)

		// Documents that normalise to the same bytes are equivalent.
		same := cand
		d, err := policy.Parse(cand.Identity[0].Document.Indented())
		if err != nil {
			t.Fatal(err)
		}
		if string(d.Minified()) != string(cand.Identity[0].Document.Minified()) {
			t.Fatalf("re-parsed document prints differently")
		}
		same.Identity = []evaluator.Policy{{Name: "identity[0]", Document: d}}
		mustHold(t, "the same document, re-parsed", same, cand, desc)
		mustHold(t, "the same document, re-parsed (reverse)", cand, same, desc)
	}
}

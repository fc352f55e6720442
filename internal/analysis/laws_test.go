package analysis

import (
	"slices"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// withStatement returns c with one more statement in its first identity policy.
func withStatement(t testing.TB, c config, s policytest.Statement) config {
	t.Helper()
	d, err := policy.Parse(c.Identity[0].Document.Minified())
	if err != nil {
		t.Fatal(err)
	}
	extra := doc(t, policytest.StatementJSON(s, false))
	d.Statements = append(d.Statements, extra.Statements...)
	out := c
	out.Identity = append([]docPolicy{{Name: c.Identity[0].Name, Document: d}}, c.Identity[1:]...)
	return out
}

// withAccepted adds a random statement of the effect to c, drawing until the result passes
// the policy set's gate.
func withAccepted(t testing.TB, g *policytest.Gen, c config, effect string) config {
	t.Helper()
	for {
		s := g.Statement(false)
		s.Effect = effect
		if out := withStatement(t, c, s); gateAccepts(out) {
			return out
		}
	}
}

func mustHold(t *testing.T, what string, cand, ref config, desc string) {
	t.Helper()
	r, err := NoNewAccess(mustSet(cand), mustSet(ref), Budget{})
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
	g := policytest.NewGen(policytest.Analyser(), *diffSeed+1)
	n := 150
	if testing.Short() {
		n = 50
	}
	rewrittenOK := 0
	defer func() {
		if !t.Failed() && rewrittenOK < n/2 {
			t.Errorf("only %d of %d rewritten documents normalise like the original", rewrittenOK, n)
		}
	}()
	for range n {
		cand, ref, desc := pair(t, g)
		for _, c := range []config{cand, ref} {
			// A configuration never grants new access over itself, nor removes any (every
			// action enumerated, though the statements that match it are the same).
			r, err := NoNewAccess(mustSet(c), mustSet(c), Budget{exhaustive: true})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status == Complete && (!r.Holds || len(r.RemovedAccess) > 0) {
				t.Fatalf("self comparison: %+v\n%s", r, desc)
			}
		}
		// Adding an Allow to the reference, or a Deny to the candidate, never creates new
		// access.
		mustHold(t, "an Allow added to the reference", ref, withAccepted(t, g, ref, "Allow"), desc)
		mustHold(t, "a Deny added to the candidate", withAccepted(t, g, cand, "Deny"), cand, desc)

		// Documents that normalise to the same bytes are equivalent: the candidate's
		// normal form, and the candidate written with its lists reversed and repeated.
		same := cand
		d, err := policy.Parse(cand.Identity[0].Document.Normal())
		if err != nil {
			t.Fatal(err)
		}
		if string(d.Normal()) != string(cand.Identity[0].Document.Normal()) {
			t.Fatalf("the normal form does not normalise to itself")
		}
		same.Identity = []docPolicy{{Name: "identity[0]", Document: d}}
		mustHold(t, "the normal form", same, cand, desc)
		mustHold(t, "the normal form (reverse)", cand, same, desc)
		rewritten := doc(t, reordered(cand.Identity[0].Document)...)
		if string(rewritten.Normal()) != string(cand.Identity[0].Document.Normal()) {
			continue
		}
		same.Identity = []docPolicy{{Name: "identity[0]", Document: rewritten}}
		mustHold(t, "lists reversed and repeated", same, cand, desc)
		mustHold(t, "lists reversed and repeated (reverse)", cand, same, desc)
		rewrittenOK++
	}
}

// reordered writes each statement of d with its lists reversed and their first item
// repeated, and its condition operators in reverse order.
func reordered(d *policy.Document) []string {
	rev := func(l *policy.List) []string {
		vs := l.Values()
		slices.Reverse(vs)
		if len(vs) > 0 {
			vs = append(vs, vs[0])
		}
		return vs
	}
	var out []string
	for _, s := range d.Statements {
		g := policytest.Statement{Effect: s.Effect.Value, Action: rev(s.Action), NotAction: rev(s.NotAction),
			Resource: rev(s.Resource), NotResource: rev(s.NotResource), HasResource: s.Resource != nil, HasNotResource: s.NotResource != nil}
		if s.Sid != nil {
			g.Sid = s.Sid.Value
		}
		if s.Action != nil && g.Action == nil {
			g.Action = []string{}
		}
		if s.Condition != nil {
			for i := len(s.Condition.Ops) - 1; i >= 0; i-- {
				op := s.Condition.Ops[i]
				for _, k := range op.Keys {
					g.Conds = append(g.Conds, policytest.Cond{Op: op.Name, Key: k.Name, Values: rev(&k.Values)})
				}
			}
		}
		out = append(out, policytest.StatementJSON(g, false))
	}
	return out
}

package analysis

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// doc writes statements (JSON objects) as a policy document and parses it.
func doc(t testing.TB, statements ...string) *policy.Document {
	t.Helper()
	src := `{"Version":"5.0","Statement":[` + strings.Join(statements, ",") + `]}`
	d, err := policy.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	return d
}

// config is a test's configuration as parsed documents, which the tests generate and
// rewrite; set builds it into the policy set the analyser takes.
type config struct {
	Identity []docPolicy
	Levels   []docLevel
}

// docPolicy is a parsed document of a config; its name is its place (identity[i],
// scp[level][i]), as NewPolicySet names it.
type docPolicy struct {
	Name     string
	Document *policy.Document
}

// docLevel is an SCP level of a config.
type docLevel struct {
	Name     string
	Policies []docPolicy
}

// set checks the documents for their purpose and builds the policy set, or returns the
// first error finding.
func (c config) set() (*evaluator.PolicySet, error) {
	check := func(ps []docPolicy, p policy.Purpose) []*policy.Checked {
		out := make([]*policy.Checked, len(ps))
		for i, d := range ps {
			out[i] = policy.CheckDocument(d.Document, p)
		}
		return out
	}
	src := evaluator.Sources{Identity: check(c.Identity, policy.Identity)}
	for _, l := range c.Levels {
		src.SCPLevels = append(src.SCPLevels, evaluator.SCPLevel{Name: l.Name, Policies: check(l.Policies, policy.SCP)})
	}
	set, errs := evaluator.NewPolicySet(src)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", errs[0])
	}
	return set, nil
}

// mustSet is c.set() for configurations the tests build valid; a refused one is a broken
// test, reported by the panic's message.
func mustSet(c config) *evaluator.PolicySet {
	set, err := c.set()
	if err != nil {
		panic(fmt.Sprintf("the test's configuration is refused: %v", err))
	}
	return set
}

// checkIdentity and checkSCP check a document for one purpose; nil stays nil (no document).
func checkIdentity(d *policy.Document) *policy.Checked { return checkAs(d, policy.Identity) }
func checkSCP(d *policy.Document) *policy.Checked      { return checkAs(d, policy.SCP) }

func checkAs(d *policy.Document, p policy.Purpose) *policy.Checked {
	if d == nil {
		return nil
	}
	return policy.CheckDocument(d, p)
}

// checkGate answers a gate over configurations within the default budget.
func checkGate(g testGate) (GateResult, error) {
	gate := Gate{Candidate: mustSet(g.Candidate), Forbidden: g.Forbidden, MaxWitnesses: g.MaxWitnesses}
	if g.Reference != nil {
		gate.Reference = mustSet(*g.Reference)
	}
	return CheckGate(gate, DefaultBudget)
}

// testGate is a Gate over configurations.
type testGate struct {
	Candidate    config
	Reference    *config
	Forbidden    []Forbidden
	MaxWitnesses int
}

// identity is a configuration of one identity policy per document and no SCP.
func identity(docs ...*policy.Document) config {
	var c config
	for i, d := range docs {
		c.Identity = append(c.Identity, docPolicy{Name: fmt.Sprintf("identity[%d]", i), Document: d})
	}
	return c
}

// replay decides a witness's request again with the evaluator.
func replay(t testing.TB, c config, w Witness) evaluator.Decision {
	t.Helper()
	ev, err := c.set()
	if err != nil {
		t.Fatal(err)
	}
	var res evaluator.Result
	ev.Evaluate(&evaluator.Request{Action: w.Action, Resource: w.Resource, Context: evaluator.NewContext(w.Context)}, &res)
	return res.Decision
}

// checkWitnesses replays every witness on the candidate (and the reference, when given)
// and fails unless each gives the stated decisions.
func checkWitnesses(t testing.TB, candidate config, reference *config, ws []Witness) {
	t.Helper()
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w.Action] {
			t.Errorf("two witnesses for %s", w.Action)
		}
		seen[w.Action] = true
		var unassoc []string
		for k := range w.Context {
			if _, ok := catalog.NotReceivedBy(k, w.Action); ok {
				unassoc = append(unassoc, k)
			}
		}
		if slices.Sort(unassoc); !slices.Equal(unassoc, w.UnassociatedKeys) || w.Unsearched && len(unassoc) == 0 {
			t.Errorf("witness %+v: unassociated keys %v, the catalog says %v", w, w.UnassociatedKeys, unassoc)
		}
		if got := replay(t, candidate, w); got != w.Decision {
			t.Errorf("witness %+v: replayed decision %s, reported %s", w, got, w.Decision)
		}
		if reference == nil {
			if w.ReferenceDecision != nil {
				t.Errorf("witness %+v has a reference decision without a reference", w)
			}
			continue
		}
		if w.ReferenceDecision == nil {
			t.Errorf("witness %+v has no reference decision", w)
			continue
		}
		if got := replay(t, *reference, w); got != *w.ReferenceDecision {
			t.Errorf("witness %+v: replayed reference decision %s, reported %s", w, got, *w.ReferenceDecision)
		}
		for k, vs := range w.Context {
			for _, v := range append([]string{k}, vs...) {
				if !printableASCIIOrPolicy(v) {
					t.Errorf("witness %+v: %q is not plain text", w, v)
				}
			}
		}
	}
}

// printableASCIIOrPolicy: fresh values are plain ASCII; others come from the policies,
// which in these tests are ASCII too.
func printableASCIIOrPolicy(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

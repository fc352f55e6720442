package analysis

import (
	"fmt"
	"strings"
	"testing"

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

// identity is a configuration of one identity policy per document and no SCP.
func identity(docs ...*policy.Document) Config {
	var c Config
	for i, d := range docs {
		c.Identity = append(c.Identity, evaluator.Policy{Name: fmt.Sprintf("identity[%d]", i), Document: d})
	}
	return c
}

// replay decides a witness's request again with the evaluator.
func replay(t testing.TB, c Config, w Witness) evaluator.Decision {
	t.Helper()
	ev, err := evaluator.Compile(c.Identity, c.Levels)
	if err != nil {
		t.Fatal(err)
	}
	var res evaluator.Result
	ev.Evaluate(&evaluator.Request{Action: w.Action, Resource: w.Resource, Context: evaluator.NewContext(w.Context)}, &res)
	return res.Decision
}

// checkWitnesses replays every witness on the candidate (and the reference, when given)
// and fails unless each gives the stated decisions.
func checkWitnesses(t testing.TB, candidate Config, reference *Config, ws []Witness) {
	t.Helper()
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w.Action] {
			t.Errorf("two witnesses for %s", w.Action)
		}
		seen[w.Action] = true
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

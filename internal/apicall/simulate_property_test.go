package apicall

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// The simulator against a brute force written from the rules alone: random IAM v3
// documents of a small generator (with, half the time, a v5 document of literal names
// among them), random API requests of either table. The brute force
// matches v3 patterns segment by segment (service as written, the rest ignoring case),
// reads the v5 table's actions by their names and aliases, and combines the two tables
// as Principal says; it shares nothing with the evaluator but the catalog's data.
func TestSimulatorMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 3))
	calls := Calls()
	var decided [3]int
	for iter := 0; iter < 1500; iter++ {
		docs := make([]genDoc, 1+rng.IntN(2))
		for i := range docs {
			docs[i] = genV3Doc(rng)
		}
		if rng.IntN(2) == 0 { // a v5 document among them, anywhere
			at := rng.IntN(len(docs) + 1)
			docs = slices.Insert(docs, at, genV5Doc(rng))
		}
		texts := make([]string, len(docs))
		for i := range docs {
			texts[i] = docs[i].json(t)
		}
		s, findings, err := NewSimulator(ReadIdentityTexts(texts), nil)
		if err != nil || len(findings) > 0 {
			t.Fatalf("%s: %v %v", strings.Join(texts, " "), err, findings)
		}
		for range 6 {
			c := calls[rng.IntN(len(calls))]
			ctx := genContext(rng)
			resource := "*"
			if rng.IntN(2) == 0 {
				resource = testImage
			}
			rep := s.Simulate(&evaluator.SimulationRequest{API: &evaluator.APIRequest{Method: c.Method, Path: c.Path, Variant: c.Variant}, Resource: resource, Context: ctx})
			if len(rep.Problems) > 0 {
				t.Fatalf("%s: %+v", c.Name(), rep.Problems)
			}
			want, applying := bruteDecide(docs, c, ctx)
			decided[want]++
			if rep.Decision != want {
				t.Fatalf("%s %v under %s: simulator %s, brute force %s\n%s", c.Name(), ctx, strings.Join(texts, " "), rep.Decision, want, rep.Explanation())
			}
			// Every statement the report names applies to the request, and a decision by
			// statements names at least one.
			for _, m := range rep.Matched {
				if !applying[fmt.Sprintf("%s/%d", m.Policy, m.Statement)] {
					t.Fatalf("%s: the report names %s statement %d, which does not apply\n%s", c.Name(), m.Policy, m.Statement, strings.Join(texts, " "))
				}
			}
			if want == evaluator.ExplicitDeny && len(rep.Matched) == 0 {
				t.Fatalf("%s: an explicit deny without a reason", c.Name())
			}
		}
	}
	// The generator reaches every decision often enough for the test to mean something.
	for d, n := range decided {
		if n < 500 {
			t.Errorf("decision %s reached %d times", evaluator.Decision(d), n)
		}
	}
}

type genStatement struct {
	Effect    string
	Action    []string
	Condition map[string]map[string][]string `json:",omitempty"`
}

// genDoc is a generated document: IAM v3, or v5 when V5 is set (its actions are literal
// v5 names: table actions and aliases).
type genDoc struct {
	Statements []genStatement
	V5         bool
}

func (d genDoc) json(t *testing.T) string {
	version := "1.1"
	if d.V5 {
		version = "5.0"
	}
	b, err := json.Marshal(map[string]any{"Version": version, "Statement": d.Statements})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var genPatterns = func() []string {
	p := []string{"ims:images:*", "ims:*:*", "ims:*:get", "ims:*:create", "ims:*Images:create", "ims:IMAGES:List", "ims:images:*e", "ims:images:UPDATE", "ims:quotas:*"}
	for _, a := range catalog.V3Actions() {
		p = append(p, a.Name, a.Name) // the names themselves, twice as likely
	}
	return p
}()

func genV3Doc(rng *rand.Rand) genDoc {
	var d genDoc
	for range 1 + rng.IntN(3) {
		st := genStatement{Effect: "Allow"}
		if rng.IntN(4) == 0 {
			st.Effect = "Deny"
		}
		for range 1 + rng.IntN(3) {
			st.Action = append(st.Action, genPatterns[rng.IntN(len(genPatterns))])
		}
		switch rng.IntN(4) {
		case 0:
			st.Condition = map[string]map[string][]string{"StringEquals": {"g:UserName": {"alice"}}}
		case 1:
			st.Condition = map[string]map[string][]string{"Bool": {"g:MFAPresent": {"true"}}}
		}
		d.Statements = append(d.Statements, st)
	}
	return d
}

// genV5Names are literal v5 names: every table action, and the aliases that are v3 names.
var genV5Names = func() []string {
	var out []string
	for _, a := range catalog.Actions() {
		out = append(out, a.Name)
	}
	return append(out, "ims:images:update", "ims:images:list", "ims:images:share", "ims:images:copy")
}()

func genV5Doc(rng *rand.Rand) genDoc {
	d := genDoc{V5: true}
	for range 1 + rng.IntN(3) {
		st := genStatement{Effect: "Allow"}
		if rng.IntN(4) == 0 {
			st.Effect = "Deny"
		}
		for range 1 + rng.IntN(4) {
			st.Action = append(st.Action, genV5Names[rng.IntN(len(genV5Names))])
		}
		if rng.IntN(4) == 0 {
			st.Condition = map[string]map[string][]string{"StringEquals": {"g:UserName": {"alice"}}}
		}
		d.Statements = append(d.Statements, st)
	}
	return d
}

func genContext(rng *rand.Rand) []evaluator.ContextEntry {
	var ctx []evaluator.ContextEntry
	if rng.IntN(2) == 0 {
		ctx = append(ctx, evaluator.ContextEntry{Key: "g:UserName", Values: []string{[]string{"alice", "bob", "Alice"}[rng.IntN(3)]}})
	}
	if rng.IntN(2) == 0 {
		ctx = append(ctx, evaluator.ContextEntry{Key: "g:MFAPresent", Values: []string{[]string{"true", "false"}[rng.IntN(2)]}})
	}
	return ctx
}

// bruteDecide decides a call by the rules, and says which statements ("identity[i]/j")
// apply to some action the call involves.
func bruteDecide(docs []genDoc, c Call, ctx []evaluator.ContextEntry) (evaluator.Decision, map[string]bool) {
	applying := map[string]bool{}
	// decideTable: each required action, by the v3 names it is reached by.
	decideTable := func(p *catalog.APIPermission, v5table bool, reachedBy func(action string) []string) evaluator.Decision {
		var required []string
		for _, a := range p.Actions {
			if a.Required() {
				required = append(required, a.Action)
			}
		}
		required = append(required, p.Dependencies...)
		out := evaluator.Allow
		for _, a := range required {
			var allow, deny bool
			for di, d := range docs {
				if d.V5 && !v5table {
					continue // the v3 table: the v3 policies alone
				}
				for si, st := range d.Statements {
					if d.V5 && !bruteAppliesV5(st, a, ctx) || !d.V5 && !bruteApplies(st, reachedBy(a), ctx) {
						continue
					}
					applying[fmt.Sprintf("identity[%d]/%d", di, si)] = true
					if st.Effect == "Deny" {
						deny = true
					} else {
						allow = true
					}
				}
			}
			switch {
			case deny:
				out = evaluator.ExplicitDeny
			case !allow && out == evaluator.Allow:
				out = evaluator.ImplicitDeny
			}
		}
		return out
	}
	var ways []evaluator.Decision
	if c.V3 != nil {
		ways = append(ways, decideTable(c.V3, false, func(a string) []string { return []string{a} }))
	}
	if c.V5 != nil {
		ways = append(ways, decideTable(c.V5, true, func(a string) []string {
			names := []string{a}
			if act, ok := catalog.LookupAction(a); ok {
				names = append(names, act.Aliases...)
			}
			var v3 []string
			for _, n := range catalog.V3Actions() {
				if slices.ContainsFunc(names, func(x string) bool { return strings.EqualFold(x, n.Name) }) {
					v3 = append(v3, n.Name)
				}
			}
			return v3
		}))
	}
	switch {
	case slices.Contains(ways, evaluator.ExplicitDeny):
		return evaluator.ExplicitDeny, applying
	case slices.Contains(ways, evaluator.Allow):
		return evaluator.Allow, applying
	}
	return evaluator.ImplicitDeny, applying
}

// bruteAppliesV5: a literal v5 statement names the action, or one of its aliases when it
// is a table action (ignoring case).
func bruteAppliesV5(st genStatement, action string, ctx []evaluator.ContextEntry) bool {
	names := []string{action}
	if act, ok := catalog.LookupAction(action); ok {
		names = append(names, act.Aliases...)
	}
	if !slices.ContainsFunc(st.Action, func(p string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(p, n) })
	}) {
		return false
	}
	return bruteConditions(st, ctx)
}

func bruteApplies(st genStatement, names []string, ctx []evaluator.ContextEntry) bool {
	matched := false
	for _, p := range st.Action {
		for _, n := range names {
			ps, ns := strings.Split(p, ":"), strings.Split(n, ":")
			if glob(ps[0], ns[0]) && glob(strings.ToLower(ps[1]), strings.ToLower(ns[1])) && glob(strings.ToLower(ps[2]), strings.ToLower(ns[2])) {
				matched = true
			}
		}
	}
	if !matched {
		return false
	}
	return bruteConditions(st, ctx)
}

func bruteConditions(st genStatement, ctx []evaluator.ContextEntry) bool {
	value := func(key string) (string, bool) {
		for _, e := range ctx {
			if e.Key == key {
				return e.Values[0], true
			}
		}
		return "", false
	}
	for op, keys := range st.Condition {
		for key, want := range keys {
			got, ok := value(key)
			switch op {
			case "StringEquals": // case-sensitive (notes §3.2)
				if !ok || got != want[0] {
					return false
				}
			case "Bool":
				if !ok || got != want[0] {
					return false
				}
			}
		}
	}
	return true
}

// glob matches `*` (any run, also empty) and nothing else.
func glob(p, s string) bool {
	if p == "" {
		return s == ""
	}
	if p[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if glob(p[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	return s != "" && p[0] == s[0] && glob(p[1:], s[1:])
}

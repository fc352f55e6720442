package bench

import (
	"fmt"
	"strconv"
	"testing"

	cedar "github.com/cedar-policy/cedar-go"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

const (
	seed     = 4
	requests = 64
)

// sizes are the policy set sizes compared; the first is the pair `make bench` reports as
// ratio_vs_cedar (the smallest set, where indexing helps least).
var sizes = []int{10, 1000}

// pair is one policy set and its requests, ready for both evaluators.
type pair struct {
	ours      *evaluator.PolicySet
	ourReqs   []evaluator.Request
	policies  *cedar.PolicySet
	entities  cedar.EntityMap
	cedarReqs []cedar.Request
}

func newPair(tb testing.TB, n int, seed uint64) pair {
	tb.Helper()
	sts, reqs := Generate(n, requests, seed)
	var p pair

	// 30 statements a document keep each under the identity policy size limit.
	set, findings := evaluator.NewIdentityPolicySet(PolicyJSON(sts, 30))
	if len(findings) > 0 {
		tb.Fatal(findings[0])
	}
	p.ours = set

	text, err := Cedar(sts)
	if err != nil {
		tb.Fatal(err)
	}
	if p.policies, err = cedar.NewPolicySetFromBytes("bench.cedar", []byte(text)); err != nil {
		tb.Fatalf("%v\n%s", err, text)
	}

	// Entities: each table action is in the groups of its aliases; each image has its URN
	// as an attribute for `like`.
	p.entities = cedar.EntityMap{}
	for _, a := range catalog.Actions() {
		var parents []cedar.EntityUID
		for _, al := range a.Aliases {
			parents = append(parents, cedar.NewEntityUID("Action", cedar.String(al)))
		}
		uid := cedar.NewEntityUID("Action", cedar.String(a.Name))
		p.entities[uid] = cedar.Entity{UID: uid, Parents: cedar.NewEntityUIDSet(parents...)}
	}
	principal := cedar.NewEntityUID("User", "alice")
	for _, rq := range reqs {
		uid := cedar.NewEntityUID("Image", cedar.String(rq.Resource))
		p.entities[uid] = cedar.Entity{UID: uid, Attributes: cedar.NewRecord(cedar.RecordMap{"urn": cedar.String(rq.Resource)})}

		values := map[string][]string{}
		rec := cedar.RecordMap{}
		for k, v := range rq.Context {
			values[k] = []string{v}
			switch keyTypes[k] {
			case "bool":
				rec[cedar.String(k)] = cedar.Boolean(v == "true")
			case "long":
				n, err := strconv.Atoi(v)
				if err != nil {
					tb.Fatal(err)
				}
				rec[cedar.String(k)] = cedar.Long(n)
			default:
				rec[cedar.String(k)] = cedar.String(v)
			}
		}
		p.ourReqs = append(p.ourReqs, evaluator.Request{Action: rq.Action, Resource: rq.Resource, Context: evaluator.NewContext(values)})
		p.cedarReqs = append(p.cedarReqs, cedar.Request{
			Principal: principal,
			Action:    cedar.NewEntityUID("Action", cedar.String(rq.Action)),
			Resource:  uid,
			Context:   cedar.NewRecord(rec),
		})
	}
	return p
}

// TestSameDecisions checks that the translation is faithful: both evaluators allow
// exactly the same requests (those of the benchmarks, and more sets of other sizes and
// seeds), and the requests are not all decided the same way.
func TestSameDecisions(t *testing.T) {
	type set struct {
		n    int
		seed uint64
	}
	var sets []set
	for _, n := range sizes {
		sets = append(sets, set{n, seed})
	}
	for s := range uint64(20) {
		sets = append(sets, set{10 + int(s)*5, 100 + s})
	}
	total, allowedTotal := 0, 0
	for _, s := range sets {
		n := s.n
		p := newPair(t, n, s.seed)
		allowed := 0
		var res evaluator.Result
		for i := range p.ourReqs {
			p.ours.Evaluate(&p.ourReqs[i], &res)
			d, diag := p.policies.IsAuthorized(p.entities, p.cedarReqs[i])
			if len(diag.Errors) > 0 {
				t.Fatalf("%d statements, request %d: cedar errors %v", n, i, diag.Errors)
			}
			if res.Allowed() != (d == cedar.Allow) {
				t.Errorf("%d statements, request %d (%s on %s, %v): imspolicy %s (matched %+v), cedar %v (reasons %+v)",
					n, i, p.ourReqs[i].Action, p.ourReqs[i].Resource, p.ourReqs[i].Context, res.Decision, res.Matched, d, diag.Reasons)
			}
			if res.Allowed() {
				allowed++
			}
		}
		total, allowedTotal = total+len(p.ourReqs), allowedTotal+allowed
		if allowed == 0 {
			t.Errorf("%d statements (seed %d): no request allowed: the comparison needs both outcomes", n, s.seed)
		}
	}
	t.Logf("%d policy sets, %d requests, %d allowed by both", len(sets), total, allowedTotal)
}

// BenchmarkVsCedar evaluates the same requests against the same policy set with the
// provider's evaluator and with cedar-go; ns/op is ns per request.
func BenchmarkVsCedar(b *testing.B) {
	for _, n := range sizes {
		p := newPair(b, n, seed)
		b.Run(fmt.Sprintf("statements=%d/imspolicy", n), func(b *testing.B) {
			var res evaluator.Result
			for i := range p.ourReqs {
				p.ours.Evaluate(&p.ourReqs[i], &res)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p.ours.Evaluate(&p.ourReqs[i], &res)
				if i++; i == len(p.ourReqs) {
					i = 0
				}
			}
		})
		b.Run(fmt.Sprintf("statements=%d/cedar", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p.policies.IsAuthorized(p.entities, p.cedarReqs[i])
				if i++; i == len(p.cedarReqs) {
					i = 0
				}
			}
		})
	}
}

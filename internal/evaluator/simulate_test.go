package evaluator

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

func TestNewPolicySetRefusesWithFindingsWhereTheyAre(t *testing.T) {
	set, findings := NewPolicySet(Sources{
		Identity: checkIdentity(doc(allowAll), doc(`{"Effect":"Allow","Action":["ims:images:lst"]}`)),
		SCPLevels: []SCPLevel{
			{Name: "root", Policies: checkSCPs(doc(fullAccess))},
			{Name: "ou", Policies: checkSCPs(doc(fullAccess), `{"Version":"5.0","Statement":[`)},
		},
	})
	if set != nil {
		t.Fatal("a policy set was built from documents with errors")
	}
	type where struct {
		layer    Layer
		document int
		code     string
	}
	var got []where
	for _, f := range findings {
		if f.Finding.Severity != policy.Error {
			t.Errorf("a finding that is not an error: %s", f)
		}
		got = append(got, where{f.Layer, f.Document, f.Finding.Code})
	}
	want := []where{{IdentityLayer, 1, "unknown_action"}, {Layer{SCP: true, Level: 1, Name: "ou"}, 1, "malformed_json"}}
	if !slices.Equal(got, want) {
		t.Fatalf("findings %+v, want %+v", got, want)
	}
	if s := findings[1].String(); !strings.HasPrefix(s, "scp[ou][1]: ") {
		t.Errorf("finding %q does not start with its document's name", s)
	}
}

func TestNewPolicySetKeepsWarningsOut(t *testing.T) {
	// ims:images:share is deprecated: a warning, which does not stop the set.
	set, findings := NewPolicySet(Sources{Identity: checkIdentity(doc(`{"Effect":"Allow","Action":["ims:images:share"],"Resource":["*"]}`))})
	if set == nil || len(findings) > 0 {
		t.Fatalf("set %v, findings %v", set, findings)
	}
}

func TestSimulateRequestProblems(t *testing.T) {
	set, findings := NewPolicySet(Sources{Identity: checkIdentity(doc(allowAll))})
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	cases := []struct {
		name  string
		req   SimulationRequest
		field RequestField
		entry int
		want  string
	}{
		{"misspelt action", SimulationRequest{Action: "ims:images:getTag"}, ActionField, 0, `"ims:images:getTag" is not an IMS action. Did you mean "ims:images:getTags"`},
		{"IMS in capitals", SimulationRequest{Action: "IMS:images:nope"}, ActionField, 0, `"IMS:images:nope" is not an IMS action.`},
		{"unknown API", SimulationRequest{API: &APIRequest{Method: "put", Path: "/v2/images/abc/files"}}, APIField, 0, "PUT /v2/images/abc/files is not in the IMS API table. Did you mean PUT /v2/images/{image_id}/file"},
		{"value not of the key's type", SimulationRequest{Action: "ims:images:get", Context: []ContextEntry{
			{Key: "ims:Region", Values: []string{"cn-north-4"}}, {Key: "G:SOURCEIP", Values: []string{"10.0.0.1", "localhost"}},
		}}, ContextField, 1, `g:SourceIp is a ip_address key: "localhost" is not a valid ip_address value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := set.Simulate(&c.req)
			if len(rep.Problems) != 1 {
				t.Fatalf("problems %+v, want one", rep.Problems)
			}
			p := rep.Problems[0]
			if p.Field != c.field || p.Context != c.entry || !strings.Contains(p.Detail, c.want) {
				t.Fatalf("problem %+v, want field %d, entry %d, detail with %q", p, c.field, c.entry, c.want)
			}
			if rep.Decision != ImplicitDeny || rep.Matched != nil || rep.Action != "" {
				t.Fatalf("a report with problems has a result: %+v", rep)
			}
		})
	}
	// Other services' actions are not the catalog's to judge.
	if rep := set.Simulate(&SimulationRequest{Action: "obs:object:GetObject"}); len(rep.Problems) > 0 || !rep.Allowed() {
		t.Fatalf("obs:object:GetObject: %+v", rep)
	}
}

// TestSimulateAgreesWithEvaluate: for an action, the report's result is Evaluate's, with
// the context given as strings.
func TestSimulateAgreesWithEvaluate(t *testing.T) {
	set, findings := NewPolicySet(benchSources10())
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	sims := benchSimulationRequests()
	sims = append(sims, SimulationRequest{Action: "ims:images:list", Resource: "*"}, SimulationRequest{Action: "ims:images:copy", Resource: "ims:cn-north-4:0a1b2c:image:x", Context: []ContextEntry{{Key: "ims:region", Values: nil}, {Key: "IMS:Region", Values: []string{"cn-east-3"}}}})
	for _, sr := range sims {
		rep := set.Simulate(&sr)
		values := map[string][]string{}
		for _, c := range sr.Context {
			values[strings.ToLower(c.Key)] = append(values[strings.ToLower(c.Key)], c.Values...)
		}
		resource := sr.Resource
		var want Result
		set.Evaluate(&Request{Action: sr.Action, Resource: resource, Context: NewContext(values)}, &want)
		if rep.Decision != want.Decision || rep.DecidedBy != want.DecidedBy || !slices.Equal(rep.Matched, want.Matched) || !slices.Equal(rep.MissingKeys, want.MissingKeys) {
			t.Errorf("%s on %q: Simulate %+v, Evaluate %+v", sr.Action, resource, rep.Result, want)
		}
		if rep.Action != sr.Action || rep.Resource != resource || rep.API != "" {
			t.Errorf("report names %q on %q (API %q)", rep.Action, rep.Resource, rep.API)
		}
		if got, want := rep.Explanation(), want.Explain(sr.Action, resource); got != want {
			t.Errorf("explanation %q, want %q", got, want)
		}
	}
}

func TestSimulateAPI(t *testing.T) {
	set, findings := NewPolicySet(Sources{Identity: checkIdentity(doc(`{"Effect":"Allow","Action":["ims:images:upload","ims:images:get"]}`))})
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	rep := set.Simulate(&SimulationRequest{API: &APIRequest{Method: "PUT", Path: "/v2/images/abc/file"}, Resource: "ims:cn-north-4:acct:image:abc"})
	if rep.API != "PUT /v2/images/{image_id}/file" || rep.Action != "ims:images:upload" {
		t.Fatalf("API %q, main action %q", rep.API, rep.Action)
	}
	if rep.Decision != ImplicitDeny || len(rep.Actions) != 3 {
		t.Fatalf("decision %s with %d actions evaluated", rep.Decision, len(rep.Actions))
	}
	if !slices.Equal(rep.AliasSurprises, []string{"ims:images:update is an alias: allowing it also allows ims:images:deleteImage, ims:images:setTags"}) {
		t.Errorf("alias surprises %q", rep.AliasSurprises)
	}
	if want := "Implicitly denied: PUT /v2/images/{image_id}/file on \"ims:cn-north-4:acct:image:abc\" needs ims:images:upload, ims:images:get, ims:images:update; not allowed: ims:images:update (implicit_deny by identity)."; rep.Explanation() != want {
		t.Errorf("explanation %q", rep.Explanation())
	}
}

func TestSimulateAllocations(t *testing.T) {
	set, findings := NewPolicySet(benchSources10())
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	for _, sr := range benchSimulationRequests() {
		if allocs := testing.AllocsPerRun(100, func() { set.Simulate(&sr) }); allocs > 4 {
			t.Errorf("%s allocates %v times, more than 4", sr.Action, allocs)
		}
	}
}

// TestSimulateDifferential runs the differential test's generated cases through the
// engine's gate and Simulate, against the naive evaluator: the sets the checker accepts,
// and the requests Simulate takes (an unknown IMS action or a value that is not of its
// key's type is the request's problem instead).
func TestSimulateDifferential(t *testing.T) {
	g := policytest.NewGen(policytest.Evaluator(), *diffSeed+1)
	sets, accepted, compared := 2000, 0, 0
	if testing.Short() {
		sets /= 10
	}
	for range sets {
		c := g.Case()
		set, findings := NewPolicySet(caseSources(c))
		if len(findings) > 0 {
			continue
		}
		accepted++
		identity, levels := casePolicies(t, &c)
		for _, rq := range c.Requests {
			sr := SimulationRequest{Action: rq.Action, Resource: rq.Resource}
			for k, vs := range rq.Context {
				sr.Context = append(sr.Context, ContextEntry{Key: k, Values: vs})
			}
			rep := set.Simulate(&sr)
			if len(rep.Problems) > 0 {
				continue
			}
			compared++
			want := naiveEvaluate(identity, levels, rq.Action, rq.Resource, rq.Context)
			missing := !slices.Equal(rep.MissingKeys, want.Missing) && (len(rep.MissingKeys) > 0 || len(want.Missing) > 0)
			if rep.Decision != want.Decision || rep.DecidedBy.String() != want.DecidedBy || !slices.Equal(rep.Matched, want.Matched) || missing {
				t.Fatalf("Simulate and the naive evaluator differ on %s on %q, context %q:\n  Simulate %s by %s, matched %+v, missing %q\n  naive    %s by %s, matched %+v, missing %q\n%s",
					rq.Action, rq.Resource, rq.Context, rep.Decision, rep.DecidedBy, rep.Matched, rep.MissingKeys, want.Decision, want.DecidedBy, want.Matched, want.Missing, c.Describe())
			}
		}
	}
	if accepted < sets/20 || compared < accepted {
		t.Fatalf("only %d of %d generated sets pass the checker, %d requests compared: the test checks too little", accepted, sets, compared)
	}
	t.Logf("%d of %d sets accepted, %d requests compared", accepted, sets, compared)
}

// Simulate reads each request's context into memory it reuses across calls: reports
// made concurrently, in any order, are those made one at a time.
func TestSimulateConcurrently(t *testing.T) {
	g := policytest.NewGen(policytest.Evaluator(), *diffSeed+2)
	type simulation struct {
		set  *PolicySet
		req  SimulationRequest
		want Report
	}
	var sims []simulation
	for len(sims) < 2000 {
		c := g.Case()
		set, findings := NewPolicySet(caseSources(c))
		if len(findings) > 0 {
			continue
		}
		for _, rq := range c.Requests {
			sr := SimulationRequest{Action: rq.Action, Resource: rq.Resource}
			for k, vs := range rq.Context {
				sr.Context = append(sr.Context, ContextEntry{Key: k, Values: vs})
			}
			sims = append(sims, simulation{set: set, req: sr, want: set.Simulate(&sr)})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range sims {
				s := &sims[(i*(2*w+1)+w)%len(sims)] // each worker its own order
				if got := s.set.Simulate(&s.req); !reflect.DeepEqual(got, s.want) {
					errs <- fmt.Sprintf("%s on %q, context %q: concurrently %+v, alone %+v", s.req.Action, s.req.Resource, s.req.Context, got, s.want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// sources are the case's documents as JSON, for NewPolicySet.
func caseSources(c policytest.Case) Sources {
	var src Sources
	for _, p := range c.Identity {
		src.Identity = append(src.Identity, policy.CheckText([]byte(policytest.PolicyJSON(p)), policy.Identity))
	}
	for _, lv := range c.Levels {
		l := SCPLevel{Name: lv.Name}
		for _, p := range lv.Policies {
			l.Policies = append(l.Policies, policy.CheckText([]byte(policytest.PolicyJSON(p)), policy.SCP))
		}
		src.SCPLevels = append(src.SCPLevels, l)
	}
	return src
}

// TestSimulateUnassociatedKeys: the report says, in the catalog's sentence, which context
// keys the action is not known to receive, as the analyser says of its witnesses.
func TestSimulateUnassociatedKeys(t *testing.T) {
	set, findings := NewPolicySet(Sources{Identity: checkIdentity(doc(`{"Effect":"Allow","Action":["ims:*"]}`))})
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	ctx := []ContextEntry{{Key: "ims:Region", Values: []string{"cn-north-4"}}, {Key: "IMS:region", Values: []string{"x"}}, {Key: "g:MFAPresent", Values: []string{"true"}}}
	rep := set.Simulate(&SimulationRequest{Action: "ims:images:get", Resource: "ims:cn-north-4:acct:image:abc", Context: ctx})
	want := []string{"the request gives ims:Region, which ims:images:get is not known to receive (stated: the vendor's table of actions lists no such key for it)"}
	if !slices.Equal(rep.UnassociatedKeys(), want) || !slices.Equal(rep.Warnings(), want) {
		t.Errorf("unassociated keys %q, warnings %q", rep.UnassociatedKeys(), rep.Warnings())
	}
	rep = set.Simulate(&SimulationRequest{Action: "ims:images:copyCrossRegion", Resource: "ims:cn-north-4:acct:image:abc", Context: ctx})
	if len(rep.UnassociatedKeys()) != 0 {
		t.Errorf("copyCrossRegion receives ims:Region: %q", rep.UnassociatedKeys())
	}
	rep = set.Simulate(&SimulationRequest{API: &APIRequest{Method: "PUT", Path: "/v2/images/abc/file"}, Resource: "ims:cn-north-4:acct:image:abc", Context: ctx})
	if u := rep.UnassociatedKeys(); len(u) != 1 || !strings.Contains(u[0], "ims:Region, which none of ims:images:") {
		t.Errorf("API: %q", u)
	}
}

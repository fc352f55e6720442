package evaluator

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// benchSources10 is a realistic 10-statement configuration: an image team's identity
// policy and two SCP levels.
var benchTexts10 = struct {
	Identity  []string
	SCPLevels []textLevel
}{
	Identity: []string{doc(
		`{"Sid":"Read","Effect":"Allow","Action":["ims:images:list","ims:images:get*","ims:quotas:get"],"Resource":["*"]}`,
		`{"Sid":"Copy","Effect":"Allow","Action":["ims:images:copy*"],"Resource":["ims:*:0a1b2c:image:*"],"Condition":{"StringEquals":{"ims:Region":["cn-north-4","cn-east-3"]},"Bool":{"ims:Encrypted":"true"}}}`,
		`{"Sid":"Tag","Effect":"Allow","Action":["ims:images:setTags","ims:images:updateImage"],"Resource":["ims:cn-north-4:0a1b2c:image:*"],"Condition":{"StringEquals":{"g:ResourceTag/team":"imaging"}}}`,
		`{"Sid":"KeepGolden","Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["ims:*:0a1b2c:image:golden-*"]}`,
		`{"Sid":"ShareInOrg","Effect":"Deny","Action":["ims:images:share"],"Condition":{"ForAnyValue:StringNotMatch":{"ims:TargetOrgPaths":["o-1/r-1/*"]}}}`,
		`{"Sid":"Create","Effect":"Allow","Action":["ims:images:create","ims:images:import","ims:*Images:create"],"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8"]}}}`,
		`{"Sid":"MFA","Effect":"Deny","Action":["*"],"Condition":{"Bool":{"g:MFAPresent":"false"}}}`,
	)},
	SCPLevels: []textLevel{
		{Name: "root", Policies: []string{doc(fullAccess,
			`{"Sid":"Regions","Effect":"Deny","NotAction":["iam:*","organizations:*"],"Condition":{"StringNotEqualsIfExists":{"g:RequestedRegion":["cn-north-4","cn-east-3"]}}}`)}},
		{Name: "ou-prod", Policies: []string{doc(`{"Effect":"Allow","Action":["ims:*","obs:*"]}`)}},
	},
}

// benchSources10 is benchTexts10, checked.
func benchSources10() Sources {
	return checkSources(benchTexts10.Identity, benchTexts10.SCPLevels...)
}

// benchSet10 is benchTexts10, parsed.
func benchSet10(tb testing.TB) ([]testPolicy, []testLevel) {
	var levels []testLevel
	for _, lv := range benchTexts10.SCPLevels {
		levels = append(levels, level(tb, lv.Name, lv.Policies...))
	}
	return identity(tb, benchTexts10.Identity...), levels
}

// benchRequests are the requests every benchmark cycles through: allowed, explicitly and
// implicitly denied, with and without context.
func benchRequests() []Request {
	ctx := NewContext(map[string][]string{
		"ims:Region": {"cn-east-3"}, "ims:Encrypted": {"true"}, "g:MFAPresent": {"true"},
		"g:RequestedRegion": {"cn-north-4"}, "g:SourceIp": {"10.1.2.3"}, "g:ResourceTag/team": {"imaging"},
		"ims:TargetOrgPaths": {"o-1/r-1/ou-2/acct-9"},
	})
	return []Request{
		{Action: "ims:images:copyCrossRegion", Resource: "ims:cn-north-4:0a1b2c:image:img-17", Context: ctx},
		{Action: "ims:images:get", Resource: "ims:cn-north-4:0a1b2c:image:img-3", Context: ctx},
		{Action: "ims:images:deleteImage", Resource: "ims:cn-east-3:0a1b2c:image:golden-2", Context: ctx},
		{Action: "ims:images:setTags", Resource: "ims:cn-north-4:0a1b2c:image:team3-42", Context: ctx},
		{Action: "ims:images:addMember", Resource: "ims:cn-north-4:0a1b2c:image:img-5", Context: ctx},
		{Action: "ims:serverImages:create", Resource: "*", Context: ctx},
		{Action: "ims:images:listOsVersion", Resource: "*", Context: Context{}},
		{Action: "ims:images:updateImage", Resource: "ims:cn-east-3:0a1b2c:image:team1-7", Context: ctx},
		{Action: "obs:object:GetObject", Resource: "obs:cn-north-4:0a1b2c:bucket:images", Context: ctx},
	}
}

// benchSetN generates n realistic statements: identity policies of 100 statements and
// two SCP levels of n/20 statements each, spread over the IMS actions, most with a
// resource and half with conditions.
func benchSetN(tb testing.TB, n int) ([]testPolicy, []testLevel) {
	r := rand.New(rand.NewPCG(1000, uint64(n)))
	actions := catalog.Actions()
	patterns := []string{"ims:images:get*", "ims:images:list*", "ims:*Images:create", "ims:images:*Member*", "ims:images:copy*"}
	statement := func(scp bool) string {
		var f []string
		effect := "Allow"
		if r.IntN(100) < 4 || (scp && r.IntN(100) < 30) {
			effect = "Deny"
		}
		f = append(f, fmt.Sprintf(`"Sid":"S%d"`, r.IntN(1e6)), `"Effect":"`+effect+`"`)
		var acts []string
		for range 1 + r.IntN(3) {
			if r.IntN(10) == 0 {
				acts = append(acts, patterns[r.IntN(len(patterns))])
			} else {
				acts = append(acts, actions[r.IntN(len(actions))].Name)
			}
		}
		f = append(f, `"Action":["`+strings.Join(acts, `","`)+`"]`)
		switch r.IntN(10) {
		case 0, 1:
			f = append(f, `"Resource":["*"]`)
		case 2, 3, 4:
			f = append(f, fmt.Sprintf(`"Resource":["ims:%s:0a1b2c:image:team%d-*"]`, []string{"cn-north-4", "cn-east-3", "*"}[r.IntN(3)], r.IntN(10)))
		case 5:
		default:
			f = append(f, fmt.Sprintf(`"Resource":["ims:cn-north-4:0a1b2c:image:img-%d","ims:cn-east-3:0a1b2c:image:img-%d"]`, r.IntN(100), r.IntN(100)))
		}
		if r.IntN(2) == 0 {
			conds := []string{
				`"StringEquals":{"ims:Region":["cn-north-4","cn-east-3"]}`,
				`"Bool":{"ims:Encrypted":"true"}`,
				`"IpAddress":{"g:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}`,
				fmt.Sprintf(`"StringEquals":{"g:ResourceTag/team":"team%d"}`, r.IntN(10)),
				`"StringNotEqualsIfExists":{"g:RequestedRegion":["cn-north-4"]}`,
				`"DateLessThan":{"g:CurrentTime":"2027-01-01T00:00:00Z"}`,
			}
			c := conds[r.IntN(len(conds))]
			if r.IntN(3) == 0 {
				if c2 := conds[r.IntN(len(conds))]; !strings.HasPrefix(c2, c[:8]) {
					c += "," + c2
				}
			}
			f = append(f, `"Condition":{`+c+`}`)
		}
		return "{" + strings.Join(f, ",") + "}"
	}
	policy := func(m int, scp bool) string {
		var sts []string
		for range m {
			sts = append(sts, statement(scp))
		}
		return doc(sts...)
	}
	scpEach := n / 20
	var idDocs []string
	for left := n - 2*scpEach; left > 0; left -= 100 {
		idDocs = append(idDocs, policy(min(left, 100), false))
	}
	levels := []testLevel{
		level(tb, "root", doc(fullAccess), policy(scpEach-1, true)),
		level(tb, "ou-prod", doc(`{"Effect":"Allow","Action":["ims:*"]}`), policy(scpEach-1, true)),
	}
	return identity(tb, idDocs...), levels
}

func countStatements(identity []testPolicy, levels []testLevel) int {
	n := 0
	for _, p := range identity {
		n += len(p.Document.Statements)
	}
	for _, l := range levels {
		for _, p := range l.Policies {
			n += len(p.Document.Statements)
		}
	}
	return n
}

// BenchmarkEvaluate measures one request (ns/op is ns per request) against policy sets
// of 10 and 1,000 statements, reusing one Result as the data source does. Targets
// (issue 4): 10 statements under 1 µs with 0 allocations, 1,000 under 5 µs.
func BenchmarkEvaluate(b *testing.B) {
	sets := []struct {
		name string
		make func(testing.TB) ([]testPolicy, []testLevel)
	}{
		{"statements=10", benchSet10},
		{"statements=1000", func(tb testing.TB) ([]testPolicy, []testLevel) { return benchSetN(tb, 1000) }},
	}
	for _, s := range sets {
		identity, levels := s.make(b)
		want := strings.TrimPrefix(s.name, "statements=")
		if got := fmt.Sprint(countStatements(identity, levels)); got != want {
			b.Fatalf("%s: the set has %s statements", s.name, got)
		}
		e, err := Compile(identity, levels)
		if err != nil {
			b.Fatal(err)
		}
		reqs := benchRequests()
		b.Run(s.name, func(b *testing.B) {
			var res Result
			for i := range reqs { // grow res once
				e.Evaluate(&reqs[i], &res)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				e.Evaluate(&reqs[i], &res)
				if i++; i == len(reqs) {
					i = 0
				}
			}
		})
		// An action the catalog does not know is not indexed: every statement is a
		// candidate.
		b.Run(s.name+"/unindexed", func(b *testing.B) {
			var res Result
			req := Request{Action: "ecs:servers:list", Resource: "*", Context: reqs[0].Context}
			e.Evaluate(&req, &res)
			b.ReportAllocs()
			for b.Loop() {
				e.Evaluate(&req, &res)
			}
		})
	}
}

// TestBenchSetsAllocationFree checks the zero-allocation target request by request
// (testing.AllocsPerRun rounds an average down, which would hide one allocating request
// among nine), and that the benchmark requests reach every decision.
func TestBenchSetsAllocationFree(t *testing.T) {
	for _, n := range []int{10, 1000} {
		identity, levels := benchSet10(t)
		if n != 10 {
			identity, levels = benchSetN(t, n)
		}
		e, err := Compile(identity, levels)
		if err != nil {
			t.Fatal(err)
		}
		reqs := benchRequests()
		var res Result
		seen := map[Decision]bool{}
		for i := range reqs {
			e.Evaluate(&reqs[i], &res)
			seen[res.Decision] = true
		}
		if len(seen) != 3 {
			t.Errorf("%d statements: the benchmark requests reach only %v", n, seen)
		}
		for i := range reqs {
			req := reqs[i]
			if allocs := testing.AllocsPerRun(100, func() { e.Evaluate(&req, &res) }); allocs != 0 {
				t.Errorf("%d statements: %s allocates %v times", n, req.Action, allocs)
			}
		}
	}
}

// TestNoAllocationsOnEdgeCases checks request values and action spellings that once
// allocated on the hot path.
func TestNoAllocationsOnEdgeCases(t *testing.T) {
	cases := []struct {
		name, why, action string
		ctx               map[string][]string
	}{
		{"IP request value", "condition.Parse tries netip.ParsePrefix first, and its error escapes",
			"ims:images:get", map[string][]string{"g:SourceIp": {"10.1.2.3"}}},
		{"date-only request value", "condition.Parse tries two time layouts that fail, and their errors escape",
			"ims:images:get", map[string][]string{"g:CurrentTime": {"2026-11-25"}}},
		{"boolean request value not in lower case", "condition.Parse lower-cases booleans (strings.ToLower copies \"True\")",
			"ims:images:get", map[string][]string{"ims:Encrypted": {"True"}}},
		{"referenced name with capitals", "namesOf takes the slow path (catalog.LookupAction lower-cases the name) for known names that are not table actions",
			"obs:object:GetObject", nil},
		{"unknown action with capitals", "the same slow path",
			"ecs:Servers:List", nil},
		{"table action in another spelling", "the same slow path; the index misses too, so every statement is matched",
			"IMS:Images:Get", nil},
	}
	src := doc(`{"Effect":"Allow","Action":["*"],"Condition":{"IpAddressIfExists":{"g:SourceIp":["10.0.0.0/8"]},"DateLessThanIfExists":{"g:CurrentTime":"2027-01-01"},"BoolIfExists":{"ims:Encrypted":"true"}}}`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Compile(identity(t, src), nil)
			if err != nil {
				t.Fatal(err)
			}
			req := Request{Action: c.action, Resource: "*", Context: NewContext(c.ctx)}
			var res Result
			e.Evaluate(&req, &res)
			if !res.Allowed() {
				t.Fatalf("decision %s", res.Decision)
			}
			if allocs := testing.AllocsPerRun(100, func() { e.Evaluate(&req, &res) }); allocs != 0 {
				t.Fatalf("%v allocations per request (once: %s)", allocs, c.why)
			}
		})
	}
}

// BenchmarkCompile measures compiling the 1,000-statement set (once per data source read).
func BenchmarkCompile(b *testing.B) {
	identity, levels := benchSetN(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(identity, levels); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimulate measures the full report of a request, context values read from
// strings and the request checked included, against the 10-statement set. Target
// (issue 8): at most 1 µs and 4 allocations.
func BenchmarkSimulate(b *testing.B) {
	set, findings := NewPolicySet(benchSources10())
	if len(findings) > 0 {
		b.Fatal(findings)
	}
	reqs := benchSimulationRequests()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rep := set.Simulate(&reqs[i])
		if len(rep.Problems) > 0 {
			b.Fatal(rep.Problems)
		}
		if i++; i == len(reqs) {
			i = 0
		}
	}
}

// benchSimulationRequests are benchRequests as a user writes them: a few context keys each.
func benchSimulationRequests() []SimulationRequest {
	ctx := []ContextEntry{
		{Key: "ims:Region", Values: []string{"cn-east-3"}}, {Key: "ims:Encrypted", Values: []string{"true"}},
		{Key: "g:MFAPresent", Values: []string{"true"}}, {Key: "g:SourceIp", Values: []string{"10.1.2.3"}},
	}
	var out []SimulationRequest
	for _, r := range benchRequests() {
		out = append(out, SimulationRequest{Action: r.Action, Resource: r.Resource, Context: ctx})
	}
	return out
}

// largestDocument is an identity policy as large as the service accepts (up to
// policy.MaxIdentityChars characters), every statement with a condition: about 50
// statements over the IMS actions, with image URNs and global condition keys, which the
// checker finds nothing wrong with (findings cost time: a realistic document has few).
func largestDocument(tb testing.TB) (text []byte, statements int) {
	actions := slices.DeleteFunc(catalog.Actions(), func(a catalog.Action) bool { return a.Name == "ims:images:share" }) // deprecated
	conds := []string{
		`"StringEquals":{"g:PrincipalOrgPath":["o-1/r-1","o-1/r-2"]}`,
		`"Bool":{"g:MFAPresent":"true"}`,
		`"IpAddress":{"g:SourceIp":"10.0.0.0/8"}`,
		`"StringEquals":{"g:ResourceTag/team":"team%d"}`,
		`"StringNotEqualsIfExists":{"g:EnterpriseProjectId":"0"}`,
		`"DateLessThan":{"g:CurrentTime":"2027-01-01T00:00:00Z"}`,
	}
	var sts []string
	for i := 0; ; i++ {
		c := conds[i%len(conds)]
		if strings.Contains(c, "%d") {
			c = fmt.Sprintf(c, i)
		}
		s := fmt.Sprintf(`{"Effect":"Allow","Action":[%q],"Resource":["ims:*:0a1b2c:image:%08x-*"],"Condition":{%s}}`, actions[i%len(actions)].Name, i, c)
		if len(actions[i%len(actions)].ResourceTypes) == 0 {
			s = fmt.Sprintf(`{"Effect":"Allow","Action":[%q],"Condition":{%s}}`, actions[i%len(actions)].Name, c)
		}
		if i == 0 {
			s = `{"Sid":"v000",` + s[1:] // a Sid the benchmark varies (BenchmarkLargestDocument)
		}
		next := doc(append(sts, s)...)
		if policy.Chars([]byte(next)) > policy.MaxIdentityChars {
			break
		}
		sts = append(sts, s)
	}
	text = []byte(doc(sts...))
	if n := policy.Chars(text); n < policy.MaxIdentityChars-200 {
		tb.Fatalf("the document has %d characters: not the largest", n)
	}
	return text, len(sts)
}

// BenchmarkLargestDocument: the largest document the service accepts (6,144 characters,
// about 50 statements with conditions) read, checked and compiled once, as a provider
// call or a command input is (the target: under 0.5 ms together). Its first Sid varies
// over more texts than policy.CheckText's cache holds, so that every one is read.
func BenchmarkLargestDocument(b *testing.B) {
	text, n := largestDocument(b)
	if fs := policy.CheckText(text, policy.Identity).Findings(); len(fs) > 0 {
		b.Fatalf("the document draws findings: %v", fs[:min(len(fs), 3)])
	}
	texts := make([][]byte, 1000) // 6 MB: more than the cache's 1 MiB
	for i := range texts {
		texts[i] = bytes.Replace(text, []byte(`"v000"`), fmt.Appendf(nil, `"v%03d"`, i+1), 1) // not v000, read above
	}
	parsed, _ := policy.Counts()
	b.ReportAllocs()
	start := policytest.ProcessCPU(b)
	i := 0
	for b.Loop() {
		c := policy.CheckText(texts[i%len(texts)], policy.Identity)
		i++
		if _, errs := NewPolicySet(Sources{Identity: []*policy.Checked{c}}); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(float64((policytest.ProcessCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	if p, _ := policy.Counts(); p-parsed != int64(b.N) {
		b.Fatalf("%d texts parsed in %d iterations: the benchmark measured the cache", p-parsed, b.N)
	}
	b.ReportMetric(float64(n), "statements")
	b.ReportMetric(float64(policy.Chars(text)), "chars")
}

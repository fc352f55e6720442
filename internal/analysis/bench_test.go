package analysis

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// The shapes of the issue. (a) realistic: two sets of 50 identity policy statements (a
// reference and a candidate that changes five statements; each set as several policies
// within the vendor's size limit), actions from the catalog,
// resources from 10 URN patterns, conditions on 3 keys drawing from 5 values each;
// (b) the same under two SCP levels; (c) hard: 50 statements whose conditions use
// distinct literals on 3 keys.

var benchKeys = []string{"ims:Region", "g:ResourceTag/team", "g:SourceVpce"}

func benchURNPatterns() []string {
	var out []string
	for i := range 10 {
		region := []string{"cn-north-4", "cn-east-3", "*"}[i%3]
		out = append(out, fmt.Sprintf("ims:%s:0a1b2c:image:team%d-*", region, i))
	}
	return out
}

// benchStatement writes one statement; values(k) picks a condition value for key k.
func benchStatement(r *rand.Rand, allKeys bool, values func(key int) string) string {
	actions := catalog.Actions()
	urns := benchURNPatterns()
	effect := "Allow"
	if r.IntN(10) == 0 {
		effect = "Deny"
	}
	// A statement that names image URNs lists only actions with resource-level
	// permissions, as the checker requires.
	withResource := r.IntN(4) != 0
	var acts []string
	for len(acts) < 1+r.IntN(3) {
		if a := actions[r.IntN(len(actions))]; !withResource || a.SupportsResources() {
			acts = append(acts, a.Name)
		}
	}
	f := []string{fmt.Sprintf(`"Sid":"S%d"`, r.IntN(1e6)), `"Effect":"` + effect + `"`, `"Action":["` + strings.Join(acts, `","`) + `"]`}
	if withResource {
		f = append(f, `"Resource":["`+urns[r.IntN(len(urns))]+`"]`)
	}
	switch {
	case allKeys:
		var cs []string
		for k, key := range benchKeys {
			op := []string{"StringEquals", "StringNotEquals", "StringEqualsIfExists"}[r.IntN(3)]
			cs = append(cs, fmt.Sprintf(`%q:{%q:[%q]}`, op, key, values(k)))
		}
		f = append(f, `"Condition":{`+strings.Join(mergeOps(cs), ",")+`}`)
	case r.IntN(2) == 0:
		k := r.IntN(len(benchKeys))
		op := []string{"StringEquals", "StringNotEquals", "StringEqualsIfExists"}[r.IntN(3)]
		f = append(f, fmt.Sprintf(`"Condition":{%q:{%q:[%q]}}`, op, benchKeys[k], values(k)))
	}
	return "{" + strings.Join(f, ",") + "}"
}

func benchPair(b testing.TB, allKeys bool, values func(r *rand.Rand, key, statement int) string) (config, config) {
	r := rand.New(rand.NewPCG(50, 50))
	var ref []string
	for i := range 50 {
		ref = append(ref, benchStatement(r, allKeys, func(k int) string { return values(r, k, i) }))
	}
	cand := append([]string(nil), ref...)
	for i := range 5 {
		cand[r.IntN(len(cand))] = benchStatement(r, allKeys, func(k int) string { return values(r, k, 50+i) })
	}
	return identity(documents(b, cand)...), identity(documents(b, ref)...)
}

// documents packs statements, in order, into as few identity policies as the vendor's
// limit of 6,144 characters a document allows: a team's 50 statements are several
// policies, and the identity layer is their union.
func documents(b testing.TB, statements []string) []*policy.Document {
	const limit = 6144 - len(`{"Version":"5.0","Statement":[]}`)
	var docs []*policy.Document
	for start := 0; start < len(statements); {
		end, size := start, 0
		for end < len(statements) && size+len(statements[end])+1 <= limit {
			size += len(statements[end]) + 1 // and its comma
			end++
		}
		if end == start {
			b.Fatalf("statement %d alone is over the limit: %s", start, statements[start])
		}
		docs = append(docs, doc(b, statements[start:end]...))
		start = end
	}
	return docs
}

func fiveValues(r *rand.Rand, key, _ int) string {
	return fmt.Sprintf("%s-v%d", strings.ToLower(strings.Split(benchKeys[key], ":")[1]), r.IntN(5))
}

func distinctValues(_ *rand.Rand, key, statement int) string {
	return fmt.Sprintf("k%d-literal-%d", key, statement)
}

func withSCPs(b testing.TB, c config) config {
	c.Levels = []docLevel{
		{Name: "root", Policies: []docPolicy{
			{Name: "scp[root][0]", Document: doc(b, `{"Effect":"Allow","Action":"*"}`)},
			{Name: "scp[root][1]", Document: doc(b,
				`{"Effect":"Deny","Action":["ims:images:export","ims:images:share"],"Condition":{"StringNotEquals":{"g:PrincipalOrgPath":["o-1/r-1/ou-prod/acct-1","o-1/r-1/ou-prod/acct-2"]}}}`,
				`{"Effect":"Deny","Action":"*","Condition":{"StringNotEqualsIfExists":{"ims:Region":["cn-north-4","cn-east-3"]}}}`)},
		}},
		{Name: "ou-prod", Policies: []docPolicy{
			{Name: "scp[ou-prod][0]", Document: doc(b, `{"Effect":"Allow","Action":["ims:*","obs:*"]}`,
				`{"Effect":"Deny","Action":"ims:images:deleteImage","Resource":"ims:*:0a1b2c:image:team0-*"}`)},
		}},
	}
	return c
}

func benchNoNewAccess(b *testing.B, cand, ref config) {
	b.ReportAllocs()
	var r NoNewAccessResult
	start := policytest.ProcessCPU(b)
	for b.Loop() {
		var err error
		if r, err = NoNewAccess(mustSet(cand), mustSet(ref), Budget{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((policytest.ProcessCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	if r.Status != Complete {
		b.Logf("unknown: %s", r.Reason)
		b.ReportMetric(0, "complete")
		return
	}
	b.ReportMetric(1, "complete")
	b.ReportMetric(float64(len(r.NewAccess)), "new_access")
}

func benchEffective(b *testing.B, c config) {
	b.ReportAllocs()
	var r EffectivePermissionsResult
	start := policytest.ProcessCPU(b)
	for b.Loop() {
		var err error
		if r, err = EffectivePermissions(mustSet(c), Budget{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((policytest.ProcessCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	if r.Status != Complete {
		b.Logf("unknown: %s", r.Reason)
		b.ReportMetric(0, "complete")
		return
	}
	b.ReportMetric(1, "complete")
}

func BenchmarkAnalysis(b *testing.B) {
	b.Run("realistic/no_new_access", func(b *testing.B) {
		cand, ref := benchPair(b, false, fiveValues)
		benchNoNewAccess(b, cand, ref)
	})
	b.Run("realistic/effective_permissions", func(b *testing.B) {
		cand, _ := benchPair(b, false, fiveValues)
		benchEffective(b, cand)
	})
	b.Run("realistic_multivalued/no_new_access", func(b *testing.B) {
		defer func(k []string) { benchKeys = k }(benchKeys)
		benchKeys = []string{"ims:Region", "ims:VolumeId", "g:SourceVpce"}
		cand, ref := benchPair(b, false, fiveValues)
		benchNoNewAccess(b, cand, ref)
	})
	b.Run("realistic_scp/no_new_access", func(b *testing.B) {
		cand, ref := benchPair(b, false, fiveValues)
		benchNoNewAccess(b, withSCPs(b, cand), withSCPs(b, ref))
	})
	b.Run("realistic_scp/effective_permissions", func(b *testing.B) {
		cand, _ := benchPair(b, false, fiveValues)
		benchEffective(b, withSCPs(b, cand))
	})
	for _, all := range []bool{false, true} {
		name := "distinct_literals"
		if all {
			name += "_every_statement_3_keys"
		}
		b.Run(name+"/no_new_access", func(b *testing.B) {
			cand, ref := benchPair(b, all, distinctValues)
			benchNoNewAccess(b, cand, ref)
		})
		b.Run(name+"/effective_permissions", func(b *testing.B) {
			cand, _ := benchPair(b, all, distinctValues)
			benchEffective(b, cand)
		})
	}
}

// mergeOps joins conditions that share an operator into one operator object.
func mergeOps(cs []string) []string {
	var ops []string
	keys := map[string][]string{}
	for _, c := range cs {
		op, rest, _ := strings.Cut(c, ":{")
		if _, ok := keys[op]; !ok {
			ops = append(ops, op)
		}
		keys[op] = append(keys[op], strings.TrimSuffix(rest, "}"))
	}
	var out []string
	for _, op := range ops {
		out = append(out, op+":{"+strings.Join(keys[op], ",")+"}")
	}
	return out
}

// adversarialKeys are single-valued global string keys, so that a statement on any action
// may test any of them and each key's values are one region per literal.
var adversarialKeys = []string{"g:PrincipalUrn", "g:PrincipalAccount", "g:SourceVpce", "g:EnterpriseProjectId", "g:UserId", "g:UserName"}

// adversarialStatements are the statements of issue 16 point 9's shape: each allows
// ims:images:get under one condition with a literal no other statement uses, the keys
// taken in turn, as many as fit in an identity document of 6,144 characters (the vendor's
// limit). The product of every key's representatives is then 2.5 million requests (each
// of six keys absent, present with no values, with one of its literals or another value:
// 12^4 * 11^2 for 52 statements), beyond the default budget.
func adversarialStatements() []string {
	var sts []string
	for i := 0; ; i++ {
		s := fmt.Sprintf(`{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"StringEquals":{%q:["literal-value-%02d"]}}}`,
			adversarialKeys[i%len(adversarialKeys)], i)
		if len(adversarialDocument(append(sts, s))) > adversarialLimit {
			return sts
		}
		sts = append(sts, s)
	}
}

const adversarialLimit = 6144

func adversarialDocument(sts []string) string {
	return `{"Version":"5.0","Statement":[` + strings.Join(sts, ",") + `]}`
}

// AdversarialPair is the pair as documents of exactly 6,144 characters each (a
// Sid pads the first statement): the reference, and a candidate that drops the
// reference's last statement. The candidate grants nothing new, so no witness ends the
// search early: proving it takes the whole product.
func AdversarialPair(tb testing.TB) (candidate, reference string) {
	tb.Helper()
	sts := adversarialStatements()
	pad := func(sts []string) string {
		src := adversarialDocument(sts)
		src = strings.Replace(src, `{"Effect"`, `{"Sid":"`+strings.Repeat("x", adversarialLimit-len(src)-len(`"Sid":"",`))+`","Effect"`, 1)
		_, findings := policy.CheckJSON([]byte(src), policy.Identity)
		if len(src) != adversarialLimit || len(findings) > 0 {
			tb.Fatalf("the adversarial document (%d characters) does not pass the checker: %v", len(src), findings)
		}
		return src
	}
	return pad(sts[:len(sts)-1]), pad(sts)
}

func adversarialPair(tb testing.TB) (config, config) {
	var cs [2]config
	c, r := AdversarialPair(tb)
	for i, src := range []string{c, r} {
		d, err := policy.Parse([]byte(src))
		if err != nil {
			tb.Fatal(err)
		}
		cs[i] = identity(d)
	}
	return cs[0], cs[1]
}

// BenchmarkBudget calibrates DefaultBudget (universe.go): adversarial runs the issue's
// question by the enumeration of the product of every key's states (the search by parts
// turned off) until the default budget is spent. requests/cpu-s, the representative
// requests decided per second of the process's CPU, is the rate the default is set from;
// cpu-ns/op is what a question costs at the default (the target: about a second). CPU
// time, unlike ns/op, does not count what other processes of a busy machine take.
// adversarial_decided is the same question as the analysis answers it (parts.go): it must
// be decided within the default budget, and requests/op is the work it counts.
func BenchmarkBudget(b *testing.B) {
	b.Run("adversarial", func(b *testing.B) {
		cand, ref := adversarialPair(b)
		b.ReportAllocs()
		var r NoNewAccessResult
		budget := DefaultBudget
		budget.product = true
		start := policytest.ProcessCPU(b)
		for b.Loop() {
			var err error
			if r, err = NoNewAccess(mustSet(cand), mustSet(ref), budget); err != nil {
				b.Fatal(err)
			}
		}
		cpu := policytest.ProcessCPU(b) - start
		if r.Status != Unknown {
			b.Fatalf("the adversarial question was decided within the default budget (%+v): it calibrates nothing", r)
		}
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(r.Spent)*float64(b.N)/cpu.Seconds(), "requests/cpu-s")
	})
	b.Run("adversarial_decided", func(b *testing.B) {
		cand, ref := adversarialPair(b)
		b.ReportAllocs()
		var r NoNewAccessResult
		start := policytest.ProcessCPU(b)
		for b.Loop() {
			var err error
			if r, err = NoNewAccess(mustSet(cand), mustSet(ref), DefaultBudget); err != nil {
				b.Fatal(err)
			}
		}
		cpu := policytest.ProcessCPU(b) - start
		if r.Status != Complete || !r.Holds {
			b.Fatalf("the adversarial question was not decided within the default budget: %+v", r)
		}
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(r.Spent), "requests/op")
	})
}

// coupledStatements are 24 statements that each allow ims:images:get when two of the six
// adversarial keys have literals of their own, the keys chained (0 and 1, 1 and 2, ...,
// 5 and 0), so that every key is tested together with the others: the keys are one part,
// and the search by parts has nothing to split. The product of the keys' states is
// 11^6 requests, beyond the default budget.
func coupledStatements() []string {
	var sts []string
	for i := range 24 {
		k := i % len(adversarialKeys)
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"StringEquals":{%q:["l-%02d"],%q:["m-%02d"]}}}`,
			adversarialKeys[k], i, adversarialKeys[(k+1)%len(adversarialKeys)], i))
	}
	return sts
}

package evaluator

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// fuzzSeeds are realistic policies: the policy package's examples and a few that exercise
// aliases, NotAction, NotResource and every kind of condition.
func fuzzSeeds(tb testing.TB) [][]byte {
	files, err := filepath.Glob("../policy/testdata/policies/*.json")
	if err != nil {
		tb.Fatal(err)
	}
	var seeds [][]byte
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, src)
	}
	for _, s := range []string{
		doc(allowAll),
		doc(`{"Effect":"Allow","Action":["ims:images:update"],"Resource":["ims:*:acct:image:*"]}`, `{"Effect":"Deny","Action":"ims:images:share"}`),
		doc(`{"Sid":"NotDelete","Effect":"Allow","NotAction":["ims:images:delete*","ims:images:upd?te"],"NotResource":"ims:cn-north-4:acct:image:golden-*"}`),
		doc(`{"Effect":"Deny","Action":"*","Condition":{"NotIpAddress":{"g:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"Bool":{"g:MFAPresent":"false"}}}`),
		doc(`{"Effect":"Allow","Action":"ims:images:copy*","Condition":{"StringEqualsIfExists":{"ims:Region":["cn-north-4"]},"ForAllValues:StringMatch":{"ims:VolumeId":["vol-*"]},"NumberLessThanEquals":{"g:ResourceTag/size":"100"}}}`),
		doc(`{"Effect":"Allow","Action":"ims:*","Condition":{"DateGreaterThan":{"g:CurrentTime":"2026-01-01T00:00:00Z"},"Null":{"g:SourceVpce":"true"},"ForAnyValue:StringNotEqualsIgnoreCase":{"g:TagKeys":["Owner"]}}}`),
		doc(`{"Effect":"Allow","Action":[]}`, `{"Effect":"Allow","NotAction":[],"Resource":[]}`),
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzEvaluate evaluates a request for an action on a resource, with one context value
// given to every condition key of the policy (as is, split at commas, or not at all),
// against the policy used as an identity policy and as an SCP. Evaluate must not panic,
// must agree with the naive evaluator of the differential test, and its Result must be
// consistent with itself.
func FuzzEvaluate(f *testing.F) {
	requests := [][3]string{
		{"ims:images:get", imageA, "cn-north-4"},
		{"ims:images:setTags", "ims:cn-north-4:acct:image:golden-1", "true"},
		{"IMS:Images:CopyCrossRegion", "*", "10.1.2.3"},
		{"ims:images:addMember", imageB, "vol-1,vol-2"},
		{"obs:object:GetObject", "obs:cn-north-4:acct:bucket:b", "2026-11-25T10:00:00Z"},
		{"ims:images:update", imageA, "99"},
		{"im\u017f:images:addMember", imageA, "::ffff:10.1.2.3"},
		{"ims:images:\u017fhare", imageB, "NaN"},
		{"ims:images:get", imageA, "0x10,1e1, 10 ,fe80::1%eth0,10.0.0.0/8"},
	}
	for i, s := range fuzzSeeds(f) {
		r := requests[i%len(requests)]
		f.Add(s, r[0], r[1], r[2])
	}
	full := testPolicy{Name: "full", Document: mustParse(f, doc(fullAccess))}
	f.Fuzz(func(t *testing.T, src []byte, action, resource, value string) {
		if len(src) > 1<<14 || len(action) > 256 || len(resource) > 256 || len(value) > 256 {
			return // the naive wildcard matcher is quadratic
		}
		d, err := policy.Parse(src)
		if err != nil {
			return
		}
		checkErr := naiveCheck(d)
		if errors.Is(checkErr, errIllFormed) {
			return
		}
		p := testPolicy{Name: "p", Document: d}
		configs := []struct {
			identity []testPolicy
			levels   []testLevel
		}{
			{[]testPolicy{p}, nil},
			{[]testPolicy{full}, []testLevel{{Name: "root", Policies: []testPolicy{p}}}},
			{[]testPolicy{p, full}, []testLevel{{Name: "root", Policies: []testPolicy{full}}, {Name: "ou", Policies: []testPolicy{p}}, {Name: "acct"}}},
		}
		var keys []string
		for _, s := range d.Statements {
			if s.Condition != nil {
				for _, op := range s.Condition.Ops {
					for _, k := range op.Keys {
						keys = append(keys, k.Name)
					}
				}
			}
		}
		contexts := []map[string][]string{nil, {}, {}, {}}
		for _, k := range keys {
			contexts[1][k] = []string{value}
			contexts[2][k] = strings.Split(value, ",")
			contexts[3][k] = []string{} // present, and empty
		}
		var res Result
		for _, cfg := range configs {
			e, err := Compile(cfg.identity, cfg.levels)
			if (err != nil) != (checkErr != nil) {
				t.Fatalf("Compile: %v; the naive check: %v", err, checkErr)
			}
			if err != nil {
				continue
			}
			for _, ctx := range contexts {
				if diff := compareOne(e, cfg.identity, cfg.levels, action, resource, ctx, &res); diff != "" {
					t.Fatalf("the evaluator and the naive evaluator differ on %q on %q, context %q, policy\n%s\n  %s", action, resource, ctx, src, diff)
				}
				checkResult(t, e, &res, action, resource, ctx, len(cfg.levels))
			}
		}
	})
}

// checkResult checks what a Result must say whatever the policies: the decision follows
// from the matched statements, missing keys are missing, a fresh Result gets the same
// answer, and the action's case does not matter.
func checkResult(t *testing.T, e *PolicySet, res *Result, action, resource string, ctx map[string][]string, levels int) {
	t.Helper()
	layers := map[Layer][2]int{} // layer -> allows, denies
	var firstDeny *Layer
	for _, m := range res.Matched {
		n := layers[m.Layer]
		if m.Deny {
			n[1]++
			if firstDeny == nil {
				firstDeny = &m.Layer
			}
		} else {
			n[0]++
		}
		layers[m.Layer] = n
	}
	switch res.Decision {
	case ExplicitDeny:
		if firstDeny == nil || res.DecidedBy != *firstDeny {
			t.Fatalf("explicit_deny by %q, but the first denying statement is in %q: %+v", res.DecidedBy, firstDeny, res.Matched)
		}
	case Allow:
		allowing := 0
		for _, n := range layers {
			if n[0] > 0 {
				allowing++
			}
		}
		if firstDeny != nil || res.DecidedBy != IdentityLayer || allowing != levels+1 {
			t.Fatalf("allow by %q with %d SCP levels, matched %+v", res.DecidedBy, levels, res.Matched)
		}
	case ImplicitDeny:
		if firstDeny != nil || layers[res.DecidedBy] != [2]int{} {
			t.Fatalf("implicit_deny by %q, matched %+v", res.DecidedBy, res.Matched)
		}
	default:
		t.Fatalf("decision %d", res.Decision)
	}
	c := NewContext(ctx)
	for i, k := range res.MissingKeys {
		if c.has(k) {
			t.Fatalf("missing key %q is in the context", k)
		}
		if slices.ContainsFunc(res.MissingKeys[:i], func(o string) bool { return naiveSameName(o, k) }) {
			t.Fatalf("missing key %q twice: %q", k, res.MissingKeys)
		}
	}
	_ = res.Explain(action, resource)

	var fresh Result
	e.Evaluate(&Request{Action: action, Resource: resource, Context: c}, &fresh)
	if !sameResult(&fresh, res) {
		t.Fatalf("a fresh Result differs from a reused one:\n%+v\n%+v", fresh, *res)
	}
	// Names ignore ASCII case: upper-casing the ASCII letters changes nothing, whatever
	// else the name holds.
	b := []byte(action)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	upperName := string(b)
	var upper Result
	e.Evaluate(&Request{Action: upperName, Resource: resource, Context: c}, &upper)
	if upper.Decision != res.Decision || !slices.Equal(upper.Matched, res.Matched) {
		t.Fatalf("%q: %s %+v, but %q: %s %+v", action, res.Decision, res.Matched, upperName, upper.Decision, upper.Matched)
	}
}

func sameResult(a, b *Result) bool {
	return a.Decision == b.Decision && a.DecidedBy == b.DecidedBy && slices.Equal(a.Matched, b.Matched) &&
		slices.Equal(a.MissingKeys, b.MissingKeys)
}

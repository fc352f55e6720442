package apicall

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// The union of both tables, as the reference notes §2.2 count it: 44 v3 rows (row 5 in
// two cases), 29 v5 APIs, 28 in both, 16 in v3 only and 1 in v5 only.
func TestCallsUnion(t *testing.T) {
	var both, v3only, v5only []string
	rows := map[int]bool{}
	for _, c := range Calls() {
		if c.V3Row != 0 {
			rows[c.V3Row] = true
		}
		switch c.KnownTo() {
		case "v3 and v5":
			both = append(both, c.Name())
		case "v3 only":
			v3only = append(v3only, c.Method+" "+c.Path)
		case "v5 only":
			v5only = append(v5only, c.Method+" "+c.Path)
		}
	}
	if len(rows) != 44 {
		t.Errorf("%d v3 rows, want 44", len(rows))
	}
	if len(both) != 29 { // 28 APIs, quick import in its two cases
		t.Errorf("%d calls in both tables, want 29: %v", len(both), both)
	}
	wantV3Only := []string{"GET /v2/images", "GET /", "GET /v1.1/images/detail", "HEAD /v1/images/{image_id}",
		"DELETE /v1.1/images/{image_id}", "PUT /v2/images/{image_id}/tags/{tag}", "DELETE /v2/images/{image_id}/tags/{tag}",
		"POST /v2/{project_id}/images/{image_id}/tags", "DELETE /v2/{project_id}/images/{image_id}/tags/{key}",
		"GET /v2/schemas/image", "GET /v2/schemas/images", "GET /v2/schemas/member", "GET /v2/schemas/members",
		"GET /v2/images/{image_id}/members/{member_id}", "GET /v2/images/{image_id}/members", "DELETE /v2/images/{image_id}/members/{member_id}"}
	sort.Strings(wantV3Only)
	sort.Strings(v3only)
	if !slices.Equal(v3only, wantV3Only) {
		t.Errorf("v3 only:\n got %v\nwant %v", v3only, wantV3Only)
	}
	if !slices.Equal(v5only, []string{"GET /v1/cloudimages/job/{job_id}"}) {
		t.Errorf("v5 only: %v", v5only)
	}
	ops := map[string]bool{}
	for _, op := range catalog.Operations() {
		ops[op.Method+" "+op.PathTemplate] = true
	}
	if len(ops) != 29 {
		t.Errorf("%d v5 APIs, want 29", len(ops))
	}
}

// v3Rows is what each row of the v3 table requires, read from the reference notes' §1.2
// by hand (the actions and IMS dependencies of both sites, "only for" items left out, row
// 5 in its two cases), independently of V3Permission.
var v3Rows = map[string]string{
	"1": "ims:images:list", "2": "ims:images:list", "3": "ims:images:update",
	"4": "ims:serverImages:create", "5 system disk": "ims:serverImages:create", "5 data disk": "ims:dataImages:create",
	"6": "ims:dataImages:create", "7": "ims:wholeImages:create", "8": "ims:images:get ims:images:update ims:images:upload",
	"9": "ims:images:export", "10": "ims:images:list", "11": "ims:images:get", "12": "ims:images:update",
	"13": "ims:images:delete", "14": "ims:images:create", "15": "ims:images:get ims:images:update ims:images:upload",
	"16": "", "17": "ims:images:list", "18": "ims:images:get", "19": "ims:images:delete",
	"20": "ims:images:get ims:images:update", "21": "ims:images:get ims:images:update", "22": "ims:images:get ims:images:update",
	"23": "ims:images:list", "24": "ims:images:list", "25": "ims:images:update", "26": "ims:images:update",
	"27": "ims:images:update", "28": "ims:images:list", "29": "ims:images:list",
	"30": "", "31": "", "32": "", "33": "",
	"34": "ims:images:get ims:images:share", "35": "ims:images:get ims:images:share", "36": "ims:images:get ims:images:share",
	"37": "ims:images:get ims:images:share", "38": "ims:images:get ims:images:share",
	"39": "ims:images:share", "40": "ims:images:share", "41": "ims:images:share",
	"42": "ims:images:copy ims:serverImages:create", "43": "ims:images:copy", "44": "ims:quotas:get",
}

func rowKey(c Call) string {
	k := fmt.Sprint(c.V3Row)
	if c.Variant != "" {
		k += " " + c.Variant
	}
	return k
}

func required(p *catalog.APIPermission) []string {
	var out []string
	for _, a := range p.Actions {
		if a.Required() {
			out = append(out, a.Action)
		}
	}
	out = append(out, p.Dependencies...)
	sort.Strings(out)
	return slices.Compact(out)
}

func v3Set(t *testing.T, statements ...evaluator.V3Statement) *Set {
	t.Helper()
	s, err := NewV3([]evaluator.V3Policy{{Statements: statements}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func allow(actions ...string) evaluator.V3Statement {
	return evaluator.V3Statement{Effect: "Allow", Action: actions}
}

func deny(actions ...string) evaluator.V3Statement {
	return evaluator.V3Statement{Effect: "Deny", Action: actions}
}

func resourceOf(c Call) string {
	if c.Image {
		return "ims:cn-north-4:0a1b:image:9f1c"
	}
	return "*"
}

// Every row of the v3 table: the policy allowing exactly what it requires allows it; one
// missing, or denied, denies it.
func TestV3Rows(t *testing.T) {
	seen := 0
	for _, c := range Calls() {
		if c.V3 == nil {
			continue
		}
		seen++
		want, ok := v3Rows[rowKey(c)]
		if !ok {
			t.Errorf("row %s has no expectation", rowKey(c))
			continue
		}
		got := strings.Join(required(c.V3), " ")
		if got != want {
			t.Errorf("row %s %s requires %q, want %q", rowKey(c), c.Name(), got, want)
			continue
		}
		need := strings.Fields(want)
		req := Request{Call: c, Resource: resourceOf(c)}
		if d := v3Set(t, allow(need...)).Decide(req); d.Result.Decision != evaluator.Allow {
			t.Errorf("row %s: allowing %v: %s", rowKey(c), need, d.Result.Decision)
		}
		for i, n := range need {
			rest := slices.Delete(slices.Clone(need), i, i+1)
			if d := v3Set(t, allow(rest...)).Decide(req); d.Result.Decision != evaluator.ImplicitDeny {
				t.Errorf("row %s: without %s: %s, want implicit_deny", rowKey(c), n, d.Result.Decision)
			}
			if d := v3Set(t, allow(need...), deny(n)).Decide(req); d.Result.Decision != evaluator.ExplicitDeny || !slices.Contains(d.Denied(), n+" (explicit_deny)") {
				t.Errorf("row %s: denying %s: %s %v", rowKey(c), n, d.Result.Decision, d.Denied())
			}
		}
	}
	if seen != 45 {
		t.Errorf("%d v3 calls, want 45", seen)
	}
}

// Each of the 13 v3 actions, alone: the calls it fully allows are exactly those whose row
// requires it alone (or nothing), by the notes' table.
func TestV3ActionsAlone(t *testing.T) {
	alone := map[string][]string{
		"ims:images:list":         {"1", "2", "10", "17", "23", "24", "28", "29"},
		"ims:images:get":          {"11", "18"},
		"ims:images:create":       {"14"},
		"ims:images:update":       {"3", "12", "25", "26", "27"},
		"ims:images:delete":       {"13", "19"},
		"ims:images:upload":       nil,
		"ims:images:export":       {"9"},
		"ims:images:share":        {"39", "40", "41"},
		"ims:images:copy":         {"43"},
		"ims:serverImages:create": {"4", "5 system disk"},
		"ims:dataImages:create":   {"5 data disk", "6"},
		"ims:wholeImages:create":  {"7"},
		"ims:quotas:get":          {"44"},
	}
	free := []string{"16", "30", "31", "32", "33"} // rows that need no action
	if len(alone) != len(catalog.V3Actions()) {
		t.Fatalf("%d expectations for %d actions", len(alone), len(catalog.V3Actions()))
	}
	for _, a := range catalog.V3Actions() {
		want := append(slices.Clone(alone[a.Name]), free...)
		perms, status, reason, err := Effective(v3Set(t, allow(a.Name)), analysis.Budget{})
		if err != nil || status != analysis.Complete {
			t.Fatalf("%s: %v %s %s", a.Name, err, status, reason)
		}
		var got []string
		for _, p := range perms {
			switch p.Grant {
			case analysis.GrantFull:
				got = append(got, rowKey(p.Call))
			case analysis.GrantPartial:
				t.Errorf("%s: %s partially allowed", a.Name, p.Call.Name())
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s allows rows %v, want %v", a.Name, got, want)
		}
	}
}

// The v3 case and wildcard rules (notes §3.2): the service as written and in lower case,
// the rest ignoring case, `*` within a segment; `?` and other shapes refused.
func TestV3Match(t *testing.T) {
	cases := []struct {
		pattern string
		want    string // space-separated; "error" for a refusal
	}{
		{"ims:images:list", "ims:images:list"},
		{"ims:IMAGES:LIST", "ims:images:list"},
		{"IMS:images:list", ""},
		{"ims:*:get", "ims:images:get ims:quotas:get"},
		{"ims:*:get*", "ims:images:get ims:quotas:get"},
		{"ims:*:create", "ims:images:create ims:serverImages:create ims:dataImages:create ims:wholeImages:create"},
		{"ims:images:*", "ims:images:list ims:images:get ims:images:create ims:images:update ims:images:delete ims:images:upload ims:images:export ims:images:share ims:images:copy"},
		{"obs:object:*", ""},
		{"ims:images:?ist", "error"},
		{"ims:images", "error"},
		{"ims:*", "error"},
	}
	for _, c := range cases {
		got, err := evaluator.V3Match(c.pattern)
		s := strings.Join(got, " ")
		if err != nil {
			s = "error"
		}
		if s != c.want {
			t.Errorf("V3Match(%q) = %q (%v), want %q", c.pattern, s, err, c.want)
		}
	}
	all, _ := evaluator.V3Match("ims:*:*")
	if len(all) != 13 {
		t.Errorf("ims:*:* matches %d v3 actions, want 13", len(all))
	}
}

// v3 conditions: the operators of both documented sets, read as the evaluator reads them.
func TestV3Conditions(t *testing.T) {
	c, _ := Lookup("GET", "/v1/cloudimages/quota", "")
	cond := func(op, key string, values ...string) *Set {
		return v3Set(t, evaluator.V3Statement{Effect: "Allow", Action: []string{"ims:quotas:get"},
			Condition: []evaluator.V3Condition{{Operator: op, Key: key, Values: values}}})
	}
	cases := []struct {
		set  *Set
		ctx  map[string][]string
		want evaluator.Decision
	}{
		{cond("StringLike", "g:UserName", "dmin"), map[string][]string{"g:UserName": {"admin1"}}, evaluator.Allow},
		{cond("StringLike", "g:UserName", "dmin"), map[string][]string{"g:UserName": {"root"}}, evaluator.ImplicitDeny},
		{cond("StringNotLike", "g:UserName", "dmin"), map[string][]string{"g:UserName": {"root"}}, evaluator.Allow},
		{cond("StringEqualsAnyOf", "g:UserName", "a", "b"), map[string][]string{"g:UserName": {"b"}}, evaluator.Allow},
		{cond("StringStartWith", "g:ProjectName", "cn-north"), map[string][]string{"g:ProjectName": {"cn-north-4"}}, evaluator.Allow},
		{cond("StringEndWithIfExists", "g:UserName", "-ops"), nil, evaluator.Allow},
		{cond("StringEndWithIfExists", "g:UserName", "-ops"), map[string][]string{"g:UserName": {"bob"}}, evaluator.ImplicitDeny},
		{cond("IsNull", "g:MFAAge"), nil, evaluator.Allow},
		{cond("IsNotNull", "g:MFAAge"), nil, evaluator.ImplicitDeny},
		{cond("Bool", "g:MFAPresent", "true"), map[string][]string{"g:MFAPresent": {"true"}}, evaluator.Allow},
		{cond("NumberLessThan", "g:MFAAge", "3600"), map[string][]string{"g:MFAAge": {"60"}}, evaluator.Allow},
	}
	for i, tc := range cases {
		if d := tc.set.Decide(Request{Call: c, Resource: "*", Context: tc.ctx}); d.Result.Decision != tc.want {
			t.Errorf("case %d: %s, want %s", i, d.Result.Decision, tc.want)
		}
	}
	for _, op := range []string{"IsNullOrEmpty", "StringFooBar", "StringLike:*x"} {
		_, err := NewV3([]evaluator.V3Policy{{Statements: []evaluator.V3Statement{{Effect: "Allow", Action: []string{"ims:quotas:get"},
			Condition: []evaluator.V3Condition{{Operator: strings.Split(op, ":")[0], Key: "g:UserName", Values: []string{"*x"}}}}}}})
		if err == nil {
			t.Errorf("%s: accepted", op)
		}
	}
}

// A v3 set and a v5 set that allow the same calls are equivalent; one more action in v5 is
// a difference with a witness that replays.
func TestCompareV3V5(t *testing.T) {
	v3 := v3Set(t, allow("ims:images:get", "ims:images:list"))
	v5doc := func(text string) *Set {
		s, errs := NewV5([]*policy.Checked{policy.CheckText([]byte(text), policy.Identity)})
		if errs != nil {
			t.Fatal(errs)
		}
		return s
	}
	eq := v5doc(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get","ims:images:list","ims:images:listImageTags"]}]}`)
	cmp, err := Compare(v3, eq, analysis.Budget{})
	if err != nil || cmp.Verdict != Equivalent {
		t.Fatalf("%v %s %v", err, cmp.Verdict, cmp.Differences)
	}
	if len(cmp.Unmatched) != 17 {
		t.Errorf("%d unmatched calls, want 17", len(cmp.Unmatched))
	}
	more := v5doc(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get","ims:images:list","ims:images:listImageTags"]},
		{"Effect":"Allow","Action":["ims:images:deleteImage"],"Resource":["ims:*:*:image:tmp-*"]}]}`)
	cmp, err = Compare(v3, more, analysis.Budget{})
	if err != nil || cmp.Verdict != Different || len(cmp.Differences) != 1 {
		t.Fatalf("%v %s %v", err, cmp.Verdict, cmp.Differences)
	}
	d := cmp.Differences[0]
	if d.Call.Name() != "DELETE /v2/images/{image_id}" || d.Old != evaluator.ImplicitDeny || d.New != evaluator.Allow || !strings.Contains(d.Resource, ":image:tmp-") {
		t.Errorf("difference %+v", d)
	}
	if got := more.Policies.Simulate(&evaluator.SimulationRequest{API: &evaluator.APIRequest{Method: "DELETE", Path: "/v2/images/x"}, Resource: d.Resource}); got.Decision != evaluator.Allow {
		t.Errorf("the witness does not replay through the simulator: %s", got.Decision)
	}
}

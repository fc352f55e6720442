package evaluator

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/lookalike"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

func mustParse(t testing.TB, src string) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	return d
}

// doc builds a policy document from statements written as JSON objects.
func doc(statements ...string) string {
	return `{"Version":"5.0","Statement":[` + strings.Join(statements, ",") + `]}`
}

func identity(t testing.TB, docs ...string) []testPolicy {
	var ps []testPolicy
	for i, d := range docs {
		ps = append(ps, testPolicy{Name: fmt.Sprintf("identity[%d]", i), Document: mustParse(t, d)})
	}
	return ps
}

func level(t testing.TB, name string, docs ...string) testLevel {
	lv := testLevel{Name: name}
	for i, d := range docs {
		lv.Policies = append(lv.Policies, testPolicy{Name: fmt.Sprintf("scp[%s][%d]", name, i), Document: mustParse(t, d)})
	}
	return lv
}

func evaluate(t testing.TB, e *PolicySet, action, resource string, ctx map[string][]string) Result {
	t.Helper()
	var r Result
	e.Evaluate(&Request{Action: action, Resource: resource, Context: NewContext(ctx)}, &r)
	return r
}

const (
	allowAll     = `{"Effect":"Allow","Action":["*"],"Resource":["*"]}`
	fullAccess   = `{"Effect":"Allow","Action":["*"],"Resource":["*"]}`
	imageA       = "ims:cn-north-4:acct:image:a"
	imageB       = "ims:cn-north-4:acct:image:b"
	allowGetAnyR = `{"Effect":"Allow","Action":["ims:images:get"]}`
)

func TestIdentityDecisions(t *testing.T) {
	cases := []struct {
		name       string
		statements []string
		action     string
		resource   string
		want       Decision
	}{
		{"no statement: implicit deny", []string{`{"Effect":"Allow","Action":["ims:images:list"]}`}, "ims:images:get", "*", ImplicitDeny},
		{"allow", []string{allowGetAnyR}, "ims:images:get", imageA, Allow},
		{"explicit deny wins over allow", []string{allowAll, `{"Effect":"Deny","Action":["ims:images:get"]}`}, "ims:images:get", imageA, ExplicitDeny},
		{"action case-insensitive", []string{`{"Effect":"Allow","Action":["IMS:Images:GET"]}`}, "ims:images:get", "*", Allow},
		{"request action case-insensitive", []string{`{"Effect":"Allow","Action":["ims:images:get"]}`}, "IMS:IMAGES:GET", "*", Allow},
		{"star wildcard", []string{`{"Effect":"Allow","Action":["ims:images:get*"]}`}, "ims:images:getTags", "*", Allow},
		{"question mark matches exactly one", []string{`{"Effect":"Allow","Action":["ims:images:ge?"]}`}, "ims:images:getJob", "*", ImplicitDeny},
		{"NotAction matches what it does not list", []string{`{"Effect":"Allow","NotAction":["ims:images:deleteImage"]}`}, "ims:images:get", "*", Allow},
		{"NotAction excludes what it lists", []string{`{"Effect":"Allow","NotAction":["ims:images:deleteImage"]}`}, "ims:images:deleteImage", "*", ImplicitDeny},
		{"NotAction excludes through an alias", []string{`{"Effect":"Allow","NotAction":["ims:images:update"]}`}, "ims:images:setTags", "*", ImplicitDeny},
		{"other services' actions", []string{`{"Effect":"Allow","Action":["obs:object:*"]}`}, "obs:object:GetObject", "*", Allow},
		{"unknown actions match by pattern", []string{`{"Effect":"Allow","Action":["ecs:*:list"]}`}, "ecs:servers:list", "*", Allow},
		{"resource pattern", []string{`{"Effect":"Allow","Action":["ims:images:get"],"Resource":["ims:*:acct:image:a"]}`}, "ims:images:get", imageA, Allow},
		{"resource pattern excludes others", []string{`{"Effect":"Allow","Action":["ims:images:get"],"Resource":["ims:*:acct:image:a"]}`}, "ims:images:get", imageB, ImplicitDeny},
		{"NotResource", []string{`{"Effect":"Allow","Action":["ims:images:get"],"NotResource":["ims:*:acct:image:a"]}`}, "ims:images:get", imageB, Allow},
		{"NotResource excludes what it lists", []string{`{"Effect":"Allow","Action":["ims:images:get"],"NotResource":["ims:*:acct:image:a"]}`}, "ims:images:get", imageA, ImplicitDeny},
		{"missing Resource matches everything", []string{allowGetAnyR}, "ims:images:get", imageB, Allow},
		{"request resource * is literal: a URN pattern does not match it", []string{`{"Effect":"Allow","Action":["ims:images:list"],"Resource":["ims:*:*:image:*"]}`}, "ims:images:list", "*", ImplicitDeny},
		{"request resource * matches Resource *", []string{`{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}`}, "ims:images:list", "*", Allow},
		{"alias grants", []string{`{"Effect":"Allow","Action":["ims:images:update"]}`}, "ims:images:setTags", imageA, Allow},
		{"alias grants deleteImage too", []string{`{"Effect":"Allow","Action":["ims:images:update"]}`}, "ims:images:deleteImage", imageA, Allow},
		{"alias denies", []string{allowAll, `{"Effect":"Deny","Action":["ims:images:share"]}`}, "ims:images:addMember", imageA, ExplicitDeny},
		{"alias pattern grants", []string{`{"Effect":"Allow","Action":["ims:images:cop?"]}`}, "ims:images:copyCrossRegion", imageA, Allow},
		{"table action does not grant its alias", []string{`{"Effect":"Allow","Action":["ims:images:setTags"]}`}, "ims:images:update", imageA, ImplicitDeny},
		{"list is an action and an alias", []string{`{"Effect":"Allow","Action":["ims:images:list"]}`}, "ims:images:getJob", "*", Allow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Compile(identity(t, doc(c.statements...)), nil)
			if err != nil {
				t.Fatal(err)
			}
			r := evaluate(t, e, c.action, c.resource, nil)
			if r.Decision != c.want {
				t.Fatalf("decision %s, want %s (matched %+v)", r.Decision, c.want, r.Matched)
			}
			if r.DecidedBy != IdentityLayer {
				t.Errorf("decided_by %q, want identity", r.DecidedBy)
			}
		})
	}
}

func TestSCPLevels(t *testing.T) {
	allowGet := doc(`{"Effect":"Allow","Action":["ims:images:*"]}`)
	cases := []struct {
		name      string
		levels    []testLevel
		action    string
		want      Decision
		decidedBy string
	}{
		{"no SCP levels: identity alone", nil, "ims:images:get", Allow, "identity"},
		{"every level allows", []testLevel{level(t, "root", doc(fullAccess)), level(t, "ou-prod", doc(fullAccess))}, "ims:images:get", Allow, "identity"},
		{"one allowing SCP per level is enough", []testLevel{level(t, "root", doc(`{"Effect":"Allow","Action":["ecs:*"]}`), doc(fullAccess))}, "ims:images:get", Allow, "identity"},
		{"a level without an allowing SCP denies implicitly", []testLevel{level(t, "root", doc(fullAccess)), level(t, "ou-prod", doc(`{"Effect":"Allow","Action":["ecs:*"]}`))}, "ims:images:get", ImplicitDeny, "scp:ou-prod"},
		{"an SCP deny denies explicitly", []testLevel{level(t, "root", doc(fullAccess, `{"Effect":"Deny","Action":["ims:images:get"]}`)), level(t, "ou", doc(fullAccess))}, "ims:images:get", ExplicitDeny, "scp:root"},
		{"an explicit SCP deny outranks an earlier implicit one", []testLevel{level(t, "root", doc(`{"Effect":"Allow","Action":["ecs:*"]}`)), level(t, "acct", doc(fullAccess, `{"Effect":"Deny","Action":["ims:*"]}`))}, "ims:images:get", ExplicitDeny, "scp:acct"},
		{"SCPs grant nothing", []testLevel{level(t, "root", doc(fullAccess))}, "ims:quotas:get", ImplicitDeny, "identity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Compile(identity(t, allowGet), c.levels)
			if err != nil {
				t.Fatal(err)
			}
			r := evaluate(t, e, c.action, imageA, nil)
			if r.Decision != c.want || r.DecidedBy.String() != c.decidedBy {
				t.Fatalf("got %s by %q, want %s by %q", r.Decision, r.DecidedBy, c.want, c.decidedBy)
			}
		})
	}
}

func TestIdentityExplicitDenyDecidesFirst(t *testing.T) {
	e, err := Compile(
		identity(t, doc(allowAll), doc(`{"Sid":"NoDelete","Effect":"Deny","Action":["ims:images:deleteImage"]}`)),
		[]testLevel{level(t, "root", doc(fullAccess, `{"Effect":"Deny","Action":["ims:images:deleteImage"]}`))},
	)
	if err != nil {
		t.Fatal(err)
	}
	r := evaluate(t, e, "ims:images:deleteImage", imageA, nil)
	if r.Decision != ExplicitDeny || r.DecidedBy != IdentityLayer {
		t.Fatalf("got %s by %s", r.Decision, r.DecidedBy)
	}
	want := []Match{
		{Layer: IdentityLayer, Policy: "identity[0]", Statement: 0},
		{Layer: IdentityLayer, Policy: "identity[1]", Statement: 0, Sid: "NoDelete", Deny: true},
		{Layer: Layer{SCP: true, Name: "root"}, Policy: "scp[root][0]", Statement: 0},
		{Layer: Layer{SCP: true, Name: "root"}, Policy: "scp[root][0]", Statement: 1, Deny: true},
	}
	if !slices.Equal(r.Matched, want) {
		t.Fatalf("matched %+v\nwant %+v", r.Matched, want)
	}
	if got := r.Explain("ims:images:deleteImage", imageA); !strings.Contains(got, `identity[1] statement 0 (Sid "NoDelete")`) {
		t.Errorf("explanation %q does not name the denying statement", got)
	}
}

func TestConditions(t *testing.T) {
	cases := []struct {
		name      string
		condition string
		ctx       map[string][]string
		want      bool
	}{
		{"StringEquals", `{"StringEquals":{"ims:Region":"cn-north-4"}}`, map[string][]string{"ims:Region": {"cn-north-4"}}, true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"ims:Region":"cn-north-4"}}`, map[string][]string{"ims:Region": {"CN-NORTH-4"}}, false},
		{"keys ignore case", `{"StringEquals":{"IMS:region":"cn-north-4"}}`, map[string][]string{"ims:Region": {"cn-north-4"}}, true},
		{"IgnoreCase", `{"StringEqualsIgnoreCase":{"ims:Region":"cn-north-4"}}`, map[string][]string{"ims:Region": {"CN-NORTH-4"}}, true},
		{"several values OR", `{"StringEquals":{"ims:Region":["cn-north-1","cn-north-4"]}}`, map[string][]string{"ims:Region": {"cn-north-4"}}, true},
		{"several keys AND", `{"StringEquals":{"ims:Region":"cn-north-4","ims:VaultId":"v1"}}`, map[string][]string{"ims:Region": {"cn-north-4"}, "ims:VaultId": {"v2"}}, false},
		{"several operators AND", `{"StringEquals":{"ims:Region":"cn-north-4"},"Bool":{"ims:Encrypted":"true"}}`, map[string][]string{"ims:Region": {"cn-north-4"}, "ims:Encrypted": {"true"}}, true},
		{"absent key: positive operator false", `{"StringEquals":{"ims:Region":"cn-north-4"}}`, nil, false},
		{"absent key: negated operator true", `{"StringNotEquals":{"ims:Region":"cn-north-4"}}`, nil, true},
		{"absent key: IfExists true", `{"StringEqualsIfExists":{"ims:Region":"cn-north-4"}}`, nil, true},
		{"present key: IfExists applies the operator", `{"StringEqualsIfExists":{"ims:Region":"cn-north-4"}}`, map[string][]string{"ims:Region": {"cn-east-3"}}, false},
		{"StringNotEquals", `{"StringNotEquals":{"ims:Region":["cn-north-4","cn-east-3"]}}`, map[string][]string{"ims:Region": {"cn-south-1"}}, true},
		{"StringNotEquals false on a listed value", `{"StringNotEquals":{"ims:Region":["cn-north-4","cn-east-3"]}}`, map[string][]string{"ims:Region": {"cn-east-3"}}, false},
		{"StringMatch", `{"StringMatch":{"g:PrincipalOrgPath":"o-1/r-1/ou-prod/*"}}`, map[string][]string{"g:PrincipalOrgPath": {"o-1/r-1/ou-prod/acct"}}, true},
		{"StringNotMatch", `{"StringNotMatch":{"g:PrincipalOrgPath":"o-1/r-1/ou-prod/*"}}`, map[string][]string{"g:PrincipalOrgPath": {"o-1/r-1/ou-dev/acct"}}, true},
		{"StringStartWith", `{"StringStartWith":{"g:PrincipalOrgPath":"o-1/"}}`, map[string][]string{"g:PrincipalOrgPath": {"o-1/r-1"}}, true},
		{"Null true: key absent", `{"Null":{"g:SourceVpce":"true"}}`, nil, true},
		{"Null true: key present", `{"Null":{"g:SourceVpce":"true"}}`, map[string][]string{"g:SourceVpce": {"vpce-1"}}, false},
		{"Null false: key present", `{"Null":{"g:SourceVpce":"false"}}`, map[string][]string{"g:SourceVpce": {"vpce-1"}}, true},
		{"Bool", `{"Bool":{"ims:Encrypted":"true"}}`, map[string][]string{"ims:Encrypted": {"true"}}, true},
		{"Bool false", `{"Bool":{"ims:Encrypted":"true"}}`, map[string][]string{"ims:Encrypted": {"false"}}, false},
		{"Bool with a value that is not a boolean never matches", `{"Bool":{"ims:Encrypted":"yes"}}`, map[string][]string{"ims:Encrypted": {"yes"}}, false},
		{"NumberLessThan", `{"NumberLessThan":{"ecs:DiskSize":"10"}}`, map[string][]string{"ecs:DiskSize": {"9"}}, true},
		{"NumberLessThan on a request value that is not a number", `{"NumberLessThan":{"ecs:DiskSize":"10"}}`, map[string][]string{"ecs:DiskSize": {"nine"}}, false},
		{"a number is a plain decimal: no NaN", `{"NumberNotEquals":{"ecs:DiskSize":"10"}}`, map[string][]string{"ecs:DiskSize": {"NaN"}}, false},
		{"a number is a plain decimal: no hex", `{"NumberEquals":{"ecs:DiskSize":"16"}}`, map[string][]string{"ecs:DiskSize": {"0x10"}}, false},
		{"a catalog key is read as its type only: a string tag is no number", `{"NumberLessThan":{"g:ResourceTag/size":"10"}}`, map[string][]string{"g:ResourceTag/size": {"9"}}, false},
		{"a catalog key is read as its type only: a date is no string", `{"StringStartWith":{"g:CurrentTime":"2026"}}`, map[string][]string{"g:CurrentTime": {"2026-11-25T10:00:00Z"}}, false},
		{"a key the catalog does not know is read as each operator's type", `{"StringEquals":{"ecs:DiskSize":"10"},"NumberEquals":{"ecs:DiskSize":"10.0"}}`, map[string][]string{"ecs:DiskSize": {"10"}}, true},
		{"IpAddress: an IPv4-mapped address is IPv4", `{"IpAddress":{"g:SourceIp":"10.0.0.0/8"}}`, map[string][]string{"g:SourceIp": {"::ffff:10.1.2.3"}}, true},
		{"NotIpAddress: an IPv4-mapped address is IPv4", `{"NotIpAddress":{"g:SourceIp":"10.0.0.0/8"}}`, map[string][]string{"g:SourceIp": {"::ffff:10.1.2.3"}}, false},
		{"IpAddress: a request CIDR is no address", `{"IpAddress":{"g:SourceIp":"10.0.0.0/8"}}`, map[string][]string{"g:SourceIp": {"10.1.0.0/16"}}, false},
		{"IpAddress: a zoned address is no address", `{"IpAddress":{"g:SourceIp":"fe80::/10"}}`, map[string][]string{"g:SourceIp": {"fe80::1%eth0"}}, false},
		{"DateLessThan", `{"DateLessThan":{"g:CurrentTime":"2027-01-01T00:00:00Z"}}`, map[string][]string{"g:CurrentTime": {"2026-11-25T10:00:00Z"}}, true},
		{"DateGreaterThan", `{"DateGreaterThan":{"g:CurrentTime":"2027-01-01T00:00:00Z"}}`, map[string][]string{"g:CurrentTime": {"2026-11-25T10:00:00Z"}}, false},
		{"IpAddress", `{"IpAddress":{"g:SourceIp":"192.0.2.0/24"}}`, map[string][]string{"g:SourceIp": {"192.0.2.7"}}, true},
		{"NotIpAddress", `{"NotIpAddress":{"g:SourceIp":"192.0.2.0/24"}}`, map[string][]string{"g:SourceIp": {"192.0.2.7"}}, false},
		{"ForAnyValue: one request value matches", `{"ForAnyValue:StringEquals":{"ims:VolumeId":["v1"]}}`, map[string][]string{"ims:VolumeId": {"v9", "v1"}}, true},
		{"ForAnyValue: none matches", `{"ForAnyValue:StringEquals":{"ims:VolumeId":["v1"]}}`, map[string][]string{"ims:VolumeId": {"v8", "v9"}}, false},
		{"ForAllValues: every value matches", `{"ForAllValues:StringEquals":{"ims:VolumeId":["v1","v2"]}}`, map[string][]string{"ims:VolumeId": {"v1", "v2"}}, true},
		{"ForAllValues: one value does not", `{"ForAllValues:StringEquals":{"ims:VolumeId":["v1","v2"]}}`, map[string][]string{"ims:VolumeId": {"v1", "v3"}}, false},
		{"ForAllValues absent key: true (AWS's rule; the vendor is silent)", `{"ForAllValues:StringEquals":{"ims:VolumeId":["v1"]}}`, nil, true},
		{"ForAllValues absent key, negated: true", `{"ForAllValues:StringNotEquals":{"ims:VolumeId":["v1"]}}`, nil, true},
		{"ForAllValues key given with no values: true", `{"ForAllValues:StringEquals":{"ims:VolumeId":["v1"]}}`, map[string][]string{"ims:VolumeId": {}}, true},
		{"ForAnyValue absent key: false", `{"ForAnyValue:StringEquals":{"ims:VolumeId":["v1"]}}`, nil, false},
		{"ForAnyValue absent key, negated: false", `{"ForAnyValue:StringNotEquals":{"ims:VolumeId":["v1"]}}`, nil, false},
		{"ForAnyValue absent key with IfExists: true", `{"ForAnyValue:StringEqualsIfExists":{"ims:VolumeId":["v1"]}}`, nil, true},
		{"key given with no values is present: IfExists applies the operator", `{"StringEqualsIfExists":{"ims:VolumeId":["v1"]}}`, map[string][]string{"ims:VolumeId": {}}, false},
		{"key given with no values is present: Null false holds", `{"Null":{"ims:VolumeId":"false"}}`, map[string][]string{"ims:VolumeId": {}}, true},
		{"key given with no values: a negated operator holds", `{"StringNotEquals":{"ims:VolumeId":["v1"]}}`, map[string][]string{"ims:VolumeId": {}}, true},
		{"ForAllValues absent key with IfExists", `{"ForAllValues:StringEqualsIfExists":{"ims:VolumeId":["v1"]}}`, nil, true},
		{"ForAnyValue with a negated operator", `{"ForAnyValue:StringNotEquals":{"ims:VolumeId":["v1"]}}`, map[string][]string{"ims:VolumeId": {"v1", "v2"}}, true},
		{"ForAllValues with a negated operator", `{"ForAllValues:StringNotEquals":{"ims:VolumeId":["v1"]}}`, map[string][]string{"ims:VolumeId": {"v1", "v2"}}, false},
		{"tag keys", `{"StringEquals":{"g:ResourceTag/env":"prod"}}`, map[string][]string{"g:ResourceTag/env": {"prod"}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := doc(`{"Effect":"Allow","Action":["ims:*"],"Condition":` + c.condition + `}`)
			e, err := Compile(identity(t, d), nil)
			if err != nil {
				t.Fatal(err)
			}
			r := evaluate(t, e, "ims:images:copyCrossRegion", imageA, c.ctx)
			if r.Allowed() != c.want {
				t.Fatalf("allowed = %v, want %v", r.Allowed(), c.want)
			}
		})
	}
}

func TestMissingContextKeys(t *testing.T) {
	d := doc(`{"Effect":"Allow","Action":["ims:images:copyCrossRegion"],"Condition":{"StringEquals":{"ims:Region":"cn-north-4"},"BoolIfExists":{"ims:Encrypted":"true"}}}`,
		`{"Effect":"Deny","Action":["ims:images:get"],"Condition":{"StringNotEquals":{"g:SourceVpce":"vpce-1"}}}`)
	e, err := Compile(identity(t, d), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := evaluate(t, e, "ims:images:copyCrossRegion", imageA, map[string][]string{"ims:encrypted": {"true"}})
	if r.Decision != ImplicitDeny || !slices.Equal(r.MissingKeys, []string{"ims:Region"}) {
		t.Fatalf("got %s missing %v, want implicit_deny missing [ims:Region]", r.Decision, r.MissingKeys)
	}
	if !strings.Contains(r.Explain("ims:images:copyCrossRegion", imageA), "no value for ims:Region") {
		t.Errorf("the explanation should name the missing key: %s", r.Explain("ims:images:copyCrossRegion", imageA))
	}
}

func TestEvaluateAPI(t *testing.T) {
	e, err := Compile(identity(t, doc(
		`{"Effect":"Allow","Action":["ims:images:upload","ims:images:get"]}`,
		`{"Effect":"Allow","Action":["ims:images:import","ims:dataImages:create"]}`,
	)), nil)
	if err != nil {
		t.Fatal(err)
	}
	upload, _ := catalog.LookupAPI("PUT", "/v2/images/abc/file")
	r, actions := e.evaluateAPI(upload, imageA, Context{})
	if r.Decision != ImplicitDeny {
		t.Fatalf("upload without ims:images:update: %s, want implicit_deny", r.Decision)
	}
	got := map[string]Decision{}
	for _, a := range actions {
		got[a.Action] = a.Result.Decision
	}
	want := map[string]Decision{"ims:images:upload": Allow, "ims:images:get": Allow, "ims:images:update": ImplicitDeny}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("evaluated %v, want %v", got, want)
	}

	// Quick import needs ims:images:import and both dependencies; the scenario-only
	// actions are reported but not required.
	quick, _ := catalog.LookupAPI("POST", "/v2/cloudimages/quickimport/action")
	r, actions = e.evaluateAPI(quick, "*", Context{})
	if r.Decision != ImplicitDeny {
		t.Fatalf("quick import without serverImages:create: %s", r.Decision)
	}
	var optional []string
	for _, a := range actions {
		if !a.Required {
			optional = append(optional, a.Action)
		}
	}
	if !slices.Equal(optional, []string{"ims:dataImages:create", "ims:serverImages:create"}) {
		t.Fatalf("optional actions %v", optional)
	}

	// Dependencies of other services are evaluated too.
	export, _ := catalog.LookupAPI("POST", "/v1/cloudimages/img/file")
	e, _ = Compile(identity(t, doc(`{"Effect":"Allow","Action":["ims:images:export","obs:object:GetObject"]}`)), nil)
	r, _ = e.evaluateAPI(export, imageA, Context{})
	if r.Decision != ImplicitDeny {
		t.Fatalf("export without obs:object:PutObject: %s", r.Decision)
	}
	e, _ = Compile(identity(t, doc(`{"Effect":"Allow","Action":["ims:images:export","obs:object:*"]}`)), nil)
	if r, _ = e.evaluateAPI(export, imageA, Context{}); r.Decision != Allow {
		t.Fatalf("export with obs:object:*: %s", r.Decision)
	}
}

func TestAliasSurprises(t *testing.T) {
	got := AliasSurprises([]string{"ims:images:upload", "ims:images:get", "ims:images:update"})
	want := []string{"ims:images:update is an alias: allowing it also allows ims:images:deleteImage, ims:images:setTags"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	e, err := Compile(identity(t, doc(
		`{"Effect":"Allow","Action":["ims:images:*"],"Resource":["ims:*:acct:image:*"],"Condition":{"StringEquals":{"ims:Region":["cn-north-4"]}}}`,
		`{"Effect":"Deny","Action":["ims:images:deleteImage"]}`,
	)), []testLevel{level(t, "root", doc(fullAccess))})
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Action: "ims:images:copyCrossRegion", Resource: imageA, Context: NewContext(map[string][]string{"ims:Region": {"cn-north-4"}})}
	var r Result
	e.Evaluate(req, &r) // grow r once
	if allocs := testing.AllocsPerRun(200, func() { e.Evaluate(req, &r) }); allocs != 0 {
		t.Fatalf("Evaluate allocates %v times per request", allocs)
	}
	if !r.Allowed() {
		t.Fatalf("decision %s", r.Decision)
	}
}

// TestActionNamesFoldASCIIOnly: an action name with a non-ASCII look-alike of a letter
// (imſ:images:addMember) is another name, for patterns and for the catalog alike, so it
// can neither be granted by "ims:*" nor escape a Deny of its look-alike.
func TestActionNamesFoldASCIIOnly(t *testing.T) {
	tried := 0
	for _, name := range catalog.KnownNames() {
		if !strings.HasPrefix(name, "ims:") {
			continue
		}
		e, err := Compile(identity(t, doc(`{"Effect":"Allow","Action":["ims:*"]}`, fmt.Sprintf(`{"Effect":"Deny","Action":[%q]}`, name))), nil)
		if err != nil {
			t.Fatal(err)
		}
		if r := evaluate(t, e, strings.ToUpper(name), "*", nil); r.Decision != ExplicitDeny {
			t.Errorf("%s in upper case: %s, want explicit_deny", name, r.Decision)
		}
		for _, v := range lookalike.Variants(name) {
			tried++
			// v is another name: the Deny of its look-alike never applies, and "ims:*"
			// grants it only when it really begins with "ims:".
			want := ImplicitDeny
			if strings.HasPrefix(v, "ims:") {
				want = Allow
			}
			if r := evaluate(t, e, v, "*", nil); r.Decision != want {
				t.Errorf("%q: %s (matched %+v), want %s", v, r.Decision, r.Matched, want)
			}
			ev, err := Compile(identity(t, doc(fmt.Sprintf(`{"Effect":"Allow","Action":[%q]}`, v))), nil)
			if err != nil {
				t.Fatal(err)
			}
			if r := evaluate(t, ev, name, "*", nil); r.Decision != ImplicitDeny {
				t.Errorf("Allow %q grants %s", v, name)
			}
			if s := AliasSurprises([]string{v}); len(s) > 0 {
				t.Errorf("%q is reported as an alias: %q", v, s)
			}
		}
	}
	// The case of the issue: allowed by ims:* and not denied by the alias's Deny.
	e, err := Compile(identity(t, doc(`{"Effect":"Allow","Action":["ims:*"]}`, `{"Effect":"Deny","Action":["ims:images:share"]}`)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := evaluate(t, e, "im\u017f:images:addMember", "*", nil); r.Decision != ImplicitDeny {
		t.Errorf("imſ:images:addMember: %s, want implicit_deny", r.Decision)
	}
	if tried < 50 {
		t.Fatalf("only %d variants", tried)
	}
	// Condition keys follow the same rule.
	e, err = Compile(identity(t, doc(`{"Effect":"Allow","Action":["*"],"Condition":{"StringEquals":{"g:ResourceTag/Kind":["x"]}}}`)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := evaluate(t, e, "ims:images:get", "*", map[string][]string{"G:RESOURCETAG/KIND": {"x"}}); r.Decision != Allow {
		t.Errorf("a key in another ASCII case: %s, want allow", r.Decision)
	}
	if r := evaluate(t, e, "ims:images:get", "*", map[string][]string{"g:ResourceTag/\u212aind": {"x"}}); r.Decision != ImplicitDeny || len(r.MissingKeys) != 1 {
		t.Errorf("a key spelt with the Kelvin sign: %s (missing %q), want implicit_deny with the key missing", r.Decision, r.MissingKeys)
	}
}

// TestCheckerAndEvaluatorAgreeOnAbsentKeys: for every operator with each set qualifier,
// with and without IfExists, what the checker's qualifier_on_single_valued_key says a
// condition is on an absent key is what the evaluator decides.
func TestCheckerAndEvaluatorAgreeOnAbsentKeys(t *testing.T) {
	checked := 0
	for _, name := range condition.Names() {
		if name == condition.Null {
			continue
		}
		for _, q := range []string{"ForAnyValue:", "ForAllValues:"} {
			for _, suffix := range []string{"", "IfExists"} {
				op := q + name + suffix
				src := doc(fmt.Sprintf(`{"Effect":"Allow","Action":["ims:images:copyCrossRegion"],"Condition":{%q:{"ims:Region":["cn-north-4"]}}}`, op))
				d, findings := policy.CheckJSON([]byte(src), policy.Identity)
				var said string
				for _, f := range findings {
					if f.Code == "qualifier_on_single_valued_key" {
						said = f.Message
					}
				}
				var holds bool
				switch {
				case strings.Contains(said, op+" is true whenever the key is absent"):
					holds = true
				case strings.Contains(said, op+" is false whenever the key is absent"):
				default:
					t.Fatalf("%s: the checker says %q", op, said)
				}
				e, err := Compile([]testPolicy{{Name: "p", Document: d}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if r := evaluate(t, e, "ims:images:copyCrossRegion", "*", nil); r.Allowed() != holds {
					t.Errorf("%s on an absent key: the checker says %v, the evaluator decides %s", op, holds, r.Decision)
				}
				checked++
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d operators checked", checked)
	}
}

// TestCheckValue: a request value is refused exactly when it cannot be read as its key's
// type: the catalog type for a catalog key, each operator's type for another key.
func TestCheckValue(t *testing.T) {
	e, err := Compile(identity(t, doc(`{"Effect":"Allow","Action":["*"],"Condition":{"NumberLessThan":{"ecs:DiskSize":"10"},"StringEquals":{"ecs:DiskSize":"x","ecs:Name":"n"},"Null":{"ecs:Flag":"true"}}}`)), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, value string
		refused    string // "" when accepted, else part of the error
	}{
		{"ecs:DiskSize", "9", ""},
		{"ECS:disksize", "NaN", "is compared as a numeric value (by NumberLessThan)"},
		{"ecs:DiskSize", "0x10", "plain decimal"},
		{"ecs:DiskSize", " 9", "plain decimal"},
		{"ecs:Name", "NaN", ""},  // only StringEquals reads it
		{"ecs:Flag", "NaN", ""},  // Null reads no value
		{"ecs:Other", "NaN", ""}, // no operator reads it
		{"g:SourceIp", "::ffff:10.1.2.3", ""},
		{"g:SourceIp", "10.0.0.0/8", "g:SourceIp is a ip_address key"},
		{"g:SourceIp", "fe80::1%eth0", "without a zone"},
		{"g:CurrentTime", "tomorrow", "g:CurrentTime is a date key"},
		{"ims:Encrypted", "falſe", "ims:Encrypted is a boolean key"},
		{"g:ResourceTag/size", "NaN", ""}, // a string key
	} {
		err := e.CheckValue(c.key, c.value)
		switch {
		case c.refused == "" && err != nil:
			t.Errorf("CheckValue(%s, %q): %v", c.key, c.value, err)
		case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
			t.Errorf("CheckValue(%s, %q) = %v, want an error with %q", c.key, c.value, err, c.refused)
		}
	}
}

// A statement allows exactly the table actions catalog.Grants says its pattern reaches:
// expand_actions, the checker and the analyser read that rule, and the evaluator must
// decide by the same one.
func TestEvaluatorAgreesWithCatalogGrants(t *testing.T) {
	patterns := append(catalog.KnownNames(), "ims:images:upd*", "ims:images:*e", "ims:*:get*", "IMS:IMAGES:UPDATE", "*", "ims:images:cop?")
	for _, p := range patterns {
		if !catalog.IsIMS(p) && p != "*" {
			continue
		}
		set, err := Compile(identity(t, doc(fmt.Sprintf(`{"Effect":"Allow","Action":[%q],"Resource":["*"]}`, p))), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for _, g := range catalog.Grants(p) {
			want[g.Name] = true
		}
		var res Result
		for _, a := range catalog.Actions() {
			set.Evaluate(&Request{Action: a.Name, Resource: "*"}, &res)
			if got := res.Decision == Allow; got != want[a.Name] {
				t.Errorf("Allow %q: the evaluator allows %s: %v, catalog.Grants says %v", p, a.Name, got, want[a.Name])
			}
		}
	}
}

package apicall

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

const (
	v5AllowIMS      = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:*"]}]}`
	v3AllowUpdate   = `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:update"]}]}`
	v3AllowDelete   = `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:get"]},{"Effect":"Allow","Action":["ims:images:delete"]}]}`
	v3DenyList      = `{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["ims:images:list"]}]}`
	v3AllowDataDisk = `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:dataImages:create"]}]}`
	testImage       = "ims:cn-north-4:0a1b:image:9f1c"
)

func newSim(t *testing.T, texts ...string) *Simulator {
	t.Helper()
	s, findings, err := NewSimulator(ReadIdentityTexts(texts), nil)
	if err != nil || len(findings) > 0 {
		t.Fatalf("NewSimulator: %v %v", err, findings)
	}
	return s
}

func apiReq(method, path, variant string) *evaluator.SimulationRequest {
	return &evaluator.SimulationRequest{API: &evaluator.APIRequest{Method: method, Path: path, Variant: variant}, Resource: testImage}
}

func hasMatch(rep Report, policyName string, statement int, deny bool) bool {
	return slices.ContainsFunc(rep.Matched, func(m evaluator.Match) bool {
		return m.Policy == policyName && m.Statement == statement && m.Deny == deny
	})
}

// Without a v3 document the simulator is the evaluator's, SCP levels included.
func TestSimulatorV5Only(t *testing.T) {
	scp := evaluator.SCPLevel{Name: "root", Policies: policy.CheckTexts([]string{`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"]}]}`}, policy.SCP)}
	s, findings, err := NewSimulator(ReadIdentityTexts([]string{v5AllowIMS}), []evaluator.SCPLevel{scp})
	if err != nil || len(findings) > 0 {
		t.Fatal(err, findings)
	}
	set, _ := evaluator.NewPolicySet(evaluator.Sources{Identity: policy.CheckTexts([]string{v5AllowIMS}, policy.Identity), SCPLevels: []evaluator.SCPLevel{scp}})
	for _, req := range []*evaluator.SimulationRequest{
		{Action: "ims:images:deleteImage", Resource: testImage},
		{Action: "ims:images:get", Resource: testImage},
		apiReq("DELETE", "/v2/images/9f1c", ""),
	} {
		got, want := s.Simulate(req), set.Simulate(req)
		if !reflect.DeepEqual(got.Result, want.Result) || got.Explanation() != want.Explanation() {
			t.Errorf("%+v: %+v, want %+v", req, got.Result, want.Result)
		}
	}
}

// Rule 1: an API call is decided by Principal's rules, with reasons naming the v3
// document and statement by its index in the list.
func TestSimulatorAPICall(t *testing.T) {
	cases := []struct {
		name              string
		docs              []string
		req               *evaluator.SimulationRequest
		want              evaluator.Decision
		policy            string
		statement         int
		deny              bool
		explanationSubstr string
	}{
		// Through the v5 table: a v3 Allow of update reaches deleteImage by its alias (C1).
		{"v3 update reaches deleteImage", []string{`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"]}]}`, v3AllowUpdate},
			apiReq("DELETE", "/v2/images/9f1c", ""), evaluator.Allow, "identity[1]", 0, false, "through the IAM v5 table (v5 and v3 policies together), allow by identity[1] statement 0"},
		// Through the v3 table alone, for an API only v3 lists, on a concrete path.
		{"v3-only API", []string{v5AllowIMS, v3AllowDelete}, apiReq("DELETE", "/v1.1/images/9f1c", ""), evaluator.Allow, "identity[1]", 1, false,
			"the IAM v5 table does not list this API"},
		// An explicit v3 Deny of list reaches getJob (v5 only) through its alias.
		{"v3 deny of an alias", []string{v5AllowIMS, v3DenyList}, apiReq("GET", "/v1/cloudimages/job/j-1", ""), evaluator.ExplicitDeny, "identity[1]", 0, true,
			"explicit_deny by identity[1] statement 0"},
		// The vendor's v3 Deny of delete names no v5 alias: it still denies, through the v3 table.
		{"v3 deny of delete", []string{v5AllowIMS, `{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["ims:images:delete"]}]}`},
			apiReq("DELETE", "/v2/images/9f1c", ""), evaluator.ExplicitDeny, "identity[1]", 0, true, "through the IAM v3 table (v3 policies alone), explicit_deny"},
		// Quick import, data disk: v3 requires dataImages:create.
		{"quick import data disk", []string{v3AllowDataDisk}, apiReq("POST", "/v2/cloudimages/quickimport/action", VariantDataDisk), evaluator.Allow, "identity[0]", 0, false, ""},
		{"quick import system disk", []string{v3AllowDataDisk}, apiReq("POST", "/v2/cloudimages/quickimport/action", VariantSystemDisk), evaluator.ImplicitDeny, "", 0, false, "ims:serverImages:create"},
	}
	for _, c := range cases {
		rep := newSim(t, c.docs...).Simulate(c.req)
		if len(rep.Problems) > 0 {
			t.Errorf("%s: %+v", c.name, rep.Problems)
			continue
		}
		if rep.Decision != c.want || rep.API == "" || rep.DecidedBy != evaluator.IdentityLayer {
			t.Errorf("%s: %s by %s (api %q), want %s", c.name, rep.Decision, rep.DecidedBy, rep.API, c.want)
		}
		if c.policy != "" && !hasMatch(rep, c.policy, c.statement, c.deny) {
			t.Errorf("%s: matched %+v, want %s statement %d", c.name, rep.Matched, c.policy, c.statement)
		}
		if !strings.Contains(rep.Explanation(), c.explanationSubstr) || !strings.Contains(rep.Explanation(), "inferred") {
			t.Errorf("%s: explanation %q, want it to say %q", c.name, rep.Explanation(), c.explanationSubstr)
		}
		for _, a := range rep.Actions {
			if !strings.HasPrefix(a.Note, "IAM v3 table") && !strings.HasPrefix(a.Note, "IAM v5 table") {
				t.Errorf("%s: evaluated action %+v does not say its table", c.name, a)
			}
		}
	}
}

// An API call decided by both tables keeps the v5 table's warnings: the alias surprises
// and the context keys the actions are not known to receive.
func TestSimulatorAPICallWarnings(t *testing.T) {
	rep := newSim(t, v5AllowIMS, v3AllowUpdate).Simulate(&evaluator.SimulationRequest{
		API: &evaluator.APIRequest{Method: "PUT", Path: "/v1/cloudimages/x/upload"}, Resource: testImage,
		Context: []evaluator.ContextEntry{{Key: "ims:VaultId", Values: []string{"v-1"}}},
	})
	w := strings.Join(rep.Warnings(), "\n")
	if !strings.Contains(w, "ims:images:update is an alias") || !strings.Contains(w, "ims:VaultId") {
		t.Errorf("warnings %q", w)
	}
}

// Quick import needs its variant once v3 decides; a variant is refused where there is none.
func TestSimulatorVariant(t *testing.T) {
	s := newSim(t, v3AllowDataDisk)
	for _, c := range []struct {
		req  *evaluator.SimulationRequest
		want string
	}{
		{apiReq("POST", "/v2/cloudimages/quickimport/action", ""), `set variant to "system disk" or "data disk"`},
		{apiReq("POST", "/v2/cloudimages/quickimport/action", "boot disk"), `"boot disk" is not a variant`},
		{apiReq("GET", "/v2/cloudimages", "data disk"), "has no variants"},
	} {
		rep := s.Simulate(c.req)
		if len(rep.Problems) != 1 || rep.Problems[0].Field != evaluator.APIVariantField || !strings.Contains(rep.Problems[0].Detail, c.want) {
			t.Errorf("%+v: %+v, want a variant problem saying %q", c.req.API, rep.Problems, c.want)
		}
	}
	// v5 only: a wrong variant is refused as well, a right one ignored.
	v5 := newSim(t, v5AllowIMS)
	if rep := v5.Simulate(apiReq("GET", "/v2/cloudimages", "data disk")); len(rep.Problems) != 1 || rep.Problems[0].Field != evaluator.APIVariantField {
		t.Errorf("v5 only, wrong variant: %+v", rep.Problems)
	}
	if rep := v5.Simulate(apiReq("POST", "/v2/cloudimages/quickimport/action", VariantDataDisk)); len(rep.Problems) > 0 || rep.Decision != evaluator.Allow {
		t.Errorf("v5 only, quick import: %+v %s", rep.Problems, rep.Decision)
	}
	if rep := s.Simulate(apiReq("GET", "/v9/nothing", "")); len(rep.Problems) != 1 || rep.Problems[0].Field != evaluator.APIField {
		t.Errorf("unknown API: %+v", rep.Problems)
	}
}

// Rules 2 and 3: a request by action.
func TestSimulatorAction(t *testing.T) {
	// Rule 2: a v5 action, through the combined set: v3 update counts for deleteImage.
	rep := newSim(t, v5AllowIMS, v3AllowUpdate).Simulate(&evaluator.SimulationRequest{Action: "ims:images:deleteImage", Resource: testImage})
	if rep.Decision != evaluator.Allow || !hasMatch(rep, "identity[1]", 0, false) || !hasMatch(rep, "identity[0]", 0, false) {
		t.Errorf("v5 action: %s %+v", rep.Decision, rep.Matched)
	}
	rep = newSim(t, v5AllowIMS, v3DenyList).Simulate(&evaluator.SimulationRequest{Action: "ims:images:list", Resource: "*"})
	if rep.Decision != evaluator.ExplicitDeny || !hasMatch(rep, "identity[1]", 0, true) {
		t.Errorf("v3 deny of a v5 action: %s %+v", rep.Decision, rep.Matched)
	}
	// Rule 3: a v3 action v5 does not know, by the v3 policies alone (a v5 ims:* cannot name it).
	rep = newSim(t, v5AllowIMS).Simulate(&evaluator.SimulationRequest{Action: "ims:images:delete", Resource: "*"})
	if len(rep.Problems) != 1 { // v5 only: the evaluator's unknown action
		t.Errorf("v5 only, v3 name: %+v", rep.Problems)
	}
	rep = newSim(t, v5AllowIMS, v3AllowUpdate).Simulate(&evaluator.SimulationRequest{Action: "ims:images:delete", Resource: "*"})
	if len(rep.Problems) > 0 || rep.Decision != evaluator.ImplicitDeny || !strings.Contains(rep.Explanation(), "IAM v3 policies alone") {
		t.Errorf("v3 action not allowed: %+v %s %q", rep.Problems, rep.Decision, rep.Explanation())
	}
	rep = newSim(t, v5AllowIMS, v3AllowDelete).Simulate(&evaluator.SimulationRequest{Action: "ims:Images:DELETE", Resource: "*"})
	if rep.Decision != evaluator.Allow || rep.Action != "ims:images:delete" || !hasMatch(rep, "identity[1]", 1, false) || !strings.Contains(rep.Explanation(), "identity[1] statement 1") {
		t.Errorf("v3 action allowed: %s %q %+v %q", rep.Decision, rep.Action, rep.Matched, rep.Explanation())
	}
	// Neither language's name.
	rep = newSim(t, v3AllowUpdate).Simulate(&evaluator.SimulationRequest{Action: "ims:images:destroy", Resource: "*"})
	if len(rep.Problems) != 1 || rep.Problems[0].Field != evaluator.ActionField || !strings.Contains(rep.Problems[0].Detail, "IAM v3 IMS actions") {
		t.Errorf("unknown action: %+v", rep.Problems)
	}
	// Another service's action: through the combined set, v3 statements included.
	rep = newSim(t, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["obs:object:GetObject"]}]}`).Simulate(&evaluator.SimulationRequest{Action: "obs:object:GetObject", Resource: "*"})
	if rep.Decision != evaluator.Allow || !hasMatch(rep, "identity[0]", 0, false) {
		t.Errorf("other service: %s %+v", rep.Decision, rep.Matched)
	}
}

// A v3 condition is decided on the request's context; a value that cannot be read as its
// key's type is the request's problem.
func TestSimulatorV3Context(t *testing.T) {
	s := newSim(t, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:delete"],"Condition":{"StringEquals":{"g:UserName":["alice"]}}}]}`,
		`{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["ims:*:*"],"Condition":{"DateGreaterThan":{"g:CurrentTime":["2030-01-01T00:00:00Z"]}}}]}`)
	for _, c := range []struct {
		ctx  []evaluator.ContextEntry
		want evaluator.Decision
	}{
		{[]evaluator.ContextEntry{{Key: "g:UserName", Values: []string{"alice"}}}, evaluator.Allow},
		{[]evaluator.ContextEntry{{Key: "g:UserName", Values: []string{"bob"}}}, evaluator.ImplicitDeny},
		{nil, evaluator.ImplicitDeny},
		{[]evaluator.ContextEntry{{Key: "g:UserName", Values: []string{"alice"}}, {Key: "g:CurrentTime", Values: []string{"2031-01-01T00:00:00Z"}}}, evaluator.ExplicitDeny},
	} {
		for _, req := range []*evaluator.SimulationRequest{
			{Action: "ims:images:delete", Resource: "*", Context: c.ctx},
			{API: &evaluator.APIRequest{Method: "DELETE", Path: "/v1.1/images/x"}, Resource: testImage, Context: c.ctx},
		} {
			if rep := s.Simulate(req); len(rep.Problems) > 0 || rep.Decision != c.want {
				t.Errorf("%+v %v: %s %+v, want %s", req.API, c.ctx, rep.Decision, rep.Problems, c.want)
			}
		}
	}
	rep := s.Simulate(&evaluator.SimulationRequest{Action: "ims:images:delete", Resource: "*", Context: []evaluator.ContextEntry{{Key: "g:CurrentTime", Values: []string{"tomorrow"}}}})
	if len(rep.Problems) != 1 || rep.Problems[0].Field != evaluator.ContextField {
		t.Errorf("unreadable context value: %+v", rep.Problems)
	}
}

// What NewSimulator refuses: checker errors (each on its document, v3 ones marked), a v3
// statement that cannot be decided, and SCP levels with a v3 document.
func TestSimulatorRefusals(t *testing.T) {
	_, findings, err := NewSimulator(ReadIdentityTexts([]string{v5AllowIMS, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:remove"]}]}`,
		`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:gett"]}]}`}), nil)
	if err != nil || len(findings) != 2 || findings[0].Document != 1 || !findings[0].V3 || findings[1].Document != 2 || findings[1].V3 {
		t.Errorf("checker errors: %v %+v", err, findings)
	}
	_, _, err = NewSimulator(ReadIdentityTexts([]string{v5AllowIMS, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:ge?"]}]}`}), nil)
	var v3err *evaluator.V3Error
	if !errors.As(err, &v3err) || v3err.Policy != 1 || v3err.Element != "Action[0]" {
		t.Errorf("undecidable v3 statement: %v", err)
	}
	scp := evaluator.SCPLevel{Name: "root", Policies: policy.CheckTexts([]string{`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"]}]}`}, policy.SCP)}
	if _, _, err = NewSimulator(ReadIdentityTexts([]string{v3AllowUpdate}), []evaluator.SCPLevel{scp}); !errors.Is(err, ErrSCPWithV3) {
		t.Errorf("SCPs with v3: %v", err)
	}
}

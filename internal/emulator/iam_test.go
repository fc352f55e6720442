package emulator

import (
	"fmt"
	"strings"
	"testing"
)

// step is one request of a scenario. Paths and string bodies may name variables as {name};
// capture stores values from the answer for later steps.
type step struct {
	name    string
	method  string
	path    string
	body    any
	status  int
	code    string // the expected error_code, when the answer is an error
	check   func(t *testing.T, r resp)
	capture map[string][]any // variable -> path in the answer
}

func runSteps(t *testing.T, e *testEnv, vars map[string]string, steps []step) {
	t.Helper()
	expand := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	for _, st := range steps {
		ok := t.Run(st.name, func(t *testing.T) {
			body := st.body
			switch b := body.(type) {
			case string:
				body = expand(b)
			case map[string]any:
				m := map[string]any{}
				for k, v := range b {
					if s, ok := v.(string); ok {
						v = expand(s)
					}
					m[k] = v
				}
				body = m
			}
			r := e.do(st.method, expand(st.path), body)
			if r.status != st.status {
				t.Fatalf("%s %s: status %d, want %d: %s", st.method, expand(st.path), r.status, st.status, r.raw)
			}
			if st.code != "" && r.code() != st.code {
				t.Fatalf("error_code %q, want %q: %s", r.code(), st.code, r.raw)
			}
			if r.status >= 400 {
				if str(r.body, "request_id") == "" || str(r.body, "error_msg") == "" {
					t.Fatalf("error body without request_id or error_msg: %s", r.raw)
				}
				if r.header.Get("X-Request-Id") != str(r.body, "request_id") {
					t.Fatalf("X-Request-Id %q differs from request_id in %s", r.header.Get("X-Request-Id"), r.raw)
				}
			}
			for name, path := range st.capture {
				v := str(r.body, path...)
				if v == "" {
					t.Fatalf("nothing to capture at %v in %s", path, r.raw)
				}
				vars[name] = v
			}
			if st.check != nil {
				st.check(t, r)
			}
		})
		if !ok {
			t.FailNow()
		}
	}
}

func wantField(t *testing.T, r resp, want any, path ...any) {
	t.Helper()
	if got := get(r.body, path...); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%v = %v, want %v in %s", path, got, want, r.raw)
	}
}

func create(name, doc string) map[string]any {
	return map[string]any{"policy_name": name, "policy_document": doc}
}

func TestIdentityPolicies(t *testing.T) {
	e := start(t, Config{})
	acct := e.srv.Config().AccountID
	vars := map[string]string{}
	long := strings.Repeat("a", 129)
	runSteps(t, e, vars, []step{
		{name: "create", method: "POST", path: "/v5/policies",
			body:   map[string]any{"policy_name": "ims-read", "policy_document": allowDoc, "description": "reads images"},
			status: 200, capture: map[string][]any{"pid": {"policy", "policy_id"}},
			check: func(t *testing.T, r resp) {
				wantField(t, r, "custom", "policy", "policy_type")
				wantField(t, r, "ims-read", "policy", "policy_name")
				wantField(t, r, "v1", "policy", "default_version_id")
				wantField(t, r, 0, "policy", "attachment_count")
				wantField(t, r, "", "policy", "path")
				wantField(t, r, "reads images", "policy", "description")
				wantField(t, r, "iam::"+acct+":policy:ims-read", "policy", "urn")
				if str(r.body, "policy", "created_at") == "" || str(r.body, "policy", "updated_at") == "" {
					t.Errorf("no times in %s", r.raw)
				}
			}},
		{name: "duplicate name", method: "POST", path: "/v5/policies", body: create("ims-read", allowDoc), status: 409, code: "PAP5.0017"},
		{name: "duplicate name other case", method: "POST", path: "/v5/policies", body: create("IMS-Read", allowDoc), status: 409, code: "PAP5.0017"},
		{name: "name with space", method: "POST", path: "/v5/policies", body: create("a b", allowDoc), status: 400, code: "PAP5.0014"},
		{name: "name too long", method: "POST", path: "/v5/policies", body: create(long, allowDoc), status: 400, code: "PAP5.0014"},
		{name: "name of 128", method: "POST", path: "/v5/policies", body: create(long[:128], allowDoc), status: 200},
		{name: "name missing", method: "POST", path: "/v5/policies", body: map[string]any{"policy_document": allowDoc}, status: 400, code: "PAP5.0014"},
		{name: "all name characters", method: "POST", path: "/v5/policies", body: create("aZ09_+=.@-", allowDoc), status: 200},
		{name: "path", method: "POST", path: "/v5/policies",
			body: map[string]any{"policy_name": "pathed", "policy_document": allowDoc, "path": "team/ims/"}, status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "team/ims/", "policy", "path") }},
		{name: "path slash", method: "POST", path: "/v5/policies",
			body: map[string]any{"policy_name": "slashed", "policy_document": allowDoc, "path": "/"}, status: 400, code: "PAP5.0030"},
		{name: "bad path", method: "POST", path: "/v5/policies",
			body: map[string]any{"policy_name": "badpath", "policy_document": allowDoc, "path": "team"}, status: 400, code: "PAP5.0030"},
		{name: "document not JSON", method: "POST", path: "/v5/policies", body: create("nojson", "{"), status: 400, code: "PAP5.0011"},
		{name: "document not a policy", method: "POST", path: "/v5/policies", body: create("notpolicy", `{"Statement":"x"}`), status: 400, code: "PAP5.0011"},
		{name: "document missing", method: "POST", path: "/v5/policies", body: map[string]any{"policy_name": "nodoc"}, status: 400, code: "PAP5.0011"},
		{name: "document at the limit", method: "POST", path: "/v5/policies", body: create("big", docOfSize(t, MaxPolicyDocument)), status: 200},
		{name: "document over the limit", method: "POST", path: "/v5/policies", body: create("toobig", docOfSize(t, MaxPolicyDocument+1)), status: 400, code: "PAP5.0011"},
		{name: "description too long", method: "POST", path: "/v5/policies",
			body: map[string]any{"policy_name": "longdesc", "policy_document": allowDoc, "description": strings.Repeat("d", 1001)}, status: 400, code: "PAP5.0014"},
		{name: "body not JSON", method: "POST", path: "/v5/policies", body: "policy", status: 400, code: "PAP5.0014"},
		{name: "body wrong type", method: "POST", path: "/v5/policies", body: `{"policy_name": 5}`, status: 400, code: "PAP5.0014"},

		{name: "get", method: "GET", path: "/v5/policies/{pid}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "ims-read", "policy", "policy_name") }},
		{name: "get unknown", method: "GET", path: "/v5/policies/00000000-0000-0000-0000-000000000000", status: 404, code: "PAP5.0015"},
		{name: "get malformed id", method: "GET", path: "/v5/policies/bad_id", status: 400, code: "PAP5.0014"},
		{name: "update description", method: "PUT", path: "/v5/policies/{pid}", body: map[string]any{"description": "new"}, status: 204,
			check: func(t *testing.T, r resp) {
				if len(r.raw) != 0 {
					t.Errorf("UpdatePolicyV5 answers 204 with no body; got %q", r.raw)
				}
			}},
		{name: "description updated", method: "GET", path: "/v5/policies/{pid}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "new", "policy", "description") }},
		{name: "update with new_description only", method: "PUT", path: "/v5/policies/{pid}", body: map[string]any{"new_description": "old field"}, status: 400, code: "PAP5.0014"},
		{name: "description kept", method: "GET", path: "/v5/policies/{pid}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "new", "policy", "description") }},
		{name: "update without a description", method: "PUT", path: "/v5/policies/{pid}", body: map[string]any{"path": "x"}, status: 400, code: "PAP5.0014"},
		{name: "update description too long", method: "PUT", path: "/v5/policies/{pid}", body: map[string]any{"description": strings.Repeat("d", 1001)}, status: 400, code: "PAP5.0014"},
		{name: "update unknown", method: "PUT", path: "/v5/policies/nope", body: map[string]any{"description": "x"}, status: 404, code: "PAP5.0015"},

		// Versions.
		{name: "version 2 as default", method: "POST", path: "/v5/policies/{pid}/versions",
			body: map[string]any{"policy_document": denyDoc, "set_as_default": true}, status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, "v2", "policy_version", "version_id")
				wantField(t, r, true, "policy_version", "is_default")
				wantField(t, r, denyDoc, "policy_version", "document")
			}},
		{name: "default is v2", method: "GET", path: "/v5/policies/{pid}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "v2", "policy", "default_version_id") }},
		{name: "version 3", method: "POST", path: "/v5/policies/{pid}/versions", body: map[string]any{"policy_document": allowDoc}, status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, false, "policy_version", "is_default") }},
		{name: "version 4", method: "POST", path: "/v5/policies/{pid}/versions", body: map[string]any{"policy_document": allowDoc}, status: 200},
		{name: "version 5", method: "POST", path: "/v5/policies/{pid}/versions", body: map[string]any{"policy_document": allowDoc}, status: 200},
		{name: "version 6 over the limit", method: "POST", path: "/v5/policies/{pid}/versions", body: map[string]any{"policy_document": allowDoc}, status: 409, code: "PAP5.0028"},
		{name: "version with bad document", method: "POST", path: "/v5/policies/{pid}/versions", body: map[string]any{"policy_document": "[]"}, status: 400, code: "PAP5.0011"},
		{name: "version of unknown policy", method: "POST", path: "/v5/policies/nope/versions", body: map[string]any{"policy_document": allowDoc}, status: 404, code: "PAP5.0015"},
		{name: "list versions newest first", method: "GET", path: "/v5/policies/{pid}/versions", status: 200,
			check: func(t *testing.T, r resp) {
				var ids []string
				for _, v := range list(r.body, "versions") {
					ids = append(ids, str(v, "version_id"))
				}
				if got := strings.Join(ids, ","); got != "v5,v4,v3,v2,v1" {
					t.Errorf("versions %s", got)
				}
				if get(r.body, "page_info", "next_marker") != nil {
					t.Errorf("next_marker on the only page: %s", r.raw)
				}
			}},
		{name: "list versions paged", method: "GET", path: "/v5/policies/{pid}/versions?limit=2", status: 200,
			capture: map[string][]any{"vmarker": {"page_info", "next_marker"}},
			check: func(t *testing.T, r resp) {
				wantField(t, r, "v5", "versions", 0, "version_id")
				wantField(t, r, 2, "page_info", "current_count")
			}},
		{name: "list versions page 2", method: "GET", path: "/v5/policies/{pid}/versions?limit=2&marker={vmarker}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "v3", "versions", 0, "version_id") }},
		{name: "get version", method: "GET", path: "/v5/policies/{pid}/versions/v1", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, allowDoc, "policy_version", "document")
				wantField(t, r, false, "policy_version", "is_default")
			}},
		{name: "get unknown version", method: "GET", path: "/v5/policies/{pid}/versions/v9", status: 404, code: "PAP5.0015"},
		{name: "get malformed version", method: "GET", path: "/v5/policies/{pid}/versions/x1", status: 400, code: "PAP5.0014"},
		{name: "delete default version", method: "DELETE", path: "/v5/policies/{pid}/versions/v2", status: 409, code: "PAP5.0019"},
		{name: "delete version 3", method: "DELETE", path: "/v5/policies/{pid}/versions/v3", status: 204},
		{name: "delete version 3 again", method: "DELETE", path: "/v5/policies/{pid}/versions/v3", status: 404, code: "PAP5.0015"},
		{name: "set default v1", method: "POST", path: "/v5/policies/{pid}/versions/v1/set-default", status: 200},
		{name: "default is v1", method: "GET", path: "/v5/policies/{pid}/versions/v1", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, true, "policy_version", "is_default") }},
		{name: "version numbers are not reused", method: "POST", path: "/v5/policies/{pid}/versions", body: map[string]any{"policy_document": allowDoc}, status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "v6", "policy_version", "version_id") }},

		// Attachments.
		{name: "attach user", method: "POST", path: "/v5/policies/{pid}/attach-user", body: map[string]any{"user_id": "u-1"}, status: 200},
		{name: "attach user again", method: "POST", path: "/v5/policies/{pid}/attach-user", body: map[string]any{"user_id": "u-1"}, status: 200},
		{name: "attach group", method: "POST", path: "/v5/policies/{pid}/attach-group", body: map[string]any{"group_id": "g-1"}, status: 200},
		{name: "attach agency", method: "POST", path: "/v5/policies/{pid}/attach-agency", body: map[string]any{"agency_id": "a-1"}, status: 200},
		{name: "attach with the wrong field", method: "POST", path: "/v5/policies/{pid}/attach-group", body: map[string]any{"user_id": "u-1"}, status: 400, code: "PAP5.0014"},
		{name: "attach malformed id", method: "POST", path: "/v5/policies/{pid}/attach-user", body: map[string]any{"user_id": "u 1"}, status: 400, code: "PAP5.0014"},
		{name: "attach to unknown policy", method: "POST", path: "/v5/policies/nope/attach-user", body: map[string]any{"user_id": "u-1"}, status: 404, code: "PAP5.0015"},
		{name: "attachment count", method: "GET", path: "/v5/policies/{pid}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 3, "policy", "attachment_count") }},
		{name: "attached entities", method: "GET", path: "/v5/policies/{pid}/attached-entities", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, "u-1", "policy_users", 0, "user_id")
				wantField(t, r, "g-1", "policy_groups", 0, "group_id")
				wantField(t, r, "a-1", "policy_agencies", 0, "agency_id")
				if str(r.body, "policy_users", 0, "attached_at") == "" {
					t.Errorf("no attached_at: %s", r.raw)
				}
			}},
		{name: "attached entities of a type", method: "GET", path: "/v5/policies/{pid}/attached-entities?entity_type=group", status: 200,
			check: func(t *testing.T, r resp) {
				if len(list(r.body, "policy_users")) != 0 || len(list(r.body, "policy_groups")) != 1 {
					t.Errorf("filter: %s", r.raw)
				}
			}},
		{name: "attached entities bad type", method: "GET", path: "/v5/policies/{pid}/attached-entities?entity_type=role", status: 400, code: "PAP5.0014"},
		{name: "user's policies", method: "GET", path: "/v5/users/u-1/attached-policies", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, "ims-read", "attached_policies", 0, "policy_name")
				wantField(t, r, vars["pid"], "attached_policies", 0, "policy_id")
				wantField(t, r, "iam::"+acct+":policy:ims-read", "attached_policies", 0, "urn")
			}},
		{name: "group's policies", method: "GET", path: "/v5/groups/g-1/attached-policies", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 1, "page_info", "current_count") }},
		{name: "agency's policies", method: "GET", path: "/v5/agencies/a-1/attached-policies", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 1, "page_info", "current_count") }},
		{name: "other user's policies", method: "GET", path: "/v5/users/u-2/attached-policies", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 0, "page_info", "current_count") }},
		{name: "only attached", method: "GET", path: "/v5/policies?only_attached=true", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 1, "page_info", "current_count") }},
		{name: "delete attached policy", method: "DELETE", path: "/v5/policies/{pid}", status: 409, code: "PAP5.0018"},
		{name: "detach user", method: "POST", path: "/v5/policies/{pid}/detach-user", body: map[string]any{"user_id": "u-1"}, status: 200},
		{name: "detach user again", method: "POST", path: "/v5/policies/{pid}/detach-user", body: map[string]any{"user_id": "u-1"}, status: 404, code: "PAP5.0015"},
		{name: "detach group", method: "POST", path: "/v5/policies/{pid}/detach-group", body: map[string]any{"group_id": "g-1"}, status: 200},
		{name: "detach agency", method: "POST", path: "/v5/policies/{pid}/detach-agency", body: map[string]any{"agency_id": "a-1"}, status: 200},
		{name: "delete", method: "DELETE", path: "/v5/policies/{pid}", status: 204},
		{name: "get deleted", method: "GET", path: "/v5/policies/{pid}", status: 404, code: "PAP5.0015"},
		{name: "delete again", method: "DELETE", path: "/v5/policies/{pid}", status: 404, code: "PAP5.0015"},
		{name: "name is free again", method: "POST", path: "/v5/policies", body: create("ims-read", allowDoc), status: 200},

		{name: "unknown path", method: "GET", path: "/v5/nothing", status: 404, code: "APIGW.0101"},
		{name: "unknown method", method: "PATCH", path: "/v5/policies", body: "{}", status: 404, code: "APIGW.0101"},
	})
}

func TestListPolicies(t *testing.T) {
	e := start(t, Config{})
	for i := range 5 {
		body := create(fmt.Sprintf("p%d", i), allowDoc)
		if i%2 == 1 {
			body["path"] = "odd/"
		}
		e.must(200, "POST", "/v5/policies", body)
	}
	names := func(r resp) string {
		var n []string
		for _, p := range list(r.body, "policies") {
			n = append(n, str(p, "policy_name"))
		}
		return strings.Join(n, ",")
	}
	vars := map[string]string{}
	runSteps(t, e, vars, []step{
		{name: "all, the system stand-ins first", method: "GET", path: "/v5/policies", status: 200,
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "IMSFullAccessPolicy,IMSReadOnlyPolicy,p0,p1,p2,p3,p4" {
					t.Errorf("names %s", got)
				}
				wantField(t, r, 7, "page_info", "current_count")
				if get(r.body, "page_info", "next_marker") != nil {
					t.Errorf("next_marker on the last page: %s", r.raw)
				}
			}},
		{name: "page 1", method: "GET", path: "/v5/policies?policy_type=custom&limit=2", status: 200, capture: map[string][]any{"m1": {"page_info", "next_marker"}},
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "p0,p1" {
					t.Errorf("names %s", got)
				}
			}},
		{name: "page 2", method: "GET", path: "/v5/policies?policy_type=custom&limit=2&marker={m1}", status: 200, capture: map[string][]any{"m2": {"page_info", "next_marker"}},
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "p2,p3" {
					t.Errorf("names %s", got)
				}
			}},
		{name: "page 3", method: "GET", path: "/v5/policies?policy_type=custom&limit=2&marker={m2}", status: 200,
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "p4" {
					t.Errorf("names %s", got)
				}
				if get(r.body, "page_info", "next_marker") != nil {
					t.Errorf("next_marker on the last page: %s", r.raw)
				}
			}},
		{name: "path prefix", method: "GET", path: "/v5/policies?path_prefix=odd/", status: 200,
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "p1,p3" {
					t.Errorf("names %s", got)
				}
			}},
		{name: "bad path prefix", method: "GET", path: "/v5/policies?path_prefix=odd", status: 400, code: "PAP5.0030"},
		{name: "custom", method: "GET", path: "/v5/policies?policy_type=custom", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 5, "page_info", "current_count") }},
		{name: "system", method: "GET", path: "/v5/policies?policy_type=system", status: 200,
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "IMSFullAccessPolicy,IMSReadOnlyPolicy" {
					t.Errorf("names %s", got)
				}
				wantField(t, r, "system", "policies", 0, "policy_type")
			}},
		{name: "system, paged", method: "GET", path: "/v5/policies?limit=1", status: 200, capture: map[string][]any{"s1": {"page_info", "next_marker"}},
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "IMSFullAccessPolicy" {
					t.Errorf("names %s", got)
				}
			}},
		{name: "system, page 2", method: "GET", path: "/v5/policies?limit=2&marker={s1}", status: 200,
			check: func(t *testing.T, r resp) {
				if got := names(r); got != "IMSReadOnlyPolicy,p0" {
					t.Errorf("names %s", got)
				}
			}},
		{name: "bad type", method: "GET", path: "/v5/policies?policy_type=other", status: 400, code: "PAP5.0014"},
		{name: "limit 0", method: "GET", path: "/v5/policies?limit=0", status: 400, code: "PAP5.0014"},
		{name: "limit 201", method: "GET", path: "/v5/policies?limit=201", status: 400, code: "PAP5.0014"},
		{name: "bad marker", method: "GET", path: "/v5/policies?marker=%21%21%21%21", status: 400, code: "PAP5.0010"},
		{name: "foreign marker", method: "GET", path: "/v5/policies?marker=AAAAAAAA", status: 400, code: "PAP5.0010"},
		{name: "bad only_attached", method: "GET", path: "/v5/policies?only_attached=maybe", status: 400, code: "PAP5.0014"},
	})
}

func TestAttachmentLimits(t *testing.T) {
	e := start(t, Config{})
	var ids []string
	for i := range DefaultMaxPoliciesPerPrincipal + 1 {
		ids = append(ids, createPolicy(e, fmt.Sprintf("p%d", i)))
	}
	for _, c := range []struct{ typ, code string }{
		{PrincipalUser, "PAP5.0004"}, {PrincipalGroup, "PAP5.0005"}, {PrincipalAgency, "PAP5.0003"},
	} {
		t.Run(c.typ, func(t *testing.T) {
			body := map[string]any{c.typ + "_id": "principal-" + c.typ}
			for _, id := range ids[:DefaultMaxPoliciesPerPrincipal] {
				e.must(200, "POST", "/v5/policies/"+id+"/attach-"+c.typ, body)
			}
			r := e.must(409, "POST", "/v5/policies/"+ids[DefaultMaxPoliciesPerPrincipal]+"/attach-"+c.typ, body)
			if r.code() != c.code {
				t.Fatalf("code %s, want %s", r.code(), c.code)
			}
			// Re-attaching an attached policy is not a new attachment.
			e.must(200, "POST", "/v5/policies/"+ids[0]+"/attach-"+c.typ, body)
			// Another principal has its own quota.
			e.must(200, "POST", "/v5/policies/"+ids[DefaultMaxPoliciesPerPrincipal]+"/attach-"+c.typ, map[string]any{c.typ + "_id": "other"})
		})
	}
	if n := len(e.srv.PolicyAttachments()); n != 3*(DefaultMaxPoliciesPerPrincipal+1) {
		t.Fatalf("%d attachments", n)
	}
}

func TestPolicyQuota(t *testing.T) {
	e := start(t, Config{})
	e.srv.mu.Lock()
	for i := range MaxPolicies {
		id := fmt.Sprintf("fill-%d", i)
		e.srv.st.Policies[id] = &Policy{ID: id, Name: id, Seq: e.srv.st.nextSeq()}
	}
	e.srv.mu.Unlock()
	r := e.must(409, "POST", "/v5/policies", create("one-too-many", allowDoc))
	if r.code() != "PAP5.0020" {
		t.Fatalf("code %s", r.code())
	}
}

func TestAuthorizationSchema(t *testing.T) {
	e := start(t, Config{})
	r := e.must(200, "GET", "/v5/authorization-schemas/services/ims", nil)
	actions := list(r.body, "actions")
	if len(actions) == 0 {
		t.Fatalf("no actions: %s", r.raw)
	}
	byName := map[string]any{}
	for _, a := range actions {
		byName[str(a, "name")] = a
		if str(a, "access_level") == "" {
			t.Errorf("action without access_level: %v", a)
		}
		for _, k := range []string{"resources", "condition_keys", "aliases"} {
			if _, ok := get(a, k).([]any); !ok {
				t.Errorf("action %s: %s is not a list", str(a, "name"), k)
			}
		}
	}
	// The seed's rule: an action with resource types has its keys on its resources.
	ums := byName["ims:images:updateMemberStatus"]
	if k := get(ums, "resources", 0, "condition_keys"); fmt.Sprint(k) != "[g:RequestTag/<tag-key>]" || len(list(ums, "condition_keys")) != 0 {
		t.Errorf("ims:images:updateMemberStatus: resource keys %v, action keys %v", k, get(ums, "condition_keys"))
	}
	if k := get(byName["ims:images:list"], "condition_keys"); fmt.Sprint(k) != "[g:EnterpriseProjectId]" {
		t.Errorf("ims:images:list: action keys %v", k)
	}
	ops := list(r.body, "operations")
	if len(ops) == 0 || str(ops[0], "operation_id") != "GetV2Cloudimages" || str(ops[0], "operation_action") != "ims:images:list" {
		t.Errorf("operations: %v", r.body["operations"])
	}
	g := byName["ims:images:get"]
	if g == nil || str(g, "resources", 0, "urn_template") != "ims:<region>:<account-id>:image:<image-id>" {
		t.Errorf("ims:images:get: %v", g)
	}
	if len(list(r.body, "resources")) == 0 || str(r.body, "resources", 0, "type_name") != "image" {
		t.Errorf("resources: %v", r.body["resources"])
	}
	conds := list(r.body, "conditions")
	found := false
	for _, c := range conds {
		if str(c, "key") == "ims:Encrypted" {
			found = true
			if str(c, "value_type") != "boolean" || get(c, "multi_valued") != false {
				t.Errorf("ims:Encrypted: %v", c)
			}
		}
	}
	if !found {
		t.Errorf("no ims:Encrypted in conditions")
	}
	e.must(404, "GET", "/v5/authorization-schemas/services/ecs", nil)
}

func TestDocumentChecker(t *testing.T) {
	unknownAction := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:fly"],"Resource":["*"]}]}`
	otherService := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ecs:servers:list"],"Resource":["*"]}]}`
	allowWithCondition := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"],"Condition":{"StringEquals":{"g:UserName":["a"]}}}]}`
	noVersion := `{"Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`
	e := start(t, Config{})
	cases := []struct {
		name, doc    string
		identity     int
		scp          int
		wantInDetail string
	}{
		{"unknown ims action", unknownAction, 400, 400, "unknown_action"},
		{"other service's action", otherService, 200, 201, ""},
		{"SCP Allow with a condition", allowWithCondition, 200, 400, "scp_allow_condition"},
		{"no Version", noVersion, 400, 400, "missing_version"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/v5/policies", create(fmt.Sprintf("c%d", i), c.doc))
			if r.status != c.identity || (c.identity == 400 && (r.code() != "PAP5.0011" || !strings.Contains(str(r.body, "error_msg"), c.wantInDetail))) {
				t.Errorf("identity policy: %d %s", r.status, r.raw)
			}
			r = e.do("POST", "/v1/organizations/policies", scpBody(fmt.Sprintf("c%d", i), c.doc))
			if r.status != c.scp || (c.scp == 400 && (r.code() != "Organizations.1201" || !strings.Contains(str(r.body, "error_msg"), c.wantInDetail))) {
				t.Errorf("SCP: %d %s", r.status, r.raw)
			}
		})
	}
	// A parse-only checker accepts what parses.
	lax := start(t, Config{CheckDocument: ParseOnlyCheckDocument})
	lax.must(200, "POST", "/v5/policies", create("lax", unknownAction))
	lax.must(400, "POST", "/v5/policies", create("lax2", "{"))
}

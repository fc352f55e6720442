package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func scpBody(name, content string) map[string]any {
	return map[string]any{"name": name, "content": content, "type": "service_control_policy", "description": ""}
}

func entityIDs(r resp) string {
	var ids []string
	for _, e := range list(r.body, "attached_entities") {
		ids = append(ids, str(e, "id")+"("+str(e, "type")+")")
	}
	return strings.Join(ids, ",")
}

func TestServiceControlPolicies(t *testing.T) {
	e := start(t, Config{})
	root := e.srv.Config().RootID
	acct := e.srv.Config().AccountID
	vars := map[string]string{"root": root}
	tags := make([]map[string]string, 21)
	for i := range tags {
		tags[i] = map[string]string{"key": fmt.Sprintf("k%d", i), "value": "v"}
	}
	runSteps(t, e, vars, []step{
		{name: "root before enabling", method: "GET", path: "/v1/organizations/roots", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, root, "roots", 0, "id")
				wantField(t, r, "Root", "roots", 0, "name")
				if n := len(list(r.body, "roots", 0, "policy_types")); n != 0 {
					t.Errorf("policy types before enabling: %s", r.raw)
				}
				if get(r.body, "page_info", "next_marker") != nil {
					t.Errorf("next_marker: %s", r.raw)
				}
			}},
		{name: "FullAccess is listed", method: "GET", path: "/v1/organizations/policies", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, FullAccessID, "policies", 0, "id")
				wantField(t, r, true, "policies", 0, "is_builtin")
				wantField(t, r, "service_control_policy", "policies", 0, "type")
			}},
		{name: "create", method: "POST", path: "/v1/organizations/policies",
			body: map[string]any{"name": "deny-delete", "content": scpDoc, "type": "service_control_policy",
				"description": "no deletes", "tags": []map[string]string{{"key": "team", "value": "ims"}}},
			status: 201, capture: map[string][]any{"sid": {"policy", "policy_summary", "id"}},
			check: func(t *testing.T, r resp) {
				wantField(t, r, scpDoc, "policy", "content")
				wantField(t, r, "deny-delete", "policy", "policy_summary", "name")
				wantField(t, r, "no deletes", "policy", "policy_summary", "description")
				wantField(t, r, false, "policy", "policy_summary", "is_builtin")
				wantField(t, r, "service_control_policy", "policy", "policy_summary", "type")
				if u := str(r.body, "policy", "policy_summary", "urn"); !strings.HasPrefix(u, "organizations::"+acct+":policy:") {
					t.Errorf("urn %s", u)
				}
			}},
		{name: "duplicate name", method: "POST", path: "/v1/organizations/policies", body: scpBody("Deny-Delete", scpDoc), status: 409, code: "Organizations.1204"},
		{name: "FullAccess name taken", method: "POST", path: "/v1/organizations/policies", body: scpBody("FullAccess", scpDoc), status: 409, code: "Organizations.1204"},
		{name: "wrong type", method: "POST", path: "/v1/organizations/policies",
			body: map[string]any{"name": "x", "content": scpDoc, "type": "tag_policy"}, status: 400, code: "Organizations.1200"},
		{name: "no type", method: "POST", path: "/v1/organizations/policies", body: map[string]any{"name": "x", "content": scpDoc}, status: 400, code: "Organizations.1200"},
		{name: "name of 64", method: "POST", path: "/v1/organizations/policies", body: scpBody(strings.Repeat("n", 64), scpDoc), status: 201},
		{name: "name of 65", method: "POST", path: "/v1/organizations/policies", body: scpBody(strings.Repeat("n", 65), scpDoc), status: 400, code: "Organizations.1200"},
		{name: "empty name", method: "POST", path: "/v1/organizations/policies", body: scpBody("", scpDoc), status: 400, code: "Organizations.1200"},
		{name: "description of 513", method: "POST", path: "/v1/organizations/policies",
			body: map[string]any{"name": "d", "content": scpDoc, "type": "service_control_policy", "description": strings.Repeat("d", 513)}, status: 400, code: "Organizations.1200"},
		{name: "21 tags", method: "POST", path: "/v1/organizations/policies",
			body: map[string]any{"name": "t", "content": scpDoc, "type": "service_control_policy", "tags": tags}, status: 400, code: "Organizations.1200"},
		{name: "content at the limit", method: "POST", path: "/v1/organizations/policies", body: scpBody("big", docOfSize(t, MaxSCPContent)), status: 201},
		{name: "content over the limit", method: "POST", path: "/v1/organizations/policies", body: scpBody("toobig", docOfSize(t, MaxSCPContent+1)), status: 400, code: "Organizations.1201"},
		{name: "malformed content", method: "POST", path: "/v1/organizations/policies", body: scpBody("bad", `{"Version":`), status: 400, code: "Organizations.1201"},
		{name: "no content", method: "POST", path: "/v1/organizations/policies", body: map[string]any{"name": "nc", "type": "service_control_policy"}, status: 400, code: "Organizations.1201"},

		{name: "get", method: "GET", path: "/v1/organizations/policies/{sid}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "deny-delete", "policy", "policy_summary", "name") }},
		{name: "get unknown", method: "GET", path: "/v1/organizations/policies/p-nothing", status: 404, code: "Organizations.1202"},
		{name: "get malformed id", method: "GET", path: "/v1/organizations/policies/x-1", status: 400, code: "Organizations.1200"},
		{name: "get FullAccess", method: "GET", path: "/v1/organizations/policies/" + FullAccessID, status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, FullAccessContent, "policy", "content") }},
		{name: "patch", method: "PATCH", path: "/v1/organizations/policies/{sid}",
			body: map[string]any{"name": "deny-delete-2", "description": "changed", "content": denyDoc}, status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, "deny-delete-2", "policy", "policy_summary", "name")
				wantField(t, r, "changed", "policy", "policy_summary", "description")
				wantField(t, r, denyDoc, "policy", "content")
			}},
		{name: "patch description only", method: "PATCH", path: "/v1/organizations/policies/{sid}", body: map[string]any{"description": "only"}, status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "deny-delete-2", "policy", "policy_summary", "name") }},
		{name: "patch to a taken name", method: "PATCH", path: "/v1/organizations/policies/{sid}", body: map[string]any{"name": "big"}, status: 409, code: "Organizations.1204"},
		{name: "patch bad content", method: "PATCH", path: "/v1/organizations/policies/{sid}", body: map[string]any{"content": "no"}, status: 400, code: "Organizations.1201"},
		{name: "patch FullAccess", method: "PATCH", path: "/v1/organizations/policies/" + FullAccessID, body: map[string]any{"description": "x"}, status: 400, code: "Organizations.1213"},
		{name: "delete FullAccess", method: "DELETE", path: "/v1/organizations/policies/" + FullAccessID, status: 400, code: "Organizations.1213"},

		// Attachments need SCPs enabled.
		{name: "attach before enabling", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{"entity_id": "{root}"}, status: 400, code: "Organizations.1207"},
		{name: "enable other root", method: "POST", path: "/v1/organizations/policies/enable",
			body: map[string]any{"policy_type": "service_control_policy", "root_id": "r-other"}, status: 404, code: "Organizations.1203"},
		{name: "enable other type", method: "POST", path: "/v1/organizations/policies/enable",
			body: map[string]any{"policy_type": "tag_policy", "root_id": "{root}"}, status: 400, code: "Organizations.1200"},
		{name: "enable", method: "POST", path: "/v1/organizations/policies/enable",
			body: map[string]any{"policy_type": "service_control_policy", "root_id": "{root}"}, status: 202,
			check: func(t *testing.T, r resp) {
				wantField(t, r, "enabled", "root", "policy_types", 0, "status")
				wantField(t, r, "service_control_policy", "root", "policy_types", 0, "type")
			}},
		{name: "enable again", method: "POST", path: "/v1/organizations/policies/enable",
			body: map[string]any{"policy_type": "service_control_policy", "root_id": "{root}"}, status: 409, code: "Organizations.1208"},
		{name: "root reports enabled", method: "GET", path: "/v1/organizations/roots", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "enabled", "roots", 0, "policy_types", 0, "status") }},
		{name: "FullAccess attached to the root", method: "GET", path: "/v1/organizations/policies/" + FullAccessID + "/attached-entities", status: 200,
			check: func(t *testing.T, r resp) {
				if got := entityIDs(r); got != root+"(root)" {
					t.Errorf("entities %s", got)
				}
				wantField(t, r, "Root", "attached_entities", 0, "name")
			}},
		{name: "attach to the root", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{"entity_id": "{root}"}, status: 200},
		{name: "attach again", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{"entity_id": "{root}"}, status: 409, code: "Organizations.1209"},
		{name: "attach to an account", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{"entity_id": "a1b2c3d4e5f6"}, status: 200},
		{name: "attach to an OU", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{"entity_id": "ou-abcd-12345678"}, status: 200},
		{name: "attach to a malformed id", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{"entity_id": "no such"}, status: 400, code: "Organizations.1200"},
		{name: "attach to another root", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{"entity_id": "r-other"}, status: 404, code: "Organizations.1203"},
		{name: "attach without entity", method: "POST", path: "/v1/organizations/policies/{sid}/attach", body: map[string]any{}, status: 400, code: "Organizations.1200"},
		{name: "attach unknown policy", method: "POST", path: "/v1/organizations/policies/p-nothing/attach", body: map[string]any{"entity_id": "{root}"}, status: 404, code: "Organizations.1202"},
		{name: "attached entities", method: "GET", path: "/v1/organizations/policies/{sid}/attached-entities", status: 200,
			check: func(t *testing.T, r resp) {
				if got := entityIDs(r); got != root+"(root),a1b2c3d4e5f6(account),ou-abcd-12345678(organizational_unit)" {
					t.Errorf("entities %s", got)
				}
			}},
		{name: "FullAccess is on every entity", method: "GET", path: "/v1/organizations/policies/" + FullAccessID + "/attached-entities", status: 200,
			check: func(t *testing.T, r resp) {
				if got := entityIDs(r); got != root+"(root),a1b2c3d4e5f6(account),ou-abcd-12345678(organizational_unit)" {
					t.Errorf("entities %s", got)
				}
			}},
		{name: "policies of an account", method: "GET", path: "/v1/organizations/policies?attached_entity_id=a1b2c3d4e5f6", status: 200,
			check: func(t *testing.T, r resp) {
				if n := len(list(r.body, "policies")); n != 2 {
					t.Errorf("%d policies: %s", n, r.raw)
				}
			}},
		{name: "policies of an unseen account", method: "GET", path: "/v1/organizations/policies?attached_entity_id=ffff", status: 200,
			check: func(t *testing.T, r resp) {
				if n := len(list(r.body, "policies")); n != 1 {
					t.Errorf("%d policies: %s", n, r.raw)
				}
			}},
		{name: "delete attached", method: "DELETE", path: "/v1/organizations/policies/{sid}", status: 409, code: "Organizations.1205"},
		{name: "detach from the root", method: "POST", path: "/v1/organizations/policies/{sid}/detach", body: map[string]any{"entity_id": "{root}"}, status: 200},
		{name: "detach again", method: "POST", path: "/v1/organizations/policies/{sid}/detach", body: map[string]any{"entity_id": "{root}"}, status: 404, code: "Organizations.1210"},
		{name: "detach FullAccess from the root", method: "POST", path: "/v1/organizations/policies/" + FullAccessID + "/detach", body: map[string]any{"entity_id": "{root}"}, status: 409, code: "Organizations.1212"},
		{name: "detach FullAccess from an unseen account", method: "POST", path: "/v1/organizations/policies/" + FullAccessID + "/detach", body: map[string]any{"entity_id": "eeee"}, status: 409, code: "Organizations.1212"},
		{name: "detach FullAccess from the account", method: "POST", path: "/v1/organizations/policies/" + FullAccessID + "/detach", body: map[string]any{"entity_id": "a1b2c3d4e5f6"}, status: 200},
		{name: "detach the last SCP of the account", method: "POST", path: "/v1/organizations/policies/{sid}/detach", body: map[string]any{"entity_id": "a1b2c3d4e5f6"}, status: 409, code: "Organizations.1212"},
		{name: "put FullAccess back", method: "POST", path: "/v1/organizations/policies/" + FullAccessID + "/attach", body: map[string]any{"entity_id": "a1b2c3d4e5f6"}, status: 200},
		{name: "detach from the account", method: "POST", path: "/v1/organizations/policies/{sid}/detach", body: map[string]any{"entity_id": "a1b2c3d4e5f6"}, status: 200},
		{name: "detach from the OU", method: "POST", path: "/v1/organizations/policies/{sid}/detach", body: map[string]any{"entity_id": "ou-abcd-12345678"}, status: 200},
		{name: "delete", method: "DELETE", path: "/v1/organizations/policies/{sid}", status: 204},
		{name: "get deleted", method: "GET", path: "/v1/organizations/policies/{sid}", status: 404, code: "Organizations.1202"},
		{name: "delete again", method: "DELETE", path: "/v1/organizations/policies/{sid}", status: 404, code: "Organizations.1202"},
		{name: "bad marker", method: "GET", path: "/v1/organizations/policies?marker=zzzz", status: 400, code: "Organizations.1200"},
		{name: "bad limit", method: "GET", path: "/v1/organizations/policies?limit=-1", status: 400, code: "Organizations.1200"},
		{name: "disable", method: "POST", path: "/v1/organizations/policies/disable",
			body: map[string]any{"policy_type": "service_control_policy", "root_id": "{root}"}, status: 202,
			check: func(t *testing.T, r resp) {
				if n := len(list(r.body, "root", "policy_types")); n != 0 {
					t.Errorf("policy types after disabling: %s", r.raw)
				}
			}},
		{name: "disable again", method: "POST", path: "/v1/organizations/policies/disable",
			body: map[string]any{"policy_type": "service_control_policy", "root_id": "{root}"}, status: 409, code: "Organizations.1214"},
	})
	if n := len(e.srv.SCPAttachments()); n != 0 {
		t.Fatalf("disabling left %d attachments", n)
	}
}

func TestSCPListPaging(t *testing.T) {
	e := start(t, Config{})
	for i := range 4 {
		createSCP(e, fmt.Sprintf("s%d", i))
	}
	var names []string
	marker := ""
	for pages := 0; ; pages++ {
		path := "/v1/organizations/policies?limit=2"
		if marker != "" {
			path += "&marker=" + marker
		}
		r := e.must(200, "GET", path, nil)
		for _, p := range list(r.body, "policies") {
			names = append(names, str(p, "name"))
		}
		if _, present := r.body["page_info"].(map[string]any)["next_marker"]; !present {
			t.Fatalf("next_marker absent (the vendor sends null): %s", r.raw)
		}
		marker = str(r.body, "page_info", "next_marker")
		if marker == "" {
			break
		}
		if pages > 5 {
			t.Fatal("too many pages")
		}
	}
	if got := strings.Join(names, ","); got != "FullAccess,s0,s1,s2,s3" {
		t.Fatalf("names %s", got)
	}
}

func TestSCPAttachmentQuota(t *testing.T) {
	e := start(t, Config{SCPEnabled: true})
	var ids []string
	for i := range DefaultMaxSCPsPerTarget {
		ids = append(ids, createSCP(e, fmt.Sprintf("s%d", i)))
	}
	// FullAccess and four custom SCPs fill an account.
	for _, id := range ids[:DefaultMaxSCPsPerTarget-1] {
		e.must(200, "POST", "/v1/organizations/policies/"+id+"/attach", map[string]any{"entity_id": "acct1"})
	}
	r := e.must(409, "POST", "/v1/organizations/policies/"+ids[DefaultMaxSCPsPerTarget-1]+"/attach", map[string]any{"entity_id": "acct1"})
	if r.code() != "Organizations.1211" {
		t.Fatalf("code %s", r.code())
	}
	e.must(200, "POST", "/v1/organizations/policies/"+ids[DefaultMaxSCPsPerTarget-1]+"/attach", map[string]any{"entity_id": "acct2"})

	// The quota is configurable.
	big := start(t, Config{SCPEnabled: true, MaxSCPsPerTarget: 20})
	for i := range 10 {
		id := createSCP(big, fmt.Sprintf("s%d", i))
		big.must(200, "POST", "/v1/organizations/policies/"+id+"/attach", map[string]any{"entity_id": DefaultRootID})
	}
}

func TestSCPQuota(t *testing.T) {
	e := start(t, Config{})
	e.srv.mu.Lock()
	for i := range MaxSCPs {
		id := fmt.Sprintf("p-fill%d", i)
		e.srv.st.SCPs[id] = &SCP{ID: id, Name: id, Seq: e.srv.st.nextSeq()}
	}
	e.srv.mu.Unlock()
	r := e.must(409, "POST", "/v1/organizations/policies", scpBody("one-too-many", scpDoc))
	if r.code() != "Organizations.1206" {
		t.Fatalf("code %s", r.code())
	}
}

func TestSCPEnableDelay(t *testing.T) {
	e := start(t, Config{EnableDelay: 30 * time.Second})
	sid := createSCP(e, "s")
	r := e.must(202, "POST", "/v1/organizations/policies/enable", map[string]any{"policy_type": "service_control_policy", "root_id": DefaultRootID})
	wantField(t, r, "pending_enable", "root", "policy_types", 0, "status")
	r = e.must(400, "POST", "/v1/organizations/policies/"+sid+"/attach", map[string]any{"entity_id": DefaultRootID})
	if r.code() != "Organizations.1207" {
		t.Fatalf("code %s", r.code())
	}
	e.must(409, "POST", "/v1/organizations/policies/enable", map[string]any{"policy_type": "service_control_policy", "root_id": DefaultRootID})
	e.clock.Advance(31 * time.Second)
	r = e.must(200, "GET", "/v1/organizations/roots", nil)
	wantField(t, r, "enabled", "roots", 0, "policy_types", 0, "status")
	e.must(200, "POST", "/v1/organizations/policies/"+sid+"/attach", map[string]any{"entity_id": DefaultRootID})
}

func TestStartEnabled(t *testing.T) {
	e := start(t, Config{SCPEnabled: true, RootID: "r-abcd1234"})
	r := e.must(200, "GET", "/v1/organizations/roots", nil)
	wantField(t, r, "r-abcd1234", "roots", 0, "id")
	wantField(t, r, "enabled", "roots", 0, "policy_types", 0, "status")
	atts := e.srv.SCPAttachments()
	if len(atts) != 1 || atts[0].TargetID != "r-abcd1234" || !atts[0].Builtin {
		t.Fatalf("attachments %+v", atts)
	}
}

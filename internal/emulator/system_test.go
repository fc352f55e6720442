package emulator

import (
	"path/filepath"
	"testing"
)

// The stand-in system policies can be read and attached like custom ones, and every change
// is refused with the system policy answer.
func TestSystemPolicies(t *testing.T) {
	e := start(t, Config{})
	full, ro := SystemPolicies[0], SystemPolicies[1]
	vars := map[string]string{"sys": full.ID, "ro": ro.ID}
	refused := func(name, method, path string, body any) step {
		return step{name: name, method: method, path: path, body: body, status: 403, code: errIAMSystemPolicy.Code}
	}
	runSteps(t, e, vars, []step{
		{name: "get", method: "GET", path: "/v5/policies/{sys}", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, "system", "policy", "policy_type")
				wantField(t, r, full.Name, "policy", "policy_name")
				wantField(t, r, "iam::system:policy:"+full.Name, "policy", "urn")
				wantField(t, r, "v1", "policy", "default_version_id")
			}},
		{name: "versions", method: "GET", path: "/v5/policies/{sys}/versions", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, full.Document, "versions", 0, "document")
				wantField(t, r, true, "versions", 0, "is_default")
			}},
		{name: "version", method: "GET", path: "/v5/policies/{ro}/versions/v1", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, ro.Document, "policy_version", "document") }},
		{name: "attach", method: "POST", path: "/v5/policies/{sys}/attach-user", body: map[string]any{"user_id": "u1"}, status: 200},
		{name: "attach to a group", method: "POST", path: "/v5/policies/{sys}/attach-group", body: map[string]any{"group_id": "g1"}, status: 200},
		{name: "entities", method: "GET", path: "/v5/policies/{sys}/attached-entities", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, "u1", "policy_users", 0, "user_id")
				wantField(t, r, "g1", "policy_groups", 0, "group_id")
			}},
		{name: "the user's policies", method: "GET", path: "/v5/users/u1/attached-policies", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, full.ID, "attached_policies", 0, "policy_id") }},
		{name: "attachment count", method: "GET", path: "/v5/policies/{sys}", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 2, "policy", "attachment_count") }},
		{name: "only attached", method: "GET", path: "/v5/policies?policy_type=system&only_attached=true", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 1, "page_info", "current_count") }},
		refused("delete attached", "DELETE", "/v5/policies/{sys}", nil),
		{name: "detach", method: "POST", path: "/v5/policies/{sys}/detach-user", body: map[string]any{"user_id": "u1"}, status: 200},
		{name: "detach the group", method: "POST", path: "/v5/policies/{sys}/detach-group", body: map[string]any{"group_id": "g1"}, status: 200},
		refused("delete", "DELETE", "/v5/policies/{sys}", nil),
		refused("description", "PUT", "/v5/policies/{sys}", map[string]any{"description": "mine"}),
		refused("new version", "POST", "/v5/policies/{sys}/versions", map[string]any{"policy_document": allowDoc, "set_as_default": true}),
		refused("delete version", "DELETE", "/v5/policies/{ro}/versions/v1", nil),
		refused("set default", "POST", "/v5/policies/{ro}/versions/v1/set-default", nil),
		{name: "unchanged", method: "GET", path: "/v5/policies/{sys}", status: 200,
			check: func(t *testing.T, r resp) {
				wantField(t, r, full.Description, "policy", "description")
				wantField(t, r, 0, "policy", "attachment_count")
			}},
		// Inferred: a system policy's name does not take it for custom policies.
		{name: "custom policy with a system name", method: "POST", path: "/v5/policies", body: create(full.Name, allowDoc), status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, "custom", "policy", "policy_type") }},
		{name: "custom list", method: "GET", path: "/v5/policies?policy_type=custom", status: 200,
			check: func(t *testing.T, r resp) { wantField(t, r, 1, "page_info", "current_count") }},
	})
	if n := len(e.srv.Policies()); n != 1 {
		t.Errorf("Policies() lists %d, want the 1 custom policy", n)
	}
}

// The stand-ins' documents are valid identity policies.
func TestSystemPolicyDocumentsValid(t *testing.T) {
	for _, sp := range SystemPolicies {
		if err := DefaultCheckDocument([]byte(sp.Document), false); err != nil {
			t.Errorf("%s: %v", sp.Name, err)
		}
	}
}

// An attachment to a system policy is kept across a restart, and a state saved without the
// stand-ins gets them when it is loaded.
func TestSystemPolicyAttachmentSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := start(t, Config{StatePath: path})
	sys := SystemPolicies[1].ID
	e.must(200, "POST", "/v5/policies/"+sys+"/attach-agency", map[string]any{"agency_id": "ag1"})
	e.srv.Close()

	again, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	p, ok := again.Policy(sys)
	if !ok || !p.System || len(p.Attachments) != 1 || p.Attachments[0].PrincipalID != "ag1" {
		t.Fatalf("after the restart: %+v, %v", p, ok)
	}

	st := newState()
	st.Account, st.Root = DefaultAccountID, Root{ID: DefaultRootID}
	old := filepath.Join(t.TempDir(), "old.json")
	if err := saveState(old, st); err != nil {
		t.Fatal(err)
	}
	loaded, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: old})
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	for _, sp := range SystemPolicies {
		if p, ok := loaded.Policy(sp.ID); !ok || p.Name != sp.Name || p.DefaultDocument() != sp.Document {
			t.Errorf("%s missing from a state saved without it: %+v", sp.Name, p)
		}
	}
}

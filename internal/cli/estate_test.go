package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/estate"
)

// estateOf builds the estates before and after a plan, with --state files.
func estateOf(t *testing.T, plan string, states ...string) (ref, cand *estate.Estate) {
	t.Helper()
	in, err := readEstateInputs([]string{plan}, states, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	r, c, _ := in.sides()
	return r.estate(in.account()), c.estate(in.account())
}

// A policy and its attachment created in the same plan: the attachment's policy_id is
// known only after apply, and the configuration's reference resolves it to the policy.
func TestEstateResolvesAPolicyCreatedInTheSamePlan(t *testing.T) {
	for _, c := range []struct{ plan, policy string }{
		{"testdata/estate/gate/hw-policy-and-attach-plan.json", "huaweicloud_identityv5_policy.sharers"},
		{"testdata/estate/gate/ims-policy-and-attach-plan.json", "imspolicy_identity_policy.ims_all"},
	} {
		_, cand := estateOf(t, c.plan)
		id := pendingID(c.policy)
		p, ok := cand.IdentityPolicies[id]
		if !ok || p.Document == nil || p.Unknown != "" {
			t.Fatalf("%s: policy %q: %+v, %v; policies %v", c.plan, id, p, ok, cand.IdentityPolicies)
		}
		found := false
		for _, a := range cand.Attachments {
			if a.PolicyID == id && a.Principal.Kind == estate.Group && a.Unknown == "" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no attachment of %s to a group: %+v", c.plan, id, cand.Attachments)
		}
	}
}

// A reference the plan cannot resolve (a variable) leaves the attachment unknown, with
// the reason.
func TestEstateUnresolvableReferenceIsUnknown(t *testing.T) {
	src, err := os.ReadFile("testdata/estate/gate/hw-policy-and-attach-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), `"huaweicloud_identityv5_policy.sharers.id",`, `"var.policy_id",`, 1)
	text = strings.Replace(text, `"huaweicloud_identityv5_policy.sharers"
`, `"var.policy_id"
`, 1)
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, cand := estateOf(t, path)
	for _, a := range cand.Attachments {
		if a.Principal.ID == "g-auditor1" {
			if !strings.Contains(a.Unknown, "var.policy_id") || !strings.Contains(a.Unknown, "policy_id of huaweicloud_identityv5_policy_group_attach.sharers") {
				t.Errorf("reason %q", a.Unknown)
			}
			return
		}
	}
	t.Errorf("no attachment: %+v", cand.Attachments)
}

// What a plan says of a part supersedes what a --state file says of it: the detached
// policy is attached before the plan and not after.
func TestEstatePlanSupersedesState(t *testing.T) {
	ref, cand := estateOf(t, "testdata/estate/gate/hw-identity-detach-plan.json", "testdata/estate/gate/hw-iam.json")
	alice := estate.Attachment{PolicyID: "pol-imsall1", Principal: estate.PrincipalRef{Kind: estate.User, ID: "u-alice001"}}
	has := func(e *estate.Estate) bool {
		for _, a := range e.Attachments {
			if a == alice {
				return true
			}
		}
		return false
	}
	if !has(ref) || has(cand) {
		t.Errorf("alice's attachment: before %v, after %v", has(ref), has(cand))
	}
	if p := cand.Principals[estate.PrincipalRef{Kind: estate.User, ID: "u-alice001"}]; p.Name != "alice" || p.Account != "0a1b2c3d4e5f60718293a4b5c6d7e8f9" {
		t.Errorf("alice: %+v", p)
	}
}

// A membership, an account's move, and an Organizations policy of another type.
func TestEstateOrganizationAndMembership(t *testing.T) {
	ref, cand := estateOf(t, "testdata/estate/gate/hw-account-move-plan.json", "testdata/estate/gate/hw-org-scp.json")
	acct := estate.NodeRef{Kind: estate.Account, ID: "0a1b2c3d4e5f60718293a4b5c6d7e8f9"}
	if p := ref.Nodes[acct].Parent; p == nil || p.ID != "ou-prod01" {
		t.Errorf("before: parent %v", p)
	}
	if p := cand.Nodes[acct].Parent; p == nil || p.ID != "ou-dev001" || p.Kind != estate.OU {
		t.Errorf("after: parent %v", p)
	}
	if cand.Organization != "o-org0001" || cand.ManagementAccount != "ffffffffffffffffffffffffffffffff" || cand.SCPsDisabled {
		t.Errorf("organisation %q, management %q, disabled %v", cand.Organization, cand.ManagementAccount, cand.SCPsDisabled)
	}
	_, cand = estateOf(t, "testdata/estate/gate/hw-membership-plan.json", "testdata/estate/gate/hw-iam.json")
	want := estate.Membership{Group: "g-imgadm01", User: "u-bob00001"}
	found := false
	for _, m := range cand.Memberships {
		found = found || m == want
	}
	if !found {
		t.Errorf("memberships %+v", cand.Memberships)
	}
}

func TestParseOrgPath(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{"o-1/r-1/ou-a/ou-b/123", "o-1 r-1 [ou-a ou-b] 123", ""},
		{"r-1/123", " r-1 [] 123", ""},
		{"ou-a/123", "", `"ou-a" is not a root id`},
		{"r-1/ou-a", "", "must end with the account id"},
		{"r-1/x/123", "", `"x" is not an OU id`},
		{"r-1", "", "want the root, any OUs, then the account"},
		{"r-1/ou-a/ou-a/123", "", `"ou-a" is in it twice`},
	} {
		p, err := parseOrgPath(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "--org-path") {
				t.Errorf("%s: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := strings.Join([]string{p.org, p.root, "[" + strings.Join(p.ous, " ") + "]", p.account}, " "); got != c.want {
			t.Errorf("%s: %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseMustNotAllow(t *testing.T) {
	r, err := parseMustNotAllow("ims:images:share,ims:images:delete* on * except iam::*:group:image-admins,iam::123:user:bob")
	if err != nil {
		t.Fatal(err)
	}
	f := r.forbidden
	if strings.Join(f.Actions, " ") != "ims:images:share ims:images:delete*" || strings.Join(f.Resources, " ") != "*" ||
		strings.Join(f.ExceptPrincipals, " ") != "iam::*:group:image-admins iam::123:user:bob" {
		t.Errorf("%+v", f)
	}
	if r, _ := parseMustNotAllow("ims:images:share"); strings.Join(r.forbidden.Resources, "") != "*" {
		t.Errorf("default resources %v", r.forbidden.Resources)
	}
	for _, bad := range []string{"", "on *", "ims:images:share on", "ims:images:share except", "share", "ims:images:share except alice", "ims:x:y except iam::*:user:a on *"} {
		if _, err := parseMustNotAllow(bad); err == nil || !strings.Contains(err.Error(), "--must-not-allow") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// Inputs of the wrong kind are refused with the flag and the fix.
func TestEstateInputErrors(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, "terraform.tfstate")
	if err := os.WriteFile(raw, []byte(`{"version": 4, "terraform_version": "1.8.5", "serial": 1, "lineage": "x", "resources": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		plans, states []string
		want          string
	}{
		{[]string{"testdata/estate/gate/hw-scp-deleted-plan.json"}, []string{raw}, "--state " + raw + ": a raw state file"},
		{[]string{"testdata/estate/gate/hw-org.json"}, nil, "--plan testdata/estate/gate/hw-org.json: a state, not a plan"},
		{[]string{"testdata/estate/gate/hw-scp-deleted-plan.json"}, []string{"testdata/estate/gate/hw-scp-deleted-plan.json"}, "a plan, not a state"},
		{[]string{"testdata/clean.json"}, nil, "no format_version"},
	} {
		_, err := readEstateInputs(c.plans, c.states, "", nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want %q", c.plans, c.states, err, c.want)
		}
	}
}

// writeState writes a state (terraform show -json) of the given resources.
func writeState(t *testing.T, resources ...map[string]any) string {
	t.Helper()
	for _, r := range resources {
		r["mode"] = "managed"
		addr, _ := r["address"].(string)
		typ, _, _ := strings.Cut(addr, ".")
		r["type"] = typ
	}
	b, err := json.Marshal(map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": resources}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A tag policy is no SCP (its attachment restricts nothing), a dry-run policy enforces
// nothing, an organisation without service_control_policy enforces no SCP, and a trust
// agency attaches policies by name.
func TestEstateReadsWhatEachTypeMeans(t *testing.T) {
	doc := `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:share"],"Resource":["*"]}]}`
	state := writeState(t,
		map[string]any{"address": "huaweicloud_organizations_organization.o", "values": map[string]any{"id": "o-1", "root_id": "r-1", "enabled_policy_types": []any{"tag_policy"}}},
		map[string]any{"address": "huaweicloud_organizations_policy.tags", "values": map[string]any{"id": "p-tag", "name": "tags", "type": "tag_policy", "content": "{}"}},
		map[string]any{"address": "huaweicloud_organizations_policy_attach.tags", "values": map[string]any{"id": "p-tag/r-1", "policy_id": "p-tag", "entity_id": "r-1"}},
		map[string]any{"address": "huaweicloud_organizations_dry_run_policy.trial", "values": map[string]any{"id": "p-dry", "name": "trial", "type": "service_control_policy", "content": doc}},
		map[string]any{"address": "huaweicloud_organizations_dry_run_policy_entity_attach.trial", "values": map[string]any{"id": "p-dry/r-1", "policy_id": "p-dry", "entity_id": "r-1"}},
		map[string]any{"address": "huaweicloud_identityv5_policy.read", "values": map[string]any{"id": "pol-1", "name": "ims-read", "policy_document": `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`}},
		map[string]any{"address": "huaweicloud_identity_trust_agency.ci", "values": map[string]any{"id": "ag-1", "name": "ci", "urn": "iam::123:agency:ci", "policy_names": []any{"ims-read", "NoSuchPolicy"}}},
	)
	in, err := readEstateInputs(nil, []string{state}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, c, _ := in.sides()
	e := c.estate("")
	if !e.SCPsDisabled || len(e.SCPs) != 0 || len(e.SCPAttachments) != 0 {
		t.Errorf("SCPs disabled %v, SCPs %v, attachments %v: want disabled, no SCP (a tag policy, a dry-run policy), no attachment", e.SCPsDisabled, e.SCPs, e.SCPAttachments)
	}
	agency := estate.PrincipalRef{Kind: estate.Agency, ID: "ag-1"}
	if p := e.Principals[agency]; p.Name != "ci" || p.Account != "123" {
		t.Errorf("agency %+v", p)
	}
	var byName, unknown bool
	for _, a := range e.Attachments {
		byName = byName || a.Principal == agency && a.PolicyID == "pol-1" && a.Unknown == ""
		unknown = unknown || a.Principal == agency && strings.Contains(a.Unknown, `"NoSuchPolicy"`)
	}
	if !byName || !unknown {
		t.Errorf("attachments %+v: want ims-read by name, and NoSuchPolicy unknown", e.Attachments)
	}
}

// The CI guide's table of the estate's resource types is estateResources: every type has
// a row, and no row names a type the table does not have.
func TestGuideListsEstateResourceTypes(t *testing.T) {
	for _, file := range []string{"../../templates/guides/checking-policies-in-ci.md.tmpl", "../../docs/guides/checking-policies-in-ci.md"} {
		guide, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, table, ok := strings.Cut(string(guide), "| Resource type | What it is in the estate | Attributes read |\n|---|---|---|\n")
		table, _, _ = strings.Cut(table, "\n\n")
		if !ok {
			t.Fatalf("%s has no table of the estate's resource types", file)
		}
		rows := map[string]bool{}
		for _, line := range strings.Split(table, "\n") {
			typ, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			rows[typ] = true
			if _, ok := estateResources[typ]; !ok {
				t.Errorf("%s: row %q names no type of estateResources", file, typ)
			}
		}
		for typ := range estateResources {
			if !rows[typ] {
				t.Errorf("%s: no row for %s (add it, then make docs)", file, typ)
			}
		}
	}
}

// An account whose parent_id is left out is under the root ("The default is the root
// ID"), whichever order the state lists the account and the organisation in.
func TestEstateAccountWithoutParentIsUnderTheRoot(t *testing.T) {
	state := writeState(t,
		map[string]any{"address": "huaweicloud_organizations_account.a", "values": map[string]any{"id": "acct-1", "name": "a", "parent_id": nil}},
		map[string]any{"address": "huaweicloud_organizations_organization.o", "values": map[string]any{"id": "o-1", "root_id": "r-1", "enabled_policy_types": []any{"service_control_policy"}}},
	)
	in, err := readEstateInputs(nil, []string{state}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, c, _ := in.sides()
	e := c.estate("")
	if p := e.Nodes[estate.NodeRef{Kind: estate.Account, ID: "acct-1"}].Parent; p == nil || *p != (estate.NodeRef{Kind: estate.Root, ID: "r-1"}) || e.SCPsDisabled {
		t.Errorf("parent %v, SCPs disabled %v", p, e.SCPsDisabled)
	}
	// The same, the account and the organisation in two states.
	accounts := writeState(t, map[string]any{"address": "huaweicloud_organizations_account.a", "values": map[string]any{"id": "acct-1", "name": "a"}})
	org := writeState(t, map[string]any{"address": "huaweicloud_organizations_organization.o", "values": map[string]any{"id": "o-1", "root_id": "r-1"}})
	if in, err = readEstateInputs(nil, []string{accounts, org}, "", nil); err != nil {
		t.Fatal(err)
	}
	_, c, _ = in.sides()
	if p := c.estate("").Nodes[estate.NodeRef{Kind: estate.Account, ID: "acct-1"}].Parent; p == nil || p.ID != "r-1" {
		t.Errorf("two states: parent %v", p)
	}
}

// A membership list with an empty id names no user: no membership is made of it (the
// engine would refuse a membership without its user).
func TestEstateEmptyMemberIsNoMember(t *testing.T) {
	state := writeState(t,
		map[string]any{"address": "huaweicloud_identityv5_group_membership.g", "values": map[string]any{"id": "g-1", "group_id": "g-1", "user_id_list": []any{"", "u-1"}}},
	)
	in, err := readEstateInputs(nil, []string{state}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, c, _ := in.sides()
	e := c.estate("")
	if len(e.Memberships) != 1 || e.Memberships[0].User != "u-1" || e.Validate() != nil {
		t.Errorf("memberships %+v, validate %v", e.Memberships, e.Validate())
	}
}

// IAM v3 roles and their assignments: a group's (project, all projects, enterprise
// project, domain, by the deprecated type name too), a user's, and an agency's role
// blocks by role name; an assignment without exactly one scope is unknown.
func TestEstateReadsV3RolesAndAssignments(t *testing.T) {
	doc := `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}`
	state := writeState(t,
		map[string]any{"address": "huaweicloud_identity_role.read", "values": map[string]any{"id": "r-1", "name": "image-read", "policy": doc}},
		map[string]any{"address": "huaweicloud_identity_role.bad", "values": map[string]any{"id": "r-bad", "name": "bad", "policy": `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:*"]}]}`}},
		map[string]any{"address": "huaweicloud_identity_group_role_assignment.p", "values": map[string]any{"group_id": "g-1", "role_id": "r-1", "project_id": "p-1"}},
		map[string]any{"address": "huaweicloud_identity_role_assignment.all", "values": map[string]any{"group_id": "g-2", "role_id": "r-1", "project_id": "all"}},
		map[string]any{"address": "huaweicloud_identity_role_assignment_v3.ep", "values": map[string]any{"group_id": "g-3", "role_id": "r-1", "enterprise_project_id": "ep-1"}},
		map[string]any{"address": "huaweicloud_identity_group_role_assignment.d", "values": map[string]any{"group_id": "g-4", "role_id": "r-1", "domain_id": "acct"}},
		map[string]any{"address": "huaweicloud_identity_group_role_assignment.none", "values": map[string]any{"group_id": "g-5", "role_id": "r-1"}},
		map[string]any{"address": "huaweicloud_identity_user_role_assignment.u", "values": map[string]any{"user_id": "u-1", "role_id": "r-1", "enterprise_project_id": "ep-2"}},
		map[string]any{"address": "huaweicloud_identity_agency.ci", "values": map[string]any{"id": "ag-1", "name": "ci",
			"all_resources_roles": []any{"image-read"}, "domain_roles": []any{"Tenant Guest"},
			"project_role":             []any{map[string]any{"project": "cn-north-4", "roles": []any{"image-read", "ECS FullAccess"}}},
			"enterprise_project_roles": []any{map[string]any{"enterprise_project": "default", "roles": []any{"image-read"}}}}},
	)
	in, err := readEstateInputs(nil, []string{state}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, c, _ := in.sides()
	e := c.estate("")
	if r := e.V3Roles["r-1"]; r.Name != "image-read" || r.Document == nil || r.Unknown != "" {
		t.Errorf("role r-1: %+v", r)
	}
	if r := e.V3Roles["r-bad"]; r.Document != nil || !strings.Contains(r.Unknown, "v3_action_format") {
		t.Errorf("role r-bad: %+v", r)
	}
	group := func(id string) estate.PrincipalRef { return estate.PrincipalRef{Kind: estate.Group, ID: id} }
	agency := estate.PrincipalRef{Kind: estate.Agency, ID: "ag-1"}
	want := []estate.RoleAssignment{
		{RoleID: "r-1", Principal: group("g-1"), Scope: estate.Scope{Kind: estate.Project, ID: "p-1"}},
		{RoleID: "r-1", Principal: group("g-2"), Scope: estate.Scope{Kind: estate.AllProjects}},
		{RoleID: "r-1", Principal: group("g-3"), Scope: estate.Scope{Kind: estate.EnterpriseProject, ID: "ep-1"}},
		{RoleID: "r-1", Principal: group("g-4"), Scope: estate.Scope{Kind: estate.Domain, ID: "acct"}},
		{RoleID: "r-1", Principal: estate.PrincipalRef{Kind: estate.User, ID: "u-1"}, Scope: estate.Scope{Kind: estate.EnterpriseProject, ID: "ep-2"}},
		{RoleID: "r-1", Principal: agency, Scope: estate.Scope{Kind: estate.AllProjects}},
		{RoleID: "r-1", Principal: agency, Scope: estate.Scope{Kind: estate.Project, ID: "cn-north-4"}},
		{RoleID: "ECS FullAccess", Principal: agency, Scope: estate.Scope{Kind: estate.Project, ID: "cn-north-4"}},
		{RoleID: "Tenant Guest", Principal: agency, Scope: estate.Scope{Kind: estate.Domain, ID: "the agency's account"}},
		{RoleID: "r-1", Principal: agency, Scope: estate.Scope{Kind: estate.EnterpriseProject, ID: "default"}},
	}
	got := map[estate.RoleAssignment]bool{}
	unscoped := false
	for _, a := range e.RoleAssignments {
		got[a] = true
		unscoped = unscoped || strings.Contains(a.Unknown, "huaweicloud_identity_group_role_assignment.none sets 0 of its scope attributes")
	}
	for _, a := range want {
		if !got[a] {
			t.Errorf("missing %+v", a)
		}
	}
	if !unscoped || len(e.RoleAssignments) != len(want)+1 {
		t.Errorf("assignments %+v", e.RoleAssignments)
	}
	if err := e.Validate(); err != nil {
		t.Error(err)
	}
}

// A role and its assignment created in the same plan: role_id is known only after apply,
// and the configuration's reference resolves it to the role.
func TestEstateResolvesARoleCreatedInTheSamePlan(t *testing.T) {
	src, err := os.ReadFile("testdata/estate/v3-assign-project-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(src, &p); err != nil {
		t.Fatal(err)
	}
	// Make the role a creation: no prior state, its id unknown, and the assignment's
	// role_id with it.
	delete(p, "prior_state")
	for _, rc := range arr(p["resource_changes"]) {
		ch := obj(obj(rc)["change"])
		switch obj(rc)["type"] {
		case "huaweicloud_identity_role":
			ch["actions"], ch["before"] = []any{"create"}, nil
			delete(obj(ch["after"]), "id")
			ch["after_unknown"] = map[string]any{"id": true}
		case "huaweicloud_identity_group_role_assignment":
			delete(obj(ch["after"]), "role_id")
			ch["after_unknown"] = map[string]any{"id": true, "role_id": true}
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, cand := estateOf(t, path)
	id := pendingID("huaweicloud_identity_role.image_ops_read")
	if r := cand.V3Roles[id]; r.Document == nil {
		t.Fatalf("role %q: %+v; roles %v", id, r, cand.V3Roles)
	}
	if len(cand.RoleAssignments) != 1 || cand.RoleAssignments[0].RoleID != id || cand.RoleAssignments[0].Unknown != "" {
		t.Errorf("assignments %+v", cand.RoleAssignments)
	}
}

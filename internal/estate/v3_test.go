package estate

import (
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/migrate"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

const (
	v3ImagesRead  = `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"]}]}`
	v3ImagesShare = `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:get","ims:images:share"]}]}`
)

var ops = PrincipalRef{Group, "g-ops"}

func v3Doc(t testing.TB, text string) *policy.V3Checked {
	t.Helper()
	c := policy.CheckV3Text([]byte(text))
	if fe := c.FirstError(); fe != nil {
		t.Fatalf("%s: %s", text, fe)
	}
	return c
}

// withRole is base with the group ops (no member in the inputs, in acct1, no SCP
// attached) and the v3 role r-read, assigned as given.
func withRole(t testing.TB, assignments ...RoleAssignment) *Estate {
	e := base(t)
	e.Principals[ops] = Principal{Ref: ops, Name: "ops"}
	e.V3Roles = map[string]V3Role{"r-read": {ID: "r-read", Name: "read", Document: v3Doc(t, v3ImagesRead)}}
	e.RoleAssignments = assignments
	return e
}

func callNames(ds []apicall.Difference) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Call.Name())
	}
	return out
}

// Replacing a group's v3 role (all projects) by the v5 policy imspolicy migrate writes
// for it, attached to the group: no new call for the group; the v3-only calls it held are
// lost (no v5 policy can grant them).
func TestCompareV3MigratedToV5(t *testing.T) {
	mig := migrate.Migrate(v3Doc(t, v3ImagesRead), analysis.Budget{})
	if mig.Document == "" {
		t.Fatalf("no migration: %v", mig.Problems)
	}
	ref := withRole(t, RoleAssignment{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: AllProjects}})
	cand := withRole(t)
	cand.IdentityPolicies["p-mig"] = Policy{ID: "p-mig", Document: identityDoc(t, mig.Document)}
	cand.Attachments = append(cand.Attachments, Attachment{PolicyID: "p-mig", Principal: ops})
	c := compare(t, ref, cand)
	if c.Status != analysis.Complete || !c.Holds {
		t.Fatalf("status %s (%s), holds %v: %+v", c.Status, c.Reason, c.Holds, c.Subjects)
	}
	sc := changeOf(c, subj(ops))
	if sc == nil || sc.Scope == nil || sc.Scope.Kind != AllProjects || len(sc.NewCalls) > 0 {
		t.Fatalf("ops: %+v", sc)
	}
	// GET /v2/images is listed by the v3 table only: the v3 role allowed it, v5 cannot.
	if !slices.Contains(callNames(sc.RemovedCalls), "GET /v2/images") {
		t.Errorf("removed: %v", callNames(sc.RemovedCalls))
	}
	if sc.Label() != "group g-ops in all projects" {
		t.Errorf("label %q", sc.Label())
	}
	// The reverse: the v5 policy replaced by the role gains the v3-only calls.
	back := compare(t, cand, ref)
	if back.Holds || !slices.Contains(callNames(changeOf(back, subj(ops)).NewCalls), "GET /v2/images") {
		t.Errorf("reverse: %+v", back.Subjects)
	}
}

// A v3 role assigned in one project grants there only: the group gains calls in that
// project, and nothing is reported for the other projects; a role assigned to nothing
// grants nothing.
func TestCompareV3ProjectScope(t *testing.T) {
	ref := withRole(t)
	cand := withRole(t, RoleAssignment{RoleID: "r-read", Principal: ops, Scope: Scope{Project, "p-123"}})
	c := compare(t, ref, cand)
	if c.Holds || len(c.Subjects) != 1 {
		t.Fatalf("%+v", c.Subjects)
	}
	sc := c.Subjects[0]
	if sc.Label() != "group g-ops in project p-123" || !slices.Contains(callNames(sc.NewCalls), "GET /v2/cloudimages") {
		t.Errorf("%s: %v", sc.Label(), callNames(sc.NewCalls))
	}
	for _, d := range sc.NewCalls {
		if d.Old == evaluator.Allow || d.New != evaluator.Allow {
			t.Errorf("%s: %s -> %s", d.Call.Name(), d.Old, d.New)
		}
	}

	// Moving the assignment from all projects to one: the others lose, p-123 is unchanged.
	all := withRole(t, RoleAssignment{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: AllProjects}})
	c = compare(t, all, cand)
	if !c.Holds || len(c.Subjects) != 1 || c.Subjects[0].Label() != "group g-ops in every other project" || len(c.Subjects[0].RemovedCalls) == 0 {
		t.Fatalf("%+v", c.Subjects)
	}

	// Through a group, to its member: alice is in devs.
	cand = withRole(t, RoleAssignment{RoleID: "r-read", Principal: devs, Scope: Scope{Project, "p-9"}})
	c = compare(t, ref, cand)
	if sc := changeOf(c, subj(alice)); sc == nil || sc.Scope == nil || sc.Scope.ID != "p-9" || len(sc.NewCalls) == 0 {
		t.Fatalf("alice: %+v", c.Subjects)
	}

	// Created, assigned to nothing.
	cand = withRole(t)
	cand.V3Roles["r-share"] = V3Role{ID: "r-share", Document: v3Doc(t, v3ImagesShare)}
	if c := compare(t, ref, cand); !c.Holds || len(c.Subjects) != 0 || c.Changed != 0 {
		t.Fatalf("unassigned: %+v", c)
	}
}

// Subjects holding v3 roles equal on both sides are not analysed; a changed role
// document is.
func TestCompareV3Unchanged(t *testing.T) {
	a := RoleAssignment{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: AllProjects}}
	ref, cand := withRole(t, a), withRole(t, a)
	if c := compare(t, ref, cand); c.Changed != 0 || len(c.Subjects) != 0 {
		t.Fatalf("unchanged: %+v", c)
	}
	cand.V3Roles["r-read"] = V3Role{ID: "r-read", Document: v3Doc(t, v3ImagesShare)}
	c := compare(t, ref, cand)
	sc := changeOf(c, subj(ops))
	if c.Holds || sc == nil || !slices.Contains(callNames(sc.NewCalls), "POST /v1/cloudimages/members") {
		t.Fatalf("changed role: %d %s %+v", c.Changed, c.Status, c.Subjects)
	}
}

// What cannot be decided is Unknown with its reason, never a claim.
func TestCompareV3Unknowns(t *testing.T) {
	ref := withRole(t)
	cases := []struct {
		name   string
		edit   func(e *Estate)
		reason string
	}{
		{"system role", func(e *Estate) {
			e.RoleAssignments = []RoleAssignment{{RoleID: "sys-role", Principal: ops, Scope: Scope{Kind: AllProjects}}}
		}, "not in the inputs"},
		{"domain scope", func(e *Estate) {
			e.RoleAssignments = []RoleAssignment{{RoleID: "r-read", Principal: ops, Scope: Scope{Domain, "acct1"}}}
		}, "global services"},
		{"enterprise project", func(e *Estate) {
			e.RoleAssignments = []RoleAssignment{{RoleID: "r-read", Principal: ops, Scope: Scope{EnterpriseProject, "ep-1"}}}
		}, "C8"},
		{"unknown assignment", func(e *Estate) {
			e.RoleAssignments = []RoleAssignment{{Principal: ops, Unknown: "role_id known only after apply"}}
		}, "known only after apply"},
		{"unknown role", func(e *Estate) {
			e.V3Roles["r-read"] = V3Role{ID: "r-read", Unknown: "policy of huaweicloud_identity_role.read known only after apply"}
			e.RoleAssignments = []RoleAssignment{{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: AllProjects}}}
		}, "known only after apply"},
		{"SCP restricts", func(e *Estate) {
			e.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Target: ouProd}}
			e.RoleAssignments = []RoleAssignment{{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: AllProjects}}}
		}, "SCPs restrict"},
	}
	for _, tc := range cases {
		cand := withRole(t)
		tc.edit(cand)
		r := ref
		if tc.name == "SCP restricts" {
			r = withRole(t)
			r.SCPAttachments = cand.SCPAttachments
		}
		c := compare(t, r, cand)
		sc := changeOf(c, subj(ops))
		if c.Status != analysis.Unknown || sc == nil || sc.Status != analysis.Unknown || !strings.Contains(sc.Reason, tc.reason) {
			t.Errorf("%s: %s %q %+v", tc.name, c.Status, c.Reason, sc)
		}
	}
	// The FullAccess SCP alone restricts nothing: decided.
	cand := withRole(t, RoleAssignment{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: AllProjects}})
	cand.SCPs["s-allow"] = Policy{ID: "s-allow", Document: analysis.AllowAll(policy.SCP)}
	cand.SCPAttachments = []SCPAttachment{{PolicyID: "s-allow", Target: ouProd}}
	r := withRole(t)
	r.SCPs, r.SCPAttachments = cand.SCPs, cand.SCPAttachments
	if c := compare(t, r, cand); c.Status != analysis.Complete || c.Holds {
		t.Errorf("FullAccess: %s %q", c.Status, c.Reason)
	}
}

// The action-level questions do not answer for a principal holding v3 roles.
func TestEffectivePermissionsV3Unknown(t *testing.T) {
	e := withRole(t, RoleAssignment{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: AllProjects}})
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if sp := permissionsOf(t, p, subj(ops)); sp.Status != analysis.Unknown || !strings.Contains(sp.Reason, "IAM v3 roles") {
		t.Errorf("ops: %s %q", sp.Status, sp.Reason)
	}
	if sp := permissionsOf(t, p, subj(builder)); sp.Status != analysis.Complete {
		t.Errorf("builder: %s %q", sp.Status, sp.Reason)
	}
	m, err := MustNotAllow(e, []Forbidden{{Name: "no get", Actions: []string{"ims:images:get"}}}, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != analysis.Unknown {
		t.Errorf("must not allow: %s", m.Status)
	}
}

func TestValidateV3(t *testing.T) {
	for _, e := range []*Estate{
		withRole(t, RoleAssignment{Principal: ops, Scope: Scope{Kind: AllProjects}}),
		withRole(t, RoleAssignment{RoleID: "r-read", Principal: ops}),
		withRole(t, RoleAssignment{RoleID: "r-read", Principal: ops, Scope: Scope{Kind: Project}}),
		func() *Estate { e := withRole(t); e.V3Roles["x"] = V3Role{ID: "x"}; return e }(),
	} {
		if err := e.Validate(); err == nil {
			t.Errorf("no error: %+v %+v", e.RoleAssignments, e.V3Roles)
		}
	}
}

package estate

import (
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

const (
	allowShare = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:share"],"Resource":["*"]}]}`
	allowAll   = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:*:*"],"Resource":["*"]}]}`
	denyShare  = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:share"],"Resource":["*"]}]}`
	allowGet   = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"]}]}`
	// allowAlice allows sharing to the user named alice only.
	allowAlice = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:share"],"Resource":["*"],` +
		`"Condition":{"StringEquals":{"g:UserName":["alice"]}}}]}`
)

func identityDoc(t testing.TB, text string) *policy.Checked {
	t.Helper()
	c := policy.CheckText([]byte(text), policy.Identity)
	if fe := c.FirstError(); fe != nil {
		t.Fatalf("%s: %s", text, fe)
	}
	return c
}

func scpDoc(t testing.TB, text string) *policy.Checked {
	t.Helper()
	c := policy.CheckText([]byte(text), policy.SCP)
	if fe := c.FirstError(); fe != nil {
		t.Fatalf("%s: %s", text, fe)
	}
	return c
}

var (
	alice   = PrincipalRef{User, "u-alice"}
	bob     = PrincipalRef{User, "u-bob"}
	devs    = PrincipalRef{Group, "g-devs"}
	admins  = PrincipalRef{Group, "g-admins"}
	builder = PrincipalRef{Agency, "a-builder"}
	root    = NodeRef{Root, "r-1"}
	ouProd  = NodeRef{OU, "ou-prod"}
	ouDev   = NodeRef{OU, "ou-dev"}
	acct1   = NodeRef{Account, "acct1"}
	acct2   = NodeRef{Account, "acct2"}
)

// base is an estate: alice and bob in account acct1 (under ou-prod), alice in devs,
// devs allowed to share; the agency builder allowed to get. SCPs: none attached.
func base(t testing.TB) *Estate {
	return &Estate{
		Organization: "o-1",
		Account:      "acct1",
		IdentityPolicies: map[string]Policy{
			"p-share": {ID: "p-share", Name: "share", Document: identityDoc(t, allowShare)},
			"p-all":   {ID: "p-all", Name: "all", Document: identityDoc(t, allowAll)},
			"p-get":   {ID: "p-get", Name: "get", Document: identityDoc(t, allowGet)},
			"p-alice": {ID: "p-alice", Name: "alice-only", Document: identityDoc(t, allowAlice)},
		},
		SCPs: map[string]Policy{
			"s-deny": {ID: "s-deny", Name: "no-share", Document: scpDoc(t, denyShare)},
		},
		Principals: map[PrincipalRef]Principal{
			alice:   {Ref: alice, Name: "alice"},
			bob:     {Ref: bob, Name: "bob"},
			devs:    {Ref: devs, Name: "devs"},
			builder: {Ref: builder, Name: "builder"},
		},
		Memberships: []Membership{{Group: devs.ID, User: alice.ID}},
		Attachments: []Attachment{
			{PolicyID: "p-share", Principal: devs},
			{PolicyID: "p-get", Principal: builder},
		},
		Nodes: map[NodeRef]Node{
			root:   {Ref: root},
			ouProd: {Ref: ouProd, Name: "prod", Parent: &root},
			ouDev:  {Ref: ouDev, Name: "dev", Parent: &root},
			acct1:  {Ref: acct1, Name: "one", Parent: &ouProd},
			acct2:  {Ref: acct2, Name: "two", Parent: &ouDev},
		},
	}
}

func permissionsOf(t *testing.T, p Permissions, s Subject) SubjectPermissions {
	t.Helper()
	for _, sp := range p.Subjects {
		if sp.Subject.String() == s.String() {
			return sp
		}
	}
	t.Fatalf("no subject %s in %v", s, p.Subjects)
	return SubjectPermissions{}
}

func grant(t *testing.T, sp SubjectPermissions, action string) analysis.Grant {
	t.Helper()
	if sp.Status != analysis.Complete {
		t.Fatalf("%s: %s: %s", sp.Subject, sp.Status, sp.Reason)
	}
	for _, a := range sp.Actions {
		if a.Action == action {
			return a.Grant
		}
	}
	t.Fatalf("%s: no action %s", sp.Subject, action)
	return 0
}

func subj(r PrincipalRef) Subject { return Subject{Principal: &r} }
func nodeSubj(r NodeRef) Subject  { return Subject{Node: &r} }

func TestEffectivePermissionsThroughGroups(t *testing.T) {
	e := base(t)
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if g := grant(t, permissionsOf(t, p, subj(alice)), "ims:images:share"); g != analysis.GrantFull {
		t.Errorf("alice (in devs) share: %s, want full", g)
	}
	if g := grant(t, permissionsOf(t, p, subj(bob)), "ims:images:share"); g != analysis.GrantNone {
		t.Errorf("bob share: %s, want none", g)
	}
	if g := grant(t, permissionsOf(t, p, subj(builder)), "ims:images:get"); g != analysis.GrantFull {
		t.Errorf("agency get: %s, want full", g)
	}
	for _, s := range p.Subjects {
		if s.Subject.String() == subj(devs).String() {
			t.Errorf("devs has a member in the inputs: answered through alice, not as a subject")
		}
	}
	// AllowedBy names the estate's policy.
	for _, a := range permissionsOf(t, p, subj(alice)).Actions {
		if a.Action == "ims:images:share" && (len(a.AllowedBy) != 1 || a.AllowedBy[0].Policy != "p-share") {
			t.Errorf("alice share allowed by %v, want p-share", a.AllowedBy)
		}
	}

	// A group with no member in the inputs stands for any member.
	e.Memberships = nil
	p, err = EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if g := grant(t, permissionsOf(t, p, subj(devs)), "ims:images:share"); g != analysis.GrantFull {
		t.Errorf("devs without members share: %s, want full", g)
	}
	if g := grant(t, permissionsOf(t, p, subj(alice)), "ims:images:share"); g != analysis.GrantNone {
		t.Errorf("alice out of devs share: %s, want none", g)
	}
}

func TestEffectivePermissionsSCPSide(t *testing.T) {
	e := base(t)
	e.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Target: ouProd}}
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	a := permissionsOf(t, p, subj(alice))
	if g := grant(t, a, "ims:images:share"); g != analysis.GrantNone {
		t.Errorf("alice under a deny on ou-prod, share: %s, want none", g)
	}
	if a.BeforeSCPs {
		t.Errorf("alice's account is placed: not before SCPs")
	}
	// The deny-only SCP sits beside FullAccess: get is still allowed to the agency.
	if g := grant(t, permissionsOf(t, p, subj(builder)), "ims:images:get"); g != analysis.GrantFull {
		t.Errorf("agency get under a deny-only SCP: %s, want full", g)
	}

	// SCPs do not apply to the management account.
	e.ManagementAccount = "acct1"
	p, err = EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if g := grant(t, permissionsOf(t, p, subj(alice)), "ims:images:share"); g != analysis.GrantFull {
		t.Errorf("alice in the management account, share: %s, want full", g)
	}
	e.ManagementAccount = ""

	// An account whose place is not given: the identity side alone, before SCPs.
	e.Nodes = map[NodeRef]Node{root: {Ref: root}, ouProd: {Ref: ouProd, Parent: &root}}
	p, err = EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	a = permissionsOf(t, p, subj(alice))
	if !a.BeforeSCPs {
		t.Errorf("alice's account is not in the tree: want BeforeSCPs")
	}
	if g := grant(t, a, "ims:images:share"); g != analysis.GrantFull {
		t.Errorf("alice before SCPs, share: %s, want full", g)
	}
}

func TestEffectivePermissionsUnknownParts(t *testing.T) {
	e := base(t)
	e.IdentityPolicies["p-sys"] = Policy{ID: "p-sys", Name: "IMSFullAccessPolicy", System: true}
	e.Attachments = append(e.Attachments, Attachment{PolicyID: "p-sys", Principal: bob})
	e.Attachments = append(e.Attachments, Attachment{Principal: builder, Unknown: "policy_id of attach.x is known only after apply"})
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	b := permissionsOf(t, p, subj(bob))
	if b.Status != analysis.Unknown || !strings.Contains(b.Reason, "system identity policy p-sys (IMSFullAccessPolicy)") {
		t.Errorf("bob with a system policy without its document: %s %q", b.Status, b.Reason)
	}
	ag := permissionsOf(t, p, subj(builder))
	if ag.Status != analysis.Unknown || !strings.Contains(ag.Reason, "known only after apply") {
		t.Errorf("agency with an unknown attachment: %s %q", ag.Status, ag.Reason)
	}
	if a := permissionsOf(t, p, subj(alice)); a.Status != analysis.Complete {
		t.Errorf("alice depends on no unknown part: %s %q", a.Status, a.Reason)
	}
	// An SCP attachment to an unknown node makes every subject with an SCP side unknown.
	e.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Unknown: "target_id of scp_attach.y is known only after apply"}}
	p, err = EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if a := permissionsOf(t, p, subj(alice)); a.Status != analysis.Unknown || !strings.Contains(a.Reason, "target_id") {
		t.Errorf("alice under an SCP attachment to an unknown node: %s %q", a.Status, a.Reason)
	}
}

// compare runs Compare and fails on an error.
func compare(t *testing.T, ref, cand *Estate) Comparison {
	t.Helper()
	c, err := Compare(ref, cand, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func changeOf(c Comparison, s Subject) *SubjectChange {
	for i := range c.Subjects {
		if c.Subjects[i].Subject.String() == s.String() {
			return &c.Subjects[i]
		}
	}
	return nil
}

func hasAction(ws []analysis.Witness, action string) bool {
	return slices.ContainsFunc(ws, func(w analysis.Witness) bool { return w.Action == action })
}

func TestCompareSCPChanges(t *testing.T) {
	withDeny := base(t)
	withDeny.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Target: ouProd}}
	without := base(t)

	// Deleting (or detaching) a deny SCP on an OU: alice can share again.
	c := compare(t, withDeny, without)
	if c.Holds || c.Status != analysis.Complete {
		t.Fatalf("detaching the deny: holds %v %s %s", c.Holds, c.Status, c.Reason)
	}
	ch := changeOf(c, subj(alice))
	if ch == nil || !hasAction(ch.New, "ims:images:share") || hasAction(ch.New, "ims:images:get") {
		t.Fatalf("alice's change: %+v", ch)
	}
	if changeOf(c, subj(bob)) != nil {
		t.Errorf("bob could not share before or after: no change")
	}
	// Creating and attaching one grants nothing.
	c = compare(t, without, withDeny)
	if !c.Holds {
		t.Errorf("attaching a deny-only SCP: want holds, got %+v", c.Subjects)
	}
	if ch := changeOf(c, subj(alice)); ch == nil || !hasAction(ch.Removed, "ims:images:share") {
		t.Errorf("attaching a deny-only SCP: alice loses share: %+v", ch)
	}
	// Creating one attached to nothing grants nothing and changes nothing.
	withUnattached := base(t)
	withUnattached.SCPs["s-new"] = Policy{ID: "s-new", Document: scpDoc(t, denyShare)}
	c = compare(t, without, withUnattached)
	if !c.Holds || len(c.Subjects) != 0 || c.Changed != 0 {
		t.Errorf("an SCP attached to nothing: %+v", c)
	}
	// Moving alice's account from ou-prod (denied) to ou-dev.
	moved := base(t)
	moved.SCPAttachments = withDeny.SCPAttachments
	moved.Nodes[acct1] = Node{Ref: acct1, Parent: &ouDev}
	c = compare(t, withDeny, moved)
	if ch := changeOf(c, subj(alice)); ch == nil || !hasAction(ch.New, "ims:images:share") {
		t.Errorf("moving the account out of the denied OU: alice gains share: %+v", c.Subjects)
	}
}

func TestCompareNodeSubjects(t *testing.T) {
	// acct2 (under ou-dev) holds no principal of the inputs: a change of ou-dev's SCPs
	// names ou-dev, standing for every principal in it, not acct2 again.
	withDeny := base(t)
	withDeny.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Target: ouDev}}
	c := compare(t, withDeny, base(t))
	if c.Holds {
		t.Fatalf("detaching a deny from ou-dev: want new access")
	}
	ch := changeOf(c, nodeSubj(ouDev))
	if ch == nil || !hasAction(ch.New, "ims:images:share") {
		t.Fatalf("want ou-dev named with share, got %+v", c.Subjects)
	}
	if changeOf(c, nodeSubj(acct2)) != nil {
		t.Errorf("acct2 is under ou-dev: named once, through ou-dev")
	}
	if changeOf(c, subj(alice)) != nil {
		t.Errorf("alice's account is not under ou-dev")
	}
	// An account without principals moved out of a denied OU is named.
	withDeny.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Target: ouProd}}
	before := base(t)
	before.SCPAttachments = withDeny.SCPAttachments
	before.Nodes[acct2] = Node{Ref: acct2, Parent: &ouProd}
	after := base(t)
	after.SCPAttachments = withDeny.SCPAttachments
	c = compare(t, before, after)
	if ch := changeOf(c, nodeSubj(acct2)); ch == nil || !hasAction(ch.New, "ims:images:share") {
		t.Errorf("acct2 moved out of ou-prod: want it named with share, got %+v", c.Subjects)
	}
	// An OU that holds a principal of the inputs is named too: the inputs rarely hold
	// every principal of an OU, and the SCP restricts them all.
	withDeny.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Target: ouProd}}
	c = compare(t, withDeny, base(t))
	if ch := changeOf(c, nodeSubj(ouProd)); ch == nil || !hasAction(ch.New, "ims:images:share") {
		t.Errorf("ou-prod holds alice and may hold others: want it named with share, got %+v", c.Subjects)
	}
	if ch := changeOf(c, subj(alice)); ch == nil || !hasAction(ch.New, "ims:images:share") {
		t.Errorf("alice, in ou-prod, gains share: %+v", c.Subjects)
	}
}

// Disabling SCPs changes every node's own level: a node whose deny goes is named, even
// under a root whose own answer does not change.
func TestCompareSCPsDisabledNamesEachNode(t *testing.T) {
	withDeny := base(t)
	withDeny.SCPAttachments = []SCPAttachment{{PolicyID: "s-deny", Target: acct2}}
	disabled := base(t)
	disabled.SCPAttachments = withDeny.SCPAttachments
	disabled.SCPsDisabled = true
	c := compare(t, withDeny, disabled)
	if ch := changeOf(c, nodeSubj(acct2)); ch == nil || !hasAction(ch.New, "ims:images:share") {
		t.Errorf("acct2's deny no longer applies: want it named with share, got %+v", c.Subjects)
	}
}

func TestCompareAttachments(t *testing.T) {
	ref := base(t)
	// Attaching an existing full-access policy to a group: its members gain.
	cand := base(t)
	cand.Attachments = append(cand.Attachments, Attachment{PolicyID: "p-all", Principal: devs})
	c := compare(t, ref, cand)
	if ch := changeOf(c, subj(alice)); c.Holds || ch == nil || !hasAction(ch.New, "ims:images:get") {
		t.Errorf("attaching p-all to devs: alice gains: %+v", c.Subjects)
	}
	// Adding a user to a group.
	cand = base(t)
	cand.Memberships = append(cand.Memberships, Membership{Group: devs.ID, User: bob.ID})
	c = compare(t, ref, cand)
	if ch := changeOf(c, subj(bob)); c.Holds || ch == nil || !hasAction(ch.New, "ims:images:share") {
		t.Errorf("adding bob to devs: bob gains share: %+v", c.Subjects)
	}
	if changeOf(c, subj(alice)) != nil {
		t.Errorf("alice is unchanged")
	}
	// Detaching an identity policy grants nothing.
	cand = base(t)
	cand.Attachments = cand.Attachments[1:]
	c = compare(t, ref, cand)
	if !c.Holds {
		t.Errorf("detaching an identity policy: want holds, got %+v", c.Subjects)
	}
	if ch := changeOf(c, subj(alice)); ch == nil || !hasAction(ch.Removed, "ims:images:share") {
		t.Errorf("detaching: alice loses share: %+v", c.Subjects)
	}
	// A policy and its attachment created together: a new group's members gain.
	cand = base(t)
	ops := PrincipalRef{Group, "g-ops"}
	cand.Principals[ops] = Principal{Ref: ops, Name: "ops"}
	cand.IdentityPolicies["p-new"] = Policy{ID: "p-new", Document: identityDoc(t, allowAll)}
	cand.Attachments = append(cand.Attachments, Attachment{PolicyID: "p-new", Principal: ops})
	c = compare(t, ref, cand)
	if ch := changeOf(c, subj(ops)); c.Holds || ch == nil || len(ch.New) == 0 {
		t.Errorf("a new group with a new policy gains: %+v", c.Subjects)
	}
	// An attachment known only after apply: unknown, never a guess.
	cand = base(t)
	cand.Attachments = append(cand.Attachments, Attachment{Principal: bob, Unknown: "policy_id known only after apply"})
	c = compare(t, ref, cand)
	if c.Status != analysis.Unknown || c.Holds || !strings.Contains(c.Reason, "user u-bob: policy_id known only after apply") {
		t.Errorf("unknown attachment: %s %q holds %v", c.Status, c.Reason, c.Holds)
	}
}

func TestCompareSharesAnalyses(t *testing.T) {
	ref, cand := base(t), base(t)
	for i := range 20 {
		u := PrincipalRef{User, "u" + string(rune('a'+i))}
		for _, e := range []*Estate{ref, cand} {
			e.Principals[u] = Principal{Ref: u, Name: u.ID}
			e.Memberships = append(e.Memberships, Membership{Group: devs.ID, User: u.ID})
		}
	}
	cand.Attachments = append(cand.Attachments, Attachment{PolicyID: "p-get", Principal: devs})
	c := compare(t, ref, cand)
	if c.Changed != 21 || c.Distinct != 1 {
		t.Errorf("21 members of devs changed alike: changed %d, distinct %d, want 21 and 1", c.Changed, c.Distinct)
	}
	if len(c.Subjects) != 21 {
		t.Errorf("each member is reported: %d", len(c.Subjects))
	}
}

func TestBoundUserName(t *testing.T) {
	e := base(t)
	e.Memberships = nil
	e.Attachments = []Attachment{{PolicyID: "p-alice", Principal: alice}, {PolicyID: "p-alice", Principal: bob}}
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	a := permissionsOf(t, p, subj(alice))
	if g := grant(t, a, "ims:images:share"); g != analysis.GrantFull {
		t.Errorf("alice, bound to g:UserName alice: share %s, want full (every request she sends)", g)
	}
	for _, ap := range a.Actions {
		if ap.Action == "ims:images:share" {
			if got := ap.Witness.Context["g:UserName"]; !slices.Equal(got, []string{"alice"}) {
				t.Errorf("alice's witness g:UserName = %v, want [alice]", got)
			}
		}
	}
	if g := grant(t, permissionsOf(t, p, subj(bob)), "ims:images:share"); g != analysis.GrantNone {
		t.Errorf("bob, bound to g:UserName bob: share %s, want none", g)
	}
	// The agency's g:UserName is free: some request of it (one that names alice) is allowed.
	e.Attachments = []Attachment{{PolicyID: "p-alice", Principal: builder}}
	p, err = EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if g := grant(t, permissionsOf(t, p, subj(builder)), "ims:images:share"); g != analysis.GrantPartial {
		t.Errorf("agency with g:UserName free: share %s, want partial", g)
	}
}

func TestMustNotAllowExceptions(t *testing.T) {
	e := base(t)
	// admins (a group with member bob) may share; devs (alice) may too, but is not
	// excepted.
	e.Principals[admins] = Principal{Ref: admins, Name: "image-admins"}
	e.Memberships = append(e.Memberships, Membership{Group: admins.ID, User: bob.ID})
	e.Attachments = append(e.Attachments, Attachment{PolicyID: "p-share", Principal: admins})
	rule := Forbidden{Name: "share", Actions: []string{"ims:images:share"}, ExceptPrincipals: []string{"iam::*:group:image-admins"}}
	r, err := MustNotAllow(e, []Forbidden{rule}, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Passed || len(r.Rules) != 1 {
		t.Fatalf("alice may share: want a violation, got %+v", r)
	}
	var names []string
	for _, v := range r.Rules[0].Violations {
		names = append(names, v.Subject.String())
		if !hasAction(v.Witnesses, "ims:images:share") {
			t.Errorf("%s: witnesses %v", v.Subject, v.Witnesses)
		}
	}
	if !slices.Equal(names, []string{"user u-alice"}) {
		t.Errorf("violations %v, want alice only (bob is in image-admins)", names)
	}
	// Without alice's group policy, the rule passes.
	e.Attachments = slices.DeleteFunc(e.Attachments, func(a Attachment) bool { return a.Principal == devs })
	r, err = MustNotAllow(e, []Forbidden{rule}, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed {
		t.Errorf("only image-admins may share: want passed, got %+v", r.Rules[0].Violations)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(e *Estate)
		want  string
	}{
		{"principal without kind", func(e *Estate) { e.Principals[PrincipalRef{ID: "x"}] = Principal{} }, `principal "x" has no kind`},
		{"principal key", func(e *Estate) { e.Principals[bob] = Principal{Ref: alice} }, "key each principal by its Ref"},
		{"policy without document", func(e *Estate) { e.IdentityPolicies["p-x"] = Policy{ID: "p-x"} }, `identity policy "p-x" has no document`},
		{"policy key", func(e *Estate) { e.SCPs["s-x"] = Policy{ID: "s-y", System: true} }, "key each policy by its ID"},
		{"attachment without policy", func(e *Estate) { e.Attachments = append(e.Attachments, Attachment{Principal: bob}) }, "has no policy id"},
		{"attachment without principal", func(e *Estate) { e.Attachments = append(e.Attachments, Attachment{PolicyID: "p-all"}) }, "has no kind"},
		{"membership", func(e *Estate) { e.Memberships = append(e.Memberships, Membership{Group: devs.ID}) }, "lacks its group or its user"},
		{"node without kind", func(e *Estate) { e.Nodes[NodeRef{ID: "ou-x"}] = Node{} }, `node "ou-x" has no kind`},
		{"cycle", func(e *Estate) {
			e.Nodes[ouProd] = Node{Ref: ouProd, Parent: &acct1}
		}, "cycle through"},
		{"SCP attachment target", func(e *Estate) {
			e.SCPAttachments = append(e.SCPAttachments, SCPAttachment{PolicyID: "s-deny"})
		}, "the target of SCP attachment 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := base(t)
			tc.spoil(e)
			_, err := EffectivePermissions(e, analysis.Budget{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
			if _, err := Compare(base(t), e, analysis.Budget{}); err == nil || !strings.HasPrefix(err.Error(), "candidate: estate: ") {
				t.Errorf("Compare: got %v, want the candidate's error", err)
			}
		})
	}
	if err := base(t).Validate(); err != nil {
		t.Errorf("the base estate: %v", err)
	}
}

func TestUnknownMembers(t *testing.T) {
	e := base(t)
	// devs has alice, and a member known only after apply: devs is a subject too.
	e.Memberships = append(e.Memberships, Membership{Group: devs.ID, Unknown: "user_id of membership.m is known only after apply"})
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	d := permissionsOf(t, p, subj(devs))
	if d.Status != analysis.Unknown || !strings.Contains(d.Reason, "membership.m") {
		t.Errorf("devs with an unknown member: %s %q", d.Status, d.Reason)
	}
	if g := grant(t, permissionsOf(t, p, subj(alice)), "ims:images:share"); g != analysis.GrantFull {
		t.Errorf("alice, a known member: share %s", g)
	}
	// A user whose memberships are not all known is unknown.
	e.Memberships = append(e.Memberships, Membership{User: bob.ID, Unknown: "group_id of membership.n is known only after apply"})
	p, err = EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if b := permissionsOf(t, p, subj(bob)); b.Status != analysis.Unknown || !strings.Contains(b.Reason, "membership.n") {
		t.Errorf("bob with an unknown group: %s %q", b.Status, b.Reason)
	}
}

func TestUserIDStandingForName(t *testing.T) {
	// Only alice's name is known: her ID is her name, and g:UserId is free.
	const byID = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"],` +
		`"Condition":{"StringEquals":{"g:UserId":["0123abcd"]}}}]}`
	e := base(t)
	named := PrincipalRef{User, "alice"}
	e.Principals = map[PrincipalRef]Principal{named: {Ref: named, Name: "alice"}}
	e.Memberships = nil
	e.IdentityPolicies["p-id"] = Policy{ID: "p-id", Document: identityDoc(t, byID)}
	e.Attachments = []Attachment{{PolicyID: "p-id", Principal: named}}
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if g := grant(t, permissionsOf(t, p, subj(named)), "ims:images:get"); g != analysis.GrantPartial {
		t.Errorf("g:UserId not known: get %s, want partial (some id may be hers)", g)
	}
	// With her id, it is bound.
	withID := PrincipalRef{User, "0123abcd"}
	e.Principals = map[PrincipalRef]Principal{withID: {Ref: withID, Name: "alice"}}
	e.Attachments = []Attachment{{PolicyID: "p-id", Principal: withID}}
	p, err = EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if g := grant(t, permissionsOf(t, p, subj(withID)), "ims:images:get"); g != analysis.GrantFull {
		t.Errorf("g:UserId bound to hers: get %s, want full", g)
	}
}

func TestMustNotAllowURNNotKnown(t *testing.T) {
	e := base(t)
	e.Account = ""
	e.Principals[alice] = Principal{Ref: alice, Name: "alice"} // no account: no URN
	rule := Forbidden{Actions: []string{"ims:images:share"}, ExceptPrincipals: []string{"iam::*:user:alice"}}
	r, err := MustNotAllow(e, []Forbidden{rule}, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != analysis.Unknown || r.Passed || !strings.Contains(r.Reason, "URN") {
		t.Errorf("alice may share and her URN is not known: want unknown, got %s %q", r.Status, r.Reason)
	}
	e.Account = "acct1"
	r, err = MustNotAllow(e, []Forbidden{rule}, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed {
		t.Errorf("alice is excepted by her URN: %+v", r.Rules[0].Violations)
	}
}

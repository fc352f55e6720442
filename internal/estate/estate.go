// Package estate is the access graph: it holds an estate (identity policies, principals,
// group membership, identity policy attachments, the organisation tree, SCPs and their
// attachments), flattens each principal to its effective configuration, and asks package
// analysis, exactly and with witnesses, who can do what: effective permissions per
// principal (EffectivePermissions), new and removed access per principal between two
// estates (Compare), and forbidden access across principals (MustNotAllow). A document
// grants nothing until it is attached, and an SCP restricts only the nodes it is
// attached to: the answers live in the attachments.
//
// # The model
//
// A subject is who an answer is about. The subjects of an estate are:
//
//   - each user: its identity policies are its own and those of every group it is a
//     member of;
//   - each group with no member user in the inputs (an IAM-only plan often holds a
//     group and its attachments but not its users): it stands for any member, with the
//     group's policies only (a member's own policies are not in the inputs); a group
//     with a member user in the inputs is answered through its users, unless a
//     membership's user is not known (then the group is a subject too, Unknown);
//   - each agency, with its own policies;
//   - in a comparison only, an OU or an account whose SCPs change (even one in which
//     principals of the inputs live: the inputs rarely hold all of them, and an SCP
//     restricts them all): that node, standing for every principal in it, with
//     an identity side that allows everything, so that the SCP side alone decides (a
//     node under such a node, in the same place, with its own SCPs unchanged, is not
//     named again: whatever it newly allows, its parent newly allows too; a node in one
//     estate only is not one).
//
// In a comparison a principal in one estate only is compared with itself holding no
// identity policy in the other, and a group is a subject when it is one in the candidate
// (or, when the candidate no longer holds it, in the reference).
//
// The SCP side of a subject is the levels of its account's path in the organisation
// tree, root first (evaluator.SCPLevel), each level holding the SCPs attached to that
// node in the inputs. A level whose SCPs in the inputs allow nothing (there are none, or
// they only deny) also holds the system FullAccess SCP: the service attaches FullAccess to
// every node when SCPs are enabled and keeps at least one SCP on every node ("After the
// SCP type is enabled, Organizations automatically attach the FullAccess policy ... to
// all OUs and accounts", https://support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0034.html;
// "You cannot detach the last SCP from an OU or account",
// https://support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0037.html),
// and a Terraform configuration rarely manages that attachment. A level with an SCP that
// allows something is taken as written (inferred: an allow-list works only once
// FullAccess is detached, so whoever wrote one detached it). The same rule is
// analysis.SCPLevel, which the document-by-document comparison uses too.
//
// There is no SCP side (the identity side alone decides) for the organisation's
// management account (Estate.ManagementAccount: "SCPs affect only member accounts in an
// organization. They have no effect on the management account", the page above), and
// when the organisation is known not to enforce SCPs (Estate.SCPsDisabled). When the
// account's place in the tree is not given (its account is unknown, or the chain of
// parents does not reach the root), the identity side is analysed alone and the answer
// says BeforeSCPs; in a comparison, when either side is so, both are.
//
// # Principal-bound keys
//
// Each subject's witnesses are requests that subject can send: the condition keys
// g:PrincipalUrn, g:PrincipalAccount, g:PrincipalOrgPath, g:UserId and g:UserName are
// bound to the subject's values where they are known (analysis.Options.Bound): the
// analysis gives such a key that value alone, never another. Where a value is not known
// the key is left free (it ranges over every value, as any key does), which can only
// report more:
//
//   - g:PrincipalUrn is iam::<account-id>:user:<name> for a user, with the forms of the
//     vendor's page "Using URNs to Identify Huawei Cloud Resources"
//     (https://support.huaweicloud.com/intl/en-us/usermanual-iam5/iam_01_1275.html);
//     it is free for a group (a member's name is not known) and for an agency (its
//     requests are sent by sessions, sts::<account-id>::assumed-agency:<name>/<session>,
//     whose session name the caller chooses, per the same page);
//   - g:UserId and g:UserName are a user's id (unless its PrincipalRef.ID is its name,
//     standing for an id not known) and name; free for a group and for an agency (inferred: the vendor does not say what an agency session's requests carry,
//     and free is the side that cannot miss);
//   - g:PrincipalAccount is the subject's account; g:PrincipalOrgPath is
//     <org-id>/<root-id>/(<ou-id>/)*<account-id> when the organisation id and the whole
//     path are known.
//
// A key whose value is known on one side of a comparison only is free on both.
//
// # Unknown parts
//
// A part whose value is not known (Policy.Unknown, Attachment.Unknown, ...) makes the
// answers that depend on it Unknown, with its reason, and nothing is claimed for them: a
// subject with an unknown policy or attachment, a user with an unknown membership, every
// subject under a node with an unknown SCP attachment, and, for a part that cannot be
// placed (Estate.Unknowns, an attachment to an unknown principal or node), every subject.
// A system identity policy attached by id whose document the inputs do not hold is such
// a part ("its document is not in the inputs"). The system FullAccess SCP is known: it
// allows everything.
//
// # IAM v3 roles
//
// An IAM v3 role ("Version": "1.1" custom policy, Estate.V3Roles) grants nothing until a
// role assignment (Estate.RoleAssignments) gives it to a user, a group or an agency in a
// scope: all projects, one project, one enterprise project, or the domain (global
// services). A v3 role and a v5 policy share no action names that mean the same, so a
// subject that holds a v3 role on either side of a comparison is compared at the level
// of API calls (package apicall): on each side its v5 identity policies (in every scope)
// and the v3 roles that grant in the scope are one apicall.Principal, combined by
// apicall's rule (written there only), and apicall.ComparePrincipals gives the calls it
// gains and loses (SubjectChange.NewCalls, RemovedCalls). Scopes are compared one by one:
// each project an assignment of the subject names (roles assigned in all projects and
// in that project), then every other project (roles assigned in all projects); the
// answer names its scope (SubjectChange.Scope: "group g-1 in project p-1"). A subject
// with no v3 role on either side is compared as above, at no extra cost, and equal pairs
// of API-level configurations share one analysis too.
//
// What is not decided is Unknown with its reason, never a claim:
//
//   - a role assigned in an enterprise project (its grant depends on each resource's
//     enterprise project, which the API tables do not model: reference notes C8) or in
//     the domain (whether a grant for global services reaches IMS, a region-specific
//     service, is not given);
//   - a role whose document is not in the inputs (a system role), not known, has an
//     error finding, or depends on other roles (Depends);
//   - a subject whose account's SCPs restrict anything: SCPs are written in v5 actions,
//     and how they bound a call granted through the v3 table is not decided (SCP levels
//     that hold only the FullAccess SCP restrict nothing and are left out);
//   - in the action-level questions (EffectivePermissions, MustNotAllow), every subject
//     holding a v3 role: its permissions are per API call, not per v5 action.
//
// At the API level the principal-bound keys are free (which can only report more).
//
// # Cost
//
// Subjects with equal effective configurations (the documents' normal forms, the levels,
// the bound keys) share one analysis, and a comparison analyses only the subjects whose
// configuration differs between the two estates: its cost grows with the changed
// subjects, not with the estate. Each analysis is within the question's analysis.Budget.
package estate

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// PrincipalKind is the kind of an IAM principal.
type PrincipalKind uint8

const (
	// User is an IAM user.
	User PrincipalKind = iota + 1
	// Group is an IAM user group.
	Group
	// Agency is an IAM agency (or trust agency).
	Agency
)

// String gives "user", "group" or "agency".
func (k PrincipalKind) String() string {
	switch k {
	case User:
		return "user"
	case Group:
		return "group"
	case Agency:
		return "agency"
	}
	return "principal"
}

// PrincipalRef names a principal.
type PrincipalRef struct {
	Kind PrincipalKind
	// ID is the IAM id, or the name when only the name is known (Principal.Name says).
	ID string
}

// String gives "user <id>".
func (r PrincipalRef) String() string { return r.Kind.String() + " " + r.ID }

// Principal is a user, a group or an agency.
type Principal struct {
	Ref PrincipalRef
	// Name is the user, group or agency name; "" when unknown.
	Name string
	// Account is the id of the account the principal lives in; "" for Estate.Account.
	Account string
}

// NodeKind is the kind of a node of the organisation tree.
type NodeKind uint8

const (
	// Root is the organisation's root (r-...).
	Root NodeKind = iota + 1
	// OU is an organisational unit (ou-...).
	OU
	// Account is a member (or the management) account.
	Account
)

// String gives "root", "OU" or "account".
func (k NodeKind) String() string {
	switch k {
	case Root:
		return "root"
	case OU:
		return "OU"
	case Account:
		return "account"
	}
	return "node"
}

// NodeRef names a node of the organisation tree.
type NodeRef struct {
	Kind NodeKind
	ID   string // r-..., ou-..., or the account id
}

// String gives "OU <id>".
func (r NodeRef) String() string { return r.Kind.String() + " " + r.ID }

// Node is a node of the organisation tree.
type Node struct {
	Ref  NodeRef
	Name string
	// Parent is nil for the root, or when the parent is not in the inputs (then the
	// node's place in the tree is unknown).
	Parent *NodeRef
}

// Policy is an identity policy or an SCP.
type Policy struct {
	ID, Name string
	// Document is the policy's checked document; nil when Unknown is set, or for a
	// system policy whose document the inputs do not hold.
	Document *policy.Checked
	// Unknown, when set, says why the document is not known, in words a reviewer reads
	// ("document of imspolicy_identity_policy.dev is known only after apply").
	Unknown string
	// System marks a system policy referenced by id: without a Document its answers are
	// unknown, except for the FullAccess SCP, which allows everything.
	System bool
}

// Attachment attaches an identity policy to a user, a group or an agency.
type Attachment struct {
	PolicyID  string
	Principal PrincipalRef
	// Unknown, when set, says why the attachment is not known (its policy id, or its
	// principal, known only after apply): the answers of its principal (of every
	// principal, when Principal.ID is "") are unknown.
	Unknown string
}

// Membership makes a user a member of a group.
type Membership struct {
	Group, User string // group id, user id
	// Unknown, when set, says why the membership is not known: the user's answers (when
	// User is given), the group's as a subject standing for an unknown member (when only
	// Group is), or every user's (when neither is) are unknown.
	Unknown string
}

// SCPAttachment attaches an SCP to the root, an OU or an account.
type SCPAttachment struct {
	PolicyID string
	Target   NodeRef
	// Unknown, when set, says why the attachment is not known: the answers of every
	// subject under Target (every subject with an SCP side, when Target.ID is "") are
	// unknown.
	Unknown string
}

// Estate is the access graph: what grants access (identity policies and their
// attachments to principals, through groups too) and what bounds it (SCPs and their
// attachments to the nodes of the organisation tree).
type Estate struct {
	// Organization is the organisation's id (o-...), for g:PrincipalOrgPath; "" when
	// unknown.
	Organization string
	// Account is the account of the principals whose Account is ""; "" when unknown.
	Account string
	// ManagementAccount is the organisation's management account, to which SCPs do not
	// apply; "" when unknown (then every account is taken as a member account).
	ManagementAccount string
	// SCPsDisabled is true when the organisation is known not to enforce SCPs
	// (service_control_policy not in its enabled policy types): no SCP side applies.
	SCPsDisabled bool

	// IdentityPolicies and SCPs are the policies by id.
	IdentityPolicies map[string]Policy
	SCPs             map[string]Policy
	// Principals are the users, groups and agencies by their Ref; a principal named only
	// by a membership or an attachment is one too, with no name.
	Principals map[PrincipalRef]Principal
	// Memberships make users members of groups.
	Memberships []Membership
	// Attachments attach identity policies to principals.
	Attachments []Attachment
	// Nodes are the organisation tree's root, OUs and accounts by their Ref.
	Nodes map[NodeRef]Node
	// SCPAttachments attach SCPs to nodes.
	SCPAttachments []SCPAttachment
	// V3Roles are the IAM v3 roles by id; RoleAssignments assign them to principals in a
	// scope (see "IAM v3 roles" in the package comment).
	V3Roles         map[string]V3Role
	RoleAssignments []RoleAssignment
	// Unknowns are parts not placed anywhere, each a reason: every answer is unknown.
	Unknowns []string
}

// Subject is who an answer is about: a principal, or, when an SCP change affects an OU
// or an account, that node, standing for every principal in it (those of the inputs are
// answered on their own too). Exactly one of the two is set.
type Subject struct {
	Principal *PrincipalRef
	Node      *NodeRef
}

// String gives "user <id>" or "OU <id>".
func (s Subject) String() string {
	if s.Principal != nil {
		return s.Principal.String()
	}
	if s.Node != nil {
		return s.Node.String()
	}
	return "nobody"
}

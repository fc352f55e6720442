package cli

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// policyAttribute is a resource type's attribute that holds a policy document: read and
// checked as purpose in language, or, when notRead is set, reported as not checked with
// that reason.
type policyAttribute struct {
	resourceType, attribute string
	purpose                 policy.Purpose
	// language is the document's grammar: V3 for IAM v3 (Version 1.1) custom policies.
	language policy.Language
	// notRead, when set, is why the document is not checked.
	notRead unchecked
	// typeIs, when set, is the value the resource's "type" attribute must have for the
	// document to be of purpose; a document of any other type is reported as not
	// checked with otherType.
	typeIs    string
	otherType unchecked
	// computed: the provider fills the attribute in when the configuration leaves it out
	// (Optional and Computed), so an unknown or empty value of a type not read is no sign
	// of a document, and is passed over rather than reported.
	computed bool
	// serviceWritten: the attribute is Computed only, written by the service, never by the
	// configuration; it is listed for completeness, and never reported (there is nothing
	// a configuration could fix).
	serviceWritten bool
}

// Reasons for documents of resource types this command does not check. other_policy_type
// is the stable name in JSON and SARIF; the text is the row's. iamV3 is diff-access's
// reason for a v3 document, which check reads but the analyser does not compare.
var (
	iamV3 = unchecked{name: "iam_v3", text: "an IAM v3 (Version 1.1) document; this command checks IAM v5 identity policies and SCPs", notRead: true}
	// iamV3Role is diff-access --plan's reason for a changed v3 document of a type whose
	// grants the estate does not read (an Identity Center permission set's custom role,
	// provisioned to accounts through account assignments).
	iamV3Role = "an IAM v3 (Version 1.1) document of an Identity Center permission set, which grants through its account assignments; diff-access --plan does not read those, so who gains access through it is not decided"
	// notSCPType is an Organizations policy of a type other than service_control_policy.
	notSCPType = otherPolicyType("an Organizations policy whose type is not service_control_policy (a tag policy, say): not an SCP")
)

// otherPolicyType is the reason for a document that is a policy, but of another grammar
// than IAM v5 identity policies and SCPs.
func otherPolicyType(text string) unchecked {
	return unchecked{name: "other_policy_type", text: text, notRead: true, outOfScope: true}
}

// policyAttributes is every resource attribute known to hold a policy document, of this
// provider and of the huaweicloud provider: the ones this command checks, and the ones it
// reports as not checked, with the reason. The "Checking policies in CI" guide lists this
// table (a test keeps the two in step).
//
// The huaweicloud provider's types and attributes are from its sources,
// github.com/huaweicloud/terraform-provider-huaweicloud (commit a0345b8, August 2026):
// huaweicloud/provider.go registers the types (huaweicloud_identity_policy is
// iam.ResourceV5Policy, the same resource as huaweicloud_identityv5_policy), and
// docs/resources/<type>.md and huaweicloud/services/<service>/resource_huaweicloud_<type>.go
// give the attributes. huaweicloud_organizations_dry_run_policy (since April 2026,
// services/organizations/resource_huaweicloud_organizations_dry_run_policy.go) takes its
// document in content and its kind in type, whose one documented value is
// service_control_policy. huaweicloud_identitycenter_permission_set holds no document (its
// policies are attached by the *_policy_attachment and *_role_attachment types).
var policyAttributes = []policyAttribute{
	{resourceType: "imspolicy_identity_policy", attribute: "policy", purpose: policy.Identity},
	{resourceType: "imspolicy_service_control_policy", attribute: "content", purpose: policy.SCP},
	{resourceType: "huaweicloud_identityv5_policy", attribute: "policy_document", purpose: policy.Identity},
	{resourceType: "huaweicloud_identity_policy", attribute: "policy_document", purpose: policy.Identity},
	// IAM Identity Center custom policies are 5.0 documents.
	{resourceType: "huaweicloud_identitycenter_custom_policy_attachment", attribute: "custom_policy", purpose: policy.Identity},
	{resourceType: "huaweicloud_organizations_policy", attribute: "content", purpose: policy.SCP,
		typeIs: "service_control_policy", otherType: notSCPType},
	{resourceType: "huaweicloud_organizations_dry_run_policy", attribute: "content", purpose: policy.SCP,
		typeIs: "service_control_policy", otherType: otherPolicyType("an Organizations dry-run policy whose type is not service_control_policy: not an SCP")},

	// IAM v3 custom policies (Version 1.1): identity_role.md's policy ("the content of the
	// custom policy", its example a 1.1 document) and identitycenter_custom_role_attachment.md's
	// custom_role (its example a 1.1 document). huaweicloud_identity_temporary_access_key's
	// session policy is of the v3 grammar too, but grants nothing beyond OBS (below).
	{resourceType: "huaweicloud_identity_role", attribute: "policy", purpose: policy.Identity, language: policy.V3},
	{resourceType: "huaweicloud_identitycenter_custom_role_attachment", attribute: "custom_role", purpose: policy.Identity, language: policy.V3},
	{resourceType: "huaweicloud_identity_temporary_access_key", attribute: "policy",
		notRead: otherPolicyType("a session policy that narrows a temporary access key (IAM v3 grammar, honoured by OBS only)")},
	// A trust policy decides who may assume an agency, and so who gets the agency's
	// access to IMS: not read, but in scope (--strict fails on it, diff-access answers
	// unknown), so that a gate never passes a change it did not see.
	{resourceType: "huaweicloud_identity_trust_agency", attribute: "trust_policy",
		notRead: unchecked{name: "other_policy_type", notRead: true,
			text: "a trust policy (who may assume the agency, and so who gets the agency's access), not an identity policy"}},
	{resourceType: "huaweicloud_identity_service_agency", attribute: "trust_policy", serviceWritten: true,
		notRead: otherPolicyType("a trust policy, written by the service (computed only), not an identity policy")},
	{resourceType: "huaweicloud_identityv5_service_linked_agency", attribute: "trust_policy", serviceWritten: true,
		notRead: otherPolicyType("a trust policy, written by the service (computed only), not an identity policy")},
	{resourceType: "huaweicloud_obs_bucket", attribute: "policy", computed: true,
		notRead: otherPolicyType("an OBS bucket policy, in OBS's or S3's own grammar (policy_format), not an IAM policy")},
	{resourceType: "huaweicloud_obs_bucket_policy", attribute: "policy",
		notRead: otherPolicyType("an OBS bucket policy, in OBS's or S3's own grammar (policy_format), not an IAM policy")},
	// policy_document is an interface endpoint's policy, a 5.0 document with Principal;
	// policy_statement a gateway endpoint's (OBS, SFS), a JSON list of statements.
	{resourceType: "huaweicloud_vpcep_endpoint", attribute: "policy_document", computed: true,
		notRead: otherPolicyType("a VPC endpoint policy (resource-based, with Principal), not an identity policy")},
	{resourceType: "huaweicloud_vpcep_endpoint", attribute: "policy_statement", computed: true,
		notRead: otherPolicyType("a gateway VPC endpoint policy (a JSON list of statements for OBS or SFS), not an identity policy")},
}

// attributesByType is policyAttributes by resource type, in the table's order.
var attributesByType = func() map[string][]policyAttribute {
	m := make(map[string][]policyAttribute, len(policyAttributes))
	for _, a := range policyAttributes {
		m[a.resourceType] = append(m[a.resourceType], a)
	}
	return m
}()

// estateRole is what a resource type is in an estate (the access graph).
type estateRole uint8

const (
	roleIdentityPolicy     estateRole = iota + 1 // an identity policy: id, name, document
	roleDefaultVersion                           // sets an identity policy's default version
	roleIdentityAttachment                       // an identity policy attached to a user, group or agency
	roleMembership                               // users in a group
	rolePrincipal                                // a user, group or agency
	roleSCP                                      // an SCP: id, name, document
	roleSCPAttachment                            // an SCP attached to the root, an OU or an account
	roleOU                                       // an organisational unit: id, name, parent
	roleAccount                                  // an account of the organisation: id, name, parent
	roleAccountPlacement                         // moves an account under a root or OU
	roleOrganization                             // the organisation: its root and enabled policy types
	roleSCPEnablement                            // enables SCPs on the root
	roleEnforcesNothing                          // an Organizations dry-run policy or its attachment
	roleV3Role                                   // an IAM v3 custom role: id, name, document
	roleRoleAssignment                           // a v3 role assigned to a user or group in a scope
)

// estateResource is how the estate reads a resource type: its role, and the attributes
// that hold each part ("" where the type has none).
type estateResource struct {
	role estateRole
	// document is the attribute holding the policy document (policyAttributes checks
	// the same attribute); typeIs, when set, is the value "type" must have (an
	// Organizations policy of another type is no SCP).
	document, typeIs string
	// name is the attribute holding the name; urn the one holding the URN.
	name, urn string
	// policy holds a policy's id; policyNames a list of policy names attached.
	policy, policyNames string
	// principalKind is the principal's kind when the type fixes it ("user", "group",
	// "agency"); principalTypeAttr the attribute that says it otherwise; principal the
	// attribute with its id.
	principalKind, principalTypeAttr, principal string
	// group and users (a list) or user: a membership.
	group, users string
	// target holds an SCP attachment's root, OU or account id; parent a node's parent;
	// account the account a placement moves; root the organisation's root id.
	target, parent, account, root string
	// enabledTypes: the organisation's enabled_policy_types.
	enabledTypes string
	// role holds a role assignment's role id; the scope attributes its domain, project
	// ("all": every project) and enterprise project (exactly one is set).
	roleID, domain, project, enterpriseProject string
	// agencyRoles: the agency's role blocks (huaweicloud_identity_agency: project_role,
	// domain_roles, all_resources_roles, enterprise_project_roles), roles by name.
	agencyRoles bool
}

// estateResources is every resource type the estate is built from, of this provider
// (internal/provider) and of the huaweicloud provider. The huaweicloud types and
// attributes are from github.com/huaweicloud/terraform-provider-huaweicloud at commit
// a0345b8 (August 2026): huaweicloud/provider.go registers them (huaweicloud_identity_policy
// and huaweicloud_identity_policy_agency_attach are aliases of the v5 types), and
// docs/resources/<type>.md gives each one's arguments and attributes;
// huaweicloud_identity_trust_agency (docs/incubating/identity_trust_agency.md) is an IAM
// v5 agency (POST /v5/agencies) that attaches policies by name (policy_names);
// huaweicloud_identity_agency (docs/resources/identity_agency.md) an agency made through
// IAM v3, to which huaweicloud_identityv5_policy_agency_attach attaches v5 policies (the
// provider has no huaweicloud_identityv5_agency). The
// Organizations dry-run policy and its entity attachment only simulate: they enforce
// nothing (docs/resources/organizations_dry_run_policy.md).
//
// IAM v3 (same commit): huaweicloud_identity_role (docs/resources/identity_role.md) is a
// custom policy ("Version": "1.1") that grants through role assignments:
// huaweicloud_identity_group_role_assignment (identity_group_role_assignment.md: group_id,
// role_id, and exactly one of domain_id, project_id ("all": every project, existing and
// future) and enterprise_project_id), huaweicloud_identity_user_role_assignment
// (identity_user_role_assignment.md: user_id, role_id, enterprise_project_id), and the
// agency's role blocks (identity_agency.md: project_role {project, roles},
// domain_roles, all_resources_roles, enterprise_project_roles {enterprise_project,
// roles}; roles and projects by name). provider.go registers the deprecated names
// huaweicloud_identity_role_assignment and huaweicloud_identity_role_assignment_v3 with the
// group assignment's function, and huaweicloud_iam_agency, huaweicloud_iam_agency_v3 with
// the agency's. The principals of IAM v3 (the same IAM users and groups): huaweicloud_identity_group
// (identity_group.md: name), huaweicloud_identity_user (identity_user.md: name; no URN),
// huaweicloud_identity_group_membership (identity_group_membership.md: group, users), and
// their deprecated names with _v3. internal/cli/testdata/estate/HUAWEICLOUD-SCHEMAS.md
// records their attributes.
var estateResources = map[string]estateResource{
	"imspolicy_identity_policy":                   {role: roleIdentityPolicy, document: "policy", name: "name", urn: "urn"},
	"imspolicy_identity_policy_attachment":        {role: roleIdentityAttachment, policy: "policy_id", principalTypeAttr: "principal_type", principal: "principal_id"},
	"imspolicy_service_control_policy":            {role: roleSCP, document: "content", name: "name", urn: "urn"},
	"imspolicy_service_control_policy_attachment": {role: roleSCPAttachment, policy: "policy_id", target: "target_id"},
	"imspolicy_scp_enablement":                    {role: roleSCPEnablement, root: "root_id"},

	"huaweicloud_identityv5_policy":                          {role: roleIdentityPolicy, document: "policy_document", name: "name", urn: "urn"},
	"huaweicloud_identity_policy":                            {role: roleIdentityPolicy, document: "policy_document", name: "name", urn: "urn"},
	"huaweicloud_identityv5_policy_default_version":          {role: roleDefaultVersion, policy: "policy_id"},
	"huaweicloud_identityv5_policy_user_attach":              {role: roleIdentityAttachment, policy: "policy_id", principalKind: "user", principal: "user_id"},
	"huaweicloud_identityv5_policy_group_attach":             {role: roleIdentityAttachment, policy: "policy_id", principalKind: "group", principal: "group_id"},
	"huaweicloud_identityv5_policy_agency_attach":            {role: roleIdentityAttachment, policy: "policy_id", principalKind: "agency", principal: "agency_id"},
	"huaweicloud_identity_policy_agency_attach":              {role: roleIdentityAttachment, policy: "policy_id", principalKind: "agency", principal: "agency_id"},
	"huaweicloud_identityv5_group_membership":                {role: roleMembership, group: "group_id", users: "user_id_list"},
	"huaweicloud_identityv5_user":                            {role: rolePrincipal, principalKind: "user", name: "name", urn: "urn"},
	"huaweicloud_identityv5_group":                           {role: rolePrincipal, principalKind: "group", name: "group_name", urn: "urn"},
	"huaweicloud_identity_agency":                            {role: rolePrincipal, principalKind: "agency", name: "name", agencyRoles: true},
	"huaweicloud_identity_group":                             {role: rolePrincipal, principalKind: "group", name: "name"},
	"huaweicloud_identity_group_v3":                          {role: rolePrincipal, principalKind: "group", name: "name"},
	"huaweicloud_identity_user":                              {role: rolePrincipal, principalKind: "user", name: "name"},
	"huaweicloud_identity_user_v3":                           {role: rolePrincipal, principalKind: "user", name: "name"},
	"huaweicloud_identity_group_membership":                  {role: roleMembership, group: "group", users: "users"},
	"huaweicloud_identity_group_membership_v3":               {role: roleMembership, group: "group", users: "users"},
	"huaweicloud_identity_role":                              {role: roleV3Role, document: "policy", name: "name"},
	"huaweicloud_identity_group_role_assignment":             {role: roleRoleAssignment, principalKind: "group", principal: "group_id", roleID: "role_id", domain: "domain_id", project: "project_id", enterpriseProject: "enterprise_project_id"},
	"huaweicloud_identity_user_role_assignment":              {role: roleRoleAssignment, principalKind: "user", principal: "user_id", roleID: "role_id", enterpriseProject: "enterprise_project_id"},
	"huaweicloud_identity_role_assignment":                   {role: roleRoleAssignment, principalKind: "group", principal: "group_id", roleID: "role_id", domain: "domain_id", project: "project_id", enterpriseProject: "enterprise_project_id"},
	"huaweicloud_identity_role_assignment_v3":                {role: roleRoleAssignment, principalKind: "group", principal: "group_id", roleID: "role_id", domain: "domain_id", project: "project_id", enterpriseProject: "enterprise_project_id"},
	"huaweicloud_iam_agency":                                 {role: rolePrincipal, principalKind: "agency", name: "name", agencyRoles: true},
	"huaweicloud_iam_agency_v3":                              {role: rolePrincipal, principalKind: "agency", name: "name", agencyRoles: true},
	"huaweicloud_identity_trust_agency":                      {role: rolePrincipal, principalKind: "agency", name: "name", urn: "urn", policyNames: "policy_names"},
	"huaweicloud_organizations_policy":                       {role: roleSCP, document: "content", typeIs: "service_control_policy", name: "name", urn: "urn"},
	"huaweicloud_organizations_policy_attach":                {role: roleSCPAttachment, policy: "policy_id", target: "entity_id"},
	"huaweicloud_organizations_organizational_unit":          {role: roleOU, name: "name", parent: "parent_id"},
	"huaweicloud_organizations_account":                      {role: roleAccount, name: "name", parent: "parent_id"},
	"huaweicloud_organizations_account_associate":            {role: roleAccountPlacement, account: "account_id", parent: "parent_id", name: "name"},
	"huaweicloud_organizations_organization":                 {role: roleOrganization, root: "root_id", enabledTypes: "enabled_policy_types"},
	"huaweicloud_organizations_dry_run_policy":               {role: roleEnforcesNothing},
	"huaweicloud_organizations_dry_run_policy_entity_attach": {role: roleEnforcesNothing},
}

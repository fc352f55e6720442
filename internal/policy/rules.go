package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a finding stops a policy (Error) or only deserves a look (Warning).
type Severity int

const (
	Error Severity = iota + 1
	Warning
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Purpose is what a document is for; the rules and the size limit differ.
type Purpose int

const (
	Identity Purpose = iota // an IAM identity policy
	SCP                     // an Organizations service control policy
)

var purposes = []struct {
	name     string
	document string // what a document of the purpose is, for messages
	maxChars int    // the vendor's limit, counted as Chars counts (size.go)
}{
	Identity: {"identity", "identity policy", MaxIdentityChars},
	SCP:      {"scp", "service control policy", MaxSCPChars},
}

func (p Purpose) String() string {
	if p < 0 || int(p) >= len(purposes) {
		return fmt.Sprintf("Purpose(%d)", int(p))
	}
	return purposes[p].name
}

// documentName says what a document of the purpose is: "identity policy", "service control policy".
func (p Purpose) documentName() string { return purposes[p].document }

// MaxChars is the vendor's size limit for a document of this purpose, counted by Chars
// on the text sent.
func (p Purpose) MaxChars() int { return purposes[p].maxChars }

// ParsePurpose reads "identity" or "scp".
func ParsePurpose(s string) (Purpose, error) {
	for i, p := range purposes {
		if p.name == s {
			return Purpose(i), nil
		}
	}
	return 0, fmt.Errorf(`unknown policy purpose %q: write "identity" or "scp"`, s)
}

// Rule describes one kind of finding.
type Rule struct {
	Code     string
	Severity Severity
	// SCPOnly rules apply to SCPs only, IdentityOnly rules to identity policies only.
	SCPOnly, IdentityOnly bool
	Summary               string // what the rule catches
	Fix                   string // what to write instead
	// Example is a document that draws the finding (checked as an SCP for SCPOnly rules,
	// and as a v3 document for V3 rules).
	Example string
	// Language is the grammar the rule checks: V5 (identity policies and SCPs) or V3
	// (IAM v3 custom policies and roles, checked by CheckV3Text).
	Language Language
}

// ExampleFindings are the findings of the rule's example, checked as the rule's language
// and purpose would check it.
func (r Rule) ExampleFindings() []Finding {
	if r.Language == V3 {
		return CheckV3Text([]byte(r.Example)).Findings()
	}
	p := Identity
	if r.SCPOnly {
		p = SCP
	}
	_, fs := CheckJSON([]byte(r.Example), p)
	return fs
}

// Rules returns every rule the checker applies, in a stable order.
func Rules() []Rule { return slices.Clone(rules) }

// rules is the table of findings. Check reports nothing that is not here, and a test
// checks that every Example draws its rule's finding. The v3 rules follow the v5 ones.
var rules = slices.Concat([]Rule{
	// The document's form.
	{Code: "malformed_json", Severity: Error,
		Summary: "The document is not valid JSON, is not UTF-8, or names the same key twice in one object.",
		Fix:     "Fix the JSON at the position given: the message says what was expected there.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"],}]}`},
	{Code: "wrong_type", Severity: Error,
		Summary: "A field has the wrong JSON type: Statement not a list, an action or a condition value that is not a string, ...",
		Fix:     `Write Statement as a list of objects, and Action, Resource and condition values as strings or lists of strings ("42", "true").`,
		Example: `{"Version": "5.0", "Statement": {"Effect": "Allow", "Action": ["ims:images:get"]}}`},
	{Code: "missing_version", Severity: Error,
		Summary: "The document has no Version.",
		Fix:     `Add "Version": "5.0".`,
		Example: `{"Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}`},
	{Code: "wrong_version", Severity: Error,
		Summary: `Version is not "5.0", the only version of the IAM v5 policy grammar.`,
		Fix:     `Write "Version": "5.0".`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}`},
	{Code: "missing_statement", Severity: Error,
		Summary: "The document has no statements.",
		Fix:     `Add "Statement": [{"Effect": ..., "Action": [...]}].`,
		Example: `{"Version": "5.0", "Statement": []}`},
	{Code: "unknown_field", Severity: Error,
		Summary: "The document or a statement has a field the grammar does not have (Principal, Id, a misspelt or mis-cased name).",
		Fix:     "Remove the field, or correct its name: field names are case-sensitive.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "action": ["ims:images:list"]}]}`},
	{Code: "document_too_large", Severity: Error,
		Summary: "The document is over the vendor's limit: " + thousands(MaxIdentityChars) + " characters for an identity policy, " + thousands(MaxSCPChars) +
			" for an SCP, counted on the text as written (the text the service is sent), white space not counted: an escape such as `\\u0069` counts as the 6 characters written.",
		Fix:     "Write escaped characters out, shorten it (wildcards such as ims:images:* instead of long lists), or split it into several policies.",
		Example: tooLargeExample},

	// Statements.
	{Code: "missing_effect", Severity: Error,
		Summary: "A statement has no Effect.",
		Fix:     `Add "Effect": "Allow" or "Effect": "Deny".`,
		Example: `{"Version": "5.0", "Statement": [{"Action": ["ims:images:list"]}]}`},
	{Code: "unknown_effect", Severity: Error,
		Summary: `Effect is neither "Allow" nor "Deny" (the case matters).`,
		Fix:     `Write "Allow" or "Deny".`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "allow", "Action": ["ims:images:list"]}]}`},
	{Code: "missing_action", Severity: Error,
		Summary: "A statement has neither Action nor NotAction.",
		Fix:     `Add "Action": [...] with the actions the statement allows or denies.`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Resource": ["*"]}]}`},
	{Code: "action_and_not_action", Severity: Error,
		Summary: "A statement has both Action and NotAction.",
		Fix:     "Keep one of them, or split the statement in two.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:get"], "NotAction": ["ims:images:list"]}]}`},
	{Code: "resource_and_not_resource", Severity: Error,
		Summary: "A statement has both Resource and NotResource.",
		Fix:     "Keep one of them, or split the statement in two.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:get"], "Resource": ["*"], "NotResource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`},
	{Code: "empty_list", Severity: Error,
		Summary: "Action, NotAction, Resource, NotResource or a condition key's values is an empty list: it matches nothing.",
		Fix:     "Fill the list, or remove the field.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Resource": []}]}`},
	{Code: "duplicate_sid", Severity: Warning,
		Summary: "Two statements have the same Sid.",
		Fix:     "Give each statement its own Sid.",
		Example: `{"Version": "5.0", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["ims:images:list"]}, {"Sid": "A", "Effect": "Allow", "Action": ["ims:quotas:get"]}]}`},

	// Actions.
	{Code: "malformed_action", Severity: Error,
		Summary: "An action is not of the form service:resourceType:operation (or a wildcard pattern, or \"*\"), or has a character that is not ASCII (action names are ASCII, and ignore ASCII case only: `imſ:images:get` with a long s is not `ims:images:get`).",
		Fix:     "Write service:resourceType:operation, such as ims:images:get.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims.images.get"]}]}`},
	{Code: "unknown_action", Severity: Error,
		Summary: "An ims: action is not in the IMS catalog (table actions, aliases and the names Table 2 references are known; the case does not matter).",
		Fix:     "Use the suggested name, or one the imspolicy_actions data source lists.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:gett"]}]}`},
	{Code: "no_matching_action", Severity: Error,
		Summary: "An ims: wildcard pattern matches no IMS action.",
		Fix:     "Correct the pattern so that it matches the actions meant (ims:images:*, ims:*).",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:image:*"]}]}`},
	{Code: "deprecated_action", Severity: Warning,
		Summary: "The statement names an action the vendor no longer recommends (ims:images:share).",
		Fix:     "Use the recommended actions instead (ims:images:addMember, ims:images:deleteMember, ims:images:updateMemberStatus).",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:share"], "Resource": ["*"]}]}`},
	{Code: "allow_not_action", Severity: Warning, IdentityOnly: true,
		Summary: "An Allow statement uses NotAction: it grants every action not listed, of every service, including actions added later.",
		Fix:     "List the actions to allow in Action instead.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "NotAction": ["ims:images:deleteImage"]}]}`},
	{Code: "allow_all_write", Severity: Warning, IdentityOnly: true,
		Summary: "An Allow statement's wildcards grant every IMS write action, deleting images included.",
		Fix:     "List the write actions the principal needs, or use a narrower pattern.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:*"], "Resource": ["*"]}]}`},
	{Code: "alias_grants_more", Severity: Warning,
		Summary: "An Allow statement names an alias, or a pattern matching one, that grants actions beyond what its name says: ims:images:update also allows ims:images:deleteImage (the vendor's Table 1 gives deleteImage that alias, a row in doubt: see the catalog guide). Not counted: actions that only list or read, those whose name begins with the alias's (ims:images:copy reaching copyInRegion), those the vendor recommends in place of the alias (ims:images:share's member actions), and those the statement also names by their own name.",
		Fix:     "Name the table actions meant instead of the alias (ims:images:setTags), or deny the ones not meant in a Deny statement.",
		Example: `{"Version": "5.0", "Statement": [{"Sid": "TagOnly", "Effect": "Allow", "Action": ["ims:images:update"], "Resource": ["*"]}]}`},
	{Code: "read_grant_includes_export", Severity: Warning,
		Summary: "An Allow statement grants only list and read IMS actions, ims:images:export and a list action (ims:images:list, listOsVersion, listImageTags) among them, whether named or brought in by a pattern: a read-only grant, such as access_levels = [\"list\", \"read\"] gives, that also copies images out to an OBS bucket (the vendor classes export as read). A statement that grants export alone, with get only, or with write actions is taken as meant.",
		Fix:     `Leave ims:images:export out of read-only grants (filter it out of an access_levels = ["list", "read"] list), or give it a statement of its own if exporting is meant.`,
		Example: `{"Version": "5.0", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow", "Action": ["ims:images:get", "ims:images:list", "ims:images:export"], "Resource": ["*"]}]}`},

	// Resources.
	{Code: "malformed_urn", Severity: Error,
		Summary: `A resource is neither "*" nor a well-formed URN <service>:<region>:<account-id>:<type>:<resource-path>.`,
		Fix:     `Write ims:<region>:<account-id>:image:<image-id> for an image (wildcards allowed), or "*".`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:cn-north-4:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`},
	{Code: "unknown_resource_type", Severity: Error,
		Summary: "An ims: URN names a resource type IMS does not have (IMS has image).",
		Fix:     "Write ims:<region>:<account-id>:image:<image-id>.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:cn-north-4:0a1b2c3d:images:abc"]}]}`},
	{Code: "resource_type_mismatch", Severity: Error,
		Summary: "A URN's service or resource type fits none of the statement's actions (an ims: action on an OBS bucket URN).",
		Fix:     "Write a URN of the type the actions take, or move the URN to a statement with actions of its service.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["obs:*:*:bucket:image-exports"]}]}`},
	{Code: "resource_not_supported", Severity: Error,
		Summary: `An action named outright does not support resource-level permissions (the seed's Resource Type column is empty, and it is not the alias of an action that has one), but the statement names specific resources: such actions need "*".`,
		Fix:     `Move the action to a statement with "Resource": ["*"].`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get", "ims:quotas:get"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`},
	{Code: "wildcard_resource_not_supported", Severity: Warning,
		Summary: "A wildcard brings in actions that do not support resource-level permissions, and the statement names specific resources: those actions are not granted.",
		Fix:     `Add a statement with "Resource": ["*"] for the actions named in the message that are needed.`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:*"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`},
	// Ids no real image or account has (issue 17).
	{Code: "image_id_matches_nothing", Severity: Warning,
		Summary: "An image URN's id part, written out or as a wildcard pattern, matches no image id: image ids are lower-case UUIDs (8-4-4-4-12 hexadecimal digits), not names, so `golden-base` or `golden-*` protects or grants nothing.",
		Fix:     `Name one image's id, or write "*" and select images by tag with a condition such as {"StringEquals": {"g:ResourceTag/tier": ["golden"]}}.`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:deleteImage"], "Resource": ["ims:*:*:image:golden-*"]}]}`},
	{Code: "aws_account_id", Severity: Warning,
		Summary: "An image URN's account id is 12 digits, the form of an AWS account id; a Huawei Cloud account id (domain id) is 32 hexadecimal characters.",
		Fix:     `Write your account id (console: My Credentials, API Credentials, Account ID), or "*".`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:cn-north-4:123456789012:image:*"]}]}`},

	// Conditions.
	{Code: "unknown_operator", Severity: Error,
		Summary: "A condition operator is not one of the vendor's (operators are case-sensitive; IfExists and the ForAnyValue:/ForAllValues: prefixes are spelt exactly so).",
		Fix:     "Use the suggested operator.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"StringEqual": {"ims:Region": ["cn-north-4"]}}}]}`},
	{Code: "unknown_condition_key", Severity: Error,
		Summary: "An ims: condition key is not in Table 4.",
		Fix:     "Use the suggested key, or one the imspolicy_condition_keys data source lists.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"StringEquals": {"ims:Regions": ["cn-north-4"]}}}]}`},
	{Code: "unknown_global_condition_key", Severity: Warning,
		Summary: "A g: condition key is not among the global keys the reference notes list.",
		Fix:     "Check the spelling against the suggestion; keys of other services pass unchecked.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Condition": {"Bool": {"g:MFAPresnt": ["false"]}}}]}`},
	{Code: "operator_type_mismatch", Severity: Error,
		Summary: "The operator compares values of a type the key does not have (NumberEquals on a string key): the condition can never match.",
		Fix:     "Use an operator of the key's type (String..., Number..., Date..., Bool, IpAddress).",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"NumberEquals": {"ims:Region": ["4"]}}}]}`},
	{Code: "operator_type_unverified", Severity: Warning,
		Summary: "The operator's type does not fit the key's type, but the key's type is inferred, not stated by the vendor.",
		Fix:     "Prefer an operator of the key's inferred type, or confirm against the vendor's documentation.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Condition": {"StringEquals": {"g:SourceIp": ["10.0.0.1"]}}}]}`},
	{Code: "invalid_condition_value", Severity: Error,
		Summary: `A condition value does not parse as the operator's type (Bool with "yes", a bad date, CIDR or zoned address, a number that is not a plain decimal such as 1e3, NaN or 0x10).`,
		Fix:     `Write a value of the operator's type: "true"/"false", 2026-01-01T00:00:00Z, 192.0.2.0/24, 42.`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:import"], "Condition": {"Bool": {"ims:Encrypted": ["yes"]}}}]}`},
	{Code: "qualifier_on_single_valued_key", Severity: Warning,
		// On an absent key ForAllValues: is true and ForAnyValue: false: AWS's documented
		// rule, as the vendor's reference is silent (condition.Operator.HoldsWhenAbsent).
		Summary: "ForAnyValue: or ForAllValues: is used with a single-valued key (on an absent key ForAllValues: is then true, and ForAnyValue: false, even with a negated operator).",
		Fix:     "Drop the prefix.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"ForAllValues:StringEquals": {"ims:Region": ["cn-north-4"]}}}]}`},
	{Code: "unassociated_condition_key", Severity: Warning,
		Summary: "The catalog associates an ims: condition key with none of the statement's actions, so the key is absent from their requests (the message says whether the seed states this or it is inferred, in the sentence the simulator's warnings and the access analyser's witnesses use; g: keys apply to every action).",
		Fix:     "Use the key with the actions the message names, or drop the condition.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:get"], "Resource": ["*"], "Condition": {"StringNotEquals": {"ims:Region": ["cn-north-4"]}}}]}`},

	// SCPs.
	{Code: "scp_not_resource", Severity: Error, SCPOnly: true,
		Summary: "An SCP statement uses NotResource, which SCPs do not support.",
		Fix:     "Use Resource.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:deleteImage"], "NotResource": ["ims:*:*:image:scratch-*"]}]}`},
	{Code: "scp_allow_not_action", Severity: Error, SCPOnly: true,
		Summary: "An SCP Allow statement uses NotAction; SCP Allow statements may only use Action.",
		Fix:     "List the actions in Action, or make the statement a Deny.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "NotAction": ["ims:images:deleteImage"], "Resource": ["*"]}]}`},
	{Code: "scp_allow_condition", Severity: Error, SCPOnly: true,
		Summary: "An SCP Allow statement has a Condition; SCP Allow statements may not.",
		Fix:     "Remove the Condition, or express the rule as a Deny statement with the opposite condition.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:*"], "Resource": ["*"], "Condition": {"Bool": {"g:MFAPresent": ["true"]}}}]}`},
	{Code: "scp_allow_resource", Severity: Error, SCPOnly: true,
		Summary: `An SCP Allow statement names resources other than "*".`,
		Fix:     `Write "Resource": ["*"], or restrict resources with a Deny statement.`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`},
	{Code: "scp_wildcard_position", Severity: Error, SCPOnly: true,
		Summary: "An SCP action (Action or NotAction) has a wildcard before its end; in SCPs a wildcard stands alone or ends the string. Resource URNs are not held to this: their five parts make wildcards inside them usual (ims:*:*:image:*).",
		Fix:     "Move the wildcard to the end (ims:images:*, ims:*), or list the actions.",
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:*:deleteImage"], "Resource": ["*"]}]}`},
}, v3Rules)

// v3Rules are the findings of IAM v3 documents (v3check.go). malformed_json and
// wrong_type are shared with v5: a text that is not JSON is the same problem in both.
var v3Rules = []Rule{
	{Code: "v3_version", Severity: Error, Language: V3,
		Summary: `A document checked as IAM v3 has no Version, or one other than "1.1" (custom policies) and "1.0" (roles) (IAM.1024, IAM.1026).`,
		Fix:     `Write "Version": "1.1"; a "5.0" document is an IAM v5 policy and belongs in a v5 resource.`,
		Example: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}`},
	{Code: "v3_statement_count", Severity: Error, Language: V3,
		Summary: "A v3 document has no statements, or more than 8 (IAM.1028).",
		Fix:     "Merge statements of the same Effect and Condition, or split the document into several policies.",
		Example: `{"Version": "1.1", "Statement": []}`},
	{Code: "v3_unknown_field", Severity: Error, Language: V3,
		Summary: "A v3 document or statement has a field the v3 grammar does not have: Sid, NotResource, Principal, a misspelt name. IAM refuses unknown keys (IAM.1059 \"Invalid key\": inferred), and huaweicloud_identity_role drops them silently, which makes a permanent diff.",
		Fix:     "Remove the field (keep a Sid's note in the role's description), or correct its name: names are case-sensitive.",
		Example: `{"Version": "1.1", "Statement": [{"Sid": "ReadImages", "Effect": "Allow", "Action": ["ims:images:list"]}]}`},
	{Code: "v3_not_a_list", Severity: Error, Language: V3,
		Summary: "Action, NotAction, Resource or a condition key's values is a single string where IAM v3 takes a JSON array (IAM.1030, IAM.1053); huaweicloud_identity_role cannot read it.",
		Fix:     `Write a list: "Action": ["ims:images:list"].`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "ims:images:list"}]}`},
	{Code: "v3_depends", Severity: Error, Language: V3,
		Summary: "Depends is in a 1.1 policy (IAM.1025 \"Fine-grained policies do not need depends.\"), names more than 20 roles (IAM.1058), or has a dependency without display_name or with other fields.",
		Fix:     `Remove Depends from a 1.1 policy and grant the roles it names separately; in a 1.0 role write [{"catalog": "BASE", "display_name": "Tenant Guest"}].`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}], "Depends": [{"catalog": "BASE", "display_name": "Tenant Guest"}]}`},
	{Code: "v3_document_too_large", Severity: Error, Language: V3,
		Summary: "The document is over 6,144 characters (IAM.1021), counted as for v5 documents, white space not counted (that v3 counts so is inferred).",
		Fix:     "Shorten it (wildcards such as ims:images:* instead of long lists), or split it into several policies.",
		Example: v3TooLargeExample},
	{Code: "v3_mixed_scope", Severity: Warning, Language: V3,
		Summary: "The document mixes actions of global services (OBS, CDN) with actions of project-level services such as IMS, which a v3 custom policy may not (its type is AX or XA). Which services are global is inferred.",
		Fix:     "Put the global services' actions in a policy of their own, as the vendor's newer IMS example does with OBS:*:*.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:serverImages:create", "obs:bucket:*"]}]}`},
	{Code: "v3_effect", Severity: Error, Language: V3,
		Summary: `A v3 statement has no Effect, or one that is not "Allow" or "Deny" (IAM.1029).`,
		Fix:     `Write "Effect": "Allow" or "Effect": "Deny".`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Permit", "Action": ["ims:images:list"]}]}`},
	{Code: "v3_effect_case", Severity: Warning, Language: V3,
		Summary: `Effect is "allow" or "deny" in another case than "Allow"/"Deny": every vendor example capitalises it, IAM.1029's message does not, so whether it is accepted is open.`,
		Fix:     `Write "Allow" or "Deny".`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "allow", "Action": ["ims:images:list"]}]}`},
	{Code: "v3_missing_action", Severity: Error, Language: V3,
		Summary: "A v3 statement has no Action.",
		Fix:     `Add "Action": [...] with the actions it allows or denies.`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow"}]}`},
	{Code: "v3_not_action", Severity: Warning, Language: V3,
		Summary: "A v3 statement uses NotAction, which the documented grammar of custom policies does not have (IAM's validator knows it: IAM.1031, IAM.1032), so whether IAM accepts it is open; both Action and NotAction are refused (IAM.1031).",
		Fix:     "List the actions in Action.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Deny", "NotAction": ["ims:images:list"]}]}`},
	{Code: "v3_action_count", Severity: Error, Language: V3,
		Summary: "Action is empty or has more than 100 actions (IAM.1033).",
		Fix:     "List 1 to 100 actions; use wildcards such as ims:images:* for long lists.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": []}]}`},
	{Code: "v3_action_too_long", Severity: Error, Language: V3,
		Summary: "An action is over 128 characters (IAM.1034).",
		Fix:     "Shorten it, with a wildcard if need be.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:` + strings.Repeat("x", 120) + `"]}]}`},
	{Code: "v3_action_format", Severity: Error, Language: V3,
		Summary: "An action is not of the form service:resourceType:action (three parts; \"*\" alone is not one), or has characters other than letters, digits, -, _ and the wildcard * (IAM.1035).",
		Fix:     `Write service:resourceType:action, such as ims:images:get, or a pattern such as ims:images:* ("*:*:*" for every action).`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images"]}]}`},
	{Code: "v3_service_case", Severity: Warning, Language: V3,
		Summary: "An action's service name is not lower case: the grammar says \"Only lowercase letters are allowed\", although the vendor's own examples write KMS:*:* and OBS:*:* (resource type and action are case-insensitive).",
		Fix:     "Write the service name in lower case: kms:*:*.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["KMS:*:*"]}]}`},
	{Code: "v3_action_question_mark", Severity: Warning, Language: V3,
		Summary: "An action uses ?, which no vendor source mentions for v3 actions (only * is documented): whether it is a wildcard is open.",
		Fix:     "Use *.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:ge?"]}]}`},
	{Code: "v3_unknown_action", Severity: Error, Language: V3,
		Summary: "An ims: action is not one of the 13 IMS actions of IAM v3, or a pattern matches none of them (IAM.1036); v5 names such as ims:images:deleteImage are not v3 names. Other services' actions pass.",
		Fix:     "Use the suggested v3 action; the 13 are ims:images:{list,get,create,update,delete,upload,export,share,copy}, ims:{serverImages,dataImages,wholeImages}:create and ims:quotas:get.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Deny", "Action": ["ims:images:deleteImage"]}]}`},
	{Code: "v3_resource", Severity: Error, Language: V3,
		Summary: "Resource is empty or has more than 10 items (IAM.1040), an item is blank or has spaces (IAM.1041) or is not a five-part URN, or Resource is written as an object, the form of agency policies only (IAM.1037).",
		Fix:     "Write 1 to 10 URNs <service>:<region>:<account-id>:<resource-type>:<resource-path>, or leave Resource out.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["obs:object:GetObject"], "Resource": ["obs:bucket"]}]}`},
	{Code: "v3_resource_too_long", Severity: Warning, Language: V3,
		Summary: "A resource is over 128 characters, the limit of the API reference and the SDK; IAM.1042's message says 1,500, so which holds is open.",
		Fix:     "Shorten it, with a wildcard if need be.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["obs:object:GetObject"], "Resource": ["obs:*:*:object:` + strings.Repeat("b", 120) + `"]}]}`},
	{Code: "v3_ims_resource", Severity: Warning, Language: V3,
		Summary: "A statement of IMS actions names a resource other than \"*\", or a resource is an ims: URN: IMS has no resource-level authorization in IAM v3 (it is not among the services of iam_01_0610, and its v3 tables have no resource column), so the resource narrows nothing or is refused (inferred).",
		Fix:     "Leave Resource out (or write \"*\"); to grant per image, use a v5 identity policy.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`},
	{Code: "v3_condition_in_role", Severity: Error, Language: V3,
		Summary: "A 1.0 role has a Condition (IAM.1039 \"Old policies do not support conditions.\").",
		Fix:     `Write the document as a 1.1 custom policy.`,
		Example: `{"Version": "1.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEquals": {"g:ProjectName": ["cn-north-4"]}}}]}`},
	{Code: "v3_condition_limits", Severity: Error, Language: V3,
		Summary: "Condition has no operators or more than 10 (IAM.1050), an operator has no keys or more than 10 (IAM.1051, IAM.1054), a key is blank (IAM.1052) or has no values, or a value is empty or over 1,024 characters (IAM.1056).",
		Fix:     "Keep 1 to 10 operators, 1 to 10 keys each, and values of 1 to 1,024 characters; or leave Condition out.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEquals": {}}}]}`},
	{Code: "v3_unknown_operator", Severity: Error, Language: V3,
		Summary: "A condition operator is in neither of the vendor's two documented v3 sets (operators are case-sensitive; IfExists applies to every operator but Null).",
		Fix:     "Use the suggested operator.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEqual": {"g:ProjectName": ["cn-north-4"]}}}]}`},
	{Code: "v3_legacy_operator", Severity: Warning, Language: V3,
		Summary: "A condition operator is only in the vendor's 2022 list of v3 operators (StringStartWith, StringEndWith, StringLike, the *AnyOf forms, IpAddress, IsNull, ...), not in the current one, although vendor examples still use them: which set IAM accepts today is open.",
		Fix:     "Prefer an operator of the current set (StringEquals, StringMatch, Null, ...), or confirm against your account.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringStartWith": {"g:ProjectName": ["cn-north-4"]}}}]}`},
	{Code: "v3_operator_type_mismatch", Severity: Error, Language: V3,
		Summary: "The operator compares values of another type than the v3 global key's (NumberEquals on g:UserName, Bool on g:CurrentTime): the condition can never match. Null takes \"true\"/\"false\" with any key.",
		Fix:     "Use an operator of the key's type: String... for g:UserName, Date... for g:CurrentTime, Number... for g:MFAAge, Bool for g:MFAPresent.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"NumberGreaterThan": {"g:CurrentTime": ["5"]}}}]}`},
	{Code: "v3_condition_value", Severity: Error, Language: V3,
		Summary: `A condition value is not of the operator's type: Bool and Null take "true"/"false", Number a decimal number, Date an ISO 8601 time, IpAddress an address or CIDR block.`,
		Fix:     `Write a value of the operator's type: "true", 42, 2012-11-11T23:59:59Z, 192.0.2.0/24.`,
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"Bool": {"g:MFAPresent": ["yes"]}}}]}`},
	{Code: "v3_unknown_condition_key", Severity: Warning, Language: V3,
		Summary: "A g: condition key is not among the v3 global keys (g:CurrentTime, g:DomainName, g:MFAPresent, g:MFAAge, g:ProjectName, g:ServiceName, g:UserId, g:UserName); the vendor mentions other global keys without listing them. Services' keys pass.",
		Fix:     "Check the spelling against the suggestion.",
		Example: `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEquals": {"g:ProjectNam": ["cn-north-4"]}}}]}`},
}

// v3TooLargeExample is a v3 policy of about 6,500 characters.
var v3TooLargeExample = `{"Version": "1.1", "Statement": [` + strings.TrimSuffix(strings.Repeat(`{"Effect": "Allow", "Action": [`+strings.TrimSuffix(strings.Repeat(`"obs:object:GetObject", `, 35), ", ")+`]}, `, 8), ", ") + `]}`

var rulesByCode = func() map[string]*Rule {
	m := make(map[string]*Rule, len(rules))
	for i := range rules {
		m[rules[i].Code] = &rules[i]
	}
	return m
}()

// tooLargeExample is an identity policy of about 6,700 characters.
var tooLargeExample = `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": [` +
	strings.Repeat(`"obs:object:GetObject", `, 300) + `"obs:object:PutObject"], "Resource": ["*"]}]}`

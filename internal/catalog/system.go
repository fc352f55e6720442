package catalog

import (
	"strconv"
	"strings"
)

// This file holds the vendor's system policies that matter to IMS access, as data: the
// system FullAccess SCP of Organizations and the IAM v5 system-defined identity policies that
// grant IMS actions. The access graph uses them for policies attached by id or name: a row
// with a Document gives its text, a row without one (the vendor does not publish it) makes
// every answer that depends on it unknown, with the row's Reason.
//
// Sources (read through the project's search tool, 2026-12):
//
//   - SCP1: Huawei Cloud Organizations user guide, "Enabling and Disabling the SCP Type",
//     https://support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0034.html:
//     "After the SCP type is enabled, Organizations automatically attach the FullAccess policy
//     (allowing for all operations) to all OUs and accounts."
//   - SCP2: the same guide in Chinese, page "SCP系统策略列表" (list of system SCPs), as quoted by
//     the vendor site's search of the Organizations docs (srcSCPList): "FullAccess 允许所有资源的
//     所有权限。 每个根、OU和账号必须始终绑定至少一个SCP。" (FullAccess allows all permissions on all
//     resources; every root, OU and account must always have at least one SCP attached).
//   - IAM1: IAM (new edition) user guide, "Viewing Content of an Identity Policy",
//     https://support.huaweicloud.com/intl/en-us/usermanual-iam5/iam_01_0933.html, which shows
//     the document of the system-defined identity policy CBRReadOnlyPolicy.
//   - IAM2: IAM (new edition) product description, "IAM-based Permissions Management",
//     https://support.huaweicloud.com/intl/en-us/productdesc-iam5/iam_01_1123.html, whose
//     system-defined identity policies are named <Service>FullAccessPolicy and
//     <Service>ReadOnlyPolicy (IAMFullAccessPolicy, IAMReadOnlyPolicy); the huaweicloud
//     Terraform provider's tests name NATReadOnlyPolicy, RDSReadOnlyPolicy and
//     OBSFullAccessPolicy the same way.
//
// Not found: any published document or id of an IMS system-defined identity policy, and the
// FullAccess SCP's id or JSON text. The IMS policies of IAM v3 ("IMS FullAccess", "IMS
// ReadOnlyAccess", roles system_all_16 and system_all_22) are v3 roles, not v5 identity
// policies, and are not rows here.

// SystemPolicyKind says what a system policy is attached as.
type SystemPolicyKind uint8

// The kinds of system policy.
const (
	// SystemSCP is a system service control policy of Organizations.
	SystemSCP SystemPolicyKind = iota + 1
	// SystemIdentityPolicy is a system-defined identity policy of IAM v5.
	SystemIdentityPolicy
)

func (k SystemPolicyKind) String() string {
	switch k {
	case SystemSCP:
		return "scp"
	case SystemIdentityPolicy:
		return "identity"
	}
	return "SystemPolicyKind(" + strconv.Itoa(int(k)) + ")"
}

// SystemPolicy is one system policy. Each fact carries its Source: Stated when a vendor
// page gives it, Inferred when it is read from something the vendor states (Reason says
// what), and the empty Source when the fact is not known at all.
type SystemPolicy struct {
	Kind SystemPolicyKind
	// ID is the policy's id, "" when not known.
	ID       string
	IDSource Source
	Name     string
	// NameSource is Inferred for a name built from the vendor's naming pattern.
	NameSource  Source
	Description string
	// Document is the policy's text exactly as the vendor publishes it, or, when
	// DocumentSource is Inferred, the text its stated description means; "" when nothing
	// is published (answers that need it are unknown).
	Document       string
	DocumentSource Source
	// Reason says what the inferred facts rest on, or why the document is missing.
	Reason string
	// Sources are the vendor pages the row is read from.
	Sources []string
}

// Published reports whether the row has a document to analyse.
func (p SystemPolicy) Published() bool { return p.Document != "" }

// Source pages of the rows (see the file comment).
const (
	srcSCPEnable = "https://support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0034.html"
	// The page "SCP系统策略列表" itself was not reachable; this is the vendor site's search
	// listing of the Organizations docs that quotes it.
	srcSCPList    = "https://huaweicloud.com/s/JUV1bGVyT1Pns7vnu5_niYjmnKwl/t_30_p_1/Jee7hOe7hyBPcmdhbml6YXRpb25zJQ"
	srcIAMContent = "https://support.huaweicloud.com/intl/en-us/usermanual-iam5/iam_01_0933.html"
	srcIAMNames   = "https://support.huaweicloud.com/intl/en-us/productdesc-iam5/iam_01_1123.html"
)

// FullAccessSCPName is the name of the system SCP that Organizations attaches to every
// root, OU and account when SCPs are enabled (SCP1, SCP2).
const FullAccessSCPName = "FullAccess"

// FullAccessSCPID and FullAccessSCPDocument are the FullAccess row's id and document, both
// inferred (see the row's Reason); the emulator serves them.
const (
	FullAccessSCPID       = "p-FullAccess"
	FullAccessSCPDocument = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`
)

// SystemPolicies are the rows, SCPs first.
var SystemPolicies = []SystemPolicy{
	{
		Kind: SystemSCP,
		// The id follows AWS's p-FullAWSAccess and is what the project's emulator serves;
		// no vendor page gives it.
		ID: FullAccessSCPID, IDSource: Inferred,
		Name: FullAccessSCPName, NameSource: Stated,
		Description:    "Allows all permissions on all resources. Every root, OU and account must always have at least one SCP attached.",
		Document:       FullAccessSCPDocument,
		DocumentSource: Inferred,
		Reason: "the id is not published (p-FullAccess follows AWS's p-FullAWSAccess); the JSON is not published: " +
			"the document is what the stated description \"allows all permissions on all resources\" means",
		Sources: []string{srcSCPEnable, srcSCPList},
	},
	{
		Kind: SystemIdentityPolicy,
		Name: "CBRReadOnlyPolicy", NameSource: Stated,
		Description: "Read-only permissions for CBR, with the ECS, EVS, IMS and SFS Turbo reads it needs (ims:*:get*, ims:*:list*).",
		// Verbatim from IAM1 (the page's figure, whitespace as the page prints it).
		Document:       `{ "Version": "5.0", "Statement": [ { "Effect": "Allow", "Action": [ "cbr:backups:query*", "cbr:*:get*", "cbr:*:show*", "cbr:*:list*", "ecs:*:get*", "ecs:*:list*", "evs:*:get*", "evs:*:list*", "ims:*:get*", "ims:*:list*", "sfsturbo:*:get*", "sfsturbo:*:list*", "eps:enterpriseProjects:list" ] } ] }`,
		DocumentSource: Stated,
		Reason:         "the id is not published",
		Sources:        []string{srcIAMContent},
	},
	{
		Kind: SystemIdentityPolicy,
		Name: "IMSFullAccessPolicy", NameSource: Inferred,
		Description: "Full permissions for IMS (inferred name).",
		Reason: "document and id not published; the name follows the vendor's " +
			"<Service>FullAccessPolicy pattern (IAMFullAccessPolicy, OBSFullAccessPolicy)",
		Sources: []string{srcIAMNames},
	},
	{
		Kind: SystemIdentityPolicy,
		Name: "IMSReadOnlyPolicy", NameSource: Inferred,
		Description: "Read-only permissions for IMS (inferred name).",
		Reason: "document and id not published; the name follows the vendor's " +
			"<Service>ReadOnlyPolicy pattern (IAMReadOnlyPolicy, CBRReadOnlyPolicy, NATReadOnlyPolicy)",
		Sources: []string{srcIAMNames},
	},
}

// SystemPolicyByID finds a system policy of kind k by id. Rows whose id is not known never
// match.
func SystemPolicyByID(k SystemPolicyKind, id string) (SystemPolicy, bool) {
	if id == "" {
		return SystemPolicy{}, false
	}
	for _, p := range SystemPolicies {
		if p.Kind == k && p.ID == id {
			return p, true
		}
	}
	return SystemPolicy{}, false
}

// SystemPolicyByName finds a system policy of kind k by name, ignoring case (the vendor's
// policy names are unique without regard to case, as the emulator treats custom names;
// inferred).
func SystemPolicyByName(k SystemPolicyKind, name string) (SystemPolicy, bool) {
	for _, p := range SystemPolicies {
		if p.Kind == k && strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return SystemPolicy{}, false
}

// FullAccessSCP is the row of the system FullAccess SCP.
func FullAccessSCP() SystemPolicy {
	p, _ := SystemPolicyByName(SystemSCP, FullAccessSCPName)
	return p
}

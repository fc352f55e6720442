package cli

import (
	"encoding/json"
	"fmt"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// policyAttribute is a resource attribute that holds a policy document.
type policyAttribute struct {
	resourceType, attribute string
	purpose                 policy.Purpose
	iamV3                   bool // an IAM v3 (1.1) document: reported as not checked
	// typeIs, when set, is the value the resource's "type" attribute must have for the
	// document to be of this purpose (huaweicloud_organizations_policy holds tag
	// policies too).
	typeIs string
}

// policyAttributes are the attributes this command reads from plans: this provider's, and
// the huaweicloud provider's that hold IAM v5 identity policies or SCPs (from its
// registry docs: identity_policy and identityv5_policy take policy_document,
// identitycenter_custom_policy_attachment takes custom_policy, a 5.0 document), and the
// ones that hold IAM v3 role documents, so that those are reported as not checked rather
// than passed over.
var policyAttributes = []policyAttribute{
	{resourceType: "imspolicy_identity_policy", attribute: "policy", purpose: policy.Identity},
	{resourceType: "imspolicy_service_control_policy", attribute: "content", purpose: policy.SCP},
	{resourceType: "huaweicloud_identityv5_policy", attribute: "policy_document", purpose: policy.Identity},
	{resourceType: "huaweicloud_identity_policy", attribute: "policy_document", purpose: policy.Identity},
	{resourceType: "huaweicloud_identitycenter_custom_policy_attachment", attribute: "custom_policy", purpose: policy.Identity},
	{resourceType: "huaweicloud_organizations_policy", attribute: "content", purpose: policy.SCP, typeIs: "service_control_policy"},
	{resourceType: "huaweicloud_identity_role", attribute: "policy", iamV3: true},
	{resourceType: "huaweicloud_identitycenter_custom_role_attachment", attribute: "custom_role", iamV3: true},
}

var attributesByType = func() map[string]policyAttribute {
	m := make(map[string]policyAttribute, len(policyAttributes))
	for _, a := range policyAttributes {
		m[a.resourceType] = a
	}
	return m
}()

// isPlan tells a plan (terraform show -json) from a policy document: a plan has
// format_version and planned_values or resource_changes. An object with format_version
// and neither is some other Terraform JSON (state, providers schema): an error.
func isPlan(src []byte) (bool, error) {
	// Anything but a JSON object is a policy document, for the checker to judge.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(src, &top); err != nil || top == nil {
		return false, nil //nolint:nilerr // not JSON is malformed_json, the checker's finding
	}
	if _, ok := top["format_version"]; !ok {
		return false, nil
	}
	_, planned := top["planned_values"]
	_, changes := top["resource_changes"]
	if !planned && !changes {
		return false, fmt.Errorf("not a plan: it has format_version but neither planned_values nor resource_changes " +
			"(write the plan with `terraform show -json plan.out`, not state or a schema)")
	}
	return true, nil
}

// planDocuments reads every policy document of a plan: each managed resource instance of
// the root module and every child module, from resource_changes (after the change), and
// from planned_values for instances resource_changes does not list.
func planDocuments(source string, src []byte) ([]Document, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(src, &p); err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	var docs []Document
	seen := map[string]bool{}
	for _, rc := range p.ResourceChanges {
		a, ok := attributesByType[rc.Type]
		if !ok || rc.Mode != tfjson.ManagedResourceMode || rc.Change == nil || rc.Change.After == nil {
			continue
		}
		seen[rc.Address] = true
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		if d, ok := a.document(source, rc.Address, after, func(name string) bool { return unknown[name] == true }); ok {
			docs = append(docs, d)
		}
	}
	if p.PlannedValues != nil {
		walkModules(p.PlannedValues.RootModule, func(r *tfjson.StateResource) {
			a, ok := attributesByType[r.Type]
			if !ok || r.Mode != tfjson.ManagedResourceMode || seen[r.Address] {
				return
			}
			seen[r.Address] = true
			// planned_values leaves unknown values out.
			if d, ok := a.document(source, r.Address, r.AttributeValues, func(name string) bool {
				_, known := r.AttributeValues[name]
				return !known
			}); ok {
				docs = append(docs, d)
			}
		})
	}
	return docs, nil
}

func walkModules(m *tfjson.StateModule, visit func(*tfjson.StateResource)) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		visit(r)
	}
	for _, c := range m.ChildModules {
		walkModules(c, visit)
	}
}

// document reads the attribute of one resource instance; ok is false when the instance
// holds no document of interest (a tag policy, a null attribute).
func (a policyAttribute) document(source, address string, values map[string]any, isUnknown func(string) bool) (Document, bool) {
	d := Document{Source: source, Address: address, ResourceType: a.resourceType, Attribute: a.attribute, Purpose: a.purpose}
	if a.typeIs != "" {
		switch t, _ := values["type"].(string); {
		case isUnknown("type"):
			d.Unchecked = UnknownValue
			return d, true
		case t != a.typeIs:
			return Document{}, false
		}
	}
	switch text, isString := values[a.attribute].(string); {
	case isUnknown(a.attribute):
		d.Unchecked = UnknownValue
	case !isString:
		return Document{}, false
	case a.iamV3:
		d.Unchecked = IAMv3
		d.Text = []byte(text)
	default:
		d.Text = []byte(text)
	}
	return d, true
}

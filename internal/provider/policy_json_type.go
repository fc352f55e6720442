package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// policyJSONType is a string attribute type for policy documents whose values compare by
// meaning (policy.Equal, the normal form): white space, key, list and statement order, a
// single string against a one-element list, action and key case and a condition value's
// spelling make no diff.
type policyJSONType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = policyJSONType{}
	_ basetypes.StringValuableWithSemanticEquals = policyJSON{}
)

func (t policyJSONType) String() string { return "policyJSONType" }

func (t policyJSONType) Equal(o attr.Type) bool {
	_, ok := o.(policyJSONType)
	return ok
}

func (t policyJSONType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return policyJSON{StringValue: in}, nil
}

func (t policyJSONType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return policyJSON{StringValue: s}, nil
}

func (t policyJSONType) ValueType(context.Context) attr.Value { return policyJSON{} }

// policyJSON is a value of policyJSONType.
type policyJSON struct{ basetypes.StringValue }

func (v policyJSON) Type(context.Context) attr.Type { return policyJSONType{} }

func (v policyJSON) Equal(o attr.Value) bool {
	other, ok := o.(policyJSON)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether two documents mean the same policy. Documents that
// do not parse are equal only when their bytes are.
func (v policyJSON) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	n, ok := newValuable.(policyJSON)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected policyJSON, got %T", newValuable))
		return false, diags
	}
	return policyDocumentsEqual(v.ValueString(), n.ValueString()), diags
}

func policyDocumentsEqual(a, b string) bool {
	if a == b {
		return true
	}
	da, errA := policy.Parse([]byte(a))
	db, errB := policy.Parse([]byte(b))
	return errA == nil && errB == nil && policy.Equal(da, db)
}

func newPolicyJSON(s string) policyJSON { return policyJSON{StringValue: basetypes.NewStringValue(s)} }

// keepEquivalentPolicy plans the prior document when the configured one means the same
// policy (the same normal form), so that a change of form only plans nothing. policyJSON's
// semantic equality applies to values read or applied, not to the plan; Terraform accepts a planned value equal to the prior one in place of
// the configuration's.
type keepEquivalentPolicy struct{}

func (keepEquivalentPolicy) Description(context.Context) string {
	return "A document that means the same as the current one makes no diff."
}

func (m keepEquivalentPolicy) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentPolicy) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if policyDocumentsEqual(req.StateValue.ValueString(), req.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}

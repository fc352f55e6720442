package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// PolicyDocument checks a string attribute holding a policy document (JSON) for the given
// purpose: error findings become error diagnostics and warnings warning diagnostics, on
// the attribute. Unknown values are checked once known.
func PolicyDocument(purpose policy.Purpose) validator.String { return policyDocument{purpose: purpose} }

type policyDocument struct{ purpose policy.Purpose }

func (v policyDocument) Description(context.Context) string {
	return fmt.Sprintf("must be a valid %s policy document", v.purpose)
}

func (v policyDocument) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v policyDocument) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	// CheckText: the plan and read calls that follow take this reading from its cache.
	findings := policy.CheckText([]byte(req.ConfigValue.ValueString()), v.purpose).Findings()
	resp.Diagnostics.Append(FindingDiagnostics(req.Path, v.purpose, findings)...)
}

// FindingDiagnostics turns checker findings into diagnostics on an attribute.
func FindingDiagnostics(at path.Path, purpose policy.Purpose, findings []policy.Finding) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range findings {
		summary := fmt.Sprintf("Invalid %s policy: %s", purpose, f.Code)
		if f.Severity == policy.Warning {
			summary = fmt.Sprintf("Policy warning: %s", f.Code)
			diags.AddAttributeWarning(at, summary, f.String())
			continue
		}
		diags.AddAttributeError(at, summary, f.String())
	}
	return diags
}

// ParsablePolicyDocument accepts a function argument that parses as a policy document,
// whatever its content.
func ParsablePolicyDocument() function.StringParameterValidator { return parsable{} }

type parsable struct{}

func (parsable) ValidateParameterString(_ context.Context, req function.StringParameterValidatorRequest, resp *function.StringParameterValidatorResponse) {
	if req.Value.IsNull() || req.Value.IsUnknown() {
		return
	}
	if _, err := policy.Parse([]byte(req.Value.ValueString())); err != nil {
		resp.Error = function.NewArgumentFuncError(req.ArgumentPosition, "the policy document does not parse: "+err.Error())
	}
}

// IdentityPolicies accepts a function argument listing identity policy documents that
// build a policy set (evaluator.NewIdentityPolicySet), and reports the first error finding.
func IdentityPolicies() function.ListParameterValidator { return identityPolicies{} }

type identityPolicies struct{}

func (identityPolicies) ValidateParameterList(ctx context.Context, req function.ListParameterValidatorRequest, resp *function.ListParameterValidatorResponse) {
	if req.Value.IsNull() || req.Value.IsUnknown() {
		return
	}
	var documents []types.String
	if diags := req.Value.ElementsAs(ctx, &documents, false); diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	var known []string
	for _, d := range documents {
		if d.IsUnknown() {
			return // checked once every document is known
		}
		known = append(known, d.ValueString())
	}
	if _, findings := evaluator.NewIdentityPolicySet(known); len(findings) > 0 {
		resp.Error = function.NewArgumentFuncError(req.ArgumentPosition, findings[0].Summary()+": "+findings[0].String())
	}
}

// IgnorableFindingCode accepts the code of a warning (policy.ParseIgnore decides): an
// error's code, or a code no rule has, fails the plan with the reason.
func IgnorableFindingCode() validator.String {
	return stringCheck{
		description: "must be the code of a warning of the validation rules",
		check: func(s string) (string, string, bool) {
			if _, err := policy.ParseIgnore([]string{s}); err != nil {
				return "Finding code cannot be ignored", err.Error() + ".", false
			}
			return "", "", true
		},
	}
}

package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
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

// FindingDiagnostics turns checker findings on the document in attribute at into
// diagnostics on it (FindingDiagnostic).
func FindingDiagnostics(at path.Path, purpose policy.Purpose, findings []policy.Finding) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range findings {
		diags.Append(FindingDiagnostic(at, purpose, "", f))
	}
	return diags
}

// FindingDiagnostic is the diagnostic of one checker finding on the attribute at, in the
// one wording every report of a finding in Terraform uses: "Invalid <purpose> policy:
// <code>" for an error, "Policy warning: <code>" for a warning, and the finding as detail,
// after the document's name when the attribute holds several (identity[0],
// source_policy_documents[1]); document is "" otherwise.
func FindingDiagnostic(at path.Path, purpose policy.Purpose, document string, f policy.Finding) diag.Diagnostic {
	summary, detail := findingText(purpose, document, f)
	if f.Severity == policy.Warning {
		return diag.NewAttributeWarningDiagnostic(at, summary, detail)
	}
	return diag.NewAttributeErrorDiagnostic(at, summary, detail)
}

// SourceFindingError is a function's error for the gate's finding on a document of its
// argument, in FindingDiagnostic's words: "<summary>: <detail>".
func SourceFindingError(argument int64, f evaluator.SourceFinding) *function.FuncError {
	summary, detail := findingText(SourcePurpose(f), f.Name(), f.Finding)
	if f.V3 {
		summary, detail = findingTextOf("IAM v3", f.Name(), f.Finding)
	}
	return function.NewArgumentFuncError(argument, summary+": "+detail)
}

// SourcePurpose is the purpose the gate checked a document of the sources for.
func SourcePurpose(f evaluator.SourceFinding) policy.Purpose {
	if f.Layer.SCP {
		return policy.SCP
	}
	return policy.Identity
}

// V3FindingDiagnostic is FindingDiagnostic for a finding of an IAM v3 document: "Invalid
// IAM v3 policy: <code>" for an error.
func V3FindingDiagnostic(at path.Path, document string, f policy.Finding) diag.Diagnostic {
	summary, detail := findingTextOf("IAM v3", document, f)
	if f.Severity == policy.Warning {
		return diag.NewAttributeWarningDiagnostic(at, summary, detail)
	}
	return diag.NewAttributeErrorDiagnostic(at, summary, detail)
}

func findingText(purpose policy.Purpose, document string, f policy.Finding) (summary, detail string) {
	return findingTextOf(purpose.String(), document, f)
}

func findingTextOf(kind, document string, f policy.Finding) (summary, detail string) {
	summary, detail = fmt.Sprintf("Invalid %s policy: %s", kind, f.Code), f.String()
	if f.Severity == policy.Warning {
		summary = "Policy warning: " + f.Code
	}
	if document != "" {
		detail = document + ": " + detail
	}
	return summary, detail
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
	known, ok := knownTexts(ctx, req, resp)
	if !ok {
		return
	}
	if _, findings := evaluator.NewIdentityPolicySet(known); len(findings) > 0 {
		resp.Error = SourceFindingError(req.ArgumentPosition, findings[0])
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

// IdentityPolicyDocument checks a string attribute holding an identity policy of either
// language, recognised by its Version (policy.LanguageOf): a v3 document ("1.1", "1.0")
// by the v3 checker, reported as V3FindingDiagnostic does, anything else as
// PolicyDocument(policy.Identity) does.
func IdentityPolicyDocument() validator.String { return identityPolicyDocument{} }

type identityPolicyDocument struct{}

func (identityPolicyDocument) Description(context.Context) string {
	return "must be a valid identity policy document: IAM v5 (\"Version\": \"5.0\") or IAM v3 (\"Version\": \"1.1\" or \"1.0\")"
}

func (v identityPolicyDocument) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (identityPolicyDocument) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := []byte(req.ConfigValue.ValueString())
	if policy.LanguageOf(text) != policy.V3 {
		resp.Diagnostics.Append(FindingDiagnostics(req.Path, policy.Identity, policy.CheckText(text, policy.Identity).Findings())...)
		return
	}
	for _, f := range policy.CheckV3Text(text).Findings() {
		resp.Diagnostics.Append(V3FindingDiagnostic(req.Path, "", f))
	}
}

// knownTexts are the documents of a list argument, when the list and every document are
// known (a list with an unknown element is checked once it is known); ok is false
// otherwise, with resp.Error set when the list cannot be read.
func knownTexts(ctx context.Context, req function.ListParameterValidatorRequest, resp *function.ListParameterValidatorResponse) (known []string, ok bool) {
	if req.Value.IsNull() || req.Value.IsUnknown() {
		return nil, false
	}
	var documents []types.String
	if diags := req.Value.ElementsAs(ctx, &documents, false); diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return nil, false
	}
	for _, d := range documents {
		if d.IsUnknown() {
			return nil, false
		}
		known = append(known, d.ValueString())
	}
	return known, true
}

// MixedIdentityPolicies accepts a function argument listing identity policy documents of
// either language that build a simulator (apicall.NewSimulator), and reports the first
// error: a checker's finding, or a v3 statement that cannot be decided.
func MixedIdentityPolicies() function.ListParameterValidator { return mixedIdentityPolicies{} }

type mixedIdentityPolicies struct{}

func (mixedIdentityPolicies) ValidateParameterList(ctx context.Context, req function.ListParameterValidatorRequest, resp *function.ListParameterValidatorResponse) {
	known, ok := knownTexts(ctx, req, resp)
	if !ok {
		return
	}
	if _, err := NewSimulatorArgument(known, req.ArgumentPosition); err != nil {
		resp.Error = err
	}
}

// NewSimulatorArgument builds the simulator of a function's argument listing identity
// policies of either language; the error is the first checker finding (in
// FindingDiagnostic's words) or why a v3 statement cannot be decided, on the argument.
func NewSimulatorArgument(documents []string, argument int64) (*apicall.Simulator, *function.FuncError) {
	s, findings, err := apicall.NewSimulator(apicall.ReadIdentityTexts(documents), nil)
	if len(findings) > 0 {
		return nil, SourceFindingError(argument, findings[0])
	}
	if err != nil {
		return nil, function.NewArgumentFuncError(argument, "Cannot decide an IAM v3 policy: "+err.Error())
	}
	return s, nil
}

// NewPrincipalArgument compiles a function's argument listing identity policies of either
// language as one principal (apicall.NewPrincipalOf) for the API-level questions; the
// error is as NewSimulatorArgument's.
func NewPrincipalArgument(documents []string, argument int64) (*apicall.Principal, *function.FuncError) {
	p, findings, err := apicall.NewPrincipalOf(apicall.ReadIdentityTexts(documents))
	if len(findings) > 0 {
		return nil, SourceFindingError(argument, findings[0])
	}
	if err != nil {
		return nil, function.NewArgumentFuncError(argument, "Cannot decide an IAM v3 policy: "+err.Error())
	}
	return p, nil
}

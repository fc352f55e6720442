package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// PolicyDocument checks a string attribute holding a policy document (JSON) for the given
// purpose, "identity" or "scp": error findings become error diagnostics and warnings
// warning diagnostics, on the attribute. Unknown values are checked once known.
func PolicyDocument(purpose string) validator.String {
	p, err := policy.ParsePurpose(purpose)
	if err != nil {
		panic(err) // a programming error: the provider's schemas name the purpose
	}
	return policyDocument{purpose: p}
}

type policyDocument struct{ purpose policy.Purpose }

func (v policyDocument) Description(context.Context) string {
	return fmt.Sprintf("must be a valid %s policy document", v.purpose)
}

func (v policyDocument) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v policyDocument) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	_, findings := policy.CheckJSON([]byte(req.ConfigValue.ValueString()), v.purpose)
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

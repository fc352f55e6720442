package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// parsePolicies parses and checks a list attribute of policy documents for evaluation,
// reporting each error finding on the element that holds it (warnings are the
// validators' to report). purpose is "identity" or "scp".
func parsePolicies(at path.Path, purpose string, documents []string, name func(int) string) ([]evaluator.Policy, diag.Diagnostics) {
	var diags diag.Diagnostics
	p, err := policy.ParsePurpose(purpose)
	if err != nil {
		panic(err) // the callers name the purpose
	}
	var out []evaluator.Policy
	for i, src := range documents {
		d, findings := policy.CheckJSON([]byte(src), p)
		failed := false
		for _, f := range findings {
			if f.Severity == policy.Error {
				diags.AddAttributeError(at.AtListIndex(i), fmt.Sprintf("Invalid %s policy document", purpose), fmt.Sprintf("%s: %s", name(i), f))
				failed = true
			}
		}
		if !failed {
			out = append(out, evaluator.Policy{Name: name(i), Document: d})
		}
	}
	return out, diags
}

// canonicalDocument prints a policy document in its normal form (as normalize_policy does);
// a document that does not parse is returned as it is, with the parse error.
func canonicalDocument(src string) (string, error) {
	d, err := policy.Parse([]byte(src))
	if err != nil {
		return src, err
	}
	return string(d.Normal()), nil
}

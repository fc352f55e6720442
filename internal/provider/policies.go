package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// parsePolicies parses a list attribute of policy documents for evaluation, reporting
// each problem on the element that holds it. purpose is "identity" or "scp".
func parsePolicies(at path.Path, purpose string, documents []string, name func(int) string) ([]evaluator.Policy, diag.Diagnostics) {
	var diags diag.Diagnostics
	var out []evaluator.Policy
	for i, src := range documents {
		d, err := policy.Parse([]byte(src))
		if err != nil {
			diags.AddAttributeError(at.AtListIndex(i), fmt.Sprintf("Invalid %s policy document", purpose), fmt.Sprintf("%s: %v", name(i), err))
			continue
		}
		out = append(out, evaluator.Policy{Name: name(i), Document: d})
	}
	return out, diags
}

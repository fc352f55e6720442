package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*grantsNoNewAccessFunction)(nil)

// NewGrantsNoNewAccessFunction returns the grants_no_new_access function.
func NewGrantsNoNewAccessFunction() function.Function { return &grantsNoNewAccessFunction{} }

type grantsNoNewAccessFunction struct{}

func (f *grantsNoNewAccessFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "grants_no_new_access"
}

func (f *grantsNoNewAccessFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Tells whether identity policies allow nothing that reference policies do not",
		MarkdownDescription: "Returns `true` when the candidate identity policies allow no request (any action, resource and context) " +
			"that the reference policies do not, and `false` when they allow one, proven offline over every request. When the answer " +
			"cannot be proven (beyond the analyser's default budget, or a condition key compared as two types) the call fails rather " +
			"than guess: functions receive no provider configuration, so they run within the default budget whatever the provider's " +
			"`analysis_budget`. For SCPs and the " +
			"requests that differ, use the `imspolicy_access_analysis` data source.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name: "candidate", ElementType: types.StringType, MarkdownDescription: "The new identity policy documents (JSON).",
				Validators: []function.ListParameterValidator{validators.IdentityPolicies()},
			},
			function.ListParameter{
				Name: "reference", ElementType: types.StringType, MarkdownDescription: "The identity policy documents (JSON) to compare with, such as those deployed.",
				Validators: []function.ListParameterValidator{validators.IdentityPolicies()},
			},
		},
		Return: function.BoolReturn{},
	}
}

func (f *grantsNoNewAccessFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var candidate, reference []string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &candidate, &reference))
	if resp.Error != nil {
		return
	}
	var configs [2]*evaluator.PolicySet
	for i, docs := range [2][]string{candidate, reference} {
		c, ferr := identityConfig(docs, int64(i))
		if ferr != nil {
			resp.Error = ferr
			return
		}
		configs[i] = c
	}
	r, err := analysis.NoNewAccess(configs[0], configs[1], functionBudget)
	if err != nil {
		resp.Error = function.NewFuncError("Cannot analyse the policies: " + err.Error())
		return
	}
	if r.Status != analysis.Complete {
		resp.Error = function.NewFuncError("Cannot prove whether the candidate grants new access: " + r.Reason +
			". Use the imspolicy_access_analysis data source to see what is known.")
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, r.Holds))
}

// identityConfig builds the policy set of identity policy documents through the gate
// (the parameter validators have checked them, already) for the analyser.
func identityConfig(documents []string, argument int64) (*evaluator.PolicySet, *function.FuncError) {
	set, findings := evaluator.NewIdentityPolicySet(documents)
	if len(findings) > 0 {
		return nil, validators.SourceFindingError(argument, findings[0])
	}
	return set, nil
}

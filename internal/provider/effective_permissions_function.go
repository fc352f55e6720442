package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*effectivePermissionsFunction)(nil)

// NewEffectivePermissionsFunction returns the effective_permissions function.
func NewEffectivePermissionsFunction() function.Function { return &effectivePermissionsFunction{} }

type effectivePermissionsFunction struct{}

func (f *effectivePermissionsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "effective_permissions"
}

func (f *effectivePermissionsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Tells how much of each IMS action identity policies allow",
		MarkdownDescription: "Returns a map from each IMS table action to `\"full\"` (allowed for every resource and every context), " +
			"`\"partial\"` (allowed for some) or `\"none\"`, proven offline. When the answer cannot be proven (beyond the analyser's default budget, or a " +
			"condition key compared as two types) the call fails rather than guess: functions receive no provider configuration, so " +
			"they run within the default budget whatever the provider's `analysis_budget`. For SCPs, the statements that allow each action and " +
			"example requests, use the `imspolicy_access_analysis` data source. IAM v3 documents (`\"Version\": \"1.1\"`) have no v5 actions: " +
			"for them, alone or mixed with v5 ones, use `effective_api_permissions`, which answers per IMS API call.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name: "policies", ElementType: types.StringType, MarkdownDescription: "Identity policy documents (JSON).",
				Validators: []function.ListParameterValidator{validators.IdentityPolicies()},
			},
		},
		Return: function.MapReturn{ElementType: types.StringType},
	}
}

func (f *effectivePermissionsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var documents []string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &documents))
	if resp.Error != nil {
		return
	}
	c, ferr := identityConfig(documents, 0)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	r, err := analysis.EffectivePermissions(c, functionBudget)
	if err != nil {
		resp.Error = function.NewFuncError("Cannot analyse the policies: " + err.Error())
		return
	}
	if r.Status != analysis.Complete {
		resp.Error = function.NewFuncError("Cannot prove the effective permissions: " + r.Reason +
			". Use the imspolicy_access_analysis data source to see what is known.")
		return
	}
	grants := make(map[string]string, len(r.Actions))
	for _, a := range r.Actions {
		grants[a.Action] = a.Grant.String()
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, grants))
}

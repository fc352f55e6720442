package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*isAllowedFunction)(nil)

// NewIsAllowedFunction returns the is_allowed function.
func NewIsAllowedFunction() function.Function { return &isAllowedFunction{} }

type isAllowedFunction struct{}

func (f *isAllowedFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "is_allowed"
}

func (f *isAllowedFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Tells whether identity policies allow an action on a resource",
		MarkdownDescription: "Evaluates a request with no context against identity policies only (no SCPs) and returns " +
			"`true` when it is allowed. For SCPs, API requests, conditions and reasons, use the " +
			"`imspolicy_policy_simulation` data source.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name: "policies_json_list", ElementType: types.StringType, MarkdownDescription: "Identity policy documents (JSON).",
				Validators: []function.ListParameterValidator{validators.IdentityPolicies()},
			},
			function.StringParameter{
				Name: "action", MarkdownDescription: "Action, e.g. `ims:images:get`.",
				Validators: []function.StringParameterValidator{validators.RequestAction()},
			},
			function.StringParameter{Name: "resource", MarkdownDescription: "Resource URN, or `*` (taken literally)."},
		},
		Return: function.BoolReturn{},
	}
}

func (f *isAllowedFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var documents []string
	var action, resource string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &documents, &action, &resource))
	if resp.Error != nil {
		return
	}
	// The parameter validators have checked the policies and the action already.
	set, findings := evaluator.NewIdentityPolicySet(documents)
	if len(findings) > 0 {
		resp.Error = validators.SourceFindingError(0, findings[0])
		return
	}
	rep := set.Simulate(&evaluator.SimulationRequest{Action: action, Resource: resource})
	if len(rep.Problems) > 0 {
		resp.Error = function.NewArgumentFuncError(1, rep.Problems[0].Detail)
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, rep.Allowed()))
}

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
			"`true` when it is allowed. The policies may be IAM v5 identity policies and IAM v3 custom policies (`\"Version\": \"1.1\"`) " +
			"in any mix: an action v5 knows is decided through the v5 permission table by both (a v3 statement counts for every v5 action " +
			"whose name or alias it matches), an IAM v3 action v5 does not know (`ims:images:delete`) by the v3 policies alone, as " +
			"`imspolicy_policy_simulation` decides them. For SCPs, API requests, conditions and reasons, use the " +
			"`imspolicy_policy_simulation` data source.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name: "policies_json_list", ElementType: types.StringType, MarkdownDescription: "Identity policy documents (JSON), IAM v5 or v3.",
				Validators: []function.ListParameterValidator{validators.MixedIdentityPolicies()},
			},
			function.StringParameter{
				Name: "action", MarkdownDescription: "Action, e.g. `ims:images:get`, or an IAM v3 action such as `ims:images:delete`.",
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
	set, ferr := validators.NewSimulatorArgument(documents, 0)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	rep := set.Simulate(&evaluator.SimulationRequest{Action: action, Resource: resource})
	if len(rep.Problems) > 0 {
		resp.Error = function.NewArgumentFuncError(1, rep.Problems[0].Detail)
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, rep.Allowed()))
}

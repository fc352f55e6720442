package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
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
			function.ListParameter{Name: "policies_json_list", ElementType: types.StringType, MarkdownDescription: "Identity policy documents (JSON)."},
			function.StringParameter{Name: "action", MarkdownDescription: "Action, e.g. `ims:images:get`."},
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
	if strings.HasPrefix(strings.ToLower(action), "ims:") && catalog.Kind(action) == catalog.Unknown {
		msg := fmt.Sprintf("%q is not an IMS action.", action)
		msg += validators.DidYouMean(catalog.SuggestActions(action))
		resp.Error = function.NewArgumentFuncError(1, msg)
		return
	}
	policies, diags := parsePolicies(path.Empty(), "identity", documents, func(i int) string { return fmt.Sprintf("identity[%d]", i) })
	if diags.HasError() {
		resp.Error = function.NewArgumentFuncError(0, diags.Errors()[0].Summary()+": "+diags.Errors()[0].Detail())
		return
	}
	e, err := evaluator.Compile(policies, nil)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	var res evaluator.Result
	e.Evaluate(&evaluator.Request{Action: action, Resource: resource}, &res)
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, res.Allowed()))
}

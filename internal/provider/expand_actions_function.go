package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

var _ function.Function = (*expandActionsFunction)(nil)

// NewExpandActionsFunction returns the expand_actions function.
func NewExpandActionsFunction() function.Function { return &expandActionsFunction{} }

type expandActionsFunction struct{}

func (f *expandActionsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "expand_actions"
}

func (f *expandActionsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Lists the IMS actions a wildcard pattern matches",
		MarkdownDescription: "Returns the names of the IMS table actions that the pattern matches (`*` any run of " +
			"characters, `?` one character, ignoring case), sorted byte-wise. A pattern that matches nothing returns an empty list.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "pattern", MarkdownDescription: "Action pattern, e.g. `ims:images:get*`."},
		},
		Return: function.ListReturn{ElementType: types.StringType},
	}
}

func (f *expandActionsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var pattern string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &pattern))
	if resp.Error != nil {
		return
	}
	names := []string{}
	for _, a := range catalog.Match(pattern) {
		names = append(names, a.Name)
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, names))
}

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
		Summary: "Lists the IMS actions a name or wildcard pattern grants",
		MarkdownDescription: "Returns the names of the IMS table actions that a statement naming the pattern grants or denies " +
			"(`*` any run of characters, `?` one character, ignoring case), sorted byte-wise: those whose name it matches and those " +
			"with an alias it matches, as the simulator and the checker decide. `ims:images:update` is an alias and returns " +
			"`ims:images:deleteImage` and `ims:images:setTags`; `ims:images:list` returns the actions that list it as their alias " +
			"too. A pattern that reaches nothing returns an empty list.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "pattern", MarkdownDescription: "Action name or pattern, e.g. `ims:images:get*` or `ims:images:update`."},
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
	for _, a := range catalog.Grants(pattern) {
		names = append(names, a.Name)
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, names))
}

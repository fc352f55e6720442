package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*normalizePolicyFunction)(nil)

// NewNormalizePolicyFunction returns the normalize_policy function.
func NewNormalizePolicyFunction() function.Function { return &normalizePolicyFunction{} }

type normalizePolicyFunction struct{}

func (f *normalizePolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "normalize_policy"
}

func (f *normalizePolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Prints a policy document in its normal form",
		MarkdownDescription: "Returns the normal form of a policy document, minified: `Version` first, statements in order, " +
			"lists everywhere (a single string becomes a list of one), sorted and without duplicates, actions in the catalog's " +
			"spelling (other services' actions in lower case), condition operators and keys sorted, empty fields left out, " +
			"a stable key order and no white space. Two documents give the same bytes exactly when the resources treat them " +
			"as the same policy (no diff). Use it to compare policies or to store them stably.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "json", MarkdownDescription: "A policy document (JSON).",
				Validators: []function.StringParameterValidator{validators.ParsablePolicyDocument()},
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *normalizePolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var src string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &src))
	if resp.Error != nil {
		return
	}
	canonical, err := canonicalDocument(src)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "the policy document does not parse: "+err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, canonical))
}

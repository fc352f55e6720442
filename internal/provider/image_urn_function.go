package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*imageURNFunction)(nil)

// NewImageURNFunction returns the image_urn function.
func NewImageURNFunction() function.Function { return &imageURNFunction{} }

type imageURNFunction struct{}

func (f *imageURNFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "image_urn"
}

func (f *imageURNFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Builds the URN of an IMS image",
		MarkdownDescription: "Returns `ims:<region>:<account_id>:image:<image_id>`, the URN to name an image in the " +
			"`Resource` of a policy statement. Each part must be well formed; `*` (or a pattern with `*`) is allowed.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "region", MarkdownDescription: "Region, e.g. `cn-north-4`, or `*`.",
				Validators: []function.StringParameterValidator{validators.ImageURNPart(catalog.ImageRegion)},
			},
			function.StringParameter{
				Name: "account_id", MarkdownDescription: "Account (domain) ID, or `*`.",
				Validators: []function.StringParameterValidator{validators.ImageURNPart(catalog.ImageAccountID)},
			},
			function.StringParameter{
				Name: "image_id", MarkdownDescription: "Image ID, or `*`.",
				Validators: []function.StringParameterValidator{validators.ImageURNPart(catalog.ImageID)},
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *imageURNFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var region, account, imageID string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &region, &account, &imageID))
	if resp.Error != nil {
		return
	}
	urn, err := catalog.ImageURN(region, account, imageID)
	if err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, urn))
}

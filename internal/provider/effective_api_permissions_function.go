package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*effectiveAPIPermissionsFunction)(nil)

// NewEffectiveAPIPermissionsFunction returns the effective_api_permissions function.
func NewEffectiveAPIPermissionsFunction() function.Function {
	return &effectiveAPIPermissionsFunction{}
}

type effectiveAPIPermissionsFunction struct{}

func (f *effectiveAPIPermissionsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "effective_api_permissions"
}

// apiRequestType is an API request of a function's answer: its resource and context.
var apiRequestType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"resource": types.StringType, "context": types.MapType{ElemType: types.ListType{ElemType: types.StringType}},
}}

var apiGrantType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"grant": types.StringType, "known_to": types.StringType, "allowed": apiRequestType, "denied": apiRequestType,
}}

func (f *effectiveAPIPermissionsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Tells how much of each IMS API call identity policies of IAM v5, IAM v3 or both allow",
		MarkdownDescription: "Returns a map from each IMS API call of either permission table (`\"<METHOD> <path template>\"`, quick import once per " +
			"`(system disk)` and `(data disk)`) to an object: `grant`, `\"full\"` (allowed for every resource and context), `\"partial\"` or " +
			"`\"none\"`; `known_to`, the tables that list the call (`\"v3 and v5\"`, `\"v3 only\"`, `\"v5 only\"`); `allowed`, a request " +
			"(`resource`, `context`) that is allowed (null for `none`); and `denied`, one that is not (null for `full`), proven offline over " +
			"every request. The policies may be IAM v5 identity policies and IAM v3 custom policies (`\"Version\": \"1.1\"`) in any mix, " +
			"held by one principal: a call is decided through the v5 table by both and through the v3 table by the v3 policies alone, an " +
			"explicit deny either way denies, else an allow either way allows (inferred; see the guide \"Migrating IAM v3 policies to v5\"). " +
			"So a v3 row that requires no action (`GET /`, the schemas) is `full` even for v5 policies alone. When the answer cannot be " +
			"proven within the analyser's default budget the call fails rather than guess. For IMS actions of v5 policies, use " +
			"`effective_permissions`.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name: "policies", ElementType: types.StringType, MarkdownDescription: "Identity policy documents (JSON), IAM v5 or v3.",
				Validators: []function.ListParameterValidator{validators.MixedIdentityPolicies()},
			},
		},
		Return: function.MapReturn{ElementType: apiGrantType},
	}
}

type apiRequestValue struct {
	Resource string              `tfsdk:"resource"`
	Context  map[string][]string `tfsdk:"context"`
}

type apiGrantValue struct {
	Grant   string           `tfsdk:"grant"`
	KnownTo string           `tfsdk:"known_to"`
	Allowed *apiRequestValue `tfsdk:"allowed"`
	Denied  *apiRequestValue `tfsdk:"denied"`
}

func apiRequestOf(r *apicall.Request) *apiRequestValue {
	if r == nil {
		return nil
	}
	ctx := map[string][]string{}
	for k, vs := range r.Context {
		ctx[k] = append([]string{}, vs...)
	}
	return &apiRequestValue{Resource: r.Resource, Context: ctx}
}

func (f *effectiveAPIPermissionsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var documents []string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &documents))
	if resp.Error != nil {
		return
	}
	p, ferr := validators.NewPrincipalArgument(documents, 0)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	grants, status, reason, err := p.Effective(functionBudget)
	if err != nil {
		resp.Error = function.NewFuncError("Cannot analyse the policies: " + err.Error())
		return
	}
	if status != analysis.Complete {
		resp.Error = function.NewFuncError("Cannot prove the effective API permissions: " + reason +
			". Split the policies, or use the imspolicy_access_analysis data source (v5 policies) to see what is known.")
		return
	}
	out := make(map[string]apiGrantValue, len(grants))
	for _, g := range grants {
		out[g.Call.Name()] = apiGrantValue{Grant: g.Grant.String(), KnownTo: g.Call.KnownTo(), Allowed: apiRequestOf(g.Allowed), Denied: apiRequestOf(g.Denied)}
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, out))
}

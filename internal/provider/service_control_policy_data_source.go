package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
)

var (
	_ datasource.DataSource                     = (*serviceControlPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*serviceControlPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*serviceControlPolicyDataSource)(nil)
)

// NewServiceControlPolicyDataSource returns the imspolicy_service_control_policy data source.
func NewServiceControlPolicyDataSource() datasource.DataSource {
	return &serviceControlPolicyDataSource{}
}

type serviceControlPolicyDataSource struct{ data *providerData }

type serviceControlPolicyDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	URN         types.String `tfsdk:"urn"`
	Content     types.String `tfsdk:"content"`
	IsBuiltin   types.Bool   `tfsdk:"is_builtin"`
}

func (d *serviceControlPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_control_policy"
}

func (d *serviceControlPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a service control policy, custom or system (such as `FullAccess`), by ID or by name. " +
			"`content` is canonical, so it can feed `imspolicy_policy_simulation`'s `scp_level` or be compared with " +
			"`provider::imspolicy::normalize_policy`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The policy ID. Exactly one of `id` and `name` is required.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The policy name (exact). Exactly one of `id` and `name` is required.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{Computed: true, MarkdownDescription: "The description."},
			"urn":         schema.StringAttribute{Computed: true, MarkdownDescription: "The policy URN."},
			"content": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy document, canonical and minified (as `provider::imspolicy::normalize_policy` prints it).",
			},
			"is_builtin": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is a system policy, such as `FullAccess`."},
		},
	}
}

func (d *serviceControlPolicyDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *serviceControlPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *serviceControlPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model serviceControlPolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := apiClient(d.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	// Bounded like a resource's read (a data source has no timeouts block).
	ctx, cancel := context.WithTimeout(ctx, defaultTimeouts[opRead])
	defer cancel()

	id := model.ID.ValueString()
	if model.ID.IsNull() {
		found, err := c.FindSCPByName(ctx, model.Name.ValueString())
		if client.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Service control policy not found",
				fmt.Sprintf("The organisation has no service control policy named %q (names are matched exactly).", model.Name.ValueString()))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "listing service control policies", err)
			return
		}
		id = found.ID
	}
	got, err := c.GetSCP(ctx, id)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Service control policy not found",
			fmt.Sprintf("The organisation has no service control policy with ID %q.", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the service control policy", err)
		return
	}
	if got.Type != "" && got.Type != client.PolicyTypeServiceControl {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Not a service control policy",
			fmt.Sprintf("The Organizations policy %s is a %s, not a service control policy.", got.ID, got.Type))
		return
	}

	content, err := canonicalDocument(got.Content)
	if err != nil {
		resp.Diagnostics.AddAttributeWarning(path.Root("content"), "Policy content not canonical",
			fmt.Sprintf("The content of %s does not parse as a policy document (%v); it is returned as the API sent it.", got.ID, err))
	}
	model.ID = types.StringValue(got.ID)
	model.Name = types.StringValue(got.Name)
	model.Description = types.StringValue(got.Description)
	model.URN = types.StringValue(got.URN)
	model.Content = types.StringValue(content)
	model.IsBuiltin = types.BoolValue(got.IsBuiltin)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

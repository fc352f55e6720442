package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
)

var (
	_ datasource.DataSource                     = (*identityPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*identityPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*identityPolicyDataSource)(nil)
)

// NewIdentityPolicyDataSource returns the imspolicy_identity_policy data source.
func NewIdentityPolicyDataSource() datasource.DataSource { return &identityPolicyDataSource{} }

type identityPolicyDataSource struct{ data *providerData }

type identityPolicyDataSourceModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	PolicyType       types.String `tfsdk:"policy_type"`
	Path             types.String `tfsdk:"path"`
	Description      types.String `tfsdk:"description"`
	URN              types.String `tfsdk:"urn"`
	DefaultVersionID types.String `tfsdk:"default_version_id"`
	Policy           types.String `tfsdk:"policy"`
	AttachmentCount  types.Int64  `tfsdk:"attachment_count"`
	CreatedAt        types.String `tfsdk:"created_at"`
	UpdatedAt        types.String `tfsdk:"updated_at"`
}

func (d *identityPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity_policy"
}

func (d *identityPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an identity policy, custom or system, by id or by name, with the document of its default " +
			"version, for example to feed `imspolicy_policy_simulation` with the policy as it is in the account, or to " +
			"attach a system policy with `imspolicy_identity_policy_attachment` (system policies cannot be managed by " +
			"`imspolicy_identity_policy`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The policy's id. Exactly one of `id` and `name` is required.",
			},
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The policy's name (unique among the account's custom policies). A custom policy is " +
					"found first; otherwise the system policy of that name. Exactly one of `id` and `name` is required.",
			},
			"policy_type":        schema.StringAttribute{Computed: true, MarkdownDescription: "`custom`, or `system` for the cloud's own policies."},
			"path":               schema.StringAttribute{Computed: true, MarkdownDescription: "The policy's path (`/` when it has none)."},
			"description":        schema.StringAttribute{Computed: true, MarkdownDescription: "The policy's description."},
			"urn":                schema.StringAttribute{Computed: true, MarkdownDescription: "The policy's URN."},
			"default_version_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The default version, `v<N>`: the one in force."},
			"policy": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The default version's document, in canonical minified form (as `normalize_policy` " +
					"prints it; as stored when it does not parse).",
			},
			"attachment_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many users, groups and agencies the policy is attached to."},
			"created_at":       schema.StringAttribute{Computed: true, MarkdownDescription: "When the policy was created (UTC)."},
			"updated_at":       schema.StringAttribute{Computed: true, MarkdownDescription: "When the policy's default version last changed (UTC)."},
		},
	}
}

func (d *identityPolicyDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *identityPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *identityPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg identityPolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := apiClient(d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	// Bounded like a resource's read (a data source has no timeouts block).
	ctx, cancel := context.WithTimeout(ctx, defaultTimeouts[opRead])
	defer cancel()

	id := cfg.ID.ValueString()
	if !cfg.Name.IsNull() {
		name := cfg.Name.ValueString()
		p, err := c.FindPolicyOfAnyTypeByName(ctx, name)
		if client.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Identity policy not found",
				fmt.Sprintf("There is no custom or system identity policy named %q in the account.", name))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("looking up identity policy %q", name), err)
			return
		}
		id = p.PolicyID
	}

	var p *client.Policy
	var v *client.PolicyVersion
	get := func(ctx context.Context) error {
		var err error
		p, v, err = c.GetPolicyDocument(ctx, id)
		return err
	}
	err := c.WithPolicy(ctx, id, get)
	if errors.Is(err, client.ErrPolicyGone) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Identity policy not found",
			fmt.Sprintf("There is no identity policy with id %q in the account.", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("reading identity policy %s", id), err)
		return
	}

	document, _ := canonicalDocument(v.Document)
	state := identityPolicyDataSourceModel{
		ID:               types.StringValue(p.PolicyID),
		Name:             types.StringValue(p.PolicyName),
		PolicyType:       types.StringValue(p.PolicyType),
		Path:             types.StringValue(p.PathOrRoot()),
		Description:      types.StringValue(p.Description),
		URN:              types.StringValue(p.URN),
		DefaultVersionID: types.StringValue(p.DefaultVersionID),
		Policy:           types.StringValue(document),
		AttachmentCount:  types.Int64Value(int64(p.AttachmentCount)),
		CreatedAt:        types.StringValue(p.CreatedAt),
		UpdatedAt:        types.StringValue(p.UpdatedAt),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

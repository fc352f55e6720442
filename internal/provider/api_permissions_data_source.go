package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

var _ datasource.DataSource = (*apiPermissionsDataSource)(nil)

// NewAPIPermissionsDataSource returns the imspolicy_api_permissions data source.
func NewAPIPermissionsDataSource() datasource.DataSource { return &apiPermissionsDataSource{} }

type apiPermissionsDataSource struct{}

type apiPermissionsModel struct {
	Method       types.String     `tfsdk:"method"`
	Path         types.String     `tfsdk:"path"`
	PathTemplate types.String     `tfsdk:"path_template"`
	Actions      []apiActionModel `tfsdk:"actions"`
	Dependencies []string         `tfsdk:"dependencies"`
}

type apiActionModel struct {
	Action string `tfsdk:"action"`
	Note   string `tfsdk:"note"`
}

func (d *apiPermissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_permissions"
}

func (d *apiPermissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Tells which actions an IMS API call needs, and on which other actions it depends " +
			"(the vendor's Table 2). Works offline.",
		Attributes: map[string]schema.Attribute{
			"method": schema.StringAttribute{Required: true, MarkdownDescription: "HTTP method, e.g. `PUT`."},
			"path": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "API path: a template such as `/v2/images/{image_id}/file` or a concrete path such as " +
					"`/v2/images/9f1c0000-0000-0000-0000-000000000000/file`. A query string is ignored.",
			},
			"path_template": schema.StringAttribute{Computed: true, MarkdownDescription: "The path template the path matched."},
			"actions": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The actions the API needs. An action with a `note` is needed only in the scenario the note names.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"action": schema.StringAttribute{Computed: true, MarkdownDescription: "Action name."},
					"note":   schema.StringAttribute{Computed: true, MarkdownDescription: "Scenario note, e.g. `required only for quickly importing a data disk image`; empty when always required."},
				}},
			},
			"dependencies": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Other actions the API depends on, possibly of other services (e.g. `obs:object:GetObject`).",
			},
		},
	}
}

func (d *apiPermissionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m apiPermissionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	method, apiPath := m.Method.ValueString(), m.Path.ValueString()
	p, ok := catalog.LookupAPI(method, apiPath)
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Unknown IMS API", catalog.UnknownAPIDetail(method, apiPath))
		return
	}
	m.PathTemplate = types.StringValue(p.PathTemplate)
	m.Actions = []apiActionModel{}
	for _, a := range p.Actions {
		m.Actions = append(m.Actions, apiActionModel{Action: a.Action, Note: a.Note})
	}
	m.Dependencies = append([]string{}, p.Dependencies...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ datasource.DataSource = (*actionsDataSource)(nil)

// NewActionsDataSource returns the imspolicy_actions data source.
func NewActionsDataSource() datasource.DataSource { return &actionsDataSource{} }

type actionsDataSource struct{}

type actionsModel struct {
	Match        types.String  `tfsdk:"match"`
	GrantedBy    types.String  `tfsdk:"granted_by"`
	AccessLevels []string      `tfsdk:"access_levels"`
	ResourceType types.String  `tfsdk:"resource_type"`
	ConditionKey types.String  `tfsdk:"condition_key"`
	Names        []string      `tfsdk:"names"`
	Actions      []actionModel `tfsdk:"actions"`
}

type actionModel struct {
	Name               string                 `tfsdk:"name"`
	Description        string                 `tfsdk:"description"`
	AccessLevel        string                 `tfsdk:"access_level"`
	ResourceTypes      []resourceTypeRefModel `tfsdk:"resource_types"`
	ConditionKeys      []string               `tfsdk:"condition_keys"`
	Aliases            []string               `tfsdk:"aliases"`
	Deprecated         bool                   `tfsdk:"deprecated"`
	RecommendedActions []string               `tfsdk:"recommended_actions"`
	APIs               []actionAPIModel       `tfsdk:"apis"`
}

type resourceTypeRefModel struct {
	Name     string `tfsdk:"name"`
	Required bool   `tfsdk:"required"`
}

type actionAPIModel struct {
	Method string `tfsdk:"method"`
	Path   string `tfsdk:"path"`
	Note   string `tfsdk:"note"`
}

func (d *actionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_actions"
}

func (d *actionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	levels := make([]string, len(catalog.AccessLevels))
	for i, l := range catalog.AccessLevels {
		levels[i] = string(l)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the IMS actions of the catalog (the vendor's Table 1), optionally filtered. " +
			"Works offline. All filters combine with AND.",
		Attributes: map[string]schema.Attribute{
			"match": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Wildcard pattern (`*`, `?`) the action name must match, ignoring case, e.g. `ims:images:get*`.",
			},
			"granted_by": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Keep the actions that a statement naming this action or pattern grants, by their own name or through " +
					"an alias, ignoring case: `ims:images:update` keeps `ims:images:deleteImage` and `ims:images:setTags`. The rule of " +
					"`expand_actions`, the simulator and the checker; `match` compares action names only.",
			},
			"access_levels": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep actions at any of these access levels: `list`, `read`, `write`, `permission_management`, `tagging`.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf(levels...))},
			},
			"resource_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep actions that support this resource type (`image`).",
				Validators:          []validator.String{validators.ResourceType()},
			},
			"condition_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Keep actions associated with this condition key, stated by the vendor or inferred. " +
					"A global `g:` key applies to every action.",
				Validators: []validator.String{validators.ConditionKey()},
			},
			"names": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Names of the matching actions, sorted byte-wise.",
			},
			"actions": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching actions, in the order of `names`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Action name, e.g. `ims:images:get`."},
					"description":  schema.StringAttribute{Computed: true, MarkdownDescription: "The vendor's description."},
					"access_level": schema.StringAttribute{Computed: true, MarkdownDescription: "Access level."},
					"resource_types": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "Resource types the action supports; empty when statements using it must name the resource `*`.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "Resource type name."},
							"required": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a resource named with this action must be of this type."},
						}},
					},
					"condition_keys": schema.ListAttribute{
						Computed:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "Condition keys associated with the action, stated by the vendor or inferred (see the catalog guide).",
					},
					"aliases":             schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Policy action names that grant this action too."},
					"deprecated":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the vendor recommends other actions instead."},
					"recommended_actions": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The actions the vendor recommends instead of a deprecated one."},
					"apis": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "The APIs that need this action (the vendor's Table 2).",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"method": schema.StringAttribute{Computed: true, MarkdownDescription: "HTTP method."},
							"path":   schema.StringAttribute{Computed: true, MarkdownDescription: "Path template."},
							"note":   schema.StringAttribute{Computed: true, MarkdownDescription: "Scenario note, e.g. `required only for enterprise project migration`; empty when always required."},
						}},
					},
				}},
			},
		},
	}
}

func (d *actionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m actionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	found := catalog.Actions()
	keep := func(ok func(catalog.Action) bool) {
		found = slices.DeleteFunc(found, func(a catalog.Action) bool { return !ok(a) })
	}
	if !m.Match.IsNull() {
		matched := catalog.Match(m.Match.ValueString())
		keep(func(a catalog.Action) bool { return containsAction(matched, a) })
	}
	if !m.GrantedBy.IsNull() {
		var granted []catalog.Action
		for _, g := range catalog.Grants(m.GrantedBy.ValueString()) {
			granted = append(granted, g.Action)
		}
		keep(func(a catalog.Action) bool { return containsAction(granted, a) })
	}
	if m.AccessLevels != nil {
		keep(func(a catalog.Action) bool { return slices.Contains(m.AccessLevels, string(a.AccessLevel)) })
	}
	if !m.ResourceType.IsNull() {
		matched := catalog.ByResourceType(m.ResourceType.ValueString())
		keep(func(a catalog.Action) bool { return containsAction(matched, a) })
	}
	if !m.ConditionKey.IsNull() {
		matched := catalog.ByConditionKey(m.ConditionKey.ValueString())
		keep(func(a catalog.Action) bool { return containsAction(matched, a) })
	}

	m.Names = []string{}
	m.Actions = []actionModel{}
	for _, a := range found {
		m.Names = append(m.Names, a.Name)
		m.Actions = append(m.Actions, newActionModel(a))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func containsAction(list []catalog.Action, a catalog.Action) bool {
	return slices.ContainsFunc(list, func(b catalog.Action) bool { return b.Name == a.Name })
}

func newActionModel(a catalog.Action) actionModel {
	m := actionModel{
		Name:               a.Name,
		Description:        a.Description,
		AccessLevel:        string(a.AccessLevel),
		ResourceTypes:      []resourceTypeRefModel{},
		ConditionKeys:      []string{},
		Aliases:            append([]string{}, a.Aliases...),
		Deprecated:         a.Deprecated(),
		RecommendedActions: []string{},
		APIs:               []actionAPIModel{},
	}
	for _, r := range a.ResourceTypes {
		m.ResourceTypes = append(m.ResourceTypes, resourceTypeRefModel{Name: r.Name, Required: r.Required})
	}
	for _, k := range a.ConditionKeys {
		m.ConditionKeys = append(m.ConditionKeys, k.Name)
	}
	if a.Deprecation != nil {
		m.RecommendedActions = append(m.RecommendedActions, a.Deprecation.Recommended...)
	}
	for _, api := range catalog.APIsOf(a.Name) {
		m.APIs = append(m.APIs, actionAPIModel{Method: api.Method, Path: api.Path, Note: api.Note})
	}
	return m
}

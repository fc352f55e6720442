package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ datasource.DataSource = (*conditionKeysDataSource)(nil)

// NewConditionKeysDataSource returns the imspolicy_condition_keys data source.
func NewConditionKeysDataSource() datasource.DataSource { return &conditionKeysDataSource{} }

type conditionKeysDataSource struct{}

type conditionKeysModel struct {
	Action types.String        `tfsdk:"action"`
	Keys   []conditionKeyModel `tfsdk:"keys"`
}

type conditionKeyModel struct {
	Name        string `tfsdk:"name"`
	Type        string `tfsdk:"type"`
	MultiValued bool   `tfsdk:"multi_valued"`
	Global      bool   `tfsdk:"global"`
	Description string `tfsdk:"description"`
}

func (d *conditionKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_condition_keys"
}

func (d *conditionKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the condition keys usable in IMS policies: the service keys of the vendor's Table 4 " +
			"(`ims:`) and the global keys (`g:`). Works offline.",
		Attributes: map[string]schema.Attribute{
			"action": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Keep the keys usable with this action (or alias): the global keys and the `ims:` keys " +
					"associated with it, stated by the vendor or inferred.",
				Validators: []validator.String{validators.ActionName()},
			},
			"keys": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The condition keys, sorted byte-wise by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Key name; `<tag-key>` stands for a tag key of your choice."},
					"type":         schema.StringAttribute{Computed: true, MarkdownDescription: "Value type: `string`, `numeric`, `date`, `boolean` or `ip_address`."},
					"multi_valued": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a request can carry several values for the key (use `ForAnyValue:`/`ForAllValues:`)."},
					"global":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the key is a global `g:` key that applies to every action."},
					"description":  schema.StringAttribute{Computed: true, MarkdownDescription: "What the key filters on."},
				}},
			},
		},
	}
}

func (d *conditionKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m conditionKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	keys := catalog.ConditionKeys()
	if !m.Action.IsNull() {
		var ok bool
		if keys, ok = catalog.KeysFor(m.Action.ValueString()); !ok {
			resp.Diagnostics.AddAttributeError(path.Root("action"), "Action has no condition keys in the catalog",
				fmt.Sprintf("%q is only referenced as a dependency in the vendor's API table; it is not an action of Table 1 or an alias of one. Filter by a table action such as \"ims:images:get\".", m.Action.ValueString()))
			return
		}
	}
	m.Keys = []conditionKeyModel{}
	for _, k := range keys {
		m.Keys = append(m.Keys, conditionKeyModel{
			Name: k.Name, Type: string(k.Type), MultiValued: k.MultiValued, Global: k.Global, Description: k.Description,
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

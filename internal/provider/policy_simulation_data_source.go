package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ datasource.DataSource = (*policySimulationDataSource)(nil)

// NewPolicySimulationDataSource returns the imspolicy_policy_simulation data source.
func NewPolicySimulationDataSource() datasource.DataSource { return &policySimulationDataSource{} }

type policySimulationDataSource struct{}

type policySimulationModel struct {
	IdentityPolicies []string          `tfsdk:"identity_policies"`
	SCPLevels        []scpLevelModel   `tfsdk:"scp_level"`
	Requests         []simRequestModel `tfsdk:"request"`
	Results          []simResultModel  `tfsdk:"results"`
	AllAllowed       types.Bool        `tfsdk:"all_allowed"`
}

type scpLevelModel struct {
	Name     string   `tfsdk:"name"`
	Policies []string `tfsdk:"policies"`
}

type simRequestModel struct {
	Name     types.String      `tfsdk:"name"`
	Action   types.String      `tfsdk:"action"`
	API      *simAPIModel      `tfsdk:"api"`
	Resource types.String      `tfsdk:"resource"`
	Context  []simContextModel `tfsdk:"context"`
}

type simAPIModel struct {
	Method string `tfsdk:"method"`
	Path   string `tfsdk:"path"`
}

type simContextModel struct {
	Key    string   `tfsdk:"key"`
	Values []string `tfsdk:"values"`
}

type simResultModel struct {
	Name               string              `tfsdk:"name"`
	Action             string              `tfsdk:"action"`
	API                types.String        `tfsdk:"api"`
	Resource           string              `tfsdk:"resource"`
	Decision           string              `tfsdk:"decision"`
	Allowed            bool                `tfsdk:"allowed"`
	DecidedBy          string              `tfsdk:"decided_by"`
	MatchedStatements  []simMatchModel     `tfsdk:"matched_statements"`
	MissingContextKeys []string            `tfsdk:"missing_context_keys"`
	EvaluatedActions   []simEvaluatedModel `tfsdk:"evaluated_actions"`
	Warnings           []string            `tfsdk:"warnings"`
	Explanation        string              `tfsdk:"explanation"`
}

type simMatchModel struct {
	Policy    string `tfsdk:"policy"`
	Statement int64  `tfsdk:"statement"`
	Sid       string `tfsdk:"sid"`
	Effect    string `tfsdk:"effect"`
}

type simEvaluatedModel struct {
	Action   string `tfsdk:"action"`
	Decision string `tfsdk:"decision"`
	Required bool   `tfsdk:"required"`
	Note     string `tfsdk:"note"`
}

func (d *policySimulationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy_simulation"
}

func (d *policySimulationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	matchAttrs := map[string]schema.Attribute{
		"policy":    schema.StringAttribute{Computed: true, MarkdownDescription: "The policy: `identity[<index>]`, or `scp[<level name>][<index>]`."},
		"statement": schema.Int64Attribute{Computed: true, MarkdownDescription: "0-based index of the statement in the policy."},
		"sid":       schema.StringAttribute{Computed: true, MarkdownDescription: "The statement's `Sid`, or empty."},
		"effect":    schema.StringAttribute{Computed: true, MarkdownDescription: "`Allow` or `Deny`."},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Evaluates hypothetical requests against identity policies bounded by service control policies " +
			"(SCPs), offline, and says for each whether it would be allowed and why. Use it in `terraform test` files and " +
			"`check` blocks to unit-test policies before they are applied.\n\n" +
			"Identity policies: an explicit `Deny` wins; otherwise a matching `Allow` is needed; otherwise the request is " +
			"implicitly denied. SCPs grant nothing: every `scp_level` (root first, then each OU, then the account) must " +
			"allow the request through at least one of its SCPs, and a `Deny` in any SCP denies. A statement naming an " +
			"alias (`ims:images:update`) grants or denies every action that lists it.",
		Attributes: map[string]schema.Attribute{
			"identity_policies": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Identity policy documents (JSON), e.g. from `imspolicy_policy_document` or `file()`. Invalid documents fail the plan.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(validators.PolicyDocument("identity"))},
			},
			"results": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One result per `request`, in order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "The request's name, or `request[<index>]`."},
					"action":   schema.StringAttribute{Computed: true, MarkdownDescription: "The action requested; for an API request, the API's main action."},
					"api":      schema.StringAttribute{Computed: true, MarkdownDescription: "For an API request, `<METHOD> <path template>`; null otherwise."},
					"resource": schema.StringAttribute{Computed: true, MarkdownDescription: "The resource requested."},
					"decision": schema.StringAttribute{Computed: true, MarkdownDescription: "`allow`, `explicit_deny` or `implicit_deny`."},
					"allowed":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the decision is `allow`."},
					"decided_by": schema.StringAttribute{Computed: true, MarkdownDescription: "`identity`, or `scp:<level name>`: the first layer that denies " +
						"(an explicit deny before any implicit one; identity first, then SCP levels root first); `identity` on an allow."},
					"matched_statements": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "Every statement whose action, resource and conditions matched.",
						NestedObject:        schema.NestedAttributeObject{Attributes: matchAttrs},
					},
					"missing_context_keys": schema.ListAttribute{
						Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Condition keys that matching statements looked for and the request did not give.",
					},
					"evaluated_actions": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "For an API request: each action the API needs and each dependency, with its own decision.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"action":   schema.StringAttribute{Computed: true, MarkdownDescription: "Action name."},
							"decision": schema.StringAttribute{Computed: true, MarkdownDescription: "The action's decision."},
							"required": schema.BoolAttribute{Computed: true, MarkdownDescription: "False for actions needed only in the scenario `note` names: reported, not required."},
							"note":     schema.StringAttribute{Computed: true, MarkdownDescription: "The vendor's scenario note, e.g. `required only for enterprise project migration`."},
						}},
					},
					"warnings": schema.ListAttribute{
						Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Surprises worth knowing, such as a dependency that is an alias granting more than its name says.",
					},
					"explanation": schema.StringAttribute{Computed: true, MarkdownDescription: "One readable sentence on why."},
				}},
			},
			"all_allowed": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether every request is allowed."},
		},
		Blocks: map[string]schema.Block{
			"scp_level": schema.ListNestedBlock{
				MarkdownDescription: "A level of the organisation path with the SCPs attached to it, root first, then each OU, then the account. Without any, no SCPs apply.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "The level's name, used in `decided_by` and `matched_statements`, e.g. `root` or `ou-prod`."},
					"policies": schema.ListAttribute{
						Required: true, ElementType: types.StringType,
						MarkdownDescription: "SCP documents (JSON) attached at this level.",
						Validators: []validator.List{
							listvalidator.SizeAtLeast(1),
							listvalidator.ValueStringsAre(validators.PolicyDocument("scp")),
						},
					},
				}},
			},
			"request": schema.ListNestedBlock{
				MarkdownDescription: "A hypothetical request: an `action` or an `api`, on a `resource`, with `context` values.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{Optional: true, MarkdownDescription: "A name for the result."},
						"action": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "The action, e.g. `ims:images:get`. Actions of other services (`obs:object:GetObject`) are accepted.",
							Validators: []validator.String{
								stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("api")),
							},
						},
						"resource": schema.StringAttribute{
							Optional: true,
							MarkdownDescription: "The resource URN. Default `*`, taken literally: it matches only `Resource` patterns that " +
								"match the string `*`. Build image URNs with `provider::imspolicy::image_urn`.",
							Validators: []validator.String{validators.ResourceURN()},
						},
					},
					Blocks: map[string]schema.Block{
						"api": schema.SingleNestedBlock{
							MarkdownDescription: "An IMS API instead of an action: allowed only when every action it needs and every dependency is allowed.",
							Attributes: map[string]schema.Attribute{
								"method": schema.StringAttribute{Optional: true, MarkdownDescription: "HTTP method."},
								"path":   schema.StringAttribute{Optional: true, MarkdownDescription: "Path template or concrete path."},
							},
						},
						"context": schema.ListNestedBlock{
							MarkdownDescription: "A condition key's values in the request.",
							NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
								"key":    schema.StringAttribute{Required: true, MarkdownDescription: "Condition key, e.g. `ims:Region` or `g:ResourceTag/env`."},
								"values": schema.ListAttribute{Required: true, ElementType: types.StringType, MarkdownDescription: "Values; several for a multi-valued key."},
							}},
						},
					},
				},
			},
		},
	}
}

func (d *policySimulationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policySimulationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	identity, diags := parsePolicies(path.Root("identity_policies"), "identity", m.IdentityPolicies, func(i int) string { return fmt.Sprintf("identity[%d]", i) })
	resp.Diagnostics.Append(diags...)
	var levels []evaluator.Level
	for li, lv := range m.SCPLevels {
		ps, diags := parsePolicies(path.Root("scp_level").AtListIndex(li).AtName("policies"), "scp", lv.Policies,
			func(i int) string { return fmt.Sprintf("scp[%s][%d]", lv.Name, i) })
		resp.Diagnostics.Append(diags...)
		levels = append(levels, evaluator.Level{Name: lv.Name, Policies: ps})
	}
	if resp.Diagnostics.HasError() {
		return
	}
	e, err := evaluator.Compile(identity, levels)
	if err != nil {
		resp.Diagnostics.AddError("Policy cannot be evaluated", err.Error())
		return
	}

	m.Results = []simResultModel{}
	m.AllAllowed = types.BoolValue(true)
	for i, r := range m.Requests {
		result, diags := simulate(e, r, path.Root("request").AtListIndex(i))
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			continue
		}
		if result.Name == "" {
			result.Name = fmt.Sprintf("request[%d]", i)
		}
		m.AllAllowed = types.BoolValue(m.AllAllowed.ValueBool() && result.Allowed)
		m.Results = append(m.Results, result)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func simulate(e *evaluator.Evaluator, r simRequestModel, at path.Path) (simResultModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	resource := "*"
	if !r.Resource.IsNull() {
		resource = r.Resource.ValueString()
	}
	values := map[string][]string{}
	for ci, c := range r.Context {
		// A value that cannot be read as its key's type would never match, silently:
		// refuse it.
		for _, v := range c.Values {
			if err := e.CheckValue(c.Key, v); err != nil {
				diags.AddAttributeError(at.AtName("context").AtListIndex(ci).AtName("values"), "Invalid context value", err.Error()+".")
			}
		}
		values[c.Key] = append(values[c.Key], c.Values...)
	}
	if diags.HasError() {
		return simResultModel{}, diags
	}
	ctx := evaluator.NewContext(values)
	out := simResultModel{
		Name: r.Name.ValueString(), Resource: resource, API: types.StringNull(),
		MissingContextKeys: []string{}, EvaluatedActions: []simEvaluatedModel{}, Warnings: []string{},
	}

	var res evaluator.Result
	if r.API != nil {
		api, ok := catalog.LookupAPI(r.API.Method, r.API.Path)
		if !ok {
			detail := fmt.Sprintf("%s %s is not in the IMS API table.", strings.ToUpper(r.API.Method), r.API.Path)
			if s := catalog.SuggestAPIs(r.API.Method, r.API.Path); len(s) > 0 {
				detail += " Did you mean " + strings.Join(s, ", or ") + "?"
			}
			diags.AddAttributeError(at.AtName("api").AtName("path"), "Unknown IMS API", detail)
			return out, diags
		}
		var actions []evaluator.ActionResult
		res, actions = e.EvaluateAPI(api, resource, ctx)
		out.API = types.StringValue(api.Method + " " + api.PathTemplate)
		var names []string
		for _, a := range actions {
			if out.Action == "" && a.Required && !a.Dependency {
				out.Action = a.Action
			}
			names = append(names, a.Action)
			out.EvaluatedActions = append(out.EvaluatedActions, simEvaluatedModel{
				Action: a.Action, Decision: a.Result.Decision.String(), Required: a.Required, Note: a.Note,
			})
		}
		out.Warnings = append(out.Warnings, evaluator.AliasSurprises(names)...)
		out.Explanation = evaluator.ExplainAPI(out.API.ValueString(), resource, &res, actions)
	} else {
		action := r.Action.ValueString()
		if strings.HasPrefix(strings.ToLower(action), "ims:") && catalog.Kind(action) == catalog.Unknown {
			detail := fmt.Sprintf("%q is not an IMS action.", action)
			detail += validators.DidYouMean(catalog.SuggestActions(action))
			diags.AddAttributeError(at.AtName("action"), "Unknown IMS action", detail)
			return out, diags
		}
		e.Evaluate(&evaluator.Request{Action: action, Resource: resource, Context: ctx}, &res)
		out.Action = action
		out.Warnings = append(out.Warnings, evaluator.AliasSurprises([]string{action})...)
		out.Explanation = res.Explain(action, resource)
	}

	out.Decision = res.Decision.String()
	out.Allowed = res.Allowed()
	out.DecidedBy = res.DecidedBy
	out.MatchedStatements = []simMatchModel{}
	for _, mt := range res.Matched {
		out.MatchedStatements = append(out.MatchedStatements, simMatchModel{Policy: mt.Policy, Statement: int64(mt.Statement), Sid: mt.Sid, Effect: mt.Effect()})
	}
	out.MissingContextKeys = append(out.MissingContextKeys, res.MissingKeys...)
	return out, diags
}

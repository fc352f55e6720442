package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var (
	_ datasource.DataSource                   = (*policySimulationDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*policySimulationDataSource)(nil)
)

// NewPolicySimulationDataSource returns the imspolicy_policy_simulation data source.
func NewPolicySimulationDataSource() datasource.DataSource { return &policySimulationDataSource{} }

type policySimulationDataSource struct{}

type policySimulationModel struct {
	// IdentityPolicies and SCPLevels are the attributes as the framework's reflection
	// decodes them (the benchmarks' floor does); Read decodes them as Identity and Levels.
	IdentityPolicies []string               `tfsdk:"identity_policies"`
	SCPLevels        []scpLevelModel        `tfsdk:"scp_level"`
	Identity         []apicall.IdentityText `tfsdk:"-"`
	Levels           []evaluator.SCPLevel   `tfsdk:"-"`
	Requests         []simRequestModel      `tfsdk:"request"`
	Results          []simResultModel       `tfsdk:"results"`
	AllAllowed       types.Bool             `tfsdk:"all_allowed"`
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
	Method  string `tfsdk:"method"`
	Path    string `tfsdk:"path"`
	Variant string `tfsdk:"variant"`
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
		"policy":    schema.StringAttribute{Computed: true, MarkdownDescription: "The policy: `identity[<index>]` (v5 or v3), or `scp[<level name>][<index>]`."},
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
			"alias (`ims:images:update`) grants or denies every action that lists it.\n\n" +
			"IAM v3 documents (`\"Version\": \"1.1\"`) may be mixed with v5 ones. Then (how the two combine is inferred: the vendor says only " +
			"that both take effect at the same time; see the guide \"Migrating IAM v3 policies to v5\"): an `api` request is decided through " +
			"the v5 permission table by the v5 and v3 policies together (a v3 statement counts for every v5 action whose name or alias it " +
			"matches) and through the v3 table by the v3 policies alone; an explicit deny either way denies, else an allow either way allows. " +
			"An `action` request for a v5 action (or another service's) is decided through the v5 table by both; one for an IAM v3 action " +
			"v5 does not know (`ims:images:delete`) by the v3 policies alone. `scp_level` blocks cannot be combined with v3 documents: " +
			"whether SCPs bound v3 authorization is not documented, so the plan fails rather than guess.",
		Attributes: map[string]schema.Attribute{
			"identity_policies": mixedIdentityPoliciesAttribute(),
			"results": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One result per `request`, in order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "The request's name, or `request[<index>]`."},
					"action":   schema.StringAttribute{Computed: true, MarkdownDescription: "The action requested; for an API request, the API's main action."},
					"api":      schema.StringAttribute{Computed: true, MarkdownDescription: "For an API request, `<METHOD> <path template>` (with the variant in parentheses); null otherwise."},
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
							"note":     schema.StringAttribute{Computed: true, MarkdownDescription: "The vendor's scenario note, e.g. `required only for enterprise project migration`; with an IAM v3 document, first the table the action is from (`IAM v5 table` or `IAM v3 table`)."},
						}},
					},
					"warnings": schema.ListAttribute{
						Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Surprises worth knowing, such as a dependency that is an alias granting more than its name says, " +
							"or a context key the action is not known to receive (a request the service presumably never sends).",
					},
					"explanation": schema.StringAttribute{Computed: true, MarkdownDescription: "One readable sentence on why."},
				}},
			},
			"all_allowed": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether every request is allowed."},
		},
		Blocks: map[string]schema.Block{
			"scp_level": scpLevelBlock("`decided_by` and `matched_statements`"),
			"request": schema.ListNestedBlock{
				MarkdownDescription: "A hypothetical request: an `action` or an `api`, on a `resource`, with `context` values.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{Optional: true, MarkdownDescription: "A name for the result."},
						"action": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "The action, e.g. `ims:images:get`. Actions of other services (`obs:object:GetObject`) are accepted.",
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
								"path":   schema.StringAttribute{Optional: true, MarkdownDescription: "Path template or concrete path, of the v5 or the v3 permission table."},
								"variant": schema.StringAttribute{Optional: true, MarkdownDescription: "The case of an API that IAM v3 authorizes by a different action in each: " +
									"for quick import (`POST /v2/cloudimages/quickimport/action`), `system disk` (`ims:serverImages:create`) or `data disk` " +
									"(`ims:dataImages:create`), needed when an IAM v3 document is among the `identity_policies`. Leave it out for every other API."},
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

// ValidateConfig checks that each request names exactly one of action and api. It reads
// the raw configuration, one request at a time: a path-expression validator on the
// attribute would resolve its expression against the whole configuration for every
// request, which costs the square of the number of requests.
func (d *policySimulationDataSource) ValidateConfig(_ context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var config map[string]tftypes.Value
	if !req.Config.Raw.IsKnown() || req.Config.Raw.IsNull() || req.Config.Raw.As(&config) != nil {
		return
	}
	var requests []tftypes.Value
	if r := config["request"]; !r.IsKnown() || r.As(&requests) != nil {
		return
	}
	for i, r := range requests {
		var attrs map[string]tftypes.Value
		if !r.IsKnown() || r.IsNull() || r.As(&attrs) != nil {
			continue
		}
		action, api := attrs["action"], attrs["api"]
		if !action.IsKnown() || !api.IsKnown() {
			continue // decided once known
		}
		if action.IsNull() == api.IsNull() {
			detail := `A request names exactly one of "action" and "api"; this one names both.`
			if action.IsNull() {
				detail = `A request names exactly one of "action" and "api"; this one names neither.`
			}
			resp.Diagnostics.AddAttributeError(path.Root("request").AtListIndex(i), "Invalid Attribute Combination", detail)
		}
	}
}

func (d *policySimulationDataSource) Read(_ context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, err := decodeSimulationConfig(req.Config.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the simulation's configuration", err.Error())
		return
	}

	set, findings, err := apicall.NewSimulator(m.Identity, m.Levels)
	addSourceFindings(&resp.Diagnostics, path.Empty(), findings)
	var v3err *evaluator.V3Error
	switch {
	case errors.As(err, &v3err):
		resp.Diagnostics.AddAttributeError(path.Root("identity_policies").AtListIndex(v3err.Policy), "Cannot decide an IAM v3 policy", v3err.Error()+".")
	case errors.Is(err, apicall.ErrSCPWithV3):
		resp.Diagnostics.AddAttributeError(path.Root("scp_level"), "scp_level with IAM v3 policies", err.Error()+".")
	case err != nil:
		resp.Diagnostics.AddError("Cannot simulate the policies", err.Error())
	}
	if resp.Diagnostics.HasError() {
		return
	}

	m.Results = make([]simResultModel, 0, len(m.Requests))
	allAllowed := true
	for i, r := range m.Requests {
		result, diags := simulate(set, r, path.Root("request").AtListIndex(i))
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			continue
		}
		if result.Name == "" {
			result.Name = fmt.Sprintf("request[%d]", i)
		}
		allAllowed = allAllowed && result.Allowed
		m.Results = append(m.Results, result)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	state, err := simulationState(req.Config.Raw, m.Results, allAllowed)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the simulation's results", err.Error())
		return
	}
	resp.State.Raw = state
}

// decodeSimulationConfig reads the configuration from its Terraform value directly:
// decoding it through the framework's reflection (req.Config.Get) costs several times
// more, and the framework has already decoded it once to validate it.
func decodeSimulationConfig(config tftypes.Value) (policySimulationModel, error) {
	var m policySimulationModel
	var d tfDecoder
	attrs := d.object(config)
	m.Identity = apicall.ReadIdentityTexts(d.strings(attrs["identity_policies"]))
	m.Levels = decodeSCPLevels(&d, attrs)
	requests := d.list(attrs["request"])
	m.Requests = make([]simRequestModel, len(requests))
	for i, rv := range requests {
		ra := d.object(rv)
		r := simRequestModel{Name: d.string(ra["name"]), Action: d.string(ra["action"]), Resource: d.string(ra["resource"])}
		if api := d.object(ra["api"]); api != nil {
			r.API = &simAPIModel{Method: d.string(api["method"]).ValueString(), Path: d.string(api["path"]).ValueString(), Variant: d.string(api["variant"]).ValueString()}
		}
		for _, cv := range d.list(ra["context"]) {
			ca := d.object(cv)
			r.Context = append(r.Context, simContextModel{Key: d.string(ca["key"]).ValueString(), Values: d.strings(ca["values"])})
		}
		m.Requests[i] = r
	}
	return m, d.err
}

// simulationState is the configuration with its computed attributes set, built as
// Terraform values directly: setting the model through the framework's reflection costs
// as much again as decoding the configuration, as it re-encodes every request.
func simulationState(config tftypes.Value, results []simResultModel, allAllowed bool) (tftypes.Value, error) {
	attrs, objectType, err := configObject(config)
	if err != nil {
		return tftypes.Value{}, err
	}
	resultList, resultType, err1 := nestedListType(objectType, "results")
	matchList, matchType, err2 := nestedListType(resultType, "matched_statements")
	evaluatedList, evaluatedType, err3 := nestedListType(resultType, "evaluated_actions")
	if err := errors.Join(err1, err2, err3); err != nil {
		return tftypes.Value{}, err
	}

	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	strs := func(ss []string) tftypes.Value {
		vs := make([]tftypes.Value, len(ss))
		for i, s := range ss {
			vs[i] = str(s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
	}
	out := make([]tftypes.Value, len(results))
	for i, r := range results {
		matches := make([]tftypes.Value, len(r.MatchedStatements))
		for j, m := range r.MatchedStatements {
			matches[j] = tftypes.NewValue(matchType, map[string]tftypes.Value{
				"policy": str(m.Policy), "statement": tftypes.NewValue(tftypes.Number, m.Statement), "sid": str(m.Sid), "effect": str(m.Effect),
			})
		}
		evaluated := make([]tftypes.Value, len(r.EvaluatedActions))
		for j, a := range r.EvaluatedActions {
			evaluated[j] = tftypes.NewValue(evaluatedType, map[string]tftypes.Value{
				"action": str(a.Action), "decision": str(a.Decision), "required": tftypes.NewValue(tftypes.Bool, a.Required), "note": str(a.Note),
			})
		}
		api := tftypes.NewValue(tftypes.String, nil)
		if !r.API.IsNull() {
			api = str(r.API.ValueString())
		}
		out[i] = tftypes.NewValue(resultType, map[string]tftypes.Value{
			"name": str(r.Name), "action": str(r.Action), "api": api, "resource": str(r.Resource),
			"decision": str(r.Decision), "allowed": tftypes.NewValue(tftypes.Bool, r.Allowed), "decided_by": str(r.DecidedBy),
			"matched_statements":   tftypes.NewValue(matchList, matches),
			"missing_context_keys": strs(r.MissingContextKeys),
			"evaluated_actions":    tftypes.NewValue(evaluatedList, evaluated),
			"warnings":             strs(r.Warnings),
			"explanation":          str(r.Explanation),
		})
	}
	attrs["results"] = tftypes.NewValue(resultList, out)
	attrs["all_allowed"] = tftypes.NewValue(tftypes.Bool, allAllowed)
	return tftypes.NewValue(objectType, attrs), nil
}

// simulate maps a request's attributes to the engine and its report to a result.
func simulate(set *apicall.Simulator, r simRequestModel, at path.Path) (simResultModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := evaluator.SimulationRequest{Action: r.Action.ValueString(), Resource: "*"}
	if !r.Resource.IsNull() {
		req.Resource = r.Resource.ValueString()
	}
	if r.API != nil {
		req.API = &evaluator.APIRequest{Method: r.API.Method, Path: r.API.Path, Variant: r.API.Variant}
	}
	req.Context = make([]evaluator.ContextEntry, len(r.Context))
	for i, c := range r.Context {
		req.Context[i] = evaluator.ContextEntry{Key: c.Key, Values: c.Values}
		// A misspelt key is absent to every condition: say so as the checker says it of a
		// policy's key (an error for ims:, a warning for g:, whose list is not complete).
		if code, msg := policy.UnknownConditionKey(c.Key); code != "" {
			field := at.AtName("context").AtListIndex(i).AtName("key")
			if policy.SeverityOf(code) == policy.Error {
				diags.AddAttributeError(field, "Unknown condition key", "No condition can match this key: "+msg)
			} else {
				diags.AddAttributeWarning(field, "Unknown global condition key", msg)
			}
		}
	}
	rep := set.Simulate(&req)
	for _, p := range rep.Problems {
		var field path.Path
		switch p.Field {
		case evaluator.ActionField:
			field = at.AtName("action")
		case evaluator.APIField:
			field = at.AtName("api").AtName("path")
		case evaluator.APIVariantField:
			field = at.AtName("api").AtName("variant")
		default:
			field = at.AtName("context").AtListIndex(p.Context).AtName("values")
		}
		diags.AddAttributeError(field, p.Summary, p.Detail)
	}
	if diags.HasError() {
		return simResultModel{}, diags
	}

	out := simResultModel{
		Name: r.Name.ValueString(), Action: rep.Action, API: types.StringNull(), Resource: rep.Resource,
		Decision: rep.Decision.String(), Allowed: rep.Allowed(), DecidedBy: rep.DecidedBy.String(),
		MatchedStatements:  make([]simMatchModel, len(rep.Matched)),
		MissingContextKeys: append([]string{}, rep.MissingKeys...),
		EvaluatedActions:   make([]simEvaluatedModel, len(rep.Actions)),
		Warnings:           rep.Warnings(),
		Explanation:        rep.Explanation(),
	}
	if rep.API != "" {
		out.API = types.StringValue(rep.API)
	}
	for i, mt := range rep.Matched {
		out.MatchedStatements[i] = simMatchModel{Policy: mt.Policy, Statement: int64(mt.Statement), Sid: mt.Sid, Effect: mt.Effect()}
	}
	for i, a := range rep.Actions {
		out.EvaluatedActions[i] = simEvaluatedModel{Action: a.Action, Decision: a.Result.Decision.String(), Required: a.Required, Note: a.Note}
	}
	return out, diags
}

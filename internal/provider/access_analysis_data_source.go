package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

var (
	_ datasource.DataSource                   = (*accessAnalysisDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*accessAnalysisDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*accessAnalysisDataSource)(nil)
)

// defaultMaxWitnesses is the most witnesses in each list when max_witnesses is not set.
const defaultMaxWitnesses = 5

// NewAccessAnalysisDataSource returns the imspolicy_access_analysis data source.
func NewAccessAnalysisDataSource() datasource.DataSource { return &accessAnalysisDataSource{} }

// accessAnalysisDataSource keeps the provider's data for its analysis_budget.
type accessAnalysisDataSource struct{ data *providerData }

func (d *accessAnalysisDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *accessAnalysisDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_analysis"
}

func witnessAttributes(reference string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"action":   schema.StringAttribute{Computed: true, MarkdownDescription: "The action requested, in the catalog's spelling."},
		"resource": schema.StringAttribute{Computed: true, MarkdownDescription: "The resource requested: an image URN, `*` for an action without a resource type, or a URN of another service."},
		"context": schema.MapAttribute{
			Computed: true, ElementType: types.ListType{ElemType: types.StringType},
			MarkdownDescription: "The condition keys the request gives, each with its values: a key the request does not give is not in the map; " +
				"a key given with no values maps to an empty list.",
		},
		"decision":           schema.StringAttribute{Computed: true, MarkdownDescription: "The analysed policies' decision, as the simulator words it: `allow`, `explicit_deny` or `implicit_deny`."},
		"reference_decision": schema.StringAttribute{Computed: true, MarkdownDescription: reference},
		"through_alias": schema.StringAttribute{Computed: true, MarkdownDescription: "The alias through which the statements that allow the request " +
			"name `action`, when they name it only so (`ims:images:update` for `ims:images:deleteImage`); null otherwise."},
		"unassociated_keys": schema.ListAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The keys of `context` that the catalog does not associate with `action`, sorted: the service is not known to send " +
				"such a request (stated or inferred, as the `unassociated_condition_key` rule says). The analysis keeps such requests, " +
				"but gives a witness without them whenever one exists, so a non-empty list means every such request carries them " +
				"(or, with `unassociated_unsearched`, that the search for one without them stopped at a bound). Empty otherwise.",
		},
		"unassociated_unsearched": schema.BoolAttribute{
			Computed: true, MarkdownDescription: "Whether the search for a request without `unassociated_keys` stopped at a bound (the budget, or its own " +
				"allowance, as large), so that one may exist; false when `unassociated_keys` is empty or no such request exists.",
		},
	}
}

func witnessListAttribute(description string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: description,
		NestedObject: schema.NestedAttributeObject{Attributes: witnessAttributes(
			"The reference's decision on the request; null without a `reference`.")},
	}
}

func (d *accessAnalysisDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Proves, offline, what a configuration of identity policies and SCPs allows: each IMS action's effective " +
			"permission, whether it grants anything a `reference` configuration does not, and that it grants none of the accesses " +
			"in `must_not_allow` blocks. Answers are exact relative to the simulator's semantics: \"passed\" is a proof over every " +
			"request (every action, resource and context), never a sample, and every witness is a concrete request the simulator " +
			"decides as stated. When a question would exceed the provider's `analysis_budget`, or a corner cannot be decided exactly (a condition key " +
			"compared as two types), `status` is `unknown` and nothing is claimed.\n\n" +
			"The policies are taken as `imspolicy_policy_simulation` takes them; invalid documents fail the plan.",
		Attributes: map[string]schema.Attribute{
			"identity_policies": identityPoliciesAttribute(),
			"max_witnesses": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: fmt.Sprintf("The most witnesses in each list (`new_access`, `removed_access`, each result's `witnesses`): at most one per action. Default `%d`.", defaultMaxWitnesses),
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"status": schema.StringAttribute{Computed: true, MarkdownDescription: "`complete` when every answer is proven; `unknown` when one is not (see `status_reason`)."},
			"status_reason": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Why the status is `unknown`: the bound hit or the corner that cannot be decided; empty when complete.",
			},
			"permissions": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One entry per IMS table action, sorted by name: how much of it the configuration allows.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"action":       schema.StringAttribute{Computed: true, MarkdownDescription: "The action."},
					"access_level": schema.StringAttribute{Computed: true, MarkdownDescription: "Its access level: `list`, `read`, `write`, `permission_management` or `tagging`."},
					"grant": schema.StringAttribute{Computed: true, MarkdownDescription: "`full` (allowed for every resource and every context), " +
						"`partial` (allowed for some) or `none`."},
					"allowed_by": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "The identity statements that allow some request for the action, in policy and statement order.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"policy":    schema.StringAttribute{Computed: true, MarkdownDescription: "The policy: `identity[<index>]`."},
							"statement": schema.Int64Attribute{Computed: true, MarkdownDescription: "0-based index of the statement in the policy."},
							"sid":       schema.StringAttribute{Computed: true, MarkdownDescription: "The statement's `Sid`, or empty."},
						}},
					},
					"witness": schema.SingleNestedAttribute{
						Computed:            true,
						MarkdownDescription: "A request for the action that is allowed; null for `none`.",
						Attributes:          witnessAttributes("Always null here."),
					},
				}},
			},
			"other_services_allowed": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether any action of another service is allowed on some resource; null when `status` is `unknown`."},
			"no_new_access": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether the configuration allows no request that the `reference` does not; null without a `reference` or when `status` is `unknown`.",
			},
			"new_access":     witnessListAttribute("Requests the configuration allows and the `reference` does not, one per action; null without a `reference`."),
			"removed_access": witnessListAttribute("Requests the `reference` allows and the configuration does not, one per action; null without a `reference`."),
			"must_not_allow_results": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One result per `must_not_allow` block, in order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":      schema.StringAttribute{Computed: true, MarkdownDescription: "The block's name."},
					"passed":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether no such request is allowed; null when `status` is `unknown`."},
					"witnesses": witnessListAttribute("Allowed requests that the block forbids, one per action."),
				}},
			},
			"all_passed": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether `no_new_access` (with a `reference`) and every `must_not_allow` passed; null when `status` is `unknown`.",
			},
		},
		Blocks: map[string]schema.Block{
			"scp_level": scpLevelBlock("the policies' names (`scp[<level name>][<index>]`)"),
			"reference": schema.SingleNestedBlock{
				MarkdownDescription: "The configuration to compare with, such as the policies as they are deployed: its own `identity_policies` and `scp_level` blocks.",
				Attributes:          map[string]schema.Attribute{"identity_policies": identityPoliciesAttribute()},
				Blocks:              map[string]schema.Block{"scp_level": scpLevelBlock("the policies' names")},
			},
			"must_not_allow": schema.ListNestedBlock{
				MarkdownDescription: "An access that must not be granted: none of the `actions` on any of the `resources`, under any context.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "A name for the result, unique among the blocks."},
					"actions": schema.ListAttribute{
						Required: true, ElementType: types.StringType,
						MarkdownDescription: "Action patterns (`*`, `?`, ignoring case). A pattern covers the IMS actions it matches by name or " +
							"through their aliases, as a statement naming it would: `ims:images:share` covers `addMember`, `deleteMember` and `updateMemberStatus`.",
						Validators: []validator.List{listvalidator.SizeAtLeast(1)},
					},
					"resources": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Resource patterns, matched case-sensitively. Default `[\"*\"]`.",
					},
				}},
			},
		},
	}
}

// ValidateConfig checks each must_not_allow block: a unique name, and action patterns
// that the checker would accept in a statement (policy.ActionProblem): a typo would pass
// vacuously. It reads the raw
// configuration, one block at a time, as the simulation does: a path-expression
// validator per block would cost the square of their number.
func (d *accessAnalysisDataSource) ValidateConfig(_ context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var config map[string]tftypes.Value
	if !req.Config.Raw.IsKnown() || req.Config.Raw.IsNull() || req.Config.Raw.As(&config) != nil {
		return
	}
	var blocks []tftypes.Value
	if b := config["must_not_allow"]; !b.IsKnown() || b.As(&blocks) != nil {
		return
	}
	seen := map[string]int{}
	for i, b := range blocks {
		var attrs map[string]tftypes.Value
		if !b.IsKnown() || b.IsNull() || b.As(&attrs) != nil {
			continue
		}
		var name string
		if v := attrs["name"]; v.IsKnown() && !v.IsNull() && v.As(&name) == nil {
			if first, dup := seen[name]; dup {
				resp.Diagnostics.AddAttributeError(path.Root("must_not_allow").AtListIndex(i).AtName("name"), "Duplicate must_not_allow name",
					fmt.Sprintf("must_not_allow[%d] is named %q too; give each block its own name.", first, name))
			} else {
				seen[name] = i
			}
		}
		var actions []tftypes.Value
		if v := attrs["actions"]; !v.IsKnown() || v.IsNull() || v.As(&actions) != nil {
			continue
		}
		for j, a := range actions {
			var pattern string
			if !a.IsKnown() || a.IsNull() || a.As(&pattern) != nil {
				continue
			}
			// A statement's Action list and must_not_allow take patterns by the same rule.
			if code, message := policy.ActionProblem(pattern); code != "" {
				resp.Diagnostics.AddAttributeError(path.Root("must_not_allow").AtListIndex(i).AtName("actions").AtListIndex(j), "Invalid must_not_allow action: "+code,
					message+"\n\nA must_not_allow pattern that matches no action would pass whatever the policies allow.")
			}
		}
	}
}

func (d *accessAnalysisDataSource) Read(_ context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var dec tfDecoder
	attrs := dec.object(req.Config.Raw)
	gate := analysis.Gate{MaxWitnesses: defaultMaxWitnesses}
	gate.Candidate = analysisConfig(decodeSources(&dec, attrs), path.Empty(), &resp.Diagnostics)
	if ref := dec.object(attrs["reference"]); ref != nil {
		gate.Reference = analysisConfig(decodeSources(&dec, ref), path.Root("reference"), &resp.Diagnostics)
	}
	for _, b := range dec.list(attrs["must_not_allow"]) {
		ba := dec.object(b)
		gate.Forbidden = append(gate.Forbidden, analysis.Forbidden{
			Name: dec.string(ba["name"]).ValueString(), Actions: dec.strings(ba["actions"]), Resources: dec.strings(ba["resources"]),
		})
	}
	var limit big.Float
	if dec.as(attrs["max_witnesses"], &limit) {
		n, _ := limit.Int64()
		gate.MaxWitnesses = int(n)
	}
	if dec.err != nil {
		resp.Diagnostics.AddError("Cannot read the analysis's configuration", dec.err.Error())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := analysis.CheckGate(gate, analysisBudget(d.data))
	if err != nil {
		resp.Diagnostics.AddError("Cannot analyse the policies", err.Error())
		return
	}
	state, err := accessAnalysisState(req.Config.Raw, gate, result)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the analysis's results", err.Error())
		return
	}
	resp.State.Raw = state
}

// accessAnalysisState is the configuration with its computed attributes set from the
// gate's result, built as Terraform values directly.
func accessAnalysisState(config tftypes.Value, gate analysis.Gate, r analysis.GateResult) (tftypes.Value, error) {
	attrs, objectType, err := configObject(config)
	if err != nil {
		return tftypes.Value{}, err
	}
	permList, permType, err1 := nestedListType(objectType, "permissions")
	byList, byType, err2 := nestedListType(permType, "allowed_by")
	witnessList, witnessType, err3 := nestedListType(objectType, "new_access")
	resultList, resultType, err4 := nestedListType(objectType, "must_not_allow_results")
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return tftypes.Value{}, err
	}
	contextType, ok := witnessType.AttributeTypes["context"].(tftypes.Map)
	if !ok {
		return tftypes.Value{}, errors.New("a witness's context is not a map")
	}
	valuesType := contextType.ElementType

	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	boolean := func(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }
	// proven is b when the status is complete, null otherwise: nothing is claimed.
	proven := func(b bool) tftypes.Value {
		if r.Status != analysis.Complete {
			return tftypes.NewValue(tftypes.Bool, nil)
		}
		return boolean(b)
	}
	witness := func(w *analysis.Witness) tftypes.Value {
		if w == nil {
			return tftypes.NewValue(witnessType, nil)
		}
		ctx := make(map[string]tftypes.Value, len(w.Context))
		for k, vs := range w.Context {
			values := make([]tftypes.Value, len(vs))
			for i, v := range vs {
				values[i] = str(v)
			}
			ctx[k] = tftypes.NewValue(valuesType, values)
		}
		ref, alias := tftypes.NewValue(tftypes.String, nil), tftypes.NewValue(tftypes.String, nil)
		if w.ReferenceDecision != nil {
			ref = str(w.ReferenceDecision.String())
		}
		if w.Alias != "" {
			alias = str(w.Alias)
		}
		unassoc := make([]tftypes.Value, len(w.UnassociatedKeys))
		for i, k := range w.UnassociatedKeys {
			unassoc[i] = str(k)
		}
		return tftypes.NewValue(witnessType, map[string]tftypes.Value{
			"action": str(w.Action), "resource": str(w.Resource), "context": tftypes.NewValue(contextType, ctx),
			"decision": str(w.Decision.String()), "reference_decision": ref, "through_alias": alias,
			"unassociated_keys": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, unassoc), "unassociated_unsearched": boolean(w.Unsearched),
		})
	}
	witnesses := func(ws []analysis.Witness) tftypes.Value {
		out := make([]tftypes.Value, len(ws))
		for i := range ws {
			out[i] = witness(&ws[i])
		}
		return tftypes.NewValue(witnessList, out)
	}

	perms := make([]tftypes.Value, len(r.Permissions.Actions))
	for i, p := range r.Permissions.Actions {
		by := make([]tftypes.Value, len(p.AllowedBy))
		for j, s := range p.AllowedBy {
			by[j] = tftypes.NewValue(byType, map[string]tftypes.Value{
				"policy": str(s.Policy), "statement": tftypes.NewValue(tftypes.Number, int64(s.Statement)), "sid": str(s.Sid),
			})
		}
		perms[i] = tftypes.NewValue(permType, map[string]tftypes.Value{
			"action": str(p.Action), "access_level": str(string(p.AccessLevel)), "grant": str(p.Grant.String()),
			"allowed_by": tftypes.NewValue(byList, by), "witness": witness(p.Witness),
		})
	}
	results := make([]tftypes.Value, len(r.Forbidden))
	for i, f := range r.Forbidden {
		results[i] = tftypes.NewValue(resultType, map[string]tftypes.Value{
			"name": str(gate.Forbidden[i].Name), "passed": proven(f.Passed), "witnesses": witnesses(f.Witnesses),
		})
	}

	attrs["status"] = str(r.Status.String())
	attrs["status_reason"] = str(r.Reason)
	attrs["permissions"] = tftypes.NewValue(permList, perms)
	attrs["other_services_allowed"] = proven(r.Permissions.OtherServicesAllowed)
	attrs["no_new_access"] = tftypes.NewValue(tftypes.Bool, nil)
	attrs["new_access"] = tftypes.NewValue(witnessList, nil)
	attrs["removed_access"] = tftypes.NewValue(witnessList, nil)
	if c := r.Comparison; c != nil {
		attrs["no_new_access"] = proven(c.Holds)
		attrs["new_access"] = witnesses(c.NewAccess)
		attrs["removed_access"] = witnesses(c.RemovedAccess)
	}
	attrs["must_not_allow_results"] = tftypes.NewValue(resultList, results)
	attrs["all_passed"] = proven(r.AllPassed)
	return tftypes.NewValue(objectType, attrs), nil
}

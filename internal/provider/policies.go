package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

// canonicalDocument prints a policy document in its normal form (as normalize_policy does);
// a document that does not parse is returned as it is, with the parse error.
func canonicalDocument(src string) (string, error) {
	d, err := policy.Parse([]byte(src))
	if err != nil {
		return src, err
	}
	return string(d.Normal()), nil
}

// The data sources that take a configuration of policies (the simulation, the analysis
// and its reference) take it as the `identity_policies` attribute and `scp_level` blocks
// below, and check it through the evaluator's gate.

func identityPoliciesAttribute() schema.ListAttribute {
	return schema.ListAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: "Identity policy documents (JSON), e.g. from `imspolicy_policy_document` or `file()`. Invalid documents fail the plan.",
		Validators:          []validator.List{listvalidator.ValueStringsAre(validators.PolicyDocument(policy.Identity))},
	}
}

// mixedIdentityPoliciesAttribute is identityPoliciesAttribute for the simulation, which
// takes IAM v3 documents as well (apicall.Simulator).
func mixedIdentityPoliciesAttribute() schema.ListAttribute {
	return schema.ListAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Identity policy documents (JSON), e.g. from `imspolicy_policy_document` or `file()`: IAM v5 identity policies " +
			"(`\"Version\": \"5.0\"`) and IAM v3 custom policies or roles (`\"Version\": \"1.1\"` or `\"1.0\"`), in any mix, each recognised by its " +
			"`Version`. Invalid documents fail the plan. Results name each by its index here, `identity[<index>]`, whatever its language.",
		Validators: []validator.List{listvalidator.ValueStringsAre(validators.IdentityPolicyDocument())},
	}
}

func scpLevelBlock(usedIn string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A level of the organisation path with the SCPs attached to it, root first, then each OU, then the account. Without any, no SCPs apply.",
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "The level's name, used in " + usedIn + ", e.g. `root` or `ou-prod`."},
			"policies": schema.ListAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "SCP documents (JSON) attached at this level.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(validators.PolicyDocument(policy.SCP)),
				},
			},
		}},
	}
}

// decodeSources reads `identity_policies` and `scp_level` from an object's attributes,
// each document read and checked once for its purpose.
func decodeSources(d *tfDecoder, attrs map[string]tftypes.Value) evaluator.Sources {
	return evaluator.Sources{Identity: policy.CheckTexts(d.strings(attrs["identity_policies"]), policy.Identity), SCPLevels: decodeSCPLevels(d, attrs)}
}

// decodeSCPLevels reads the `scp_level` blocks, each SCP read and checked once.
func decodeSCPLevels(d *tfDecoder, attrs map[string]tftypes.Value) []evaluator.SCPLevel {
	var levels []evaluator.SCPLevel
	for _, lv := range d.list(attrs["scp_level"]) {
		la := d.object(lv)
		levels = append(levels, evaluator.SCPLevel{Name: d.string(la["name"]).ValueString(), Policies: policy.CheckTexts(d.strings(la["policies"]), policy.SCP)})
	}
	return levels
}

// addSourceFindings reports the gate's findings on the documents' attributes, under at
// (path.Empty() for the top level).
func addSourceFindings(diags *diag.Diagnostics, at path.Path, findings []evaluator.SourceFinding) {
	for _, f := range findings {
		where := at.AtName("identity_policies").AtListIndex(f.Document)
		if f.Layer.SCP {
			where = at.AtName("scp_level").AtListIndex(f.Layer.Level).AtName("policies").AtListIndex(f.Document)
		}
		if f.V3 {
			diags.Append(validators.V3FindingDiagnostic(where, f.Name(), f.Finding))
			continue
		}
		diags.Append(validators.FindingDiagnostic(where, validators.SourcePurpose(f), f.Name(), f.Finding))
	}
}

// analysisConfig builds the policy set of sources through the gate, as the simulation
// does, for the analyser; findings are reported under at (and the set is nil).
func analysisConfig(src evaluator.Sources, at path.Path, diags *diag.Diagnostics) *evaluator.PolicySet {
	set, findings := evaluator.NewPolicySet(src)
	addSourceFindings(diags, at, findings)
	return set
}

// analysisBudgetEnv sets analysis_budget when the provider block does not.
const analysisBudgetEnv = "IMSPOLICY_ANALYSIS_BUDGET"

func analysisBudgetAttribute() providerschema.Int64Attribute {
	return providerschema.Int64Attribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("How much work each access question may take, in representative requests (a count, so that an answer "+
			"never depends on the machine's speed): the new-access warnings of a plan and each question of `imspolicy_access_analysis`. "+
			"A question that needs more is answered `unknown`, and the plan warns that it could not decide. From 1 to %d. Default `%d`, "+
			"about a second of CPU on a small machine at worst. The functions `grants_no_new_access` and `effective_permissions` "+
			"receive no provider configuration: they always run within the default. Environment variable: `%s`.",
			analysis.MaxBudget, analysis.DefaultBudget.Requests, analysisBudgetEnv),
		Validators: []validator.Int64{int64validator.Between(1, analysis.MaxBudget)},
	}
}

// analysisBudgetSetting resolves analysis_budget: the argument, else the environment
// variable, else the analyser's default. A bad variable is an error on the argument.
func analysisBudgetSetting(v types.Int64, diags *diag.Diagnostics) int {
	if !v.IsNull() && !v.IsUnknown() {
		if n := v.ValueInt64(); n < 1 || n > analysis.MaxBudget { // checked by its validator too, unless unknown then
			diags.AddAttributeError(path.Root("analysis_budget"), "Invalid analysis_budget",
				fmt.Sprintf("analysis_budget must be from 1 to %d representative requests, got %d.", analysis.MaxBudget, n))
			return 0
		}
		return int(v.ValueInt64())
	}
	raw := os.Getenv(analysisBudgetEnv)
	if raw == "" {
		return analysis.DefaultBudget.Requests
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > analysis.MaxBudget {
		diags.AddAttributeError(path.Root("analysis_budget"), "Invalid "+analysisBudgetEnv,
			fmt.Sprintf("%s must be a whole number of representative requests from 1 to %d, got %q. Set it to, for example, %d (the default).",
				analysisBudgetEnv, analysis.MaxBudget, raw, analysis.DefaultBudget.Requests))
		return 0
	}
	return n
}

// analysisBudget is the budget of the provider's access questions; without provider data
// (an unconfigured provider) the default.
func analysisBudget(data *providerData) analysis.Budget {
	b := analysis.Budget{HowToRaise: fmt.Sprintf("raise the provider's analysis_budget (or %s), up to %d", analysisBudgetEnv, analysis.MaxBudget)}
	if data != nil {
		b.Requests = data.config.AnalysisBudget
	}
	return b
}

// functionBudget is the budget of the functions, which get no provider configuration.
var functionBudget = analysis.Budget{HowToRaise: "functions run within the default budget: the imspolicy_access_analysis data source " +
	"runs within the provider's analysis_budget, which can raise it"}

// warnOnNewAccess adds a warning on the policy attribute at when a planned document grants
// access that the prior one does not, with the requests by action, or when the analyser
// cannot decide within the provider's analysis_budget whether it does; nothing when it
// grants nothing new, when either document is not known or not valid (the validators say
// why), or when the provider's warn_on_new_access is off. The document is compared as its
// purpose asks (analysis.DocumentChange): an identity policy on its own, an SCP as one
// organisation level.
func warnOnNewAccess(data *providerData, at path.Path, purpose policy.Purpose, prior, planned policyJSON, diags *diag.Diagnostics) {
	if data == nil || !data.config.WarnOnNewAccess || prior.IsNull() || prior.IsUnknown() || planned.IsNull() || planned.IsUnknown() ||
		policyDocumentsEqual(prior.ValueString(), planned.ValueString()) {
		return
	}
	before, after := policy.CheckText([]byte(prior.ValueString()), purpose), policy.CheckText([]byte(planned.ValueString()), purpose)
	if before.Document() == nil || after.Document() == nil {
		return
	}
	compared := analysis.HowCompared(purpose)
	r, err := analysis.DocumentChange(purpose, before, after, analysisBudget(data))
	if err != nil {
		return // the gate refused a document: its validator reports why
	}
	if len(r.NewAccess) == 0 {
		if r.Status != analysis.Complete {
			// An undecided answer is never silence: the change may grant anything.
			diags.AddAttributeWarning(at, "Could not decide whether this change grants new access",
				fmt.Sprintf("could not decide whether this change grants new access: %s.\n\n"+
					"The planned document was compared with the current one %s. Review the change by hand; "+
					"set the provider's warn_on_new_access = false to turn these warnings off.", r.Reason, compared))
		}
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The planned document allows requests that the current one does not (compared %s). One request for each action newly allowed:\n", compared)
	for _, w := range r.NewAccess {
		b.WriteString("\n  - " + w.String())
	}
	if r.Status != analysis.Complete {
		fmt.Fprintf(&b, "\n\nThe analysis stopped early (%s): there may be more.", r.Reason)
	}
	b.WriteString("\n\nIf this is intended, nothing needs doing; set the provider's warn_on_new_access = false to turn these warnings off.")
	diags.AddAttributeWarning(at, "This change grants new access", b.String())
}

package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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

// decodeSources reads `identity_policies` and `scp_level` from an object's attributes.
func decodeSources(d *tfDecoder, attrs map[string]tftypes.Value) evaluator.Sources {
	src := evaluator.Sources{Identity: d.strings(attrs["identity_policies"])}
	for _, lv := range d.list(attrs["scp_level"]) {
		la := d.object(lv)
		src.SCPLevels = append(src.SCPLevels, evaluator.SCPLevel{Name: d.string(la["name"]).ValueString(), Policies: d.strings(la["policies"])})
	}
	return src
}

// addSourceFindings reports the gate's findings on the documents' attributes, under at
// (path.Empty() for the top level).
func addSourceFindings(diags *diag.Diagnostics, at path.Path, findings []evaluator.SourceFinding) {
	for _, f := range findings {
		where := at.AtName("identity_policies").AtListIndex(f.Document)
		if f.Layer.SCP {
			where = at.AtName("scp_level").AtListIndex(f.Layer.Level).AtName("policies").AtListIndex(f.Document)
		}
		diags.AddAttributeError(where, f.Summary(), f.String())
	}
}

// analysisConfig checks sources through the gate, as the simulation does, and returns
// them as the analyser takes them; findings are reported under at.
func analysisConfig(src evaluator.Sources, at path.Path, diags *diag.Diagnostics) analysis.Config {
	identity, levels, findings := evaluator.ParseSources(src)
	addSourceFindings(diags, at, findings)
	return analysis.Config{Identity: identity, Levels: levels}
}

// warnOnNewAccess adds a warning on the policy attribute at when a planned document grants
// access that the prior one does not, with the requests by action; nothing when it grants
// nothing new, when either document is not known or not valid (the validators say why),
// or when the provider's warn_on_new_access is off. An identity policy is compared on its
// own, an SCP as analysis.SCPChange compares it.
func warnOnNewAccess(data *providerData, at path.Path, purpose policy.Purpose, prior, planned policyJSON, diags *diag.Diagnostics) {
	if data == nil || !data.config.WarnOnNewAccess || prior.IsNull() || prior.IsUnknown() || planned.IsNull() || planned.IsUnknown() ||
		policyDocumentsEqual(prior.ValueString(), planned.ValueString()) {
		return
	}
	before, err1 := policy.Parse([]byte(prior.ValueString()))
	after, err2 := policy.Parse([]byte(planned.ValueString()))
	if err1 != nil || err2 != nil {
		return
	}
	change, compared := analysis.DefaultLimits.IdentityPolicyChange, "on its own"
	if purpose == policy.SCP {
		change, compared = analysis.DefaultLimits.SCPChange, "as one organisation level under an identity that allows everything; "+
			"a deny-only SCP sits beside an allow-all one there, as FullAccess does"
	}
	r, err := change(before, after)
	if err != nil || len(r.NewAccess) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The planned document allows requests that the current one does not (compared %s). One request for each action newly allowed:\n", compared)
	for _, w := range r.NewAccess {
		b.WriteString("\n  - " + witnessText(w))
	}
	if r.Status != analysis.Complete {
		fmt.Fprintf(&b, "\n\nThe analysis stopped early (%s): there may be more.", r.Reason)
	}
	b.WriteString("\n\nIf this is intended, nothing needs doing; set the provider's warn_on_new_access = false to turn these warnings off.")
	diags.AddAttributeWarning(at, "This change grants new access", b.String())
}

// witnessText is a witness in one line: the action, the resource, the context keys given
// (any other key is absent), both decisions and the alias that reached the action, if one did.
func witnessText(w analysis.Witness) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %q", w.Action, w.Resource)
	keys := make([]string, 0, len(w.Context))
	for k := range w.Context {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		sep := ", "
		if i == 0 {
			sep = " with "
		}
		values, _ := json.Marshal(w.Context[k])
		if len(w.Context[k]) == 0 {
			values = []byte("[] (present, no values)")
		}
		fmt.Fprintf(&b, "%s%s = %s", sep, k, values)
	}
	fmt.Fprintf(&b, ": %s", w.Decision)
	if w.ReferenceDecision != nil {
		fmt.Fprintf(&b, ", was %s", *w.ReferenceDecision)
	}
	if w.Alias != "" {
		fmt.Fprintf(&b, ", through the alias %s", w.Alias)
	}
	return b.String()
}

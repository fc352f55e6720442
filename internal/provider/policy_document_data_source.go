package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ datasource.DataSourceWithValidateConfig = (*policyDocumentDataSource)(nil)

// NewPolicyDocumentDataSource returns the imspolicy_policy_document data source.
func NewPolicyDocumentDataSource() datasource.DataSource { return &policyDocumentDataSource{} }

type policyDocumentDataSource struct{}

type policyDocumentModel struct {
	Purpose                 types.String     `tfsdk:"purpose"`
	PolicyLanguage          types.String     `tfsdk:"policy_language"`
	SourcePolicyDocuments   []string         `tfsdk:"source_policy_documents"`
	OverridePolicyDocuments []string         `tfsdk:"override_policy_documents"`
	Statements              []statementModel `tfsdk:"statement"`
	IgnoreFindings          []string         `tfsdk:"ignore_findings"`
	JSON                    types.String     `tfsdk:"json"`
	MinifiedJSON            types.String     `tfsdk:"minified_json"`
	Findings                []findingModel   `tfsdk:"findings"`
}

type statementModel struct {
	Sid          types.String     `tfsdk:"sid"`
	Effect       types.String     `tfsdk:"effect"`
	Actions      []string         `tfsdk:"actions"`
	NotActions   []string         `tfsdk:"not_actions"`
	Resources    []string         `tfsdk:"resources"`
	NotResources []string         `tfsdk:"not_resources"`
	Conditions   []conditionModel `tfsdk:"condition"`
}

type conditionModel struct {
	Operator types.String `tfsdk:"operator"`
	Key      types.String `tfsdk:"key"`
	Values   []string     `tfsdk:"values"`
	// AWS's names for operator and key, accepted by the schema only to be refused with the
	// fix (awsArgument): Terraform would otherwise say "Unsupported argument" and nothing more.
	Test     types.String `tfsdk:"test"`
	Variable types.String `tfsdk:"variable"`
}

type findingModel struct {
	Severity  string      `tfsdk:"severity"`
	Code      string      `tfsdk:"code"`
	Statement types.Int64 `tfsdk:"statement"`
	Path      string      `tfsdk:"path"`
	Message   string      `tfsdk:"message"`
}

func (d *policyDocumentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy_document"
}

func (d *policyDocumentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	list := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Builds an identity policy or SCP document from HCL, checks it against the IMS catalog and the " +
			"vendor's rules, and prints it canonically. Errors fail the plan with the fix; warnings show as warnings and " +
			"in `findings`. See the Validation rules guide for every finding. Works offline.",
		Attributes: map[string]schema.Attribute{
			"purpose": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "`identity` (default) for an IAM identity policy, or `scp` for an Organizations service control policy: the rules and the size limit differ.",
				Validators:          []validator.String{stringvalidator.OneOf("identity", "scp")},
			},
			"policy_language": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "`v5` (default) for an IAM v5 identity policy or SCP (`\"Version\": \"5.0\"`), or `v3` for an IAM v3 custom policy " +
					"(`\"Version\": \"1.1\"`, the document of `huaweicloud_identity_role`), checked with the v3 rules (the `v3_` codes of the " +
					"Validation rules guide): v3 has its own 13 IMS actions (`ims:images:delete`, not `ims:images:deleteImage`), no `Sid`, `NotAction` " +
					"or `NotResource`, and its own operators. Source and override documents are then v3 documents too; `purpose` must be `identity`. " +
					"`minified_json` is then the canonical form minified, statements in order (the normal form is v5's).",
				Validators: []validator.String{stringvalidator.OneOf("v5", "v3")},
			},
			"source_policy_documents": list("Policy documents (JSON) whose statements start the document. Their Sids must be unique; " +
				"`statement` blocks with the same Sid replace them."),
			"override_policy_documents": list("Policy documents (JSON) merged last: a statement with a Sid replaces the statement with " +
				"the same Sid, from earlier override documents, `statement` blocks or source documents; other statements are appended."),
			"ignore_findings": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Warning codes (such as `deprecated_action`) whose findings are left out of `findings` and of the plan's warnings, " +
					"as `imspolicy check --ignore` leaves them out. An error's code is a plan error: errors cannot be ignored.",
				Validators: []validator.List{listvalidator.ValueStringsAre(validators.IgnorableFindingCode())},
			},
			"json":          schema.StringAttribute{Computed: true, MarkdownDescription: "The document, canonical and indented, in the author's order: `Version` first, statements in order, lists everywhere, actions in the catalog's spelling."},
			"minified_json": schema.StringAttribute{Computed: true, MarkdownDescription: "The document's normal form, minified, as `normalize_policy` describes it (statements sorted, lists sorted without duplicates, condition values in one spelling, empty fields left out, action names in the catalog's spelling), except that patterns, other services' actions and condition keys the catalog does not know keep their letters (`ims:images:*Member` stays so). Two documents that mean the same give the same bytes but for the letters' case of those; `normalize_policy` lower-cases them too, for comparing."},
			"findings": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The checker's warnings (errors fail the plan), so that `terraform test` can assert a policy is clean.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"severity":  schema.StringAttribute{Computed: true, MarkdownDescription: "`error` or `warning`."},
					"code":      schema.StringAttribute{Computed: true, MarkdownDescription: "Stable finding code, e.g. `deprecated_action`."},
					"statement": schema.Int64Attribute{Computed: true, MarkdownDescription: "0-based index of the statement in `json`; null for the whole document."},
					"path":      schema.StringAttribute{Computed: true, MarkdownDescription: "The element, e.g. `Statement[1].Action[0]`."},
					"message":   schema.StringAttribute{Computed: true, MarkdownDescription: "What is wrong and what to write instead."},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"statement": schema.ListNestedBlock{
				MarkdownDescription: "A statement, in order.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"sid": schema.StringAttribute{Optional: true, MarkdownDescription: "Statement ID; used to merge with source and override documents."},
						"effect": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "`Allow` (default) or `Deny`.",
							Validators:          []validator.String{stringvalidator.OneOf("Allow", "Deny")},
						},
						"actions":       list("Actions, e.g. `ims:images:get` or `ims:images:*`."),
						"not_actions":   list("Actions the statement does not apply to; it applies to every other action."),
						"resources":     list("Resource URNs, e.g. from `provider::imspolicy::image_urn`, or `*`."),
						"not_resources": list("Resources the statement does not apply to."),
					},
					Blocks: map[string]schema.Block{
						"condition": schema.ListNestedBlock{
							MarkdownDescription: "A condition: all conditions must hold; any of a condition's values may match.",
							NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
								// operator and key are required, checked by ValidateConfig: the schema
								// marks them optional so that AWS's test and variable get their own
								// message instead of "Missing required argument".
								"operator": schema.StringAttribute{Optional: true, MarkdownDescription: "Required. Operator, e.g. `StringEquals`, `BoolIfExists`, `ForAnyValue:StringEquals`."},
								"key":      schema.StringAttribute{Optional: true, MarkdownDescription: "Required. Condition key, e.g. `ims:Region` or `g:ResourceTag/env`."},
								"values":   schema.ListAttribute{Required: true, ElementType: types.StringType, MarkdownDescription: "Values, as strings (`\"true\"`, `\"42\"`)."},
								"test":     awsArgument("test"),
								"variable": awsArgument("variable"),
							}},
						},
					},
				},
			},
		},
	}
}

// origin is the attribute a merged statement came from, to point diagnostics at it.
type origin struct {
	at         path.Path
	block      bool             // from a statement block
	conditions []conditionModel // the block's condition blocks, in order
}

// blockAttributes maps a statement's elements to the statement block's arguments.
var blockAttributes = map[policy.Element]string{
	policy.SidElement: "sid", policy.EffectElement: "effect", policy.ActionElement: "actions", policy.NotActionElement: "not_actions",
	policy.ResourceElement: "resources", policy.NotResourceElement: "not_resources",
}

// attribute narrows a statement block's path to the argument that holds a finding's
// element, so that Terraform underlines it.
func (o origin) attribute(at policy.Location) path.Path {
	if !o.block {
		return o.at
	}
	if name, ok := blockAttributes[at.Element]; ok {
		return o.at.AtName(name)
	}
	if at.Element == policy.ConditionElement && at.Operator != "" {
		return o.condition(at)
	}
	return o.at
}

// condition narrows a Condition location to the condition block (and its argument) that
// wrote it: the operator when the location names no key, the key, or the value. Blocks
// with the same operator and key add their values to one list (Statement.AddCondition),
// so a value's index counts across them.
func (o origin) condition(at policy.Location) path.Path {
	offset := 0
	for j, c := range o.conditions {
		if c.Operator.ValueString() != at.Operator || at.Key != "" && c.Key.ValueString() != at.Key {
			continue
		}
		block := o.at.AtName("condition").AtListIndex(j)
		switch {
		case at.Key == "":
			return block.AtName("operator")
		case at.Index < 0:
			return block.AtName("key")
		case at.Index < offset+len(c.Values):
			return block.AtName("values").AtListIndex(at.Index - offset)
		}
		offset += len(c.Values)
	}
	return o.at
}

func (d *policyDocumentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyDocumentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Purpose.IsNull() {
		m.Purpose = types.StringValue("identity")
	}
	purpose, err := policy.ParsePurpose(m.Purpose.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("purpose"), "Invalid purpose", err.Error())
		return
	}
	if m.PolicyLanguage.IsNull() {
		m.PolicyLanguage = types.StringValue(policy.V5.String())
	}
	lang, err := policy.ParseLanguage(m.PolicyLanguage.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("policy_language"), "Invalid policy language", err.Error())
		return
	}
	if lang == policy.V3 && purpose != policy.Identity {
		resp.Diagnostics.AddAttributeError(path.Root("policy_language"), "IAM v3 has no SCPs",
			`policy_language = "v3" builds IAM v3 custom policies; service control policies are v5 documents: remove purpose = "scp", or policy_language.`)
		return
	}

	doc, origins, diags := mergeStatements(m, purpose, lang)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	ignore, err := policy.ParseIgnore(m.IgnoreFindings)
	if err != nil { // the validator has said so already; Read does not rely on it
		resp.Diagnostics.AddAttributeError(path.Root("ignore_findings"), "Finding code cannot be ignored", err.Error()+".")
		return
	}
	m.Findings = []findingModel{}
	var findings []policy.Finding
	var text []byte
	if lang == policy.V3 {
		// The document is printed, then checked as the v3 document it prints as: the v3
		// checker reads text, and the statements keep their order, so its locations are
		// the origins'.
		doc.Version = &policy.Str{Value: policy.V3CustomVersion}
		text = doc.Indented()
		findings = policy.CheckV3Text(text).Findings()
	} else {
		findings = policy.Check(doc, purpose)
	}
	for _, f := range ignore.Apply(findings) {
		at := path.Root("statement")
		statement := types.Int64Null()
		switch {
		case f.At.Statement >= 0:
			statement = types.Int64Value(int64(f.At.Statement))
			at = origins[f.At.Statement].attribute(f.At)
		case (f.Code == "document_too_large" || f.Code == "v3_document_too_large") && len(origins) > 0:
			// A document too large has no element at fault: underline the longest list of
			// the statement that takes the most characters, where shortening helps most.
			bulk := doc.Bulk()
			at = origins[bulk.Statement].attribute(bulk)
		}
		if lang == policy.V3 {
			// Built, not written: no position, as for v5 documents built from blocks.
			f.Pos = policy.Pos{}
			resp.Diagnostics.Append(validators.V3FindingDiagnostic(at, "", f))
		} else {
			resp.Diagnostics.Append(validators.FindingDiagnostic(at, purpose, "", f))
		}
		m.Findings = append(m.Findings, findingModel{
			Severity: f.Severity.String(), Code: f.Code, Statement: statement, Path: f.Path, Message: f.Message,
		})
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if lang == policy.V3 {
		m.JSON = types.StringValue(string(text))
		m.MinifiedJSON = types.StringValue(string(doc.Minified()))
	} else {
		m.JSON = types.StringValue(string(doc.Indented()))
		m.MinifiedJSON = types.StringValue(string(doc.NormalKeepingLetters()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// mergeStatements parses the argument's documents, turns the statement blocks into
// statements and merges them (policy.Merge), with the attribute each statement came from.
func mergeStatements(m policyDocumentModel, purpose policy.Purpose, lang policy.Language) (*policy.Document, []origin, diag.Diagnostics) {
	var diags diag.Diagnostics
	// Sources and overrides are checked like any other document: an error finding in one
	// fails the plan on its element, before anything is merged.
	parseAll := func(name string, docs []string) []*policy.Document {
		var out []*policy.Document
		for i, src := range docs {
			if lang == policy.V3 {
				if d, ok := parseV3Source(&diags, path.Root(name).AtListIndex(i), fmt.Sprintf("%s[%d]", name, i), src); ok {
					out = append(out, d)
				}
				continue
			}
			d, findings := policy.CheckJSON([]byte(src), purpose)
			failed := false
			for _, f := range findings {
				// A source is not sent: its size is not the size limit's business, the
				// merged document's is (checked below). An escaped source over the limit
				// can merge into a document under it.
				if f.Severity == policy.Error && f.Code != "document_too_large" {
					diags.Append(validators.FindingDiagnostic(path.Root(name).AtListIndex(i), purpose, fmt.Sprintf("%s[%d]", name, i), f))
					failed = true
				}
			}
			if !failed {
				out = append(out, d)
			}
		}
		return out
	}
	sources := parseAll("source_policy_documents", m.SourcePolicyDocuments)
	overrides := parseAll("override_policy_documents", m.OverridePolicyDocuments)
	if diags.HasError() {
		return nil, nil, diags
	}
	statements := make([]policy.Statement, len(m.Statements))
	for i, st := range m.Statements {
		s := policy.Statement{Effect: &policy.Str{Value: "Allow"}}
		if !st.Sid.IsNull() && st.Sid.ValueString() != "" {
			s.Sid = &policy.Str{Value: st.Sid.ValueString()}
		}
		if !st.Effect.IsNull() {
			s.Effect = &policy.Str{Value: st.Effect.ValueString()}
		}
		s.Action, s.NotAction = listOrNil(st.Actions), listOrNil(st.NotActions)
		s.Resource, s.NotResource = listOrNil(st.Resources), listOrNil(st.NotResources)
		for _, c := range st.Conditions {
			s.AddCondition(c.Operator.ValueString(), c.Key.ValueString(), c.Values...)
		}
		statements[i] = s
	}
	doc, merged, err := policy.Merge(sources, statements, overrides)
	var dup *policy.DuplicateSidError
	if errors.As(err, &dup) {
		diags.AddAttributeError(path.Root("source_policy_documents").AtListIndex(dup.Source), "Duplicate Sid in source policy documents", dup.Error()+".")
		return nil, nil, diags
	}
	origins := make([]origin, len(merged))
	for i, o := range merged {
		switch o.Layer {
		case policy.SourceLayer:
			origins[i] = origin{at: path.Root("source_policy_documents").AtListIndex(o.Index)}
		case policy.StatementLayer:
			origins[i] = origin{at: path.Root("statement").AtListIndex(o.Index), block: true, conditions: m.Statements[o.Index].Conditions}
		default:
			origins[i] = origin{at: path.Root("override_policy_documents").AtListIndex(o.Index)}
		}
	}
	return doc, origins, diags
}

// parseV3Source reads a v3 source or override document: its errors fail the plan on it,
// as a v5 one's do, and it is merged in the v5 Document's shape. A 1.0 role's Depends
// cannot be carried into the 1.1 policy this data source builds, so it is refused.
func parseV3Source(diags *diag.Diagnostics, at path.Path, name, src string) (*policy.Document, bool) {
	c := policy.CheckV3Text([]byte(src))
	failed := false
	for _, f := range c.Findings() {
		if f.Severity == policy.Error && f.Code != "v3_document_too_large" {
			diags.Append(validators.V3FindingDiagnostic(at, name, f))
			failed = true
		}
	}
	if failed {
		return nil, false
	}
	d := c.Document()
	if d.Depends != nil {
		diags.AddAttributeError(at, "Invalid IAM v3 policy: v3_depends", name+`: Depends belongs to 1.0 system roles; this data source builds 1.1 custom policies, which have none: remove Depends, and grant the roles it names separately.`)
		return nil, false
	}
	return d.Shape(), true
}

func listOrNil(values []string) *policy.List {
	if values == nil {
		return nil
	}
	return policy.NewList(values...)
}

// awsArgument is an argument of AWS's aws_iam_policy_document condition block, which this
// block names otherwise: always refused, with the name to write (policy.Habits).
func awsArgument(name string) schema.StringAttribute {
	h, _ := policy.AWSHabit(policy.HabitArgument, name)
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: fmt.Sprintf("Not an argument of this block: AWS's `aws_iam_policy_document` name for `%s`, refused with a message that says so. Write `%s`.", h.Huawei, h.Huawei),
		Validators:          []validator.String{awsArgumentValidator{h}},
	}
}

type awsArgumentValidator struct{ habit policy.Habit }

func (v awsArgumentValidator) Description(context.Context) string {
	return "refused: " + v.habit.Message()
}

func (v awsArgumentValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v awsArgumentValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	value := "..."
	if !req.ConfigValue.IsUnknown() {
		value = fmt.Sprintf("%q", req.ConfigValue.ValueString())
	}
	resp.Diagnostics.AddAttributeError(req.Path, "AWS argument name",
		fmt.Sprintf("%s: write %s = %s.", v.habit.Message(), v.habit.Huawei, value))
}

// ValidateConfig requires operator and key in every condition block (the schema cannot:
// see the condition block), unless AWS's name for one is given, which its validator refuses.
func (d *policyDocumentDataSource) ValidateConfig(_ context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var config map[string]tftypes.Value
	if !req.Config.Raw.IsKnown() || req.Config.Raw.IsNull() || req.Config.Raw.As(&config) != nil {
		return
	}
	var statements []tftypes.Value
	if st := config["statement"]; !st.IsKnown() || st.As(&statements) != nil {
		return
	}
	for i, st := range statements {
		var sattrs map[string]tftypes.Value
		if !st.IsKnown() || st.IsNull() || st.As(&sattrs) != nil {
			continue
		}
		var conditions []tftypes.Value
		if c := sattrs["condition"]; !c.IsKnown() || c.As(&conditions) != nil {
			continue
		}
		for j, c := range conditions {
			var attrs map[string]tftypes.Value
			if !c.IsKnown() || c.IsNull() || c.As(&attrs) != nil {
				continue
			}
			for _, arg := range []struct{ name, aws, example string }{{"operator", "test", "StringEquals"}, {"key", "variable", "ims:Region"}} {
				if attrs[arg.name].IsNull() && attrs[arg.aws].IsNull() {
					resp.Diagnostics.AddAttributeError(path.Root("statement").AtListIndex(i).AtName("condition").AtListIndex(j),
						"Missing required argument", fmt.Sprintf("The argument %q is required in a condition block, such as %s = %q.", arg.name, arg.name, arg.example))
				}
			}
		}
	}
}

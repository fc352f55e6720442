package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/migrate"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

var _ function.Function = (*migrateV3PolicyFunction)(nil)

// NewMigrateV3PolicyFunction returns the migrate_v3_policy function.
func NewMigrateV3PolicyFunction() function.Function { return &migrateV3PolicyFunction{} }

type migrateV3PolicyFunction struct{}

func (f *migrateV3PolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "migrate_v3_policy"
}

var migrationDifferenceType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"api": types.StringType, "resource": types.StringType, "context": types.MapType{ElemType: types.ListType{ElemType: types.StringType}},
	"v3_decision": types.StringType, "v5_decision": types.StringType,
}}

var migrationUnmatchedType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"api": types.StringType, "known_to": types.StringType, "grant": types.StringType,
}}

func (f *migrateV3PolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Turns an IAM v3 custom policy into the v5 identity policy that allows the same IMS API calls, with its proof",
		MarkdownDescription: "Takes an IAM v3 custom policy (`\"Version\": \"1.1\"`, the document of `huaweicloud_identity_role.policy`) and returns " +
			"an object: `document`, the IAM v5 identity policy in normal form; `verdict`, `\"equivalent\"` when the two allow exactly the same requests " +
			"(API call, resource and context) of every IMS API both permission tables list, or `\"differences\"`; `differences`, one request per API and " +
			"direction that they decide differently (`api`, `resource`, `context`, `v3_decision`, `v5_decision`); `unmatched`, the APIs only one of the " +
			"two tables lists (`api`, `known_to`, `grant`: how much of it the policy of that language allows), which no v5 document can decide alike; " +
			"and `notes`, the choices the migration made and the vendor's contradictions it could not avoid. The call fails when the document is not an " +
			"IAM v3 policy, when an element of it cannot be decided (`?` in an action, an IMS resource URN) or when the proof cannot be completed within " +
			"the default budget: it never guesses. See the guide \"Migrating IAM v3 policies to v5\".",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "policy", MarkdownDescription: "The IAM v3 policy document (JSON)."},
		},
		Return: function.ObjectReturn{AttributeTypes: map[string]attr.Type{
			"document":    types.StringType,
			"verdict":     types.StringType,
			"differences": types.ListType{ElemType: migrationDifferenceType},
			"unmatched":   types.ListType{ElemType: migrationUnmatchedType},
			"notes":       types.ListType{ElemType: types.StringType},
		}},
	}
}

type migrationResult struct {
	Document    string                `tfsdk:"document"`
	Verdict     string                `tfsdk:"verdict"`
	Differences []migrationDifference `tfsdk:"differences"`
	Unmatched   []migrationUnmatched  `tfsdk:"unmatched"`
	Notes       []string              `tfsdk:"notes"`
}

type migrationDifference struct {
	API        string              `tfsdk:"api"`
	Resource   string              `tfsdk:"resource"`
	Context    map[string][]string `tfsdk:"context"`
	V3Decision string              `tfsdk:"v3_decision"`
	V5Decision string              `tfsdk:"v5_decision"`
}

type migrationUnmatched struct {
	API     string `tfsdk:"api"`
	KnownTo string `tfsdk:"known_to"`
	Grant   string `tfsdk:"grant"`
}

func (f *migrateV3PolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &text))
	if resp.Error != nil {
		return
	}
	if policy.LanguageOf([]byte(text)) != policy.V3 {
		resp.Error = function.NewArgumentFuncError(0, `Not an IAM v3 policy: the policy argument's "Version" must be "1.1" (or "1.0" for a role); `+
			`a v5 document ("5.0") needs no migration`)
		return
	}
	c := policy.CheckV3Text([]byte(text))
	if f := c.FirstError(); f != nil {
		resp.Error = function.NewArgumentFuncError(0, "Invalid IAM v3 policy: "+f.Code+": "+f.String())
		return
	}
	r := migrate.Migrate(c, functionBudget)
	if r.Document == "" {
		resp.Error = function.NewArgumentFuncError(0, "Cannot migrate the policy: "+r.Reason+": "+strings.Join(r.Problems, "; "))
		return
	}
	if r.Verdict == apicall.Unknown {
		resp.Error = function.NewFuncError("Cannot prove the migration: " + r.Reason + ". Run imspolicy migrate --budget N to give it more.")
		return
	}
	rep := r.Report()
	out := migrationResult{Document: rep.Document, Verdict: rep.Verdict, Differences: []migrationDifference{}, Unmatched: []migrationUnmatched{}, Notes: rep.Notes}
	for _, d := range rep.Differences {
		out.Differences = append(out.Differences, migrationDifference{API: d.API, Resource: d.Resource, Context: d.Context, V3Decision: d.V3, V5Decision: d.V5})
	}
	for _, u := range rep.Unmatched {
		out.Unmatched = append(out.Unmatched, migrationUnmatched{API: u.API, KnownTo: u.KnownTo, Grant: u.Grant})
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, out))
}

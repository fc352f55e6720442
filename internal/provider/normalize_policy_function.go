package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*normalizePolicyFunction)(nil)

// NewNormalizePolicyFunction returns the normalize_policy function.
func NewNormalizePolicyFunction() function.Function { return &normalizePolicyFunction{} }

type normalizePolicyFunction struct{}

func (f *normalizePolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "normalize_policy"
}

func (f *normalizePolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Prints a policy document in its normal form",
		MarkdownDescription: "Returns the normal form of a policy document, minified, for comparing and storing policies: " +
			"two documents give the same bytes exactly when the resources treat them as the same policy (no diff). It makes " +
			"these differences the same, none of which changes a decision of the provider's simulator: `Version` first; lists everywhere (a single string " +
			"becomes a list of one), sorted and without duplicates; actions in the catalog's spelling (other actions and " +
			"patterns in lower case); condition operators and keys sorted, keys in the catalog's spelling (others in lower " +
			"case: keys ignore ASCII case); condition values read as their operator's type and written one way: numbers as " +
			"the shortest plain decimal of their 64-bit float (`100.0` → `100`, `100.010` → `100.01`, `+007` → `7`, `-0` → " +
			"`0`; decimals that differ only beyond about 15 significant digits are one number), booleans in lower case, " +
			"dates as the instant in UTC, RFC 3339 (`2026-08-01T08:00:00+08:00` → `2026-08-01T00:00:00Z`), IP addresses " +
			"and CIDRs masked and IPv4-mapped ones as IPv4 (`10.0.0.1/8` → `10.0.0.0/8`, `10.0.0.1/32` → `10.0.0.1`), " +
			"values of `StringEqualsIgnoreCase` and `StringNotEqualsIgnoreCase` with one case per letter (their rule is " +
			"simple case folding: see the testing guide's table of operators); statements sorted by their own normal form " +
			"and written once, since no decision depends on their order; empty fields left out; no white space. Kept as " +
			"written on purpose: resources (URNs are case-sensitive); values of the other string operators (they compare " +
			"every character: to `StringEquals`, `\"100\"` and `\"100.0\"` differ); values an operator cannot read " +
			"(the checker refuses them); `Version`, `Sid` and `Effect`; and a key spelt in two cases under one operator " +
			"with different values (two conditions, both of which must hold). The normal form is for comparing: what a " +
			"resource sends to the service is the text you wrote. An IAM v3 document (`\"Version\": \"1.1\"`, a role's) is " +
			"normalised the same way: v3 action names also ignore case after the service. The functions that decide requests " +
			"(`is_allowed`, `grants_no_new_access`, `effective_permissions`) take v5 documents only.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "json", MarkdownDescription: "A policy document (JSON).",
				Validators: []function.StringParameterValidator{validators.ParsablePolicyDocument()},
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *normalizePolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var src string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &src))
	if resp.Error != nil {
		return
	}
	canonical, err := canonicalDocument(src)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "the policy document does not parse: "+err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, canonical))
}

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var _ function.Function = (*grantsNoNewAccessFunction)(nil)

// NewGrantsNoNewAccessFunction returns the grants_no_new_access function.
func NewGrantsNoNewAccessFunction() function.Function { return &grantsNoNewAccessFunction{} }

type grantsNoNewAccessFunction struct{}

func (f *grantsNoNewAccessFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "grants_no_new_access"
}

func (f *grantsNoNewAccessFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Tells whether identity policies allow nothing that reference policies do not",
		MarkdownDescription: "Returns `true` when the candidate identity policies allow no request (any action, resource and context) " +
			"that the reference policies do not, and `false` when they allow one, proven offline over every request. When the answer " +
			"cannot be proven (beyond the analyser's default budget, or a condition key compared as two types) the call fails rather " +
			"than guess: functions receive no provider configuration, so they run within the default budget whatever the provider's " +
			"`analysis_budget`. For SCPs and the " +
			"requests that differ, use the `imspolicy_access_analysis` data source.\n\n" +
			"Either list may hold IAM v3 custom policies (`\"Version\": \"1.1\"`), alone or mixed with v5 ones. Then the two are " +
			"compared at the level of IMS API calls, the only level at which v3 and v5 meet: a request is an API call of either permission " +
			"table on a resource under a context, and each list decides it as one principal holding those policies (through the v5 table " +
			"by its v5 and v3 policies, through the v3 table by its v3 policies alone, an explicit deny either way denies, else an allow " +
			"either way allows; inferred, see the guide \"Migrating IAM v3 policies to v5\"). A request granting new access found before " +
			"the budget runs out is a proof: the answer is then `false`. `effective_api_permissions` shows what each list allows.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name: "candidate", ElementType: types.StringType, MarkdownDescription: "The new identity policy documents (JSON), IAM v5 or v3.",
				Validators: []function.ListParameterValidator{validators.MixedIdentityPolicies()},
			},
			function.ListParameter{
				Name: "reference", ElementType: types.StringType, MarkdownDescription: "The identity policy documents (JSON), IAM v5 or v3, to compare with, such as those deployed.",
				Validators: []function.ListParameterValidator{validators.MixedIdentityPolicies()},
			},
		},
		Return: function.BoolReturn{},
	}
}

func (f *grantsNoNewAccessFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var candidate, reference []string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &candidate, &reference))
	if resp.Error != nil {
		return
	}
	if hasV3(candidate) || hasV3(reference) {
		resp.Error = function.ConcatFuncErrors(resp.Error, noNewAPIAccess(ctx, candidate, reference, resp))
		return
	}
	var configs [2]*evaluator.PolicySet
	for i, docs := range [2][]string{candidate, reference} {
		c, ferr := identityConfig(docs, int64(i))
		if ferr != nil {
			resp.Error = ferr
			return
		}
		configs[i] = c
	}
	r, err := analysis.NoNewAccess(configs[0], configs[1], functionBudget)
	if err != nil {
		resp.Error = function.NewFuncError("Cannot analyse the policies: " + err.Error())
		return
	}
	if r.Status != analysis.Complete {
		resp.Error = function.NewFuncError("Cannot prove whether the candidate grants new access: " + r.Reason +
			". Use the imspolicy_access_analysis data source to see what is known.")
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, r.Holds))
}

// identityConfig builds the policy set of identity policy documents through the gate
// (the parameter validators have checked them, already) for the analyser.
func identityConfig(documents []string, argument int64) (*evaluator.PolicySet, *function.FuncError) {
	set, findings := evaluator.NewIdentityPolicySet(documents)
	if len(findings) > 0 {
		return nil, validators.SourceFindingError(argument, findings[0])
	}
	return set, nil
}

// hasV3 reports whether any document is an IAM v3 one.
func hasV3(documents []string) bool {
	for _, d := range apicall.ReadIdentityTexts(documents) {
		if d.V3 != nil {
			return true
		}
	}
	return false
}

// noNewAPIAccess answers grants_no_new_access at the level of API calls
// (apicall.NoNewAccess): a witness found is a proof of new access, even when the analysis
// stops early; otherwise an unfinished analysis is an error with its reason.
func noNewAPIAccess(ctx context.Context, candidate, reference []string, resp *function.RunResponse) *function.FuncError {
	var ps [2]*apicall.Principal
	for i, docs := range [2][]string{candidate, reference} {
		p, ferr := validators.NewPrincipalArgument(docs, int64(i))
		if ferr != nil {
			return ferr
		}
		ps[i] = p
	}
	r, err := apicall.NoNewAccess(ps[0], ps[1], functionBudget)
	if err != nil {
		return function.NewFuncError("Cannot analyse the policies: " + err.Error())
	}
	if r.Status != analysis.Complete && len(r.Witnesses) == 0 {
		return function.NewFuncError("Cannot prove whether the candidate grants new access: " + r.Reason +
			". Use effective_api_permissions on each list to see what is known.")
	}
	return resp.Result.Set(ctx, r.Holds)
}

package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// The AWS provider's policy-equivalence cases (its awspolicyequivalence library's tests)
// in IMS terms: a boolean in another case, plain decimals with trailing zeros on a key
// outside the catalog, and statements in another order. Each document means what the
// first does, so the plan is empty, the service keeps the first text (one version), and
// normalize_policy gives each the same bytes (TestAccNormalizePolicyFunction_awsEquivalenceCases).
var awsEquivalentPolicies = []string{
	`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"TRUE"},"NumberLessThanEquals":{"ecs:DiskSize":"100","ecs:Quota":["100.01","200.2"]}}},{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`,
	`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"true"},"NumberLessThanEquals":{"ecs:DiskSize":"100","ecs:Quota":["100.01","200.2"]}}},{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`,
	`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"true"},"NumberLessThanEquals":{"ecs:DiskSize":"100.0","ecs:Quota":["100.01","200.2"]}}},{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`,
	`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"true"},"NumberLessThanEquals":{"ecs:DiskSize":"100.0","ecs:Quota":["100.010","200.20"]}}},{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`,
	`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]},{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"true"},"NumberLessThanEquals":{"ecs:DiskSize":"100.0","ecs:Quota":["100.010","200.20"]}}}]}`,
}

func TestAccIdentityPolicyResource_awsEquivalenceCasesPlanNothing(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	config := func(doc string) string {
		return identityPolicyConfig(url, "mfa-readers", "Read images with MFA", fmt.Sprintf("%q", doc))
	}
	sentText := checkEmulatorIdentityPolicy(srv, "mfa-readers", func(p emulator.Policy) error {
		if len(p.Versions) != 1 || p.DefaultDocument() != awsEquivalentPolicies[0] {
			return fmt.Errorf("the service holds %d versions, the default %s; want the first text, once", len(p.Versions), p.DefaultDocument())
		}
		return nil
	})
	steps := []resource.TestStep{{Config: config(awsEquivalentPolicies[0]), Check: sentText}}
	for _, doc := range awsEquivalentPolicies[1:] {
		steps = append(steps, resource.TestStep{
			Config:           config(doc),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            sentText,
		})
	}
	// A number that differs is another policy: the plan updates it.
	other := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"true"},"NumberLessThanEquals":{"ecs:DiskSize":"100.1","ecs:Quota":["100.01","200.2"]}}},{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`
	steps = append(steps, resource.TestStep{
		Config: config(other),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(identityPolicyAddr, plancheck.ResourceActionUpdate),
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps:                    steps,
	})
}

// TestAccNormalizePolicyFunction_awsEquivalenceCases: normalize_policy gives the AWS
// equivalence cases one normal form, with the values in their canonical spelling and the
// statements sorted; the document data source's json keeps the author's order.
func TestAccNormalizePolicyFunction_awsEquivalenceCases(t *testing.T) {
	var outputs []string
	for i, doc := range awsEquivalentPolicies {
		outputs = append(outputs, fmt.Sprintf("output \"n%d\" { value = provider::imspolicy::normalize_policy(%q) }", i, doc))
	}
	want := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":["true"]},"NumberLessThanEquals":{"ecs:disksize":["100"],"ecs:quota":["100.01","200.2"]}}},{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`
	var checks []statecheck.StateCheck
	for i := range awsEquivalentPolicies {
		checks = append(checks, statecheck.ExpectKnownOutputValue(fmt.Sprintf("n%d", i), knownvalue.StringExact(want)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: strings.Join(outputs, "\n"), ConfigStateChecks: checks}},
	})
}

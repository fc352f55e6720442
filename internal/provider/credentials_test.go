package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"
)

// missingCredentialsError is the one error every API resource and data source reports
// without credentials.
var missingCredentialsError = regexp.MustCompile(`Error: Missing credentials[\s\S]*` +
	strings.Join(strings.Fields(`Set access_key and secret_key in the provider block, or the HW_ACCESS_KEY and HW_SECRET_KEY environment variables`), `\s+`))

// apiTypesWithoutCredentials is a configuration of each resource and data source that
// calls the APIs; TestAccAPITypes_missingCredentialsFailAtPlan checks every one.
var apiTypesWithoutCredentials = []struct{ name, config string }{
	{"imspolicy_identity_policy", `
resource "imspolicy_identity_policy" "test" {
  name   = "no-credentials"
  policy = ` + identityPolicyDoc("ims:images:list") + `
}`},
	{"imspolicy_identity_policy_attachment", `
resource "imspolicy_identity_policy_attachment" "test" {
  policy_id      = "0b3c"
  principal_type = "user"
  principal_id   = "` + testIAMUserID + `"
}`},
	{"imspolicy_service_control_policy", `
resource "imspolicy_service_control_policy" "test" {
  name    = "no-credentials"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}`},
	{"imspolicy_service_control_policy_attachment", `
resource "imspolicy_service_control_policy_attachment" "test" {
  policy_id = "p-0b3c"
  target_id = "r-emulator"
}`},
	{"imspolicy_scp_enablement", `
resource "imspolicy_scp_enablement" "test" {
  root_id = "r-emulator"
}`},
	{"data.imspolicy_identity_policy", `
data "imspolicy_identity_policy" "test" {
  name = "anything"
}`},
	{"data.imspolicy_service_control_policy", `
data "imspolicy_service_control_policy" "test" {
  name = "anything"
}`},
}

// Every API resource and data source without credentials fails at plan time (PlanOnly:
// a plan that succeeded would fail the step with another error), with the same message.
func TestAccAPITypes_missingCredentialsFailAtPlan(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	for _, tc := range apiTypesWithoutCredentials {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: missingCredentialsError,
				}},
			})
		})
	}
}

// Credentials known only after apply (from a resource's output) are not reported missing
// at plan time: the plan goes on, and the values known at apply decide.
func TestAccAPITypes_unknownCredentialsPlan(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	for _, tc := range apiTypesWithoutCredentials {
		if tc.name[:5] == "data." {
			continue // a data source whose provider is unknown is read at apply
		}
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: `
resource "terraform_data" "key" {
  input = "AKLATER"
}
provider "imspolicy" {
  access_key = terraform_data.key.output
  secret_key = "sklater"
}
` + tc.config,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				}},
			})
		})
	}
}

// Every resource calls the APIs: each is in apiTypesWithoutCredentials.
func TestAPITypesWithoutCredentialsCoverEveryResource(t *testing.T) {
	listed := map[string]bool{}
	for _, tc := range apiTypesWithoutCredentials {
		listed[tc.name] = true
	}
	ctx := context.Background()
	for _, r := range (&imsPolicyProvider{}).Resources(ctx) {
		var resp fwresource.MetadataResponse
		r().Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "imspolicy"}, &resp)
		if !listed[resp.TypeName] {
			t.Errorf("%s is not in apiTypesWithoutCredentials", resp.TypeName)
		}
	}
}

package provider

import (
	"os"
	"regexp"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

func TestAccServiceControlPolicyDataSource(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	const byID, byName, full = "data.imspolicy_service_control_policy.by_id", "data.imspolicy_service_control_policy.by_name", "data.imspolicy_service_control_policy.full_access"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(url) + `
resource "imspolicy_service_control_policy" "test" {
  name        = "stay-in-region"
  description = "cross-region copies only from cn-north-4"
  # Not canonical: the data source prints it canonically.
  content = <<-EOT
    {
      "Statement": [ { "Effect": "Deny", "Action": "ims:images:copyCrossRegion", "Resource": "*",
                       "Condition": { "StringNotEquals": { "ims:Region": "cn-north-4" } } } ],
      "Version": "5.0"
    }
  EOT
}

data "imspolicy_service_control_policy" "by_id" {
  id = imspolicy_service_control_policy.test.id
}

data "imspolicy_service_control_policy" "by_name" {
  name = imspolicy_service_control_policy.test.name
}

data "imspolicy_service_control_policy" "full_access" {
  name = "FullAccess"
}

# The content feeds the simulator.
data "imspolicy_policy_simulation" "copy" {
  identity_policies = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:copyCrossRegion"] }] })]
  scp_level {
    name     = "root"
    policies = [data.imspolicy_service_control_policy.full_access.content, data.imspolicy_service_control_policy.by_id.content]
  }
  request {
    action = "ims:images:copyCrossRegion"
    context {
      key    = "ims:Region"
      values = ["ap-southeast-1"]
    }
  }
}

output "canonical" {
  value = data.imspolicy_service_control_policy.by_name.content == provider::imspolicy::normalize_policy(imspolicy_service_control_policy.test.content)
}
`,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrPair(byID, "id", "imspolicy_service_control_policy.test", "id"),
				resource.TestCheckResourceAttrPair(byName, "id", "imspolicy_service_control_policy.test", "id"),
				resource.TestCheckResourceAttrPair(byID, "urn", "imspolicy_service_control_policy.test", "urn"),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("name"), knownvalue.StringExact("stay-in-region")),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("description"), knownvalue.StringExact("cross-region copies only from cn-north-4")),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("is_builtin"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("content"), knownvalue.StringExact(
					`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:copyCrossRegion"],"Resource":["*"],"Condition":{"StringNotEquals":{"ims:Region":["cn-north-4"]}}}]}`)),
				statecheck.ExpectKnownValue(full, tfjsonpath.New("id"), knownvalue.StringExact(emulator.FullAccessID)),
				statecheck.ExpectKnownValue(full, tfjsonpath.New("is_builtin"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(full, tfjsonpath.New("content"), knownvalue.StringExact(emulator.FullAccessContent)),
				statecheck.ExpectKnownOutputValue("canonical", knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.copy", tfjsonpath.New("all_allowed"), knownvalue.Bool(false)),
			},
		}},
	})
}

func TestAccServiceControlPolicyDataSource_errors(t *testing.T) {
	_, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.ProviderBlock(url) + `data "imspolicy_service_control_policy" "x" {}`,
				ExpectError: regexp.MustCompile(`Exactly one of these attributes must be configured: \[id,name\]`),
			},
			{
				Config: acctest.ProviderBlock(url) + `
data "imspolicy_service_control_policy" "x" {
  id   = "p-FullAccess"
  name = "FullAccess"
}`,
				ExpectError: regexp.MustCompile(`Exactly one of these attributes must be configured: \[id,name\]`),
			},
			{
				Config:      acctest.ProviderBlock(url) + `data "imspolicy_service_control_policy" "x" { name = "nope" }`,
				ExpectError: regexp.MustCompile(`no service control policy named "nope"`),
			},
			{
				Config:      acctest.ProviderBlock(url) + `data "imspolicy_service_control_policy" "x" { id = "p-nope" }`,
				ExpectError: regexp.MustCompile(`no service control policy with ID "p-nope"`),
			},
		},
	})
}

// TestAccServiceControlPolicyDataSource_example runs the data source's example against the
// emulator, configured through the environment as the example has no provider block.
func TestAccServiceControlPolicyDataSource_example(t *testing.T) {
	example, err := os.ReadFile("../../examples/data-sources/imspolicy_service_control_policy/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	_, url := acctest.StartEmulator(t, emulator.Config{})
	acctest.ClearCredentialEnv(t)
	t.Setenv("HW_ACCESS_KEY", acctest.AccessKey)
	t.Setenv("HW_SECRET_KEY", acctest.SecretKey)
	t.Setenv("HW_DOMAIN_ID", acctest.AccountID)
	t.Setenv("HW_IAM_ENDPOINT", url)
	t.Setenv("HW_ORGANIZATIONS_ENDPOINT", url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{{
			Config: string(example),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("cross_region_copy_allowed", knownvalue.Bool(false)),
			},
		}},
	})
}

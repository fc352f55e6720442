package provider

import (
	"regexp"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// protoV6ProviderFactories serves the provider in-process to the real Terraform CLI that
// terraform-plugin-testing runs.
func TestAccProvider_offlineWithoutConfiguration(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// No provider block at all: catalog data sources and functions still work.
			Config: `
data "imspolicy_actions" "all" {}
output "urn" { value = provider::imspolicy::image_urn("cn-north-4", "*", "*") }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_actions.all", tfjsonpath.New("names"), knownvalue.ListSizeExact(26)),
				statecheck.ExpectKnownOutputValue("urn", knownvalue.StringExact("ims:cn-north-4:*:image:*")),
			},
		}},
	})
}

func TestAccProvider_configuration(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "imspolicy" { max_retries = -1 }
data "imspolicy_actions" "all" {}
`,
				ExpectError: regexp.MustCompile(`max_retries value must be between 0 and 100, got: -1`),
			},
			{
				// Every argument set: configuring the provider contacts nothing.
				Config: `
provider "imspolicy" {
  region                 = "cn-north-4"
  access_key             = "AKEXAMPLE"
  secret_key             = "sk-example"
  security_token         = "token-example"
  account_id             = "0123456789abcdef0123456789abcdef"
  iam_endpoint           = "https://127.0.0.1:1"
  organizations_endpoint = "https://127.0.0.1:1"
  max_retries            = 2
}
data "imspolicy_actions" "quota" { match = "ims:quotas:*" }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.imspolicy_actions.quota", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("ims:quotas:get")})),
				},
			},
		},
	})
}

func TestAccProvider_invalidMaxRetriesEnvironment(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { t.Setenv("HW_MAX_RETRIES", "five") },
				Config:      `data "imspolicy_actions" "all" {}`,
				ExpectError: regexp.MustCompile(`HW_MAX_RETRIES must be a whole number from 0 to 100, got "five"`),
			},
			{
				// A valid value, so that the test's final destroy can configure the provider.
				PreConfig: func() { t.Setenv("HW_MAX_RETRIES", "3") },
				Config:    `data "imspolicy_actions" "all" {}`,
			},
		},
	})
}

func TestAccProvider_invalidWarnOnNewAccessEnvironment(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { t.Setenv("IMSPOLICY_WARN_ON_NEW_ACCESS", "sometimes") },
				Config:      `data "imspolicy_actions" "all" {}`,
				ExpectError: regexp.MustCompile(`IMSPOLICY_WARN_ON_NEW_ACCESS must be true or false, got "sometimes"`),
			},
			{
				PreConfig: func() { t.Setenv("IMSPOLICY_WARN_ON_NEW_ACCESS", "false") },
				Config:    `data "imspolicy_actions" "all" {}`,
			},
		},
	})
}

// analysis_budget and IMSPOLICY_ANALYSIS_BUDGET are whole numbers of representative
// requests from 1 to analysis.MaxBudget; anything else is an error naming the setting.
func TestAccProvider_invalidAnalysisBudget(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      "provider \"imspolicy\" {\n  analysis_budget = 0\n}\n" + `data "imspolicy_actions" "all" {}`,
				ExpectError: regexp.MustCompile(`(?s)analysis_budget.*value must be between 1 and 20000000, got: 0`),
			},
			{
				PreConfig:   func() { t.Setenv("IMSPOLICY_ANALYSIS_BUDGET", "lots") },
				Config:      `data "imspolicy_actions" "all" {}`,
				ExpectError: regexp.MustCompile(`IMSPOLICY_ANALYSIS_BUDGET must be a whole number of representative requests\s+from\s+1\s+to\s+20000000,\s+got\s+"lots"`),
			},
			{
				PreConfig:   func() { t.Setenv("IMSPOLICY_ANALYSIS_BUDGET", "20000001") },
				Config:      `data "imspolicy_actions" "all" {}`,
				ExpectError: regexp.MustCompile(`IMSPOLICY_ANALYSIS_BUDGET must be`),
			},
			{
				PreConfig: func() { t.Setenv("IMSPOLICY_ANALYSIS_BUDGET", "1000") },
				Config:    `data "imspolicy_actions" "all" {}`,
			},
		},
	})
}

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccNormalizePolicyFunction(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
locals {
  a = <<-EOT
    {
      "Statement": [ { "Resource": "*", "Action": "ims:images:list", "Effect": "Allow" } ],
      "Version": "5.0"
    }
  EOT
  b = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list"], Resource = ["*"] }] })
}
output "a"    { value = provider::imspolicy::normalize_policy(local.a) }
output "same" { value = provider::imspolicy::normalize_policy(local.a) == provider::imspolicy::normalize_policy(local.b) }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("a", knownvalue.StringExact(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`)),
					statecheck.ExpectKnownOutputValue("same", knownvalue.Bool(true)),
				},
			},
			{
				Config:      `output "bad" { value = provider::imspolicy::normalize_policy("{\"Version\": ") }`,
				ExpectError: regexp.MustCompile(`(?s)the policy document does not parse:\s+line\s+1\s+col\s+13`),
			},
		},
	})
}

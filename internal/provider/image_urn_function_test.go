package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccImageURNFunction(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
output "one" { value = provider::imspolicy::image_urn("cn-north-4", "0123456789abcdef0123456789abcdef", "9f1c0000-aaaa-bbbb-cccc-000000000001") }
output "all" { value = provider::imspolicy::image_urn("*", "*", "*") }
output "prefix" { value = provider::imspolicy::image_urn("cn-*", "0123456789abcdef0123456789abcdef", "golden-*") }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("one", knownvalue.StringExact("ims:cn-north-4:0123456789abcdef0123456789abcdef:image:9f1c0000-aaaa-bbbb-cccc-000000000001")),
					statecheck.ExpectKnownOutputValue("all", knownvalue.StringExact("ims:*:*:image:*")),
					statecheck.ExpectKnownOutputValue("prefix", knownvalue.StringExact("ims:cn-*:0123456789abcdef0123456789abcdef:image:golden-*")),
				},
			},
			{
				Config:      `output "bad" { value = provider::imspolicy::image_urn("cn-north-4", "acct:1", "img") }`,
				ExpectError: regexp.MustCompile(`account_id "acct:1"\s+is malformed`),
			},
			{
				Config:      `output "bad" { value = provider::imspolicy::image_urn("", "*", "img") }`,
				ExpectError: regexp.MustCompile(`region ""\s+is\s+malformed`),
			},
			{
				Config:      `output "bad" { value = provider::imspolicy::image_urn("cn-north-4", "*", "my image") }`,
				ExpectError: regexp.MustCompile(`image_id\s+"my image"\s+is\s+malformed`),
			},
		},
	})
}

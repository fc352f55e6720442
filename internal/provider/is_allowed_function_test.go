package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccIsAllowedFunction(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
locals {
  policies = [
    jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:update"] }] }),
    jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:setTags"], Resource = ["ims:*:*:image:locked"] }] }),
  ]
}
output "delete"        { value = provider::imspolicy::is_allowed(local.policies, "ims:images:deleteImage", "ims:cn-north-4:acct:image:a") }
output "tags_locked"   { value = provider::imspolicy::is_allowed(local.policies, "ims:images:setTags", "ims:cn-north-4:acct:image:locked") }
output "tags_unlocked" { value = provider::imspolicy::is_allowed(local.policies, "ims:images:setTags", "ims:cn-north-4:acct:image:a") }
output "get"           { value = provider::imspolicy::is_allowed(local.policies, "ims:images:get", "*") }
output "none"          { value = provider::imspolicy::is_allowed([], "ims:images:get", "*") }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("delete", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("tags_locked", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("tags_unlocked", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("get", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("none", knownvalue.Bool(false)),
				},
			},
			{
				Config:      `output "x" { value = provider::imspolicy::is_allowed([], "ims:images:delet", "*") }`,
				ExpectError: regexp.MustCompile(`"ims:images:delet"\s+is\s+not\s+an\s+IMS\s+action.\s+Did\s+you\s+mean\s+"ims:images:deleteImage"`),
			},
			{
				Config:      `output "x" { value = provider::imspolicy::is_allowed(["{not json"], "ims:images:get", "*") }`,
				ExpectError: regexp.MustCompile(`Invalid\s+identity\s+policy:\s+malformed_json:\s+identity\[0\]:\s+line\s+1\s+col\s+2`),
			},
		},
	})
}

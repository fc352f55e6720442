package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccEffectivePermissionsFunction(t *testing.T) {
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
  grants = provider::imspolicy::effective_permissions(local.policies)
}
output "count"       { value = length(local.grants) }
output "delete"      { value = local.grants["ims:images:deleteImage"] }
output "set_tags"    { value = local.grants["ims:images:setTags"] }
output "get"         { value = local.grants["ims:images:get"] }
output "none_at_all" { value = distinct(values(provider::imspolicy::effective_permissions([]))) }
# A partial grant, replayed: setTags is allowed on one image and denied on the locked one.
output "tags_unlocked" { value = provider::imspolicy::is_allowed(local.policies, "ims:images:setTags", "ims:cn-north-4:acct:image:a") }
output "tags_locked"   { value = provider::imspolicy::is_allowed(local.policies, "ims:images:setTags", "ims:cn-north-4:acct:image:locked") }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("count", knownvalue.Int64Exact(26)),
					statecheck.ExpectKnownOutputValue("delete", knownvalue.StringExact("full")),
					statecheck.ExpectKnownOutputValue("set_tags", knownvalue.StringExact("partial")),
					statecheck.ExpectKnownOutputValue("get", knownvalue.StringExact("none")),
					statecheck.ExpectKnownOutputValue("none_at_all", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("none")})),
					statecheck.ExpectKnownOutputValue("tags_unlocked", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("tags_locked", knownvalue.Bool(false)),
				},
			},
			{
				Config: `output "x" { value = provider::imspolicy::effective_permissions([jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"],
  Condition = { StringEquals = { "x:k" = ["10"] }, NumberEquals = { "x:k" = ["10"] } } }] })]) }`,
				ExpectError: regexp.MustCompile(`Cannot\s+prove\s+the\s+effective\s+permissions:.*x:k`),
			},
			{
				Config:      `output "x" { value = provider::imspolicy::effective_permissions(["{not json"]) }`,
				ExpectError: regexp.MustCompile(`Invalid\s+identity\s+policy:\s+malformed_json:\s+identity\[0\]:\s+line\s+1\s+col\s+2`),
			},
		},
	})
}

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccNormalizePolicyFunction(t *testing.T) {
	resource.Test(t, resource.TestCase{
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
  # The same policy as c: action case, list order and duplicates, an empty Sid and Condition.
  c = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["IMS:Images:AddMember", "ECS:CloudServers:List", "ims:images:get"], Resource = ["*"] }] })
  d = jsonencode({ Version = "5.0", Statement = [{ Sid = "", Effect = "Allow", Action = ["ims:images:get", "ecs:cloudservers:list", "ims:images:addMember", "ims:images:get"], Resource = "*", Condition = {} }] })
  # Not the same policy: another resource.
  e = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"], Resource = ["ims:*:*:image:a"] }] })
}
output "a"    { value = provider::imspolicy::normalize_policy(local.a) }
output "same" { value = provider::imspolicy::normalize_policy(local.a) == provider::imspolicy::normalize_policy(local.b) }
output "c"    { value = provider::imspolicy::normalize_policy(local.c) }
output "c_is_d" { value = provider::imspolicy::normalize_policy(local.c) == provider::imspolicy::normalize_policy(local.d) }
output "c_is_e" { value = provider::imspolicy::normalize_policy(local.c) == provider::imspolicy::normalize_policy(local.e) }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("a", knownvalue.StringExact(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`)),
					statecheck.ExpectKnownOutputValue("same", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("c", knownvalue.StringExact(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ecs:cloudservers:list","ims:images:addMember","ims:images:get"],"Resource":["*"]}]}`)),
					statecheck.ExpectKnownOutputValue("c_is_d", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("c_is_e", knownvalue.Bool(false)),
				},
			},
			{
				Config:      `output "bad" { value = provider::imspolicy::normalize_policy("{\"Version\": ") }`,
				ExpectError: regexp.MustCompile(`(?s)the policy document does not parse:\s+line\s+1\s+col\s+13`),
			},
			{
				// A document far over any policy limit (about 100 KB, over policy.MaxDocumentBytes)
				// is refused before it is parsed, naming the argument and the limits: 48 MB
				// used to take 27 s.
				Config: `output "huge" {
  value = provider::imspolicy::normalize_policy(jsonencode({ Version = "5.0", Statement = [
    for i in range(1000) : { Effect = "Allow", Action = ["ims:images:list"], Resource = ["ims:cn-north-4:0a1b2c3d4e5f:image:${i}-0000-4a5b-8c9d"] }
  ] }))
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "json" parameter:.*the\s+document\s+is\s+\d+\s+bytes:\s+far\s+over\s+the\s+vendor's\s+limit\s+\(6144\s+characters\s+for\s+an\s+identity\s+policy,\s+5120\s+for\s+an\s+SCP\)`),
			},
		},
	})
}

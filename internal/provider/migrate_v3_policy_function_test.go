package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccMigrateV3PolicyFunction(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
locals {
  deny_delete = provider::imspolicy::migrate_v3_policy(jsonencode({ Version = "1.1", Statement = [{ Effect = "Deny", Action = ["ims:images:delete"] }] }))
  uploaders   = provider::imspolicy::migrate_v3_policy(jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:get", "ims:images:update", "ims:images:upload"] }] }))
}
output "deny_delete_document" { value = jsondecode(local.deny_delete.document) }
output "deny_delete_verdict"  { value = local.deny_delete.verdict }
output "unmatched"            { value = length(local.deny_delete.unmatched) }
output "uploaders_verdict"    { value = local.uploaders.verdict }
output "uploaders_first"      { value = local.uploaders.differences[0] }
# The migrated document is a v5 policy the other functions take: it denies deleting an image.
output "replayed" { value = provider::imspolicy::is_allowed([local.deny_delete.document, jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:*"] }] })], "ims:images:deleteImage", "ims:cn-north-4:acct:image:a") }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("deny_delete_document", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"Version": knownvalue.StringExact("5.0"),
						"Statement": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"Effect": knownvalue.StringExact("Deny"),
							"Action": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("ims:images:deleteImage")}),
						})}),
					})),
					statecheck.ExpectKnownOutputValue("deny_delete_verdict", knownvalue.StringExact("equivalent")),
					statecheck.ExpectKnownOutputValue("unmatched", knownvalue.Int64Exact(17)),
					statecheck.ExpectKnownOutputValue("uploaders_verdict", knownvalue.StringExact("differences")),
					statecheck.ExpectKnownOutputValueAtPath("uploaders_first", tfjsonpath.New("api"), knownvalue.StringExact("PUT /v1/cloudimages/{image_id}/upload")),
					statecheck.ExpectKnownOutputValueAtPath("uploaders_first", tfjsonpath.New("v3_decision"), knownvalue.StringExact("allow")),
					statecheck.ExpectKnownOutputValueAtPath("uploaders_first", tfjsonpath.New("v5_decision"), knownvalue.StringExact("implicit_deny")),
					statecheck.ExpectKnownOutputValue("replayed", knownvalue.Bool(false)),
				},
			},
			{
				Config:      `output "x" { value = provider::imspolicy::migrate_v3_policy(jsonencode({ Version = "5.0", Statement = [] })) }`,
				ExpectError: regexp.MustCompile(`Not\s+an\s+IAM\s+v3\s+policy`),
			},
			{
				Config:      `output "x" { value = provider::imspolicy::migrate_v3_policy("{not json") }`,
				ExpectError: regexp.MustCompile(`Not\s+an\s+IAM\s+v3\s+policy`),
			},
			{
				Config:      `output "x" { value = provider::imspolicy::migrate_v3_policy(jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:?et"] }] })) }`,
				ExpectError: regexp.MustCompile(`(?s)Cannot\s+migrate\s+the\s+policy:.*in\s+a\s+v3\s+action\s+is\s+not\s+documented`),
			},
		},
	})
}

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const apiPolicies = `
locals {
  v5_readers = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }] })]
  v3_readers = [jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }] })]
  # v3's update is the v5 alias of deleteImage (C1); delete only for alice.
  v3_editors = [jsonencode({ Version = "1.1", Statement = [
    { Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:update"] },
    { Effect = "Allow", Action = ["ims:images:delete"], Condition = { StringEquals = { "g:UserName" = ["alice"] } } },
  ] })]
}
`

func TestAccEffectiveAPIPermissionsFunction(t *testing.T) {
	out := func(call string) tfjsonpath.Path { return tfjsonpath.New(call) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: apiPolicies + `
locals { grants = provider::imspolicy::effective_api_permissions(concat(local.v5_readers, local.v3_editors)) }
output "list"       { value = local.grants["GET /v2/cloudimages"] }
output "delete"     { value = local.grants["DELETE /v2/images/{image_id}"].grant }
output "v3_delete"  { value = local.grants["DELETE /v1.1/images/{image_id}"] }
output "create"     { value = local.grants["POST /v2/cloudimages/action"].grant }
output "data_disk"  { value = local.grants["POST /v2/cloudimages/quickimport/action (data disk)"].known_to }
output "v5_only"    { value = provider::imspolicy::effective_api_permissions(local.v5_readers)["GET /v2/images"].grant }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("list", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"grant": knownvalue.StringExact("full"), "known_to": knownvalue.StringExact("v3 and v5"),
						"allowed": knownvalue.ObjectExact(map[string]knownvalue.Check{"resource": knownvalue.StringExact("*"), "context": knownvalue.MapExact(map[string]knownvalue.Check{})}),
						"denied":  knownvalue.Null(),
					})),
					statecheck.ExpectKnownOutputValue("delete", knownvalue.StringExact("full")),
					statecheck.ExpectKnownOutputValueAtPath("v3_delete", out("grant"), knownvalue.StringExact("partial")),
					statecheck.ExpectKnownOutputValueAtPath("v3_delete", out("known_to"), knownvalue.StringExact("v3 only")),
					statecheck.ExpectKnownOutputValueAtPath("v3_delete", tfjsonpath.New("allowed").AtMapKey("context").AtMapKey("g:UserName"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("alice")})),
					statecheck.ExpectKnownOutputValueAtPath("v3_delete", tfjsonpath.New("denied").AtMapKey("resource"), knownvalue.NotNull()),
					statecheck.ExpectKnownOutputValue("create", knownvalue.StringExact("none")),
					statecheck.ExpectKnownOutputValue("data_disk", knownvalue.StringExact("v3 and v5")),
					// v5 policies cannot reach an API only v3 lists.
					statecheck.ExpectKnownOutputValue("v5_only", knownvalue.StringExact("none")),
				},
			},
			{
				Config:      `output "x" { value = provider::imspolicy::effective_api_permissions([jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:remove"] }] })]) }`,
				ExpectError: regexp.MustCompile(`Invalid\s+IAM\s+v3\s+policy:\s+v3_unknown_action:\s+identity\[0\]`),
			},
			{
				Config:      `output "x" { value = provider::imspolicy::effective_api_permissions([jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:ge?"] }] })]) }`,
				ExpectError: regexp.MustCompile(`Cannot\s+decide\s+an\s+IAM\s+v3\s+policy:\s+identity\[0\]\s+Statement\[0\].Action\[0\]`),
			},
		},
	})
}

// grants_no_new_access between v3 policies, and between v3 and v5, at the level of API calls.
func TestAccGrantsNoNewAccessFunction_v3(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: apiPolicies + `
output "v3_same"        { value = provider::imspolicy::grants_no_new_access(local.v3_readers, local.v3_readers) }
output "v3_wider"       { value = provider::imspolicy::grants_no_new_access(local.v3_editors, local.v3_readers) }
output "v3_narrower"    { value = provider::imspolicy::grants_no_new_access(local.v3_readers, local.v3_editors) }
output "v3_to_v5"       { value = provider::imspolicy::grants_no_new_access(local.v5_readers, local.v3_readers) }
output "v5_to_v3"       { value = provider::imspolicy::grants_no_new_access(local.v3_readers, local.v5_readers) }
output "adding_v5_to_v3" { value = provider::imspolicy::grants_no_new_access(concat(local.v3_readers, local.v5_readers), local.v3_readers) }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("v3_same", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("v3_wider", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("v3_narrower", knownvalue.Bool(true)),
					// v5 list and get reach nothing the v3 ones do not (getJob is list's alias in v5 and reached by v3 list too).
					statecheck.ExpectKnownOutputValue("v3_to_v5", knownvalue.Bool(true)),
					// v3 list reaches GET /v2/images, which no v5 policy can grant.
					statecheck.ExpectKnownOutputValue("v5_to_v3", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("adding_v5_to_v3", knownvalue.Bool(true)),
				},
			},
			{
				Config:      `output "x" { value = provider::imspolicy::grants_no_new_access([], [jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:remove"] }] })]) }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "reference" parameter:.*Invalid\s+IAM\s+v3\s+policy:\s+v3_unknown_action`),
			},
		},
	})
}

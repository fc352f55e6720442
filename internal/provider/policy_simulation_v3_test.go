package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// simV3Policies: a v5 policy allowing get, and a v3 custom policy allowing update (the
// alias of deleteImage, C1) and delete, and denying list.
const simV3Policies = `
  identity_policies = [
    jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] }),
    jsonencode({ Version = "1.1", Statement = [
      { Effect = "Allow", Action = ["ims:images:update", "ims:images:delete"] },
      { Effect = "Deny", Action = ["ims:images:list"] },
    ] }),
  ]`

// IAM v3 documents mixed with v5 ones: API calls decided by both tables, actions by the
// combined or the v3 set, each reason naming the document by its index.
func TestAccPolicySimulationDataSource_v3(t *testing.T) {
	result := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("results").AtSliceIndex(i).AtMapKey(attr)
	}
	match := func(policy string, statement int64, effect string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"policy": knownvalue.StringExact(policy), "statement": knownvalue.Int64Exact(statement), "sid": knownvalue.StringExact(""), "effect": knownvalue.StringExact(effect),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_policy_simulation" "test" {` + simV3Policies + `
  request {
    name     = "delete through the v5 table"
    resource = "ims:cn-north-4:acct:image:a"
    api {
      method = "DELETE"
      path   = "/v2/images/a"
    }
  }
  request {
    name = "v3-only API"
    api {
      method = "DELETE"
      path   = "/v1.1/images/a"
    }
  }
  request {
    name   = "v3 action"
    action = "ims:images:delete"
  }
  request {
    name   = "v3 deny of an alias"
    action = "ims:images:list"
  }
  request {
    name = "quick import"
    api {
      method  = "POST"
      path    = "/v2/cloudimages/quickimport/action"
      variant = "data disk"
    }
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(0, "decision"), knownvalue.StringExact("allow")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(0, "matched_statements"), knownvalue.ListExact([]knownvalue.Check{match("identity[1]", 0, "Allow")})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(0, "explanation"),
					knownvalue.StringRegexp(regexp.MustCompile(`through the IAM v5 table \(v5 and v3 policies together\), allow by identity\[1\] statement 0;.*inferred`))),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(1, "decision"), knownvalue.StringExact("allow")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(1, "api"), knownvalue.StringExact("DELETE /v1.1/images/{image_id}")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(1, "evaluated_actions"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"action": knownvalue.StringExact("ims:images:delete"), "decision": knownvalue.StringExact("allow"),
						"required": knownvalue.Bool(true), "note": knownvalue.StringExact("IAM v3 table")}),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(2, "decision"), knownvalue.StringExact("allow")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(2, "explanation"), knownvalue.StringRegexp(regexp.MustCompile(`IAM v3 policies alone`))),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(3, "decision"), knownvalue.StringExact("explicit_deny")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(3, "matched_statements"), knownvalue.ListExact([]knownvalue.Check{match("identity[1]", 1, "Deny")})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(4, "decision"), knownvalue.StringExact("implicit_deny")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", result(4, "api"), knownvalue.StringExact("POST /v2/cloudimages/quickimport/action (data disk)")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("all_allowed"), knownvalue.Bool(false)),
			},
		}},
	})
}

// What the simulation refuses with v3 documents, each on its attribute.
func TestAccPolicySimulationDataSource_v3Errors(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The v3 checker's findings, as v5 errors are reported.
				Config: `
data "imspolicy_policy_simulation" "test" {
  identity_policies = [jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:remove"] }] })]
  request { action = "ims:images:get" }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid IAM v3 policy: v3_unknown_action.*identity_policies.*"ims:images:remove" is not one of the 13 IMS actions of IAM v3`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {` + simV3Policies + `
  scp_level {
    name     = "root"
    policies = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["*"] }] })]
  }
  request { action = "ims:images:get" }
}`,
				ExpectError: regexp.MustCompile(`(?s)Error: scp_level with IAM v3 policies.*SCP levels cannot be combined with IAM v3`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {` + simV3Policies + `
  request {
    api {
      method = "POST"
      path   = "/v2/cloudimages/quickimport/action"
    }
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)IMS API variant needed.*api \{.*v3 table row 5\):\s+set\s+variant\s+to\s+"system\s+disk"\s+or\s+"data\s+disk"`),
			},
			{
				// A v3 element the v3 rules cannot decide: the plan fails rather than guess.
				Config: `
data "imspolicy_policy_simulation" "test" {
  identity_policies = [
    jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] }),
    jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:ge?"] }] }),
  ]
  request { action = "ims:images:get" }
}`,
				ExpectError: regexp.MustCompile("(?s)Cannot decide an IAM v3 policy.*ims:images:ge\\?.*identity\\[1\\]\\s+Statement\\[0\\].Action\\[0\\]:.*`\\?`\\s+in\\s+a\\s+v3\\s+action"),
			},
		},
	})
}

func TestAccIsAllowedFunction_v3(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
locals {
  policies = [
    jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] }),
    jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:update", "ims:images:delete"] }, { Effect = "Deny", Action = ["ims:images:list"] }] }),
  ]
}
output "delete_image" { value = provider::imspolicy::is_allowed(local.policies, "ims:images:deleteImage", "ims:cn-north-4:acct:image:a") }
output "v3_delete"    { value = provider::imspolicy::is_allowed(local.policies, "ims:images:delete", "*") }
output "list"         { value = provider::imspolicy::is_allowed(local.policies, "ims:images:list", "*") }
output "v3_share"     { value = provider::imspolicy::is_allowed(local.policies, "ims:images:share", "*") }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("delete_image", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("v3_delete", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("list", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("v3_share", knownvalue.Bool(false)),
				},
			},
			{
				Config:      `output "x" { value = provider::imspolicy::is_allowed([jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:remove"] }] })], "ims:images:get", "*") }`,
				ExpectError: regexp.MustCompile(`Invalid\s+IAM\s+v3\s+policy:\s+v3_unknown_action:\s+identity\[0\]`),
			},
			{
				// A v3 action name with v5 policies only: no v5 statement can name it.
				Config:      `output "x" { value = provider::imspolicy::is_allowed([jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:*"] }] })], "ims:images:delete", "*") }`,
				ExpectError: regexp.MustCompile(`"ims:images:delete"\s+is\s+not\s+an\s+IMS\s+action`),
			},
		},
	})
}

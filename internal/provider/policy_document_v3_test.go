package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// imspolicy_policy_document with policy_language = "v3" builds an IAM v3 custom policy:
// statement blocks and a v3 source document merge into a 1.1 document, checked with the
// v3 rules (ims:images:delete is a v3 action; the legacy operator is a warning), and the
// mistakes of v3 documents fail the plan on the argument that wrote them.
func TestAccPolicyDocumentDataSource_v3(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "imspolicy_policy_document" "role" {
  policy_language         = "v3"
  source_policy_documents = [jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:*:get*", "ims:*:list*"] }] })]
  statement {
    effect  = "Deny"
    actions = ["ims:images:delete"]
  }
  statement {
    actions = ["ims:images:create"]
    condition {
      operator = "StringStartWith"
      key      = "g:ProjectName"
      values   = ["cn-north-4"]
    }
  }
}
output "codes" { value = [for f in data.imspolicy_policy_document.role.findings : "${f.code}@${f.path}"] }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.imspolicy_policy_document.role", tfjsonpath.New("policy_language"), knownvalue.StringExact("v3")),
					statecheck.ExpectKnownValue("data.imspolicy_policy_document.role", tfjsonpath.New("minified_json"), knownvalue.StringExact(
						`{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:*:get*","ims:*:list*"]},{"Effect":"Deny","Action":["ims:images:delete"]},`+
							`{"Effect":"Allow","Action":["ims:images:create"],"Condition":{"StringStartWith":{"g:ProjectName":["cn-north-4"]}}}]}`)),
					statecheck.ExpectKnownOutputValue("codes", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(`v3_legacy_operator@Statement[2].Condition["StringStartWith"]`),
					})),
				},
			},
			// The v5 name, in a v3 policy, fails on the statement block's actions with the v3
			// name, without a position: the document was built, not written (as for v5).
			{
				Config: `
data "imspolicy_policy_document" "role" {
  policy_language = "v3"
  statement {
    effect  = "Deny"
    actions = ["ims:images:deleteImage"]
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid IAM v3 policy: v3_unknown_action.*actions = \["ims:images:deleteImage"\]\s+Statement\[0\]\.Action\[0\]: error.*did\s+you\s+mean\s+"ims:images:delete"`),
			},
			// A Sid, which v3 does not have, fails on the block's sid.
			{
				Config: `
data "imspolicy_policy_document" "role" {
  policy_language = "v3"
  statement {
    sid     = "A"
    actions = ["ims:images:list"]
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid IAM v3 policy: v3_unknown_field.*sid\s+= "A"`),
			},
			// A 1.0 role's Depends cannot be carried into the 1.1 policy built.
			{
				Config: `
data "imspolicy_policy_document" "role" {
  policy_language         = "v3"
  source_policy_documents = [jsonencode({ Version = "1.0", Statement = [{ Effect = "Allow", Action = ["ims:*:*"] }], Depends = [{ catalog = "BASE", display_name = "Tenant Guest" }] })]
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid IAM v3 policy: v3_depends.*source_policy_documents\[0\].*Depends belongs to 1.0 system roles`),
			},
			{
				Config: `
data "imspolicy_policy_document" "role" {
  policy_language = "v3"
  purpose         = "scp"
  statement {
    actions = ["ims:images:list"]
  }
}`,
				ExpectError: regexp.MustCompile(`IAM v3 has no SCPs`),
			},
			{
				Config:      `data "imspolicy_policy_document" "role" { policy_language = "1.1" }`,
				ExpectError: regexp.MustCompile(`(?s)policy_language.*value must be one of`),
			},
			// The default stays v5: the v3 document is the v5 checker's wrong_version.
			{
				Config: `
data "imspolicy_policy_document" "role" {
  source_policy_documents = [jsonencode({ Version = "1.1", Statement = [{ Effect = "Deny", Action = ["ims:images:delete"] }] })]
}`,
				ExpectError: regexp.MustCompile(`Invalid identity policy: wrong_version`),
			},
		},
	})
}

// The functions: normalize_policy prints a v3 document's normal form (it reads the shape
// only, and v3 action names are case-insensitive after the service, as the normal form
// treats names outside the v5 catalog); is_allowed decides a v3 document (apicall.Simulator),
// and effective_permissions, whose answer is per v5 action, refuses one with the v5
// checker's wrong_version, which names the grammar.
func TestAccFunctions_v3Documents(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
locals {
  a = jsonencode({ Version = "1.1", Statement = [{ Effect = "Deny", Action = ["ims:images:delete"] }] })
  b = jsonencode({ Version = "1.1", Statement = [{ Action = ["ims:images:DELETE", "ims:images:delete"], Effect = "Deny" }] })
}
output "a"    { value = provider::imspolicy::normalize_policy(local.a) }
output "same" { value = provider::imspolicy::normalize_policy(local.a) == provider::imspolicy::normalize_policy(local.b) }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("a", knownvalue.StringExact(`{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["ims:images:delete"]}]}`)),
					statecheck.ExpectKnownOutputValue("same", knownvalue.Bool(true)),
				},
			},
			{
				Config: `output "x" {
  value = provider::imspolicy::is_allowed([jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:list"] }] })], "ims:images:list", "*")
}`,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("x", knownvalue.Bool(true))},
			},
			{
				Config: `output "x" {
  value = provider::imspolicy::effective_permissions([jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:list"] }] })])
}`,
				ExpectError: regexp.MustCompile(`(?s)wrong_version.*Version\s+"1.1"\s+is\s+an\s+IAM\s+v3\s+custom\s+policy`),
			},
		},
	})
}

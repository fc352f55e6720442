package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

const grantsPolicies = `
locals {
  deployed = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }] })]
  narrower = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"], Resource = ["ims:*:acct:image:*"] }] })]
  # ims:images:update is an alias: it grants deleteImage and setTags.
  wider = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:update"] }] })]
  # The same access, written another way: list covers its aliased actions.
  spelled_out = [jsonencode({ Version = "5.0", Statement = [
    { Effect = "Allow", Action = ["ims:images:get", "ims:images:list"] },
    { Effect = "Allow", Action = ["ims:images:getJob", "ims:images:getTags"] },
  ] })]
}
`

func TestAccGrantsNoNewAccessFunction(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: grantsPolicies + `
output "same"        { value = provider::imspolicy::grants_no_new_access(local.deployed, local.deployed) }
output "narrower"    { value = provider::imspolicy::grants_no_new_access(local.narrower, local.deployed) }
output "wider"       { value = provider::imspolicy::grants_no_new_access(local.wider, local.deployed) }
output "spelled_out" { value = provider::imspolicy::grants_no_new_access(local.spelled_out, local.deployed) }
output "removing"    { value = provider::imspolicy::grants_no_new_access([], local.deployed) }
output "adding"      { value = provider::imspolicy::grants_no_new_access(local.deployed, []) }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("same", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("narrower", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("wider", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("spelled_out", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("removing", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("adding", knownvalue.Bool(false)),
				},
			},
			{
				// Witnesses of the wider policy, replayed: deleteImage is allowed by it and not by the deployed one.
				Config: grantsPolicies + `
output "candidate" { value = provider::imspolicy::is_allowed(local.wider, "ims:images:deleteImage", "ims:cn-north-4:acct:image:a") }
output "reference" { value = provider::imspolicy::is_allowed(local.deployed, "ims:images:deleteImage", "ims:cn-north-4:acct:image:a") }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("candidate", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("reference", knownvalue.Bool(false)),
				},
			},
			{
				Config: `output "x" { value = provider::imspolicy::grants_no_new_access([jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"],
  Condition = { StringEquals = { "x:k" = ["10"] }, NumberEquals = { "x:k" = ["10"] } } }] })], []) }`,
				ExpectError: regexp.MustCompile(`Cannot\s+prove\s+whether\s+the\s+candidate\s+grants\s+new\s+access:.*x:k`),
			},
			{
				Config:      `output "x" { value = provider::imspolicy::grants_no_new_access([], ["{not json"]) }`,
				ExpectError: regexp.MustCompile(`Invalid\s+identity\s+policy:\s+malformed_json:\s+identity\[0\]:\s+line\s+1\s+col\s+2`),
			},
			{
				// A document far over any policy limit is refused before it is parsed.
				Config: `output "x" {
  value = provider::imspolicy::grants_no_new_access([jsonencode({ Version = "5.0", Statement = [
    for i in range(1000) : { Effect = "Allow", Action = ["ims:images:list"], Resource = ["ims:cn-north-4:0a1b2c3d4e5f:image:${i}-0000-4a5b-8c9d"] }
  ] })], [])
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "candidate" parameter:.*the\s+document\s+is\s+\d+\s+bytes:\s+far\s+over\s+the\s+vendor's\s+limit`),
			},
		},
	})
}

// TestAccGrantsNoNewAccessFunction_budget: functions get no provider configuration, so they
// run within the analyser's default budget whatever analysis_budget says: a small one
// does not stop a simple question, and a question over the default (statements that each
// test two of six keys, chained, so that the keys cannot be decided apart: 11^6 requests)
// fails, saying where a bigger budget is to be had. (The adversarial pair, whose
// statements test one key each, is decided within the default: internal/cli's goldens.)
func TestAccGrantsNoNewAccessFunction_budget(t *testing.T) {
	keys := []string{"g:PrincipalUrn", "g:PrincipalAccount", "g:SourceVpce", "g:EnterpriseProjectId", "g:UserId", "g:UserName"}
	var sts []string
	for i := range 24 {
		k := i % len(keys)
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"StringEquals":{%q:["l-%02d"],%q:["m-%02d"]}}}`,
			keys[k], i, keys[(k+1)%len(keys)], i))
	}
	document := func(sts []string) string { return `{"Version":"5.0","Statement":[` + strings.Join(sts, ",") + `]}` }
	docs := [2]string{document(sts[:len(sts)-1]), document(sts)}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: "provider \"imspolicy\" {\n  analysis_budget = 1\n}\n" + grantsPolicies + `
output "narrower" { value = provider::imspolicy::grants_no_new_access(local.narrower, local.deployed) }
`,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("narrower", knownvalue.Bool(true))},
			},
			{
				Config: fmt.Sprintf(`output "x" { value = provider::imspolicy::grants_no_new_access([%q], [%q]) }`, docs[0], docs[1]),
				ExpectError: regexp.MustCompile(`(?s)Cannot\s+prove\s+whether\s+the\s+candidate\s+grants\s+new\s+access:\s+the\s+question\s+needs\s+more\s+than\s+its\s+budget\s+of\s+200000\s+representative\s+requests` +
					`.*functions\s+run\s+within\s+the\s+default\s+budget:\s+the\s+imspolicy_access_analysis\s+data\s+source\s+runs\s+within\s+the\s+provider's\s+analysis_budget`),
			},
		},
	})
}

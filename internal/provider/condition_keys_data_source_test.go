package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccConditionKeysDataSource(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_condition_keys" "all" {}
data "imspolicy_condition_keys" "cross_region" { action = "ims:images:copyCrossRegion" }
data "imspolicy_condition_keys" "alias" { action = "ims:images:copy" }
locals {
  ims_keys   = [for k in data.imspolicy_condition_keys.cross_region.keys : k.name if !k.global]
  alias_keys = [for k in data.imspolicy_condition_keys.alias.keys : k.name if !k.global]
  encrypted  = [for k in data.imspolicy_condition_keys.all.keys : k if k.name == "ims:Encrypted"][0]
  source_ip  = [for k in data.imspolicy_condition_keys.all.keys : k if k.name == "g:SourceIp"][0]
}
output "ims_keys" { value = local.ims_keys }
output "alias_keys" { value = local.alias_keys }
output "encrypted" { value = local.encrypted }
output "source_ip_type" { value = local.source_ip.type }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_condition_keys.all", tfjsonpath.New("keys"), knownvalue.ListSizeExact(25)),
				statecheck.ExpectKnownOutputValue("ims_keys", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("ims:Encrypted"), knownvalue.StringExact("ims:Region"), knownvalue.StringExact("ims:VaultId"),
				})),
				// The alias grants copyInRegion and copyCrossRegion: the union of their keys.
				statecheck.ExpectKnownOutputValue("alias_keys", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("ims:Encrypted"), knownvalue.StringExact("ims:Region"), knownvalue.StringExact("ims:VaultId"),
				})),
				statecheck.ExpectKnownOutputValue("encrypted", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name":         knownvalue.StringExact("ims:Encrypted"),
					"type":         knownvalue.StringExact("boolean"),
					"multi_valued": knownvalue.Bool(false),
					"global":       knownvalue.Bool(false),
					"description":  knownvalue.StringExact("Controls operations such as image import and replication based on whether images are encrypted."),
				})),
				statecheck.ExpectKnownOutputValue("source_ip_type", knownvalue.StringExact("ip_address")),
			},
		}},
	})
}

func TestAccConditionKeysDataSource_unknownAction(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `data "imspolicy_condition_keys" "x" { action = "ims:images:getTag" }`,
				ExpectError: regexp.MustCompile(`"ims:images:getTag"\s+is\s+not\s+an\s+IMS\s+action.\s+Did\s+you\s+mean\s+"ims:images:getTags"`),
			},
			{
				Config:      `data "imspolicy_condition_keys" "x" { action = "ims:images:deleteTags" }`,
				ExpectError: regexp.MustCompile(`only\s+referenced\s+as\s+a\s+dependency`),
			},
		},
	})
}

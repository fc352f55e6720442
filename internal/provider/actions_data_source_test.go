package provider

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

func stringList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

func TestAccActionsDataSource_filters(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_actions" "get" { match = "IMS:images:get*" }
data "imspolicy_actions" "tagging" { access_levels = ["tagging", "permission_management"] }
data "imspolicy_actions" "region" { condition_key = "ims:Region" }
data "imspolicy_actions" "image_writes" {
  resource_type = "image"
  access_levels = ["write"]
  match         = "ims:images:*Member*"
}
data "imspolicy_actions" "share" { match = "ims:images:share" }
data "imspolicy_actions" "update" { granted_by = "ims:images:update" }
data "imspolicy_actions" "update_writes" {
  granted_by    = "IMS:images:upd*"
  access_levels = ["write"]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_actions.get", tfjsonpath.New("names"),
					stringList("ims:images:get", "ims:images:getJob", "ims:images:getTags")),
				statecheck.ExpectKnownValue("data.imspolicy_actions.tagging", tfjsonpath.New("names"),
					stringList("ims:images:setTags", "ims:images:share")),
				statecheck.ExpectKnownValue("data.imspolicy_actions.region", tfjsonpath.New("names"),
					stringList("ims:images:copyCrossRegion")),
				statecheck.ExpectKnownValue("data.imspolicy_actions.image_writes", tfjsonpath.New("names"),
					stringList("ims:images:addMember", "ims:images:deleteMember", "ims:images:updateMemberStatus")),
				// What an alias grants: match finds no action named ims:images:update.
				statecheck.ExpectKnownValue("data.imspolicy_actions.update", tfjsonpath.New("names"),
					stringList("ims:images:deleteImage", "ims:images:setTags")),
				statecheck.ExpectKnownValue("data.imspolicy_actions.update_writes", tfjsonpath.New("names"),
					stringList("ims:images:deleteImage", "ims:images:updateImage", "ims:images:updateMemberStatus")),
				statecheck.ExpectKnownValue("data.imspolicy_actions.share", tfjsonpath.New("actions"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":                knownvalue.StringExact("ims:images:share"),
						"description":         knownvalue.StringExact("Sharing images"),
						"access_level":        knownvalue.StringExact("permission_management"),
						"resource_types":      knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("image"), "required": knownvalue.Bool(true)})}),
						"condition_keys":      stringList("ims:TargetOrgPaths"),
						"aliases":             knownvalue.ListSizeExact(0),
						"deprecated":          knownvalue.Bool(true),
						"recommended_actions": stringList("ims:images:addMember", "ims:images:deleteMember", "ims:images:updateMemberStatus"),
						"apis": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"method": knownvalue.StringExact("POST"),
							"path":   knownvalue.StringExact("/v2/images/{image_id}/members"),
							"note":   knownvalue.StringExact(""),
						})}),
					}),
				})),
			},
		}},
	})
}

func TestAccActionsDataSource_serverImagesAPIsCarryNotes(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "imspolicy_actions" "server" { match = "ims:serverImages:create" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_actions.server", tfjsonpath.New("actions").AtSliceIndex(0).AtMapKey("apis").AtSliceIndex(0),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"method": knownvalue.StringExact("PATCH"),
						"path":   knownvalue.StringExact("/v2/cloudimages/{image_id}"),
						"note":   knownvalue.StringExact("required only for enterprise project migration"),
					})),
				statecheck.ExpectKnownValue("data.imspolicy_actions.server", tfjsonpath.New("actions").AtSliceIndex(0).AtMapKey("apis"), knownvalue.ListSizeExact(4)),
			},
		}},
	})
}

func TestAccActionsDataSource_noMatchIsEmpty(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "imspolicy_actions" "none" { match = "ecs:*" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_actions.none", tfjsonpath.New("names"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.imspolicy_actions.none", tfjsonpath.New("actions"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccActionsDataSource_invalidFilters(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `data "imspolicy_actions" "x" { access_levels = ["admin"] }`,
				ExpectError: regexp.MustCompile(`(?s)access_levels.*value must be one of`),
			},
			{
				Config:      `data "imspolicy_actions" "x" { resource_type = "bucket" }`,
				ExpectError: regexp.MustCompile(`"bucket" is not an IMS resource type.\s+Use\s+one\s+of:\s+image`),
			},
			{
				Config:      `data "imspolicy_actions" "x" { condition_key = "ims:Regoin" }`,
				ExpectError: regexp.MustCompile(`Did\s+you\s+mean\s+"ims:Region"`),
			},
		},
	})
}

// TestAccActionsDataSource_readOnlyRecipe: the documented read-only recipe lists every list
// and read action except ims:images:export, which copies images out to a bucket.
func TestAccActionsDataSource_readOnlyRecipe(t *testing.T) {
	example, err := os.ReadFile("../../examples/data-sources/imspolicy_actions/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range catalog.ByAccessLevel(catalog.List, catalog.Read) {
		if a.Name != "ims:images:export" {
			want = append(want, a.Name)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: string(example),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("read_only_actions", stringList(want...)),
				statecheck.ExpectKnownOutputValue("update_grants", stringList("ims:images:deleteImage", "ims:images:setTags")),
			},
		}},
	})
}

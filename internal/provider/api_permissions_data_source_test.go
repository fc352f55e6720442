package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func apiAction(action, note string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"action": knownvalue.StringExact(action),
		"note":   knownvalue.StringExact(note),
	})
}

func TestAccAPIPermissionsDataSource(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_api_permissions" "upload" {
  method = "put"
  path   = "/v2/images/9f1c0000-aaaa-bbbb-cccc-000000000001/file"
}
data "imspolicy_api_permissions" "quick_import" {
  method = "POST"
  path   = "/v2/cloudimages/quickimport/action"
}
data "imspolicy_api_permissions" "export" {
  method = "POST"
  path   = "/v1/cloudimages/{image_id}/file"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_api_permissions.upload", tfjsonpath.New("path_template"), knownvalue.StringExact("/v2/images/{image_id}/file")),
				statecheck.ExpectKnownValue("data.imspolicy_api_permissions.upload", tfjsonpath.New("actions"), knownvalue.ListExact([]knownvalue.Check{apiAction("ims:images:upload", "")})),
				statecheck.ExpectKnownValue("data.imspolicy_api_permissions.upload", tfjsonpath.New("dependencies"), stringList("ims:images:get", "ims:images:update")),
				statecheck.ExpectKnownValue("data.imspolicy_api_permissions.quick_import", tfjsonpath.New("actions"), knownvalue.ListExact([]knownvalue.Check{
					apiAction("ims:dataImages:create", "required only for quickly importing a data disk image"),
					apiAction("ims:serverImages:create", "required only for quickly importing a system disk image"),
					apiAction("ims:images:import", ""),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_api_permissions.quick_import", tfjsonpath.New("dependencies"), stringList("ims:dataImages:create", "ims:serverImages:create")),
				statecheck.ExpectKnownValue("data.imspolicy_api_permissions.export", tfjsonpath.New("dependencies"), stringList("obs:object:GetObject", "obs:object:PutObject")),
			},
		}},
	})
}

func TestAccAPIPermissionsDataSource_unknownAPI(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_api_permissions" "typo" {
  method = "PUT"
  path   = "/v2/images/abc/files"
}
`,
			ExpectError: regexp.MustCompile(`(?s)PUT /v2/images/abc/files is not in the IMS API table.*Did\s+you\s+mean\s+PUT\s+/v2/images/\{image_id\}/file`),
		}},
	})
}

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccExpandActionsFunction(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
output "members" { value = provider::imspolicy::expand_actions("IMS:images:*member*") }
output "creates" { value = provider::imspolicy::expand_actions("ims:*:create") }
output "three"   { value = provider::imspolicy::expand_actions("ims:images:???") }
output "none"    { value = provider::imspolicy::expand_actions("ims:buckets:*") }
output "all"     { value = length(provider::imspolicy::expand_actions("*")) }
output "alias"   { value = provider::imspolicy::expand_actions("ims:images:update") }
output "through" { value = provider::imspolicy::expand_actions("ims:images:upd*") }
output "list"    { value = provider::imspolicy::expand_actions("ims:images:list") }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("members", stringList("ims:images:addMember", "ims:images:deleteMember", "ims:images:updateMemberStatus")),
				statecheck.ExpectKnownOutputValue("creates", stringList("ims:dataImages:create", "ims:images:create", "ims:serverImages:create", "ims:wholeImages:create")),
				statecheck.ExpectKnownOutputValue("three", stringList("ims:images:get")),
				statecheck.ExpectKnownOutputValue("none", knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownOutputValue("all", knownvalue.Int64Exact(26)),
				// An alias grants what lists it, as a statement naming it would.
				statecheck.ExpectKnownOutputValue("alias", stringList("ims:images:deleteImage", "ims:images:setTags")),
				statecheck.ExpectKnownOutputValue("through", stringList("ims:images:deleteImage", "ims:images:setTags", "ims:images:updateImage", "ims:images:updateMemberStatus")),
				statecheck.ExpectKnownOutputValue("list", stringList("ims:images:getJob", "ims:images:getTags", "ims:images:list",
					"ims:images:listImagesByTag", "ims:images:listOsVersion", "ims:images:showImageTags")),
			},
		}},
	})
}

package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

func TestAccIdentityPolicyDataSource(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	// The document as a user might write it: a string for a list of one, any key order.
	config := acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "test" {
  name        = "image-builders"
  path        = "images/"
  description = "Builds images, never deletes them"
  policy = jsonencode({
    Version = "5.0"
    Statement = [
      { Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:copyInRegion"] },
      { Effect = "Deny", Action = "ims:images:deleteImage" },
    ]
  })
}

data "imspolicy_identity_policy" "by_id" {
  id = imspolicy_identity_policy.test.id
}

data "imspolicy_identity_policy" "by_name" {
  name       = "image-builders"
  depends_on = [imspolicy_identity_policy.test]
}

# The policy as it is in the account feeds the simulator.
data "imspolicy_policy_simulation" "check" {
  identity_policies = [data.imspolicy_identity_policy.by_name.policy]
  request {
    name   = "copy"
    action = "ims:images:copyInRegion"
  }
  request {
    name   = "delete"
    action = "ims:images:deleteImage"
  }
}
`
	const canonical = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:copyInRegion","ims:images:get","ims:images:list"]},{"Effect":"Deny","Action":["ims:images:deleteImage"]}]}`
	sameAsResource := func(attr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs("data.imspolicy_identity_policy.by_name", tfjsonpath.New(attr), identityPolicyAddr, tfjsonpath.New(attr), compare.ValuesSame())
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				sameAsResource("id"),
				sameAsResource("urn"),
				sameAsResource("default_version_id"),
				sameAsResource("created_at"),
				sameAsResource("updated_at"),
				statecheck.CompareValuePairs("data.imspolicy_identity_policy.by_id", tfjsonpath.New("id"), identityPolicyAddr, tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.imspolicy_identity_policy.by_id", tfjsonpath.New("name"), knownvalue.StringExact("image-builders")),
				statecheck.ExpectKnownValue("data.imspolicy_identity_policy.by_id", tfjsonpath.New("policy"), knownvalue.StringExact(canonical)),
				statecheck.ExpectKnownValue("data.imspolicy_identity_policy.by_name", tfjsonpath.New("policy"), knownvalue.StringExact(canonical)),
				statecheck.ExpectKnownValue("data.imspolicy_identity_policy.by_name", tfjsonpath.New("path"), knownvalue.StringExact("images/")),
				statecheck.ExpectKnownValue("data.imspolicy_identity_policy.by_name", tfjsonpath.New("description"), knownvalue.StringExact("Builds images, never deletes them")),
				statecheck.ExpectKnownValue("data.imspolicy_identity_policy.by_name", tfjsonpath.New("default_version_id"), knownvalue.StringExact("v1")),
				statecheck.ExpectKnownValue("data.imspolicy_identity_policy.by_name", tfjsonpath.New("attachment_count"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.check", tfjsonpath.New("results").AtSliceIndex(0).AtMapKey("decision"), knownvalue.StringExact("allow")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.check", tfjsonpath.New("results").AtSliceIndex(1).AtMapKey("decision"), knownvalue.StringExact("explicit_deny")),
			},
		}},
	})
}

func TestAccIdentityPolicyDataSource_errors(t *testing.T) {
	_, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.ProviderBlock(url) + `data "imspolicy_identity_policy" "test" { name = "nobody-has-this-name" }`,
				ExpectError: regexp.MustCompile(`Identity policy not found[\s\S]*"nobody-has-this-name"`),
			},
			{
				Config:      acctest.ProviderBlock(url) + `data "imspolicy_identity_policy" "test" { id = "00000000-0000-0000-0000-000000000000" }`,
				ExpectError: regexp.MustCompile(`Identity policy not found[\s\S]*"00000000-0000-0000-0000-000000000000"`),
			},
			{
				Config:      acctest.ProviderBlock(url) + `data "imspolicy_identity_policy" "test" {}`,
				ExpectError: regexp.MustCompile(`Missing Attribute Configuration[\s\S]*Exactly\s+one\s+of\s+these\s+attributes\s+must\s+be\s+configured:\s+\[id,name\]`),
			},
			{
				Config: acctest.ProviderBlock(url) + `
data "imspolicy_identity_policy" "test" {
  id   = "00000000-0000-0000-0000-000000000000"
  name = "both"
}`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
		},
	})
}

func TestAccIdentityPolicyDataSource_missingCredentials(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "imspolicy_identity_policy" "test" { name = "anything" }`,
			ExpectError: regexp.MustCompile(`Missing credentials[\s\S]*HW_ACCESS_KEY`),
		}},
	})
}

// The examples of the identity policy resources and data source apply against the emulator.
func TestAccIdentityPolicyResource_examples(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	read := func(path string) string {
		b, err := os.ReadFile(filepath.Join("../../examples", path))
		if err != nil {
			t.Fatal(err)
		}
		return string(b) + "\n"
	}
	resources := acctest.ProviderBlock(url) +
		read("resources/imspolicy_identity_policy/resource.tf") +
		read("resources/imspolicy_identity_policy_attachment/resource.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: resources,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("image_readers_version", knownvalue.StringExact("v1")),
				},
				Check: checkEmulatorIdentityPolicyAttachments(srv, "group/18b2c3d4e5f60718293a4b5c6d7e8f90", "user/07a1b2c3d4e5f60718293a4b5c6d7e8f", "agency/29c3d4e5f60718293a4b5c6d7e8f9001"),
			},
			{
				// The data source example is whole: it reads the policy it defines.
				Config: acctest.ProviderBlock(url) + read("data-sources/imspolicy_identity_policy/data-source.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("image_auditors", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"version": knownvalue.StringExact("v1"),
						"decisions": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"list images":     knownvalue.StringExact("allow"),
							"delete an image": knownvalue.StringExact("implicit_deny"),
						}),
					})),
				},
			},
		},
	})
}

// A system policy is found by name, read with its document, and attached; Terraform never
// changes it, and destroying the attachment leaves it as it was.
func TestAccIdentityPolicyDataSource_systemPolicy(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	sys := emulator.SystemPolicies[1]
	config := acctest.ProviderBlock(url) + fmt.Sprintf(`
data "imspolicy_identity_policy" "readonly" {
  name = %q
}

resource "imspolicy_identity_policy_attachment" "readers" {
  policy_id      = data.imspolicy_identity_policy.readonly.id
  principal_type = "user"
  principal_id   = %q
}
`, sys.Name, testIAMUserID)
	ds := "data.imspolicy_identity_policy.readonly"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			p, ok := srv.Policy(sys.ID)
			if !ok || len(p.Attachments) != 0 || p.DefaultDocument() != sys.Document || p.Description != sys.Description {
				return fmt.Errorf("the system policy after destroy: %+v, %v", p, ok)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact(sys.ID)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("policy_type"), knownvalue.StringExact("system")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("policy"), knownvalue.StringExact(sys.Document)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("urn"), knownvalue.StringExact("iam::system:policy:"+sys.Name)),
			},
			Check: func(*terraform.State) error {
				p, _ := srv.Policy(sys.ID)
				if len(p.Attachments) != 1 || p.Attachments[0].PrincipalID != testIAMUserID {
					return fmt.Errorf("attachments of the system policy: %+v", p.Attachments)
				}
				return nil
			},
		}},
	})
}

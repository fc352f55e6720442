package provider

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

const scpTestOU = "ou-ab12-cd34ef56"

// scpTestCheckAttached checks the targets the emulator has the SCP named name attached to.
func scpTestCheckAttached(srv *emulator.Server, name string, targets ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, ok := srv.SCPByName(name)
		if !ok {
			return fmt.Errorf("the emulator has no SCP named %q", name)
		}
		var got []string
		for _, a := range p.Targets {
			got = append(got, a.TargetID)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(targets))
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s is attached to %v, want %v", name, got, want)
		}
		return nil
	}
}

func scpAttachmentTestConfig(url, tags string) string {
	return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_service_control_policy" "deny_delete" {
  name    = "deny-delete"
  content = %q
  tags    = %s
}

resource "imspolicy_service_control_policy_attachment" "root" {
  policy_id = imspolicy_service_control_policy.deny_delete.id
  target_id = %q
}

resource "imspolicy_service_control_policy_attachment" "ou" {
  policy_id = imspolicy_service_control_policy.deny_delete.id
  target_id = %q
}
`, scpTestDenyDelete, tags, acctest.RootID, scpTestOU)
}

func TestAccServiceControlPolicyAttachmentResource_lifecycle(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{SCPEnabled: true})
	const ou = "imspolicy_service_control_policy_attachment.ou"
	config := scpAttachmentTestConfig(url, "null")
	policyID := func() string {
		p, _ := srv.SCPByName("deny-delete")
		return p.ID
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					scpTestCheckAttached(srv, "deny-delete", acctest.RootID, scpTestOU),
					resource.TestCheckResourceAttrPair(ou, "policy_id", "imspolicy_service_control_policy.deny_delete", "id"),
					func(s *terraform.State) error {
						if got, want := s.RootModule().Resources[ou].Primary.ID, policyID()+"/"+scpTestOU; got != want {
							return fmt.Errorf("id = %q, want %q", got, want)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ou, tfjsonpath.New("target_id"), knownvalue.StringExact(scpTestOU)),
				},
			},
			{
				ResourceName:      ou,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Detached outside Terraform: planned for creation, attached again.
				PreConfig: func() {
					if err := srv.RemoveSCPAttachment(policyID(), scpTestOU); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ou, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("imspolicy_service_control_policy_attachment.root", plancheck.ResourceActionNoop),
				}},
				Check: scpTestCheckAttached(srv, "deny-delete", acctest.RootID, scpTestOU),
			},
			{
				// The policy deleted outside Terraform (with its attachments): both are
				// planned for creation.
				PreConfig: func() {
					if err := srv.RemoveSCP(policyID()); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("imspolicy_service_control_policy.deny_delete", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(ou, plancheck.ResourceActionCreate),
				}},
				Check: scpTestCheckAttached(srv, "deny-delete", acctest.RootID, scpTestOU),
			},
			{
				// New tags change the policy in place: its attachments stay as they are.
				Config: scpAttachmentTestConfig(url, `{ team = "security" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("imspolicy_service_control_policy.deny_delete", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(ou, plancheck.ResourceActionNoop),
				}},
				Check: scpTestCheckAttached(srv, "deny-delete", acctest.RootID, scpTestOU),
			},
		},
	})
}

func TestAccServiceControlPolicyAttachmentResource_notEnabled(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{{
			Config: scpAttachmentTestConfig(url, "null"),
			ExpectError: regexp.MustCompile(`(?s)Service control policies are not enabled.*root ` + acctest.RootID +
				`.*reports them as "disabled".*imspolicy_scp_enablement.*depends_on`),
		}},
	})
}

func TestAccServiceControlPolicyAttachmentResource_invalidIDs(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{SCPEnabled: true})
	config := func(id string) string {
		return acctest.ProviderBlock(url) + fmt.Sprintf(`
import {
  to = imspolicy_service_control_policy_attachment.test
  id = %q
}

resource "imspolicy_service_control_policy_attachment" "test" {
  policy_id = "p-whatever"
  target_id = %q
}
`, id, scpTestOU)
	}
	invalid := regexp.MustCompile(`(?s)Invalid import ID.*<policy_id>/<target_id>`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{
			{Config: config("p-whatever"), ExpectError: invalid},
			{Config: config("p-whatever/"), ExpectError: invalid},
			{Config: config("/" + scpTestOU), ExpectError: invalid},
			{Config: config("p-a/ou-b/c"), ExpectError: invalid},
			{Config: config("p-whatever/" + scpTestOU), ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`)},
			{
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_service_control_policy_attachment" "test" {
  policy_id = "p-whatever"
  target_id = "ou-a/b"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)target_id.*must be an ID, without slashes or white space`),
			},
		},
	})
}

func TestAccServiceControlPolicyAttachmentResource_alreadyAttached(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{SCPEnabled: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{
			{Config: scpAttachmentTestConfig(url, "null")},
			{
				Config: scpAttachmentTestConfig(url, "null") + `
resource "imspolicy_service_control_policy_attachment" "twice" {
  policy_id = imspolicy_service_control_policy.deny_delete.id
  target_id = imspolicy_service_control_policy_attachment.ou.target_id
}
`,
				ExpectError: regexp.MustCompile(`(?s)already attached.*terraform import`),
			},
		},
	})
}

// TestAccServiceControlPolicyAttachmentResource_example applies the attachment example,
// which enables SCPs too, against an emulator whose root is the example's and whose SCPs
// take a while to become enabled.
func TestAccServiceControlPolicyAttachmentResource_example(t *testing.T) {
	example, err := os.ReadFile("../../examples/resources/imspolicy_service_control_policy_attachment/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	srv, url := acctest.StartEmulator(t, emulator.Config{RootID: "r-1a2b3c4d", EnableDelay: 2 * time.Second})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			scpTestCheckNoCustomSCPs(srv),
			// The enablement's default leaves SCPs enabled on destroy.
			func(*terraform.State) error {
				if !srv.Root().SCPEnabled {
					return fmt.Errorf("destroying the example disabled SCPs")
				}
				return nil
			},
		),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(url) + string(example),
			Check:  scpTestCheckAttached(srv, "no-image-deletion", "ou-1a2b-3c4d5e6f", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
		}},
	})
}

package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

func scpEnablementTestConfig(url, extra string) string {
	return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_scp_enablement" "test" {
  root_id = %q
  %s
}
`, acctest.RootID, extra)
}

// scpTestCheckEnabled checks whether the emulator's root reports SCPs enabled.
func scpTestCheckEnabled(srv *emulator.Server, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := srv.Root().SCPStatus(time.Now()) == emulator.StatusEnabled
		if got != want {
			return fmt.Errorf("SCPs enabled = %v, want %v (status %s)", got, want, srv.Root().SCPStatus(time.Now()))
		}
		return nil
	}
}

func TestAccSCPEnablementResource_lifecycle(t *testing.T) {
	const delay = 2 * time.Second
	srv, url := acctest.StartEmulator(t, emulator.Config{EnableDelay: delay})
	const r = "imspolicy_scp_enablement.test"
	var started time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckEnabled(srv, false),
		Steps: []resource.TestStep{
			{
				// Terraform waits while the root reports pending_enable.
				PreConfig: func() { started = time.Now() },
				Config:    scpEnablementTestConfig(url, ""),
				Check: resource.ComposeTestCheckFunc(
					scpTestCheckEnabled(srv, true),
					func(*terraform.State) error {
						if d := time.Since(started); d < delay {
							return fmt.Errorf("applied after %s, before the root reported SCPs enabled (%s)", d, delay)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(r, tfjsonpath.New("id"), knownvalue.StringExact(acctest.RootID)),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("disable_on_destroy"), knownvalue.Bool(true)),
				},
			},
			{
				ResourceName:      r,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Disabled outside Terraform: planned for creation, enabled again.
				PreConfig: func() {
					if err := scpTestClient(t, url).DisablePolicyType(context.Background(), acctest.RootID, client.PolicyTypeServiceControl); err != nil {
						t.Fatal(err)
					}
				},
				Config: scpEnablementTestConfig(url, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionCreate),
				}},
				Check: scpTestCheckEnabled(srv, true),
			},
			{
				// disable_on_destroy changes in place.
				Config: scpEnablementTestConfig(url, "disable_on_destroy = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config: scpEnablementTestConfig(url, "disable_on_destroy = true"),
			},
		},
	})
}

// TestAccSCPEnablementResource_disableDetachesEverything: destroying the enablement
// disables SCPs, which detaches every SCP, including one attached outside Terraform.
func TestAccSCPEnablementResource_disableDetachesEverything(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: scpEnablementTestConfig(url, ""),
				Check: func(*terraform.State) error {
					c := scpTestClient(t, url)
					p, err := c.CreateSCP(context.Background(), client.CreateSCPInput{Name: "by-hand", Content: scpTestDenyDelete})
					if err != nil {
						return err
					}
					return c.AttachSCP(context.Background(), p.ID, scpTestOU)
				},
			},
			{
				Config: acctest.ProviderBlock(url),
				Check: resource.ComposeTestCheckFunc(
					scpTestCheckEnabled(srv, false),
					func(*terraform.State) error {
						if a := srv.SCPAttachments(); len(a) != 0 {
							return fmt.Errorf("SCPs still attached: %v", a)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccSCPEnablementResource_keepOnDestroy(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{SCPEnabled: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		// Already enabled: the resource takes the setting over, and leaves it on.
		CheckDestroy: scpTestCheckEnabled(srv, true),
		Steps: []resource.TestStep{{
			Config: scpEnablementTestConfig(url, "disable_on_destroy = false"),
			Check:  scpTestCheckEnabled(srv, true),
		}},
	})
}

func TestAccSCPEnablementResource_errors(t *testing.T) {
	_, url := acctest.StartEmulator(t, emulator.Config{EnableDelay: time.Hour})
	old := scpEnablementTimeout
	scpEnablementTimeout = time.Second
	t.Cleanup(func() { scpEnablementTimeout = old })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_scp_enablement" "test" {
  root_id = "r-other"
}
`,
				ExpectError: regexp.MustCompile(`(?s)The organisation has no root "r-other".*` + acctest.RootID),
			},
			{
				// The root stays pending_enable longer than the wait: an error, and nothing
				// in state (a tainted enablement would be replaced, which disables SCPs).
				Config:      scpEnablementTestConfig(url, ""),
				ExpectError: regexp.MustCompile(`(?s)is "pending_enable", not\s+"enabled".*apply\s+again`),
			},
			{
				Config: acctest.ProviderBlock(url) + `
import {
  to = imspolicy_scp_enablement.test
  id = "r-a/b"
}
` + `
resource "imspolicy_scp_enablement" "test" {
  root_id = "r-a/b"
}
`,
				ExpectError: regexp.MustCompile(`Import the SCP enablement by the organisation's root ID`),
			},
		},
	})
}

// TestAccSCPEnablementResource_example applies the enablement example against an emulator
// whose root is the example's.
func TestAccSCPEnablementResource_example(t *testing.T) {
	example, err := os.ReadFile("../../examples/resources/imspolicy_scp_enablement/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	srv, url := acctest.StartEmulator(t, emulator.Config{RootID: "r-1a2b3c4d"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckEnabled(srv, false),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(url) + string(example),
			Check:  scpTestCheckEnabled(srv, true),
		}},
	})
}

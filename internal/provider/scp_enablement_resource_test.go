package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
					statecheck.ExpectKnownValue(r, tfjsonpath.New("disable_on_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("enabled_by_this_resource"), knownvalue.Bool(true)),
				},
			},
			{
				// An import cannot know who enabled SCPs.
				ResourceName:            r,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"enabled_by_this_resource"},
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
				Config: scpEnablementTestConfig(url, "disable_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
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
				Config: scpEnablementTestConfig(url, "disable_on_destroy = true"),
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

// TestAccSCPEnablementResource_keepOnDestroy: by default, destroying the enablement leaves
// SCPs enabled, whether this resource enabled them or took the setting over.
func TestAccSCPEnablementResource_keepOnDestroy(t *testing.T) {
	for _, enabledBefore := range []bool{false, true} {
		t.Run(fmt.Sprintf("enabled_before=%v", enabledBefore), func(t *testing.T) {
			srv, url := acctest.StartEmulator(t, emulator.Config{SCPEnabled: enabledBefore})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: fastProviderFactories,
				CheckDestroy:             scpTestCheckEnabled(srv, true),
				Steps: []resource.TestStep{{
					Config: scpEnablementTestConfig(url, ""),
					Check:  scpTestCheckEnabled(srv, true),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("imspolicy_scp_enablement.test", tfjsonpath.New("disable_on_destroy"), knownvalue.Bool(false)),
						statecheck.ExpectKnownValue("imspolicy_scp_enablement.test", tfjsonpath.New("enabled_by_this_resource"), knownvalue.Bool(!enabledBefore)),
					},
				}},
			})
		})
	}
}

// TestAccSCPEnablementResource_planWarnsBeforeDisabling: a plan that will disable SCPs
// (destroy, removal from the configuration, another root_id) says so in a warning, naming
// the consequence and whether the resource took the setting over; a plan that leaves them
// enabled says nothing.
func TestAccSCPEnablementResource_planWarnsBeforeDisabling(t *testing.T) {
	const summary = "This plan disables service control policies for the whole organisation"
	for _, enabledBefore := range []bool{false, true} {
		t.Run(fmt.Sprintf("enabled_before=%v", enabledBefore), func(t *testing.T) {
			cli := acctest.NewTerraformCLI(t)
			_, url := acctest.StartEmulator(t, emulator.Config{SCPEnabled: enabledBefore})
			keep := scpEnablementTestConfig(url, "")
			disable := scpEnablementTestConfig(url, "disable_on_destroy = true")
			cli.Run(keep, nil, "apply", "-auto-approve", "-input=false", "-lock=false")
			if d := cli.Plan(keep, nil, "-destroy").WithSummary(summary); len(d) != 0 {
				t.Errorf("a destroy that leaves SCPs enabled warns: %+v", d)
			}
			cli.Run(disable, nil, "apply", "-auto-approve", "-input=false", "-lock=false")
			for name, plan := range map[string]acctest.PlanJSON{
				"destroy":         cli.Plan(disable, nil, "-destroy"),
				"removed":         cli.Plan(acctest.ProviderBlock(url), nil),
				"another root_id": cli.Plan(strings.ReplaceAll(disable, acctest.RootID, "r-other"), nil),
			} {
				found := plan.WithSummary(summary)
				if len(found) == 0 {
					t.Errorf("%s: no warning in %+v", name, plan.Diagnostics)
					continue
				}
				d := found[0]
				if d.Severity != "warning" || !strings.Contains(d.Detail, acctest.RootID) ||
					!strings.Contains(d.Detail, "detaches every SCP") || !strings.Contains(d.Detail, "disable_on_destroy = false") {
					t.Errorf("%s: unexpected diagnostic %+v", name, d)
				}
				if tookOver := strings.Contains(d.Detail, "took the setting over"); tookOver != enabledBefore {
					t.Errorf("%s: says it took the setting over = %v, want %v: %s", name, tookOver, enabledBefore, d.Detail)
				}
			}
		})
	}
}

// TestAccSCPEnablementResource_upgradeFromDefaultTrue: a state written when
// disable_on_destroy defaulted to true (schema version 0) no longer disables SCPs on
// destroy; a configuration that says true explicitly plans the update back to true.
func TestAccSCPEnablementResource_upgradeFromDefaultTrue(t *testing.T) {
	cli := acctest.NewTerraformCLI(t)
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	keep := scpEnablementTestConfig(url, "")
	cli.Run(keep, nil, "apply", "-auto-approve", "-input=false", "-lock=false")
	// Rewrite the state as version 0 wrote it: disable_on_destroy true, no
	// enabled_by_this_resource.
	statePath := filepath.Join(cli.Dir(), "terraform.tfstate")
	raw, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	first := func(v any) map[string]any {
		list, _ := v.([]any)
		if len(list) != 1 {
			t.Fatalf("state: want one element, got %v", v)
		}
		m, ok := list[0].(map[string]any)
		if !ok {
			t.Fatalf("state: want an object, got %v", list[0])
		}
		return m
	}
	inst := first(first(state["resources"])["instances"])
	inst["schema_version"] = 0
	attrs, ok := inst["attributes"].(map[string]any)
	if !ok {
		t.Fatalf("state: an instance without attributes: %v", inst)
	}
	attrs["disable_on_destroy"] = true
	delete(attrs, "enabled_by_this_resource")
	if raw, err = json.Marshal(state); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(statePath, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if plan := cli.Plan(scpEnablementTestConfig(url, "disable_on_destroy = true"), nil); plan.Change != 1 {
		t.Errorf("an explicit disable_on_destroy = true plans %d changes after the upgrade, want 1 (back to true)", plan.Change)
	}
	cli.Run(keep, nil, "destroy", "-auto-approve", "-input=false", "-lock=false")
	if err := scpTestCheckEnabled(srv, true)(nil); err != nil {
		t.Errorf("destroying a version 0 state with the old default: %v", err)
	}
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
		CheckDestroy:             scpTestCheckEnabled(srv, true),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(url) + string(example),
			Check:  scpTestCheckEnabled(srv, true),
		}},
	})
}

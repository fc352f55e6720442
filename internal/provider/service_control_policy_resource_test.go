package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

const (
	scpTestDenyDelete = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`
	scpTestDenyCopy   = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:copyCrossRegion","ims:images:deleteImage"],"Resource":["*"]}]}`
)

// scpTestClient is an API client for the emulator at url, to set up or change things
// outside Terraform.
func scpTestClient(t *testing.T, url string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		IAMEndpoint: url, OrganizationsEndpoint: url,
		Credentials: signer.Credentials{AccessKey: acctest.AccessKey, SecretKey: acctest.SecretKey, DomainID: acctest.AccountID},
		MinBackoff:  5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scpTestCheckNoCustomSCPs is a CheckDestroy: the emulator holds no custom SCP and no
// attachment of one.
func scpTestCheckNoCustomSCPs(srv *emulator.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, p := range srv.SCPs() {
			if !p.Builtin {
				return fmt.Errorf("SCP %s (%s) still exists", p.ID, p.Name)
			}
		}
		for _, a := range srv.SCPAttachments() {
			if !a.Builtin {
				return fmt.Errorf("SCP %s is still attached to %s", a.PolicyID, a.TargetID)
			}
		}
		return nil
	}
}

// scpTestCheckTags checks the emulator's tags of the SCP named name, as sorted key=value pairs,
// besides the create token, which every SCP the provider created keeps through updates.
func scpTestCheckTags(srv *emulator.Server, name, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, ok := srv.SCPByName(name)
		if !ok {
			return fmt.Errorf("the emulator has no SCP named %q", name)
		}
		var got []string
		token := false
		for _, t := range p.Tags {
			if t.Key == client.CreateTokenTagKey {
				token = len(t.Value) == 32
				continue
			}
			got = append(got, t.Key+"="+t.Value)
		}
		if !token {
			return fmt.Errorf("the SCP %s lost its create token (%s): tags %v", name, client.CreateTokenTagKey, p.Tags)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != want {
			return fmt.Errorf("tags = %s, want %s", strings.Join(got, ","), want)
		}
		return nil
	}
}

// scpTestCheckEmulator checks the emulator's copy of the SCP named name.
func scpTestCheckEmulator(srv *emulator.Server, name, description, content string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, ok := srv.SCPByName(name)
		if !ok {
			return fmt.Errorf("the emulator has no SCP named %q", name)
		}
		if p.Description != description {
			return fmt.Errorf("description = %q, want %q", p.Description, description)
		}
		if !policyDocumentsEqual(p.Content, content) {
			return fmt.Errorf("content = %s, want %s", p.Content, content)
		}
		return nil
	}
}

func scpTestConfig(url, name, description, content, tags string) string {
	return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_service_control_policy" "test" {
  name        = %q
  description = %q
  content     = %s
  tags        = %s
}
`, name, description, content, tags)
}

func TestAccServiceControlPolicyResource_lifecycle(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	const r = "imspolicy_service_control_policy.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{
			{
				Config: scpTestConfig(url, "deny-delete", "first", fmt.Sprintf("%q", scpTestDenyDelete), `{ team = "platform" }`),
				Check:  scpTestCheckEmulator(srv, "deny-delete", "first", scpTestDenyDelete),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(r, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^p-`))),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("urn"), knownvalue.StringRegexp(regexp.MustCompile(`^organizations::`+acctest.AccountID+`:policy:.*/service_control_policy/p-`))),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("content"), knownvalue.StringExact(scpTestDenyDelete)),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("platform")})),
				},
			},
			{
				// The same policy, written differently: white space, key order, a string for
				// a one-element list, action case. No change.
				Config: scpTestConfig(url, "deny-delete", "first", `<<-EOT
    {
      "Statement": [ { "Resource": "*", "Action": "IMS:images:deleteImage", "Effect": "Deny" } ],
      "Version": "5.0"
    }
  EOT`, `{ team = "platform" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Name, description and content change in place.
				Config: scpTestConfig(url, "deny-delete-and-copy", "second", fmt.Sprintf("%q", scpTestDenyCopy), `{ team = "platform" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
				Check: scpTestCheckEmulator(srv, "deny-delete-and-copy", "second", scpTestDenyCopy),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(r, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("name"), knownvalue.StringExact("deny-delete-and-copy")),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("content"), knownvalue.StringExact(scpTestDenyCopy)),
				},
			},
			{
				ResourceName:      r,
				ImportState:       true,
				ImportStateVerify: true, // tags included: import reads them
			},
			{
				// Tags change in place, through the tag API: one changed, one added.
				Config: scpTestConfig(url, "deny-delete-and-copy", "second", fmt.Sprintf("%q", scpTestDenyCopy), `{ team = "security", tier = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(r, tfjsonpath.New("id"))},
				Check:             scpTestCheckTags(srv, "deny-delete-and-copy", "team=security,tier=1"),
			},
			{
				// Tags changed outside Terraform show as drift, and the apply undoes them.
				PreConfig: func() {
					p, _ := srv.SCPByName("deny-delete-and-copy")
					c := scpTestClient(t, url)
					if err := c.TagResource(context.Background(), p.ID, map[string]string{"team": "rogue", "extra": "x"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: scpTestConfig(url, "deny-delete-and-copy", "second", fmt.Sprintf("%q", scpTestDenyCopy), `{ team = "security", tier = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(r, tfjsonpath.New("id"))},
				Check:             scpTestCheckTags(srv, "deny-delete-and-copy", "team=security,tier=1"),
			},
			{
				// Removing one tag removes it.
				Config: scpTestConfig(url, "deny-delete-and-copy", "second", fmt.Sprintf("%q", scpTestDenyCopy), `{ team = "security" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
				Check: func(st *terraform.State) error {
					if n := len(srv.SCPs()); n != 2 {
						return fmt.Errorf("the emulator holds %d SCPs, want FullAccess and one", n)
					}
					return scpTestCheckTags(srv, "deny-delete-and-copy", "team=security")(st)
				},
			},
			{
				// Removing the description sets it to "".
				Config: acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_service_control_policy" "test" {
  name    = "deny-delete-and-copy"
  content = %q
  tags    = { team = "security" }
}
`, scpTestDenyCopy),
				Check: scpTestCheckEmulator(srv, "deny-delete-and-copy", "", scpTestDenyCopy),
			},
		},
	})
}

func TestAccServiceControlPolicyResource_drift(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	const r = "imspolicy_service_control_policy.test"
	config := scpTestConfig(url, "drift", "", fmt.Sprintf("%q", scpTestDenyDelete), "null")
	id := func() string {
		p, ok := srv.SCPByName("drift")
		if !ok {
			t.Fatal("no SCP named drift")
		}
		return p.ID
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Deleted outside Terraform: planned for creation.
				PreConfig: func() {
					if err := srv.RemoveSCP(id()); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionCreate),
				}},
				Check: scpTestCheckEmulator(srv, "drift", "", scpTestDenyDelete),
			},
			{
				// Content and description changed outside Terraform: an update puts them back.
				PreConfig: func() {
					content, desc := scpTestDenyCopy, "edited by hand"
					if err := srv.UpdateSCP(id(), nil, &desc, &content); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
				Check: scpTestCheckEmulator(srv, "drift", "", scpTestDenyDelete),
			},
			{
				// The same content re-formatted outside Terraform: no change.
				PreConfig: func() {
					content := `{ "Statement": [ { "Effect": "Deny", "Resource": "*", "Action": "ims:images:deleteImage" } ], "Version": "5.0" }`
					if err := srv.UpdateSCP(id(), nil, nil, &content); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccServiceControlPolicyResource_invalidContent(t *testing.T) {
	_, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_service_control_policy" "test" {
  name = "allow-with-condition"
  content = jsonencode({
    Version = "5.0"
    Statement = [{
      Effect    = "Allow"
      Action    = ["ims:images:*"]
      Resource  = ["*"]
      Condition = { StringEquals = { "ims:Region" = ["cn-north-4"] } }
    }]
  })
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)scp_allow_condition.*may not have a Condition`),
			},
			{
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_service_control_policy" "test" {
  name    = ""
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid name.*name must be at least 1 character\(s\), got 0`),
			},
		},
	})
}

// TestAccServiceControlPolicyResource_importTagged imports a tagged SCP made outside
// Terraform (with an import block): import reads its tags, so a configuration with the
// same tags plans no change, and other tags are an update in place.
func TestAccServiceControlPolicyResource_importTagged(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	const r = "imspolicy_service_control_policy.test"
	made, err := scpTestClient(t, url).CreateSCP(context.Background(), client.CreateSCPInput{
		Name: "made-by-hand", Content: scpTestDenyDelete, Tags: map[string]string{"team": "platform"},
	})
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
import {
  to = imspolicy_service_control_policy.test
  id = %q
}
`, made.ID) + scpTestConfig(url, "made-by-hand", "", fmt.Sprintf("%q", scpTestDenyDelete), `{ team = "platform" }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(r, tfjsonpath.New("id"), knownvalue.StringExact(made.ID)),
					statecheck.ExpectKnownValue(r, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("platform")})),
				},
			},
			{
				Config: scpTestConfig(url, "made-by-hand", "", fmt.Sprintf("%q", scpTestDenyDelete), `{ team = "security" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(r, plancheck.ResourceActionUpdate),
				}},
				Check: scpTestCheckTags(srv, "made-by-hand", "team=security"),
			},
		},
	})
}

func TestAccServiceControlPolicyResource_importErrors(t *testing.T) {
	_, url := acctest.StartEmulator(t, emulator.Config{})
	config := func(id string) string {
		return fmt.Sprintf(`
import {
  to = imspolicy_service_control_policy.test
  id = %q
}
`, id) + scpTestConfig(url, "x", "", fmt.Sprintf("%q", scpTestDenyDelete), "null")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("p-doesnotexist"), ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`)},
			{Config: config(emulator.FullAccessID), ExpectError: regexp.MustCompile(`FullAccess\) is a system SCP`)},
			{Config: config("p-a/b"), ExpectError: regexp.MustCompile(`Import a service control policy by its policy ID`)},
		},
	})
}

// TestAccServiceControlPolicyResource_example applies the resource's example.
func TestAccServiceControlPolicyResource_example(t *testing.T) {
	example, err := os.ReadFile("../../examples/resources/imspolicy_service_control_policy/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(url) + string(example),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("imspolicy_service_control_policy.image_guardrails", tfjsonpath.New("name"), knownvalue.StringExact("image-guardrails")),
			},
		}},
	})
}

// TestAccServiceControlPolicyResource_namesCountCharacters: names and descriptions are
// counted in characters, as the service counts them (64 × "é" is 64, not 128), and what the
// service refuses (only white space, control characters, one character too many) fails the
// plan on its attribute.
func TestAccServiceControlPolicyResource_namesCountCharacters(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	longName, longDescription := strings.Repeat("é", 64), strings.Repeat("é", 512)
	config := func(name, description string) string {
		// JSON strings are HCL strings, with control characters as \uNNNN.
		quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_service_control_policy" "test" {
  name        = %s
  description = %s
  content     = %q
}
`, quote(name), quote(description), scpTestDenyDelete)
	}
	steps := []resource.TestStep{{
		Config: config(longName, longDescription),
		Check:  scpTestCheckEmulator(srv, longName, longDescription, scpTestDenyDelete),
	}}
	for _, tc := range []struct{ name, description, want string }{
		{strings.Repeat("é", 65), "", `(?s)Invalid name.*name must be at most 64 characters, got 65`},
		{"   ", "", `(?s)Invalid name.*name must hold more than white space`},
		{"bell\a", "", `(?s)Invalid name.*name must not hold control characters, found U\+0007 at character 5`},
		{"ok", strings.Repeat("é", 513), `(?s)Invalid description.*description must be at most 512 characters, got 513`},
		{"ok", "nul\x00", `(?s)Invalid description.*must not hold control characters`},
	} {
		steps = append(steps, resource.TestStep{Config: config(tc.name, tc.description), PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)})
	}
	// A valid configuration last, for the destroy.
	steps = append(steps, resource.TestStep{Config: config(longName, longDescription)})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps:                    steps,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
	})
}

// TestAccServiceControlPolicyResource_planWarnsOnNewAccess: an SCP change that lets
// through a request it blocked warns on content, with the requests by action; adding a
// deny does not. The deny-only SCP is compared beside an allow-all one.
func TestAccServiceControlPolicyResource_planWarnsOnNewAccess(t *testing.T) {
	cli := acctest.NewTerraformCLI(t)
	_, url := acctest.StartEmulator(t, emulator.Config{})
	config := func(content string) string { return scpTestConfig(url, "gated", "", fmt.Sprintf("%q", content), "{}") }
	cli.Run(config(scpTestDenyCopy), nil, "apply", "-auto-approve", "-input=false", "-lock=false")

	// Lifting the deny of copyCrossRegion lets it through.
	found := cli.PlanDiagnostics(config(scpTestDenyDelete), nil, "grants new access")
	if len(found) != 1 {
		t.Fatalf("want one new-access warning, got %+v", found)
	}
	d := found[0]
	t.Logf("%s: %s", d.Summary, d.Detail)
	if d.Severity != "warning" || d.Address != "imspolicy_service_control_policy.test" || d.Snippet == nil ||
		!strings.HasPrefix(strings.TrimSpace(d.Snippet.Code), "content") ||
		!strings.Contains(d.Detail, `ims:images:copyCrossRegion on "`) || !strings.Contains(d.Detail, "allow, was explicit_deny") ||
		strings.Contains(d.Detail, "ims:images:deleteImage") {
		t.Errorf("unexpected diagnostic %+v", d)
	}
	// Replay the listed request as the warning compares it: one level, the SCP beside FullAccess.
	resource := regexp.MustCompile(`ims:images:copyCrossRegion on "([^"]*)"`).FindStringSubmatch(d.Detail)[1]
	const fullAccess = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`
	for content, want := range map[string]bool{scpTestDenyDelete: true, scpTestDenyCopy: false} {
		set, findings := evaluator.NewPolicySet(evaluator.Sources{
			Identity:  policy.CheckTexts([]string{fullAccess}, policy.Identity),
			SCPLevels: []evaluator.SCPLevel{{Name: "root", Policies: policy.CheckTexts([]string{content, fullAccess}, policy.SCP)}},
		})
		if len(findings) > 0 {
			t.Fatal(findings[0])
		}
		rep := set.Simulate(&evaluator.SimulationRequest{Action: "ims:images:copyCrossRegion", Resource: resource})
		if got := rep.Allowed(); got != want || len(rep.Problems) > 0 {
			t.Errorf("copyCrossRegion on %s: allowed %v under %s", resource, got, content)
		}
	}

	// Adding a deny grants nothing.
	cli.Run(config(scpTestDenyDelete), nil, "apply", "-auto-approve", "-input=false", "-lock=false")
	if found := cli.PlanDiagnostics(config(scpTestDenyCopy), nil, "grants new access"); len(found) != 0 {
		t.Errorf("adding a deny warns: %+v", found)
	}
	// Lifting the deny of deleteImage would warn, but not with the warnings off.
	if found := cli.PlanDiagnostics(config(`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:list"],"Resource":["*"]}]}`),
		[]string{"IMSPOLICY_WARN_ON_NEW_ACCESS=0"}, "grants new access"); len(found) != 0 {
		t.Errorf("IMSPOLICY_WARN_ON_NEW_ACCESS=0 still warns: %+v", found)
	}
}

// TestAccServiceControlPolicyResource_renameToTakenName: renaming an SCP (an in-place
// update) to a name that another SCP holds under other case fails like a create does: the
// holder's id, names compare ignoring case, and the import block for another resource, not
// a bare 409. Both SCPs keep their names.
func TestAccServiceControlPolicyResource_renameToTakenName(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	holder, err := scpTestClient(t, url).CreateSCP(context.Background(), client.CreateSCPInput{Name: "Team-Guard", Content: scpTestDenyCopy})
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{Config: scpTestConfig(url, "mine", "", "jsonencode("+scpTestDenyDelete+")", "{}")},
			{
				Config: scpTestConfig(url, "team-guard", "", "jsonencode("+scpTestDenyDelete+")", "{}"),
				ExpectError: regexp.MustCompile(`(?s)Name already taken.*service\s+control\s+policy\s+name\s+"team-guard"\s+is\s+already\s+taken\s+by\s+` +
					regexp.QuoteMeta(holder.ID) + `\s+\(named\s+"Team-Guard":\s+names\s+are\s+unique\s+ignoring\s+case\),\s+so\s+p-\S+\s+cannot\s+be\s+renamed\s+to\s+it` +
					`.*Choose\s+another\s+name,\s+or\s+rename\s+or\s+delete\s+` + regexp.QuoteMeta(holder.ID) +
					`\s+first.*import \{\s+to = imspolicy_service_control_policy\.<other>\s+id = "` + regexp.QuoteMeta(holder.ID) + `"`),
			},
			{
				Config: scpTestConfig(url, "mine", "", "jsonencode("+scpTestDenyDelete+")", "{}"),
				Check: func(*terraform.State) error {
					if got, ok := srv.SCP(holder.ID); !ok || got.Name != "Team-Guard" {
						return fmt.Errorf("the holder is gone or renamed: %+v", got)
					}
					if _, ok := srv.SCPByName("mine"); !ok {
						return fmt.Errorf("the renamed SCP lost its name")
					}
					return nil
				},
			},
		},
	})
}

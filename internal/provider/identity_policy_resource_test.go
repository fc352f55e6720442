package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

const identityPolicyAddr = "imspolicy_identity_policy.test"

// identityPolicyDoc is an HCL expression of an identity policy allowing the actions.
func identityPolicyDoc(actions ...string) string {
	return fmt.Sprintf(`jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = %s }]
  })`, identityPolicyHCLStrings(actions))
}

// identityPolicyJSON is the JSON jsonencode makes of identityPolicyDoc(actions...).
func identityPolicyJSON(actions ...string) string {
	b, _ := json.Marshal(actions)
	return `{"Statement":[{"Action":` + string(b) + `,"Effect":"Allow"}],"Version":"5.0"}`
}

func identityPolicyHCLStrings(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// identityPolicyConfig is an imspolicy_identity_policy.test with the document expression.
func identityPolicyConfig(url, name, description, policy string) string {
	return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_identity_policy" "test" {
  name        = %q
  description = %q
  policy      = %s
}
`, name, description, policy)
}

// checkEmulatorIdentityPolicy runs check on the emulator's policy of that name.
func checkEmulatorIdentityPolicy(srv *emulator.Server, name string, check func(p emulator.Policy) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, ok := srv.PolicyByName(name)
		if !ok {
			return fmt.Errorf("the emulator has no identity policy named %q", name)
		}
		return check(p)
	}
}

func emulatorIdentityPolicyVersionIDs(p emulator.Policy) []string {
	var ids []string
	for _, v := range p.Versions {
		ids = append(ids, v.ID)
	}
	return ids
}

// checkEmulatorIdentityPolicyVersions checks the emulator's versions of the policy (oldest first), its
// default version and that the default document means the same as want.
func checkEmulatorIdentityPolicyVersions(srv *emulator.Server, name, wantDefault, wantDocument string, wantIDs ...string) resource.TestCheckFunc {
	return checkEmulatorIdentityPolicy(srv, name, func(p emulator.Policy) error {
		if got := emulatorIdentityPolicyVersionIDs(p); strings.Join(got, ",") != strings.Join(wantIDs, ",") {
			return fmt.Errorf("the emulator holds versions %v, want %v", got, wantIDs)
		}
		if len(p.Versions) > emulator.MaxVersions {
			return fmt.Errorf("the emulator holds %d versions", len(p.Versions))
		}
		if p.DefaultVersionID != wantDefault {
			return fmt.Errorf("default version %s, want %s", p.DefaultVersionID, wantDefault)
		}
		if wantDocument != "" && !policyDocumentsEqual(p.DefaultDocument(), wantDocument) {
			return fmt.Errorf("default document %s, want %s", p.DefaultDocument(), wantDocument)
		}
		return nil
	})
}

// checkNoIdentityPolicies is a CheckDestroy: the emulator holds no identity policy.
func checkNoIdentityPolicies(srv *emulator.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if ps := srv.Policies(); len(ps) != 0 {
			return fmt.Errorf("the emulator still holds %d identity policies, e.g. %s (%s)", len(ps), ps[0].Name, ps[0].ID)
		}
		if as := srv.PolicyAttachments(); len(as) != 0 {
			return fmt.Errorf("the emulator still holds %d identity policy attachments", len(as))
		}
		return nil
	}
}

func TestAccIdentityPolicyResource_lifecycle(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	sameID := statecheck.CompareValue(compare.ValuesSame())
	docA := identityPolicyDoc("ims:images:list", "ims:images:get")
	docB := identityPolicyDoc("ims:images:list", "ims:images:get", "ims:quotas:get")
	// docB in another form: layout, key order, a string for a list of one, action case.
	docBReformatted := `<<-EOT
    {
      "Statement": [ {
        "Effect": "Allow",
        "Action": ["IMS:Quotas:Get", "ims:images:list", "ims:images:get"]
      } ],
      "Version": "5.0"
    }
  EOT`

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: identityPolicyConfig(url, "image-readers", "Read images", docA),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(identityPolicyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("name"), knownvalue.StringExact("image-readers")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("path"), knownvalue.StringExact("/")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("description"), knownvalue.StringExact("Read images")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("policy"), knownvalue.StringExact(identityPolicyJSON("ims:images:list", "ims:images:get"))),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("urn"), knownvalue.StringExact("iam::"+acctest.AccountID+":policy:image-readers")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("default_version_id"), knownvalue.StringExact("v1")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("version_ids"), stringList("v1")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("attachment_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorIdentityPolicyVersions(srv, "image-readers", "v1", identityPolicyJSON("ims:images:list", "ims:images:get"), "v1"),
					checkEmulatorIdentityPolicy(srv, "image-readers", func(p emulator.Policy) error {
						if p.Description != "Read images" {
							return fmt.Errorf("description %q", p.Description)
						}
						return nil
					}),
				),
			},
			{
				// The description changes in place; nothing else is planned to change.
				Config: identityPolicyConfig(url, "image-readers", "Read images and their metadata", docA),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(identityPolicyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("default_version_id"), knownvalue.StringExact("v1")),
					plancheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("version_ids"), stringList("v1")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(identityPolicyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("description"), knownvalue.StringExact("Read images and their metadata")),
				},
				Check: checkEmulatorIdentityPolicy(srv, "image-readers", func(p emulator.Policy) error {
					if p.Description != "Read images and their metadata" || len(p.Versions) != 1 {
						return fmt.Errorf("description %q, %d versions", p.Description, len(p.Versions))
					}
					return nil
				}),
			},
			{
				// A new document is a new default version.
				Config: identityPolicyConfig(url, "image-readers", "Read images and their metadata", docB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(identityPolicyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(identityPolicyAddr, tfjsonpath.New("default_version_id")),
					plancheck.ExpectUnknownValue(identityPolicyAddr, tfjsonpath.New("version_ids")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(identityPolicyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("default_version_id"), knownvalue.StringExact("v2")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("version_ids"), stringList("v1", "v2")),
				},
				Check: checkEmulatorIdentityPolicyVersions(srv, "image-readers", "v2", identityPolicyJSON("ims:images:list", "ims:images:get", "ims:quotas:get"), "v1", "v2"),
			},
			{
				// The same document in another form plans nothing.
				Config: identityPolicyConfig(url, "image-readers", "Read images and their metadata", docBReformatted),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: checkEmulatorIdentityPolicyVersions(srv, "image-readers", "v2", "", "v1", "v2"),
			},
			{
				ResourceName:      identityPolicyAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccIdentityPolicyResource_pathAndDefaults(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "test" {
  name   = "quota-readers"
  path   = "images/readers/"
  policy = ` + identityPolicyDoc("ims:quotas:get") + `
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("path"), knownvalue.StringExact("images/readers/")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
				Check: checkEmulatorIdentityPolicy(srv, "quota-readers", func(p emulator.Policy) error {
					if p.Path != "images/readers/" {
						return fmt.Errorf("path %q", p.Path)
					}
					return nil
				}),
			},
			{
				// A new path replaces the policy.
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "test" {
  name   = "quota-readers"
  policy = ` + identityPolicyDoc("ims:quotas:get") + `
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(identityPolicyAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("path"), knownvalue.StringExact("/")),
				},
			},
			{
				ResourceName:      identityPolicyAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// identityPolicyRequestLog records the emulator's request log lines.
type identityPolicyRequestLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *identityPolicyRequestLog) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *identityPolicyRequestLog) matching(re *regexp.Regexp) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range l.lines {
		if re.MatchString(line) {
			out = append(out, line)
		}
	}
	return out
}

func TestAccIdentityPolicyResource_versionRotation(t *testing.T) {
	var log identityPolicyRequestLog
	srv, url := acctest.StartEmulator(t, emulator.Config{Logf: log.logf})
	// Seven documents: the first, then six changes.
	actions := []string{"ims:images:list", "ims:images:get", "ims:quotas:get", "ims:images:getJob", "ims:images:getTags", "ims:images:listOsVersion", "ims:images:listImagesByTag"}
	wantIDs := [][]string{
		{"v1"}, {"v1", "v2"}, {"v1", "v2", "v3"}, {"v1", "v2", "v3", "v4"}, {"v1", "v2", "v3", "v4", "v5"},
		{"v2", "v3", "v4", "v5", "v6"}, // at 5 versions, the oldest (v1) goes first
		{"v3", "v4", "v5", "v6", "v7"},
	}
	var steps []resource.TestStep
	for i := range actions {
		doc := actions[:i+1]
		def := fmt.Sprintf("v%d", i+1)
		steps = append(steps, resource.TestStep{
			Config: identityPolicyConfig(url, "rotating", "", identityPolicyDoc(doc...)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("default_version_id"), knownvalue.StringExact(def)),
				statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("version_ids"), stringList(wantIDs[i]...)),
			},
			Check: checkEmulatorIdentityPolicyVersions(srv, "rotating", def, identityPolicyJSON(doc...), wantIDs[i]...),
		})
	}
	steps = append(steps, resource.TestStep{ResourceName: identityPolicyAddr, ImportState: true, ImportStateVerify: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(checkNoIdentityPolicies(srv), func(*terraform.State) error {
			// The limit was never hit: the oldest version was deleted before each create.
			if hits := log.matching(regexp.MustCompile(`-> 409`)); len(hits) != 0 {
				return fmt.Errorf("the emulator answered 409: %v", hits)
			}
			if dels := log.matching(regexp.MustCompile(`DELETE /v5/policies/[^/ ]+/versions/v[12] -> 204`)); len(dels) != 2 {
				return fmt.Errorf("want v1 and v2 deleted once each, got %v", dels)
			}
			return nil
		}),
		Steps: steps,
	})
}

// The version deleted to make room is the oldest that is not the default, even when the
// default is older.
func TestAccIdentityPolicyResource_rotationKeepsOldDefault(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: identityPolicyConfig(url, "old-default", "", identityPolicyDoc("ims:images:list")),
			},
			{
				// Someone adds four versions without making them the default: no diff.
				PreConfig: func() {
					p, _ := srv.PolicyByName("old-default")
					for i := 0; i < 4; i++ {
						if _, err := srv.AddPolicyVersion(p.ID, identityPolicyJSON("ims:images:get"), false); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: identityPolicyConfig(url, "old-default", "", identityPolicyDoc("ims:images:list")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("version_ids"), stringList("v1", "v2", "v3", "v4", "v5")),
				},
			},
			{
				Config: identityPolicyConfig(url, "old-default", "", identityPolicyDoc("ims:quotas:get")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("default_version_id"), knownvalue.StringExact("v6")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("version_ids"), stringList("v1", "v3", "v4", "v5", "v6")),
				},
				Check: checkEmulatorIdentityPolicyVersions(srv, "old-default", "v6", identityPolicyJSON("ims:quotas:get"), "v1", "v3", "v4", "v5", "v6"),
			},
		},
	})
}

func TestAccIdentityPolicyResource_deletedOutsideTerraform(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	config := identityPolicyConfig(url, "short-lived", "", identityPolicyDoc("ims:images:list"))
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: checkEmulatorIdentityPolicy(srv, "short-lived", func(p emulator.Policy) error {
					firstID = p.ID
					return nil
				}),
			},
			{
				// Deleted outside Terraform: the refresh drops it and the plan creates it.
				PreConfig: func() {
					if err := srv.RemovePolicy(firstID); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(identityPolicyAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkEmulatorIdentityPolicy(srv, "short-lived", func(p emulator.Policy) error {
					if p.ID == firstID {
						return fmt.Errorf("the policy was not created again")
					}
					if n := len(srv.Policies()); n != 1 {
						return fmt.Errorf("the emulator holds %d policies", n)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccIdentityPolicyResource_editedOutsideTerraform(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	config := identityPolicyConfig(url, "edited", "As configured", identityPolicyDoc("ims:images:list"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A new default version and a new description, made outside Terraform.
				PreConfig: func() {
					p, _ := srv.PolicyByName("edited")
					if _, err := srv.AddPolicyVersion(p.ID, identityPolicyJSON("ims:images:list", "ims:images:deleteImage"), true); err != nil {
						t.Fatal(err)
					}
					if err := srv.SetPolicyDescription(p.ID, "Edited in the console"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(identityPolicyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("policy"), knownvalue.StringExact(identityPolicyJSON("ims:images:list"))),
					plancheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("description"), knownvalue.StringExact("As configured")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("default_version_id"), knownvalue.StringExact("v3")),
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("version_ids"), stringList("v1", "v2", "v3")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorIdentityPolicyVersions(srv, "edited", "v3", identityPolicyJSON("ims:images:list"), "v1", "v2", "v3"),
					checkEmulatorIdentityPolicy(srv, "edited", func(p emulator.Policy) error {
						if p.Description != "As configured" {
							return fmt.Errorf("description %q", p.Description)
						}
						return nil
					}),
				),
			},
		},
	})
}

func TestAccIdentityPolicyResource_invalidArgumentsFailThePlan(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := srv.Stats().Requests; n != 0 {
				return fmt.Errorf("the emulator got %d requests; validation should not call the API", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      identityPolicyConfig(url, "bad-action", "", identityPolicyDoc("ims:images:frobnicate")),
				ExpectError: regexp.MustCompile(`Invalid identity policy: unknown_action[\s\S]*ims:images:frobnicate`),
			},
			{
				Config:      identityPolicyConfig(url, "bad-json", "", `"{\"Version\": \"5.0\", "`),
				ExpectError: regexp.MustCompile(`Invalid identity policy: malformed_json`),
			},
			{
				Config:      identityPolicyConfig(url, "bad name!", "", identityPolicyDoc("ims:images:list")),
				ExpectError: regexp.MustCompile(`must\s+be\s+1\s+to\s+128\s+letters,\s+digits\s+or\s+the\s+characters\s+_\+=\.@-`),
			},
			{
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "test" {
  name   = "bad-path"
  path   = "no-trailing-slash"
  policy = ` + identityPolicyDoc("ims:images:list") + `
}
`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Value[\s\S]*segments\s+of\s+letters,\s+digits\s+or\s+\.,\+@=_-\s+each\s+ending\s+in\s+/`),
			},
			{
				Config: acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "test" {
  name   = "dot-path"
  path   = "images/../"
  policy = ` + identityPolicyDoc("ims:images:list") + `
}
`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Value[\s\S]*none\s+of\s+them\s+\.\s+or\s+\.\.`),
			},
		},
	})
}

func TestAccIdentityPolicyResource_missingCredentials(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "imspolicy_identity_policy" "test" {
  name   = "no-credentials"
  policy = ` + identityPolicyDoc("ims:images:list") + `
}
`,
			ExpectError: regexp.MustCompile(`Missing credentials[\s\S]*HW_ACCESS_KEY`),
		}},
	})
}

func TestAccIdentityPolicyResource_wrongSecretKey(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	acctest.ClearCredentialEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "imspolicy" {
  access_key   = %q
  secret_key   = "not-the-secret-key"
  account_id   = %q
  iam_endpoint = %q
}
resource "imspolicy_identity_policy" "test" {
  name   = "wrong-key"
  policy = %s
}
`, acctest.AccessKey, acctest.AccountID, url, identityPolicyDoc("ims:images:list")),
			ExpectError: regexp.MustCompile(`Invalid credentials[\s\S]*access_key\s+and\s+secret_key[\s\S]*HW_ACCESS_KEY\s+and\s+HW_SECRET_KEY`),
		}},
	})
	if st := srv.Stats(); st.Unauthorized == 0 || len(srv.Policies()) != 0 {
		t.Errorf("want only rejected calls, got %+v and %d policies", st, len(srv.Policies()))
	}
}

// The error for rejected credentials names the settings and never shows the secret.
func TestIdentityPolicy_unauthorizedErrorNamesSettings(t *testing.T) {
	_, url := acctest.StartEmulator(t, emulator.Config{})
	const wrongSecret = "sk-wrong-secret-must-not-appear"
	c, err := client.New(client.Config{
		IAMEndpoint: url, OrganizationsEndpoint: url, MaxRetries: -1,
		Credentials: signer.Credentials{AccessKey: acctest.AccessKey, SecretKey: wrongSecret, DomainID: acctest.AccountID},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(context.Background(), "0123")
	if !client.IsUnauthorized(err) {
		t.Fatalf("want a 401, got %v", err)
	}
	var diags diag.Diagnostics
	addAPIError(&diags, "reading identity policy 0123", err)
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %v", diags)
	}
	d := diags[0]
	text := d.Summary() + "\n" + d.Detail()
	for _, want := range []string{"Invalid credentials", "access_key", "secret_key", "HW_ACCESS_KEY", "HW_SECRET_KEY", "APIGW.0301"} {
		if !strings.Contains(text, want) {
			t.Errorf("the error does not mention %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, wrongSecret) || strings.Contains(text, acctest.SecretKey) {
		t.Errorf("the error shows a secret:\n%s", text)
	}
}

// Warnings of the checker show in `terraform plan -json`, on the policy attribute. The
// plugin-testing harness cannot assert warnings, so this test builds the provider and runs
// Terraform itself, with a CLI configuration whose dev_overrides point at the build.
func TestAccIdentityPolicyResource_planShowsPolicyWarnings(t *testing.T) {
	cli := acctest.NewTerraformCLI(t)
	_, url := acctest.StartEmulator(t, emulator.Config{})
	plan := cli.Plan(identityPolicyConfig(url, "sharers", "", identityPolicyDoc("ims:images:list", "ims:images:share")), nil)
	// Terraform validates the configuration twice during a plan (the validate walk, then
	// each instance as it is planned) and -json does not merge equal warnings: the same
	// warning may come twice.
	found := plan.WithSummary("deprecated_action")
	if len(found) == 0 {
		t.Fatalf("no deprecated_action diagnostic in %+v", plan.Diagnostics)
	}
	for _, d := range found {
		if d.Severity != "warning" || d.Address != identityPolicyAddr ||
			!strings.Contains(d.Detail, "Statement[0].Action[1]") || !strings.Contains(d.Detail, "ims:images:share") ||
			d.Snippet == nil || !strings.HasPrefix(strings.TrimSpace(d.Snippet.Code), "policy") {
			t.Errorf("unexpected diagnostic %+v", d)
		}
	}
	if plan.Add != 1 {
		t.Errorf("the plan adds %d resources, not the policy", plan.Add)
	}
}

// TestAccIdentityPolicyResource_planWarnsAliasGrantsMore: a statement meant for tags that
// names the alias ims:images:update warns on the policy attribute that it also allows
// deleting images, with the seed row and the doubt about it; a read-only statement that
// exports warns too.
func TestAccIdentityPolicyResource_planWarnsAliasGrantsMore(t *testing.T) {
	cli := acctest.NewTerraformCLI(t)
	_, url := acctest.StartEmulator(t, emulator.Config{})
	plan := cli.Plan(identityPolicyConfig(url, "taggers", "", `jsonencode({
    Version   = "5.0"
    Statement = [
      { Sid = "TagOnly", Effect = "Allow", Action = ["ims:images:update"], Resource = ["*"] },
      { Sid = "ReadOnly", Effect = "Allow", Action = ["ims:images:list", "ims:images:get", "ims:images:export"], Resource = ["*"] },
    ]
  })`), nil)
	for code, wants := range map[string][]string{
		"alias_grants_more": {`Statement[0].Action[0] (Sid "TagOnly")`, "ims:images:update is an alias: allowing it also allows ims:images:deleteImage",
			"ims:images:setTags", "the vendor's Table 1 gives those actions the alias ims:images:update", "that ims:images:deleteImage row is in doubt"},
		"read_grant_includes_export": {`Statement[1].Action[2] (Sid "ReadOnly")`, "it names ims:images:export", "copies an image out to an OBS bucket"},
	} {
		found := plan.WithSummary(code)
		if len(found) == 0 {
			t.Fatalf("no %s diagnostic in %+v", code, plan.Diagnostics)
		}
		for _, d := range found {
			if d.Severity != "warning" || d.Address != identityPolicyAddr || d.Snippet == nil || !strings.HasPrefix(strings.TrimSpace(d.Snippet.Code), "policy") {
				t.Errorf("unexpected diagnostic %+v", d)
			}
			for _, want := range wants {
				if !strings.Contains(d.Detail, want) {
					t.Errorf("%s does not say %q:\n%s", code, want, d.Detail)
				}
			}
		}
	}
	if plan.Add != 1 {
		t.Errorf("the plan adds %d resources, not the policy", plan.Add)
	}
}

// TestAccIdentityPolicyResource_descriptionUpdateNotServed: an endpoint whose gateway does not
// route UpdatePolicyV5 (404 APIGW.0101) fails a description change with an error on the
// attribute that says how to replace the policy instead; the policy stays in state, and a
// gateway 404 on a read is an error, never "deleted outside Terraform".
func TestAccIdentityPolicyResource_descriptionUpdateNotServed(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	proxy, purl := acctest.StartFaultProxy(t, url)
	notServed := `{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment"}`
	proxy.Add(&acctest.ProxyRule{Method: "PUT", Path: "/v5/policies/*", Times: 1, Status: http.StatusNotFound, Body: notServed})
	doc := identityPolicyDoc("ims:images:get")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{Config: identityPolicyConfig(purl, "not-served", "first", doc)},
			{
				Config:      identityPolicyConfig(purl, "not-served", "second", doc),
				ExpectError: regexp.MustCompile(`(?s)Description cannot be changed in place here.*-replace=`),
			},
			{
				PreConfig: func() {
					proxy.Add(&acctest.ProxyRule{Method: "GET", Path: "/v5/policies/*", Times: 1000, Status: http.StatusNotFound, Body: notServed})
				},
				Config:      identityPolicyConfig(purl, "not-served", "first", doc),
				ExpectError: regexp.MustCompile(`APIGW\.0101`),
			},
			{
				// Straight to the emulator: the policy was never dropped from state.
				Config: identityPolicyConfig(url, "not-served", "first", doc),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkEmulatorIdentityPolicy(srv, "not-served", func(p emulator.Policy) error {
					if p.Description != "first" {
						return fmt.Errorf("description %q, want the unchanged %q", p.Description, "first")
					}
					return nil
				}),
			},
		},
		CheckDestroy: checkNoIdentityPolicies(srv),
	})
}

// Importing a system policy fails at plan time and says to use the data source; nothing is
// created or changed.
func TestAccIdentityPolicyResource_importSystemPolicy(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	sys := emulator.SystemPolicies[0]
	config := fmt.Sprintf(`
import {
  to = imspolicy_identity_policy.test
  id = %q
}
`, sys.ID) + identityPolicyConfig(url, sys.Name, "", fmt.Sprintf("%q", sys.Document))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)System policy.*IMSFullAccessPolicy\) is a system\s+identity\s+policy.*imspolicy_identity_policy\s+data\s+source`),
		}},
	})
	if p, _ := srv.Policy(sys.ID); p.Description != sys.Description || len(p.Versions) != 1 {
		t.Errorf("the system policy changed: %+v", p)
	}
}

// TestAccIdentityPolicyResource_planWarnsOnNewAccess: a change of the document that grants new
// access warns on the policy attribute, with the requests by action; a change that grants
// nothing new does not, nor does any change with warn_on_new_access off.
func TestAccIdentityPolicyResource_planWarnsOnNewAccess(t *testing.T) {
	cli := acctest.NewTerraformCLI(t)
	_, url := acctest.StartEmulator(t, emulator.Config{})
	config := func(actions ...string) string {
		return identityPolicyConfig(url, "gated", "", identityPolicyDoc(actions...))
	}
	cli.Run(config("ims:images:list", "ims:images:get"), nil, "apply", "-auto-approve", "-input=false", "-lock=false")

	// ims:images:update is an alias of deleteImage and setTags.
	wider := config("ims:images:list", "ims:images:get", "ims:images:update")
	found := cli.PlanDiagnostics(wider, nil, "grants new access")
	if len(found) != 1 {
		t.Fatalf("want one new-access warning, got %+v", found)
	}
	d := found[0]
	t.Logf("%s: %s", d.Summary, d.Detail)
	if d.Severity != "warning" || d.Address != identityPolicyAddr || d.Snippet == nil || !strings.HasPrefix(strings.TrimSpace(d.Snippet.Code), "policy") ||
		!strings.Contains(d.Detail, `ims:images:deleteImage on "`) || !strings.Contains(d.Detail, `ims:images:setTags on "`) ||
		!strings.Contains(d.Detail, "allow, was implicit_deny") || strings.Contains(d.Detail, "ims:images:get ") {
		t.Errorf("unexpected diagnostic %+v", d)
	}
	// Each request says the alias that reached it: the plan names no deleteImage.
	for _, action := range []string{"ims:images:deleteImage", "ims:images:setTags"} {
		if !regexp.MustCompile(regexp.QuoteMeta(action) + ` on "[^"]*": allow, was implicit_deny, through the alias ims:images:update\n`).MatchString(d.Detail + "\n") {
			t.Errorf("the request for %s does not say it was reached through the alias ims:images:update:\n%s", action, d.Detail)
		}
	}
	// Replay each listed request: allowed by the planned document, not by the applied one.
	for _, action := range []string{"ims:images:deleteImage", "ims:images:setTags"} {
		resource := regexp.MustCompile(regexp.QuoteMeta(action) + ` on "([^"]*)"`).FindStringSubmatch(d.Detail)[1]
		for docs, want := range map[string]bool{identityPolicyJSON("ims:images:list", "ims:images:get", "ims:images:update"): true, identityPolicyJSON("ims:images:list", "ims:images:get"): false} {
			set, findings := evaluator.NewIdentityPolicySet([]string{docs})
			if len(findings) > 0 {
				t.Fatal(findings[0])
			}
			rep := set.Simulate(&evaluator.SimulationRequest{Action: action, Resource: resource})
			if got := rep.Allowed(); got != want || len(rep.Problems) > 0 {
				t.Errorf("%s on %s: allowed %v by %s", action, resource, got, docs)
			}
		}
	}

	if found := cli.PlanDiagnostics(config("ims:images:list"), nil, "grants new access"); len(found) != 0 {
		t.Errorf("a narrower document warns: %+v", found)
	}
	if found := cli.PlanDiagnostics(wider, []string{"IMSPOLICY_WARN_ON_NEW_ACCESS=false"}, "grants new access"); len(found) != 0 {
		t.Errorf("IMSPOLICY_WARN_ON_NEW_ACCESS=false still warns: %+v", found)
	}
	off := strings.Replace(wider, `provider "imspolicy" {`, "provider \"imspolicy\" {\n  warn_on_new_access = false", 1)
	if found := cli.PlanDiagnostics(off, nil, "grants new access"); len(found) != 0 {
		t.Errorf("warn_on_new_access = false still warns: %+v", found)
	}
}

// TestAccIdentityPolicyResource_planWarnsWhenUndecided: a change the analyser cannot decide
// within the provider's analysis_budget (or IMSPOLICY_ANALYSIS_BUDGET) is a warning on the
// policy attribute that says so and how to raise the budget, never silence; within the
// default budget the same narrowing change is decided, and warns of nothing.
func TestAccIdentityPolicyResource_planWarnsWhenUndecided(t *testing.T) {
	cli := acctest.NewTerraformCLI(t)
	_, url := acctest.StartEmulator(t, emulator.Config{})
	config := func(actions ...string) string {
		return identityPolicyConfig(url, "undecided", "", identityPolicyDoc(actions...))
	}
	cli.Run(config("ims:images:list", "ims:images:get"), nil, "apply", "-auto-approve", "-input=false", "-lock=false")

	narrower := config("ims:images:list")
	const summary = "Could not decide whether this change grants new access"
	small := strings.Replace(narrower, `provider "imspolicy" {`, "provider \"imspolicy\" {\n  analysis_budget = 2", 1)
	for name, run := range map[string]func() []acctest.PlanDiagnostic{
		"analysis_budget = 2": func() []acctest.PlanDiagnostic { return cli.PlanDiagnostics(small, nil, summary) },
		"IMSPOLICY_ANALYSIS_BUDGET=2": func() []acctest.PlanDiagnostic {
			return cli.PlanDiagnostics(narrower, []string{"IMSPOLICY_ANALYSIS_BUDGET=2"}, summary)
		},
	} {
		found := run()
		if len(found) != 1 {
			t.Fatalf("%s: want one undecided warning, got %+v", name, found)
		}
		d := found[0]
		t.Logf("%s: %s: %s", name, d.Summary, d.Detail)
		if d.Severity != "warning" || d.Address != identityPolicyAddr || d.Snippet == nil || !strings.HasPrefix(strings.TrimSpace(d.Snippet.Code), "policy") ||
			!strings.HasPrefix(d.Detail, "could not decide whether this change grants new access: the question needs more than its budget of 2 representative requests") ||
			!strings.Contains(d.Detail, "raise the provider's analysis_budget (or IMSPOLICY_ANALYSIS_BUDGET)") {
			t.Errorf("%s: unexpected diagnostic %+v", name, d)
		}
	}
	plan := cli.Plan(narrower, nil)
	if found := plan.WithSummary("grants new access"); len(found) != 0 {
		t.Errorf("within the default budget, a narrower document warns: %+v", found)
	}
	off := strings.Replace(small, `provider "imspolicy" {`, "provider \"imspolicy\" {\n  warn_on_new_access = false", 1)
	if found := cli.PlanDiagnostics(off, nil, summary); len(found) != 0 {
		t.Errorf("warn_on_new_access = false still warns: %+v", found)
	}
}

package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
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
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

const (
	testIAMUserID    = "07a1b2c3d4e5f60718293a4b5c6d7e8f"
	testIAMGroupID   = "18b2c3d4e5f60718293a4b5c6d7e8f90"
	testIAMAgencyID  = "29c3d4e5f60718293a4b5c6d7e8f9001"
	testIAMAgencyID2 = "3ad4e5f60718293a4b5c6d7e8f900112"
)

// identityPolicyAttachmentsConfig is a policy "test" attached to a user, a group and an agency.
func identityPolicyAttachmentsConfig(url, agencyID string) string {
	return identityPolicyConfig(url, "attached", "", identityPolicyDoc("ims:images:list")) + fmt.Sprintf(`
resource "imspolicy_identity_policy_attachment" "user" {
  policy_id      = imspolicy_identity_policy.test.id
  principal_type = "user"
  principal_id   = %q
}

resource "imspolicy_identity_policy_attachment" "group" {
  policy_id      = imspolicy_identity_policy.test.id
  principal_type = "group"
  principal_id   = %q
}

resource "imspolicy_identity_policy_attachment" "agency" {
  policy_id      = imspolicy_identity_policy.test.id
  principal_type = "agency"
  principal_id   = %q
}
`, testIAMUserID, testIAMGroupID, agencyID)
}

// checkEmulatorIdentityPolicyAttachments checks the emulator's attachments, as "type/id", in any order.
func checkEmulatorIdentityPolicyAttachments(srv *emulator.Server, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, a := range srv.PolicyAttachments() {
			got = append(got, a.PrincipalType+"/"+a.PrincipalID)
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("the emulator holds attachments %v, want %v", got, want)
		}
		return nil
	}
}

func identityPolicyTestClient(t *testing.T, url string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		IAMEndpoint: url, OrganizationsEndpoint: url,
		Credentials: signer.Credentials{AccessKey: acctest.AccessKey, SecretKey: acctest.SecretKey, DomainID: acctest.AccountID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAccIdentityPolicyAttachmentResource_lifecycle(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	idOf := func(pt, principal string) knownvalue.Check {
		return knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]+/` + pt + `/` + principal + `$`))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: identityPolicyAttachmentsConfig(url, testIAMAgencyID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("imspolicy_identity_policy_attachment.user", tfjsonpath.New("id"), idOf("user", testIAMUserID)),
					statecheck.ExpectKnownValue("imspolicy_identity_policy_attachment.group", tfjsonpath.New("id"), idOf("group", testIAMGroupID)),
					statecheck.ExpectKnownValue("imspolicy_identity_policy_attachment.agency", tfjsonpath.New("id"), idOf("agency", testIAMAgencyID)),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("imspolicy_identity_policy_attachment.user", "policy_id", identityPolicyAddr, "id"),
					checkEmulatorIdentityPolicyAttachments(srv, "user/"+testIAMUserID, "group/"+testIAMGroupID, "agency/"+testIAMAgencyID),
				),
			},
			{
				// The policy's refresh sees its three attachments; nothing to change.
				Config: identityPolicyAttachmentsConfig(url, testIAMAgencyID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(identityPolicyAddr, tfjsonpath.New("attachment_count"), knownvalue.Int64Exact(3)),
				},
			},
			{
				ResourceName:      "imspolicy_identity_policy_attachment.group",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  "imspolicy_identity_policy_attachment.user",
				ImportState:   true,
				ImportStateId: "some-policy/robot/" + testIAMUserID,
				ExpectError:   regexp.MustCompile(`Invalid import ID[\s\S]*<policy_id>/<principal_type>/<principal_id>[\s\S]*"robot"\s+is\s+not\s+user,\s+group\s+or\s+agency`),
			},
			{
				ResourceName:  "imspolicy_identity_policy_attachment.user",
				ImportState:   true,
				ImportStateId: "some-policy/" + testIAMUserID,
				ExpectError:   regexp.MustCompile(`Invalid import ID[\s\S]*has\s+2\s+part\(s\)`),
			},
			{
				// Detached outside Terraform: planned to be attached again.
				PreConfig: func() {
					p, _ := srv.PolicyByName("attached")
					if err := srv.RemovePolicyAttachment(p.ID, "group", testIAMGroupID); err != nil {
						t.Fatal(err)
					}
				},
				Config: identityPolicyAttachmentsConfig(url, testIAMAgencyID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("imspolicy_identity_policy_attachment.group", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("imspolicy_identity_policy_attachment.user", plancheck.ResourceActionNoop),
				}},
				Check: checkEmulatorIdentityPolicyAttachments(srv, "user/"+testIAMUserID, "group/"+testIAMGroupID, "agency/"+testIAMAgencyID),
			},
			{
				// Another principal replaces the attachment.
				Config: identityPolicyAttachmentsConfig(url, testIAMAgencyID2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("imspolicy_identity_policy_attachment.agency", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: checkEmulatorIdentityPolicyAttachments(srv, "user/"+testIAMUserID, "group/"+testIAMGroupID, "agency/"+testIAMAgencyID2),
			},
		},
	})
}

func TestAccIdentityPolicyAttachmentResource_policyDeletedOutsideTerraform(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	config := identityPolicyAttachmentsConfig(url, testIAMAgencyID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The policy and its attachments are gone: all planned for creation.
				PreConfig: func() {
					p, _ := srv.PolicyByName("attached")
					if err := srv.RemovePolicy(p.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(identityPolicyAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("imspolicy_identity_policy_attachment.user", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("imspolicy_identity_policy_attachment.group", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("imspolicy_identity_policy_attachment.agency", plancheck.ResourceActionCreate),
				}},
				Check: checkEmulatorIdentityPolicyAttachments(srv, "user/"+testIAMUserID, "group/"+testIAMGroupID, "agency/"+testIAMAgencyID),
			},
		},
	})
}

// A policy attached outside Terraform is not detached by a destroy: the error says so.
func TestAccIdentityPolicyAttachmentResource_destroyAttachedPolicy(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	c := identityPolicyTestClient(t, url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: identityPolicyConfig(url, "attached-elsewhere", "", identityPolicyDoc("ims:images:list")),
				Check: func(*terraform.State) error {
					p, _ := srv.PolicyByName("attached-elsewhere")
					return c.AttachPolicy(context.Background(), p.ID, client.PrincipalUser, testIAMUserID)
				},
			},
			{
				Config:      acctest.ProviderBlock(url),
				ExpectError: regexp.MustCompile(`Identity policy still attached[\s\S]*"attached-elsewhere"[\s\S]*attached\s+to\s+user\s+` + testIAMUserID),
			},
			{
				PreConfig: func() {
					p, _ := srv.PolicyByName("attached-elsewhere")
					if err := srv.RemovePolicyAttachment(p.ID, "user", testIAMUserID); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.ProviderBlock(url),
			},
		},
	})
}

func TestAccIdentityPolicyAttachmentResource_invalidArguments(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	attachment := func(policyID, pt, principalID string) string {
		return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_identity_policy_attachment" "test" {
  policy_id      = %q
  principal_type = %q
  principal_id   = %q
}
`, policyID, pt, principalID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config:      attachment("0b3c", "role", testIAMUserID),
				ExpectError: regexp.MustCompile(`principal_type[\s\S]*value\s+must\s+be\s+one\s+of:\s+\["user"\s+"group"\s+"agency"\]`),
			},
			{
				Config:      attachment("0b3c", "user", "a/b"),
				ExpectError: regexp.MustCompile(`principal_id[\s\S]*must\s+be\s+an\s+id:\s+not\s+empty,\s+without\s+/\s+or\s+white\s+space`),
			},
			{
				Config:      attachment("00000000-0000-0000-0000-000000000000", "user", testIAMUserID),
				ExpectError: regexp.MustCompile(`Identity policy not found[\s\S]*00000000-0000-0000-0000-000000000000`),
			},
		},
	})
}

func TestAccIdentityPolicyAttachmentResource_missingCredentials(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "imspolicy_identity_policy_attachment" "test" {
  policy_id      = "0b3c"
  principal_type = "user"
  principal_id   = "` + testIAMUserID + `"
}
`,
			ExpectError: regexp.MustCompile(`Missing credentials[\s\S]*HW_ACCESS_KEY`),
		}},
	})
}

func TestIdentityPolicyAttachment_parseID(t *testing.T) {
	for _, tc := range []struct {
		id, policyID, pt, principalID, err string
	}{
		{id: "p1/user/u1", policyID: "p1", pt: "user", principalID: "u1"},
		{id: "p1/group/g1", policyID: "p1", pt: "group", principalID: "g1"},
		{id: "p1/agency/a1", policyID: "p1", pt: "agency", principalID: "a1"},
		{id: "p1/User/u1", err: `"User" is not user, group or agency`},
		{id: "p1/user", err: "2 part(s)"},
		{id: "p1/user/u1/x", err: "4 part(s)"},
		{id: "/user/u1", err: "policy_id is empty"},
		{id: "p1/user/", err: "principal_id is empty"},
		{id: "", err: "1 part(s)"},
	} {
		p, pt, pr, err := parseIdentityPolicyAttachmentID(tc.id)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "<policy_id>/<principal_type>/<principal_id>") {
				t.Errorf("%q: error %v, want one with %q", tc.id, err, tc.err)
			}
		case err != nil || p != tc.policyID || pt != tc.pt || pr != tc.principalID:
			t.Errorf("%q: got %q %q %q %v", tc.id, p, pt, pr, err)
		}
	}
}

// Policies and attachments come out exactly as declared when the API fails 30% of calls,
// drops 10% of connections after acting, and hides new policies from reads for a moment.
func TestAccIdentityPolicyAttachmentResource_faults(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{Seed: 7, Faults: emulator.Faults{
		FailRate: 0.3, DropRate: 0.1, ReadAfterWriteDelay: 500 * time.Millisecond,
		// A dropped identity-policy create is never taken over (nothing tells it from another
		// apply's; TestAccFaultSafety_lostIdentityPolicyCreate): it fails the apply by design, so
		// drops spare those creates here.
		NoDrop: []string{"POST /v5/policies"},
	}})
	config := func(actions string) string {
		return acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "test" {
  count       = 6
  name        = "faulty-${count.index}"
  description = "Policy ${count.index}"
  policy = jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ` + actions + ` }]
  })
}

resource "imspolicy_identity_policy_attachment" "test" {
  count          = 6
  policy_id      = imspolicy_identity_policy.test[count.index].id
  principal_type = "group"
  principal_id   = "` + testIAMGroupID + `"
}
`
	}
	check := func(versions int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			var names []string
			for _, p := range srv.Policies() {
				names = append(names, p.Name)
				if len(p.Versions) != versions || p.DefaultVersionID != p.Versions[len(p.Versions)-1].ID || len(p.Attachments) != 1 {
					return fmt.Errorf("%s has versions %v (default %s) and %d attachments", p.Name, emulatorIdentityPolicyVersionIDs(p), p.DefaultVersionID, len(p.Attachments))
				}
			}
			slices.Sort(names)
			if want := "faulty-0,faulty-1,faulty-2,faulty-3,faulty-4,faulty-5"; strings.Join(names, ",") != want {
				return fmt.Errorf("the emulator holds %v", names)
			}
			if st := srv.Stats(); st.Failed == 0 || st.Dropped == 0 {
				return fmt.Errorf("no faults were injected: %+v", st)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["ims:images:list", "ims:images:get"]`), Check: check(1)},
			{Config: config(`["ims:images:list", "ims:images:get", "ims:quotas:get"]`), Check: check(2)},
		},
	})
}

package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// sizedDocument is a policy document of exactly n characters as written (white space not
// counted): statements spelled by one, padded in the first statement's Sid.
func sizedDocument(t *testing.T, n int, statement string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("{\n  \"Version\": \"5.0\",\n  \"Statement\": [\n    " + strings.Replace(statement, `{`, `{"Sid": "PAD", `, 1))
	for policy.Chars([]byte(b.String())) < n-200 {
		b.WriteString(",\n    " + statement)
	}
	b.WriteString("\n  ]\n}\n")
	doc := b.String()
	doc = strings.Replace(doc, `"PAD"`, `"PAD`+strings.Repeat("x", n-policy.Chars([]byte(doc)))+`"`, 1)
	if got := policy.Chars([]byte(doc)); got != n {
		t.Fatalf("built %d characters, want %d", got, n)
	}
	return doc
}

// heredoc is an HCL heredoc of text: HCL leaves backslashes in a heredoc as written, so an
// escape such as \u0069 reaches the provider, and the service, as its six characters.
func heredoc(text string) string { return "<<-EOT\n" + text + "EOT" }

// TestAccSizeLimit_planAnswersAsApplyWould is issue 16's point 8 through the CLI against the
// emulator: near the limit, plan's answer is apply's. A document whose actions are escaped
// (\u0069ms:...) is counted as written: one character over the limit fails the plan, with
// the count and the fix, and nothing is sent; at the limit it is created, the emulator
// holding the text written. A document whose canonical form is longer than the text
// written (actions and resources as bare strings) is counted as written too and created.
func TestAccSizeLimit_planAnswersAsApplyWould(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	escaped := func(n int) string {
		return sizedDocument(t, n, `{"Effect": "Allow", "Action": ["\u0069ms:images:list", "\u0069ms:images:get"], "Resource": ["*"]}`)
	}
	over, at := escaped(policy.MaxIdentityChars+1), escaped(policy.MaxIdentityChars)
	bare := sizedDocument(t, 6011, `{"Effect": "Allow", "Action": "ims:images:list", "Resource": "*"}`)
	for _, c := range []struct {
		doc     string
		written int
		over    bool
	}{{over, 6145, false}, {at, 6144, false}, {bare, 6011, true}} {
		// The cases are the ones where the canonical form's count answers otherwise.
		d, _ := policy.CheckJSON([]byte(c.doc), policy.Identity)
		if canonical := policy.Chars(d.Minified()); (canonical > policy.MaxIdentityChars) != c.over {
			t.Fatalf("the document of %d characters has %d canonical: not a case where the two counts disagree", c.written, canonical)
		}
	}
	config := func(doc string) string {
		return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_identity_policy" "test" {
  name   = "near-the-limit"
  policy = %s
}
`, heredoc(doc))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{
			{
				// Over by one as written: plan refuses it, naming the attribute, the count
				// on the text written and the fix.
				Config: config(over),
				ExpectError: regexp.MustCompile(`Invalid identity policy: document_too_large[\s\S]*` +
					`with imspolicy_identity_policy\.test[\s\S]*policy = [\s\S]*` +
					`6,145\s+characters\s+as\s+written[\s\S]*6,144;\s+write\s+escaped\s+characters\s+out`),
			},
			{
				// At the limit as written: plan accepts it and so does apply; the emulator
				// holds the text written, escapes and all (the first step sent nothing).
				Config: config(at),
				Check: func(*terraform.State) error {
					if ps := srv.Policies(); len(ps) != 1 {
						return fmt.Errorf("the emulator holds %d identity policies, want 1", len(ps))
					}
					p, ok := srv.PolicyByName("near-the-limit")
					if !ok {
						return fmt.Errorf("no policy near-the-limit")
					}
					if p.DefaultDocument() != at {
						return fmt.Errorf("the emulator holds a text of %d characters, not the one written", policy.Chars([]byte(p.DefaultDocument())))
					}
					return nil
				},
			},
			{
				// A text whose canonical form is over the limit but which is not, as
				// written: plan accepts it, apply sends it (a new version) and the emulator
				// accepts it.
				Config: config(bare),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("imspolicy_identity_policy.test", plancheck.ResourceActionUpdate)},
				},
				Check: checkEmulatorIdentityPolicy(srv, "near-the-limit", func(p emulator.Policy) error {
					if p.DefaultDocument() != bare {
						return fmt.Errorf("the emulator's default document is not the text written")
					}
					return nil
				}),
			},
		},
	})
}

// TestAccSizeLimit_scp: the same for an SCP's content, whose limit is 5,120.
func TestAccSizeLimit_scp(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	escaped := func(n int) string {
		return sizedDocument(t, n, `{"Effect": "Deny", "Action": ["\u0069ms:images:deleteImage"], "Resource": ["*"]}`)
	}
	config := func(doc string) string {
		return acctest.ProviderBlock(url) + fmt.Sprintf(`
resource "imspolicy_service_control_policy" "test" {
  name    = "near-the-limit"
  content = %s
}
`, heredoc(doc))
	}
	at := escaped(policy.MaxSCPChars)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             scpTestCheckNoCustomSCPs(srv),
		Steps: []resource.TestStep{
			{
				Config: config(escaped(policy.MaxSCPChars + 1)),
				ExpectError: regexp.MustCompile(`Invalid scp policy: document_too_large[\s\S]*` +
					`with imspolicy_service_control_policy\.test[\s\S]*content = [\s\S]*` +
					`5,121\s+characters\s+as\s+written`),
			},
			{
				Config: config(at),
				Check: func(*terraform.State) error {
					p, ok := srv.SCPByName("near-the-limit")
					if !ok || p.Content != at {
						return fmt.Errorf("the emulator does not hold the text written (found: %v)", ok)
					}
					return nil
				},
			},
		},
	})
}

// TestAccSizeLimit_sourceDocumentsAreNotSent: a source of imspolicy_policy_document is never
// sent, so it is not held to the limit; the merged document, printed without escapes, is
// what the resource sends, and plan and apply both accept it.
func TestAccSizeLimit_sourceDocumentsAreNotSent(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	source := sizedDocument(t, 6500, `{"Effect": "Allow", "Action": ["\u0069ms:images:list", "\u0069ms:images:get"], "Resource": ["*"]}`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		CheckDestroy:             checkNoIdentityPolicies(srv),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(url) + fmt.Sprintf(`
data "imspolicy_policy_document" "merged" {
  source_policy_documents = [
    %s
  ]
}

resource "imspolicy_identity_policy" "test" {
  name   = "from-a-source"
  policy = data.imspolicy_policy_document.merged.json
}
`, heredoc(source)),
			Check: checkEmulatorIdentityPolicy(srv, "from-a-source", func(p emulator.Policy) error {
				if n := policy.Chars([]byte(p.DefaultDocument())); n > policy.MaxIdentityChars || n < 5000 {
					return fmt.Errorf("the emulator holds a document of %d characters", n)
				}
				return nil
			}),
		}},
	})
}

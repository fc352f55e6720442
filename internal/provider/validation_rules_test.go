package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

const validationRulesGuide = "../../templates/guides/validation-rules.md.tmpl"

// TestValidationRulesGuide keeps the "Validation rules" guide in step with the checker's
// rules table: it renders the guide and compares. `make docs` runs it with
// UPDATE_GUIDES=1 to rewrite the guide.
func TestValidationRulesGuide(t *testing.T) {
	got := renderValidationRules(t)
	if os.Getenv("UPDATE_GUIDES") == "1" {
		if err := os.WriteFile(validationRulesGuide, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(validationRulesGuide)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run `make docs`", validationRulesGuide)
	}
}

func renderValidationRules(t *testing.T) []byte {
	var b bytes.Buffer
	b.WriteString(`---
page_title: "Validation rules"
subcategory: ""
description: |-
  Every finding the provider reports on a policy document, with an example and the fix.
---

# Validation rules

The provider checks every policy document it sees, in ` + "`imspolicy_policy_document`" + `, in the
policy arguments of resources and in the simulator's inputs, against the IMS catalog and the
vendor's grammar and limits. **Errors** fail the plan; **warnings** show in the plan (and in
the ` + "`findings`" + ` of ` + "`imspolicy_policy_document`" + `, so that ` + "`terraform test`" + ` can assert a policy is clean).
Each finding has a stable code, names the statement (and element) it is about, and says what
to write instead.

Actions of other services (` + "`obs:...`" + `, ` + "`ecs:...`" + `) pass: the catalog covers IMS only. Action
names are case-insensitive.

This page is generated from the checker's rules table; a test keeps the two in step.

| Code | Severity | Applies to |
|---|---|---|
`)
	for _, r := range policy.Rules() {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", r.Code, r.Code, r.Severity, appliesTo(r))
	}
	v3Intro := false
	for _, r := range policy.Rules() {
		if r.Language == policy.V3 && !v3Intro {
			v3Intro = true
			b.WriteString(`
## IAM v3 documents

The codes below are for IAM v3 documents, ` + "`\"Version\": \"1.1\"`" + ` custom policies and ` + "`\"1.0\"`" + `
roles (the documents of ` + "`huaweicloud_identity_role`" + `): ` + "`imspolicy check`" + ` recognises them by their
Version, and ` + "`imspolicy_policy_document`" + ` checks them with ` + "`policy_language = \"v3\"`" + `. Their grammar,
limits and the 13 v3 IMS actions are not those of v5, and v3 and v5 share no IMS action names:
` + "`ims:images:delete`" + ` is a v3 action, ` + "`ims:images:deleteImage`" + ` a v5 one. Where a rule rests on a
reading of the vendor's pages rather than a statement, it says "inferred"; where the vendor's
pages disagree, the rule is a warning that says the question is open.
`)
		}
		findings := r.ExampleFindings()
		message := ""
		for _, f := range findings {
			if f.Code == r.Code {
				message = f.String()
				break
			}
		}
		if message == "" {
			t.Fatalf("the example of %s does not draw it", r.Code)
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s (%s). %s\n\n**Fix:** %s\n\n", r.Code, capitalizeFirst(r.Severity.String()), appliesTo(r), r.Summary, r.Fix)
		example := r.Example
		if len(example) > 600 {
			example = example[:300] + " … " + example[len(example)-100:]
			fmt.Fprintf(&b, "Example (%d characters, shortened here):\n\n", len(r.Example))
		} else {
			var indented bytes.Buffer
			if json.Indent(&indented, []byte(example), "", "  ") == nil {
				example = indented.String()
			}
			b.WriteString("Example:\n\n")
		}
		fmt.Fprintf(&b, "```json\n%s\n```\n\nThe checker says:\n\n```text\n%s\n```\n", example, message)
	}
	return b.Bytes()
}

func appliesTo(r policy.Rule) string {
	switch {
	case r.Language == policy.V3:
		return "IAM v3 documents"
	case r.SCPOnly:
		return "SCPs"
	case r.IdentityOnly:
		return "identity policies"
	default:
		return "identity policies and SCPs"
	}
}

func capitalizeFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// hclString writes s as an HCL heredoc, escaping template sequences.
func hclString(s string) string {
	s = strings.ReplaceAll(s, "${", "$${")
	s = strings.ReplaceAll(s, "%{", "%%{")
	return "<<-EOT\n" + s + "\nEOT\n"
}

// TestAccValidationRules plans every rule's example through the real Terraform CLI: an
// error fails the plan with the checker's message (which names the fix) on the attribute;
// a warning appears in the findings of imspolicy_policy_document.
func TestAccValidationRules(t *testing.T) {
	var steps []resource.TestStep
	for _, r := range policy.Rules() {
		if r.Language == policy.V3 {
			continue // TestAccValidationRulesV3
		}
		purpose := policy.Identity
		if r.SCPOnly {
			purpose = policy.SCP
		}
		_, findings := policy.CheckJSON([]byte(r.Example), purpose)
		var finding policy.Finding
		for _, f := range findings {
			if f.Code == r.Code {
				finding = f
				break
			}
		}
		if r.Severity == policy.Error {
			// The simulator's policy arguments are validated by the PolicyDocument validator.
			config := fmt.Sprintf("data \"imspolicy_policy_simulation\" \"check\" {\n  identity_policies = [%s]\n}\n", hclString(r.Example))
			if r.SCPOnly {
				config = fmt.Sprintf("data \"imspolicy_policy_simulation\" \"check\" {\n  scp_level {\n    name     = \"root\"\n    policies = [%s]\n  }\n}\n", hclString(r.Example))
			}
			if policy.LanguageOf([]byte(r.Example)) == policy.V3 {
				// The simulator takes v3 documents (wrong_version's example is one); the
				// analyser's identity policies are v5 only.
				config = fmt.Sprintf("data \"imspolicy_access_analysis\" \"check\" {\n  identity_policies = [%s]\n}\n", hclString(r.Example))
			}
			// Terraform wraps long messages: match the message with any white space.
			words := strings.Fields(finding.Message)
			if len(words) > 40 {
				words = words[:40]
			}
			for i, w := range words {
				words[i] = regexp.QuoteMeta(w)
			}
			steps = append(steps, resource.TestStep{
				Config:      config,
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Invalid %s policy: %s.*%s`, purpose, r.Code, strings.Join(words, `\s+`))),
			})
			continue
		}
		purposeArg := ""
		if r.SCPOnly {
			purposeArg = `purpose = "scp"`
		}
		body := fmt.Sprintf("override_policy_documents = [%s]", hclString(r.Example))
		if r.Code == "duplicate_sid" {
			// Override documents replace statements by Sid; statement blocks keep both.
			body = `
  statement {
    sid     = "A"
    actions = ["ims:images:list"]
  }
  statement {
    sid     = "A"
    actions = ["ims:quotas:get"]
  }`
		}
		config := fmt.Sprintf(`
data "imspolicy_policy_document" "check" {
  %s
  %s
}
output "codes" { value = [for f in data.imspolicy_policy_document.check.findings : f.code] }
output "messages" { value = [for f in data.imspolicy_policy_document.check.findings : f.message if f.code == %q] }
`, purposeArg, body, r.Code)
		steps = append(steps, resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("messages", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(finding.Message)})),
			},
		})
	}
	// A valid last step, so that the test's final destroy can plan.
	steps = append(steps, resource.TestStep{Config: `data "imspolicy_actions" "all" {}`})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// TestAccValidationRulesV3 plans every v3 rule's example through the real Terraform CLI
// in imspolicy_policy_document with policy_language = "v3": an error fails the plan with
// the checker's message; a warning appears in the findings.
func TestAccValidationRulesV3(t *testing.T) {
	var steps []resource.TestStep
	for _, r := range policy.Rules() {
		if r.Language != policy.V3 {
			continue
		}
		var finding policy.Finding
		for _, f := range r.ExampleFindings() {
			if f.Code == r.Code {
				finding = f
				break
			}
		}
		if finding.Code == "" {
			t.Fatalf("the example of %s does not draw it", r.Code)
		}
		config := fmt.Sprintf(`
data "imspolicy_policy_document" "check" {
  policy_language           = "v3"
  override_policy_documents = [%s]
}
output "messages" { value = [for f in data.imspolicy_policy_document.check.findings : f.message if f.code == %q] }
`, hclString(r.Example), r.Code)
		if r.Severity == policy.Error {
			words := strings.Fields(finding.Message)
			if len(words) > 40 {
				words = words[:40]
			}
			for i, w := range words {
				words[i] = regexp.QuoteMeta(w)
			}
			steps = append(steps, resource.TestStep{
				Config:      config,
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Invalid IAM v3 policy: %s.*%s`, r.Code, strings.Join(words, `\s+`))),
			})
			continue
		}
		steps = append(steps, resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("messages", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(finding.Message)})),
			},
		})
	}
	steps = append(steps, resource.TestStep{Config: `data "imspolicy_actions" "all" {}`})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccPolicyDocumentDataSource(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_policy_document" "test" {
  statement {
    sid       = "CopyOwnImages"
    actions   = ["ims:images:copyCrossRegion"]
    resources = ["ims:*:acct:image:*"]
    condition {
      operator = "StringEquals"
      key      = "ims:Region"
      values   = ["cn-north-4", "cn-east-3"]
    }
    condition {
      operator = "BoolIfExists"
      key      = "ims:Encrypted"
      values   = ["true"]
    }
  }
  statement {
    effect  = "Deny"
    actions = ["ims:images:deleteImage"]
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("purpose"), knownvalue.StringExact("identity")),
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("minified_json"), knownvalue.StringExact(
					`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"]},{"Sid":"CopyOwnImages","Effect":"Allow","Action":["ims:images:copyCrossRegion"],"Resource":["ims:*:acct:image:*"],"Condition":{"BoolIfExists":{"ims:Encrypted":["true"]},"StringEquals":{"ims:Region":["cn-east-3","cn-north-4"]}}}]}`)),
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("json"), knownvalue.StringRegexp(regexp.MustCompile(`^\{\n  "Version": "5.0",\n  "Statement": \[\n    \{\n      "Sid": "CopyOwnImages",`))),
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// TestAccPolicyDocumentDataSource_patternLetters: minified_json and json keep a pattern's
// letters (the catalog's spelling applies to exact names only), while normalize_policy
// gives case variants one form.
func TestAccPolicyDocumentDataSource_patternLetters(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_policy_document" "test" {
  statement {
    actions   = ["ims:images:*Member", "IMS:IMAGES:GET", "ims:images:*member"]
    resources = ["*"]
  }
}
output "normal" {
  value = provider::imspolicy::normalize_policy(data.imspolicy_policy_document.test.json)
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("minified_json"), knownvalue.StringExact(
					`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:*Member","ims:images:get"],"Resource":["*"]}]}`)),
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("json"), knownvalue.StringRegexp(regexp.MustCompile(`"ims:images:\*Member",\s+"ims:images:get",\s+"ims:images:\*member"`))),
				statecheck.ExpectKnownOutputValue("normal", knownvalue.StringExact(
					`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:*member","ims:images:get"],"Resource":["*"]}]}`)),
			},
		}},
	})
}

// TestAccPolicyDocumentDataSource_awsArguments: AWS's test and variable in a condition
// block are refused with the names to write, not "Unsupported argument"; operator and key
// stay required.
func TestAccPolicyDocumentDataSource_awsArguments(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "imspolicy_policy_document" "test" {
  statement {
    effect  = "Deny"
    actions = ["ims:images:copyCrossRegion"]
    condition {
      test     = "StringNotEquals"
      variable = "ims:Region"
      values   = ["cn-north-4"]
    }
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)AWS argument name.*"test" is the argument of AWS's\s+aws_iam_policy_document; here it is\s+"operator": write\s+operator\s+=\s+"StringNotEquals"\..*AWS argument name.*"variable" is the argument of AWS's\s+aws_iam_policy_document; here it is\s+"key": write\s+key\s+=\s+"ims:Region"\.`),
			},
			{
				Config: `
data "imspolicy_policy_document" "test" {
  statement {
    actions = ["ims:images:copyCrossRegion"]
    condition {
      key    = "ims:Region"
      values = ["cn-north-4"]
    }
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Missing required argument.*The argument "operator" is required in a condition block, such as\s+operator\s+=\s+"StringEquals"`),
			},
		},
	})
}

func TestAccPolicyDocumentDataSource_merge(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
locals {
  base = jsonencode({ Version = "5.0", Statement = [
    { Sid = "Read", Effect = "Allow", Action = "ims:images:list" },
    { Sid = "Quota", Effect = "Allow", Action = ["ims:quotas:get"] },
  ] })
  override = jsonencode({ Version = "5.0", Statement = [
    { Sid = "Quota", Effect = "Deny", Action = ["ims:quotas:get"] },
    { Effect = "Allow", Action = ["ims:images:getJob"] },
  ] })
}
data "imspolicy_policy_document" "test" {
  source_policy_documents   = [local.base]
  override_policy_documents = [local.override]
  statement {
    sid     = "Read"
    actions = ["ims:images:list", "ims:images:get"]
  }
  statement {
    sid     = "Upload"
    actions = ["ims:images:upload"]
  }
}
output "order" {
  value = [for s in jsondecode(data.imspolicy_policy_document.test.json).Statement : lookup(s, "Sid", "")]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				// Source statements first, replaced in place by blocks with their Sid; then new
				// blocks; override statements replace by Sid or are appended. json keeps that
				// order; minified_json, the normal form, sorts the statements.
				statecheck.ExpectKnownOutputValue("order", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("Read"), knownvalue.StringExact("Quota"), knownvalue.StringExact("Upload"), knownvalue.StringExact(""),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("minified_json"), knownvalue.StringExact(
					`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:getJob"]},{"Sid":"Quota","Effect":"Deny","Action":["ims:quotas:get"]},{"Sid":"Read","Effect":"Allow","Action":["ims:images:get","ims:images:list"]},{"Sid":"Upload","Effect":"Allow","Action":["ims:images:upload"]}]}`)),
			},
		}},
	})
}

func TestAccPolicyDocumentDataSource_warningsInFindings(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "imspolicy_policy_document" "test" {
  statement {
    sid       = "Share"
    actions   = ["ims:images:share"]
    resources = ["ims:*:acct:image:*"]
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"severity":  knownvalue.StringExact("warning"),
						"code":      knownvalue.StringExact("deprecated_action"),
						"statement": knownvalue.Int64Exact(0),
						"path":      knownvalue.StringExact("Statement[0].Action[0]"),
						"message":   knownvalue.StringRegexp(regexp.MustCompile(`ims:images:addMember.*ims:images:deleteMember.*ims:images:updateMemberStatus`)),
					}),
				})),
			},
		}},
	})
}

func TestAccPolicyDocumentDataSource_errors(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The error points at the statement block that holds the mistake.
				Config: `
data "imspolicy_policy_document" "test" {
  statement {
    actions = ["ims:images:list"]
  }
  statement {
    actions = ["ims:images:gte"]
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid identity policy: unknown_action.*actions = \["ims:images:gte"\].*did\s+you\s+mean\s+"ims:images:get"`),
			},
			{
				// Condition findings point at the condition block's argument: the operator,
				// the key, or the value (counted across blocks with the same operator and key).
				Config:      policyDocumentConditionConfig(`operator = "StringEqual"`, `key = "ims:Region"`, `values = ["cn-north-4"]`),
				ExpectError: regexp.MustCompile(`(?s)unknown_operator.*operator = "StringEqual"`),
			},
			{
				Config:      policyDocumentConditionConfig(`operator = "StringEquals"`, `key = "ims:Regoin"`, `values = ["cn-north-4"]`),
				ExpectError: regexp.MustCompile(`(?s)unknown_condition_key.*key\s+= "ims:Regoin"`),
			},
			{
				Config:      policyDocumentConditionConfig(`operator = "Bool"`, `key = "g:MFAPresent"`, `values = ["maybe"]`),
				ExpectError: regexp.MustCompile(`(?s)invalid_condition_value.*values\s+= \["maybe"\]`),
			},
			{
				// A document too large underlines the longest list of the statement block
				// that takes the most characters.
				Config: `
data "imspolicy_policy_document" "test" {
  statement {
    actions = ["ims:images:list"]
  }
  statement {
    actions   = ["ims:images:get"]
    resources = [for i in range(300) : format("ims:cn-north-4:%032x:image:*", i)]
  }
  statement {
    actions = ["ims:images:share"]
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)document_too_large.*resources = \[for i in range\(300\)`),
			},
			{
				Config: `
data "imspolicy_policy_document" "test" {
  purpose = "scp"
  statement {
    actions   = ["ims:images:list"]
    resources = ["ims:*:acct:image:*"]
  }
}
`,
				ExpectError: regexp.MustCompile(`Invalid scp policy: scp_allow_resource`),
			},
			{
				Config: `
data "imspolicy_policy_document" "test" {
  source_policy_documents = ["{\"Version\":\"5.0\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"ims:images:list\"},{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"ims:images:get\"}]}"]
}
`,
				ExpectError: regexp.MustCompile(`Sid "A" appears more than once in the source documents`),
			},
			{
				// Sources and overrides are checked like any other document.
				Config: `
data "imspolicy_policy_document" "test" {
  source_policy_documents = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = "ims:images:list" }] }), jsonencode({ Version = "1.1", Statement = [{ Effect = "Allow", Action = ["ims:images:list"] }] })]
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid identity policy: wrong_version.*source_policy_documents\[1\]:.*Version\s+"1.1"\s+is\s+an\s+IAM\s+v3\s+custom\s+policy\s+\(a\s+role's\s+document\),\s+not\s+a\s+v5\s+identity\s+policy`),
			},
			{
				Config: `
data "imspolicy_policy_document" "test" {
  override_policy_documents = ["{\"Version\": \"5.0\", "]
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid identity policy: malformed_json.*override_policy_documents\[0\]:\s+line\s+1\s+col\s+\d+:.*the\s+document\s+is\s+not\s+valid\s+JSON:`),
			},
			{
				Config:      `data "imspolicy_policy_document" "test" {}`,
				ExpectError: regexp.MustCompile(`missing_statement`),
			},
			{
				Config: `
data "imspolicy_policy_document" "test" {
  statement {
    effect  = "allow"
    actions = ["ims:images:list"]
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)effect.*value must be one of`),
			},
			{
				Config: `data "imspolicy_actions" "valid_last_step" {}`,
			},
		},
	})
}

// policyDocumentConditionConfig is a document whose second statement has a valid
// condition block and then one with the given arguments, one per line.
func policyDocumentConditionConfig(operator, key, values string) string {
	return fmt.Sprintf(`
data "imspolicy_policy_document" "test" {
  statement {
    actions = ["ims:images:list"]
  }
  statement {
    actions   = ["ims:images:get"]
    resources = ["*"]
    condition {
      operator = "StringEquals"
      key      = "g:ResourceTag/team"
      values   = ["builders"]
    }
    condition {
      %s
      %s
      %s
    }
  }
}
`, operator, key, values)
}

const ignoreFindingsConfig = `
data "imspolicy_policy_document" "test" {
  ignore_findings = %s
  statement {
    actions   = ["ims:*"]
    resources = ["*"]
  }
  statement {
    actions   = ["ims:images:share"]
    resources = ["*"]
  }
}
`

// ignore_findings leaves the ignored warnings out of findings (the others stay), and an
// error's code, or a code no rule has, is a plan error.
func TestAccPolicyDocumentDataSource_ignoreFindings(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(ignoreFindingsConfig, `["deprecated_action"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"code": knownvalue.StringExact("allow_all_write"), "statement": knownvalue.Int64Exact(0),
						}),
					})),
				},
			},
			{
				Config: fmt.Sprintf(ignoreFindingsConfig, `["deprecated_action", "allow_all_write"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.imspolicy_policy_document.test", tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			{
				Config:      fmt.Sprintf(ignoreFindingsConfig, `["unknown_action"]`),
				ExpectError: regexp.MustCompile(`(?s)ignore_findings.*"unknown_action" is an error, and errors cannot be\s+ignored`),
			},
			{
				Config:      fmt.Sprintf(ignoreFindingsConfig, `["deprecated_actoin"]`),
				ExpectError: regexp.MustCompile(`(?s)did you mean\s+"deprecated_action"`),
			},
			// A valid last step, for the harness's destroy.
			{Config: fmt.Sprintf(ignoreFindingsConfig, `[]`)},
		},
	})
}

// The plan's warnings leave ignored codes out too. The harness cannot assert warnings, so
// this test runs Terraform itself (plan -json).
func TestAccPolicyDocumentDataSource_ignoreFindingsInPlanWarnings(t *testing.T) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run Terraform")
	}
	cliConfig, terraformBlock := acctest.CLIWithBuiltProvider(t)
	work := t.TempDir()
	config := terraformBlock + fmt.Sprintf(ignoreFindingsConfig, `["deprecated_action"]`)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := exec.Command(tf, "plan", "-json", "-input=false", "-lock=false")
	plan.Dir = work
	plan.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG=")
	out, err := plan.Output()
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	var warned []string
	for _, line := range strings.Split(string(out), "\n") {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary string
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Severity == "warning" {
			warned = append(warned, msg.Diagnostic.Summary)
		}
	}
	all := strings.Join(warned, "\n")
	if !strings.Contains(all, "allow_all_write") || strings.Contains(all, "deprecated_action") {
		t.Errorf("plan warnings %q: want allow_all_write and no deprecated_action", warned)
	}
}

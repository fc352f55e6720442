package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

func TestStripInstanceKeys(t *testing.T) {
	for in, want := range map[string]string{
		"t.n":                                  "t.n",
		"t.n[0]":                               "t.n",
		`module.a["x"].module.b[0].t.n[12]`:    "module.a.module.b.t.n",
		`module.a["x.y]"].t.n["k"]`:            "module.a.t.n",
		`module.a["say \"]\" twice"].t.n[1]`:   "module.a.t.n",
		`module.team["blue"].imspolicy_x.team`: "module.team.imspolicy_x.team",
	} {
		if got := stripInstanceKeys(in); got != want {
			t.Errorf("stripInstanceKeys(%s) = %s, want %s", in, got, want)
		}
	}
}

// writeConfig writes files (path: text) under a new directory and returns it.
func writeConfig(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lineOf is the line (from 1) of the first line of file that contains s.
func lineOf(t *testing.T, file, s string) int {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(text), "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", file, s)
	return 0
}

const locatorMain = `
resource "imspolicy_identity_policy" "inline" {
  name = "inline"
  policy = jsonencode({
    Version = "5.0"
    Statement = [{
      Effect = "Allow"
      Action = "ims:images:list"
      Resource = ["*"]
      Condition = {
        StringEquals = {
          "ims:Region" = ["cn-north-4", "cn-south-1"] # CONDITION VALUES
        }
      }
    }]
  })
}

data "imspolicy_policy_document" "conditions" {
  statement {
    actions = ["ims:images:list"] # PLAIN ACTIONS
    condition {
      operator = "StringEquals"
      key      = "ims:Region"
      values   = ["cn-north-4"]
    }
    condition {
      operator = "StringEquals" # SECOND OPERATOR
      key      = "ims:Region"
      values   = ["cn-south-1"] # SECOND BLOCK VALUE
    }
  }
}

resource "imspolicy_identity_policy" "conditions" {
  name   = "conditions"
  policy = "${data.imspolicy_policy_document.conditions.json}"
}

resource "imspolicy_identity_policy" "minified" {
  name   = "minified"
  policy = data.imspolicy_policy_document.conditions.minified_json # MINIFIED
}

data "imspolicy_policy_document" "merged" { # MERGED BLOCK
  override_policy_documents = [file("override.json")]
  statement {
    actions = ["ims:images:get"]
  }
  statement {
    sid     = "Named"
    actions = ["ims:images:list", "ims:images:share"] # NAMED ACTIONS
  }
}

resource "imspolicy_identity_policy" "merged" {
  name   = "merged"
  policy = data.imspolicy_policy_document.merged.json
}

locals {
  doc = jsonencode({ Version = "5.0" })
}

resource "imspolicy_identity_policy" "local" { # LOCAL BLOCK
  name   = "local"
  policy = local.doc # LOCAL ATTRIBUTE
}

resource "imspolicy_identity_policy" "later" { # LATER BLOCK
  name = "later"
}

module "child" {
  source = "./child"
  count  = 2
}
`

const locatorChild = `
resource "imspolicy_identity_policy" "reformatted" {
  name   = "reformatted"
  policy = file("${path.module}/p.json")
}

resource "imspolicy_identity_policy" "big" {
  name   = "big"
  policy = file("${path.module}/big.json") # BIG ATTRIBUTE
}

module "again" {
  source = "../child" # calls itself: followed only so far
}
`

// The locator finds each element of the ways a configuration writes a document, and
// falls back to the attribute, then the resource block, where it cannot go further.
func TestLocateFinding(t *testing.T) {
	childJSON := "{\n  \"Version\": \"5.0\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"ims:images:list\", \"ims:images:share\"],\n      \"Resource\": [\"*\"]\n    }\n  ]\n}\n"
	dir := writeConfig(t, map[string]string{
		"main.tf":        locatorMain,
		"broken.tf":      "resource \"imspolicy_identity_policy\" \"broken\" {\n", // not HCL: passed over
		"child/main.tf":  locatorChild,
		"child/p.json":   childJSON,
		"child/big.json": "{" + strings.Repeat(" ", maxPolicyFileBytes) + "}", // too large to be read
	})
	c, err := loadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.tf")
	// The plan holds the child's document minified, as the provider may write it: its
	// positions are not the file's, so the file is checked again.
	minified := []byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:share"],"Resource":["*"]}]}`)
	_, childFindings := policy.CheckJSON(minified, policy.Identity)
	if len(childFindings) != 1 || childFindings[0].Code != "deprecated_action" {
		t.Fatalf("the child's document has findings %v, want one deprecated_action", childFindings)
	}
	region := policy.StatementAt(0, policy.ConditionElement).InCondition("StringEquals", "ims:Region")
	for _, c2 := range []struct {
		name    string
		address string
		finding policy.Finding
		file    string
		line    int
		column  int // 0: any
	}{
		{"jsonencode condition value", "imspolicy_identity_policy.inline", policy.Finding{At: region.Item(1)}, main, lineOf(t, main, "CONDITION VALUES"), 41},
		{"jsonencode string action", "imspolicy_identity_policy.inline", policy.Finding{At: policy.StatementAt(0, policy.ActionElement).Item(0)}, main, lineOf(t, main, `Action = "ims:images:list"`), 16},
		{"jsonencode missing element: its statement", "imspolicy_identity_policy.inline", policy.Finding{At: policy.StatementAt(0, policy.NotResourceElement)}, main, lineOf(t, main, "Statement = [{"), 18},
		{"jsonencode document", "imspolicy_identity_policy.inline", policy.Finding{At: policy.DocumentAt(policy.VersionElement)}, main, lineOf(t, main, `Version = "5.0"`), 15},
		{"data source, second condition block's value", "imspolicy_identity_policy.conditions", policy.Finding{At: region.Item(1)}, main, lineOf(t, main, "SECOND BLOCK VALUE"), 0},
		{"data source, condition operator", "imspolicy_identity_policy.conditions", policy.Finding{At: policy.StatementAt(0, policy.ConditionElement).InCondition("StringEquals", "")}, main, lineOf(t, main, `operator = "StringEquals"`), 0},
		{"data source, actions", "imspolicy_identity_policy.conditions", policy.Finding{At: policy.StatementAt(0, policy.ActionElement).Item(0)}, main, lineOf(t, main, "PLAIN ACTIONS"), 16},
		{"minified_json: the attribute", "imspolicy_identity_policy.minified", policy.Finding{At: policy.StatementAt(0, policy.ActionElement).Item(0)}, main, lineOf(t, main, "MINIFIED"), 3},
		{"merged, by Sid", "imspolicy_identity_policy.merged", policy.Finding{At: policy.StatementAt(5, policy.ActionElement).Item(1), Sid: "Named"}, main, lineOf(t, main, "NAMED ACTIONS"), 35},
		{"merged, no Sid: the data block", "imspolicy_identity_policy.merged", policy.Finding{At: policy.StatementAt(0, policy.ActionElement).Item(0)}, main, lineOf(t, main, "MERGED BLOCK"), 1},
		{"not inline: the attribute", "imspolicy_identity_policy.local", policy.Finding{At: policy.StatementAt(0, policy.ActionElement).Item(0)}, main, lineOf(t, main, "LOCAL ATTRIBUTE"), 3},
		{"no attribute: the block", "imspolicy_identity_policy.later", policy.Finding{At: policy.DocumentAt(policy.VersionElement)}, main, lineOf(t, main, "LATER BLOCK"), 1},
		{"module instance, file() checked again", "module.child[1].imspolicy_identity_policy.reformatted", childFindings[0], filepath.Join(dir, "child", "p.json"), 6, 37},
		{"file() too large to read: the attribute", "module.child[0].imspolicy_identity_policy.big", childFindings[0], filepath.Join(dir, "child", "main.tf"), lineOf(t, filepath.Join(dir, "child", "main.tf"), "BIG ATTRIBUTE"), 3},
		{"module called by itself", "module.child[0].module.again.module.again.imspolicy_identity_policy.reformatted", childFindings[0], filepath.Join(dir, "child", "p.json"), 6, 37},
	} {
		t.Run(c2.name, func(t *testing.T) {
			d := &document{Address: c2.address, Attribute: "policy", Purpose: policy.Identity, Text: minified}
			got, ok := c.locateFinding(d, c2.finding)
			if !ok {
				t.Fatalf("%s not found", c2.address)
			}
			if got.File != c2.file || got.Line != c2.line || c2.column != 0 && got.Column != c2.column {
				t.Errorf("at %s, want %s:%d:%d", got, c2.file, c2.line, c2.column)
			}
		})
	}
	for _, missing := range []string{"imspolicy_identity_policy.broken", "module.other.imspolicy_identity_policy.inline", "imspolicy_identity_policy.nothing"} {
		if got, ok := c.locateFinding(&document{Address: missing, Attribute: "policy"}, policy.Finding{}); ok {
			t.Errorf("%s found at %s, want not found", missing, got)
		}
	}
}

// A document not checked is reported on its resource block's line.
func TestNotCheckedOnTheResourceLine(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.tf": locatorMain})
	docs := []document{{Source: "plan.json", Address: "imspolicy_identity_policy.later", Attribute: "policy", Unchecked: unknownValue}}
	note, err := locateInConfig(docs, dir)
	if err != nil || note != "" {
		t.Fatalf("note %q, error %v; want neither", note, err)
	}
	var out bytes.Buffer
	newReport(docs, checkOptions{}).writeText(&out)
	want := filepath.Join(dir, "main.tf") + ":" + itoa(lineOf(t, filepath.Join(dir, "main.tf"), "LATER BLOCK")) + ":1: imspolicy_identity_policy.later.policy: not checked:"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("text output:\n%s\nwant it to start with %s", out.String(), want)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// checkJSON runs check --format json and returns the report and stderr.
func checkJSON(t *testing.T, args ...string) (report, string) {
	t.Helper()
	stdout, stderr, _ := run(t, append([]string{"check", "--format", "json"}, args...), "")
	var r report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s%s", err, stdout, stderr)
	}
	return r, stderr
}

// Without --config, the working directory is the configuration when it is the plan's root
// module; else the results stay on the plan, and a note says so once. The fingerprints are
// the same either way: they hash no line.
func TestConfigDefaultsToTheWorkingDirectory(t *testing.T) {
	plan, err := filepath.Abs("testdata/tfconfig-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("testdata/tfconfig")
	inRoot, stderr := checkJSON(t, "--base", "..", plan)
	if stderr != "" {
		t.Errorf("stderr %q, want nothing", stderr)
	}
	t.Chdir("..")
	elsewhere, stderr := checkJSON(t, "--base", ".", plan)
	if strings.Count(stderr, "note:") != 1 || !strings.Contains(stderr, "6 results point at the plan file") || !strings.Contains(stderr, "--config DIR") {
		t.Errorf("stderr %q, want one note that 6 results point at the plan, naming --config", stderr)
	}
	located := 0
	for i, d := range inRoot.Documents {
		for j, f := range d.Findings {
			if f.SourceFile != "" {
				located++
				// Each planted mistake is an ims:images:share on that line and column, but
				// the one a merged source document holds, which is the data source block.
				text, err := os.ReadFile(filepath.Join("tfconfig", f.SourceFile)) // the paths are the root module's
				if err != nil {
					t.Fatal(err)
				}
				line := strings.Split(string(text), "\n")[f.SourceLine-1]
				want := `"ims:images:share"`
				if f.Sid == "FromSource" {
					want = `data "imspolicy_policy_document" "merged"`
				}
				if f.SourceColumn < 1 || !strings.HasPrefix(line[f.SourceColumn-1:], want) {
					t.Errorf("%s %s is at %s:%d:%d, which does not start %s: %q", d.Address, f.Path, f.SourceFile, f.SourceLine, f.SourceColumn, want, line)
				}
			}
			if want := lineOf(t, "tfconfig/main.tf", `"ims:images:get", "ims:images:share"`); d.Address == "imspolicy_identity_policy.inline" && (f.SourceFile != "main.tf" || f.SourceLine != want) {
				t.Errorf("the inline finding is at %s:%d, want main.tf:%d", f.SourceFile, f.SourceLine, want)
			}
			g := elsewhere.Documents[i].Findings[j]
			if g.SourceFile != "" {
				t.Errorf("without a configuration, %s is at %s", d.Address, g.SourceFile)
			}
			if f.Fingerprint != g.Fingerprint {
				t.Errorf("%s %s: fingerprint %s with the configuration, %s without", d.Address, f.Path, f.Fingerprint, g.Fingerprint)
			}
		}
	}
	if located != 6 {
		t.Errorf("%d findings located, want 6", located)
	}
}

// --config names a directory.
func TestConfigNotADirectory(t *testing.T) {
	_, stderr, exit := run(t, []string{"check", "--config", "testdata/clean.json", "testdata/tfconfig-plan.json"}, "")
	if exit != exitUsage || !strings.Contains(stderr, "--config testdata/clean.json is not a directory") {
		t.Errorf("exit %d, stderr %q; want 2 and the reason", exit, stderr)
	}
}

// --plan's per-principal results point at the plan file, with or without --config (which
// a note says is not used): the same results, the same fingerprints.
func TestDiffAccessPlanResultsDoNotDependOnConfig(t *testing.T) {
	args := []string{"diff-access", "--format", "sarif", "--plan", "testdata/estate/gate/hw-mixed-plan.json", "--state", "testdata/estate/gate/hw-iam.json"}
	without, _, exit := run(t, args, "")
	with, stderr, exitWith := run(t, append(args, "--config", "testdata/tfconfig"), "")
	if exit != ExitFindings || exitWith != exit || with != without || !strings.Contains(without, "hw-mixed-plan.json") ||
		!strings.Contains(stderr, "--config is not used") {
		t.Errorf("exit %d, %d with --config; stderr %q; the logs differ: %v", exit, exitWith, stderr, with != without)
	}
}

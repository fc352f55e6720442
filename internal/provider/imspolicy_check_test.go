package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/cli"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// realPlanConfig has this provider's policy resources in the root module and in a child
// module, with count and for_each, a document from imspolicy_policy_document with a
// warning, one with a deprecated action, and one known only after apply.
const realPlanRoot = `
data "imspolicy_policy_document" "admin" {
  statement {
    actions   = ["ims:*"]
    resources = ["*"]
  }
}

resource "imspolicy_identity_policy" "readers" {
  name   = "readers"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get", "ims:images:list"], Resource = ["*"] }] })
}

resource "imspolicy_identity_policy" "admin" {
  name   = "admin"
  policy = data.imspolicy_policy_document.admin.json
}

resource "imspolicy_identity_policy" "computed" {
  name   = "computed"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"], Resource = ["ims:*:*:image:${imspolicy_identity_policy.readers.id}"] }] })
}

resource "imspolicy_service_control_policy" "guard" {
  for_each = toset(["copy", "delete"])
  name     = "deny-${each.key}"
  content  = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = [each.key == "copy" ? "ims:images:copyCrossRegion" : "ims:images:deleteImage"], Resource = ["*"] }] })
}

module "team" {
  source = "./team"
}
`

const realPlanModule = `
resource "imspolicy_identity_policy" "sharers" {
  count  = 2
  name   = "sharers-${count.index}"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:share"], Resource = ["*"] }] })
}

resource "imspolicy_identity_policy_attachment" "sharers" {
  policy_id      = imspolicy_identity_policy.sharers[1].id
  principal_type = "group"
  principal_id   = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
}
`

// TestAccImspolicyCheck_realPlan writes a plan of this provider's resources with the CLI
// (TF_ACC_TERRAFORM_PATH: Terraform or OpenTofu) against the emulator, turns it into JSON
// with `show -json`, and checks it with the imspolicy command. With UPDATE_REAL_PLAN=1 it
// also writes internal/cli/testdata/real-plan.json, the plan the command's golden tests
// read (with the emulator's port made stable and its credentials left out).
func TestAccImspolicyCheck_realPlan(t *testing.T) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run Terraform")
	}
	_, url := acctest.StartEmulator(t, emulator.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	cliConfig, terraformBlock := acctest.CLIWithBuiltProvider(t)
	work := t.TempDir()
	files := map[string]string{
		"main.tf":      terraformBlock + acctest.ProviderBlock(url) + realPlanRoot,
		"team/main.tf": terraformBlock + realPlanModule,
	}
	for name, content := range files {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runCLI := func(args ...string) []byte {
		t.Helper()
		cmd := exec.CommandContext(ctx, tf, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s\n%s", tf, strings.Join(args, " "), err, out, stderr.String())
		}
		return out
	}
	// The child module must be installed: `get` records it and, unlike init, asks no
	// registry about providers (dev_overrides serve the only one).
	runCLI("get")
	runCLI("plan", "-input=false", "-lock=false", "-out=plan.out")
	planJSON := runCLI("show", "-json", "plan.out")
	planFile := filepath.Join(work, "plan.json")
	if err := os.WriteFile(planFile, planJSON, 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	exit := cli.Run([]string{"check", "--format", "json", "--fail-on", "warning", planFile}, nil, &stdout, &stderr)
	if exit != cli.ExitFindings {
		t.Fatalf("exit %d, want %d (warnings, --fail-on warning)\n%s%s", exit, cli.ExitFindings, stdout.String(), stderr.String())
	}
	var got struct {
		Documents []struct {
			Address          string `json:"address"`
			Purpose          string `json:"purpose"`
			Checked          bool   `json:"checked"`
			NotCheckedReason string `json:"not_checked_reason"`
			Findings         []struct {
				Code string `json:"code"`
			} `json:"findings"`
		} `json:"documents"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	summary := map[string]string{}
	for _, d := range got.Documents {
		var codes []string
		for _, f := range d.Findings {
			codes = append(codes, f.Code)
		}
		state := d.Purpose + " " + strings.Join(codes, ",")
		if !d.Checked {
			state = "not checked: " + d.NotCheckedReason
		}
		summary[d.Address] = state
	}
	want := map[string]string{
		"imspolicy_identity_policy.admin":                  "identity allow_all_write",
		"imspolicy_identity_policy.computed":               "not checked: unknown_value",
		"imspolicy_identity_policy.readers":                "identity ",
		`imspolicy_service_control_policy.guard["copy"]`:   "scp ",
		`imspolicy_service_control_policy.guard["delete"]`: "scp ",
		"module.team.imspolicy_identity_policy.sharers[0]": "identity deprecated_action",
		"module.team.imspolicy_identity_policy.sharers[1]": "identity deprecated_action",
	}
	for addr, w := range want {
		if summary[addr] != w {
			t.Errorf("%s: %q, want %q", addr, summary[addr], w)
		}
	}
	if len(summary) != len(want) {
		t.Errorf("documents %v, want %v", summary, want)
	}

	// Access is granted by attachments (issue 19): the group that sharers[1] is attached
	// to in the same plan, its id known only after apply and read through the
	// configuration's reference, gains share (exit 1); the documents attached to nothing
	// grant nothing.
	stdout.Reset()
	stderr.Reset()
	exit = cli.Run([]string{"diff-access", "--plan", planFile}, nil, &stdout, &stderr)
	out := stdout.String()
	if exit != cli.ExitFindings ||
		!strings.Contains(out, "group 0a1b2c3d4e5f60718293a4b5c6d7e8f9") ||
		!strings.Contains(out, "ims:images:addMember") ||
		!strings.Contains(out, "module.team.imspolicy_identity_policy.sharers[0] (identity, created): attached to nothing: grants nothing") {
		t.Errorf("diff-access --plan: exit %d\n%s%s", exit, out, stderr.String())
	}

	if os.Getenv("UPDATE_REAL_PLAN") != "" {
		stable := strings.NewReplacer(url, "http://127.0.0.1:8080", acctest.SecretKey, "emulator-secret-key", acctest.AccessKey, "emulator-access-key").
			Replace(string(planJSON))
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, []byte(stable), "", "  "); err != nil {
			t.Fatal(err)
		}
		pretty.WriteByte('\n')
		if err := os.WriteFile("../cli/testdata/real-plan.json", pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

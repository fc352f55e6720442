package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// Credentials of the in-process emulator the resource tests run against.
const (
	testAccessKey = "AKTESTEMULATOR0000001"
	testSecretKey = "sk-test-emulator-secret-do-not-log"
	testAccountID = "0123456789abcdef0123456789abcdef"
	testRootID    = "r-emulator"
)

// startEmulator starts the local IAM and Organizations emulator on a loopback port for
// the length of the test and returns it with its URL. cfg's credentials default to the
// test credentials above.
func startEmulator(t *testing.T, cfg emulator.Config) (*emulator.Server, string) {
	t.Helper()
	if cfg.AccessKey == "" {
		cfg.AccessKey, cfg.SecretKey, cfg.AccountID = testAccessKey, testSecretKey, testAccountID
	}
	if cfg.RootID == "" {
		cfg.RootID = testRootID
	}
	srv, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return srv, url
}

// emulatorProviderBlock is the provider configuration that points at an emulator.
func emulatorProviderBlock(url string) string {
	return fmt.Sprintf(`
provider "imspolicy" {
  access_key             = %q
  secret_key             = %q
  account_id             = %q
  region                 = "cn-north-4"
  iam_endpoint           = %q
  organizations_endpoint = %q
}
`, testAccessKey, testSecretKey, testAccountID, url, url)
}

// fastProviderFactories serve the provider with short backoff bounds, so that tests of
// retries run in seconds.
var fastProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"imspolicy": providerserver.NewProtocol6WithError(&imsPolicyProvider{
		version: "test",
		clientOptions: func(c *client.Config) {
			c.MinBackoff = 5 * time.Millisecond
			c.MaxBackoff = 50 * time.Millisecond
			c.MaxRetryAfter = 100 * time.Millisecond
			c.ReadAfterWriteTimeout = 10 * time.Second
		},
	}),
}

// cliWithBuiltProvider builds the provider from this tree for tests that run the CLI
// themselves (TF_ACC_TERRAFORM_PATH: Terraform or OpenTofu). It returns a CLI
// configuration whose dev_overrides point at the build, and the terraform block that
// requires the provider from the registry host the CLI uses (TF_ACC_PROVIDER_HOST).
func cliWithBuiltProvider(t *testing.T) (cliConfig, terraformBlock string) {
	t.Helper()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-imspolicy"), ".")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	source := host + "/imspolicy/imspolicy"
	cliConfig = filepath.Join(t.TempDir(), "dev.tfrc")
	content := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", source, bin)
	if err := os.WriteFile(cliConfig, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return cliConfig, fmt.Sprintf("terraform {\n  required_providers {\n    imspolicy = { source = %q }\n  }\n}\n", source)
}

// terraformCLI runs the Terraform CLI of TF_ACC_TERRAFORM_PATH (Terraform or OpenTofu)
// itself, with the provider built and installed through dev_overrides, in one working
// directory: for what the plugin-testing harness cannot assert, such as warnings.
type terraformCLI struct {
	t                         *testing.T
	tf, work                  string
	cliConfig, terraformBlock string
}

func newTerraformCLI(t *testing.T) *terraformCLI {
	t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run Terraform")
	}
	cliConfig, terraformBlock := cliWithBuiltProvider(t)
	return &terraformCLI{t: t, tf: tf, work: t.TempDir(), cliConfig: cliConfig, terraformBlock: terraformBlock}
}

// run writes config (after the terraform block) as main.tf and runs the CLI with args;
// env adds environment variables. It fails the test when the CLI fails.
func (c *terraformCLI) run(config string, env []string, args ...string) []byte {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.work, "main.tf"), []byte(c.terraformBlock+config), 0o644); err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.tf, args...)
	cmd.Dir = c.work
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG="), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("%s %v: %v\n%s\n%s", c.tf, args, err, out, stderr.String())
	}
	return out
}

// planJSONDiagnostic is a diagnostic of `terraform plan -json`.
type planJSONDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Snippet  *struct {
		Code string `json:"code"`
	} `json:"snippet"`
}

// planJSON is what `terraform plan -json` reported: its diagnostics, and how many
// resources it plans to add.
type planJSON struct {
	Diagnostics []planJSONDiagnostic
	Add         int
}

// withSummary returns the diagnostics whose summary contains summary.
func (p planJSON) withSummary(summary string) []planJSONDiagnostic {
	var out []planJSONDiagnostic
	for _, d := range p.Diagnostics {
		if strings.Contains(d.Summary, summary) {
			out = append(out, d)
		}
	}
	return out
}

// plan plans config with -json and reads its messages.
func (c *terraformCLI) plan(config string, env []string) planJSON {
	c.t.Helper()
	out := c.run(config, env, "plan", "-json", "-input=false", "-lock=false")
	var p planJSON
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var msg struct {
			Type       string              `json:"type"`
			Diagnostic *planJSONDiagnostic `json:"diagnostic"`
			Changes    *struct {
				Add int `json:"add"`
			} `json:"changes"`
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil {
			c.t.Fatalf("a line of plan -json is not JSON: %v\n%s", err, sc.Text())
		}
		if msg.Type == "diagnostic" && msg.Diagnostic != nil {
			p.Diagnostics = append(p.Diagnostics, *msg.Diagnostic)
		}
		if msg.Type == "change_summary" && msg.Changes != nil {
			p.Add = msg.Changes.Add
		}
	}
	return p
}

// planDiagnostics plans config and returns its diagnostics whose summary contains summary.
func (c *terraformCLI) planDiagnostics(config string, env []string, summary string) []planJSONDiagnostic {
	c.t.Helper()
	return c.plan(config, env).withSummary(summary)
}

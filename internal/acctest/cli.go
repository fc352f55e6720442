package acctest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TerraformCLI runs the Terraform CLI of TF_ACC_TERRAFORM_PATH (Terraform or OpenTofu)
// itself, with the provider built and installed through dev_overrides, in one working
// directory: for what the plugin-testing harness cannot assert, such as warnings.
type TerraformCLI struct {
	t                         *testing.T
	tf, work                  string
	cliConfig, terraformBlock string
}

// NewTerraformCLI skips the test without TF_ACC and TF_ACC_TERRAFORM_PATH.
func NewTerraformCLI(t *testing.T) *TerraformCLI {
	t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run Terraform")
	}
	cliConfig, terraformBlock := CLIWithBuiltProvider(t)
	return &TerraformCLI{t: t, tf: tf, work: t.TempDir(), cliConfig: cliConfig, terraformBlock: terraformBlock}
}

// Run writes config (after the terraform block) as main.tf and runs the CLI with args;
// env adds environment variables. It fails the test when the CLI fails.
func (c *TerraformCLI) Run(config string, env []string, args ...string) []byte {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.work, "main.tf"), []byte(c.terraformBlock+config), 0o644); err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	out, err := c.command(ctx, env, &stderr, args...).Output()
	if err != nil {
		c.t.Fatalf("%s %v: %v\n%s\n%s", c.tf, args, err, out, stderr.String())
	}
	return out
}

// command is the CLI run in the working directory with args, the built provider's CLI
// configuration and env, its standard error to stderr.
func (c *TerraformCLI) command(ctx context.Context, env []string, stderr io.Writer, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.tf, args...)
	cmd.Dir = c.work
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG="), env...)
	cmd.Stderr = stderr
	return cmd
}

// PlanDiagnostic is a diagnostic of `terraform plan -json`.
type PlanDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Snippet  *struct {
		Code string `json:"code"`
	} `json:"snippet"`
}

// PlanJSON is what `terraform plan -json` reported: its diagnostics, and how many
// resources it plans to add and to change in place.
type PlanJSON struct {
	Diagnostics []PlanDiagnostic
	Add, Change int
}

// WithSummary returns the diagnostics whose summary contains summary.
func (p PlanJSON) WithSummary(summary string) []PlanDiagnostic {
	var out []PlanDiagnostic
	for _, d := range p.Diagnostics {
		if strings.Contains(d.Summary, summary) {
			out = append(out, d)
		}
	}
	return out
}

// Dir is the working directory, where the state is kept.
func (c *TerraformCLI) Dir() string { return c.work }

// Plan plans config with -json and reads its messages; args are further plan options,
// such as -destroy.
func (c *TerraformCLI) Plan(config string, env []string, args ...string) PlanJSON {
	c.t.Helper()
	out := c.Run(config, env, append([]string{"plan", "-json", "-input=false", "-lock=false"}, args...)...)
	var p PlanJSON
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var msg struct {
			Type       string          `json:"type"`
			Diagnostic *PlanDiagnostic `json:"diagnostic"`
			Changes    *struct {
				Add    int `json:"add"`
				Change int `json:"change"`
			} `json:"changes"`
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil {
			c.t.Fatalf("a line of plan -json is not JSON: %v\n%s", err, sc.Text())
		}
		if msg.Type == "diagnostic" && msg.Diagnostic != nil {
			p.Diagnostics = append(p.Diagnostics, *msg.Diagnostic)
		}
		if msg.Type == "change_summary" && msg.Changes != nil {
			p.Add, p.Change = msg.Changes.Add, msg.Changes.Change
		}
	}
	return p
}

// PlanDiagnostics plans config and returns its diagnostics whose summary contains summary.
func (c *TerraformCLI) PlanDiagnostics(config string, env []string, summary string) []PlanDiagnostic {
	c.t.Helper()
	return c.Plan(config, env).WithSummary(summary)
}

// Another returns a CLI with the same provider build in a new, empty working directory:
// for tests that run several configurations at once.
func (c *TerraformCLI) Another() *TerraformCLI {
	c.t.Helper()
	return &TerraformCLI{t: c.t, tf: c.tf, work: c.t.TempDir(), cliConfig: c.cliConfig, terraformBlock: c.terraformBlock}
}

// Apply writes config and runs `terraform apply -json`, returning the error diagnostics it
// reported and whether it failed, instead of failing the test: safe to call from several
// goroutines, each on its own TerraformCLI.
func (c *TerraformCLI) Apply(config string, env []string) (errs []PlanDiagnostic, failed bool, err error) {
	if err := os.WriteFile(filepath.Join(c.work, "main.tf"), []byte(c.terraformBlock+config), 0o644); err != nil {
		return nil, false, err
	}
	out, runErr := c.try(env, "apply", "-json", "-auto-approve", "-input=false", "-lock=false")
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var msg struct {
			Type       string          `json:"type"`
			Diagnostic *PlanDiagnostic `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic != nil && msg.Diagnostic.Severity == "error" {
			errs = append(errs, *msg.Diagnostic)
		}
	}
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return errs, true, runErr // the CLI did not run
	}
	return errs, runErr != nil, nil
}

// Destroy runs `terraform destroy` on the working directory's configuration; it fails the
// test when the CLI fails.
func (c *TerraformCLI) Destroy(env []string) {
	c.t.Helper()
	if out, err := c.try(env, "destroy", "-auto-approve", "-input=false", "-lock=false"); err != nil {
		c.t.Fatalf("%s destroy: %v\n%s", c.tf, err, out)
	}
}

// StateIDs returns the id of each resource instance in the working directory's state, by
// address (terraform.tfstate, read directly).
func (c *TerraformCLI) StateIDs() (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(c.work, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	var st struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, r := range st.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			ids[r.Type+"."+r.Name] = in.Attributes.ID
		}
	}
	return ids, nil
}

// try runs the CLI in the working directory with args, returning its output (stdout, then
// stderr) and error.
func (c *TerraformCLI) try(env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	out, err := c.command(ctx, env, &stderr, args...).Output()
	return append(out, stderr.Bytes()...), err
}

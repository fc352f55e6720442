package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// TestAccSecretsNeverLogged runs the real Terraform CLI with TF_LOG=trace against a
// provider binary built from this tree (dev_overrides), applying and destroying
// resources through the emulator with a secret key and a security token, and asserts
// that neither appears anywhere in Terraform's and the provider's output.
func TestAccSecretsNeverLogged(t *testing.T) {
	terraformPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || terraformPath == "" {
		t.Skip("needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test sets both)")
	}
	const (
		secret = "sk-VERY-secret-value-0f3c9a"
		token  = "token-VERY-secret-value-77e1b2"
	)
	_, url := acctest.StartEmulator(t, emulator.Config{
		AccessKey: acctest.AccessKey, SecretKey: secret, SecurityToken: token, AccountID: acctest.AccountID,
	})

	tfrc, terraformBlock := acctest.CLIWithBuiltProvider(t)
	work := t.TempDir()
	writeTestFile(t, filepath.Join(work, "main.tf"), terraformBlock+`
provider "imspolicy" {
  access_key             = "`+acctest.AccessKey+`"
  secret_key             = "`+secret+`"
  security_token         = "`+token+`"
  account_id             = "`+acctest.AccountID+`"
  iam_endpoint           = "`+url+`"
  organizations_endpoint = "`+url+`"
}
resource "imspolicy_identity_policy" "logged" {
  name   = "logged"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:list"] }] })
}
`)
	var all strings.Builder
	for _, args := range [][]string{{"apply", "-auto-approve", "-input=false"}, {"destroy", "-auto-approve", "-input=false"}} {
		cmd := exec.Command(terraformPath, append([]string{"-chdir=" + work}, args...)...)
		cmd.Env = append(os.Environ(), "TF_LOG=trace", "TF_CLI_CONFIG_FILE="+tfrc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		all.Write(out)
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", args[0], err, lastBytes(string(out), 3000))
		}
	}
	logs := all.String()
	// The logs are there: the provider logged its signed requests.
	for _, want := range []string{"SDK-HMAC-SHA256", "/v5/policies", acctest.AccessKey} {
		if !strings.Contains(logs, want) {
			t.Fatalf("the trace output has no %q: the provider's request logs are missing, so this test would prove nothing", want)
		}
	}
	for name, s := range map[string]string{"secret key": secret, "security token": token} {
		if i := strings.Index(logs, s); i >= 0 {
			t.Errorf("the %s appears in the TF_LOG=trace output: ...%s...", name, logs[max(0, i-200):min(len(logs), i+len(s)+50)])
		}
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

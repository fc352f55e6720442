// Package acctest holds what the acceptance tests share: the in-process emulator and the
// provider configuration that points at it, a fault proxy, a silent and a dripping
// endpoint, and a provider binary with a CLI configuration for tests that run Terraform or
// OpenTofu themselves. Only tests import it; the provider's own factories stay in its package (they
// reach unexported options).
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// Credentials and ids of the in-process emulator the resource tests run against.
const (
	AccessKey = "AKTESTEMULATOR0000001"
	SecretKey = "sk-test-emulator-secret-do-not-log"
	AccountID = "0123456789abcdef0123456789abcdef"
	RootID    = "r-emulator"
)

// StartEmulator starts the local IAM and Organizations emulator on a loopback port for
// the length of the test and returns it with its URL. cfg's credentials default to the
// ones above.
func StartEmulator(t testing.TB, cfg emulator.Config) (*emulator.Server, string) {
	t.Helper()
	if cfg.AccessKey == "" {
		cfg.AccessKey, cfg.SecretKey, cfg.AccountID = AccessKey, SecretKey, AccountID
	}
	if cfg.RootID == "" {
		cfg.RootID = RootID
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

// ProviderBlock is the provider configuration that points at an emulator (or a proxy)
// at url, with the extra arguments given, one per line.
func ProviderBlock(url string, extra ...string) string {
	return fmt.Sprintf(`
provider "imspolicy" {
  access_key             = %q
  secret_key             = %q
  account_id             = %q
  region                 = "cn-north-4"
  iam_endpoint           = %q
  organizations_endpoint = %q
%s}
`, AccessKey, SecretKey, AccountID, url, url, indent(extra))
}

func indent(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  " + strings.TrimSpace(l) + "\n")
	}
	return b.String()
}

// ClearCredentialEnv makes a test independent of the settings in the developer's shell:
// the variables are unset (an endpoint variable set but empty is an error), and restored
// when the test ends.
func ClearCredentialEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{"HW_REGION_NAME", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_DOMAIN_ID",
		"HW_IAM_ENDPOINT", "HW_ORGANIZATIONS_ENDPOINT", "HW_MAX_RETRIES", "HW_REQUEST_TIMEOUT"} {
		t.Setenv(v, "") // restores the value after the test
		if err := os.Unsetenv(v); err != nil {
			t.Fatal(err)
		}
	}
}

// RepoRoot is the repository's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// CLIWithBuiltProvider builds the provider from this tree for tests that run the CLI
// themselves (TF_ACC_TERRAFORM_PATH: Terraform or OpenTofu). It returns a CLI
// configuration whose dev_overrides point at the build, and the terraform block that
// requires the provider from the registry host the CLI uses (TF_ACC_PROVIDER_HOST).
func CLIWithBuiltProvider(t *testing.T) (cliConfig, terraformBlock string) {
	t.Helper()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-imspolicy"), ".")
	build.Dir = RepoRoot()
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

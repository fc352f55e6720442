package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

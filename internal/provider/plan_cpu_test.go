package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// planRunner runs `terraform plan` of one configuration with the CLI of
// TF_ACC_TERRAFORM_PATH against the provider served in this process and reattached, as
// terraform-plugin-testing serves providers to the CLI. That tells the two sides' CPU
// apart: the CLI's process is Terraform's own, this process's is the provider's (a
// provider started by the CLI would be its child, and counted in its time).
type planRunner struct {
	tb       testing.TB
	cli, dir string
	env      []string
}

// newPlanRunner serves the provider, writes config (after a terraform block requiring
// it) and runs `terraform init`. It skips without TF_ACC_TERRAFORM_PATH: nothing here
// may download a CLI.
func newPlanRunner(tb testing.TB, config string) *planRunner {
	tb.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		tb.Skip("set TF_ACC_TERRAFORM_PATH to a Terraform or OpenTofu binary to measure terraform plan")
	}
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	address := host + "/imspolicy/imspolicy"

	// The provider logs as the binary does under a CLI that keeps no logs (main.go).
	for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK"} {
		tb.Setenv(k, "")
	}
	QuietUnheardLogs()

	ctx, cancel := context.WithCancel(context.Background())
	reattach, closed, served := make(chan *plugin.ReattachConfig), make(chan struct{}), make(chan error, 1)
	go func() {
		served <- tf6server.Serve(address, providerserver.NewProtocol6(New("bench")()),
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithoutLogStderrOverride())
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattach:
	case err := <-served:
		cancel()
		tb.Fatalf("serve the provider: %v", err)
	}
	tb.Cleanup(func() {
		cancel()
		<-closed
	})
	type reattachAddr struct{ Network, String string }
	type reattachConfig struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            reattachAddr
	}
	providers, err := json.Marshal(map[string]reattachConfig{address: {
		Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion, Pid: rc.Pid, Test: rc.Test,
		Addr: reattachAddr{Network: rc.Addr.Network(), String: rc.Addr.String()},
	}})
	if err != nil {
		tb.Fatal(err)
	}

	dir := tb.TempDir()
	noCLIConfig := filepath.Join(dir, "empty.tfrc") // no user settings, no dev_overrides
	main := "terraform {\n  required_providers {\n    imspolicy = { source = \"" + address + "\" }\n  }\n}\n" + config
	for name, content := range map[string]string{"main.tf": main, "empty.tfrc": ""} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	r := &planRunner{tb: tb, cli: cli, dir: dir, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+string(providers), "TF_CLI_CONFIG_FILE="+noCLIConfig,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG=")}
	r.run("init", "-input=false", "-no-color")
	return r
}

// run runs the CLI and returns the CPU time its process used.
func (r *planRunner) run(args ...string) time.Duration {
	r.tb.Helper()
	cmd := exec.Command(r.cli, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	if out, err := cmd.CombinedOutput(); err != nil {
		r.tb.Fatalf("%s %v: %v\n%s", r.cli, args, err, out)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// plan runs `terraform plan` and returns the CPU time the provider (this process) and
// Terraform (the CLI's process) spent on it.
func (r *planRunner) plan() (provider, terraform time.Duration) {
	r.tb.Helper()
	runtime.GC() // the garbage of what came before is not the plan's
	start := processCPU(r.tb)
	terraform = r.run("plan", "-input=false", "-no-color", "-refresh=false", "-lock=false")
	return processCPU(r.tb) - start, terraform
}

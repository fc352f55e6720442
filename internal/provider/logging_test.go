package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"
)

func TestQuietUnheardLogs(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string // TF_LOG_SDK after
	}{
		{env: map[string]string{}, want: "off"},
		{env: map[string]string{"TF_LOG": "DEBUG"}, want: ""},
		{env: map[string]string{"TF_LOG": "json"}, want: ""},
		{env: map[string]string{"TF_LOG_PROVIDER": "TRACE"}, want: ""},
		{env: map[string]string{"TF_LOG_SDK": "debug"}, want: "debug"},
		{env: map[string]string{"TF_LOG_PATH": "/tmp/tf.log"}, want: "off"}, // without a level, the CLI writes nothing
		{env: map[string]string{"TF_LOG_CORE": "TRACE"}, want: "off"},       // the CLI's own logs, not the provider's
	} {
		for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_PATH", "TF_LOG_CORE"} {
			t.Setenv(k, tc.env[k])
		}
		QuietUnheardLogs()
		if got := os.Getenv("TF_LOG_SDK"); got != tc.want {
			t.Errorf("with %v: TF_LOG_SDK=%q, want %q", tc.env, got, tc.want)
		}
	}
}

// The provider binary still logs what a user asks for: with TF_LOG or TF_LOG_PROVIDER, the
// lines of the framework and of the plugin protocol reach the CLI's log file.
func TestAccProvider_logsWhenAsked(t *testing.T) {
	cli := acctest.NewTerraformCLI(t)
	config := `data "imspolicy_actions" "all" {}
output "n" { value = length(data.imspolicy_actions.all.actions) }
`
	for _, asked := range []string{"TF_LOG=TRACE", "TF_LOG_PROVIDER=TRACE"} {
		path := filepath.Join(t.TempDir(), "terraform.log")
		cli.Run(config, []string{asked, "TF_LOG_PATH=" + path}, "plan", "-input=false", "-lock=false", "-no-color")
		log, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(log), "@module=sdk.framework") || !strings.Contains(string(log), "@module=sdk.proto") {
			t.Errorf("with %s, the log lacks the lines of the framework or of the plugin protocol (%d bytes)", asked, len(log))
		}
	}
}

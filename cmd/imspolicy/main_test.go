package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A release build sets the version as .goreleaser.yml does (-X main.version=...), and
// imspolicy --version and the SARIF log's tool version show it; a build without it says dev.
func TestVersionFromLdflags(t *testing.T) {
	goreleaser, err := os.ReadFile("../../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	const flag = "-X main.version={{ .Version }}"
	_, imspolicyBuild, _ := strings.Cut(string(goreleaser), "id: imspolicy\n")
	imspolicyBuild, _, _ = strings.Cut(imspolicyBuild, "\n  - id:")
	if !strings.Contains(imspolicyBuild, flag) {
		t.Fatalf(".goreleaser.yml: the imspolicy build's ldflags lack %q", flag)
	}
	dir := t.TempDir()
	for _, c := range []struct{ ldflags, version, sarifVersion string }{
		{"-X main.version=1.4.0", "1.4.0", `"semanticVersion": "1.4.0"`},
		{"", "dev", `"semanticVersion": "0.0.0-dev"`},
	} {
		bin := filepath.Join(dir, "imspolicy")
		if out, err := exec.Command("go", "build", "-ldflags", c.ldflags, "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "--version").Output()
		if err != nil || string(out) != "imspolicy "+c.version+"\n" {
			t.Errorf("ldflags %q: --version printed %q (%v), want imspolicy %s", c.ldflags, out, err, c.version)
		}
		sarif, _ := exec.Command(bin, "check", "--format", "sarif", "../../internal/cli/testdata/clean.json").Output()
		if !strings.Contains(string(sarif), c.sarifVersion) {
			t.Errorf("ldflags %q: the SARIF log lacks %s", c.ldflags, c.sarifVersion)
		}
	}
}

package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccExamples runs every data source and function example, and the demo's offline
// part, through the real Terraform CLI, so that the documentation never shows a
// configuration that does not work.
func TestAccExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		kind := filepath.Base(filepath.Dir(dir))
		if kind != "data-sources" && kind != "functions" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		if len(files) == 0 {
			t.Errorf("%s has no example", dir)
			continue
		}
		var config strings.Builder
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			config.Write(b)
			config.WriteString("\n")
		}
		t.Run(kind+"/"+filepath.Base(dir), func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config.String()}},
			})
		})
	}
}

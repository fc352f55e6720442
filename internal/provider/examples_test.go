package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// TestAccExamples applies every resource, data source and function example through the
// real Terraform CLI, against the in-process emulator, so that the documentation never
// shows a configuration that does not work.
var rootIDPattern = regexp.MustCompile(`root_id\s*=\s*"([^"]+)"`)

// exampleChecks are what an example promises beyond applying: a failed check block is only
// a warning, so the index's example states its claims here too.
var exampleChecks = map[string][]statecheck.StateCheck{
	// The headline example protects golden images for real: its policy draws no finding
	// (a name pattern as an image id would, image_id_matches_nothing), and deleting a
	// golden image, a UUID tagged tier=golden, is denied explicitly.
	"overview/worked-example": {
		statecheck.ExpectKnownValue("data.imspolicy_policy_document.image_builders", tfjsonpath.New("findings"), knownvalue.ListExact(nil)),
		statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.delete_golden_image",
			tfjsonpath.New("results").AtSliceIndex(0).AtMapKey("decision"), knownvalue.StringExact("explicit_deny")),
	},
	// IAM v3 documents mixed with v5 ones.
	"data-sources/imspolicy_policy_simulation": {
		statecheck.ExpectKnownOutputValue("v3_decisions", knownvalue.MapExact(map[string]knownvalue.Check{
			"delete an image":             knownvalue.StringExact("explicit_deny"),
			"v3 delete":                   knownvalue.StringExact("implicit_deny"),
			"quick import of a data disk": knownvalue.StringExact("implicit_deny"),
		})),
	},
	"functions/is_allowed": {statecheck.ExpectKnownOutputValue("v3_update_can_delete", knownvalue.Bool(true))},
	"functions/effective_api_permissions": {
		statecheck.ExpectKnownOutputValueAtPath("api_grants", tfjsonpath.New("DELETE /v2/images/{image_id}"), knownvalue.StringExact("full")),
		statecheck.ExpectKnownOutputValueAtPath("api_grants", tfjsonpath.New("DELETE /v1.1/images/{image_id}"), knownvalue.StringExact("partial")),
		statecheck.ExpectKnownOutputValueAtPath("delete_v1_1", tfjsonpath.New("allowed").AtMapKey("context").AtMapKey("g:UserName"),
			knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("alice")})),
	},
	"functions/grants_no_new_access": {statecheck.ExpectKnownOutputValue("v3_look_alike_grants_new_access", knownvalue.Bool(false))},
}

func TestAccExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		kind := filepath.Base(filepath.Dir(dir))
		if kind != "data-sources" && kind != "functions" && kind != "resources" && kind != "overview" {
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
			// The emulator's root is the one the example names.
			cfg := emulator.Config{}
			if m := rootIDPattern.FindStringSubmatch(config.String()); m != nil {
				cfg.RootID = m[1]
			}
			_, url := acctest.StartEmulator(t, cfg)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: fastProviderFactories,
				Steps: []resource.TestStep{{
					Config:            acctest.ProviderBlock(url) + config.String(),
					ConfigStateChecks: exampleChecks[kind+"/"+filepath.Base(dir)],
				}},
			})
		})
	}
}

package migrate

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

var update = flag.Bool("update", false, "rewrite the guide's worked cases and mapping table from the code")

const (
	guideTemplate = "../../templates/guides/migrating-v3-policies.md.tmpl"
	guideDoc      = "../../docs/guides/migrating-v3-policies.md"
)

var caseRE = regexp.MustCompile("(?s)<!-- migrate-case:([^ ]+) -->\n.*?<!-- migrate-case-end -->")

// caseDirs hold the worked cases: the vendor's public v3 examples that grant or deny IMS
// actions (internal/policy's testdata, SOURCES.md there gives each one's page and
// licence), and this package's own (testdata/guide/SOURCES.md).
var caseDirs = []string{filepath.Join("..", "policy", "testdata", "v3"), filepath.Join("testdata", "guide")}

// vendorCases are the IMS examples of internal/policy/testdata/v3.
var vendorCases = []string{"huawei-ims-deny-delete.json", "otc-ims-deny-delete.json", "huawei-ims-create-image.json",
	"otc-ims-create-image.json", "otc-ims-create-image-obs.json", "otc-iam-ims-full.json"}

func casePath(t *testing.T, file string) string {
	t.Helper()
	for _, dir := range caseDirs {
		if p := filepath.Join(dir, file); fileExists(p) {
			return p
		}
	}
	t.Fatalf("no worked case %s in %v", file, caseDirs)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// workedCase is a worked case as the guide shows it: the input, the command line, what
// imspolicy migrate prints.
func workedCase(t *testing.T, file string) string {
	t.Helper()
	src, err := os.ReadFile(casePath(t, file))
	if err != nil {
		t.Fatal(err)
	}
	text := Migrate(policy.CheckV3Text(src), analysis.Budget{}).Report().Text(file)
	return fmt.Sprintf("<!-- migrate-case:%s -->\n```json\n%s```\n\n```text\n$ imspolicy migrate %s\n%s```\n<!-- migrate-case-end -->", file, src, file, text)
}

// mappingTable is V5Actions as the guide's table, in the order of the v3 actions.
func mappingTable() string {
	var b strings.Builder
	b.WriteString("<!-- migrate-mapping:begin -->\n| v3 action | v5 actions |\n|---|---|\n")
	for _, a := range catalog.V3Actions() {
		fmt.Fprintf(&b, "| `%s` | `%s` |\n", a.Name, strings.Join(V5Actions[a.Name], "`, `"))
	}
	b.WriteString("<!-- migrate-mapping:end -->")
	return b.String()
}

var mappingRE = regexp.MustCompile("(?s)<!-- migrate-mapping:begin -->.*?<!-- migrate-mapping:end -->")

// The guide "Migrating IAM v3 policies to v5" shows every worked case of testdata/guide
// (the vendor's examples, SOURCES.md) with what imspolicy migrate prints for it, and the
// mapping table of V5Actions, word for word, in its template and in docs/ (make docs);
// go test ./internal/migrate -run TestGuide -update rewrites the template.
func TestGuide(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "guide", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no worked cases: %v", err)
	}
	for _, f := range vendorCases {
		files = append(files, casePath(t, f))
	}
	for _, path := range []string{guideTemplate, guideDoc} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		guide := string(raw)
		want := mappingRE.ReplaceAllLiteralString(guide, mappingTable())
		shown := map[string]bool{}
		want = caseRE.ReplaceAllStringFunc(want, func(m string) string {
			file := caseRE.FindStringSubmatch(m)[1]
			shown[file] = true
			return workedCase(t, file)
		})
		for _, f := range files {
			if !shown[filepath.Base(f)] {
				t.Errorf("%s shows no worked case for %s", path, filepath.Base(f))
			}
		}
		if want == guide {
			continue
		}
		if *update && path == guideTemplate {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s does not show the worked cases or the mapping as the code gives them (go test ./internal/migrate -run TestGuide -update, then make docs)", path)
	}
}

package policy

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestV3PublicExamples checks the vendor's public v3 examples (testdata/v3, SOURCES.md
// gives each one's page and licence): each is recognised as v3 by its Version, parses,
// and draws exactly the findings listed, none of them an error. Where the vendor's own
// example breaks its own written rule, the finding is a warning and the reason is here.
func TestV3PublicExamples(t *testing.T) {
	want := map[string][]string{
		// The OTC and Huawei-intl IMS user guide's example 1 writes "KMS:*:*" and
		// "OBS:*:*", though the grammar says service names are lower case.
		"otc-ims-create-image.json":     {"v3_service_case@Statement[1].Action[0]"},
		"otc-ims-create-image-obs.json": {"v3_service_case@Statement[0].Action[0]"},
		"otc-ims-deny-delete.json":      nil,
		// The zh-cn IMS user guide's example 1 puts obs:bucket:* (a global service) in
		// the same policy as ims:serverImages:create; the newer English page splits it out.
		"huawei-ims-create-image.json":        {"v3_mixed_scope@Statement"},
		"huawei-ims-deny-delete.json":         nil,
		"otc-iam-ecs-servers.json":            nil,
		"otc-iam-lock-ecs-create-evs.json":    nil,
		"otc-iam-ims-full.json":               nil,
		"huawei-iam-customed-ecs-viewer.json": nil,
		// A system role of 1.0 with Depends; its service name is written WebScan.
		"huawei-iam-vss-administrator-role.json": {"v3_service_case@Statement[0].Action[0]"},
		// The huaweicloud provider's identity_role example uses StringStartWith, of the
		// 2022 operator list only.
		"tfhw-identity-role.json":              {`v3_legacy_operator@Statement[0].Condition["StringStartWith"]`},
		"tfhw-identitycenter-custom-role.json": nil,
	}
	files, err := filepath.Glob("testdata/v3/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("%d example files, %d expected: list each file's findings here", len(files), len(want))
	}
	sources, err := os.ReadFile("testdata/v3/SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(string(sources), "`"+name+"`") {
				t.Errorf("SOURCES.md does not give the source of %s", name)
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if LanguageOf(src) != V3 {
				t.Fatalf("not recognised as v3")
			}
			c := CheckV3Text(src)
			if c.Document() == nil {
				t.Fatalf("did not parse: %v", c.Findings())
			}
			if e := c.FirstError(); e != nil {
				t.Errorf("error finding %s", e)
			}
			if got := codes(c.Findings()); !reflect.DeepEqual(got, want[name]) && (len(got) != 0 || len(want[name]) != 0) {
				t.Errorf("findings %v, want %v", got, want[name])
			}
		})
	}
}

package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// largePlan is testdata/huaweicloud-plan.json with a resource of no interest padded to
// more than policy.MaxDocumentBytes, so that the command reads it as a stream.
func largePlan(t *testing.T) string {
	t.Helper()
	var p struct {
		PlannedValues struct {
			RootModule map[string]any `json:"root_module"`
		} `json:"planned_values"`
		ResourceChanges []any  `json:"resource_changes"`
		FormatVersion   string `json:"format_version"`
	}
	if err := json.Unmarshal([]byte(readTestdata("huaweicloud-plan.json")), &p); err != nil {
		t.Fatal(err)
	}
	root := p.PlannedValues.RootModule
	resources, _ := root["resources"].([]any)
	root["resources"] = append(resources, map[string]any{
		"address": "null_resource.pad", "mode": "managed", "type": "null_resource", "name": "pad",
		"values": map[string]any{"triggers": map[string]any{"pad": strings.Repeat("x", policy.MaxDocumentBytes)}},
	})
	b, err := json.Marshal(map[string]any{
		"format_version": p.FormatVersion, "resource_changes": p.ResourceChanges,
		"planned_values": map[string]any{"root_module": root},
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The wrapper's output is recognised in a plan too large to be read whole (read as a
// stream): by its "[command]" line, and by the "::debug::" lines after the plan; the same
// plan without them is read.
func TestWrapperOutputOfALargePlan(t *testing.T) {
	plan := largePlan(t)
	cat := func(parts ...string) []byte { return []byte(strings.Join(parts, "")) }
	dir := t.TempDir()
	for name, c := range map[string]struct {
		text []byte
		exit int
	}{
		"plain":   {cat(plan, "\n"), ExitFindings},
		"command": {cat("[command]/home/runner/work/_temp/x/terraform-bin show -json plan.out\n", plan), exitUsage},
		"trailer": {cat(plan, "\n::debug::Terraform exited with code 0.\n"), exitUsage},
		"glued":   {cat(plan, "::debug::Terraform exited with code 0.\n"), exitUsage},
		"garbage": {cat(plan, "\nx"), exitUsage},
	} {
		file := filepath.Join(dir, name+".json")
		if err := os.WriteFile(file, c.text, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"check", file}, {"diff-access", "--plan", file}} {
			_, stderr, exit := run(t, args, "")
			wrapper := strings.Contains(stderr, "terraform_wrapper: false")
			if args[0] == "diff-access" && name == "plain" {
				continue // diff-access's status depends on the plan's changes
			}
			if exit != c.exit || wrapper != (name != "plain" && name != "garbage") {
				t.Errorf("%s %v: exit %d, want %d; stderr:\n%s", name, args, exit, c.exit, stderr)
			}
		}
	}
}

// The guide's table of resource types is policyAttributes: it names every row, with the
// attribute and, for a row not read, the reason.
func TestGuideListsResourceTypes(t *testing.T) {
	for _, file := range []string{"../../templates/guides/checking-policies-in-ci.md.tmpl", "../../docs/guides/checking-policies-in-ci.md"} {
		guide, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range policyAttributes {
			row := "| `" + a.resourceType + "` | `" + a.attribute + "` | "
			i := bytes.Index(guide, []byte(row))
			if i < 0 {
				t.Errorf("%s has no row %q...: add %s to its table of resource types (then make docs)", file, row, a.resourceType)
				continue
			}
			line, _, _ := bytes.Cut(guide[i:], []byte("\n"))
			if a.serviceWritten && !bytes.Contains(line, []byte("not reported")) {
				t.Errorf("%s: the row of %s does not say it is not reported", file, a.resourceType)
			}
			for _, reason := range []unchecked{a.notRead, a.otherType} {
				if reason != checked && !bytes.Contains(line, []byte(reason.text)) {
					t.Errorf("%s: the row of %s does not give the reason %q", file, a.resourceType, reason.text)
				}
			}
		}
	}
}

// --help names every resource type whose documents are checked.
func TestHelpListsCheckedResourceTypes(t *testing.T) {
	for _, a := range policyAttributes {
		if a.notRead == checked && !strings.Contains(help, a.resourceType+"."+a.attribute) {
			t.Errorf("help does not name %s.%s", a.resourceType, a.attribute)
		}
	}
}

// Every resource type of the table is read from plans: a document in one is checked or
// reported as not checked, never passed over.
func TestEveryResourceTypeIsReported(t *testing.T) {
	for _, a := range policyAttributes {
		values := map[string]any{a.attribute: `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["*"]}]}`}
		if a.typeIs != "" {
			values["type"] = a.typeIs
		}
		d, ok := a.document("plan.json", a.resourceType+".x", values, func(string) bool { return false })
		if a.serviceWritten {
			if ok {
				t.Errorf("%s: a document the service writes is reported", a.resourceType)
			}
			continue
		}
		if !ok || d.Unchecked != a.notRead || (a.notRead == checked) != (d.Text != nil && d.Unchecked == checked) {
			t.Errorf("%s: document %+v, ok %v", a.resourceType, d, ok)
		}
		if a.notRead != checked && (a.notRead.text == "" || !a.notRead.notRead) {
			t.Errorf("%s: not read without a reason", a.resourceType)
		}
	}
}

// An attribute of a type not read that the provider fills in when the configuration leaves
// it out (an OBS bucket's policy) is reported only when it holds a document: unknown or
// empty, it is no sign of one. A type checked reports an unknown value as not checked.
func TestComputedAttributeOfATypeNotRead(t *testing.T) {
	bucket, identity := attributesByType["huaweicloud_obs_bucket"][0], attributesByType["huaweicloud_identityv5_policy"][0]
	unknown := func(string) bool { return true }
	known := func(string) bool { return false }
	for _, c := range []struct {
		attr    policyAttribute
		values  map[string]any
		unknown func(string) bool
		want    unchecked
		ok      bool
	}{
		{bucket, map[string]any{}, unknown, checked, false},
		{bucket, map[string]any{"policy": ""}, known, checked, false},
		{bucket, map[string]any{"policy": `{"Statement": []}`}, known, bucket.notRead, true},
		{identity, map[string]any{}, unknown, unknownValue, true},
	} {
		d, ok := c.attr.document("plan.json", "x.y", c.values, c.unknown)
		if ok != c.ok || ok && d.Unchecked != c.want {
			t.Errorf("%s %v: ok %v, %+v; want ok %v, %+v", c.attr.resourceType, c.values, ok, d.Unchecked, c.ok, c.want)
		}
	}
}

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// gitlabSchemaFile is the GitLab Code Quality report format as GitLab documents it
// (the schema's description cites the page).
const gitlabSchemaFile = "testdata/gitlab-code-quality-schema.json"

var gitlabSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	return jsonschema.NewCompiler().Compile(gitlabSchemaFile)
})

// gitlabReport is a report as the tests read it.
type gitlabReport []struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

// validateGitLab fails the test unless out is a GitLab Code Quality report: valid under
// the schema, without a byte order mark (GitLab's parser refuses one), and with no
// fingerprint twice (GitLab shows issues with one fingerprint as one). run calls it on
// every --format gitlab output of every test.
func validateGitLab(t *testing.T, out []byte) gitlabReport {
	t.Helper()
	schema, err := gitlabSchema()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		t.Fatalf("the GitLab report starts with a byte order mark")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the GitLab report is not JSON: %v\n%s", err, out)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("not a valid GitLab Code Quality report: %v\n%s", err, out)
	}
	var r gitlabReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, i := range r {
		if seen[i.Fingerprint] {
			t.Errorf("fingerprint %s twice in the GitLab report", i.Fingerprint)
		}
		seen[i.Fingerprint] = true
	}
	gitlabValidated.Add(1)
	return r
}

// gitlabValidated counts the reports validateGitLab validated.
var gitlabValidated atomic.Int64

// Every golden case with --format gitlab that does not exit 2 gives a report that the
// schema accepts (run validates it).
func TestGitLabGoldensValidate(t *testing.T) {
	before, n := gitlabValidated.Load(), int64(0)
	for _, c := range goldenCases {
		if formatRequested(c.args, "gitlab") && c.exit != exitUsage {
			n++
			run(t, c.args, c.stdin)
		}
	}
	if n < 8 || gitlabValidated.Load()-before != n {
		t.Fatalf("%d GitLab golden cases, %d validated", n, gitlabValidated.Load()-before)
	}
}

// The schema is not a formality: it refuses what GitLab's page rules out.
func TestGitLabSchemaRefusesInvalidReports(t *testing.T) {
	schema, err := gitlabSchema()
	if err != nil {
		t.Fatal(err)
	}
	good := `{"description": "d", "check_name": "c", "fingerprint": "f", "severity": "minor", "location": {"path": "a/b.json", "lines": {"begin": 3}}}`
	for _, ok := range []string{`[]`, `[` + good + `]`,
		`[{"description": "d", "check_name": "c", "fingerprint": "f", "severity": "info", "location": {"path": "x", "positions": {"begin": {"line": 1}}}}]`} {
		inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(ok))
		if err := schema.Validate(inst); err != nil {
			t.Errorf("the schema refuses %s: %v", ok, err)
		}
	}
	for _, bad := range []string{
		good, // an object, not an array
		strings.Replace(`[`+good+`]`, `"minor"`, `"error"`, 1),
		strings.Replace(`[`+good+`]`, `"fingerprint": "f", `, ``, 1),
		strings.Replace(`[`+good+`]`, `"check_name": "c", `, ``, 1),
		strings.Replace(`[`+good+`]`, `"a/b.json"`, `"/abs/b.json"`, 1),
		strings.Replace(`[`+good+`]`, `"a/b.json"`, `"../b.json"`, 1),
		strings.Replace(`[`+good+`]`, `"a/b.json"`, `"file:///b.json"`, 1),
		strings.Replace(`[`+good+`]`, `"a/b.json"`, `"C:/b.json"`, 1),
		strings.Replace(`[`+good+`]`, `{"begin": 3}`, `{"begin": 0}`, 1),
		strings.Replace(`[`+good+`]`, `{"begin": 3}`, `{"begin": "3"}`, 1),
		strings.Replace(`[`+good+`]`, `, "lines": {"begin": 3}`, ``, 1),
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(inst) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

// A GitLab issue's fingerprint is the SARIF result's partialFingerprints value and the
// JSON finding's fingerprint (one function computes them), and its check name, line and
// path are the SARIF result's. diff-access's removed access is left out of GitLab.
func TestGitLabMatchesSARIFAndJSON(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--strict", "testdata/huaweicloud-plan.json", "testdata/bad-action.json", "testdata/my policies/bad action.json"},
		{"diff-access", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--state", "testdata/estate/gate/hw-org.json", "--state", "testdata/estate/gate/hw-iam.json"},
		{"diff-access", "--plan", "testdata/estate/gate/hw-mixed-plan.json", "--state", "testdata/estate/gate/hw-iam.json"}, // removed access, which GitLab leaves out
	} {
		gl, _, _ := run(t, append([]string{args[0], "--format", "gitlab"}, args[1:]...), "")
		sa, _, _ := run(t, append([]string{args[0], "--format", "sarif"}, args[1:]...), "")
		var issues gitlabReport
		if err := json.Unmarshal([]byte(gl), &issues); err != nil {
			t.Fatal(err)
		}
		all := parseSARIF(t, sa).Runs[0].Results
		results := all[:0:0]
		for _, r := range all {
			if r.RuleID != "removed_access" {
				results = append(results, r)
			}
		}
		if strings.Contains(args[2], "mixed") && len(results) == len(all) {
			t.Fatalf("%v: no removed access: the case shows nothing", args)
		}
		if len(issues) != len(results) || len(issues) < 2 {
			t.Fatalf("%v: %d GitLab issues, %d SARIF results", args, len(issues), len(results))
		}
		for i, r := range results {
			g, loc := issues[i], r.Locations[0].PhysicalLocation
			path, err := url.PathUnescape(loc.ArtifactLocation.URI)
			if err != nil || g.Fingerprint != r.PartialFingerprints[fingerprintKey] || g.CheckName != r.RuleID ||
				g.Location.Lines.Begin != loc.Region.StartLine || g.Location.Path != path {
				t.Errorf("%v: GitLab issue %+v differs from SARIF result %+v", args, g, r)
			}
			if want := map[string]string{"error": "major", "warning": "minor", "note": "info"}[r.Level]; g.Severity != want {
				t.Errorf("%v: level %s is severity %s, want %s", args, r.Level, g.Severity, want)
			}
		}
		if args[0] != "check" {
			continue
		}
		js, _, _ := run(t, append([]string{"check", "--format", "json"}, args[1:]...), "")
		var rep report
		if err := json.Unmarshal([]byte(js), &rep); err != nil {
			t.Fatal(err)
		}
		var prints []string
		for _, d := range rep.Documents {
			if !d.Checked {
				prints = append(prints, d.Fingerprint)
			}
			for _, f := range d.Findings {
				prints = append(prints, f.Fingerprint)
			}
		}
		var fromGitLab []string
		for _, g := range issues {
			fromGitLab = append(fromGitLab, g.Fingerprint)
		}
		if fmt.Sprint(prints) != fmt.Sprint(fromGitLab) {
			t.Errorf("JSON fingerprints %v, GitLab's %v", prints, fromGitLab)
		}
	}
}

// GitLab paths are the files' paths relative to the repository root, as they are on
// disk: not percent-encoded as SARIF URIs are.
func TestGitLabPaths(t *testing.T) {
	stdout, _, _ := run(t, []string{"check", "--format", "gitlab", "testdata/my policies/bad action.json", "testdata/政策/读取.json", "testdata/pct%41.json", "../cli/testdata/bad-action.json"}, "")
	var issues gitlabReport
	if err := json.Unmarshal([]byte(stdout), &issues); err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	for _, i := range issues {
		paths[i.Location.Path] = true
	}
	for _, want := range []string{"internal/cli/testdata/my policies/bad action.json", "internal/cli/testdata/政策/读取.json", "internal/cli/testdata/pct%41.json", "internal/cli/testdata/bad-action.json"} {
		if !paths[want] {
			t.Errorf("no issue at %q: %v", want, paths)
		}
	}
}

// The GitLab report holds every result: SARIF's cap of 5,000 (what GitHub shows) is not
// GitLab's.
func TestGitLabHasNoResultCap(t *testing.T) {
	old := maxSARIFResults
	maxSARIFResults = 1
	defer func() { maxSARIFResults = old }()
	args := []string{"testdata/bad-action.json", "testdata/warning-only.json"}
	gl, _, _ := run(t, append([]string{"check", "--format", "gitlab"}, args...), "")
	sa, _, _ := run(t, append([]string{"check", "--format", "sarif"}, args...), "")
	var issues gitlabReport
	if err := json.Unmarshal([]byte(gl), &issues); err != nil {
		t.Fatal(err)
	}
	if len(parseSARIF(t, sa).Runs[0].Results) != 1 || len(issues) < 3 {
		t.Errorf("%d GitLab issues with the SARIF cap at 1: want every result", len(issues))
	}
}

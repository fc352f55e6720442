package cli

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sarifOutput is the part of a log the tests below read.
type sarifOutput struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Version         string `json:"version"`
				SemanticVersion string `json:"semanticVersion"`
				Rules           []struct {
					ID              string `json:"id"`
					FullDescription struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ExitCode                   *int `json:"exitCode"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine, StartColumn, EndLine, EndColumn int
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, stdout string) sarifOutput {
	t.Helper()
	var log sarifOutput
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

// Artifact URIs are RFC 3986 references relative to %SRCROOT%: a space, a non-ASCII name
// and a '%' are percent-encoded, and decode back to the file's own path; an absolute path
// inside the base is relative to it, one outside is an absolute file URI.
func TestSARIFArtifactURIs(t *testing.T) {
	base := t.TempDir()
	outside := t.TempDir()
	w := newSARIFWriter(base, nil)
	for _, c := range []struct {
		path, uri, baseID string
	}{
		{filepath.Join(base, "my policies", "a b.json"), "my%20policies/a%20b.json", srcRoot},
		{filepath.Join(base, "政策", "读取.json"), "%E6%94%BF%E7%AD%96/%E8%AF%BB%E5%8F%96.json", srcRoot},
		{filepath.Join(base, "pct%41.json"), "pct%2541.json", srcRoot},
		{filepath.Join(base, "x", "..", "y.json"), "y.json", srcRoot},
		{filepath.Join(outside, "x.json"), fileURI(outside) + "/x.json", ""},
		{filepath.Join(base, "..", "x.json"), fileURI(filepath.Dir(base)) + "/x.json", ""},
		{"-", "stdin", ""},
	} {
		got := w.artifact(c.path)
		if got.URI != c.uri || got.URIBaseID != c.baseID {
			t.Errorf("%s: %+v, want uri %q base %q", c.path, got, c.uri, c.baseID)
			continue
		}
		u, err := url.Parse(got.URI)
		if err != nil || strings.ContainsAny(got.URI, " \t") {
			t.Errorf("%s: %q is not a URI reference: %v", c.path, got.URI, err)
			continue
		}
		if c.baseID == srcRoot {
			want, _ := filepath.Rel(base, c.path)
			if u.Path != filepath.ToSlash(want) {
				t.Errorf("%s: %q decodes to %q, want %q", c.path, got.URI, u.Path, want)
			}
		}
	}
	if got := fileURI(base) + "/"; !strings.HasPrefix(got, "file:///") {
		t.Errorf("base URI %q is not an absolute file URI", got)
	}
}

// An absolute PATH inside --base is reported relative to it, and the base is the run's
// %SRCROOT%; without --base and outside a repository, the base is the working directory.
func TestSARIFBase(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/bad-action.json")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "sub dir", "p.json")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, exit := run(t, []string{"check", "--format", "sarif", "--base", dir, file}, "")
	if exit != ExitFindings {
		t.Fatalf("exit %d: %s", exit, stderr)
	}
	log := parseSARIF(t, stdout)
	loc := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	if loc.URI != "sub%20dir/p.json" || loc.URIBaseID != srcRoot || log.Runs[0].OriginalURIBaseIDs[srcRoot].URI != fileURI(dir)+"/" {
		t.Errorf("absolute path under --base: %+v, bases %+v", loc, log.Runs[0].OriginalURIBaseIDs)
	}

	// No .git at or above a temporary directory (unless the machine keeps one in /tmp).
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), ".git")); err == nil {
		t.Skip("a .git above the temporary directory")
	}
	t.Chdir(filepath.Join(dir, "sub dir"))
	stdout, _, _ = run(t, []string{"check", "--format", "sarif", "p.json"}, "")
	log = parseSARIF(t, stdout)
	wd, _ := os.Getwd()
	if got := log.Runs[0].OriginalURIBaseIDs[srcRoot].URI; got != fileURI(wd)+"/" || log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "p.json" {
		t.Errorf("outside a repository: base %q, want the working directory %q", got, fileURI(wd)+"/")
	}
}

// partialFingerprints identify a finding by its rule, file, element and value: the same
// across runs and when the file is reformatted so that its lines move, different for
// another value.
func TestSARIFFingerprintsSurviveLineShifts(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/bad-action.json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	compact, _ := json.Marshal(v) // different lines and columns, same elements
	file := filepath.Join(dir, "p.json")
	check := func(text string) (prints map[string]string, lines []int) {
		t.Helper()
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, _, _ := run(t, []string{"check", "--format", "sarif", "--base", dir, file}, "")
		prints = map[string]string{}
		for _, r := range parseSARIF(t, stdout).Runs[0].Results {
			fp := r.PartialFingerprints[fingerprintKey]
			if fp == "" {
				t.Fatalf("result of %s has no %s fingerprint", r.RuleID, fingerprintKey)
			}
			prints[r.RuleID] = fp
			lines = append(lines, r.Locations[0].PhysicalLocation.Region.StartLine)
		}
		return prints, lines
	}
	first, firstLines := check(string(src))
	again, _ := check(string(src))
	shifted, shiftedLines := check("\n\n\n" + string(compact))
	if len(first) != 2 || fmt.Sprint(first) != fmt.Sprint(again) || fmt.Sprint(first) != fmt.Sprint(shifted) {
		t.Errorf("fingerprints differ between runs or after the lines moved:\n%v\n%v\n%v", first, again, shifted)
	}
	if fmt.Sprint(firstLines) == fmt.Sprint(shiftedLines) {
		t.Fatalf("the lines did not move (%v): the test shows nothing", firstLines)
	}
	other, _ := check(strings.Replace(string(src), "ims:images:gett", "ims:images:gettt", 1))
	if other["unknown_action"] == first["unknown_action"] || other["deprecated_action"] != first["deprecated_action"] {
		t.Errorf("another value kept its fingerprint, or an unchanged element lost its own: %v, %v", first, other)
	}
}

// A run holds at most 5,000 results, errors first, with a notification saying how many
// were left out: here 5,050 unknown actions (errors) come after a document of warnings.
func TestSARIFResultCap(t *testing.T) {
	dir := t.TempDir()
	// Five files of 1,010 errors each: one file cannot hold them all under the command's
	// 64 KiB cap on a document.
	files := []string{"testdata/warning-only.json"}
	for f := range 5 {
		var actions []string
		for i := range 1010 {
			actions = append(actions, fmt.Sprintf("%q", fmt.Sprintf("ims:images:nope%d", f*1010+i)))
		}
		name := filepath.Join(dir, fmt.Sprintf("big%d.json", f))
		doc := `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": [` + strings.Join(actions, ",\n") + `], "Resource": ["*"]}]}`
		if err := os.WriteFile(name, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	stdout, stderr, exit := run(t, append([]string{"check", "--format", "sarif", "--base", dir}, files...), "")
	if exit != ExitFindings {
		t.Fatalf("exit %d: %s", exit, stderr)
	}
	r := parseSARIF(t, stdout).Runs[0]
	jsonOut, _, _ := run(t, append([]string{"check", "--format", "json"}, files...), "")
	var all struct{ Summary summary }
	if err := json.Unmarshal([]byte(jsonOut), &all); err != nil {
		t.Fatal(err)
	}
	total := all.Summary.Errors + all.Summary.Warnings
	if all.Summary.Errors <= maxSARIFResults || all.Summary.Warnings == 0 {
		t.Fatalf("the input gives %d errors and %d warnings: it must give more than %d errors and some warnings", all.Summary.Errors, all.Summary.Warnings, maxSARIFResults)
	}
	if len(r.Results) != maxSARIFResults {
		t.Fatalf("%d results, want %d", len(r.Results), maxSARIFResults)
	}
	for _, res := range r.Results {
		if res.Level != "error" {
			t.Fatalf("a %s result was kept before all errors", res.Level)
		}
	}
	notes := r.Invocations[0].ToolExecutionNotifications
	want := fmt.Sprintf("%d of %d results were left out", total-maxSARIFResults, total)
	if len(notes) != 1 || !strings.HasPrefix(notes[0].Message.Text, want) || !r.Invocations[0].ExecutionSuccessful {
		t.Errorf("notifications %+v, want one starting %q", notes, want)
	}
}

// No property is written with an unset default (index -1, an empty array or object): the
// goldens' SARIF holds none, except an empty results array (a run with no findings).
func TestSARIFNoUnsetDefaults(t *testing.T) {
	unset := regexp.MustCompile(`^\s*"[^"]*": (-1|\[\]|\{\}),?$`)
	n := 0
	for _, c := range goldenCases {
		if !sarifFormatRequested(c.args) {
			continue
		}
		n++
		stdout, _, _ := run(t, c.args, c.stdin)
		for _, line := range strings.Split(stdout, "\n") {
			if unset.MatchString(line) && strings.TrimSpace(strings.TrimSuffix(line, ",")) != `"results": []` {
				t.Errorf("%s: unset default written: %s", c.name, strings.TrimSpace(line))
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d SARIF golden cases", n)
	}
}

// Every rule has a full description and help in text and markdown, from the rules table.
func TestSARIFRuleTexts(t *testing.T) {
	for _, args := range [][]string{{"check", "--format", "sarif", "testdata/clean.json"}, {"diff-access", "--format", "sarif", "testdata/new-readers.json", "testdata/new-readers.json"}} {
		stdout, _, _ := run(t, args, "")
		rules := parseSARIF(t, stdout).Runs[0].Tool.Driver.Rules
		if len(rules) < 3 {
			t.Fatalf("%v: %d rules", args, len(rules))
		}
		for _, r := range rules {
			if r.FullDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" {
				t.Errorf("%v: rule %s lacks fullDescription or help: %+v", args, r.ID, r)
			}
		}
	}
}

// The tool's version is Version (set by GoReleaser's ldflags through cmd/imspolicy), and
// 0.0.0-dev in a build without one; imspolicy --version prints it.
func TestSARIFToolVersion(t *testing.T) {
	for _, c := range []struct{ version, want string }{{"dev", "0.0.0-dev"}, {"1.4.0", "1.4.0"}} {
		old := Version
		Version = c.version
		stdout, _, _ := run(t, []string{"check", "--format", "sarif", "testdata/clean.json"}, "")
		d := parseSARIF(t, stdout).Runs[0].Tool.Driver
		printed, _, exit := run(t, []string{"--version"}, "")
		Version = old
		if d.Version != c.want || d.SemanticVersion != c.want {
			t.Errorf("Version %q: tool version %q, semanticVersion %q, want %q", c.version, d.Version, d.SemanticVersion, c.want)
		}
		if exit != exitOK || printed != "imspolicy "+c.version+"\n" {
			t.Errorf("Version %q: --version printed %q, exit %d", c.version, printed, exit)
		}
	}
}

// On exit status 2 with --format sarif, the log on stdout is of a failed invocation whose
// notification is the message on stderr; without --format sarif, stdout stays empty.
func TestSARIFOnExit2(t *testing.T) {
	n := 0
	for _, c := range goldenCases {
		if c.exit != exitUsage {
			continue
		}
		stdout, stderr, exit := run(t, c.args, c.stdin)
		if exit != exitUsage {
			t.Fatalf("%s: exit %d", c.name, exit)
		}
		if !sarifFormatRequested(c.args) {
			if stdout != "" {
				t.Errorf("%s: stdout %q without --format sarif", c.name, stdout)
			}
			continue
		}
		n++
		r := parseSARIF(t, stdout).Runs[0]
		first, _, _ := strings.Cut(stderr, "\n")
		if len(r.Invocations) != 1 || r.Invocations[0].ExecutionSuccessful || r.Invocations[0].ExitCode == nil || *r.Invocations[0].ExitCode != exitUsage {
			t.Errorf("%s: invocations %+v, want one that failed with exit code 2", c.name, r.Invocations)
			continue
		}
		notes := r.Invocations[0].ToolExecutionNotifications
		if len(notes) != 1 || notes[0].Level != "error" || !strings.HasPrefix(notes[0].Message.Text, first) || len(r.Tool.Driver.Rules) == 0 {
			t.Errorf("%s: notifications %+v, want the error %q", c.name, notes, first)
		}
	}
	if n < 5 {
		t.Fatalf("only %d exit-2 cases with --format sarif", n)
	}
}

func TestSARIFFormatRequested(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"--format", "sarif"}, true},
		{[]string{"-format=sarif"}, true},
		{[]string{"--format=json"}, false},
		{[]string{"--format"}, false},
		{[]string{"--", "--format", "sarif"}, false},
		{[]string{"x.json", "--ignore", "a", "--format", "sarif"}, true},
	} {
		if got := sarifFormatRequested(c.args); got != c.want {
			t.Errorf("%v: %v, want %v", c.args, got, c.want)
		}
	}
}

// No two results of a golden log share a fingerprint: code scanning would merge them.
func TestSARIFFingerprintsUnique(t *testing.T) {
	for _, c := range goldenCases {
		if !sarifFormatRequested(c.args) {
			continue
		}
		stdout, _, _ := run(t, c.args, c.stdin)
		seen := map[string]bool{}
		for _, r := range parseSARIF(t, stdout).Runs[0].Results {
			fp := r.PartialFingerprints[fingerprintKey]
			if seen[fp] {
				t.Errorf("%s: fingerprint %s twice", c.name, fp)
			}
			seen[fp] = true
		}
	}
}

package cijobs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// findingsExample is the configuration the guide shows a finding for: each of its
// policies draws a warning on purpose, on the line of one action string.
const findingsExample = "examples/ci/terraform"

// placed is where a result points: a file (as the report names it, relative to the
// repository root) and a line and column (column 0: the format has none).
type placed struct {
	File         string
	Line, Column int
}

func (p placed) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// expectedPlaces is, by finding code, where the example's results must point: the line
// and column of the one occurrence of the offending action's quoted string in the
// example's main.tf, found by searching its text.
func expectedPlaces(t *testing.T) map[string]placed {
	t.Helper()
	file := findingsExample + "/main.tf"
	text, err := os.ReadFile(filepath.Join(root(t), file))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]placed{}
	for code, action := range map[string]string{
		"alias_grants_more": "ims:images:update",
		"deprecated_action": "ims:images:share",
	} {
		quoted := []byte(strconv.Quote(action))
		if n := bytes.Count(text, quoted); n != 1 {
			t.Fatalf("%s names %s %d times: want once, where its %s warning points", file, quoted, n, code)
		}
		at := bytes.Index(text, quoted)
		lineStart := bytes.LastIndexByte(text[:at], '\n') + 1
		want[code] = placed{File: file, Line: bytes.Count(text[:at], []byte("\n")) + 1, Column: at - lineStart + 1}
	}
	return want
}

// planFindingsExample lays the example out in a new checkout (a directory with .git, the
// example at its path in the repository), plans it offline from there as a CI job does
// (terraform -chdir), and writes plan.json at the checkout's root. It returns the
// checkout and the environment.
func planFindingsExample(t *testing.T, bin string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, filepath.FromSlash(findingsExample))
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	tfs, err := filepath.Glob(filepath.Join(root(t), findingsExample, "*.tf"))
	if err != nil || len(tfs) == 0 {
		t.Fatalf("%s: no configuration (%v)", findingsExample, err)
	}
	for _, f := range tfs {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(conf, filepath.Base(f)), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	env := append(offlineEnv(bin), "PATH="+os.Getenv("PATH"))
	run := func(args ...string) []byte {
		cmd := exec.Command(filepath.Join(bin, "terraform"), append([]string{"-chdir=" + findingsExample}, args...)...)
		cmd.Dir, cmd.Env = dir, env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("terraform %s: %v:\n%s%s", strings.Join(args, " "), err, out, stderr.Bytes())
		}
		return out
	}
	run("plan", "-input=false", "-no-color", "-out=plan.out")
	if err := os.WriteFile(filepath.Join(dir, "plan.json"), run("show", "-json", "plan.out"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, env
}

var textResult = regexp.MustCompile(`(?m)^(\S+):(\d+):(\d+): (?:error|warning) ([a-z_]+): `)

// placesOf reads, by finding code, where each result of imspolicy check's output in
// format points.
func placesOf(t *testing.T, format string, out []byte) map[string][]placed {
	t.Helper()
	got := map[string][]placed{}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	decode := func(v any) {
		if err := json.Unmarshal(out, v); err != nil {
			t.Fatalf("--format %s: %v:\n%s", format, err, out)
		}
	}
	switch format {
	case "text":
		for _, m := range textResult.FindAllSubmatch(out, -1) {
			got[string(m[4])] = append(got[string(m[4])], placed{string(m[1]), atoi(string(m[2])), atoi(string(m[3]))})
		}
	case "json":
		var r struct {
			Documents []struct {
				Findings []struct {
					Code         string `json:"code"`
					SourceFile   string `json:"source_file"`
					SourceLine   int    `json:"source_line"`
					SourceColumn int    `json:"source_column"`
				} `json:"findings"`
			} `json:"documents"`
		}
		decode(&r)
		for _, d := range r.Documents {
			for _, f := range d.Findings {
				got[f.Code] = append(got[f.Code], placed{f.SourceFile, f.SourceLine, f.SourceColumn})
			}
		}
	case "sarif":
		var r struct {
			Runs []struct {
				OriginalURIBaseIDs map[string]struct {
					URI string `json:"uri"`
				} `json:"originalUriBaseIds"`
				Results []struct {
					RuleID    string `json:"ruleId"`
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct {
								URI       string `json:"uri"`
								URIBaseID string `json:"uriBaseId"`
							} `json:"artifactLocation"`
							Region struct {
								StartLine   int `json:"startLine"`
								StartColumn int `json:"startColumn"`
							} `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		decode(&r)
		for _, run := range r.Runs {
			for _, res := range run.Results {
				for _, l := range res.Locations {
					p := l.PhysicalLocation
					file := p.ArtifactLocation.URI
					if p.ArtifactLocation.URIBaseID != "SRCROOT" {
						file = "(not under %SRCROOT%) " + file
					}
					got[res.RuleID] = append(got[res.RuleID], placed{file, p.Region.StartLine, p.Region.StartColumn})
				}
			}
		}
	case "gitlab":
		var issues []struct {
			CheckName string `json:"check_name"`
			Location  struct {
				Path  string `json:"path"`
				Lines struct {
					Begin int `json:"begin"`
				} `json:"lines"`
			} `json:"location"`
		}
		decode(&issues)
		for _, i := range issues {
			got[i.CheckName] = append(got[i.CheckName], placed{i.Location.Path, i.Location.Lines.Begin, 0})
		}
	}
	return got
}

// The guide shows the finding example: docs/ names it, rendered from the template.
func TestGuideNamesFindingsExample(t *testing.T) {
	for _, file := range []string{guideTmpl, guideDoc} {
		b, err := os.ReadFile(filepath.Join(root(t), file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("--config "+findingsExample)) {
			t.Errorf("%s does not show check --config %s (run make docs after the template)", file, findingsExample)
		}
	}
}

// A plan of the guide's finding example, checked from the checkout's root with --config
// naming the example, as a CI job does: in every format, each of its two warnings points
// at the file and line (and column, where the format has one) of the action string that
// draws it, and the run passes (warnings do not fail --fail-on error). SARIF's root is
// the checkout (the directory with .git), so code scanning finds the file in the
// repository.
func TestFindingsExampleOnItsLines(t *testing.T) {
	bin := binaries(t)
	want := expectedPlaces(t)
	dir, env := planFindingsExample(t, bin)
	for _, format := range []string{"text", "json", "sarif", "gitlab"} {
		t.Run(format, func(t *testing.T) {
			cmd := exec.Command(filepath.Join(bin, "imspolicy"), "check", "--config", findingsExample, "--format", format, "plan.json")
			cmd.Dir, cmd.Env = dir, env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("imspolicy check --format %s: %v:\n%s%s", format, err, out, stderr.Bytes())
			}
			if bytes.Contains(out, []byte("point at the plan file")) || bytes.Contains(stderr.Bytes(), []byte("point at the plan file")) {
				t.Errorf("--format %s: results left on the plan:\n%s%s", format, out, stderr.Bytes())
			}
			got := placesOf(t, format, out)
			if len(got) != len(want) {
				t.Errorf("--format %s: results %v, want one each of %v:\n%s", format, got, want, out)
			}
			for code, w := range want {
				if format == "gitlab" {
					w.Column = 0
				}
				if !slices.Equal(got[code], []placed{w}) {
					t.Errorf("--format %s: %s at %v, want [%v]", format, code, got[code], w)
				}
			}
			if format == "sarif" {
				var r struct {
					Runs []struct {
						OriginalURIBaseIDs map[string]struct {
							URI string `json:"uri"`
						} `json:"originalUriBaseIds"`
					} `json:"runs"`
				}
				if err := json.Unmarshal(out, &r); err != nil || len(r.Runs) != 1 {
					t.Fatalf("--format sarif: %v", err)
				}
				if base := r.Runs[0].OriginalURIBaseIDs["SRCROOT"].URI; base != "file://"+filepath.ToSlash(dir)+"/" {
					t.Errorf("%%SRCROOT%% is %q, want the checkout, file://%s/", base, filepath.ToSlash(dir))
				}
			}
		})
	}
}

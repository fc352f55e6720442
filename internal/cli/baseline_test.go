package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jsonReport is check's JSON report as the tests read it.
type jsonReport struct {
	Documents []struct {
		Checked     bool
		Fingerprint string
		Baseline    *bool
		Findings    []struct {
			Code, Path, Fingerprint string
			Line                    int
			Baseline                bool
		}
	}
	Summary summary
}

func parseReport(t *testing.T, stdout string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	return r
}

// The baseline round-trips: --write-baseline writes the run's findings; after the file's
// lines move, a run with that baseline finds nothing new and exits 0, in every format;
// after a new mistake, it exits 1 and only that finding is new.
func TestBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file, baseline := filepath.Join(dir, "p.json"), filepath.Join(dir, "baseline.json")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile("testdata/bad-action.json")
	if err != nil {
		t.Fatal(err)
	}
	write(string(src))
	stdout, stderr, exit := run(t, []string{"check", "--format", "json", "--base", dir, "--write-baseline", baseline, file}, "")
	if exit != ExitFindings {
		t.Fatalf("writing the baseline: exit %d: %s", exit, stderr)
	}
	written, err := os.ReadFile(baseline)
	if err != nil || string(written) != stdout {
		t.Fatalf("the baseline is not the run's JSON report (%v):\n%s", err, written)
	}
	first := parseReport(t, stdout)
	if len(first.Documents[0].Findings) != 2 {
		t.Fatalf("want 2 findings in the baseline: %+v", first)
	}

	// The same elements on other lines.
	moved := "\n\n" + strings.ReplaceAll(string(src), "\n      ", " ")
	write(moved)
	for _, format := range []string{"text", "json", "sarif", "gitlab"} {
		stdout, stderr, exit := run(t, []string{"check", "--format", format, "--base", dir, "--baseline", baseline, file}, "")
		if exit != exitOK {
			t.Errorf("%s: exit %d after the lines moved, want 0:\n%s%s", format, exit, stdout, stderr)
		}
		switch format {
		case "text":
			if strings.Count(stdout, " (in baseline)\n") != 2 || !strings.Contains(stdout, "(2 in baseline): passed") {
				t.Errorf("text does not mark both findings as in baseline:\n%s", stdout)
			}
		case "json":
			r := parseReport(t, stdout)
			for i, f := range r.Documents[0].Findings {
				if !f.Baseline || f.Fingerprint != first.Documents[0].Findings[i].Fingerprint {
					t.Errorf("finding %+v is not in the baseline", f)
				}
				if f.Line == first.Documents[0].Findings[i].Line {
					t.Fatalf("finding %s stayed on line %d: the test shows nothing", f.Code, f.Line)
				}
			}
			if r.Summary.InBaseline != 2 || r.Summary.Failed || r.Summary.Errors != 1 {
				t.Errorf("summary %+v, want 2 in baseline, 1 error, not failed", r.Summary)
			}
		case "sarif":
			for _, res := range parseSARIFBaseline(t, stdout) {
				if res != "unchanged" {
					t.Errorf("baselineState %q, want unchanged", res)
				}
			}
		case "gitlab":
			var issues gitlabReport
			if err := json.Unmarshal([]byte(stdout), &issues); err != nil {
				t.Fatal(err)
			}
			for _, i := range issues {
				if !strings.HasSuffix(i.Description, " (in baseline)") {
					t.Errorf("GitLab issue %q is not marked as in baseline", i.Description)
				}
			}
		}
	}

	// A new mistake beside the old ones.
	write(strings.Replace(moved, `"ims:images:gett"`, `"ims:images:gett", "ims:images:lst"`, 1))
	stdout, _, exit = run(t, []string{"check", "--format", "json", "--base", dir, "--baseline", baseline, file}, "")
	r := parseReport(t, stdout)
	var fresh []string
	for _, f := range r.Documents[0].Findings {
		if !f.Baseline {
			fresh = append(fresh, f.Path)
		}
	}
	if exit != ExitFindings || len(fresh) != 1 || fresh[0] != "Statement[0].Action[1]" || r.Summary.InBaseline != 2 {
		t.Errorf("exit %d, new findings %v, %d in baseline; want exit 1, only Statement[0].Action[1] new, 2 in baseline", exit, fresh, r.Summary.InBaseline)
	}
	stdout, _, _ = run(t, []string{"check", "--format", "sarif", "--base", dir, "--baseline", baseline, file}, "")
	if got := strings.Join(parseSARIFBaseline(t, stdout), ","); got != "unchanged,new,unchanged" {
		t.Errorf("SARIF baselineStates %s, want unchanged,new,unchanged", got)
	}
	stdout, _, _ = run(t, []string{"check", "--base", dir, "--baseline", baseline, file}, "")
	if strings.Count(stdout, "(in baseline)\n") != 2 || !strings.Contains(stdout, "Statement[0].Action[1]: \"ims:images:lst\"") {
		t.Errorf("text:\n%s", stdout)
	}

	// Without --baseline, SARIF results have no baselineState.
	stdout, _, _ = run(t, []string{"check", "--format", "sarif", "--base", dir, file}, "")
	if got := strings.Join(parseSARIFBaseline(t, stdout), ","); got != ",," {
		t.Errorf("baselineStates %q without a baseline", got)
	}
}

func parseSARIFBaseline(t *testing.T, stdout string) []string {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				BaselineState string `json:"baselineState"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("not a SARIF log: %v\n%s", err, stdout)
	}
	var states []string
	for _, r := range log.Runs[0].Results {
		states = append(states, r.BaselineState)
	}
	return states
}

// Under --strict, a document not checked fails the run unless it is in the baseline, and
// a finding below --fail-on is marked without changing the exit status.
func TestBaselineNotChecked(t *testing.T) {
	dir := t.TempDir()
	baseline := filepath.Join(dir, "b.json")
	args := []string{"check", "--strict", "--format", "json", "testdata/huaweicloud-plan.json"}
	if _, _, exit := run(t, append(args, "--write-baseline", baseline), ""); exit != ExitFindings {
		t.Fatalf("exit %d", exit)
	}
	stdout, _, exit := run(t, append(args, "--baseline", baseline), "")
	r := parseReport(t, stdout)
	notChecked := 0
	for _, d := range r.Documents {
		if !d.Checked {
			notChecked++
			if d.Baseline == nil || !*d.Baseline || d.Fingerprint == "" {
				t.Errorf("document not checked: baseline %v, fingerprint %q", d.Baseline, d.Fingerprint)
			}
		}
	}
	if exit != exitOK || notChecked == 0 || r.Summary.InBaseline != r.Summary.Errors+r.Summary.Warnings+notChecked {
		t.Errorf("exit %d, summary %+v, %d not checked", exit, r.Summary, notChecked)
	}
}

// A baseline that cannot be written is exit status 2, naming the flag and the file.
func TestWriteBaselineFails(t *testing.T) {
	target := filepath.Join(t.TempDir(), "no-such-dir", "b.json")
	stdout, stderr, exit := run(t, []string{"check", "--write-baseline", target, "testdata/clean.json"}, "")
	if exit != exitUsage || stdout != "" || !strings.Contains(stderr, "--write-baseline "+target+": no such file or directory") {
		t.Errorf("exit %d, stdout %q, stderr %q", exit, stdout, stderr)
	}
}

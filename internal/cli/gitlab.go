package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
)

// The GitLab Code Quality report (--format gitlab): a JSON array of issues with the
// fields GitLab reads, as its documentation gives them ("Code Quality", section "Code
// Quality report format", https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
// description, check_name, fingerprint, severity (info, minor, major, critical or
// blocker), location.path (relative to the repository) and location.lines.begin.
// testdata/gitlab-code-quality-schema.json states the format, and the tests validate
// every report they produce against it.

type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// gitlabSeverity is a SARIF level as a GitLab severity: an error is major and a warning
// minor (as ESLint's and other linters' GitLab formatters map them), a note info.
var gitlabSeverity = map[string]string{"error": "major", "warning": "minor", "note": "info"}

// writeGitLab writes the run's results as a GitLab Code Quality report: every result
// (GitLab has no cap that SARIF's 5,000 serves), with the same rule, message, line and
// fingerprint as in SARIF. A result in the baseline is kept, with its severity, and its
// description says "(in baseline)": GitLab compares a merge request's report with the
// target branch's by fingerprint, so leaving it out would show it as resolved there.
func (w *sarifWriter) writeGitLab(out io.Writer) error {
	issues := []gitlabIssue{}
	for _, r := range w.results {
		loc := r.Locations[0].PhysicalLocation
		path, err := gitlabPath(w.base, loc.ArtifactLocation)
		if err != nil {
			return err
		}
		description := r.Message.Text
		if r.BaselineState == "unchanged" {
			description += baselineNote(true)
		}
		line := 1
		if loc.Region != nil {
			line = loc.Region.StartLine
		}
		issues = append(issues, gitlabIssue{
			Description: description, CheckName: r.RuleID, Fingerprint: r.PartialFingerprints[fingerprintKey],
			Severity: gitlabSeverity[r.Level], Location: gitlabLocation{Path: path, Lines: gitlabLines{Begin: line}},
		})
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}

// gitlabPath is an artifact's path as GitLab wants it, relative to the repository root
// (the base), unencoded: the SARIF URI relative to %SRCROOT%, decoded. Standard input is
// "stdin", as in SARIF. A file outside the base has no such path: GitLab could not show
// it, so that is an error that says what to do.
func gitlabPath(base string, art sarifArtifactLoc) (string, error) {
	if art.URIBaseID != srcRoot {
		if art.URI == "stdin" {
			return "stdin", nil
		}
		where := art.URI
		if u, err := url.Parse(art.URI); err == nil {
			where = filepath.FromSlash(u.Path)
		}
		if base == "" {
			base = "(unknown: the working directory is gone)"
		}
		return "", fmt.Errorf("%s is outside the repository root %s, and a GitLab Code Quality report names files by their path in the repository: check files inside it (write the plan into the checkout: terraform show -json plan.out > plan.json), or set --base to a directory that holds them", where, base)
	}
	return url.PathUnescape(art.URI)
}

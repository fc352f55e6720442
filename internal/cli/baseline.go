package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// A baseline is the JSON report (--format json) of an earlier run of check, as
// --write-baseline writes it. The results of a run whose fingerprint is in it are "in
// baseline": they are reported, marked, and do not fail the run. Matching is by
// fingerprint (findingFingerprint: the rule, the file relative to --base, the resource
// address and the element with its value), never by line, so it survives lines moving.

// baselineFix ends every error about --baseline FILE.
const baselineFix = "give the JSON report of an earlier run of imspolicy check (--write-baseline FILE writes one)"

// readBaseline reads --baseline FILE: the set of fingerprints of its findings and of its
// documents not checked.
func readBaseline(path string) (map[string]bool, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--baseline %s: cannot read it: %w; %s", path, unwrapPathError(err), baselineFix)
	}
	var b struct {
		FormatVersion *string `json:"format_version"`
		Documents     *[]struct {
			Fingerprint string `json:"fingerprint"`
			Checked     bool   `json:"checked"`
			Findings    []struct {
				Fingerprint string `json:"fingerprint"`
			} `json:"findings"`
		} `json:"documents"`
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("--baseline %s is not a JSON report (%v): %s", path, err, baselineFix)
	}
	if b.FormatVersion == nil || b.Documents == nil {
		return nil, fmt.Errorf("--baseline %s is not a JSON report of imspolicy check (it has no format_version and documents): %s", path, baselineFix)
	}
	if *b.FormatVersion != jsonFormatVersion {
		return nil, fmt.Errorf("--baseline %s has format_version %q, and this imspolicy reads %q: write it again with --write-baseline", path, *b.FormatVersion, jsonFormatVersion)
	}
	prints := map[string]bool{}
	missing := false
	for _, d := range *b.Documents {
		if !d.Checked {
			missing = missing || d.Fingerprint == ""
			prints[d.Fingerprint] = true
		}
		for _, f := range d.Findings {
			missing = missing || f.Fingerprint == ""
			prints[f.Fingerprint] = true
		}
	}
	if missing {
		return nil, errors.New("--baseline " + path + " has results without a fingerprint (a report of an imspolicy older than baselines): write it again with --write-baseline")
	}
	return prints, nil
}

// writeBaseline writes the run's JSON report to --write-baseline FILE.
func (r *report) writeBaseline(path string) error {
	var b bytes.Buffer
	if err := r.writeJSON(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--write-baseline %s: %w", path, unwrapPathError(err))
	}
	return nil
}

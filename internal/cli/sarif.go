package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// The SARIF 2.1.0 log the command writes, with only the properties it sets: every field is
// omitted when unset, so no default (index -1, empty arrays) is written. The types follow
// the OASIS standard "Static Analysis Results Interchange Format (SARIF) Version 2.1.0"
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), and what GitHub code
// scanning reads of it ("SARIF support for code scanning", docs.github.com).

// sarifSchemaURI is the final OASIS schema, as Microsoft's validator asks (GH1013, SARIF2008).
const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// srcRoot is the uriBaseId of every artifact inside --base: code scanning resolves it to
// the repository's checkout.
const srcRoot = "SRCROOT"

// maxSARIFResults is the most results one run holds: what GitHub code scanning shows of a
// run ("SARIF support for code scanning": 5,000 results are displayed, 25,000 uploaded).
// A variable so that a test can lower it.
var maxSARIFResults = 5000

// fingerprintKey names the command's partialFingerprints value; the version suffix changes
// if what it hashes changes, so code scanning does not match unlike fingerprints.
const fingerprintKey = "imspolicyFinding/v1"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Invocations        []sarifInvocation           `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                      `json:"columnKind,omitempty"`
	Results            []sarifResult               `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	InformationURI  string      `json:"informationUri"`
	Version         string      `json:"version"`
	SemanticVersion string      `json:"semanticVersion"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifMultiText    `json:"help"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleDefaults `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRuleDefaults struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ExitCode                   *int                `json:"exitCode,omitempty"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	BaselineState       string            `json:"baselineState,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical     `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLoc `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogicalLoc struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifVersion is the tool's version and semanticVersion: Version, or 0.0.0-dev for a
// build without one (Microsoft's validator wants a version that starts with a number,
// SARIF2005).
func sarifVersion() string {
	if Version == "dev" || Version == "" {
		return "0.0.0-dev"
	}
	return strings.TrimPrefix(Version, "v")
}

// sarifWriter builds one run: rules first, then results, each result located relative to
// the base directory.
type sarifWriter struct {
	base    string // absolute; "" when unknown
	rules   []sarifRule
	index   map[string]int
	results []sarifResult
	lines   map[string]int // line counts of plan files, for their whole-file regions
	note    string         // a run-level note: why some results point at the plan (locateInConfig)
}

func newSARIFWriter(base string, rules []sarifRule) *sarifWriter {
	w := &sarifWriter{base: base, rules: rules, index: map[string]int{}, lines: map[string]int{}}
	for i, r := range rules {
		w.index[r.ID] = i
	}
	return w
}

// add adds a result of a rule of the run, with its fingerprint (findingFingerprint) and,
// when the run is compared with a baseline, its baselineState ("new" or "unchanged").
func (w *sarifWriter) add(rule, level, message string, loc sarifLocation, fingerprint, baselineState string) {
	w.results = append(w.results, sarifResult{
		RuleID: rule, RuleIndex: w.index[rule], Level: level, Message: sarifText{Text: sentence(message)},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprint},
		BaselineState:       baselineState,
	})
}

// findingFingerprint is what identifies a finding across runs, whatever its line: a hash
// of the rule, the file (as the artifact location relative to the base) and parts that
// name the element (the resource address, the element's path and value). SARIF's
// partialFingerprints, GitLab's fingerprint and the JSON report's fingerprint, which
// --baseline matches, are all this one value.
func findingFingerprint(rule string, art sarifArtifactLoc, parts ...string) string {
	all := append([]string{rule, art.URIBaseID, art.URI}, parts...)
	sum := sha256.Sum256([]byte(strings.Join(all, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// sentence ends a message with a full stop, as SARIF messages are (SARIF2001).
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// write writes the log: at most maxSARIFResults results, errors first, then warnings,
// then notes (each in the order found), and a notification that says how many were left
// out.
func (w *sarifWriter) write(out io.Writer) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "imspolicy", InformationURI: ciGuide, Version: sarifVersion(), SemanticVersion: sarifVersion(), Rules: w.rules,
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		ColumnKind:  "unicodeCodePoints", // policy.Pos counts characters
		Results:     w.results,
	}
	if w.base != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{srcRoot: {URI: fileURI(w.base) + "/"}}
	}
	if w.note != "" {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "note", Message: sarifText{Text: sentence(w.note)}})
	}
	if left := len(w.results) - maxSARIFResults; left > 0 {
		kept := make([]sarifResult, 0, maxSARIFResults)
		for _, level := range []string{"error", "warning", "note"} {
			for _, r := range w.results {
				if r.Level == level && len(kept) < maxSARIFResults {
					kept = append(kept, r)
				}
			}
		}
		run.Results = kept
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{Level: "warning", Message: sarifText{Text: fmt.Sprintf(
			"%d of %d results were left out: a run holds at most %d (what GitHub code scanning shows), errors first, then warnings, then notes. The text and JSON formats report every result.",
			left, len(w.results), maxSARIFResults)}})
	}
	return encodeSARIF(out, run)
}

func encodeSARIF(out io.Writer, run sarifRun) error {
	if run.Results == nil {
		run.Results = []sarifResult{}
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

// writeSARIFFailure writes the log of a run that stopped with exit status 2 (bad usage or
// unreadable input): no results, and an invocation that failed with the message, so an
// upload step that runs whatever the exit status shows why.
func writeSARIFFailure(out io.Writer, rules []sarifRule, message string) error {
	exit := exitUsage
	return encodeSARIF(out, sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "imspolicy", InformationURI: ciGuide, Version: sarifVersion(), SemanticVersion: sarifVersion(), Rules: rules,
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: false, ExitCode: &exit,
			ToolExecutionNotifications: []sarifNotification{{Level: "error", Message: sarifText{Text: sentence(strings.TrimSpace(message))}}}}},
	})
}

// artifact is where a source is, as a URI reference: relative to %SRCROOT% (the base)
// when it is inside the base, else an absolute file URI; "stdin" for standard input.
func (w *sarifWriter) artifact(source string) sarifArtifactLoc { return artifactIn(w.base, source) }

// artifactIn is artifact for the base directory base.
func artifactIn(base, source string) sarifArtifactLoc {
	if source == "-" {
		return sarifArtifactLoc{URI: "stdin"}
	}
	abs, err := filepath.Abs(source)
	if err != nil {
		return sarifArtifactLoc{URI: encodePath(filepath.ToSlash(source))}
	}
	rel, err := filepath.Rel(base, abs)
	if base == "" || err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return sarifArtifactLoc{URI: fileURI(abs)}
	}
	return sarifArtifactLoc{URI: encodePath(filepath.ToSlash(rel)), URIBaseID: srcRoot}
}

// fileURI is the file URI of an absolute path: file:///home/x/my%20policies.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x is file:///C:/x
	}
	return "file://" + encodePath(p)
}

// encodePath percent-encodes a slash-separated path for a URI (RFC 3986): every byte
// but the unreserved characters, '/' and a Windows drive's colon, so a space, a non-ASCII
// name and a '%' (pct%41.json is not pctA.json) all stay the file's own name.
func encodePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		case c == ':' && i == 2 && p[0] == '/': // /C:/...
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// findBase is the default --base: the repository root, the nearest directory at or above
// the working directory that holds .git; else the working directory. When even that is
// unknown (it was removed), "": every path is then an absolute file URI, and only SARIF
// output is concerned, so this is no reason to fail.
func findBase() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd
		}
		dir = parent
	}
}

// resolveBase is --base as an absolute directory, or the default when it is empty.
func resolveBase(base string) (string, error) {
	if base == "" {
		return findBase(), nil
	}
	abs, err := filepath.Abs(base)
	if err != nil {
		return "", fmt.Errorf("--base %s: %w", base, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("--base %s: %w: give the directory that SARIF paths are relative to (the repository root)", base, unwrapPathError(err))
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("--base %s is not a directory: give the directory that SARIF paths are relative to (the repository root)", base)
	}
	return abs, nil
}

// docLocation is a document's location in the log. A finding in a policy file is its
// element's region; a document in a plan is, when it was found in the configuration (src),
// that line of the .tf or JSON file, else the plan file as a whole (the document is a
// string inside it, so a position in the document is not one in the file); both with the
// resource address as a logical location.
func (w *sarifWriter) docLocation(d document, pos policy.Pos, src srcPos) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: w.artifact(d.Source)}}
	if d.InPlan() && src.valid() {
		loc.PhysicalLocation = sarifPhysical{ArtifactLocation: w.artifact(src.File), Region: &sarifRegion{StartLine: src.Line, StartColumn: src.Column}}
		loc.LogicalLocations = []sarifLogicalLoc{{Name: d.Address, FullyQualifiedName: d.Address + "." + d.Attribute, Kind: "resource"}}
		return loc
	}
	if d.InPlan() {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: 1, EndLine: w.lineCount(d.Source)}
		loc.LogicalLocations = []sarifLogicalLoc{{Name: d.Address, FullyQualifiedName: d.Address + "." + d.Attribute, Kind: "resource"}}
		return loc
	}
	if !pos.IsValid() {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: 1, EndLine: countLines(d.Text)}
		return loc
	}
	_, end := elementAt(d.Text, pos.Offset)
	endLine, endColumn := lineColumn(d.Text, pos, end)
	loc.PhysicalLocation.Region = &sarifRegion{StartLine: pos.Line, StartColumn: pos.Column, EndLine: endLine, EndColumn: endColumn}
	return loc
}

// lineCount is the number of lines of a plan file, read once per file; 1 when it cannot
// be read again (standard input).
func (w *sarifWriter) lineCount(source string) int {
	if n, ok := w.lines[source]; ok {
		return n
	}
	n := 1
	if source != "-" {
		if src, err := os.ReadFile(source); err == nil {
			n = countLines(src)
		}
	}
	w.lines[source] = n
	return n
}

// countLines counts lines as an editor shows them: a final newline ends the last line.
func countLines(src []byte) int {
	n := bytes.Count(src, []byte("\n"))
	if len(src) == 0 || src[len(src)-1] != '\n' {
		n++
	}
	return max(n, 1)
}

// elementAt is the JSON value that starts at offset off (for a key, the key), compacted so
// that reformatting the file does not change it, and the offset where it ends. When no
// value can be read there (malformed JSON), it is "" and the element is one character.
func elementAt(text []byte, off int) (string, int) {
	if off < 0 || off >= len(text) {
		return "", off
	}
	dec := json.NewDecoder(bytes.NewReader(text[off:]))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		_, size := utf8.DecodeRune(text[off:])
		return "", off + size
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "", off + int(dec.InputOffset())
	}
	return b.String(), off + int(dec.InputOffset())
}

// lineColumn is the line and column (in characters, from 1) of offset end, counting on
// from pos.
func lineColumn(text []byte, pos policy.Pos, end int) (int, int) {
	line, col := pos.Line, pos.Column
	for off := pos.Offset; off < end && off < len(text); {
		r, size := utf8.DecodeRune(text[off:])
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		off += size
	}
	return line, col
}

// sarifFormatRequested reports whether args ask for --format sarif, for a usage error
// found before (or instead of) the flags were parsed.
func sarifFormatRequested(args []string) bool { return formatRequested(args, "sarif") }

// formatRequested reports whether args ask for --format format.
func formatRequested(args []string, format string) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "format" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		return value == format
	}
	return false
}

// usageFailure reports an exit-2 error: the message on stderr and, under --format sarif, a
// log of the failed run on stdout, where the results would have gone.
func usageFailure(stdout, stderr io.Writer, sarif bool, rules []sarifRule, message string) int {
	fmt.Fprint(stderr, message)
	if sarif {
		text, _, _ := strings.Cut(message, "\n(imspolicy --help")
		if err := writeSARIFFailure(stdout, rules, text); err != nil {
			fmt.Fprintf(stderr, "imspolicy: writing the SARIF log: %v\n", err)
		}
	}
	return exitUsage
}

package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// rulesGuide is the validation rules guide of the registry docs; each rule is the
// heading named by its code, so #<code> links to it.
const rulesGuide = "https://registry.terraform.io/providers/imspolicy/imspolicy/latest/docs/guides/validation-rules"

// ciGuide is the guide to this command, where "not checked" is explained.
const ciGuide = "https://registry.terraform.io/providers/imspolicy/imspolicy/latest/docs/guides/checking-policies-in-ci"

// notCheckedRule is the SARIF rule of documents that could not be checked.
const notCheckedRule = "not_checked"

func ruleURI(code string) string { return rulesGuide + "#" + code }

// jsonFormatVersion is the version of the JSON report's schema (documented in the
// "Checking policies in CI" guide); it changes only when a field changes meaning or goes.
const jsonFormatVersion = "1"

// report is the outcome of a check, and, as it is, the JSON output.
type report struct {
	FormatVersion string         `json:"format_version"`
	Documents     []jsonDocument `json:"documents"`
	Summary       summary        `json:"summary"`

	docs []document
	opts checkOptions
	// sourceNote says why some plan results point at the plan, not at the configuration.
	sourceNote string
}

type jsonDocument struct {
	Source       string `json:"source"`
	Address      string `json:"address,omitempty"`
	ResourceType string `json:"resource_type,omitempty"`
	Attribute    string `json:"attribute,omitempty"`
	Purpose      string `json:"purpose,omitempty"`
	// Language is "v3" for an IAM v3 document; absent for v5 documents.
	Language         string `json:"language,omitempty"`
	Checked          bool   `json:"checked"`
	NotCheckedReason string `json:"not_checked_reason,omitempty"`
	// Fingerprint and Baseline are those of a document not checked (which is a result
	// of the rule not_checked in SARIF and GitLab); absent for a document checked.
	Fingerprint string `json:"fingerprint,omitempty"`
	Baseline    *bool  `json:"baseline,omitempty"`
	// SourceFile and SourceLine are, for a document in a plan, its resource block in the
	// configuration (--config), when it was found there.
	SourceFile string        `json:"source_file,omitempty"`
	SourceLine int           `json:"source_line,omitempty"`
	Findings   []jsonFinding `json:"findings"`
}

type jsonFinding struct {
	Code      string `json:"code"`
	Severity  string `json:"severity"`
	Statement *int   `json:"statement"`
	Sid       string `json:"sid,omitempty"`
	Path      string `json:"path,omitempty"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	Message   string `json:"message"`
	HelpURI   string `json:"help_uri"`
	// Fingerprint identifies the finding across runs whatever its line (it is SARIF's
	// partialFingerprints value); Baseline says it is in the --baseline report, and so
	// does not fail the run.
	Fingerprint string `json:"fingerprint"`
	Baseline    bool   `json:"baseline"`
	// SourceFile, SourceLine and SourceColumn are, for a finding of a document in a plan,
	// where the configuration writes its element (or the document), when it was found:
	// a .tf file, or the JSON file that file() reads. Line and Column stay positions in
	// the document's text.
	SourceFile   string `json:"source_file,omitempty"`
	SourceLine   int    `json:"source_line,omitempty"`
	SourceColumn int    `json:"source_column,omitempty"`
}

type summary struct {
	Documents  int  `json:"documents"`
	Checked    int  `json:"checked"`
	NotChecked int  `json:"not_checked"`
	Errors     int  `json:"errors"`
	Warnings   int  `json:"warnings"`
	InBaseline int  `json:"in_baseline"` // findings and documents not checked that are in the --baseline report
	Failed     bool `json:"failed"`
}

func newReport(docs []document, opts checkOptions) *report {
	r := &report{FormatVersion: jsonFormatVersion, Documents: []jsonDocument{}, docs: docs, opts: opts}
	for _, d := range docs {
		jd := jsonDocument{
			Source: d.Source, Address: d.Address, ResourceType: d.ResourceType, Attribute: d.Attribute,
			Checked: d.Unchecked == checked, NotCheckedReason: d.Unchecked.String(), Findings: []jsonFinding{},
			SourceFile: d.Src.File, SourceLine: d.Src.Line,
		}
		if !d.Unchecked.notRead { // a document of a kind not checked has no purpose
			jd.Purpose = d.Purpose.String()
		}
		if d.Language == policy.V3 {
			jd.Language = d.Language.String()
		}
		r.Summary.Documents++
		if d.Unchecked != checked {
			jd.Fingerprint = findingFingerprint(notCheckedRule, artifactIn(opts.base, d.Source), d.Address, d.Attribute)
			in := opts.baseline[jd.Fingerprint]
			jd.Baseline = &in
			r.count(in)
			r.Summary.NotChecked++
			r.Summary.Failed = r.Summary.Failed || opts.strict && !in && !d.Unchecked.outOfScope
		} else {
			r.Summary.Checked++
		}
		for j, f := range d.Findings {
			at := findingAt(f)
			value := ""
			if at.pos.IsValid() {
				value, _ = elementAt(d.Text, at.pos.Offset)
			}
			jf := jsonFinding{Code: f.Code, Severity: f.Severity.String(), Sid: at.sid, Path: at.path,
				Line: at.pos.Line, Column: at.pos.Column, Message: f.Message, HelpURI: ruleURI(f.Code),
				Fingerprint: findingFingerprint(f.Code, artifactIn(opts.base, d.Source), d.Address, d.Attribute, at.path, value)}
			jf.Baseline = opts.baseline[jf.Fingerprint]
			if src := d.findingSrc(j); src.valid() {
				jf.SourceFile, jf.SourceLine, jf.SourceColumn = src.File, src.Line, src.Column
			}
			if at.statement >= 0 {
				jf.Statement = &at.statement
			}
			jd.Findings = append(jd.Findings, jf)
			if f.Severity == policy.Error {
				r.Summary.Errors++
			} else {
				r.Summary.Warnings++
			}
			r.count(jf.Baseline)
			r.Summary.Failed = r.Summary.Failed || f.Severity <= opts.failOn && !jf.Baseline
		}
		r.Documents = append(r.Documents, jd)
	}
	return r
}

// count counts a result in the baseline.
func (r *report) count(inBaseline bool) {
	if inBaseline {
		r.Summary.InBaseline++
	}
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeText writes one line per finding, as a compiler does:
//
//	policy.json:3:17: error unknown_action: Statement[0].Action[0]: ...
//	plan.json: module.iam.huaweicloud_identityv5_policy.ops[1].policy_document:1:40: error unknown_action: Statement[0].Action[0]: ...
//	iam/main.tf:12:9: error unknown_action: module.iam.huaweicloud_identityv5_policy.ops[1].policy_document: Statement[0].Action[0]: ...
//
// (the last for a plan result found in the configuration, --config), then one line per
// document not checked, and a summary.
func (r *report) writeText(w io.Writer) {
	for i, d := range r.docs {
		jd := r.Documents[i]
		if d.Unchecked != checked {
			where := d.Where()
			if d.Src.valid() {
				where = d.Src.String() + ": " + d.Address + "." + d.Attribute
			}
			fmt.Fprintf(w, "%s: not checked: %s%s\n", where, d.Unchecked.Text(), baselineNote(*jd.Baseline))
			continue
		}
		for j, f := range d.Findings {
			at := findingAt(f)
			where := d.Where()
			if at.pos.IsValid() {
				where += fmt.Sprintf(":%d:%d", at.pos.Line, at.pos.Column)
			}
			element := ""
			if src := d.findingSrc(j); src.valid() {
				where, element = src.String(), d.Address+"."+d.Attribute+": "
			}
			if at.path != "" {
				element += at.path
				if at.sid != "" {
					element += fmt.Sprintf(" (Sid %q)", at.sid)
				}
				element += ": "
			}
			fmt.Fprintf(w, "%s: %s %s: %s%s%s\n", where, f.Severity, f.Code, element, f.Message, baselineNote(jd.Findings[j].Baseline))
		}
	}
	s := r.Summary
	verdict := "passed"
	if s.Failed {
		verdict = "failed"
	}
	inBaseline := ""
	if r.opts.baselineFile != "" {
		inBaseline = fmt.Sprintf(" (%d in baseline)", s.InBaseline)
	}
	fmt.Fprintf(w, "%s, %s checked, %d not checked; %s, %s%s: %s (--fail-on %s%s)\n",
		plural(s.Documents, "document"), fmt.Sprint(s.Checked), s.NotChecked,
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), inBaseline, verdict, r.opts.failOn, strictNote(r.opts.strict))
}

// baselineNote marks, in text, a result that is in the baseline.
func baselineNote(inBaseline bool) string {
	if inBaseline {
		return " (in baseline)"
	}
	return ""
}

// baselineState is a result's SARIF baselineState: "unchanged" when it is in the baseline,
// "new" when it is not, and none when the run has no baseline.
func (r *report) baselineState(inBaseline bool) string {
	switch {
	case r.opts.baselineFile == "":
		return ""
	case inBaseline:
		return "unchanged"
	default:
		return "new"
	}
}

func strictNote(strict bool) string {
	if strict {
		return ", --strict"
	}
	return ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// writeSARIF writes a SARIF 2.1.0 log: one rule per finding code of the rules table (and
// not_checked), and one result per finding and per document not checked, each with a
// physical location (GitHub code scanning refuses results without one): the file's element,
// or the plan file with the resource address as a logical location.
func (r *report) writeSARIF(w io.Writer) error { return r.results().write(w) }

// writeGitLab writes a GitLab Code Quality report of the same results (gitlab.go).
func (r *report) writeGitLab(w io.Writer) error { return r.results().writeGitLab(w) }

// results are the run's SARIF results, which the GitLab report is made of too.
func (r *report) results() *sarifWriter {
	sw := newSARIFWriter(r.opts.base, checkSARIFRules(r.opts.strict))
	sw.note = r.sourceNote
	for i, d := range r.docs {
		jd := r.Documents[i]
		if d.Unchecked != checked {
			loc := sw.docLocation(d, policy.Pos{}, d.Src)
			sw.add(notCheckedRule, notCheckedLevel(r.opts.strict && !d.Unchecked.outOfScope), fmt.Sprintf("%s: not checked: %s", d.Address+"."+d.Attribute, d.Unchecked.Text()),
				loc, jd.Fingerprint, r.baselineState(*jd.Baseline))
			continue
		}
		for j, f := range d.Findings {
			at := findingAt(f)
			msg := f.Message
			if at.path != "" {
				msg = at.path + ": " + msg
			}
			if d.InPlan() {
				msg = d.Address + "." + d.Attribute + ": " + msg
			}
			loc := sw.docLocation(d, at.pos, d.findingSrc(j))
			jf := jd.Findings[j]
			sw.add(f.Code, f.Severity.String(), msg, loc, jf.Fingerprint, r.baselineState(jf.Baseline))
		}
	}
	return sw
}

func notCheckedLevel(strict bool) string {
	if strict {
		return "error"
	}
	return "note"
}

// checkSARIFRules are check's rules: the rules table, with each rule's summary, fix and
// example (GitHub shows fullDescription and help beside each result), and not_checked.
func checkSARIFRules(strict bool) []sarifRule {
	var rules []sarifRule
	for _, rule := range policy.Rules() {
		rules = append(rules, sarifRule{
			ID: rule.Code, Name: sarifRuleName(rule.Code),
			ShortDescription: sarifText{Text: rule.Summary},
			FullDescription:  sarifText{Text: rule.Summary + " Fix: " + rule.Fix},
			Help: sarifMultiText{
				Text: rule.Fix,
				Markdown: fmt.Sprintf("%s\n\nA document that draws it: `%s`\n\n[%s in the validation rules guide](%s)",
					rule.Fix, rule.Example, rule.Code, ruleURI(rule.Code)),
			},
			HelpURI:              ruleURI(rule.Code),
			DefaultConfiguration: sarifRuleDefaults{Level: rule.Severity.String()},
		})
	}
	const summary = "A policy document could not be checked: its value is known only after apply, it is an IAM v3 (1.1) document, or it is another kind of policy (a bucket, trust or tag policy)."
	const fix = "Check the document once its value is known (after apply, or with the value written out), or move an IAM v3 role to an IAM v5 identity policy."
	return append(rules, sarifRule{
		ID: notCheckedRule, Name: "NotChecked",
		ShortDescription:     sarifText{Text: summary},
		FullDescription:      sarifText{Text: summary + " Such a document is reported, never passed as clean; under --strict it fails the run, unless it is another kind of policy, which grants no identity-based access to IMS."},
		Help:                 sarifMultiText{Text: fix, Markdown: fix + "\n\n[Checking policies in CI](" + ciGuide + ")"},
		HelpURI:              ciGuide,
		DefaultConfiguration: sarifRuleDefaults{Level: notCheckedLevel(strict)},
	})
}

// sarifRuleName is a code in the PascalCase SARIF uses for rule names: unknown_action is
// UnknownAction.
func sarifRuleName(code string) string {
	var b strings.Builder
	for _, part := range strings.Split(code, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

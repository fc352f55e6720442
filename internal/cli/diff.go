package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// exitUnknown is diff-access's status when the analyser could not decide (a bound, a
// corner it cannot decide exactly, a value known only after apply, an IAM v3 document).
const exitUnknown = 3

// side is one side of a comparison: a document, or none (a resource created or destroyed).
type side struct {
	document // Text nil: no document
	present  bool
}

// comparison is one policy's old and new documents and the analyser's answer.
type comparison struct {
	old, new side
	result   analysis.NoNewAccessResult
	status   analysis.Status
	reason   string
}

func runDiffAccess(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff-access", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	purpose := &choice{value: "identity", words: []string{"identity", "scp"}}
	format := &choice{value: "text", words: []string{"text", "json", "sarif", "gitlab"}}
	fs.Var(purpose, "purpose", "")
	fs.Var(format, "format", "")
	planPath := fs.String("plan", "", "")
	budget := fs.Int("budget", analysis.DefaultBudget.Requests, "")
	baseDir := fs.String("base", "", "")
	config := fs.String("config", "", "")
	var states stringList
	fs.Var(&states, "state", "")
	orgPathFlag := fs.String("org-path", "", "")
	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return exitOK
	}
	sarifOut := format.value == "sarif" || err != nil && sarifFormatRequested(args)
	usage := func(format string, a ...any) int {
		return usageFailure(stdout, stderr, sarifOut, diffSARIFRules(),
			fmt.Sprintf("imspolicy diff-access: "+format+"\n(imspolicy --help shows the flags)\n", a...))
	}
	if err != nil {
		return usage("%v", err)
	}
	base, err := resolveBase(*baseDir)
	if err != nil {
		return usage("%v", err)
	}
	if problem := budgetProblem(*budget); problem != "" {
		return usage("%s", problem)
	}
	p, _ := policy.ParsePurpose(purpose.value)
	var comps []comparison
	switch {
	case *planPath != "" && len(paths) > 0:
		return usage("give either --plan PLAN or OLD NEW, not both")
	case *planPath != "":
		b := analysis.Budget{Requests: *budget, HowToRaise: fmt.Sprintf("raise it with --budget (up to %d)", analysis.MaxBudget)}
		if *config != "" {
			fmt.Fprintln(stderr, "imspolicy diff-access: note: --config is not used: --plan's per-principal results point at the plan file")
		}
		return diffPlanByPrincipal(*planPath, states, *orgPathFlag, b, format.value, base, stdin, stdout, stderr, usage)
	case len(states) > 0 || *orgPathFlag != "":
		return usage("--state and --org-path go with --plan PLAN: they add to the plan's estate (OLD NEW compares two documents)")
	case len(paths) == 2:
		b := analysis.Budget{Requests: *budget, HowToRaise: fmt.Sprintf("raise it with --budget (up to %d)", analysis.MaxBudget)}
		if slices.Contains(paths, "-") { // read twice: by the v3 test, then by the v5 path
			data, err := io.ReadAll(stdin)
			if err != nil {
				return usage("-: cannot read it: %v", err)
			}
			stdin = bytes.NewReader(data)
			if exit, handled := diffAccessV3(paths, format.value, base, b, bytes.NewReader(data), stdout, stderr); handled {
				return exit
			}
		} else if exit, handled := diffAccessV3(paths, format.value, base, b, stdin, stdout, stderr); handled {
			return exit // an IAM v3 document: compared by API call (diffv3.go)
		}
		var sides [2]side
		for i, path := range paths {
			in, err := readInput(path, p, stdin)
			if err != nil {
				return usage("%s: %v", path, err)
			}
			if in.plan {
				return usage("%s is a plan: compare a plan's changes with --plan %s", path, path)
			}
			sides[i] = side{document: in.docs[0], present: true}
		}
		comps = []comparison{{old: sides[0], new: sides[1]}}
	default:
		return usage("give OLD and NEW policy files, or --plan PLAN")
	}
	b := analysis.Budget{Requests: *budget, HowToRaise: fmt.Sprintf("raise it with --budget (up to %d)", analysis.MaxBudget)}
	for i := range comps {
		if err := comps[i].analyse(b); err != nil {
			return usage("%v", err)
		}
	}
	note, err := locateComparisons(comps, *config)
	if err != nil {
		return usage("%v", err)
	}
	d := newDiffReport(comps)
	d.sourceNote = note
	if note != "" {
		fmt.Fprintln(stderr, "imspolicy diff-access: note: "+note)
	}
	var out bytes.Buffer
	switch format.value {
	case "json":
		err = d.writeJSON(&out)
	case "sarif":
		err = d.results(base, true).write(&out)
	case "gitlab":
		err = d.results(base, false).writeGitLab(&out)
	default:
		d.writeText(&out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: writing the %s report: %v\n", format.value, err)
		return exitUsage
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: %v\n", err)
		return exitUsage
	}
	return d.exit
}

// locateComparisons finds the resource block of each comparison of a plan in the
// configuration (openConfig), and returns the note on the results left on the plan.
func locateComparisons(comps []comparison, dir string) (string, error) {
	var docs []document
	for i := range comps {
		if s := comps[i].subject(); s.InPlan() {
			docs = append(docs, s.document)
		}
	}
	if len(docs) == 0 {
		return "", nil
	}
	c, err := openConfig(docs, dir)
	if err != nil {
		return "", err
	}
	left, example := 0, ""
	for i := range comps {
		cp := &comps[i]
		s := cp.subject()
		if !s.InPlan() {
			continue
		}
		var ok bool
		if s.Src, ok = c.locateDocument(&s.document); ok {
			continue
		}
		results := len(cp.result.NewAccess) + len(cp.result.RemovedAccess)
		if cp.status == analysis.Unknown {
			results++
		}
		if results > 0 && example == "" {
			example = s.Address
		}
		left += results
	}
	return leftOnPlan(c, dir, left, example), nil
}

// analyse asks the analyser what the new document grants that the old does not, as the
// provider's plan warning asks it (analysis.DocumentChange). A
// document that could not be checked, or that has errors, leaves the answer unknown; so
// does a question beyond budget b.
func (c *comparison) analyse(b analysis.Budget) error {
	var docs [2]*policy.Checked // nil for an absent side: it allows nothing
	for i, s := range []*side{&c.old, &c.new} {
		if !s.present {
			continue // no document: nothing granted
		}
		if s.Unchecked == checked && s.Language == policy.V3 {
			// check reads v3 documents; the analyser does not compare them yet.
			c.status, c.reason = analysis.Unknown, fmt.Sprintf("%s document: %s", [...]string{"old", "new"}[i], iamV3.Text())
			return nil
		}
		if s.Unchecked != checked {
			c.status, c.reason = analysis.Unknown, fmt.Sprintf("%s document: %s", [...]string{"old", "new"}[i], s.Unchecked.Text())
			return nil
		}
		read := policy.CheckText(s.Text, s.Purpose)
		if e := read.FirstError(); e != nil {
			if s.InPlan() { // one bad resource leaves the others' answers standing
				c.status, c.reason = analysis.Unknown, fmt.Sprintf("%s document has errors (imspolicy check shows them): %s", [...]string{"old", "new"}[i], *e)
				return nil
			}
			return fmt.Errorf("%s: the document has errors, so its access cannot be compared (imspolicy check shows them): %s", s.Where(), *e)
		}
		docs[i] = read
	}
	r, err := analysis.DocumentChange(c.subject().Purpose, docs[0], docs[1], b)
	if err != nil {
		return err
	}
	c.result, c.status, c.reason = r, r.Status, r.Reason
	return nil
}

// name is the comparison's subject: the resource address, or the NEW file.
func (c *comparison) name() string {
	if s := c.subject(); s.InPlan() {
		return s.Address + "." + s.Attribute
	}
	return c.new.Source
}

func (c *comparison) subject() *side {
	if c.new.present {
		return &c.new
	}
	return &c.old
}

type diffReport struct {
	FormatVersion string           `json:"format_version"`
	Comparisons   []jsonComparison `json:"comparisons"`
	Summary       diffSummary      `json:"summary"`
	comps         []comparison
	exit          int
	sourceNote    string // why some results point at the plan, not at the configuration
}

type jsonComparison struct {
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
	Address   string `json:"address,omitempty"`
	Attribute string `json:"attribute,omitempty"`
	Purpose   string `json:"purpose"`
	Status    string `json:"status"`
	Reason    string `json:"reason,omitempty"`
	// SourceFile and SourceLine are, for a plan, the resource block in the configuration
	// (--config), when it was found there.
	SourceFile    string        `json:"source_file,omitempty"`
	SourceLine    int           `json:"source_line,omitempty"`
	GrantsNew     bool          `json:"grants_new_access"`
	NewAccess     []jsonWitness `json:"new_access"`
	RemovedAccess []jsonWitness `json:"removed_access"`
}

type jsonWitness struct {
	Action      string              `json:"action"`
	Resource    string              `json:"resource"`
	Context     map[string][]string `json:"context"`
	NewDecision string              `json:"new_decision"`
	OldDecision string              `json:"old_decision"`
	// ThroughAlias is the alias through which the new document names the action, as the
	// provider's through_alias says; absent otherwise.
	ThroughAlias string `json:"through_alias,omitempty"`
	// UnassociatedKeys are the context keys the action is not known to receive, when the
	// witness rests on them (analysis.Witness.UnassociatedKeys); absent otherwise.
	// UnassociatedUnsearched says the search for a request without them stopped at a bound.
	UnassociatedKeys       []string `json:"unassociated_keys,omitempty"`
	UnassociatedUnsearched bool     `json:"unassociated_unsearched,omitempty"`
}

type diffSummary struct {
	Comparisons int `json:"comparisons"`
	GrantNew    int `json:"grant_new_access"`
	Unknown     int `json:"unknown"`
}

func witnesses(ws []analysis.Witness) []jsonWitness {
	out := []jsonWitness{}
	for _, w := range ws {
		jw := jsonWitness{Action: w.Action, Resource: w.Resource, Context: w.Context, NewDecision: w.Decision.String(), ThroughAlias: w.Alias,
			UnassociatedKeys: w.UnassociatedKeys, UnassociatedUnsearched: w.Unsearched}
		if jw.Context == nil {
			jw.Context = map[string][]string{}
		}
		if w.ReferenceDecision != nil {
			jw.OldDecision = w.ReferenceDecision.String()
		}
		out = append(out, jw)
	}
	return out
}

func newDiffReport(comps []comparison) *diffReport {
	d := &diffReport{FormatVersion: jsonFormatVersion, Comparisons: []jsonComparison{}, comps: comps, exit: exitOK}
	for _, c := range comps {
		s := c.subject()
		jc := jsonComparison{
			Address: s.Address, Attribute: s.Attribute, Purpose: s.Purpose.String(), Status: c.status.String(), Reason: c.reason,
			SourceFile: s.Src.File, SourceLine: s.Src.Line,
			GrantsNew: len(c.result.NewAccess) > 0, NewAccess: witnesses(c.result.NewAccess), RemovedAccess: witnesses(c.result.RemovedAccess),
		}
		if !s.InPlan() {
			jc.Old, jc.New = c.old.Source, c.new.Source
		}
		d.Summary.Comparisons++
		switch {
		case jc.GrantsNew:
			d.Summary.GrantNew++
			d.exit = ExitFindings
		case c.status == analysis.Unknown:
			d.Summary.Unknown++
			if d.exit == exitOK {
				d.exit = exitUnknown
			}
		}
		d.Comparisons = append(d.Comparisons, jc)
	}
	return d
}

func (d *diffReport) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

func (d *diffReport) writeText(w io.Writer) {
	for i, c := range d.comps {
		jc := d.Comparisons[i]
		where := c.name()
		switch s := c.subject(); {
		case s.InPlan() && s.Src.valid():
			where = s.Src.String() + ": " + where
		case s.InPlan():
			where = s.Source + ": " + where
		}
		switch {
		case jc.GrantsNew:
			fmt.Fprintf(w, "%s: grants new access:\n", where)
		case c.status == analysis.Unknown:
			fmt.Fprintf(w, "%s: unknown: %s\n", where, c.reason)
		default:
			fmt.Fprintf(w, "%s: grants no new access\n", where)
		}
		for _, x := range c.result.NewAccess {
			fmt.Fprintf(w, "  + %s\n", x)
		}
		for _, x := range c.result.RemovedAccess {
			fmt.Fprintf(w, "  - %s\n", x)
		}
		if jc.GrantsNew && c.status == analysis.Unknown {
			fmt.Fprintf(w, "  (and more may be granted: %s)\n", c.reason)
		}
	}
	s := d.Summary
	fmt.Fprintf(w, "%s: %d grant new access, %d unknown\n", plural(s.Comparisons, "comparison"), s.GrantNew, s.Unknown)
}

// results are the SARIF results (and so the GitLab issues) of the comparisons: each new
// access an error result (new_access), each removed access a note (removed_access) unless
// removed is false, and each unknown answer a warning (access_unknown), located at the NEW
// file or the plan file, with the resource address as a logical location. The GitLab
// report leaves removed access out: it is no problem to fix, and GitLab would list each
// removed request beside the new ones in the merge request.
func (d *diffReport) results(base string, removed bool) *sarifWriter {
	sw := newSARIFWriter(base, diffSARIFRules())
	sw.note = d.sourceNote
	add := func(c comparison, rule, level, msg string) {
		s := c.subject()
		loc := sw.docLocation(s.document, policy.Pos{}, s.Src)
		// The fingerprint hashes the plan file, not the .tf: it does not depend on --config.
		sw.add(rule, level, c.name()+": "+msg, loc, findingFingerprint(rule, sw.artifact(s.Source), c.name(), msg), "")
	}
	for _, c := range d.comps {
		for _, x := range c.result.NewAccess {
			add(c, "new_access", "error", "grants "+x.String())
		}
		for _, x := range c.result.RemovedAccess {
			if removed {
				add(c, "removed_access", "note", "removes "+x.String())
			}
		}
		if c.status == analysis.Unknown {
			add(c, "access_unknown", "warning", "unknown: "+c.reason)
		}
	}
	return sw
}

// diffSARIFRules are diff-access's rules.
func diffSARIFRules() []sarifRule {
	var rules []sarifRule
	for _, r := range []struct{ id, level, summary, detail, help string }{
		{"new_access", "error", "The new document allows a request the old one does not.",
			"The access analyser found a request (an action, a resource and context keys) that the new document allows and the old one does not; the result names it.",
			"Review the witness request: if the access is meant, approve the change; if not, narrow the statement that grants it."},
		{"removed_access", "note", "The new document no longer allows a request the old one allows.",
			"The access analyser found a request that the old document allows and the new one does not; the result names it.",
			"Check that no one still needs the access removed."},
		{"access_unknown", "warning", "The analyser could not decide whether the new document grants new access.",
			"The answer is unknown: a value known only after apply, an IAM v3 document, a document with errors, or a question beyond --budget.",
			"The reason says why: a value known only after apply, an IAM v3 document, or a bound of the analyser (raise it with --budget)."},
	} {
		uri := ciGuide + "#reviewing-access-changes-diff-access"
		rules = append(rules, sarifRule{
			ID: r.id, Name: sarifRuleName(r.id),
			ShortDescription: sarifText{Text: r.summary}, FullDescription: sarifText{Text: r.summary + " " + r.detail},
			Help:    sarifMultiText{Text: r.help, Markdown: r.help + "\n\n[Reviewing access changes](" + uri + ")"},
			HelpURI: uri, DefaultConfiguration: sarifRuleDefaults{Level: r.level},
		})
	}
	return rules
}

// budgetProblem says what is wrong with a --budget value (the commands' one rule), ""
// when nothing is.
func budgetProblem(n int) string {
	if n < 1 || n > analysis.MaxBudget {
		return fmt.Sprintf("--budget must be a number of representative requests from 1 to %d, got %d (default %d)", analysis.MaxBudget, n, analysis.DefaultBudget.Requests)
	}
	return ""
}

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// ExitUnknown is diff-access's status when the analyser could not decide (a bound, a
// corner it cannot decide exactly, a value known only after apply, an IAM v3 document).
const ExitUnknown = 3

// side is one side of a comparison: a document, or none (a resource created or destroyed).
type side struct {
	Document // Text nil: no document
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
	format := &choice{value: "text", words: []string{"text", "json", "sarif"}}
	fs.Var(purpose, "purpose", "")
	fs.Var(format, "format", "")
	planPath := fs.String("plan", "", "")
	budget := fs.Int("budget", analysis.DefaultBudget.Requests, "")
	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, Help)
		return ExitOK
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imspolicy diff-access: "+format+"\n(imspolicy --help shows the flags)\n", a...)
		return ExitUsage
	}
	if err != nil {
		return usage("%v", err)
	}
	if *budget < 1 || *budget > analysis.MaxBudget {
		return usage("--budget must be a number of representative requests from 1 to %d, got %d (default %d)", analysis.MaxBudget, *budget, analysis.DefaultBudget.Requests)
	}
	p, _ := policy.ParsePurpose(purpose.value)
	var comps []comparison
	switch {
	case *planPath != "" && len(paths) > 0:
		return usage("give either --plan PLAN or OLD NEW, not both")
	case *planPath != "":
		src, err := openSource(*planPath, stdin)
		if err != nil {
			return usage("%s: %v", *planPath, err)
		}
		comps, err = planComparisons(*planPath, src)
		src.close()
		if err != nil {
			return usage("%s: %v", *planPath, err)
		}
	case len(paths) == 2:
		var sides [2]side
		for i, path := range paths {
			in, err := readInput(path, p, stdin)
			if err != nil {
				return usage("%s: %v", path, err)
			}
			if in.plan {
				return usage("%s is a plan: compare a plan's changes with --plan %s", path, path)
			}
			sides[i] = side{Document: in.docs[0], present: true}
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
	d := newDiffReport(comps)
	var out bytes.Buffer
	switch format.value {
	case "json":
		err = d.writeJSON(&out)
	case "sarif":
		err = d.writeSARIF(&out)
	default:
		d.writeText(&out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: writing the %s report: %v\n", format.value, err)
		return ExitUsage
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: %v\n", err)
		return ExitUsage
	}
	return d.exit
}

// planComparisons pairs each policy resource's change.before with its change.after.
func planComparisons(source string, src *source) ([]comparison, error) {
	notAPlan := errors.New("not a plan (terraform show -json plan.out): it has no format_version with planned_values or resource_changes")
	if src.whole {
		plan, err := isPlan(src.head)
		if err != nil {
			return nil, err
		}
		if !plan {
			return nil, notAPlan
		}
	} else if !startsLikePlan(src.head) {
		return nil, notAPlan
	}
	p, err := readPlan(src.reader())
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	var comps []comparison
	for _, rc := range p.changes {
		if rc.change.Actions.NoOp() {
			continue
		}
		var c comparison
		if before, ok := rc.change.Before.(map[string]any); ok {
			c.old.Document, c.old.present = rc.attr.document(source, rc.address, before, func(string) bool { return false })
		}
		if after, ok := rc.change.After.(map[string]any); ok {
			unknown, _ := rc.change.AfterUnknown.(map[string]any)
			c.new.Document, c.new.present = rc.attr.document(source, rc.address, after, func(name string) bool { return unknown[name] == true })
		}
		if !c.old.present && !c.new.present {
			continue
		}
		comps = append(comps, c)
	}
	return comps, nil
}

// analyse asks the analyser what the new document grants that the old does not, as the
// provider's plan warning asks it (analysis.IdentityPolicyChange and SCPChange). A
// document that could not be checked, or that has errors, leaves the answer unknown; so
// does a question beyond budget b.
func (c *comparison) analyse(b analysis.Budget) error {
	var docs [2]*policy.Checked // nil for an absent side: it allows nothing
	for i, s := range []*side{&c.old, &c.new} {
		if !s.present {
			continue // no document: nothing granted
		}
		if s.Unchecked != Checked {
			c.status, c.reason = analysis.Unknown, fmt.Sprintf("%s document: %s", [...]string{"old", "new"}[i], s.Unchecked.Text())
			return nil
		}
		checked := policy.CheckText(s.Text, s.Purpose)
		if e := checked.FirstError(); e != nil {
			if s.InPlan() { // one bad resource leaves the others' answers standing
				c.status, c.reason = analysis.Unknown, fmt.Sprintf("%s document has errors (imspolicy check shows them): %s", [...]string{"old", "new"}[i], *e)
				return nil
			}
			return fmt.Errorf("%s: the document has errors, so its access cannot be compared (imspolicy check shows them): %s", s.Where(), *e)
		}
		docs[i] = checked
	}
	change := analysis.IdentityPolicyChange
	if c.subject().Purpose == policy.SCP {
		change = analysis.SCPChange
	}
	r, err := change(docs[0], docs[1], b)
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
}

type jsonComparison struct {
	Old           string        `json:"old,omitempty"`
	New           string        `json:"new,omitempty"`
	Address       string        `json:"address,omitempty"`
	Attribute     string        `json:"attribute,omitempty"`
	Purpose       string        `json:"purpose"`
	Status        string        `json:"status"`
	Reason        string        `json:"reason,omitempty"`
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
}

type diffSummary struct {
	Comparisons int `json:"comparisons"`
	GrantNew    int `json:"grant_new_access"`
	Unknown     int `json:"unknown"`
}

func witnesses(ws []analysis.Witness) []jsonWitness {
	out := []jsonWitness{}
	for _, w := range ws {
		jw := jsonWitness{Action: w.Action, Resource: w.Resource, Context: w.Context, NewDecision: w.Decision.String()}
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
	d := &diffReport{FormatVersion: jsonFormatVersion, Comparisons: []jsonComparison{}, comps: comps, exit: ExitOK}
	for _, c := range comps {
		s := c.subject()
		jc := jsonComparison{
			Address: s.Address, Attribute: s.Attribute, Purpose: s.Purpose.String(), Status: c.status.String(), Reason: c.reason,
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
			if d.exit == ExitOK {
				d.exit = ExitUnknown
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

func (w jsonWitness) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s", w.Action, w.Resource)
	if len(w.Context) > 0 {
		keys := make([]string, 0, len(w.Context))
		for k := range w.Context {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%q", k, w.Context[k]))
		}
		fmt.Fprintf(&b, " with %s", strings.Join(parts, " "))
	} else {
		b.WriteString(" with no context keys")
	}
	fmt.Fprintf(&b, " (new: %s, old: %s)", w.NewDecision, w.OldDecision)
	return b.String()
}

func (d *diffReport) writeText(w io.Writer) {
	for i, c := range d.comps {
		jc := d.Comparisons[i]
		where := c.name()
		if c.subject().InPlan() {
			where = c.subject().Source + ": " + where
		}
		switch {
		case jc.GrantsNew:
			fmt.Fprintf(w, "%s: grants new access:\n", where)
		case c.status == analysis.Unknown:
			fmt.Fprintf(w, "%s: unknown: %s\n", where, c.reason)
		default:
			fmt.Fprintf(w, "%s: grants no new access\n", where)
		}
		for _, x := range jc.NewAccess {
			fmt.Fprintf(w, "  + %s\n", x)
		}
		for _, x := range jc.RemovedAccess {
			fmt.Fprintf(w, "  - %s\n", x)
		}
		if jc.GrantsNew && c.status == analysis.Unknown {
			fmt.Fprintf(w, "  (and more may be granted: %s)\n", c.reason)
		}
	}
	s := d.Summary
	fmt.Fprintf(w, "%s: %d grant new access, %d unknown\n", plural(s.Comparisons, "comparison"), s.GrantNew, s.Unknown)
}

// writeSARIF reports each new access as an error result (new_access), each removed
// access as a note (removed_access) and each unknown answer as a warning
// (access_unknown), located at the NEW file or the plan file, with the resource address as
// a logical location.
func (d *diffReport) writeSARIF(w io.Writer) error {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("imspolicy", ciGuide)
	rules := []struct{ id, level, summary, help string }{
		{"new_access", sarif.LevelError, "The new document allows a request the old one does not.", "Review the witness request: if the access is meant, approve the change; if not, narrow the statement that grants it."},
		{"removed_access", sarif.LevelNote, "The new document no longer allows a request the old one allows.", "Check that no one still needs the access removed."},
		{"access_unknown", sarif.LevelWarning, "The analyser could not decide whether the new document grants new access.", "The reason says why: a value known only after apply, an IAM v3 document, or a bound of the analyser."},
	}
	for _, r := range rules {
		run.AddRule(r.id).WithName(sarifRuleName(r.id)).WithDescription(r.summary).
			WithHelp(sarif.NewMultiformatMessageString().WithText(r.help)).WithHelpURI(ciGuide + "#reviewing-access-changes-diff-access").
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(r.level))
	}
	add := func(c comparison, rule, level, msg string) {
		s := c.subject()
		uri := artifactURI(s.Source)
		run.AddDistinctArtifact(uri)
		run.CreateResultForRule(rule).WithLevel(level).
			WithMessage(sarif.NewTextMessage(c.name() + ": " + msg)).
			AddLocation(sarifLocation(s.Document, uri, policy.Pos{}))
	}
	for i, c := range d.comps {
		jc := d.Comparisons[i]
		for _, x := range jc.NewAccess {
			add(c, "new_access", sarif.LevelError, "grants "+x.String())
		}
		for _, x := range jc.RemovedAccess {
			add(c, "removed_access", sarif.LevelNote, "removes "+x.String())
		}
		if c.status == analysis.Unknown {
			add(c, "access_unknown", sarif.LevelWarning, "unknown: "+c.reason)
		}
	}
	log.AddRun(run)
	return log.PrettyWrite(w)
}

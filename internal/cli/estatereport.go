package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/estate"
)

// principalFormatVersion is the version of the per-principal JSON report (diff-access
// --plan and access), documented in the "Checking policies in CI" guide. diff-access OLD
// NEW keeps jsonFormatVersion's per-document shape.
const principalFormatVersion = "2"

// jsonSubject is who an answer is about.
type jsonSubject struct {
	// Kind is user, group or agency for a principal; root, OU or account for a node
	// standing for every principal in it.
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// EveryPrincipalIn: the subject is a node, and the answer is every principal's in it
	// (no principal of the inputs lives there).
	EveryPrincipalIn bool `json:"every_principal_in"`
	// Groups are, for a user, the groups it is a member of (names, or ids), after the
	// plan (before it, for a user the plan deletes).
	Groups []string `json:"groups,omitempty"`
	// Display is the subject as the text report names it.
	Display string `json:"display"`
}

func subjectJSON(e *estate.Estate, s estate.Subject) jsonSubject {
	j := jsonSubject{Display: subjectName(e, s)}
	switch {
	case s.Principal != nil:
		j.Kind, j.ID, j.Groups = s.Principal.Kind.String(), s.Principal.ID, groupsOf(e, *s.Principal)
		if p, ok := e.Principals[*s.Principal]; ok {
			j.Name = p.Name
		}
	case s.Node != nil:
		j.Kind, j.ID, j.EveryPrincipalIn = s.Node.Kind.String(), s.Node.ID, true
		if n, ok := e.Nodes[*s.Node]; ok {
			j.Name = n.Name
		}
	}
	return j
}

// jsonSubjectChange is one subject's answer in diff-access --plan's report.
type jsonSubjectChange struct {
	Subject jsonSubject `json:"subject"`
	// BeforeSCPs: the SCPs over the subject's account are not in the inputs, so its
	// identity side was analysed alone.
	BeforeSCPs    bool          `json:"before_scps"`
	Status        string        `json:"status"`
	Reason        string        `json:"reason,omitempty"`
	GainsAccess   bool          `json:"gains_access"`
	NewAccess     []jsonWitness `json:"new_access"`
	RemovedAccess []jsonWitness `json:"removed_access"`
	// Scope, for a subject holding IAM v3 roles on either side, is the requests the
	// answer is about ("in project p-1", "in all projects", "in every other project"):
	// such a subject is compared per API call, its answers in NewCalls and RemovedCalls
	// (NewAccess and RemovedAccess stay empty). Absent otherwise.
	Scope        string            `json:"scope,omitempty"`
	NewCalls     []jsonCallWitness `json:"new_calls,omitempty"`
	RemovedCalls []jsonCallWitness `json:"removed_calls,omitempty"`
}

// jsonCallWitness is an API request that the two sides decide differently.
type jsonCallWitness struct {
	// API is "METHOD /path", with the case in parentheses for a v3 row of several cases.
	API     string `json:"api"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Variant string `json:"variant,omitempty"`
	// KnownTo names the tables that list the call: "v3 and v5", "v3 only" or "v5 only".
	KnownTo     string              `json:"known_to"`
	Resource    string              `json:"resource"`
	Context     map[string][]string `json:"context"`
	NewDecision string              `json:"new_decision"`
	OldDecision string              `json:"old_decision"`
	// NewDenied and OldDenied are the actions each side does not allow of those the
	// call requires, each with its decision and the table it was asked through.
	NewDenied []string `json:"new_denied,omitempty"`
	OldDenied []string `json:"old_denied,omitempty"`
}

func callWitnesses(ds []apicall.Difference) []jsonCallWitness {
	var out []jsonCallWitness
	for _, d := range ds {
		ctx := d.Context
		if ctx == nil {
			ctx = map[string][]string{}
		}
		out = append(out, jsonCallWitness{API: d.Call.Name(), Method: d.Call.Method, Path: d.Call.Path, Variant: d.Call.Variant,
			KnownTo: d.Call.KnownTo(), Resource: d.Resource, Context: ctx, NewDecision: d.New.String(), OldDecision: d.Old.String(),
			NewDenied: d.NewDenied, OldDenied: d.OldDenied})
	}
	return out
}

// callWitnessText is an API witness as the text report writes it.
func callWitnessText(x jsonCallWitness) string {
	w := jsonWitness{Action: x.API, Resource: x.Resource, Context: x.Context, NewDecision: x.NewDecision, OldDecision: x.OldDecision}
	t := witnessText(w)
	if x.KnownTo != "v3 and v5" {
		t += " (" + x.KnownTo + ")"
	}
	return t
}

// jsonUnknownDocument is a document the plan changes that the command does not read (a
// trust policy, an IAM v3 role): the answer is unknown.
type jsonUnknownDocument struct {
	Address   string `json:"address"`
	Attribute string `json:"attribute"`
	Reason    string `json:"reason"`
}

type principalSummary struct {
	Subjects    int `json:"subjects"`
	GainAccess  int `json:"gain_access"`
	LoseAccess  int `json:"lose_access"`
	Unknown     int `json:"unknown"`
	BeforeSCPs  int `json:"before_scps"`
	Documents   int `json:"documents"`
	Unattached  int `json:"unattached_documents"`
	UnknownDocs int `json:"unknown_documents"`
	// Changed is the number of subjects whose effective configuration the plan changes;
	// Distinct the distinct pairs of configurations analysed for them (equal ones share
	// one analysis); Spent the representative requests those analyses used.
	Changed  int `json:"changed_subjects"`
	Distinct int `json:"distinct_analyses"`
	Spent    int `json:"spent"`
}

// principalReport is diff-access --plan's report: per subject, what it newly can do and
// what it lost.
type principalReport struct {
	FormatVersion    string                `json:"format_version"`
	Plan             string                `json:"plan"`
	States           []string              `json:"states"`
	OrgPath          string                `json:"org_path,omitempty"`
	Status           string                `json:"status"`
	Reason           string                `json:"reason,omitempty"`
	Subjects         []jsonSubjectChange   `json:"subjects"`
	Documents        []documentNote        `json:"documents"`
	UnknownDocuments []jsonUnknownDocument `json:"unknown_documents"`
	Unknowns         []string              `json:"unknowns"`
	Summary          principalSummary      `json:"summary"`

	exit int
}

func newPrincipalReport(plan string, states []string, orgPath string, ref, cand *estate.Estate, c estate.Comparison, docs []documentNote, unread []comparison) *principalReport {
	r := &principalReport{
		FormatVersion: principalFormatVersion, Plan: plan, States: append([]string{}, states...), OrgPath: orgPath,
		Status: c.Status.String(), Reason: c.Reason, Subjects: []jsonSubjectChange{}, Documents: []documentNote{},
		UnknownDocuments: []jsonUnknownDocument{}, Unknowns: []string{}, exit: exitOK,
	}
	r.Summary.Changed, r.Summary.Distinct, r.Summary.Spent = c.Changed, c.Distinct, c.Spent
	for _, s := range c.Subjects {
		e := cand
		if s.Subject.Principal != nil {
			if _, ok := cand.Principals[*s.Subject.Principal]; !ok {
				e = ref // a principal the plan deletes
			}
		}
		js := jsonSubjectChange{
			Subject: subjectJSON(e, s.Subject), BeforeSCPs: s.BeforeSCPs, Status: s.Status.String(), Reason: s.Reason,
			GainsAccess: len(s.New) > 0 || len(s.NewCalls) > 0, NewAccess: witnesses(s.New), RemovedAccess: witnesses(s.Removed),
			NewCalls: callWitnesses(s.NewCalls), RemovedCalls: callWitnesses(s.RemovedCalls),
		}
		if s.Scope != nil {
			js.Scope = s.Scope.String()
		}
		r.Summary.Subjects++
		if js.GainsAccess {
			r.Summary.GainAccess++
		}
		if len(s.Removed) > 0 || len(s.RemovedCalls) > 0 {
			r.Summary.LoseAccess++
		}
		if s.Status == analysis.Unknown {
			r.Summary.Unknown++
		}
		if s.BeforeSCPs {
			r.Summary.BeforeSCPs++
		}
		r.Subjects = append(r.Subjects, js)
	}
	for _, d := range docs {
		r.Documents = append(r.Documents, d)
		r.Summary.Documents++
		if len(d.AttachedTo) == 0 && !d.AttachmentsUnknown {
			r.Summary.Unattached++
		}
	}
	for _, u := range unread {
		s := u.subject()
		r.UnknownDocuments = append(r.UnknownDocuments, jsonUnknownDocument{Address: s.Address, Attribute: s.Attribute, Reason: u.reason})
		r.Summary.UnknownDocs++
	}
	seen := map[string]bool{}
	for _, e := range []*estate.Estate{ref, cand} {
		for _, u := range e.Unknowns {
			if !seen[u] {
				seen[u] = true
				r.Unknowns = append(r.Unknowns, u)
			}
		}
	}
	switch {
	case r.Summary.GainAccess > 0:
		r.exit = ExitFindings
	case c.Status == analysis.Unknown || r.Summary.Unknown > 0 || r.Summary.UnknownDocs > 0 || len(r.Unknowns) > 0:
		r.exit = exitUnknown
	}
	return r
}

func (r *principalReport) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// beforeSCPsNote marks an answer of the identity side alone.
func beforeSCPsNote(before bool) string {
	if before {
		return " (before SCPs: the SCPs over its account are not in the inputs)"
	}
	return ""
}

// writeText writes, per subject, what it newly can do (+) and what it lost (-), then the
// changed documents and what the answer does not cover.
func (r *principalReport) writeText(w io.Writer) {
	where := r.Plan
	for _, s := range r.Subjects {
		verb := "gains no access"
		switch {
		case s.GainsAccess:
			verb = "gains access"
		case s.Status == analysis.Unknown.String():
			verb = "unknown: " + s.Reason
		case len(s.RemovedAccess) > 0 || len(s.RemovedCalls) > 0:
			verb = "loses access"
		}
		fmt.Fprintf(w, "%s: %s: %s%s\n", where, s.display(), verb, beforeSCPsNote(s.BeforeSCPs))
		for _, x := range s.NewAccess {
			fmt.Fprintf(w, "  + %s\n", witnessText(x))
		}
		for _, x := range s.NewCalls {
			fmt.Fprintf(w, "  + %s\n", callWitnessText(x))
		}
		for _, x := range s.RemovedAccess {
			fmt.Fprintf(w, "  - %s\n", witnessText(x))
		}
		for _, x := range s.RemovedCalls {
			fmt.Fprintf(w, "  - %s\n", callWitnessText(x))
		}
		if s.GainsAccess && s.Status == analysis.Unknown.String() {
			fmt.Fprintf(w, "  (and more may be granted: %s)\n", s.Reason)
		}
	}
	for _, d := range r.Documents {
		fmt.Fprintf(w, "%s: %s (%s, %s): %s\n", where, d.Address, d.Purpose, d.Change, d.Note)
	}
	for _, d := range r.UnknownDocuments {
		fmt.Fprintf(w, "%s: %s.%s: unknown: %s\n", where, d.Address, d.Attribute, d.Reason)
	}
	for _, u := range r.Unknowns {
		fmt.Fprintf(w, "%s: unknown: %s\n", where, u)
	}
	if r.Status == analysis.Unknown.String() && r.Reason != "" && r.Summary.Unknown == 0 {
		fmt.Fprintf(w, "%s: unknown: %s\n", where, r.Reason)
	}
	s := r.Summary
	undecided := ""
	if n := len(r.UnknownDocuments); n > 0 {
		undecided = fmt.Sprintf("; %s not decided", plural(n, "document change"))
	}
	fmt.Fprintf(w, "%s (principals, or every principal in a node) whose access changes: %d gain access, %d lose access, %d unknown; %s changed (%d attached to nothing)%s\n",
		plural(s.Subjects, "subject"), s.GainAccess, s.LoseAccess, s.Unknown, plural(s.Documents, "document"), s.Unattached, undecided)
}

// display is the subject as the text report names it, with the scope of an API-level
// answer: "group devs (id g-1) in project p-1".
func (s jsonSubjectChange) display() string {
	if s.Scope != "" {
		return s.Subject.Display + " " + s.Scope
	}
	return s.Subject.Display
}

// witnessText is a witness as the text report writes it, as analysis.Witness.String does.
func witnessText(x jsonWitness) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %q", x.Action, x.Resource)
	ks := make([]string, 0, len(x.Context))
	for k := range x.Context {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for i, k := range ks {
		sep := ", "
		if i == 0 {
			sep = " with "
		}
		fmt.Fprintf(&b, "%s%s = %s", sep, k, strings.Join(quoteAll(x.Context[k]), ", "))
	}
	fmt.Fprintf(&b, ": %s", x.NewDecision)
	if x.OldDecision != "" {
		fmt.Fprintf(&b, ", was %s", x.OldDecision)
	}
	if x.ThroughAlias != "" {
		fmt.Fprintf(&b, ", through the alias %s", x.ThroughAlias)
	}
	return b.String()
}

func quoteAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// results are the SARIF results (and GitLab issues) of the report: each new access an
// error (new_access), each removed access a note (removed_access, left out of GitLab),
// each unknown answer a warning (access_unknown), located at the plan file with the
// subject as a logical location.
func (r *principalReport) results(base string, removed bool) *sarifWriter {
	sw := newSARIFWriter(base, diffSARIFRules())
	add := func(logical, rule, level, msg string) {
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sw.artifact(r.Plan),
			Region: &sarifRegion{StartLine: 1, EndLine: sw.lineCount(r.Plan)}}}
		if logical != "" {
			loc.LogicalLocations = []sarifLogicalLoc{{Name: logical, FullyQualifiedName: logical, Kind: "resource"}}
		}
		sw.add(rule, level, msg, loc, findingFingerprint(rule, sw.artifact(r.Plan), logical, msg), "")
	}
	for _, s := range r.Subjects {
		name := s.Subject.Kind + ":" + s.Subject.ID
		for _, x := range s.NewAccess {
			add(name, "new_access", "error", s.display()+" can newly send "+witnessText(x)+beforeSCPsNote(s.BeforeSCPs))
		}
		for _, x := range s.NewCalls {
			add(name, "new_access", "error", s.display()+" can newly send "+callWitnessText(x)+beforeSCPsNote(s.BeforeSCPs))
		}
		if removed {
			for _, x := range s.RemovedAccess {
				add(name, "removed_access", "note", s.display()+" can no longer send "+witnessText(x))
			}
			for _, x := range s.RemovedCalls {
				add(name, "removed_access", "note", s.display()+" can no longer send "+callWitnessText(x))
			}
		}
		if s.Status == analysis.Unknown.String() {
			add(name, "access_unknown", "warning", s.display()+": unknown: "+s.Reason)
		}
	}
	for _, d := range r.UnknownDocuments {
		add(d.Address, "access_unknown", "warning", d.Address+"."+d.Attribute+": unknown: "+d.Reason)
	}
	for _, u := range r.Unknowns {
		add("", "access_unknown", "warning", "unknown: "+u)
	}
	return sw
}

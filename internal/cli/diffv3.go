package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// diff-access of two files of which one at least is an IAM v3 document: v3 and v5 share no
// action names, so they are compared at the level of IMS API calls (package apicall), v3
// with v3 too. Exit status as for v5: 1 when NEW allows a request OLD does not; 3 when the
// answer is unknown, which includes an API only NEW's table lists that NEW allows (what
// OLD's table requires for it is undocumented, reference notes §2.2 and C5); else 0.

// diffV3JSON is the JSON report of a v3 comparison.
type diffV3JSON struct {
	FormatVersion string            `json:"format_version"`
	Old           string            `json:"old"`
	New           string            `json:"new"`
	Languages     [2]string         `json:"languages"`
	Verdict       string            `json:"verdict"`
	Reason        string            `json:"reason,omitempty"`
	NewAccess     []diffV3Witness   `json:"new_access"`
	RemovedAccess []diffV3Witness   `json:"removed_access"`
	Unmatched     []diffV3Unmatched `json:"unmatched"`
}

type diffV3Witness struct {
	API         string              `json:"api"`
	Resource    string              `json:"resource"`
	Context     map[string][]string `json:"context"`
	OldDecision string              `json:"old_decision"`
	NewDecision string              `json:"new_decision"`
	OldDenied   []string            `json:"old_denied"`
	NewDenied   []string            `json:"new_denied"`
	Notes       []string            `json:"notes"`
}

type diffV3Unmatched struct {
	API     string `json:"api"`
	KnownTo string `json:"known_to"` // old or new
	Grant   string `json:"grant"`
	Reason  string `json:"reason"`
}

// diffAccessV3 compares OLD and NEW when one of them is an IAM v3 document; handled is
// false when neither is.
func diffAccessV3(paths []string, format, base string, b analysis.Budget, stdin io.Reader, stdout, stderr io.Writer) (exit int, handled bool) {
	var texts [2][]byte
	var langs [2]policy.Language
	for i, p := range paths {
		src, err := openSource(p, stdin)
		if err != nil {
			return 0, false // the v5 path reports it
		}
		texts[i] = src.head
		src.close()
		if !src.whole {
			return 0, false
		}
		langs[i] = policy.LanguageOf(src.head)
	}
	if langs[0] != policy.V3 && langs[1] != policy.V3 {
		return 0, false
	}
	usage := func(format string, a ...any) (int, bool) {
		fmt.Fprintf(stderr, "imspolicy diff-access: "+format+"\n(imspolicy --help shows the flags)\n", a...)
		return exitUsage, true
	}
	var sets [2]*apicall.Set
	for i := range 2 {
		if langs[i] == policy.V3 {
			c := policy.CheckV3Text(texts[i])
			if f := c.FirstError(); f != nil {
				return usage("%s has errors (imspolicy check %s shows them): %s", paths[i], paths[i], f.String())
			}
			s, err := apicall.NewV3([]evaluator.V3Policy{evaluator.V3PolicyOf(c.Document())})
			if err != nil {
				return usage("%s: %v", paths[i], err)
			}
			sets[i] = s
			continue
		}
		s, errs := apicall.NewV5([]*policy.Checked{policy.CheckText(texts[i], policy.Identity)})
		if len(errs) > 0 {
			return usage("%s has errors (imspolicy check %s shows them): %s", paths[i], paths[i], errs[0].Finding.String())
		}
		sets[i] = s
	}
	cmp, err := apicall.Compare(sets[0], sets[1], b)
	if err != nil {
		return usage("%v", err)
	}
	rep := diffV3JSON{FormatVersion: jsonFormatVersion, Old: paths[0], New: paths[1], Languages: [2]string{langs[0].String(), langs[1].String()},
		Verdict: "no_new_access", NewAccess: []diffV3Witness{}, RemovedAccess: []diffV3Witness{}, Unmatched: []diffV3Unmatched{}}
	exit = exitOK
	for _, d := range cmp.Differences {
		w := diffV3Witness{API: d.Call.Name(), Resource: d.Resource, Context: nonNilContext(d.Context), OldDecision: d.Old.String(), NewDecision: d.New.String(),
			OldDenied: nonNilStrings(d.OldDenied), NewDenied: nonNilStrings(d.NewDenied), Notes: nonNilStrings(d.Call.Notes)}
		if d.New == evaluator.Allow {
			rep.NewAccess = append(rep.NewAccess, w)
		} else {
			rep.RemovedAccess = append(rep.RemovedAccess, w)
		}
	}
	var unknownReasons []string
	for _, u := range cmp.Unmatched {
		side := "old"
		if u.KnownTo == sets[1].Lang && (sets[0].Lang != sets[1].Lang) {
			side = "new"
		}
		rep.Unmatched = append(rep.Unmatched, diffV3Unmatched{API: u.Call.Name(), KnownTo: side, Grant: u.Grant.String(), Reason: u.Reason})
		if side == "new" && u.Grant != analysis.GrantNone {
			unknownReasons = append(unknownReasons, fmt.Sprintf("NEW allows %s, which only its table lists: %s", u.Call.Name(), u.Reason))
		}
	}
	switch {
	case len(rep.NewAccess) > 0:
		rep.Verdict, exit = "new_access", ExitFindings
		if cmp.Verdict == apicall.Unknown {
			rep.Reason = cmp.Reason
		}
	case cmp.Verdict == apicall.Unknown:
		rep.Verdict, rep.Reason, exit = "unknown", cmp.Reason, exitUnknown
	case len(unknownReasons) > 0:
		rep.Verdict, rep.Reason, exit = "unknown", strings.Join(unknownReasons, "; "), exitUnknown
	}
	var buf bytes.Buffer
	switch format {
	case "json":
		out, _ := json.MarshalIndent(rep, "", "  ") // strings, slices and maps only: cannot fail
		buf.Write(append(out, '\n'))
	case "sarif":
		err = rep.results(base, true).write(&buf)
	case "gitlab":
		err = rep.results(base, false).writeGitLab(&buf)
	default:
		writeDiffV3Text(&buf, rep)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: writing the %s report: %v\n", format, err)
		return exitUsage, true
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: %v\n", err)
		return exitUsage, true
	}
	return exit, true
}

// results are the SARIF results (and GitLab issues) of a v3 comparison, by diff-access's
// rules, all located at the NEW file: each new access an error, each removed access a
// note unless removed is false, an unknown answer a warning.
func (r diffV3JSON) results(base string, removed bool) *sarifWriter {
	sw := newSARIFWriter(base, diffSARIFRules())
	loc := sw.docLocation(document{Source: r.New}, policy.Pos{}, srcPos{})
	add := func(rule, level, msg string) {
		sw.add(rule, level, msg, loc, findingFingerprint(rule, sw.artifact(r.New), msg), "")
	}
	for _, w := range r.NewAccess {
		add("new_access", "error", "grants "+w.text())
	}
	if removed {
		for _, w := range r.RemovedAccess {
			add("removed_access", "note", "removes "+w.text())
		}
	}
	if r.Verdict == "unknown" || r.Reason != "" {
		add("access_unknown", "warning", "unknown: "+r.Reason)
	}
	return sw
}

// text is a witness in words, as the text report gives it.
func (w diffV3Witness) text() string {
	return fmt.Sprintf("%s on %s, %s: old %s, new %s", w.API, w.Resource, contextWords(w.Context), w.OldDecision, w.NewDecision)
}

func writeDiffV3Text(b *bytes.Buffer, r diffV3JSON) {
	fmt.Fprintf(b, "%s (%s) -> %s (%s), compared by IMS API call: %s", r.Old, r.Languages[0], r.New, r.Languages[1], strings.ReplaceAll(r.Verdict, "_", " "))
	if r.Reason != "" {
		fmt.Fprintf(b, " (%s)", r.Reason)
	}
	b.WriteString("\n")
	for _, group := range []struct {
		what string
		ws   []diffV3Witness
	}{{"new access", r.NewAccess}, {"removed access", r.RemovedAccess}} {
		for _, w := range group.ws {
			fmt.Fprintf(b, "  %s: %s on %s, %s: old %s, new %s\n", group.what, w.API, w.Resource, contextWords(w.Context), w.OldDecision, w.NewDecision)
			if len(w.OldDenied) > 0 {
				fmt.Fprintf(b, "    old does not allow %s\n", strings.Join(w.OldDenied, ", "))
			}
			if len(w.NewDenied) > 0 {
				fmt.Fprintf(b, "    new does not allow %s\n", strings.Join(w.NewDenied, ", "))
			}
			for _, n := range w.Notes {
				fmt.Fprintf(b, "    note: %s\n", n)
			}
		}
	}
	if len(r.Unmatched) > 0 {
		b.WriteString("  APIs only one side's table lists (reference notes §2.2):\n")
		for _, u := range r.Unmatched {
			fmt.Fprintf(b, "    %s: %s only, allowed: %s\n", u.API, u.KnownTo, u.Grant)
		}
	}
}

func contextWords(ctx map[string][]string) string {
	if len(ctx) == 0 {
		return "no context keys"
	}
	b, _ := json.Marshal(ctx)
	return "context " + string(b)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilContext(c map[string][]string) map[string][]string {
	if c == nil {
		return map[string][]string{}
	}
	return c
}

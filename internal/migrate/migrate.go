// Package migrate turns an IAM v3 custom policy ("Version": "1.1") into the IAM v5
// identity policy that allows the same IMS API calls, and proves it: every migration is
// compared with its source at the level of API calls (package apicall) over every request,
// and the answer is "equivalent", the exact differences as witnesses, or "unknown" with
// the reason. Differences that no v5 document can avoid are listed with their source in
// the project's reference notes (iam-v3-ims.md, §2.2 and §2.3 C1–C8), never dropped.
//
// How a statement is carried over (one v5 statement per v3 statement, same Effect):
//
//   - Its IMS actions are expanded over the 13 v3 actions by the v3 rules first
//     (evaluator.V3Match), then each is replaced by the v5 actions that authorise the same
//     APIs (V5Actions, the notes' §2.1 M(a)): a v3 wildcard copied into v5 unchanged would
//     reach v5 actions v3 never had (ims:images:* would grant import and getJob).
//   - Other services' actions are copied as written; their names are not checked against
//     v5 (the catalog knows IMS only).
//   - Resource is copied as written; conditions are the v3 evaluator's reading of them
//     (evaluator.V3Reading: the documented operators of both v3 sets, as v5 operators).
//
// The result is printed in normal form (policy.Document.NormalKeepingLetters), checked by
// the v5 checker for an identity policy (no error finding, size limit included), and
// compared with the source by apicall.Compare.
package migrate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Result is a migration and its proof.
type Result struct {
	// Document is the v5 document, indented; empty when there is none (Problems say why).
	Document string
	// Verdict is the proof's answer (apicall.Equivalent, Different or Unknown); Unknown
	// when there is no document.
	Verdict apicall.Verdict
	// Reason says why the Verdict is Unknown.
	Reason string
	// Problems say why no v5 document could be written (a v3 element the evaluator cannot
	// decide, a finding of the v5 checker); empty when Document is set.
	Problems []string
	// Comparison is the proof (nil without a document).
	Comparison *apicall.Comparison
	// Notes are the migration's choices and the differences no v5 document can avoid,
	// each citing the reference notes.
	Notes []string
}

// V5Actions maps each v3 IMS action to the v5 actions that authorise the APIs the v3 table
// gives it (reference notes §2.1, "The exact v5 set M(a)"; the v5 names from the seed's
// Table 2). This is the one place the mapping is written.
//
//   - list: ims:images:list is also, in v5, the alias of getTags, listOsVersion, getJob,
//     listImagesByTag and showImageTags, so it carries them; listImageTags has no alias
//     (C4) and is named. getJob comes with it and its API is in no v3 table (C5).
//   - update: updateImage (C2), setTags, setOrDeleteTags (C3) and its dependency
//     deleteTags. The alias ims:images:update itself is left out: in v5 it is also the
//     alias of deleteImage (C1). Statements that carry delete too name it (see Migrate).
//   - share: ims:images:share is the table action and the alias of addMember, deleteMember
//     and updateMemberStatus.
//   - copy: copyInRegion and copyCrossRegion (whose alias it is).
//   - delete: deleteImage (C1).
//   - the others: the v5 action of the same name.
var V5Actions = map[string][]string{
	"ims:images:list":         {"ims:images:list", "ims:images:listImageTags"},
	"ims:images:get":          {"ims:images:get"},
	"ims:images:create":       {"ims:images:create"},
	"ims:images:update":       {"ims:images:updateImage", "ims:images:setTags", "ims:images:setOrDeleteTags", "ims:images:deleteTags"},
	"ims:images:delete":       {"ims:images:deleteImage"},
	"ims:images:upload":       {"ims:images:upload"},
	"ims:images:export":       {"ims:images:export"},
	"ims:images:share":        {"ims:images:share"},
	"ims:images:copy":         {"ims:images:copyInRegion", "ims:images:copyCrossRegion"},
	"ims:serverImages:create": {"ims:serverImages:create"},
	"ims:dataImages:create":   {"ims:dataImages:create"},
	"ims:wholeImages:create":  {"ims:wholeImages:create"},
	"ims:quotas:get":          {"ims:quotas:get"},
}

// Notes of the choices that depend on a statement's actions, each citing its source.
const (
	noteUpdateAlias = "C1: a statement with ims:images:update and without ims:images:delete does not get the v5 name ims:images:update, which the v5 upload APIs need as a dependency, because in v5 it is also the alias of ims:images:deleteImage: naming it would allow deleting images (reference notes §2.3 C1; seed Table 1)"
	noteUpdateBoth  = "C1: a statement with both ims:images:update and ims:images:delete gets the v5 name ims:images:update, the dependency of the v5 upload APIs; in v5 it also reaches deleteImage and setTags, which the statement allows anyway (reference notes §2.3 C1)"
	noteImport      = "C6: a statement with only one of ims:serverImages:create and ims:dataImages:create does not get ims:images:import, which v5 requires for quick import together with both, so quick import is not carried over (reference notes §2.3 C6)"
	noteC8          = "C8: in v3 the enterprise-project or region scope of a policy is part of its assignment, not of the document, so it cannot be migrated from the document alone; give the v5 policy's attachment the same scope (reference notes §2.3 C8)"
	noteOther       = "actions of other services are copied as written; their v5 names are not checked (the catalog knows IMS only)"
)

// Migrate carries a checked v3 document (policy.CheckV3Text) over to v5 and proves the
// result within budget b. A document with an error finding is not migrated: the findings
// are the Problems. Its warnings are notes.
func Migrate(c *policy.V3Checked, b analysis.Budget) Result {
	var v3problems, v3notes []string
	for _, f := range c.Findings() {
		if f.Severity == policy.Error {
			v3problems = append(v3problems, "the v3 checker: "+f.String())
		} else {
			v3notes = append(v3notes, "the v3 checker warns: "+f.String())
		}
	}
	if len(v3problems) > 0 || c.Document() == nil {
		return Result{Verdict: apicall.Unknown, Reason: "the v3 document has errors (imspolicy check shows them)", Problems: v3problems, Notes: v3notes}
	}
	d := c.Document()
	src := evaluator.V3PolicyOf(d)
	v3, err := apicall.NewV3([]evaluator.V3Policy{src})
	if err != nil {
		return Result{Verdict: apicall.Unknown, Reason: "the v3 document cannot be decided", Problems: []string{err.Error()}}
	}
	doc := &policy.Document{Version: &policy.Str{Value: "5.0"}}
	notes := v3notes
	note := func(n string) {
		if !slices.Contains(notes, n) {
			notes = append(notes, n)
		}
	}
	for i, s := range src.Statements {
		st, err := evaluator.V3Reading(s)
		if err != nil { // not reached: NewV3 read every statement
			return Result{Verdict: apicall.Unknown, Reason: "the v3 document cannot be decided", Problems: []string{fmt.Sprintf("Statement[%d]: %v", i, err)}}
		}
		list := st.Action
		if list == nil {
			list = st.NotAction
		}
		for _, c := range s.Condition {
			if noV5Counterpart(c.Key) {
				note(fmt.Sprintf("%s is a v3 global condition key with no v5 counterpart (reference notes §3.4): the v5 policy keeps the condition, which holds as the v5 request gives the key, if ever", c.Key))
			}
		}
		names := carry(list.Values(), s, note)
		if len(names) == 0 && st.NotAction == nil {
			note(fmt.Sprintf("Statement[%d] names no action that v3 matches or that carries over, so the v5 document leaves it out", i))
			continue
		}
		if st.Action != nil {
			st.Action = policy.NewList(names...)
		} else {
			st.NotAction = policy.NewList(names...)
		}
		doc.Statements = append(doc.Statements, st)
	}
	if d.Depends != nil && len(d.Depends.Items) > 0 {
		var names []string
		for _, dep := range d.Depends.Items {
			if dep.DisplayName != nil {
				names = append(names, dep.DisplayName.Value)
			}
		}
		note(fmt.Sprintf("the role depends on %s (Depends), which must be granted with it in v3 (reference notes §3.6): migrate those roles' permissions too; this v5 policy carries only this document's statements", strings.Join(names, ", ")))
	}
	note(noteC8)
	normal := doc.NormalKeepingLetters()
	checked := policy.CheckText(normal, policy.Identity)
	var problems []string
	for _, f := range checked.Findings() {
		if f.Severity == policy.Error {
			problems = append(problems, "the v5 checker: "+f.String())
		} else {
			note("the v5 checker warns: " + f.String())
		}
	}
	if len(problems) > 0 {
		return Result{Verdict: apicall.Unknown, Reason: "no v5 document the v5 checker accepts could be written", Problems: problems, Notes: notes}
	}
	v5, findings := apicall.NewV5([]*policy.Checked{checked})
	if len(findings) > 0 { // not reached: the findings above are the same
		return Result{Verdict: apicall.Unknown, Reason: "the v5 document does not compile", Problems: []string{findings[0].String()}, Notes: notes}
	}
	cmp, err := apicall.Compare(v3, v5, b)
	if err != nil {
		return Result{Verdict: apicall.Unknown, Reason: err.Error(), Notes: notes}
	}
	return Result{Document: string(checked.Document().Indented()), Verdict: cmp.Verdict, Reason: cmp.Reason, Comparison: &cmp, Notes: notes}
}

// carry maps a statement's v3 reading of its actions (the v3 IMS names it matches) to v5
// names, adds the other services' actions as written, and notes the choices it makes.
func carry(reading []string, s evaluator.V3Statement, note func(string)) []string {
	var out []string
	add := func(n ...string) {
		for _, x := range n {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	has := func(n string) bool { return slices.Contains(reading, n) }
	for _, n := range reading {
		if v5, ok := V5Actions[n]; ok {
			add(v5...)
		}
	}
	// Other services' actions, as written. A pattern whose service may be ims but is not
	// only ims ("*:*:*") reaches other services too, and is copied so that those are
	// carried over; the proof says what it also reaches in v5. A service written with
	// capitals (the vendor's own OTC example writes "KMS:*:*") is copied as written: v5
	// ignores the case of action names (inferred: v3 asks for lower case). Only "IMS",
	// which v3 matches to no IMS action, is left out, since v5 would read it as ims.
	patterns := s.Action
	if s.NotAction != nil {
		patterns = s.NotAction
	}
	for _, p := range patterns {
		svc, _, _ := strings.Cut(p, ":")
		switch {
		case svc == "ims":
		case strings.EqualFold(svc, "ims"):
			note(fmt.Sprintf("%q names no action in v3, whose service names are lower case (reference notes §3.2), so it is not carried over: v5 would read it as ims", p))
		case svc != strings.ToLower(svc):
			add(p)
			note(noteOther)
			note(fmt.Sprintf("%q is copied as written: v3 asks for a lower-case service name (reference notes §3.2, S7), and v5 ignores the case of action names", p))
		default:
			add(p)
			note(noteOther)
		}
	}
	switch {
	case has("ims:images:update") && has("ims:images:delete"):
		add("ims:images:update")
		note(noteUpdateBoth)
	case has("ims:images:update") && has("ims:images:upload"):
		note(noteUpdateAlias)
	}
	server, data := has("ims:serverImages:create"), has("ims:dataImages:create")
	switch {
	case server && data:
		add("ims:images:import")
	case server || data:
		note(noteImport)
	}
	return out
}

// noV5Counterpart reports whether key is a v3 global condition key (policy.V3GlobalKeys)
// that the v5 catalog does not know (reference notes §3.4: g:MFAAge, g:ServiceName).
func noV5Counterpart(key string) bool {
	for k := range policy.V3GlobalKeys() {
		if strings.EqualFold(k, key) {
			_, known := catalog.LookupConditionKey(k)
			return !known
		}
	}
	return false
}

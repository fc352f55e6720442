package estate

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// ScopeKind is where a role assignment grants.
type ScopeKind uint8

const (
	// AllProjects is every project of the account, existing and future (project_id "all").
	AllProjects ScopeKind = iota + 1
	// Project is one project (its id).
	Project
	// EnterpriseProject is one enterprise project (its id).
	EnterpriseProject
	// Domain is the account itself: the global services scope (domain_id).
	Domain
	// OtherProjects is, in an answer, every project that no assignment of the subject
	// names: only the roles assigned in all projects grant there.
	OtherProjects
)

// Scope is where a role assignment grants, or which requests an answer is about.
type Scope struct {
	Kind ScopeKind
	ID   string // the project's, enterprise project's or account's id
}

// String gives "in project p-123".
func (s Scope) String() string {
	switch s.Kind {
	case AllProjects:
		return "in all projects"
	case Project:
		return "in project " + s.ID
	case EnterpriseProject:
		return "in enterprise project " + s.ID
	case Domain:
		return "in the domain (global services)"
	case OtherProjects:
		return "in every other project"
	}
	return "nowhere"
}

// V3Role is an IAM v3 custom role (a "Version": "1.1" custom policy, or a 1.0 role): it
// grants through its role assignments only.
type V3Role struct {
	ID, Name string
	// Document is the role's checked document; nil when Unknown is set, or for a system
	// role referenced by id.
	Document *policy.V3Checked
	// Unknown, when set, says why the document is not known.
	Unknown string
	// System marks a system role (referenced by id or name): its document is not in the
	// inputs, so the answers of the principals it is assigned to are unknown.
	System bool
}

// RoleAssignment assigns a v3 role to a user, a group or an agency in a scope.
type RoleAssignment struct {
	RoleID    string
	Principal PrincipalRef
	Scope     Scope
	// Unknown, when set, says why the assignment is not known: the answers of its principal
	// (of every principal, when Principal.ID is "") are unknown.
	Unknown string
}

// v3Grants are the v3 roles a principal holds per scope (AllProjects and Project only;
// the other scopes make the answer unknown).
type v3Grants struct {
	byScope map[Scope][]string
	unknown string
	// sig is what the grants are made of (each assignment's role, scope and the role's
	// document, or that it is a role whose document is not in the inputs); volatile is
	// true when a part is not known (an unknown assignment or document), so that two
	// equal signatures do not show the same grants.
	sig      string
	volatile bool
}

// v3Of returns the v3 grants of a principal (through its groups too, for a user), and
// whether it has any assignment at all (known or not).
func (f *flattener) v3Of(ref PrincipalRef) (g v3Grants, has bool) {
	g = v3Grants{byScope: map[Scope][]string{}, unknown: f.everyV3, volatile: f.everyV3 != ""}
	has = f.everyV3 != ""
	var sig []string
	defer func() {
		slices.Sort(sig)
		g.sig = strings.Join(slices.Compact(sig), "\x00")
	}()
	note := func(r string) {
		if g.unknown == "" {
			g.unknown = r
		}
	}
	owners := []PrincipalRef{ref}
	if ref.Kind == User {
		for _, id := range f.groupsOf[ref.ID] {
			owners = append(owners, PrincipalRef{Group, id})
		}
	}
	for _, o := range owners {
		if r, ok := f.roleUnknown[o]; ok {
			has, g.volatile = true, true
			note(r)
		}
		for _, a := range f.roles[o] {
			has = true
			role, ok := f.e.V3Roles[a.RoleID]
			label := a.RoleID
			if ok && role.Name != "" && role.Name != role.ID {
				label = fmt.Sprintf("%s (%s)", role.ID, role.Name)
			}
			// A role not in the inputs, or without a document, is the same role (the same
			// document) wherever its id is the same.
			state := "no document"
			if ok && role.Unknown != "" {
				g.volatile = true
			} else if ok && role.Document != nil {
				state = "unparsed"
				if d := role.Document.Document(); d != nil {
					state = v3Key(d)
				}
			}
			sig = append(sig, fmt.Sprintf("%s|%d|%s|%s", a.RoleID, a.Scope.Kind, a.Scope.ID, state))
			switch {
			case !ok:
				note(fmt.Sprintf("v3 role %s is assigned to %s but not in the inputs (a system role, or one of another configuration): its document is not known", a.RoleID, o))
				continue
			case role.Unknown != "":
				note(role.Unknown)
				continue
			case role.Document == nil || role.Document.Document() == nil:
				note(fmt.Sprintf("v3 role %s: its document is not in the inputs", label))
				continue
			}
			if fe := role.Document.FirstError(); fe != nil {
				note(fmt.Sprintf("v3 role %s: %s", label, fe))
				continue
			}
			if d := role.Document.Document().Depends; d != nil && len(d.Items) > 0 {
				note(fmt.Sprintf("v3 role %s depends on other roles (Depends), which are granted with it but are not in the inputs", label))
				continue
			}
			switch a.Scope.Kind {
			case AllProjects, Project:
				if !slices.Contains(g.byScope[a.Scope], a.RoleID) {
					g.byScope[a.Scope] = append(g.byScope[a.Scope], a.RoleID)
				}
			case EnterpriseProject:
				// Reference notes C8: the v3 table's enterprise-project case requires items
				// a document cannot express, and an API request does not say which
				// enterprise project its resource is in.
				note(fmt.Sprintf("v3 role %s is assigned to %s %s: a grant in an enterprise project depends on the enterprise project of each resource, which the API tables do not model (reference notes C8)", label, o, a.Scope))
			case Domain:
				note(fmt.Sprintf("v3 role %s is assigned to %s %s: whether a role assigned for global services grants calls of IMS, a region-specific service, is not decided here", label, o, a.Scope))
			default:
				note(fmt.Sprintf("v3 role %s is assigned to %s in no known scope", label, o))
			}
		}
	}
	return g, has
}

// v3Job is one (subject, scope) whose API-level configuration differs between the two
// estates.
type v3Job struct {
	scope   *Scope
	c, r    v3Side
	key     string
	unknown string
}

// v3Side is one side's configuration in a scope: its v5 identity documents and its v3
// roles.
type v3Side struct {
	v5  []*policy.Checked
	v3  []evaluator.V3Policy
	key string
}

// v3Keys are the canonical forms of v3 documents, so that equal configurations share
// one analysis (by document: the two estates may hold one role id with two documents).
type v3Keys map[*policy.V3Checked]string

func (k v3Keys) of(e *Estate, id string) string {
	doc := e.V3Roles[id].Document
	if s, ok := k[doc]; ok {
		return s
	}
	s := v3Key(doc.Document())
	k[doc] = s
	return s
}

// v3Key is a v3 document as the evaluator reads it: equal keys, equal decisions.
func v3Key(d *policy.V3Document) string {
	b, _ := json.Marshal(evaluator.V3PolicyOf(d)) // plain strings and slices: cannot fail
	s := string(b)
	for _, st := range d.Statements {
		if st.ResourceObject != nil {
			s += "|object"
		}
	}
	return s
}

// v3Compare returns the jobs of a subject that holds v3 roles on either side: one per
// scope whose configuration differs, or a single unknown job.
func v3Compare(c, r *subject, gc, gr v3Grants, fc, fr *flattener, keys v3Keys) []*v3Job {
	// Nothing changed: the same v5 configuration and the same v3 grants, every part known
	// (an unknown part of either may differ, and is reported).
	if c.cfg.unknown == "" && r.cfg.unknown == "" && c.cfg.setKey == r.cfg.setKey && c.beforeSCPs == r.beforeSCPs &&
		gc.sig == gr.sig && !gc.volatile && !gr.volatile && fc.everyone == "" && fr.everyone == "" {
		return nil
	}
	unknown := ""
	for _, u := range []string{c.cfg.unknown, r.cfg.unknown, gc.unknown, gr.unknown} {
		if unknown == "" {
			unknown = u
		}
	}
	if unknown == "" && !c.beforeSCPs && !r.beforeSCPs {
		for _, s := range []*subject{r, c} {
			if !fc.unrestrictive(s.cfg.levels) {
				unknown = "it holds IAM v3 roles and its account's SCPs restrict it: how an SCP (written in v5 actions) bounds a call granted through the v3 table is not decided here"
				break
			}
		}
	}
	if unknown != "" {
		return []*v3Job{{unknown: unknown}}
	}
	var projects []string
	for _, g := range []v3Grants{gc, gr} {
		for s := range g.byScope {
			if s.Kind == Project && !slices.Contains(projects, s.ID) {
				projects = append(projects, s.ID)
			}
		}
	}
	slices.Sort(projects)
	points := make([]Scope, 0, len(projects)+1)
	for _, p := range projects {
		points = append(points, Scope{Project, p})
	}
	rest := Scope{Kind: AllProjects}
	if len(projects) > 0 {
		rest.Kind = OtherProjects
	}
	points = append(points, rest)
	var out []*v3Job
	for _, p := range points {
		cs := v3SideOf(c.cfg, gc, p, fc, keys)
		rs := v3SideOf(r.cfg, gr, p, fr, keys)
		if cs.key == rs.key {
			continue
		}
		sc := p
		out = append(out, &v3Job{scope: &sc, c: cs, r: rs, key: cs.key + "\x02" + rs.key})
	}
	return out
}

// v3SideOf is a configuration's side in scope p: its v5 documents (in every scope) and
// the v3 roles assigned in all projects and, for a project, in that project.
func v3SideOf(cfg *config, g v3Grants, p Scope, f *flattener, keys v3Keys) v3Side {
	s := v3Side{v5: cfg.identity}
	var b strings.Builder
	for _, d := range cfg.identity {
		b.WriteString(f.normal(d))
		b.WriteByte(0)
	}
	b.WriteString("|v3")
	ids := slices.Clone(g.byScope[Scope{Kind: AllProjects}])
	if p.Kind == Project {
		ids = append(ids, g.byScope[p]...)
	}
	type role struct{ key, id string }
	var roles []role
	for _, id := range ids {
		roles = append(roles, role{keys.of(f.e, id), id})
	}
	slices.SortFunc(roles, func(a, b role) int { return strings.Compare(a.key, b.key) })
	roles = slices.CompactFunc(roles, func(a, b role) bool { return a.key == b.key })
	for _, r := range roles {
		s.v3 = append(s.v3, evaluator.V3PolicyOf(f.e.V3Roles[r.id].Document.Document()))
		b.WriteString(r.key)
		b.WriteByte(0)
	}
	s.key = b.String()
	return s
}

// unrestrictive reports whether SCP levels restrict nothing: every level allows every
// action everywhere (it holds the system FullAccess SCP, or the document that allows
// everything) and no SCP of it denies anything. nil (no SCP side) restricts nothing.
func (f *flattener) unrestrictive(levels []evaluator.SCPLevel) bool {
	all := map[string]bool{f.normal(analysis.AllowAll(policy.SCP)): true}
	if doc, _ := systemDocument(catalog.SystemSCP, "", catalog.FullAccessSCPName); doc != nil {
		all[f.normal(doc)] = true
	}
	for _, lv := range levels {
		allows := false
		for _, d := range lv.Policies {
			if all[f.normal(d)] {
				allows = true
				continue
			}
			for _, st := range d.Document().Statements {
				if st.Effect == nil || st.Effect.Value != "Allow" {
					return false
				}
			}
		}
		if !allows {
			return false
		}
	}
	return true
}

// runV3 analyses each distinct pair of API-level configurations once.
func runV3(jobs []*v3Job, b analysis.Budget) (map[string]v3Result, error) {
	var keys []string
	first := map[string]*v3Job{}
	for _, j := range jobs {
		if j.unknown != "" {
			continue
		}
		if _, ok := first[j.key]; !ok {
			first[j.key] = j
			keys = append(keys, j.key)
		}
	}
	results := make([]v3Result, len(keys))
	err := parallel(len(keys), func(i int) error {
		j := first[keys[i]]
		rp, rf, err := apicall.NewPrincipal(j.r.v5, j.r.v3)
		if err != nil || len(rf) > 0 {
			results[i] = v3Result{unknown: "the reference: " + principalError(err, rf)}
			return nil
		}
		cp, cf, err := apicall.NewPrincipal(j.c.v5, j.c.v3)
		if err != nil || len(cf) > 0 {
			results[i] = v3Result{unknown: "the candidate: " + principalError(err, cf)}
			return nil
		}
		cmp, err := apicall.ComparePrincipals(rp, cp, b)
		if err != nil {
			return err
		}
		results[i] = v3Result{cmp: cmp}
		if cmp.Verdict == apicall.Unknown {
			results[i].unknown = cmp.Reason
		}
		return nil
	})
	out := make(map[string]v3Result, len(keys))
	for i, k := range keys {
		out[k] = results[i]
	}
	return out, err
}

type v3Result struct {
	cmp     apicall.Comparison
	unknown string
}

func principalError(err error, findings []evaluator.SourceFinding) string {
	if err != nil {
		return err.Error()
	}
	return findings[0].String()
}

// v3Change fills a subject's change from its API-level result.
func (sc *SubjectChange) v3Change(r v3Result) {
	sc.Spent = r.cmp.Spent
	sc.Status = analysis.Complete
	if r.unknown != "" {
		sc.Status, sc.Reason = analysis.Unknown, r.unknown
	}
	for _, d := range r.cmp.Differences {
		if d.New == evaluator.Allow {
			sc.NewCalls = append(sc.NewCalls, d)
		} else {
			sc.RemovedCalls = append(sc.RemovedCalls, d)
		}
	}
}

// v3Note is why an action-level question cannot answer for a subject that holds v3
// roles: v3 and v5 share no action names.
func (f *flattener) v3Note(ref PrincipalRef) string {
	if _, has := f.v3Of(ref); !has {
		return ""
	}
	return "it holds IAM v3 roles, whose actions are not v5 actions: its permissions are decided per API call (diff-access), not per action"
}

// markV3 makes the subjects that hold v3 roles Unknown for the action-level questions.
func (f *flattener) markV3(subjects []*subject) {
	for _, s := range subjects {
		if s.Principal == nil || s.cfg.unknown != "" {
			continue
		}
		if reason := f.v3Note(*s.Principal); reason != "" {
			c := *s.cfg
			c.unknown = reason
			c.bound = maps.Clone(c.allBound)
			c.finish(f.normals)
			s.cfg = &c
		}
	}
}

package estate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// SubjectChange is what one subject gained and lost.
type SubjectChange struct {
	Subject Subject
	Name    string // the principal's or the node's name; "" when unknown
	// BeforeSCPs is true when the SCP side of the subject's account is not given on
	// either side: both were compared on their identity side alone.
	BeforeSCPs bool
	Status     analysis.Status
	Reason     string // why Status is Unknown
	// New are requests the subject can send that the candidate allows and the reference
	// does not; Removed the reverse. One per action at most.
	New, Removed []analysis.Witness
	// Spent is the budget of the analysis the subject's pair of configurations had
	// (shared with the subjects of the same pair).
	Spent int
	// Scope, for a subject that holds IAM v3 roles on either side, is the requests the
	// answer is about (a project, all projects, every other project); such a subject is
	// compared at the level of API calls, its answers in NewCalls and RemovedCalls (Old
	// the reference's decision, New the candidate's), not in New and Removed.
	Scope                  *Scope
	NewCalls, RemovedCalls []apicall.Difference
}

// Label is the subject with its scope: "group g-1 in project p-1".
func (sc SubjectChange) Label() string {
	if sc.Scope != nil {
		return sc.Subject.String() + " " + sc.Scope.String()
	}
	return sc.Subject.String()
}

// Comparison answers Compare.
type Comparison struct {
	Status analysis.Status
	Reason string // the first subject's reason, prefixed with the subject
	// Holds is true when no subject gains any access; false when one does or when Status
	// is Unknown (ask Status first).
	Holds bool
	// Subjects are the subjects that gain or lose access, or whose answer is Unknown:
	// principals by kind then id, then nodes.
	Subjects []SubjectChange
	// Changed is the number of subjects whose configuration differs between the two
	// estates; Distinct the number of distinct pairs of configurations analysed for them;
	// Spent the budget those analyses used together.
	Changed, Distinct, Spent int
}

// Compare says, for every subject of the two estates, what the candidate lets it do that
// the reference does not, and the reverse, each within budget b. Only the subjects whose
// effective configuration differs are analysed, and equal pairs of configurations share
// one analysis. A principal in one estate only is compared with itself holding no
// identity policy in the other.
func Compare(reference, candidate *Estate, b analysis.Budget) (Comparison, error) {
	var out Comparison
	if err := reference.Validate(); err != nil {
		return out, fmt.Errorf("reference: %w", err)
	}
	if err := candidate.Validate(); err != nil {
		return out, fmt.Errorf("candidate: %w", err)
	}
	normals := map[*policy.Checked]string{}
	fr, fc := newFlattener(reference, normals), newFlattener(candidate, normals)
	type job struct {
		c, r       *subject
		beforeSCPs bool
		bound      [2]analysis.Bindings
		unknown    string
		key        string
		v3         *v3Job // a subject holding v3 roles, in one scope
	}
	var jobs []*job
	keys3 := v3Keys{}
	var v3jobs []*v3Job
	addV3 := func(c, r *subject, gc, gr v3Grants) {
		for _, vj := range v3Compare(c, r, gc, gr, fc, fr, keys3) {
			jobs = append(jobs, &job{c: c, r: r, beforeSCPs: c.beforeSCPs || r.beforeSCPs, unknown: vj.unknown, v3: vj})
			v3jobs = append(v3jobs, vj)
		}
	}
	add := func(c, r *subject) {
		j := &job{c: c, r: r}
		switch {
		case c.cfg.unknown != "":
			j.unknown = c.cfg.unknown
		case r.cfg.unknown != "":
			j.unknown = r.cfg.unknown
		}
		cc, rc := c.cfg, r.cfg
		if c.beforeSCPs || r.beforeSCPs {
			j.beforeSCPs = true
			cc, rc = cc.identityOnly(normals), rc.identityOnly(normals)
		}
		j.bound = pairBound(cc, rc)
		if j.unknown == "" && cc.setKey == rc.setKey && boundKey(j.bound[0]) == boundKey(j.bound[1]) {
			return // the same policy set on the same requests: nothing changed
		}
		j.c.cfg, j.r.cfg = cc, rc
		j.key = cc.setKey + "\x02" + rc.setKey + "\x02" + boundKey(j.bound[0]) + "\x02" + boundKey(j.bound[1])
		jobs = append(jobs, j)
	}

	// Principals.
	refs := map[PrincipalRef]Principal{}
	inRef, inCand := map[PrincipalRef]Principal{}, map[PrincipalRef]Principal{}
	for _, p := range fr.principals() {
		inRef[p.Ref], refs[p.Ref] = p, p
	}
	for _, p := range fc.principals() {
		inCand[p.Ref], refs[p.Ref] = p, p
	}
	for _, ref := range slices.SortedFunc(maps.Keys(refs), compareRefs) {
		rp, okR := inRef[ref]
		cp, okC := inCand[ref]
		if ref.Kind == Group && (okC && !fc.groupIsSubject(ref.ID) || !okC && !fr.groupIsSubject(ref.ID)) {
			continue // answered through its users
		}
		var c, r *subject
		if okC {
			c = fc.principal(cp)
		}
		if okR {
			r = fr.principal(rp)
		}
		if c == nil {
			c = r.absent(normals)
		}
		if r == nil {
			r = c.absent(normals)
		}
		// A principal holding v3 roles on either side is compared at the level of API
		// calls, per scope; the others as before.
		var gc, gr v3Grants
		var hasC, hasR bool
		if okC {
			gc, hasC = fc.v3Of(ref)
		}
		if okR {
			gr, hasR = fr.v3Of(ref)
		}
		if hasC || hasR {
			addV3(c, r, gc, gr)
			continue
		}
		add(copySubject(c), copySubject(r))
	}

	// Nodes whose SCP side changed, each standing for every principal in it.
	for _, n := range changedNodes(fr, fc, normals) {
		add(n[1], n[0])
	}
	out.Changed = len(jobs)

	// One analysis per distinct pair.
	var keys []string
	first := map[string]*job{}
	for _, j := range jobs {
		if j.unknown != "" || j.v3 != nil {
			continue
		}
		if _, ok := first[j.key]; !ok {
			first[j.key] = j
			keys = append(keys, j.key)
		}
	}
	results := make([]analysis.NoNewAccessResult, len(keys))
	sets := &setCache{}
	err := parallel(len(keys), func(i int) error {
		j := first[keys[i]]
		cs, reason := sets.get(j.c.cfg)
		if reason == "" {
			var rs *evaluator.PolicySet
			if rs, reason = sets.get(j.r.cfg); reason == "" {
				r, err := analysis.NoNewAccessWith(cs, rs, analysis.Options{Budget: b, Bound: j.bound[0], ReferenceBound: j.bound[1]})
				results[i] = r
				return err
			}
		}
		results[i] = analysis.NoNewAccessResult{Status: analysis.Unknown, Reason: reason}
		return nil
	})
	if err != nil {
		return out, err
	}
	v3results, err := runV3(v3jobs, b)
	if err != nil {
		return out, err
	}
	byKey := map[string]int{}
	for i, k := range keys {
		byKey[k] = i
		out.Spent += results[i].Spent
	}
	for _, r := range v3results {
		out.Spent += r.cmp.Spent
	}
	out.Distinct = len(keys) + len(v3results)
	out.Holds = true
	for _, j := range jobs {
		sc := SubjectChange{Subject: j.c.Subject, Name: j.c.name, BeforeSCPs: j.beforeSCPs}
		if j.v3 != nil {
			sc.Scope = j.v3.scope
		}
		switch {
		case j.unknown != "":
			sc.Status, sc.Reason = analysis.Unknown, j.unknown
		case j.v3 != nil:
			sc.v3Change(v3results[j.v3.key])
		default:
			r := results[byKey[j.key]]
			sc.Status, sc.Reason, sc.New, sc.Removed, sc.Spent = r.Status, r.Reason, r.NewAccess, r.RemovedAccess, r.Spent
		}
		if sc.Status == analysis.Unknown && out.Status == analysis.Complete {
			out.Status, out.Reason = analysis.Unknown, sc.Label()+": "+sc.Reason
		}
		if len(sc.New) > 0 || len(sc.NewCalls) > 0 {
			out.Holds = false
		}
		if sc.Status == analysis.Unknown || len(sc.New) > 0 || len(sc.Removed) > 0 || len(sc.NewCalls) > 0 || len(sc.RemovedCalls) > 0 {
			out.Subjects = append(out.Subjects, sc)
		}
	}
	out.Holds = out.Holds && out.Status == analysis.Complete
	return out, nil
}

// copySubject is a shallow copy, whose cfg a comparison may replace.
func copySubject(s *subject) *subject {
	c := *s
	return &c
}

// absent is the subject as it is in an estate that does not hold it: no identity policy,
// the same SCP side and keys.
func (s *subject) absent(normals map[*policy.Checked]string) *subject {
	a := *s
	c := &config{levels: s.cfg.levels, bound: map[string][]string{}}
	maps.Copy(c.bound, s.cfg.allBound)
	c.finish(normals)
	a.cfg = c
	return &a
}

// identityOnly is the configuration without its SCP side.
func (c *config) identityOnly(normals map[*policy.Checked]string) *config {
	if c.levels == nil {
		return c
	}
	o := &config{identity: c.identity, identityIDs: c.identityIDs, bound: map[string][]string{}, unknown: c.unknown}
	maps.Copy(o.bound, c.allBound)
	o.finish(normals)
	return o
}

// pairBound are the bound keys of a comparison: those either side tests whose values
// both sides know (a key known on one side only is free on both); the candidate's
// values, then the reference's.
func pairBound(c, r *config) [2]analysis.Bindings {
	out := [2]analysis.Bindings{{}, {}}
	for k, cv := range c.allBound {
		rv, ok := r.allBound[k]
		if l := wildcard.Lower(k); ok && (c.tested[l] || r.tested[l]) {
			out[0][k], out[1][k] = cv, rv
		}
	}
	return out
}

// changedNodes returns the subjects (reference, candidate) of the nodes whose SCP side
// differs between the two estates, but for those answered through their parent (below).
// A node is named even when principals of the inputs live in
// it, each of whom is answered too: the inputs rarely hold every principal of an OU or
// an account (each account's IAM is usually in a state of its own), and an SCP restricts
// all of them, so the gate reports the node rather than assume it knows them all. A node
// in one estate only is not one (an account added to or removed from the tree).
func changedNodes(fr, fc *flattener, normals map[*policy.Checked]string) [][2]*subject {
	type state struct {
		pair      [2]*subject
		qualifies bool
	}
	states := map[NodeRef]*state{}
	for ref := range fc.e.Nodes {
		if _, ok := fr.e.Nodes[ref]; !ok {
			continue
		}
		r, c := fr.node(ref), fc.node(ref)
		if r.cfg.key == c.cfg.key && r.cfg.unknown == "" && c.cfg.unknown == "" && r.beforeSCPs == c.beforeSCPs {
			continue
		}
		if r.beforeSCPs && c.beforeSCPs {
			continue // nowhere in either tree: no SCP side to compare
		}
		states[ref] = &state{pair: [2]*subject{r, c}, qualifies: true}
	}
	// A node under a changed parent, in the same place in both trees and whose own SCPs
	// are the same, is answered through the parent: every request it newly allows, its
	// parent's levels newly allow too (its own level allows it on both sides), so the
	// parent, standing for every principal under it, reports it. Any other changed node is
	// named on its own (its own SCPs changed, or it moved).
	var out [][2]*subject
	for _, ref := range slices.SortedFunc(maps.Keys(states), compareNodes) {
		p, rp := fc.e.Nodes[ref].Parent, fr.e.Nodes[ref].Parent
		if p != nil && states[*p] != nil && rp != nil && *rp == *p && fr.ownLevel(ref) == fc.ownLevel(ref) {
			continue
		}
		out = append(out, states[ref].pair)
	}
	return out
}

// ownLevel is a key of node ref's own SCP level: equal keys, equal levels.
func (f *flattener) ownLevel(ref NodeRef) string {
	if f.e.SCPsDisabled || ref.Kind == Account && ref.ID == f.e.ManagementAccount {
		return "no SCP side"
	}
	c := &config{bound: map[string][]string{}}
	unknown := ""
	f.levels(c, []NodeRef{ref}, func(reason string) {
		if unknown == "" {
			unknown = reason
		}
	})
	c.finish(f.normals)
	return c.key + "\x00" + unknown
}

func compareNodes(a, b NodeRef) int {
	if a.Kind != b.Kind {
		return int(a.Kind) - int(b.Kind)
	}
	return strings.Compare(a.ID, b.ID)
}

// node flattens a node as a subject: every principal in it, with an identity side that
// allows everything, so that the SCP side alone decides.
func (f *flattener) node(ref NodeRef) *subject {
	r := ref
	s := &subject{Subject: Subject{Node: &r}, name: f.e.Nodes[ref].Name}
	c := &config{identity: []*policy.Checked{analysis.AllowAll(policy.Identity)}, identityIDs: [][]string{{"allow-all"}}, bound: map[string][]string{}}
	unknown := f.everyone
	note := func(reason string) {
		if unknown == "" {
			unknown = reason
		}
	}
	path, ok := f.path(ref)
	if ref.Kind == Account {
		c.bound[keyPrincipalAccount] = []string{ref.ID}
		if ok && f.e.Organization != "" {
			orgPath := f.e.Organization
			for _, n := range path {
				orgPath += "/" + n.ID
			}
			c.bound[keyPrincipalOrgPath] = []string{orgPath}
		}
	}
	switch {
	case f.e.SCPsDisabled, ref.Kind == Account && ref.ID == f.e.ManagementAccount:
	case !ok:
		s.beforeSCPs = true
		note(fmt.Sprintf("the place of %s in the organisation tree is not given", ref))
	default:
		f.levels(c, path, note)
	}
	c.unknown = unknown
	c.finish(f.normals)
	s.cfg = c
	return s
}

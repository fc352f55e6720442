package estate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// The differential test: random estates (principals, memberships, attachments, trees,
// SCPs) against a brute force that flattens every principal to its configuration, written
// here without the package's sharing and filtering, and asks the analyser directly; every
// witness is replayed through the evaluator with the principal's bound keys.

var diffSeed, diffSets = policytest.Flags("estate", 19, 200, "estate differential test's (estate pairs)")

// principalKeys are condition keys on the principal, with values that the generated
// principals have and do not have.
var principalKeys = []policytest.KeyKind{
	{Key: "g:UserName", Ops: []string{"StringEquals", "StringNotEquals", "StringMatch"}, PolicyValues: []string{"u0", "u1", "u*", "g0"}},
	{Key: "g:UserId", Ops: []string{"StringEquals", "StringNotEquals"}, PolicyValues: []string{"id-u0", "id-u2"}},
	{Key: "g:PrincipalAccount", Ops: []string{"StringEquals", "StringNotEquals"}, PolicyValues: []string{"a0", "a1"}},
	{Key: "g:PrincipalOrgPath", Ops: []string{"StringMatch", "StringNotMatch", "StringEquals"}, PolicyValues: []string{"o-1/r-1/ou-0/*", "o-1/r-1/*/a1", "o-1/r-1/ou-1/ou-0/a0"}},
	{Key: "g:PrincipalUrn", Ops: []string{"StringMatch", "StringEquals"}, PolicyValues: []string{"iam::a0:user:*", "iam::*:user:u1", "iam::a1:agency:*"}},
	policytest.AnalyserKeys[0], // ims:Region: a free key beside them
	policytest.AnalyserKeys[6], // g:SourceVpce, with Null
}

// genEstate draws an estate.
func genEstate(g *policytest.Gen, t *testing.T) *Estate {
	r := g.R
	e := &Estate{Organization: "o-1", Account: "a0",
		IdentityPolicies: map[string]Policy{}, SCPs: map[string]Policy{}, Principals: map[PrincipalRef]Principal{}, Nodes: map[NodeRef]Node{}}
	if r.IntN(8) == 0 {
		e.Organization = ""
	}
	// The tree: root, OUs under the root or another OU, accounts under an OU or the root.
	rt := NodeRef{Root, "r-1"}
	e.Nodes[rt] = Node{Ref: rt}
	parents := []NodeRef{rt}
	for i := range r.IntN(3) {
		ou := NodeRef{OU, fmt.Sprintf("ou-%d", i)}
		p := parents[r.IntN(len(parents))]
		e.Nodes[ou] = Node{Ref: ou, Parent: &p}
		parents = append(parents, ou)
	}
	accounts := []string{"a0", "a1", "a2"}
	for _, a := range accounts {
		if r.IntN(6) == 0 {
			continue // its place is not given
		}
		p := parents[r.IntN(len(parents))]
		e.Nodes[NodeRef{Account, a}] = Node{Ref: NodeRef{Account, a}, Parent: &p}
	}
	if r.IntN(5) == 0 {
		e.ManagementAccount = "a1"
	}
	e.SCPsDisabled = r.IntN(12) == 0
	// Policies.
	for i := range 2 + r.IntN(4) {
		id := fmt.Sprintf("p%d", i)
		e.IdentityPolicies[id] = Policy{ID: id, Document: genDoc(g, t, policy.Identity)}
	}
	if r.IntN(6) == 0 {
		e.IdentityPolicies["sys"] = Policy{ID: "sys", Name: "SomeSystemPolicy", System: true}
	}
	for i := range 1 + r.IntN(3) {
		id := fmt.Sprintf("s%d", i)
		e.SCPs[id] = Policy{ID: id, Document: genDoc(g, t, policy.SCP)}
	}
	// Principals.
	for i := range 1 + r.IntN(4) {
		ref := PrincipalRef{User, fmt.Sprintf("id-u%d", i)}
		e.Principals[ref] = Principal{Ref: ref, Name: fmt.Sprintf("u%d", i), Account: accounts[r.IntN(len(accounts))]}
	}
	for i := range r.IntN(3) {
		ref := PrincipalRef{Group, fmt.Sprintf("id-g%d", i)}
		e.Principals[ref] = Principal{Ref: ref, Name: fmt.Sprintf("g%d", i), Account: accounts[r.IntN(len(accounts))]}
	}
	for i := range r.IntN(2) {
		ref := PrincipalRef{Agency, fmt.Sprintf("id-ag%d", i)}
		e.Principals[ref] = Principal{Ref: ref, Name: fmt.Sprintf("ag%d", i)}
	}
	refs := slices.SortedFunc(maps.Keys(e.Principals), compareRefs)
	for _, ref := range refs {
		if ref.Kind != User {
			continue
		}
		for _, gr := range refs {
			if gr.Kind == Group && r.IntN(3) == 0 {
				e.Memberships = append(e.Memberships, Membership{Group: gr.ID, User: ref.ID})
			}
		}
	}
	ids := slices.Sorted(maps.Keys(e.IdentityPolicies))
	for range 1 + r.IntN(6) {
		e.Attachments = append(e.Attachments, Attachment{PolicyID: ids[r.IntN(len(ids))], Principal: refs[r.IntN(len(refs))]})
	}
	nodes := slices.SortedFunc(maps.Keys(e.Nodes), compareNodes)
	scps := slices.Sorted(maps.Keys(e.SCPs))
	for range r.IntN(5) {
		e.SCPAttachments = append(e.SCPAttachments, SCPAttachment{PolicyID: scps[r.IntN(len(scps))], Target: nodes[r.IntN(len(nodes))]})
	}
	return e
}

// genDoc draws a document the checker accepts for purpose p, statement by statement (SCPs
// refuse some of the generator's patterns).
func genDoc(g *policytest.Gen, t *testing.T, p policy.Purpose) *policy.Checked {
	var sts []policytest.Statement
	for range 1 + g.R.IntN(3) {
		for range 100 {
			st := g.Statement(p == policy.SCP)
			if policy.CheckText([]byte(policytest.PolicyJSON([]policytest.Statement{st})), p).FirstError() == nil {
				sts = append(sts, st)
				break
			}
		}
	}
	if len(sts) == 0 {
		t.Fatalf("no %s statement the checker accepts in 100 draws", p)
	}
	c := policy.CheckText([]byte(policytest.PolicyJSON(sts)), p)
	if fe := c.FirstError(); fe != nil {
		t.Fatalf("%s: %s", policytest.PolicyJSON(sts), fe)
	}
	return c
}

// mutate draws a candidate from a reference: attachments, memberships, SCP attachments,
// a document, an account's place.
func mutate(g *policytest.Gen, t *testing.T, ref *Estate) *Estate {
	r := g.R
	e := *ref
	e.IdentityPolicies, e.SCPs = maps.Clone(ref.IdentityPolicies), maps.Clone(ref.SCPs)
	e.Principals, e.Nodes = maps.Clone(ref.Principals), maps.Clone(ref.Nodes)
	e.Attachments, e.Memberships, e.SCPAttachments = slices.Clone(ref.Attachments), slices.Clone(ref.Memberships), slices.Clone(ref.SCPAttachments)
	refs := slices.SortedFunc(maps.Keys(e.Principals), compareRefs)
	ids := slices.Sorted(maps.Keys(e.IdentityPolicies))
	nodes := slices.SortedFunc(maps.Keys(e.Nodes), compareNodes)
	scps := slices.Sorted(maps.Keys(e.SCPs))
	for range 1 + r.IntN(3) {
		switch r.IntN(8) {
		case 0:
			e.Attachments = append(e.Attachments, Attachment{PolicyID: ids[r.IntN(len(ids))], Principal: refs[r.IntN(len(refs))]})
		case 1:
			if len(e.Attachments) > 0 {
				e.Attachments = slices.Delete(e.Attachments, 0, 1)
			}
		case 2:
			u, gr := refs[r.IntN(len(refs))], refs[r.IntN(len(refs))]
			if u.Kind == User && gr.Kind == Group {
				e.Memberships = append(e.Memberships, Membership{Group: gr.ID, User: u.ID})
			}
		case 3:
			if len(e.Memberships) > 0 {
				e.Memberships = slices.Delete(e.Memberships, 0, 1)
			}
		case 4:
			e.SCPAttachments = append(e.SCPAttachments, SCPAttachment{PolicyID: scps[r.IntN(len(scps))], Target: nodes[r.IntN(len(nodes))]})
		case 5:
			if len(e.SCPAttachments) > 0 {
				e.SCPAttachments = slices.Delete(e.SCPAttachments, r.IntN(len(e.SCPAttachments)), len(e.SCPAttachments))
			}
		case 6:
			id := ids[r.IntN(len(ids))]
			if p := e.IdentityPolicies[id]; !p.System {
				p.Document = genDoc(g, t, policy.Identity)
				e.IdentityPolicies[id] = p
			}
		case 7:
			// Move an account (or an OU) under another OU or the root.
			n := nodes[r.IntN(len(nodes))]
			if n.Kind == Account {
				var targets []NodeRef
				for _, m := range nodes {
					if m.Kind != Account {
						targets = append(targets, m)
					}
				}
				p := targets[r.IntN(len(targets))]
				e.Nodes[n] = Node{Ref: n, Parent: &p}
			}
		}
	}
	return &e
}

// flat is the brute force's flattening of one principal.
type flat struct {
	ref        PrincipalRef
	identity   []*policy.Checked
	levels     []evaluator.SCPLevel
	bound      analysis.Bindings
	beforeSCPs bool
	unknown    bool
}

var fullAccess = policy.CheckText([]byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`), policy.SCP)

// bruteFlatten flattens a principal as the package comment says, from scratch.
func bruteFlatten(e *Estate, ref PrincipalRef) flat {
	f := flat{ref: ref, bound: analysis.Bindings{}}
	p := e.Principals[ref]
	owners := []PrincipalRef{ref}
	for _, m := range e.Memberships {
		if ref.Kind == User && m.User == ref.ID {
			owners = append(owners, PrincipalRef{Group, m.Group})
		}
	}
	for _, a := range e.Attachments {
		if slices.Contains(owners, a.Principal) {
			d := e.IdentityPolicies[a.PolicyID].Document
			if d == nil {
				f.unknown = true
				continue
			}
			f.identity = append(f.identity, d)
		}
	}
	account := p.Account
	if account == "" {
		account = e.Account
	}
	path, placed := brutePath(e, NodeRef{Account, account})
	if placed && e.Organization != "" {
		f.bound["g:PrincipalOrgPath"] = []string{orgPathOf(e, path)}
	}
	f.bound["g:PrincipalAccount"] = []string{account}
	switch {
	case e.SCPsDisabled || account == e.ManagementAccount:
	case !placed:
		f.beforeSCPs = true
	default:
		f.levels = bruteLevels(e, path)
	}
	if ref.Kind == User {
		f.bound["g:UserId"] = []string{ref.ID}
		f.bound["g:UserName"] = []string{p.Name}
		f.bound["g:PrincipalUrn"] = []string{"iam::" + account + ":user:" + p.Name}
	}
	return f
}

// brutePath is the path from the root to n, root first, and whether it reaches the root.
func brutePath(e *Estate, n NodeRef) ([]NodeRef, bool) {
	var path []NodeRef
	for cur := n; ; {
		node, ok := e.Nodes[cur]
		if !ok || len(path) > 10 {
			return path, false
		}
		path = append([]NodeRef{cur}, path...)
		if node.Parent == nil {
			return path, cur.Kind == Root
		}
		cur = *node.Parent
	}
}

func orgPathOf(e *Estate, path []NodeRef) string {
	ids := []string{e.Organization}
	for _, n := range path {
		ids = append(ids, n.ID)
	}
	return strings.Join(ids, "/")
}

// bruteLevels are the SCP levels of a path: each node's SCPs, with FullAccess when none
// of them allows anything.
func bruteLevels(e *Estate, path []NodeRef) []evaluator.SCPLevel {
	var levels []evaluator.SCPLevel
	for _, n := range path {
		var ps []*policy.Checked
		allows := false
		for _, a := range e.SCPAttachments {
			if a.Target == n {
				d := e.SCPs[a.PolicyID].Document
				ps = append(ps, d)
				allows = allows || slices.ContainsFunc(d.Document().Statements, func(s policy.Statement) bool { return s.Effect.Value == "Allow" })
			}
		}
		if !allows {
			ps = append(ps, fullAccess)
		}
		levels = append(levels, evaluator.SCPLevel{Name: n.ID, Policies: ps})
	}
	return levels
}

var allowAllIdentity = policy.CheckText([]byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`), policy.Identity)

// bruteNode flattens a node as a subject: an identity that allows everything under the
// node's levels.
func bruteNode(e *Estate, n NodeRef) flat {
	f := flat{identity: []*policy.Checked{allowAllIdentity}, bound: analysis.Bindings{}}
	path, placed := brutePath(e, n)
	if n.Kind == Account {
		f.bound["g:PrincipalAccount"] = []string{n.ID}
		if placed && e.Organization != "" {
			f.bound["g:PrincipalOrgPath"] = []string{orgPathOf(e, path)}
		}
	}
	if !e.SCPsDisabled && (n.Kind != Account || n.ID != e.ManagementAccount) {
		f.levels = bruteLevels(e, path)
	}
	return f
}

func (f flat) set(t *testing.T) *evaluator.PolicySet {
	set, errs := evaluator.NewPolicySet(evaluator.Sources{Identity: f.identity, SCPLevels: f.levels})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return set
}

// bruteSubjects are the principal subjects: every user and agency, and the groups with
// no member in the estate.
func bruteSubjects(e *Estate) []PrincipalRef {
	var out []PrincipalRef
	for ref := range e.Principals {
		if ref.Kind == Group && slices.ContainsFunc(e.Memberships, func(m Membership) bool { return m.Group == ref.ID }) {
			continue
		}
		out = append(out, ref)
	}
	slices.SortFunc(out, compareRefs)
	return out
}

// decide replays a request with a principal's bound keys.
func decide(t *testing.T, set *evaluator.PolicySet, w analysis.Witness, bound analysis.Bindings) evaluator.Decision {
	ctx := map[string][]string{}
	for k, v := range w.Context {
		for bk, bv := range bound {
			if strings.EqualFold(k, bk) && !slices.Equal(v, bv) {
				t.Errorf("witness %s gives %s = %v, but the principal's value is %v", w, k, v, bv)
			}
		}
		ctx[k] = v
	}
	for bk, bv := range bound {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(ctx)), func(k string) bool { return strings.EqualFold(k, bk) }) {
			ctx[bk] = bv
		}
	}
	var res evaluator.Result
	set.Evaluate(&evaluator.Request{Action: w.Action, Resource: w.Resource, Context: evaluator.NewContext(ctx)}, &res)
	return res.Decision
}

func actionsOf(ws []analysis.Witness) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Action)
	}
	slices.Sort(out)
	return out
}

func TestDifferentialEstates(t *testing.T) {
	g := policytest.NewGen(policytest.Analyser(), *diffSeed)
	g.UseKeys(principalKeys)
	b := analysis.Budget{Requests: 50_000}
	var stats struct{ gained, lost, unknown, nodes, boundWitnesses, distinct int }
	defer func() {
		t.Logf("subjects that gained %d, lost %d, unknown %d; nodes %d; witnesses with bound keys %d; analyses %d", stats.gained, stats.lost, stats.unknown, stats.nodes, stats.boundWitnesses, stats.distinct)
	}()
	for i := range policytest.Short(*diffSets) {
		ref := genEstate(g, t)
		cand := mutate(g, t, ref)
		name := fmt.Sprintf("set %d (-estate.seed %d)", i, *diffSeed)
		checkPermissions(t, name, cand, b)
		checkForbidden(t, name, cand, g.Pick("ims:images:share", "ims:images:*", "ims:*:get*", "obs:*", "*"), b)
		c := checkComparison(t, name, ref, cand, b)
		for _, ch := range c.Subjects {
			switch {
			case ch.Status == analysis.Unknown:
				stats.unknown++
			case len(ch.New) > 0:
				stats.gained++
			default:
				stats.lost++
			}
			for _, w := range append(slices.Clone(ch.New), ch.Removed...) {
				for k := range w.Context {
					if slices.ContainsFunc(principalKeys[:5], func(pk policytest.KeyKind) bool { return strings.EqualFold(pk.Key, k) }) {
						stats.boundWitnesses++
					}
				}
			}
			if ch.Subject.Node != nil {
				stats.nodes++
			}
		}
		stats.distinct += c.Distinct
		if t.Failed() {
			t.Fatalf("%s failed", name)
		}
	}
}

func checkPermissions(t *testing.T, name string, e *Estate, b analysis.Budget) {
	got, err := EffectivePermissions(e, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want := bruteSubjects(e)
	if len(got.Subjects) != len(want) {
		t.Fatalf("%s: subjects %d, brute force %d", name, len(got.Subjects), len(want))
	}
	for i, ref := range want {
		sp := got.Subjects[i]
		if sp.Subject.Principal == nil || *sp.Subject.Principal != ref {
			t.Fatalf("%s: subject %d is %s, brute force %s", name, i, sp.Subject, ref)
		}
		f := bruteFlatten(e, ref)
		if sp.BeforeSCPs != f.beforeSCPs {
			t.Errorf("%s: %s before SCPs %v, brute force %v", name, ref, sp.BeforeSCPs, f.beforeSCPs)
		}
		if f.unknown {
			if sp.Status != analysis.Unknown || sp.Reason == "" {
				t.Errorf("%s: %s has an unknown document: got %s", name, ref, sp.Status)
			}
			continue
		}
		set := f.set(t)
		bf, err := analysis.EffectivePermissionsWith(set, analysis.Options{Budget: b, Bound: f.bound})
		if err != nil {
			t.Fatalf("%s: brute force: %v", name, err)
		}
		if bf.Status != sp.Status {
			t.Errorf("%s: %s status %s (%s), brute force %s (%s)", name, ref, sp.Status, sp.Reason, bf.Status, bf.Reason)
			continue
		}
		if bf.Status != analysis.Complete {
			continue
		}
		for j, a := range sp.Actions {
			if a.Grant != bf.Actions[j].Grant {
				t.Errorf("%s: %s %s: %s, brute force %s", name, ref, a.Action, a.Grant, bf.Actions[j].Grant)
			}
			if a.Witness != nil {
				if d := decide(t, set, *a.Witness, f.bound); d != evaluator.Allow {
					t.Errorf("%s: %s witness %s replays as %s", name, ref, a.Witness, d)
				}
			}
		}
		if sp.OtherServicesAllowed != bf.OtherServicesAllowed {
			t.Errorf("%s: %s other services %v, brute force %v", name, ref, sp.OtherServicesAllowed, bf.OtherServicesAllowed)
		}
	}
}

// checkForbidden checks MustNotAllow, with no exception, against AccessNotGranted of
// each principal's flattening, and replays its witnesses.
func checkForbidden(t *testing.T, name string, e *Estate, action string, b analysis.Budget) {
	got, err := MustNotAllow(e, []Forbidden{{Actions: []string{action}}}, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	violations := map[PrincipalRef]Violation{}
	for _, v := range got.Rules[0].Violations {
		violations[*v.Subject.Principal] = v
	}
	for _, ref := range bruteSubjects(e) {
		f := bruteFlatten(e, ref)
		v, reported := violations[ref]
		if f.unknown {
			if !reported || v.Status != analysis.Unknown {
				t.Errorf("%s: %s depends on an unknown document: got %+v", name, ref, v)
			}
			continue
		}
		set := f.set(t)
		bf, err := analysis.AccessNotGrantedWith(set, []string{action}, nil, analysis.Options{Budget: b, Bound: f.bound})
		if err != nil {
			t.Fatalf("%s: brute force: %v", name, err)
		}
		switch {
		case bf.Status != analysis.Complete:
			if !reported || v.Status != bf.Status {
				t.Errorf("%s: %s %s: got %+v, brute force %s", name, ref, action, v, bf.Status)
			}
		case bf.Passed && reported:
			t.Errorf("%s: %s reported for %s, brute force passes", name, ref, action)
		case !bf.Passed && (!reported || !slices.Equal(actionsOf(v.Witnesses), actionsOf(bf.Witnesses))):
			t.Errorf("%s: %s %s: got %v, brute force %v", name, ref, action, actionsOf(v.Witnesses), actionsOf(bf.Witnesses))
		}
		for _, w := range v.Witnesses {
			if d := decide(t, set, w, f.bound); d != evaluator.Allow {
				t.Errorf("%s: %s forbidden witness %s replays as %s", name, ref, w, d)
			}
		}
	}
}

func checkComparison(t *testing.T, name string, ref, cand *Estate, b analysis.Budget) Comparison {
	got, err := Compare(ref, cand, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	union := map[PrincipalRef]bool{}
	for _, r := range bruteSubjects(cand) {
		union[r] = true
	}
	for _, r := range bruteSubjects(ref) {
		if _, inCand := cand.Principals[r]; !inCand {
			union[r] = true
		}
	}
	for _, pr := range slices.SortedFunc(maps.Keys(union), compareRefs) {
		var c, r flat
		_, inC := cand.Principals[pr]
		_, inR := ref.Principals[pr]
		if inC {
			c = bruteFlatten(cand, pr)
		}
		if inR {
			r = bruteFlatten(ref, pr)
		}
		if !inC {
			c = flat{ref: pr, levels: r.levels, bound: r.bound, beforeSCPs: r.beforeSCPs}
		}
		if !inR {
			r = flat{ref: pr, levels: c.levels, bound: c.bound, beforeSCPs: c.beforeSCPs}
		}
		var ch *SubjectChange
		for i := range got.Subjects {
			if s := got.Subjects[i].Subject.Principal; s != nil && *s == pr {
				ch = &got.Subjects[i]
			}
		}
		if c.unknown || r.unknown {
			if ch == nil || ch.Status != analysis.Unknown {
				t.Errorf("%s: %s depends on an unknown document: got %+v", name, pr, ch)
			}
			continue
		}
		if c.beforeSCPs || r.beforeSCPs {
			c.levels, r.levels = nil, nil
		}
		cb, rb := analysis.Bindings{}, analysis.Bindings{}
		for k, v := range c.bound {
			if rv, ok := r.bound[k]; ok {
				cb[k], rb[k] = v, rv
			}
		}
		cs, rs := c.set(t), r.set(t)
		bf, err := analysis.NoNewAccessWith(cs, rs, analysis.Options{Budget: b, Bound: cb, ReferenceBound: rb})
		if err != nil {
			t.Fatalf("%s: brute force: %v", name, err)
		}
		if ch == nil {
			if bf.Status != analysis.Complete || len(bf.NewAccess)+len(bf.RemovedAccess) > 0 {
				t.Errorf("%s: %s: no change reported, brute force %s new %v removed %v", name, pr, bf.Status, actionsOf(bf.NewAccess), actionsOf(bf.RemovedAccess))
			}
			continue
		}
		if ch.Status != bf.Status {
			t.Errorf("%s: %s status %s (%s), brute force %s (%s)", name, pr, ch.Status, ch.Reason, bf.Status, bf.Reason)
			continue
		}
		if bf.Status != analysis.Complete {
			continue
		}
		if a, w := actionsOf(ch.New), actionsOf(bf.NewAccess); !slices.Equal(a, w) {
			t.Errorf("%s: %s new %v, brute force %v", name, pr, a, w)
		}
		if a, w := actionsOf(ch.Removed), actionsOf(bf.RemovedAccess); !slices.Equal(a, w) {
			t.Errorf("%s: %s removed %v, brute force %v", name, pr, a, w)
		}
		for _, w := range ch.New {
			if d := decide(t, cs, w, cb); d != evaluator.Allow {
				t.Errorf("%s: %s new witness %s replays as %s in the candidate", name, pr, w, d)
			}
			if d := decide(t, rs, withValues(w, rb), rb); d == evaluator.Allow {
				t.Errorf("%s: %s new witness %s is allowed in the reference", name, pr, w)
			}
		}
		for _, w := range ch.Removed {
			if d := decide(t, cs, w, cb); d == evaluator.Allow {
				t.Errorf("%s: %s removed witness %s is allowed in the candidate", name, pr, w)
			}
		}
	}
	for _, ch := range got.Subjects {
		if n := ch.Subject.Node; n != nil && ch.Status == analysis.Complete {
			c, r := bruteNode(cand, *n), bruteNode(ref, *n)
			cs, rs := c.set(t), r.set(t)
			for _, w := range ch.New {
				if d := decide(t, cs, w, c.bound); d != evaluator.Allow {
					t.Errorf("%s: %s new witness %s replays as %s in the candidate", name, n, w, d)
				}
				if d := decide(t, rs, withValues(w, r.bound), r.bound); d == evaluator.Allow {
					t.Errorf("%s: %s new witness %s is allowed in the reference", name, n, w)
				}
			}
			if _, ok := cand.Nodes[*n]; !ok {
				t.Errorf("%s: %s is not in the candidate's tree", name, n)
			}
		}
		if ch.Subject.Principal != nil && !union[*ch.Subject.Principal] {
			t.Errorf("%s: %s reported but not a subject", name, ch.Subject)
		}
	}
	checkNodesCovered(t, name, ref, cand, got, b)
	return got
}

// checkNodesCovered checks that every node, placed in both trees, whose principals gain
// access (an identity that allows everything, under the node's levels) is reported: the
// node itself or an ancestor is named, gaining at least the same actions.
func checkNodesCovered(t *testing.T, name string, ref, cand *Estate, got Comparison, b analysis.Budget) {
	named := map[NodeRef]*SubjectChange{}
	for i := range got.Subjects {
		if n := got.Subjects[i].Subject.Node; n != nil {
			named[*n] = &got.Subjects[i]
		}
	}
	for _, n := range slices.SortedFunc(maps.Keys(cand.Nodes), compareNodes) {
		if _, ok := ref.Nodes[n]; !ok {
			continue
		}
		if _, placed := brutePath(cand, n); !placed {
			continue
		}
		if _, placed := brutePath(ref, n); !placed {
			continue
		}
		c, r := bruteNode(cand, n), bruteNode(ref, n)
		bf, err := analysis.NoNewAccessWith(c.set(t), r.set(t), analysis.Options{Budget: b, Bound: c.bound, ReferenceBound: r.bound})
		if err != nil {
			t.Fatalf("%s: brute force: %v", name, err)
		}
		if bf.Status != analysis.Complete || len(bf.NewAccess) == 0 {
			continue
		}
		var cover *SubjectChange
		for cur := &n; cur != nil; cur = cand.Nodes[*cur].Parent {
			if ch := named[*cur]; ch != nil {
				cover = ch
				break
			}
		}
		switch {
		case cover == nil:
			t.Errorf("%s: every principal in %s gains %v, and neither it nor an ancestor is named", name, n, actionsOf(bf.NewAccess))
		case cover.Status != analysis.Complete:
		default:
			reported := actionsOf(cover.New)
			for _, a := range actionsOf(bf.NewAccess) {
				if !slices.Contains(reported, a) {
					t.Errorf("%s: every principal in %s gains %s, which %s, named for it, does not report (%v)", name, n, a, cover.Subject, reported)
				}
			}
		}
	}
}

// withValues is the witness with the bound keys given the reference's values: the
// request the reference decided.
func withValues(w analysis.Witness, bound analysis.Bindings) analysis.Witness {
	ctx := map[string][]string{}
	for k, v := range w.Context {
		ctx[k] = v
		for bk, bv := range bound {
			if strings.EqualFold(k, bk) {
				ctx[k] = bv
			}
		}
	}
	w.Context = ctx
	return w
}

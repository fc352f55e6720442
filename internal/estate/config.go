package estate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// The principal-bound condition keys, spelt as the catalog spells them.
const (
	keyPrincipalURN     = "g:PrincipalUrn"
	keyPrincipalAccount = "g:PrincipalAccount"
	keyPrincipalOrgPath = "g:PrincipalOrgPath"
	keyUserID           = "g:UserId"
	keyUserName         = "g:UserName"
)

// config is a subject's effective configuration: what its analysis depends on.
type config struct {
	// identity are the identity documents, sorted by normal form, without repeats;
	// identityIDs[i] are the ids of the subject's policies of that normal form.
	identity    []*policy.Checked
	identityIDs [][]string
	// levels are the SCP levels root first (nil: no SCP side), named by node id.
	levels []evaluator.SCPLevel
	// bound are the principal-bound keys whose values are known (see the package
	// comment).
	bound map[string][]string
	// allBound are all the principal's known keys; tested the condition keys the
	// documents test, in lower case.
	allBound map[string][]string
	tested   map[string]bool
	// unknown, when set, is why the configuration is not known: nothing is analysed.
	unknown string
	// setKey is the canonical form of identity and levels: equal keys, equal policy sets.
	setKey string
	// key is the canonical form of identity, levels and bound: equal keys, equal answers.
	key string
}

// subject is a subject with its configuration and what reports and rules need.
type subject struct {
	Subject
	name string
	// beforeSCPs: the account's place in the tree is not given, so there are no levels.
	beforeSCPs bool
	// urns are the principal URNs an exception pattern is matched against: its own, and
	// a user's groups' ("" when not known).
	urns []string
	cfg  *config
}

// flattener reads one estate; it remembers normal forms across calls.
type flattener struct {
	e       *Estate
	normals map[*policy.Checked]string

	everyone      string                  // a reason every subject is unknown
	everySCP      string                  // a reason every subject with an SCP side is unknown
	groupsOf      map[string][]string     // user id -> group ids
	hasMember     map[string]bool         // group id -> a user of the inputs is a member
	memberUnknown map[PrincipalRef]string // user -> reason; group -> reason (unknown member)
	attached      map[PrincipalRef][]string
	attUnknown    map[PrincipalRef]string
	nodeSCPs      map[NodeRef][]string
	nodeUnknown   map[NodeRef]string
	roles         map[PrincipalRef][]RoleAssignment // known v3 role assignments
	roleUnknown   map[PrincipalRef]string           // principal -> reason (an unknown assignment)
	everyV3       string                            // a reason every principal's v3 grants are unknown
}

func newFlattener(e *Estate, normals map[*policy.Checked]string) *flattener {
	f := &flattener{e: e, normals: normals, groupsOf: map[string][]string{}, hasMember: map[string]bool{},
		memberUnknown: map[PrincipalRef]string{}, attached: map[PrincipalRef][]string{}, attUnknown: map[PrincipalRef]string{},
		nodeSCPs: map[NodeRef][]string{}, nodeUnknown: map[NodeRef]string{},
		roles: map[PrincipalRef][]RoleAssignment{}, roleUnknown: map[PrincipalRef]string{}}
	if len(e.Unknowns) > 0 {
		f.everyone = e.Unknowns[0]
	}
	for _, m := range e.Memberships {
		switch {
		case m.Unknown != "" && m.User == "" && m.Group == "":
			f.setEveryone(m.Unknown)
		case m.Unknown != "" && m.User == "":
			first(f.memberUnknown, PrincipalRef{Group, m.Group}, m.Unknown)
		case m.Unknown != "":
			first(f.memberUnknown, PrincipalRef{User, m.User}, m.Unknown)
		default:
			if !slices.Contains(f.groupsOf[m.User], m.Group) {
				f.groupsOf[m.User] = append(f.groupsOf[m.User], m.Group)
			}
			f.hasMember[m.Group] = true
		}
	}
	for _, a := range e.Attachments {
		switch {
		case a.Unknown != "" && a.Principal.ID == "":
			f.setEveryone(a.Unknown)
		case a.Unknown != "":
			first(f.attUnknown, a.Principal, a.Unknown)
		default:
			if !slices.Contains(f.attached[a.Principal], a.PolicyID) {
				f.attached[a.Principal] = append(f.attached[a.Principal], a.PolicyID)
			}
		}
	}
	for _, a := range e.RoleAssignments {
		switch {
		case a.Unknown != "" && a.Principal.ID == "":
			if f.everyV3 == "" {
				f.everyV3 = a.Unknown
			}
		case a.Unknown != "":
			first(f.roleUnknown, a.Principal, a.Unknown)
		default:
			if !slices.Contains(f.roles[a.Principal], a) {
				f.roles[a.Principal] = append(f.roles[a.Principal], a)
			}
		}
	}
	for _, a := range e.SCPAttachments {
		switch {
		case a.Unknown != "" && a.Target.ID == "":
			if f.everySCP == "" {
				f.everySCP = a.Unknown
			}
		case a.Unknown != "":
			first(f.nodeUnknown, a.Target, a.Unknown)
		default:
			if !slices.Contains(f.nodeSCPs[a.Target], a.PolicyID) {
				f.nodeSCPs[a.Target] = append(f.nodeSCPs[a.Target], a.PolicyID)
			}
		}
	}
	return f
}

func (f *flattener) setEveryone(reason string) {
	if f.everyone == "" {
		f.everyone = reason
	}
}

func first[K comparable](m map[K]string, k K, reason string) {
	if _, ok := m[k]; !ok {
		m[k] = reason
	}
}

// principals returns every principal of the inputs, those only named by a membership or
// an attachment included, sorted by kind and id.
func (f *flattener) principals() []Principal {
	all := map[PrincipalRef]Principal{}
	for r, p := range f.e.Principals {
		p.Ref = r
		all[r] = p
	}
	add := func(r PrincipalRef) {
		if _, ok := all[r]; !ok && r.ID != "" {
			all[r] = Principal{Ref: r}
		}
	}
	for _, m := range f.e.Memberships {
		add(PrincipalRef{User, m.User})
		add(PrincipalRef{Group, m.Group})
	}
	for _, a := range f.e.Attachments {
		add(a.Principal)
	}
	for _, a := range f.e.RoleAssignments {
		add(a.Principal)
	}
	out := make([]Principal, 0, len(all))
	for _, p := range all {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Principal) int { return compareRefs(a.Ref, b.Ref) })
	return out
}

func compareRefs(a, b PrincipalRef) int {
	if a.Kind != b.Kind {
		return int(a.Kind) - int(b.Kind)
	}
	return strings.Compare(a.ID, b.ID)
}

// subjects returns the estate's principal subjects (see the package comment), sorted.
func (f *flattener) subjects() []*subject {
	var out []*subject
	for _, p := range f.principals() {
		if p.Ref.Kind == Group && !f.groupIsSubject(p.Ref.ID) {
			continue // answered through its users
		}
		out = append(out, f.principal(p))
	}
	f.markV3(out)
	return out
}

// groupIsSubject reports whether a group is a subject: it has no member user in the
// inputs, or a member not known (a membership whose user is known only after apply),
// who holds its policies and is answered through it, as Unknown.
func (f *flattener) groupIsSubject(id string) bool {
	_, unknownMember := f.memberUnknown[PrincipalRef{Group, id}]
	return !f.hasMember[id] || unknownMember
}

// accountOf is the principal's account: its own, else the estate's.
func (f *flattener) accountOf(p Principal) string {
	if p.Account != "" {
		return p.Account
	}
	return f.e.Account
}

// principal flattens one principal.
func (f *flattener) principal(p Principal) *subject {
	ref := p.Ref
	s := &subject{Subject: Subject{Principal: &ref}, name: p.Name}
	account := f.accountOf(p)
	unknown := f.everyone
	note := func(reason string) {
		if unknown == "" {
			unknown = reason
		}
	}
	owners := []PrincipalRef{ref}
	if ref.Kind == User {
		for _, g := range f.groupsOf[ref.ID] {
			owners = append(owners, PrincipalRef{Group, g})
		}
	}
	if r, ok := f.memberUnknown[ref]; ok {
		note(r)
	}
	var ids []string
	for _, o := range owners {
		if r, ok := f.attUnknown[o]; ok {
			note(r)
		}
		ids = append(ids, f.attached[o]...)
	}
	c := &config{bound: map[string][]string{}}
	f.identity(c, ids, note)

	// The SCP side.
	var orgPath string
	if account != "" {
		c.bound[keyPrincipalAccount] = []string{account}
		path, ok := f.path(NodeRef{Account, account})
		if ok && f.e.Organization != "" {
			orgPath = f.e.Organization
			for _, n := range path {
				orgPath += "/" + n.ID
			}
			c.bound[keyPrincipalOrgPath] = []string{orgPath}
		}
		switch {
		case f.e.SCPsDisabled, account == f.e.ManagementAccount:
		case !ok:
			s.beforeSCPs = true
		default:
			f.levels(c, path, note)
		}
	} else if !f.e.SCPsDisabled {
		s.beforeSCPs = true
	}

	// The principal's own keys, and the URNs exceptions match.
	urn := ""
	if account != "" && p.Name != "" {
		urn = "iam::" + account + ":" + ref.Kind.String() + ":" + p.Name
	}
	s.urns = []string{urn}
	if ref.Kind == User {
		if ref.ID != p.Name {
			// An ID equal to the name is the name standing for an id not known.
			c.bound[keyUserID] = []string{ref.ID}
		}
		if p.Name != "" {
			c.bound[keyUserName] = []string{p.Name}
		}
		if urn != "" {
			c.bound[keyPrincipalURN] = []string{urn}
		}
		for _, g := range f.groupsOf[ref.ID] {
			gp := f.e.Principals[PrincipalRef{Group, g}]
			gurn := ""
			if a := f.accountOf(gp); a != "" && gp.Name != "" {
				gurn = "iam::" + a + ":group:" + gp.Name
			}
			s.urns = append(s.urns, gurn)
		}
	}
	c.unknown = unknown
	c.finish(f.normals)
	s.cfg = c
	return s
}

// identity gives c the documents of the identity policies ids.
func (f *flattener) identity(c *config, ids []string, note func(string)) {
	byNormal := map[string]int{}
	for _, id := range ids {
		p, ok := f.e.IdentityPolicies[id]
		if (!ok || p.Document == nil && p.System) && p.Unknown == "" {
			if doc, reason := systemDocument(catalog.SystemIdentityPolicy, id, p.Name); doc != nil || reason != "" {
				p, ok = Policy{ID: id, Name: p.Name, Document: doc, Unknown: reason, System: true}, true
			}
		}
		switch {
		case !ok:
			note(fmt.Sprintf("identity policy %s is attached but not in the inputs", id))
			continue
		case p.Unknown != "":
			note(p.Unknown)
			continue
		case p.Document == nil && p.System:
			note(fmt.Sprintf("system identity policy %s: its document is not in the inputs, nor in the vendor's published system policies", policyLabel(p)))
			continue
		case p.Document == nil:
			note(fmt.Sprintf("identity policy %s: its document is not given", policyLabel(p)))
			continue
		}
		if fe := p.Document.FirstError(); fe != nil {
			note(fmt.Sprintf("identity policy %s: %s", policyLabel(p), fe))
			continue
		}
		n := f.normal(p.Document)
		if i, ok := byNormal[n]; ok {
			c.identityIDs[i] = append(c.identityIDs[i], id)
			continue
		}
		byNormal[n] = len(c.identity)
		c.identity = append(c.identity, p.Document)
		c.identityIDs = append(c.identityIDs, []string{id})
	}
	// Sort by normal form, so that equal configurations compile alike.
	idx := make([]int, len(c.identity))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(f.normal(c.identity[a]), f.normal(c.identity[b])) })
	docs, names := make([]*policy.Checked, len(idx)), make([][]string, len(idx))
	for i, j := range idx {
		docs[i], names[i] = c.identity[j], c.identityIDs[j]
		slices.Sort(names[i])
	}
	c.identity, c.identityIDs = docs, names
}

func policyLabel(p Policy) string {
	if p.Name != "" && p.Name != p.ID {
		return fmt.Sprintf("%s (%s)", p.ID, p.Name)
	}
	return p.ID
}

// path is the path of the tree from the root to n, root first; false when n's place in
// the tree is not given.
func (f *flattener) path(n NodeRef) ([]NodeRef, bool) {
	var rev []NodeRef
	seen := map[NodeRef]bool{}
	for cur := n; ; {
		node, ok := f.e.Nodes[cur]
		if !ok || seen[cur] {
			return nil, false
		}
		seen[cur] = true
		rev = append(rev, cur)
		if node.Parent == nil {
			if cur.Kind != Root {
				return nil, false
			}
			break
		}
		cur = *node.Parent
	}
	slices.Reverse(rev)
	return rev, true
}

// levels gives c the SCP levels of path.
func (f *flattener) levels(c *config, path []NodeRef, note func(string)) {
	if f.everySCP != "" {
		note(f.everySCP)
	}
	for _, n := range path {
		if r, ok := f.nodeUnknown[n]; ok {
			note(r)
		}
		var attached []*policy.Checked
		for _, id := range f.nodeSCPs[n] {
			p, ok := f.e.SCPs[id]
			if (!ok || p.Document == nil && p.System) && p.Unknown == "" {
				if doc, reason := systemDocument(catalog.SystemSCP, id, p.Name); doc != nil || reason != "" {
					p, ok = Policy{ID: id, Name: p.Name, Document: doc, Unknown: reason, System: true}, true
				}
			}
			switch {
			case !ok:
				note(fmt.Sprintf("SCP %s is attached to %s but not in the inputs", id, n))
				continue
			case p.Unknown != "":
				note(p.Unknown)
				continue
			case p.Document == nil:
				note(fmt.Sprintf("SCP %s: its document is not in the inputs", policyLabel(p)))
				continue
			}
			if fe := p.Document.FirstError(); fe != nil {
				note(fmt.Sprintf("SCP %s: %s", policyLabel(p), fe))
				continue
			}
			attached = append(attached, p.Document)
		}
		c.levels = append(c.levels, evaluator.SCPLevel{Name: n.ID, Policies: analysis.SCPLevel(attached)})
	}
}

func (f *flattener) normal(c *policy.Checked) string {
	n, ok := f.normals[c]
	if !ok {
		n = string(c.Document().Normal())
		f.normals[c] = n
	}
	return n
}

// finish computes the configuration's key.
func (c *config) finish(normals map[*policy.Checked]string) {
	var b strings.Builder
	norm := func(d *policy.Checked) string {
		n, ok := normals[d]
		if !ok {
			n = string(d.Document().Normal())
			normals[d] = n
		}
		return n
	}
	b.WriteString("I")
	for _, d := range c.identity {
		b.WriteString(norm(d))
		b.WriteByte(0)
	}
	if c.levels == nil {
		b.WriteString("|noscp")
	}
	for _, lv := range c.levels {
		ns := make([]string, len(lv.Policies))
		for i, d := range lv.Policies {
			ns[i] = norm(d)
		}
		slices.Sort(ns)
		b.WriteString("|L")
		b.WriteString(strings.Join(slices.Compact(ns), "\x00"))
	}
	// Only the bound keys the documents test take part: the others decide nothing, and
	// subjects that differ only in them share one analysis.
	tested := map[string]bool{}
	testedBy := func(d *policy.Checked) {
		for _, st := range d.Document().Statements {
			if st.Condition == nil {
				continue
			}
			for _, op := range st.Condition.Ops {
				for _, k := range op.Keys {
					tested[wildcard.Lower(k.Name)] = true
				}
			}
		}
	}
	for _, d := range c.identity {
		testedBy(d)
	}
	for _, lv := range c.levels {
		for _, d := range lv.Policies {
			testedBy(d)
		}
	}
	c.allBound, c.tested = c.bound, tested
	c.bound = map[string][]string{}
	for k, v := range c.allBound {
		if tested[wildcard.Lower(k)] {
			c.bound[k] = v
		}
	}
	c.setKey = b.String()
	b.WriteString("|B")
	b.WriteString(boundKey(c.bound))
	if c.unknown != "" {
		b.WriteString("|U" + c.unknown)
	}
	c.key = b.String()
}

func boundKey(bound map[string][]string) string {
	keys := make([]string, 0, len(bound))
	for k := range bound {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strings.Join(bound[k], "\x01"))
		b.WriteByte(0)
	}
	return b.String()
}

// sources are the configuration's documents as the evaluator takes them.
func (c *config) sources() evaluator.Sources {
	return evaluator.Sources{Identity: c.identity, SCPLevels: c.levels}
}

package cli

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/estate"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// facts is what one input (a state, or one side of a plan) says of an estate, each part
// keyed so that a plan's side can supersede what a --state file says of the same part.
type facts struct {
	identity    map[string]estate.Policy
	scps        map[string]estate.Policy
	notSCP      map[string]bool // Organizations policies of another type (tag policies): their attachments are no SCP's
	principals  map[estate.PrincipalRef]estate.Principal
	memberships map[estate.Membership]bool
	attachments map[estate.Attachment]bool
	nodes       map[estate.NodeRef]estate.Node
	scpAttach   map[estate.SCPAttachment]bool
	unknowns    map[string]bool
	// underRoot are accounts whose parent_id is left out: under the root, which another
	// input may give.
	underRoot map[estate.NodeRef]bool

	organization, managementAccount string
	scpsDisabled                    *bool
	// disableOnDestroy are the roots of imspolicy_scp_enablement resources whose
	// destruction disables SCPs (disable_on_destroy).
	disableOnDestroy map[string]bool

	// policyAddress is the resource address of each policy, for the report.
	policyAddress map[string]string
	// policyText is each policy's document text ("" when unknown), to tell which
	// documents a plan changes.
	policyText map[string]string

	// v3Roles are the IAM v3 roles by id, roleAssign their assignments; roleAddress and
	// roleText as policyAddress and policyText.
	v3Roles     map[string]estate.V3Role
	roleAssign  map[estate.RoleAssignment]bool
	roleAddress map[string]string
	roleText    map[string]string
}

func newFacts() *facts {
	return &facts{
		identity: map[string]estate.Policy{}, scps: map[string]estate.Policy{}, notSCP: map[string]bool{},
		principals: map[estate.PrincipalRef]estate.Principal{}, memberships: map[estate.Membership]bool{},
		attachments: map[estate.Attachment]bool{}, nodes: map[estate.NodeRef]estate.Node{},
		scpAttach: map[estate.SCPAttachment]bool{}, unknowns: map[string]bool{}, underRoot: map[estate.NodeRef]bool{},
		disableOnDestroy: map[string]bool{},
		policyAddress:    map[string]string{}, policyText: map[string]string{},
		v3Roles: map[string]estate.V3Role{}, roleAssign: map[estate.RoleAssignment]bool{},
		roleAddress: map[string]string{}, roleText: map[string]string{},
	}
}

// principalKinds maps the table's principal kinds to the estate's.
var principalKinds = map[string]estate.PrincipalKind{"user": estate.User, "group": estate.Group, "agency": estate.Agency}

// pendingID stands for the id of a resource created by the plan, known only after apply:
// the same resource's placeholder wherever the plan refers to it.
func pendingID(address string) string { return "(known after apply: " + address + ")" }

// resolver finds the value of an attribute known only after apply through the plan's
// configuration references.
type resolver struct {
	refs      map[string]map[string][]string
	instances map[string]*instance   // by address
	byRes     map[string][]*instance // by address without instance keys
}

func newResolver(refs map[string]map[string][]string, insts []instance) *resolver {
	r := &resolver{refs: refs, instances: map[string]*instance{}, byRes: map[string][]*instance{}}
	for i := range insts {
		in := &insts[i]
		r.instances[in.address] = in
		ra := resourceAddress(in.address)
		r.byRes[ra] = append(r.byRes[ra], in)
	}
	return r
}

// id is an instance's id: its id attribute, or its placeholder when the plan creates it.
func instanceID(in *instance) string {
	if id := in.str("id"); id != "" {
		return id
	}
	return pendingID(in.address)
}

// targets are the instances the references of attribute attr of in name through their
// id (type.name.id, or type.name[key].id), and the reason when some reference names
// something else (a variable, a data source, another attribute, a resource with several
// instances).
func (r *resolver) targets(in *instance, attr string) ([]*instance, string) {
	if r == nil {
		return nil, fmt.Sprintf("%s of %s is known only after apply", attr, in.address)
	}
	refs := r.refs[resourceAddress(in.address)][attr]
	var out []*instance
	seen := map[string]bool{}
	// Terraform lists a reference and its containing object (x.id, x); the object
	// adds nothing when its attribute was resolved.
	for _, ref := range refs {
		base, ok := strings.CutSuffix(ref, ".id")
		if !ok {
			continue
		}
		var found []*instance
		if t, ok := r.instances[base]; ok {
			found = []*instance{t}
		} else {
			found = r.byRes[base]
		}
		switch {
		case len(found) == 1:
			if !seen[found[0].address] {
				seen[found[0].address] = true
				out = append(out, found[0])
			}
		case len(found) > 1:
			return nil, fmt.Sprintf("%s of %s is known only after apply: it refers to %s, which has %d instances", attr, in.address, base, len(found))
		}
	}
	for _, ref := range refs {
		if strings.HasSuffix(ref, ".id") {
			continue
		}
		covered := false
		for a := range seen {
			if a == ref || resourceAddress(a) == ref {
				covered = true
			}
		}
		if !covered {
			return nil, fmt.Sprintf("%s of %s is known only after apply, and its configuration refers to %s, which the plan does not resolve", attr, in.address, ref)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("%s of %s is known only after apply, and its configuration names no resource whose id it is", attr, in.address)
	}
	return out, ""
}

// value is attribute attr of in: its value, or, when known only after apply, the id of
// the one resource its configuration refers to; reason says why neither is known.
func (r *resolver) value(in *instance, attr string) (string, string) {
	if v := in.str(attr); v != "" && !in.isUnknown(attr) {
		return v, ""
	}
	if !in.isUnknown(attr) {
		return "", fmt.Sprintf("%s of %s is not set", attr, in.address)
	}
	ts, reason := r.targets(in, attr)
	switch {
	case reason != "":
		return "", reason
	case len(ts) > 1:
		return "", fmt.Sprintf("%s of %s is known only after apply, and its configuration refers to several resources", attr, in.address)
	}
	return instanceID(ts[0]), ""
}

// nodeKindOf is the kind of a node id: r-... a root, ou-... an OU, else an account.
func nodeKindOf(id string) estate.NodeKind {
	switch {
	case strings.HasPrefix(id, "r-"):
		return estate.Root
	case strings.HasPrefix(id, "ou-"):
		return estate.OU
	}
	return estate.Account
}

// nodeRef is the node an attribute of in names, resolved as value does; the kind of a
// node the plan creates is its resource's.
func (r *resolver) nodeRef(in *instance, attr string) (estate.NodeRef, string) {
	if v := in.str(attr); v != "" && !in.isUnknown(attr) {
		return estate.NodeRef{Kind: nodeKindOf(v), ID: v}, ""
	}
	if !in.isUnknown(attr) {
		return estate.NodeRef{}, fmt.Sprintf("%s of %s is not set", attr, in.address)
	}
	ts, reason := r.targets(in, attr)
	if reason == "" && len(ts) > 1 {
		reason = fmt.Sprintf("%s of %s is known only after apply, and its configuration refers to several resources", attr, in.address)
	}
	if reason != "" {
		return estate.NodeRef{}, reason
	}
	t := ts[0]
	id := instanceID(t)
	switch estateResources[t.typ].role {
	case roleOU:
		return estate.NodeRef{Kind: estate.OU, ID: id}, ""
	case roleAccount:
		return estate.NodeRef{Kind: estate.Account, ID: id}, ""
	case roleOrganization:
		if root := t.str("root_id"); root != "" {
			return estate.NodeRef{Kind: estate.Root, ID: root}, ""
		}
		return estate.NodeRef{}, fmt.Sprintf("%s of %s names the root of %s, which is known only after apply", attr, in.address, t.address)
	}
	return estate.NodeRef{Kind: nodeKindOf(id), ID: id}, ""
}

// accountOfURN is the account id of an IAM URN, iam::<account-id>:<kind>:<name>.
func accountOfURN(urn string) string {
	parts := strings.SplitN(urn, ":", 4)
	if len(parts) == 4 && parts[0] == "iam" && parts[1] == "" {
		return parts[2]
	}
	return ""
}

// add reads instances (of one input's side) into f; r resolves values known only after
// apply (nil for a state or a plan's prior side).
func (f *facts) add(insts []instance, r *resolver) {
	// Policies and the organisation first: a trust agency attaches policies by name, and
	// an account without parent_id is under the root.
	for i := range insts {
		in := &insts[i]
		t := estateResources[in.typ]
		switch t.role {
		case roleIdentityPolicy, roleSCP:
			f.addPolicy(in, t)
		case roleV3Role:
			f.addV3Role(in, t)
		case roleOrganization:
			f.addOrganization(in, t)
		}
	}
	for i := range insts {
		in := &insts[i]
		t := estateResources[in.typ]
		switch t.role {
		case roleDefaultVersion:
			f.addDefaultVersion(in, t, r)
		case roleIdentityAttachment:
			f.addAttachment(in, t, r)
		case roleMembership:
			f.addMembership(in, t, r)
		case rolePrincipal:
			f.addPrincipal(in, t, r)
		case roleSCPAttachment:
			f.addSCPAttachment(in, t, r)
		case roleRoleAssignment:
			f.addRoleAssignment(in, t, r)
		case roleOU, roleAccount, roleAccountPlacement:
			f.addNode(in, t, r)
		case roleSCPEnablement:
			enabled := false
			f.scpsDisabled = &enabled
			if d, _ := in.values["disable_on_destroy"].(bool); d {
				f.disableOnDestroy[in.str(t.root)] = true
			}
			if root := in.str(t.root); root != "" {
				ref := estate.NodeRef{Kind: estate.Root, ID: root}
				if _, ok := f.nodes[ref]; !ok {
					f.nodes[ref] = estate.Node{Ref: ref}
				}
			}
		}
	}
}

func (f *facts) addOrganization(in *instance, t estateResource) {
	if id := in.str("id"); id != "" {
		f.organization = id
	}
	if m := in.str("master_account_id"); m != "" {
		f.managementAccount = m
	}
	if root := in.str(t.root); root != "" {
		ref := estate.NodeRef{Kind: estate.Root, ID: root}
		f.nodes[ref] = estate.Node{Ref: ref, Name: in.str("root_name")}
	}
	// enabled_policy_types without service_control_policy: the service enforces no SCP.
	if _, set := in.values[t.enabledTypes]; set && !in.isUnknown(t.enabledTypes) {
		disabled := true
		for _, pt := range in.strs(t.enabledTypes) {
			if pt == "service_control_policy" {
				disabled = false
			}
		}
		f.scpsDisabled = &disabled
	}
}

func (f *facts) addPolicy(in *instance, t estateResource) {
	purpose := policy.Identity
	if t.role == roleSCP {
		purpose = policy.SCP
	}
	p := estate.Policy{ID: instanceID(in), Name: in.str(t.name)}
	if t.typeIs != "" {
		switch typ := in.str("type"); {
		case in.isUnknown("type"):
			p.Unknown = fmt.Sprintf("the type of %s is known only after apply", in.address)
		case typ != t.typeIs:
			f.notSCP[p.ID] = true // a tag policy: no SCP
			return
		}
	}
	text := in.str(t.document)
	switch {
	case p.Unknown != "":
	case in.isUnknown(t.document):
		p.Unknown = fmt.Sprintf("the document of %s is known only after apply", in.address)
	case strings.TrimSpace(text) == "":
		p.Unknown = fmt.Sprintf("%s has no document (%s)", in.address, t.document)
	default:
		read := policy.CheckText([]byte(text), purpose)
		if e := read.FirstError(); e != nil {
			p.Unknown = fmt.Sprintf("the document of %s has errors (imspolicy check shows them): %s", in.address, *e)
		} else {
			p.Document = read
		}
	}
	f.policyAddress[p.ID] = in.address
	f.policyText[p.ID] = text
	if t.role == roleSCP {
		f.scps[p.ID] = p
	} else {
		f.identity[p.ID] = p
	}
}

// addDefaultVersion: a version made default other than the one the policy resource
// holds puts in force a document the inputs do not hold.
func (f *facts) addDefaultVersion(in *instance, t estateResource, r *resolver) {
	id, reason := r.value(in, t.policy)
	if reason != "" {
		f.unknowns[reason] = true
		return
	}
	version := in.str("version_id")
	p, ok := f.identity[id]
	if !ok {
		p = estate.Policy{ID: id}
	}
	if addr, known := f.policyAddress[id]; known && version != "" {
		// The policy resource's default_version_id is the version its document is.
		for _, pi := range r.instancesAt(addr) {
			if pi.str("default_version_id") == version {
				return
			}
		}
	}
	p.Document = nil
	p.Unknown = fmt.Sprintf("%s makes version %q of policy %s its default: that version's document is not in the inputs", in.address, version, id)
	f.identity[id] = p
}

// instancesAt is the instance at address, if r has it.
func (r *resolver) instancesAt(address string) []*instance {
	if r == nil {
		return nil
	}
	if in, ok := r.instances[address]; ok {
		return []*instance{in}
	}
	return nil
}

func (f *facts) addAttachment(in *instance, t estateResource, r *resolver) {
	var a estate.Attachment
	kind := t.principalKind
	if t.principalTypeAttr != "" {
		kind = in.str(t.principalTypeAttr)
	}
	k, ok := principalKinds[kind]
	if !ok {
		f.unknowns[fmt.Sprintf("%s attaches a policy to a principal of type %q (want user, group or agency)", in.address, kind)] = true
		return
	}
	a.Principal.Kind = k
	var reasons []string
	var reason string
	if a.PolicyID, reason = r.value(in, t.policy); reason != "" {
		reasons = append(reasons, reason)
	}
	if a.Principal.ID, reason = r.value(in, t.principal); reason != "" {
		reasons = append(reasons, reason)
	}
	a.Unknown = strings.Join(reasons, "; ")
	f.attachments[a] = true
}

func (f *facts) addMembership(in *instance, t estateResource, r *resolver) {
	group, reason := r.value(in, t.group)
	if reason != "" {
		f.memberships[estate.Membership{Unknown: reason}] = true
		return
	}
	users := in.strs(t.users)
	list, _ := in.values[t.users].([]any)
	pending := 0 // elements known only after apply (null)
	for _, v := range list {
		if v == nil {
			pending++
		}
	}
	if in.isUnknown(t.users) || pending > 0 {
		ts, reason := r.targets(in, t.users)
		var created []string
		for _, x := range ts {
			if x.str("id") == "" {
				created = append(created, instanceID(x))
			}
		}
		if reason != "" || in.isUnknown(t.users) && len(ts) == 0 || !in.isUnknown(t.users) && len(created) != pending {
			if reason == "" {
				reason = fmt.Sprintf("%s of %s is known only after apply", t.users, in.address)
			}
			f.memberships[estate.Membership{Group: group, Unknown: reason}] = true
			return
		}
		if in.isUnknown(t.users) {
			users = users[:0]
			for _, x := range ts {
				users = append(users, instanceID(x))
			}
		} else {
			users = append(users, created...)
		}
	}
	for _, u := range users {
		f.memberships[estate.Membership{Group: group, User: u}] = true
	}
}

func (f *facts) addPrincipal(in *instance, t estateResource, r *resolver) {
	ref := estate.PrincipalRef{Kind: principalKinds[t.principalKind], ID: instanceID(in)}
	f.principals[ref] = estate.Principal{Ref: ref, Name: in.str(t.name), Account: accountOfURN(in.str(t.urn))}
	if t.agencyRoles {
		f.addAgencyRoles(in, ref)
	}
	if t.policyNames == "" {
		return
	}
	if in.isUnknown(t.policyNames) {
		f.attachments[estate.Attachment{Principal: ref, Unknown: fmt.Sprintf("%s of %s is known only after apply", t.policyNames, in.address)}] = true
		return
	}
	for _, name := range in.strs(t.policyNames) {
		a := estate.Attachment{Principal: ref, PolicyID: f.policyIDByName(name)}
		if a.PolicyID == "" {
			a.Unknown = fmt.Sprintf("%s attaches policy %q by name, and no identity policy of the inputs has that name", in.address, name)
		}
		f.attachments[a] = true
	}
}

// addV3Role reads an IAM v3 custom role: it grants through its assignments.
func (f *facts) addV3Role(in *instance, t estateResource) {
	role := estate.V3Role{ID: instanceID(in), Name: in.str(t.name)}
	text := in.str(t.document)
	switch {
	case in.isUnknown(t.document):
		role.Unknown = fmt.Sprintf("the document of %s is known only after apply", in.address)
	case strings.TrimSpace(text) == "":
		role.Unknown = fmt.Sprintf("%s has no document (%s)", in.address, t.document)
	default:
		read := policy.CheckV3Text([]byte(text))
		if e := read.FirstError(); e != nil {
			role.Unknown = fmt.Sprintf("the document of %s has errors (imspolicy check shows them): %s", in.address, *e)
		} else {
			role.Document = read
		}
	}
	f.v3Roles[role.ID] = role
	f.roleAddress[role.ID] = in.address
	f.roleText[role.ID] = text
}

// addRoleAssignment reads a v3 role assigned to a user or a group in a scope: exactly
// one of domain_id, project_id ("all" for every project) and enterprise_project_id.
func (f *facts) addRoleAssignment(in *instance, t estateResource, r *resolver) {
	a := estate.RoleAssignment{Principal: estate.PrincipalRef{Kind: principalKinds[t.principalKind]}}
	var reasons []string
	var reason string
	if a.RoleID, reason = r.value(in, t.roleID); reason != "" {
		reasons = append(reasons, reason)
	}
	if a.Principal.ID, reason = r.value(in, t.principal); reason != "" {
		reasons = append(reasons, reason)
	}
	var scopes []string
	for _, sc := range []struct {
		attr string
		kind estate.ScopeKind
	}{{t.project, estate.Project}, {t.enterpriseProject, estate.EnterpriseProject}, {t.domain, estate.Domain}} {
		if sc.attr == "" {
			continue
		}
		if in.isUnknown(sc.attr) {
			reasons = append(reasons, fmt.Sprintf("%s of %s is known only after apply", sc.attr, in.address))
			scopes = append(scopes, sc.attr)
			continue
		}
		v := in.str(sc.attr)
		if v == "" {
			continue
		}
		scopes = append(scopes, sc.attr)
		a.Scope = estate.Scope{Kind: sc.kind, ID: v}
		if sc.kind == estate.Project && v == "all" {
			a.Scope = estate.Scope{Kind: estate.AllProjects}
		}
	}
	if len(scopes) != 1 {
		reasons = append(reasons, fmt.Sprintf("%s sets %d of its scope attributes (want exactly one of domain_id, project_id and enterprise_project_id)", in.address, len(scopes)))
	}
	a.Unknown = strings.Join(reasons, "; ")
	if a.Unknown != "" {
		a.RoleID, a.Scope = "", estate.Scope{}
	}
	f.roleAssign[a] = true
}

// addAgencyRoles reads the role blocks of an agency made through IAM v3: roles (and
// projects, enterprise projects) by name; a role no v3 role of the inputs is named is a
// system role (or one the inputs do not hold), named "role <name>".
func (f *facts) addAgencyRoles(in *instance, ref estate.PrincipalRef) {
	add := func(attr string, roles []string, scope estate.Scope) {
		if in.isUnknown(attr) {
			f.roleAssign[estate.RoleAssignment{Principal: ref, Unknown: fmt.Sprintf("%s of %s is known only after apply", attr, in.address)}] = true
			return
		}
		for _, name := range roles {
			id := f.v3RoleIDByName(name)
			if id == "" {
				id = name // a system role, or one of another configuration: not in the inputs
			}
			f.roleAssign[estate.RoleAssignment{RoleID: id, Principal: ref, Scope: scope}] = true
		}
	}
	add("all_resources_roles", in.strs("all_resources_roles"), estate.Scope{Kind: estate.AllProjects})
	add("domain_roles", in.strs("domain_roles"), estate.Scope{Kind: estate.Domain, ID: "the agency's account"})
	for _, blk := range []struct{ attr, key string }{{"project_role", "project"}, {"enterprise_project_roles", "enterprise_project"}} {
		if in.isUnknown(blk.attr) {
			add(blk.attr, nil, estate.Scope{})
			continue
		}
		list, _ := in.values[blk.attr].([]any)
		for _, v := range list {
			m, _ := v.(map[string]any)
			where, _ := m[blk.key].(string)
			var roles []string
			rl, _ := m["roles"].([]any)
			for _, x := range rl {
				if s, ok := x.(string); ok && s != "" {
					roles = append(roles, s)
				}
			}
			kind := estate.Project
			if blk.key == "enterprise_project" {
				kind = estate.EnterpriseProject
			}
			if where == "" {
				f.roleAssign[estate.RoleAssignment{Principal: ref, Unknown: fmt.Sprintf("a %s block of %s names no %s", blk.attr, in.address, blk.key)}] = true
				continue
			}
			add(blk.attr, roles, estate.Scope{Kind: kind, ID: where})
		}
	}
}

func (f *facts) v3RoleIDByName(name string) string {
	for id, r := range f.v3Roles {
		if r.Name == name {
			return id
		}
	}
	return ""
}

func (f *facts) policyIDByName(name string) string {
	for id, p := range f.identity {
		if p.Name == name {
			return id
		}
	}
	return ""
}

func (f *facts) addSCPAttachment(in *instance, t estateResource, r *resolver) {
	var a estate.SCPAttachment
	var reasons []string
	var reason string
	if a.PolicyID, reason = r.value(in, t.policy); reason != "" {
		reasons = append(reasons, reason)
	}
	if a.Target, reason = r.nodeRef(in, t.target); reason != "" {
		reasons = append(reasons, reason)
	}
	a.Unknown = strings.Join(reasons, "; ")
	f.scpAttach[a] = true
}

func (f *facts) addNode(in *instance, t estateResource, r *resolver) {
	var ref estate.NodeRef
	switch t.role {
	case roleOU:
		ref = estate.NodeRef{Kind: estate.OU, ID: instanceID(in)}
	case roleAccount:
		ref = estate.NodeRef{Kind: estate.Account, ID: instanceID(in)}
	default:
		id, reason := r.value(in, t.account)
		if reason != "" {
			f.unknowns[reason] = true
			return
		}
		ref = estate.NodeRef{Kind: estate.Account, ID: id}
	}
	n := estate.Node{Ref: ref, Name: in.str(t.name)}
	if old, ok := f.nodes[ref]; ok && n.Name == "" {
		n.Name = old.Name
	}
	switch parent, reason := r.nodeRef(in, t.parent); {
	case reason == "":
		n.Parent = &parent
	case in.isUnknown(t.parent):
		f.unknowns[reason] = true
	case t.role == roleAccount:
		// parent_id left out: the account is under the root ("The default is the root
		// ID"), placed once the root is known (estate).
		f.underRoot[ref] = true
	}
	f.nodes[ref] = n
}

// supersede removes from f every part that g holds (by key): what a plan says of a part
// replaces what a --state file says of it.
func (f *facts) supersede(g *facts) {
	dropKeys(f.identity, g.identity)
	dropKeys(f.scps, g.scps)
	dropKeys(f.principals, g.principals)
	dropKeys(f.memberships, g.memberships)
	dropKeys(f.attachments, g.attachments)
	dropKeys(f.nodes, g.nodes)
	dropKeys(f.scpAttach, g.scpAttach)
	dropKeys(f.v3Roles, g.v3Roles)
	dropKeys(f.roleAssign, g.roleAssign)
	dropKeys(f.underRoot, g.nodes)
}

// dropKeys deletes from m every key that g holds.
func dropKeys[K comparable, V, W any](m map[K]V, g map[K]W) {
	for k := range g {
		delete(m, k)
	}
}

// merge adds g's parts to f, g's winning where both hold one.
func (f *facts) merge(g *facts) {
	maps.Copy(f.identity, g.identity)
	maps.Copy(f.scps, g.scps)
	maps.Copy(f.notSCP, g.notSCP)
	maps.Copy(f.principals, g.principals)
	maps.Copy(f.memberships, g.memberships)
	maps.Copy(f.attachments, g.attachments)
	maps.Copy(f.nodes, g.nodes)
	maps.Copy(f.underRoot, g.underRoot)
	maps.Copy(f.scpAttach, g.scpAttach)
	maps.Copy(f.unknowns, g.unknowns)
	maps.Copy(f.policyAddress, g.policyAddress)
	maps.Copy(f.policyText, g.policyText)
	maps.Copy(f.v3Roles, g.v3Roles)
	maps.Copy(f.roleAssign, g.roleAssign)
	maps.Copy(f.roleAddress, g.roleAddress)
	maps.Copy(f.roleText, g.roleText)
	if g.organization != "" {
		f.organization = g.organization
	}
	if g.managementAccount != "" {
		f.managementAccount = g.managementAccount
	}
	if g.scpsDisabled != nil {
		f.scpsDisabled = g.scpsDisabled
	}
}

func (f *facts) clone() *facts {
	c := newFacts()
	c.merge(f)
	return c
}

// orgPath is an --org-path: the organisation id (when given), the root, the OUs from the
// root down, and the account.
type orgPath struct {
	org, root, account string
	ous                []string
}

// parseOrgPath reads [o-…/]r-…/(ou-…/)*<account-id>, the form of g:PrincipalOrgPath
// (<org-id>/<root-id>/(<ou-id>/)*<account-id>), the organisation id optional.
func parseOrgPath(s string) (*orgPath, error) {
	parts := strings.Split(strings.Trim(s, "/"), "/")
	p := &orgPath{}
	if len(parts) > 0 && strings.HasPrefix(parts[0], "o-") {
		p.org, parts = parts[0], parts[1:]
	}
	bad := func(why string) error {
		return fmt.Errorf("--org-path %q: %s; write [o-<org-id>/]r-<root-id>/ou-<ou-id>/.../<account-id>, the form of g:PrincipalOrgPath", s, why)
	}
	if len(parts) < 2 {
		return nil, bad("want the root, any OUs, then the account")
	}
	if !strings.HasPrefix(parts[0], "r-") || len(parts[0]) < 3 {
		return nil, bad(fmt.Sprintf("%q is not a root id (r-…)", parts[0]))
	}
	p.root = parts[0]
	seen := map[string]bool{}
	for _, ou := range parts[1 : len(parts)-1] {
		if !strings.HasPrefix(ou, "ou-") || len(ou) < 4 {
			return nil, bad(fmt.Sprintf("%q is not an OU id (ou-…)", ou))
		}
		if seen[ou] {
			return nil, bad(fmt.Sprintf("%q is in it twice", ou))
		}
		seen[ou] = true
		p.ous = append(p.ous, ou)
	}
	p.account = parts[len(parts)-1]
	if p.account == "" || strings.HasPrefix(p.account, "ou-") || strings.HasPrefix(p.account, "r-") || strings.HasPrefix(p.account, "o-") {
		return nil, bad(fmt.Sprintf("it must end with the account id, not %q", p.account))
	}
	return p, nil
}

// place adds the path's nodes that f does not place already: an input's word on where a
// node is wins over --org-path.
func (p *orgPath) place(f *facts) {
	parent := estate.NodeRef{Kind: estate.Root, ID: p.root}
	if _, ok := f.nodes[parent]; !ok {
		f.nodes[parent] = estate.Node{Ref: parent}
	}
	for _, ou := range p.ous {
		ref := estate.NodeRef{Kind: estate.OU, ID: ou}
		if n, ok := f.nodes[ref]; !ok || n.Parent == nil {
			pr := parent
			f.nodes[ref] = estate.Node{Ref: ref, Name: n.Name, Parent: &pr}
		}
		parent = ref
	}
	ref := estate.NodeRef{Kind: estate.Account, ID: p.account}
	if n, ok := f.nodes[ref]; !ok || n.Parent == nil {
		pr := parent
		f.nodes[ref] = estate.Node{Ref: ref, Name: n.Name, Parent: &pr}
	}
	if f.organization == "" {
		f.organization = p.org
	}
}

// estate is the estate f describes; account is the account of principals whose account
// no input gives ("" when unknown).
func (f *facts) estate(account string) *estate.Estate {
	e := &estate.Estate{
		Organization: f.organization, Account: account, ManagementAccount: f.managementAccount,
		IdentityPolicies: f.identity, SCPs: f.scps, Principals: f.principals, Nodes: f.nodes,
		V3Roles: f.v3Roles,
	}
	for a := range f.roleAssign {
		e.RoleAssignments = append(e.RoleAssignments, a)
	}
	sort.Slice(e.RoleAssignments, func(i, j int) bool {
		a, b := e.RoleAssignments[i], e.RoleAssignments[j]
		return fmt.Sprint(a) < fmt.Sprint(b)
	})
	if f.scpsDisabled != nil {
		e.SCPsDisabled = *f.scpsDisabled
	}
	var roots []estate.NodeRef
	for ref := range f.nodes {
		if ref.Kind == estate.Root {
			roots = append(roots, ref)
		}
	}
	for ref := range f.underRoot {
		if n, ok := f.nodes[ref]; ok && n.Parent == nil && len(roots) == 1 {
			root := roots[0]
			n.Parent = &root
			f.nodes[ref] = n
		}
	}
	for m := range f.memberships {
		e.Memberships = append(e.Memberships, m)
	}
	sort.Slice(e.Memberships, func(i, j int) bool {
		a, b := e.Memberships[i], e.Memberships[j]
		return a.Group+"\x00"+a.User+"\x00"+a.Unknown < b.Group+"\x00"+b.User+"\x00"+b.Unknown
	})
	for a := range f.attachments {
		e.Attachments = append(e.Attachments, a)
	}
	sort.Slice(e.Attachments, func(i, j int) bool {
		a, b := e.Attachments[i], e.Attachments[j]
		return a.PolicyID+"\x00"+a.Principal.String()+"\x00"+a.Unknown < b.PolicyID+"\x00"+b.Principal.String()+"\x00"+b.Unknown
	})
	for a := range f.scpAttach {
		if f.notSCP[a.PolicyID] {
			continue // a tag policy's attachment
		}
		e.SCPAttachments = append(e.SCPAttachments, a)
	}
	sort.Slice(e.SCPAttachments, func(i, j int) bool {
		a, b := e.SCPAttachments[i], e.SCPAttachments[j]
		return a.PolicyID+"\x00"+a.Target.String()+"\x00"+a.Unknown < b.PolicyID+"\x00"+b.Target.String()+"\x00"+b.Unknown
	})
	for u := range f.unknowns {
		e.Unknowns = append(e.Unknowns, u)
	}
	sort.Strings(e.Unknowns)
	return e
}

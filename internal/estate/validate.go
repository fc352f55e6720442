package estate

import (
	"fmt"
	"maps"
	"slices"
)

// Validate checks that the estate is well formed: every principal, node and attachment
// has a kind and an id, map keys agree with the values' own, every known part is complete
// (a part that is not known says so in its Unknown), and the organisation tree has no
// cycle. Each question calls it first; the error names the part and the fix.
func (e *Estate) Validate() error {
	principal := func(r PrincipalRef, what string) error {
		if r.Kind < User || r.Kind > Agency {
			return fmt.Errorf("estate: %s %q has no kind: set Kind to User, Group or Agency", what, r.ID)
		}
		if r.ID == "" {
			return fmt.Errorf("estate: %s (a %s) has no ID: give its id (or its name)", what, r.Kind)
		}
		return nil
	}
	node := func(r NodeRef, what string) error {
		if r.Kind < Root || r.Kind > Account {
			return fmt.Errorf("estate: %s %q has no kind: set Kind to Root, OU or Account", what, r.ID)
		}
		if r.ID == "" {
			return fmt.Errorf("estate: %s (an %s) has no ID", what, r.Kind)
		}
		return nil
	}
	for _, k := range slices.SortedFunc(maps.Keys(e.Principals), compareRefs) {
		if err := principal(k, "principal"); err != nil {
			return err
		}
		if r := e.Principals[k].Ref; r != (PrincipalRef{}) && r != k {
			return fmt.Errorf("estate: the principal keyed %s has Ref %s: key each principal by its Ref", k, r)
		}
	}
	for what, ps := range map[string]map[string]Policy{"identity policy": e.IdentityPolicies, "SCP": e.SCPs} {
		for _, id := range slices.Sorted(maps.Keys(ps)) {
			p := ps[id]
			if p.ID != "" && p.ID != id {
				return fmt.Errorf("estate: the %s keyed %q has ID %q: key each policy by its ID", what, id, p.ID)
			}
			if p.Document == nil && p.Unknown == "" && !p.System {
				return fmt.Errorf("estate: %s %q has no document: give it, mark the policy System, or say why it is not known in Unknown", what, id)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(e.V3Roles)) {
		r := e.V3Roles[id]
		if r.ID != "" && r.ID != id {
			return fmt.Errorf("estate: the v3 role keyed %q has ID %q: key each role by its ID", id, r.ID)
		}
		if r.Document == nil && r.Unknown == "" && !r.System {
			return fmt.Errorf("estate: v3 role %q has no document: give it, mark the role System, or say why it is not known in Unknown", id)
		}
	}
	for i, a := range e.RoleAssignments {
		if a.Unknown != "" {
			continue
		}
		if a.RoleID == "" {
			return fmt.Errorf("estate: role assignment %d (to %s) has no role id: give it, or say why it is not known in Unknown", i, a.Principal)
		}
		if err := principal(a.Principal, fmt.Sprintf("the principal of role assignment %d", i)); err != nil {
			return err
		}
		if a.Scope.Kind < AllProjects || a.Scope.Kind > Domain || a.Scope.Kind != AllProjects && a.Scope.ID == "" {
			return fmt.Errorf("estate: role assignment %d (to %s) has no scope: give all projects, a project id, an enterprise project id or the domain", i, a.Principal)
		}
	}
	for i, a := range e.Attachments {
		if a.Unknown != "" {
			continue
		}
		if a.PolicyID == "" {
			return fmt.Errorf("estate: attachment %d (to %s) has no policy id: give it, or say why it is not known in Unknown", i, a.Principal)
		}
		if err := principal(a.Principal, fmt.Sprintf("the principal of attachment %d", i)); err != nil {
			return err
		}
	}
	for i, m := range e.Memberships {
		if m.Unknown == "" && (m.Group == "" || m.User == "") {
			return fmt.Errorf("estate: membership %d lacks its group or its user: give both, or say why one is not known in Unknown", i)
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(e.Nodes), compareNodes) {
		if err := node(k, "node"); err != nil {
			return err
		}
		n := e.Nodes[k]
		if n.Ref != (NodeRef{}) && n.Ref != k {
			return fmt.Errorf("estate: the node keyed %s has Ref %s: key each node by its Ref", k, n.Ref)
		}
		if n.Parent != nil {
			if err := node(*n.Parent, "the parent of "+k.String()); err != nil {
				return err
			}
		}
		seen := map[NodeRef]bool{k: true}
		for cur := n.Parent; cur != nil; {
			if seen[*cur] {
				return fmt.Errorf("estate: the organisation tree has a cycle through %s", *cur)
			}
			seen[*cur] = true
			p, ok := e.Nodes[*cur]
			if !ok {
				break
			}
			cur = p.Parent
		}
	}
	for i, a := range e.SCPAttachments {
		if a.Unknown != "" {
			continue
		}
		if a.PolicyID == "" {
			return fmt.Errorf("estate: SCP attachment %d (to %s) has no policy id: give it, or say why it is not known in Unknown", i, a.Target)
		}
		if err := node(a.Target, fmt.Sprintf("the target of SCP attachment %d", i)); err != nil {
			return err
		}
	}
	return nil
}

package cli

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/estate"
)

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// estateInputs are the inputs of an estate: plans, --state files and --org-path.
type estateInputs struct {
	plans, states []*estateInput
	orgPath       *orgPath
}

// inputError is bad input: the flag or file and what to do.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

// readEstateInputs reads the plans and states. Each error names the flag or file.
func readEstateInputs(plans, states []string, orgPathFlag string, stdin io.Reader) (*estateInputs, error) {
	in := &estateInputs{}
	stdinUsed := false
	read := func(flagName, path string, wantPlan *bool) (*estateInput, error) {
		if path == "-" {
			if stdinUsed {
				return nil, &inputError{fmt.Sprintf("%s -: standard input can be read once only: write the others to files", flagName)}
			}
			stdinUsed = true
		}
		x, err := readEstateInput(path, stdin, wantPlan)
		if err != nil {
			return nil, &inputError{fmt.Sprintf("%s %s: %v", flagName, path, err)}
		}
		return x, nil
	}
	for _, p := range plans {
		x, err := read("--plan", p, ptr(true))
		if err != nil {
			return nil, err
		}
		in.plans = append(in.plans, x)
	}
	for _, s := range states {
		x, err := read("--state", s, ptr(false))
		if err != nil {
			return nil, err
		}
		in.states = append(in.states, x)
	}
	if orgPathFlag != "" {
		p, err := parseOrgPath(orgPathFlag)
		if err != nil {
			return nil, &inputError{err.Error()}
		}
		in.orgPath = p
	}
	return in, nil
}

func ptr[T any](v T) *T { return &v }

// sides builds the facts before and after the plans: what the states say, superseded by
// what each plan says before it (reference) and after it (candidate).
func (in *estateInputs) sides() (reference, candidate *facts, changed []policyChange) {
	background := newFacts()
	for _, s := range in.states {
		background.add(s.planned, nil)
	}
	reference, candidate = background.clone(), background.clone()
	for _, p := range in.plans {
		prior := newFacts()
		prior.add(p.prior, nil)
		planned := newFacts()
		planned.add(p.planned, newResolver(p.references, p.planned))
		reference.supersede(prior)
		reference.merge(prior)
		candidate.supersede(prior)
		candidate.merge(planned)
		// Destroying an imspolicy_scp_enablement with disable_on_destroy disables SCPs.
		for root := range prior.disableOnDestroy {
			if !planned.disableOnDestroy[root] && planned.scpsDisabled == nil {
				candidate.scpsDisabled = ptr(true)
			}
		}
		changed = append(changed, policyChanges(prior, planned)...)
	}
	if in.orgPath != nil {
		in.orgPath.place(reference)
		in.orgPath.place(candidate)
	}
	// An SCP the plan deletes or changes restricted wherever it was attached: when the
	// inputs do not say where, no answer can be given (the organisation's state, with
	// --state, says it).
	for _, c := range changed {
		if !c.scp || c.change == "created" || reference.attachesSCP(c.id) || candidate.attachesSCP(c.id) {
			continue
		}
		candidate.unknowns[fmt.Sprintf("the plan %s SCP %s, and where it is attached is not in the inputs: "+
			"give the organisation's state with --state", map[string]string{"deleted": "deletes", "updated": "changes"}[c.change], c.address)] = true
	}
	return reference, candidate, changed
}

// attachesSCP: some SCP attachment of f names policy id.
func (f *facts) attachesSCP(id string) bool {
	for a := range f.scpAttach {
		if a.PolicyID == id {
			return true
		}
	}
	return false
}

// account is the account of principals whose account no input gives: --org-path's.
func (in *estateInputs) account() string {
	if in.orgPath != nil {
		return in.orgPath.account
	}
	return ""
}

// policyChange is a policy (or an IAM v3 role) whose document a plan creates, changes
// or deletes.
type policyChange struct {
	id, address string
	scp, v3     bool
	change      string // created, updated, deleted
}

// policyChanges are the policies whose documents differ between a plan's two sides.
func policyChanges(prior, planned *facts) []policyChange {
	var out []policyChange
	for _, kind := range []struct {
		before, after map[string]bool
		scp, v3       bool
	}{
		{keys(prior.identity), keys(planned.identity), false, false},
		{keys(prior.scps), keys(planned.scps), true, false},
		{keys(prior.v3Roles), keys(planned.v3Roles), false, true},
	} {
		address, text := func(f *facts, id string) string { return f.policyAddress[id] }, func(f *facts, id string) string { return f.policyText[id] }
		if kind.v3 {
			address, text = func(f *facts, id string) string { return f.roleAddress[id] }, func(f *facts, id string) string { return f.roleText[id] }
		}
		ids := map[string]bool{}
		for id := range kind.before {
			ids[id] = true
		}
		for id := range kind.after {
			ids[id] = true
		}
		for id := range ids {
			c := policyChange{id: id, scp: kind.scp, v3: kind.v3}
			switch {
			case !kind.before[id]:
				c.change, c.address = "created", address(planned, id)
			case !kind.after[id]:
				c.change, c.address = "deleted", address(prior, id)
			case text(prior, id) != text(planned, id):
				c.change, c.address = "updated", address(planned, id)
			default:
				continue
			}
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].address < out[j].address })
	return out
}

func keys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// documentNote is what the report says of a changed document: what it is attached to.
type documentNote struct {
	Address    string   `json:"address"`
	Purpose    string   `json:"purpose"`
	Change     string   `json:"change"`
	AttachedTo []string `json:"attached_to"`
	// AttachmentsUnknown: an SCP the plan deletes or changes, attached nowhere in the
	// inputs, so where it restricted is not known (the answer is unknown).
	AttachmentsUnknown bool   `json:"attachments_unknown"`
	Note               string `json:"note"`
}

// documentNotes say, of each changed document, whom it is attached to: a document
// matters through the principals (or nodes) it is attached to, and one attached to
// nobody grants (or restricts) nothing.
func documentNotes(changes []policyChange, reference, candidate *estate.Estate) []documentNote {
	var out []documentNote
	for _, c := range changes {
		to := map[string]bool{}
		for _, e := range []*estate.Estate{reference, candidate} {
			if c.v3 {
				for _, a := range e.RoleAssignments {
					if a.RoleID == c.id && a.Unknown == "" {
						to[principalName(e, a.Principal)+" "+a.Scope.String()] = true
					}
				}
				continue
			}
			if c.scp {
				for _, a := range e.SCPAttachments {
					if a.PolicyID == c.id && a.Unknown == "" {
						to[nodeName(e, a.Target)] = true
					}
				}
				continue
			}
			for _, a := range e.Attachments {
				if a.PolicyID == c.id && a.Unknown == "" {
					to[principalName(e, a.Principal)] = true
				}
			}
		}
		n := documentNote{Address: c.address, Purpose: "identity", Change: c.change, AttachedTo: sortedKeys(to)}
		if c.scp {
			n.Purpose = "scp"
		}
		switch {
		case c.v3:
			n.Purpose = "iam_v3_role"
			switch {
			case len(to) > 0:
				n.Note = "assigned to " + strings.Join(n.AttachedTo, ", ") + ": its effect is in their answers, per API call"
			case c.change == "created":
				n.Note = "assigned to nothing: grants nothing"
			default:
				n.Note = "assigned to no user, group or agency in the inputs: grants nothing to them (if another state assigns it, give that state with --state)"
			}
		case len(to) > 0:
			n.Note = "attached to " + strings.Join(n.AttachedTo, ", ") + ": its effect is in their answers"
		case c.scp && c.change != "created":
			n.AttachmentsUnknown = true
			n.Note = "where it is attached is not in the inputs: the answer is unknown (give the organisation's state with --state)"
		case c.change == "created" && c.scp:
			n.Note = "attached to nothing: restricts nothing"
		case c.change == "created":
			n.Note = "attached to nothing: grants nothing"
		default:
			n.Note = "attached to no user, group or agency in the inputs: grants nothing to them (if another state attaches it, give that state with --state)"
		}
		out = append(out, n)
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// principalName names a principal as a reviewer reads it: group image-admins (id g-1).
func principalName(e *estate.Estate, ref estate.PrincipalRef) string {
	p, ok := e.Principals[ref]
	switch {
	case ok && p.Name != "" && strings.HasPrefix(ref.ID, "("): // pendingID
		return fmt.Sprintf("%s %s %s", ref.Kind, p.Name, ref.ID)
	case ok && p.Name != "":
		return fmt.Sprintf("%s %s (id %s)", ref.Kind, p.Name, ref.ID)
	}
	return fmt.Sprintf("%s %s", ref.Kind, ref.ID)
}

// nodeName names a node: OU prod (ou-1).
func nodeName(e *estate.Estate, ref estate.NodeRef) string {
	n, ok := e.Nodes[ref]
	if ok && n.Name != "" {
		return fmt.Sprintf("%s %s (%s)", ref.Kind, n.Name, ref.ID)
	}
	return ref.String()
}

// groupsOf are the groups a user is a member of in e, by name (or id), sorted.
func groupsOf(e *estate.Estate, user estate.PrincipalRef) []string {
	if user.Kind != estate.User {
		return nil
	}
	set := map[string]bool{}
	for _, m := range e.Memberships {
		if m.User == user.ID && m.Group != "" && m.Unknown == "" {
			name := m.Group
			if g, ok := e.Principals[estate.PrincipalRef{Kind: estate.Group, ID: m.Group}]; ok && g.Name != "" {
				name = g.Name
			}
			set[name] = true
		}
	}
	return sortedKeys(set)
}

// subjectName names a subject: a principal (a user with the groups it is in), or every
// principal in a node.
func subjectName(e *estate.Estate, s estate.Subject) string {
	switch {
	case s.Principal != nil:
		name := principalName(e, *s.Principal)
		switch groups := groupsOf(e, *s.Principal); len(groups) {
		case 0:
		case 1:
			name += ", in group " + groups[0]
		default:
			name += ", in groups " + strings.Join(groups, ", ")
		}
		return name
	case s.Node != nil:
		return "every principal in " + nodeName(e, *s.Node)
	}
	return "nobody"
}

// diffPlanByPrincipal is diff-access --plan: the estate before the plan against the
// estate after it, per principal.
func diffPlanByPrincipal(plan string, states []string, orgPathFlag string, b analysis.Budget, format, base string,
	stdin io.Reader, stdout, stderr io.Writer, usage func(string, ...any) int) int {
	in, err := readEstateInputs([]string{plan}, states, orgPathFlag, stdin)
	if err != nil {
		return usage("%v", err)
	}
	refFacts, candFacts, changes := in.sides()
	ref, cand := refFacts.estate(in.account()), candFacts.estate(in.account())
	unread := in.plans[0].unread
	c, err := estate.Compare(ref, cand, b)
	if err != nil {
		return usage("%v", err)
	}
	r := newPrincipalReport(plan, states, orgPathFlag, ref, cand, c, documentNotes(changes, ref, cand), unread)
	var out bytes.Buffer
	switch format {
	case "json":
		err = r.writeJSON(&out)
	case "sarif":
		err = r.results(base, true).write(&out)
	case "gitlab":
		err = r.results(base, false).writeGitLab(&out)
	default:
		r.writeText(&out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: writing the %s report: %v\n", format, err)
		return exitUsage
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "imspolicy diff-access: %v\n", err)
		return exitUsage
	}
	return r.exit
}

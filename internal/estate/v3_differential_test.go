package estate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// The v3 differential test: random estates with v3 roles assigned in all projects or in
// projects, against a brute force that, per principal subject and per project (each
// project an assignment names, and one no assignment names), gathers the principal's v5
// documents and the v3 roles that grant there, written here from the package comment, and
// asks apicall.ComparePrincipals directly.

var v3Seed, v3Sets = policytest.Flags("estatev3", 20, 60, "estate v3 differential test's (estate pairs)")

var v3Actions = []string{"ims:images:list", "ims:images:get", "ims:images:create", "ims:images:update", "ims:images:delete",
	"ims:images:upload", "ims:images:export", "ims:images:share", "ims:images:copy", "ims:serverImages:create",
	"ims:dataImages:create", "ims:wholeImages:create", "ims:quotas:get", "ims:images:*", "ims:*:*", "ims:*:get"}

func genV3Doc(g *policytest.Gen, t *testing.T) *policy.V3Checked {
	var sts []string
	for range 1 + g.R.IntN(2) {
		var acts []string
		for range 1 + g.R.IntN(3) {
			acts = append(acts, fmt.Sprintf("%q", g.Pick(v3Actions...)))
		}
		effect := "Allow"
		if g.Chance(0.2) {
			effect = "Deny"
		}
		cond := ""
		if g.Chance(0.2) {
			cond = `,"Condition":{"StringEquals":{"g:ProjectName":["cn-north-4"]}}`
		}
		sts = append(sts, fmt.Sprintf(`{"Effect":%q,"Action":[%s]%s}`, effect, strings.Join(acts, ","), cond))
	}
	text := `{"Version":"1.1","Statement":[` + strings.Join(sts, ",") + `]}`
	c := policy.CheckV3Text([]byte(text))
	if fe := c.FirstError(); fe != nil {
		t.Fatalf("%s: %s", text, fe)
	}
	return c
}

var v3Projects = []string{"p-1", "p-2"}

func genV3(g *policytest.Gen, t *testing.T, e *Estate) {
	e.SCPsDisabled = true // subjects under SCPs are Unknown (TestCompareV3Unknowns)
	e.V3Roles = map[string]V3Role{}
	for i := range 1 + g.R.IntN(3) {
		id := fmt.Sprintf("r%d", i)
		e.V3Roles[id] = V3Role{ID: id, Document: genV3Doc(g, t)}
	}
	e.RoleAssignments = nil
	refs := slices.SortedFunc(maps.Keys(e.Principals), compareRefs)
	for range g.R.IntN(4) {
		e.RoleAssignments = append(e.RoleAssignments, genAssignment(g, e, refs))
	}
}

func genAssignment(g *policytest.Gen, e *Estate, refs []PrincipalRef) RoleAssignment {
	ids := slices.Sorted(maps.Keys(e.V3Roles))
	sc := Scope{Kind: AllProjects}
	if g.Chance(0.5) {
		sc = Scope{Project, g.Pick(v3Projects...)}
	}
	return RoleAssignment{RoleID: ids[g.R.IntN(len(ids))], Principal: refs[g.R.IntN(len(refs))], Scope: sc}
}

func mutateV3(g *policytest.Gen, t *testing.T, ref *Estate) *Estate {
	e := mutate(g, t, ref)
	e.V3Roles, e.RoleAssignments = maps.Clone(ref.V3Roles), slices.Clone(ref.RoleAssignments)
	refs := slices.SortedFunc(maps.Keys(e.Principals), compareRefs)
	for range 1 + g.R.IntN(3) {
		switch g.R.IntN(4) {
		case 0:
			e.RoleAssignments = append(e.RoleAssignments, genAssignment(g, e, refs))
		case 1:
			if len(e.RoleAssignments) > 0 {
				e.RoleAssignments = slices.Delete(e.RoleAssignments, g.R.IntN(len(e.RoleAssignments)), len(e.RoleAssignments))
			}
		case 2:
			ids := slices.Sorted(maps.Keys(e.V3Roles))
			id := ids[g.R.IntN(len(ids))]
			e.V3Roles[id] = V3Role{ID: id, Document: genV3Doc(g, t)}
		case 3:
			// Replace a v3 role by a v5 policy on a principal.
			if len(e.RoleAssignments) > 0 {
				e.RoleAssignments = slices.Delete(e.RoleAssignments, 0, 1)
				ids := slices.Sorted(maps.Keys(e.IdentityPolicies))
				e.Attachments = append(e.Attachments, Attachment{PolicyID: ids[g.R.IntN(len(ids))], Principal: refs[g.R.IntN(len(refs))]})
			}
		}
	}
	return e
}

// bruteV3 is a principal's v5 documents and, per project, its v3 roles; unknown when a
// policy's document is not known; named are the projects its assignments name.
func bruteV3(e *Estate, ref PrincipalRef, project string) (v5 []*policy.Checked, v3 []evaluator.V3Policy, has, unknown bool, named []string) {
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
				unknown = true
				continue
			}
			v5 = append(v5, d)
		}
	}
	for _, a := range e.RoleAssignments {
		if !slices.Contains(owners, a.Principal) {
			continue
		}
		has = true
		if a.Scope.Kind == Project {
			named = append(named, a.Scope.ID)
		}
		if a.Scope.Kind == AllProjects || a.Scope.ID == project {
			v3 = append(v3, evaluator.V3PolicyOf(e.V3Roles[a.RoleID].Document.Document()))
		}
	}
	return v5, v3, has, unknown, named
}

func TestDifferentialEstatesV3(t *testing.T) {
	g := policytest.NewGen(policytest.Analyser(), *v3Seed)
	b := analysis.Budget{Requests: 200_000}
	var stats struct{ gained, lost, unknown, checked int }
	defer func() {
		t.Logf("(subject, project) pairs checked %d: gained %d, lost %d; unknown subjects %d", stats.checked, stats.gained, stats.lost, stats.unknown)
	}()
	for i := range policytest.Short(*v3Sets) {
		ref := genEstate(g, t)
		genV3(g, t, ref)
		cand := mutateV3(g, t, ref)
		name := fmt.Sprintf("set %d (-estatev3.seed %d)", i, *v3Seed)
		c, err := Compare(ref, cand, b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		subjects := map[PrincipalRef]bool{}
		for _, s := range bruteSubjects(cand) {
			subjects[s] = true
		}
		for _, s := range bruteSubjects(ref) {
			if _, ok := cand.Principals[s]; !ok {
				subjects[s] = true
			}
		}
		for _, s := range slices.SortedFunc(maps.Keys(subjects), compareRefs) {
			var changes []SubjectChange
			for _, ch := range c.Subjects {
				if ch.Subject.Principal != nil && *ch.Subject.Principal == s {
					changes = append(changes, ch)
				}
			}
			for _, project := range append(slices.Clone(v3Projects), "p-unnamed") {
				r5, r3, rHas, rUnknown, rNamed := bruteV3(ref, s, project)
				c5, c3, cHas, cUnknown, cNamed := bruteV3(cand, s, project)
				if !rHas && !cHas {
					continue // the action-level path: TestDifferentialEstates
				}
				if rUnknown || cUnknown {
					if len(changes) == 0 || changes[0].Status != analysis.Unknown {
						t.Errorf("%s: %s has an unknown part, answered %+v", name, s, changes)
					}
					continue
				}
				rp, _, err := apicall.NewPrincipal(r5, r3)
				if err != nil {
					t.Fatal(err)
				}
				cp, _, err := apicall.NewPrincipal(c5, c3)
				if err != nil {
					t.Fatal(err)
				}
				want, err := apicall.ComparePrincipals(rp, cp, b)
				if err != nil {
					t.Fatalf("%s: brute force: %v", name, err)
				}
				// The estate's answer for this project: its own scope when its
				// assignments name it, else the rest's.
				var got *SubjectChange
				named := slices.Contains(rNamed, project) || slices.Contains(cNamed, project)
				for i := range changes {
					sc := changes[i].Scope
					if sc == nil {
						continue
					}
					if named && sc.Kind == Project && sc.ID == project || !named && (sc.Kind == AllProjects || sc.Kind == OtherProjects) {
						got = &changes[i]
					}
				}
				if want.Verdict == apicall.Unknown {
					if got != nil && got.Status != analysis.Unknown {
						t.Errorf("%s: %s %s: the brute force cannot decide (%s), the estate says %s", name, s, project, want.Reason, got.Status)
					}
					stats.unknown++
					continue
				}
				var gotNew, gotRemoved []string
				if got != nil {
					if got.Status == analysis.Unknown {
						t.Errorf("%s: %s %s: unknown: %s", name, s, project, got.Reason)
						continue
					}
					gotNew, gotRemoved = diffKeys(got.NewCalls), diffKeys(got.RemovedCalls)
				}
				var wantNew, wantRemoved []apicall.Difference
				for _, d := range want.Differences {
					if d.New == evaluator.Allow {
						wantNew = append(wantNew, d)
					} else {
						wantRemoved = append(wantRemoved, d)
					}
				}
				stats.checked++
				if len(wantNew) > 0 {
					stats.gained++
				}
				if len(wantRemoved) > 0 {
					stats.lost++
				}
				if !slices.Equal(gotNew, diffKeys(wantNew)) || !slices.Equal(gotRemoved, diffKeys(wantRemoved)) {
					t.Errorf("%s: %s in %s:\n new %v, want %v\n removed %v, want %v", name, s, project, gotNew, diffKeys(wantNew), gotRemoved, diffKeys(wantRemoved))
				}
				if got != nil && len(wantNew) > 0 && c.Holds {
					t.Errorf("%s: holds, but %s gains in %s", name, s, project)
				}
			}
			for _, ch := range changes {
				if ch.Status == analysis.Unknown {
					stats.unknown++
				}
			}
		}
		if t.Failed() {
			t.Fatalf("%s failed", name)
		}
	}
}

func diffKeys(ds []apicall.Difference) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Call.Name())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

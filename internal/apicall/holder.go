package apicall

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// Questions over every request about principals (NewPrincipalOf): how much of each call
// one allows, and whether one allows a request another does not. Each principal decides a
// call by Principal's rules (its v5 and v3 policies through the v5 table, its v3 policies
// through the v3 table, combined), so a principal holding only v5 policies is answered
// with an empty v3 side: a v3 row that requires nothing (GET /, the schemas) is allowed to
// everyone, as it is to a principal holding v3 policies. Every call of either table is
// asked; the analyser's representatives prove each answer (analysis.DecideGroupedAPIs).

// CallGrant is how much of one call a principal allows, with an allowed request (nil for
// none) and a denied one (nil for full).
type CallGrant struct {
	Call            Call
	Grant           analysis.Grant
	Allowed, Denied *Request
}

// principalGroups lays out principals for analysis.DecideGroupedAPIs: each principal's
// combined set (through the v5 table) and v3 set (through the v3 table), one group per
// principal, combined by Principal's rule 3.
func principalGroups(ps ...*Principal) ([]*evaluator.PolicySet, analysis.Grouping, []analysis.APICall, []Call) {
	var sets []*evaluator.PolicySet
	g := analysis.Grouping{Combine: combine}
	for i, p := range ps {
		sets = append(sets, p.combined, p.v3.Policies)
		g.Groups = append(g.Groups, []int{2 * i, 2*i + 1})
	}
	all := Calls()
	qs := make([]analysis.APICall, len(all))
	for i, c := range all {
		perms := make([]*catalog.APIPermission, 0, len(sets))
		for range ps {
			perms = append(perms, c.V5, c.V3)
		}
		qs[i] = analysis.APICall{Name: c.Name(), Image: c.Image, Permissions: perms}
	}
	return sets, g, qs, all
}

func witnessRequest(c Call, w *analysis.APIWitness) *Request {
	if w == nil {
		return nil
	}
	return &Request{Call: c, Resource: w.Resource, Context: w.Context}
}

// Effective says, within budget b, how much of each call of either table the principal
// allows. With Status Unknown, the calls decided before the bound.
func (p *Principal) Effective(b analysis.Budget) ([]CallGrant, analysis.Status, string, error) {
	sets, g, qs, all := principalGroups(p)
	res, err := analysis.DecideGroupedAPIs(sets, qs, b, g)
	if err != nil {
		return nil, analysis.Unknown, "", err
	}
	out := make([]CallGrant, len(res.Calls))
	for i, r := range res.Calls {
		out[i] = CallGrant{Call: all[i], Grant: r.Grants[0], Allowed: witnessRequest(all[i], r.Allowed[0]), Denied: witnessRequest(all[i], r.Denied[0])}
	}
	return out, res.Status, res.Reason, nil
}

// NewAccess is the answer of NoNewAccess.
type NewAccess struct {
	// Holds is true when the candidate allows no request the reference does not; proven
	// when Status is Complete. A witness found before the bound is real: Holds is false.
	Holds  bool
	Status analysis.Status
	Reason string
	// Witnesses are, per call, a request the candidate allows and the reference does not.
	Witnesses []Request
}

// NoNewAccess answers, within budget b, whether the candidate principal allows any API
// call request (call, resource, context) that the reference does not: ComparePrincipals'
// new access.
func NoNewAccess(candidate, reference *Principal, b analysis.Budget) (NewAccess, error) {
	cmp, err := ComparePrincipals(reference, candidate, b)
	if err != nil {
		return NewAccess{}, err
	}
	out := NewAccess{Status: analysis.Complete}
	if cmp.Verdict == Unknown {
		out.Status, out.Reason = analysis.Unknown, cmp.Reason
	}
	for _, d := range cmp.Differences {
		if d.New == evaluator.Allow {
			out.Witnesses = append(out.Witnesses, d.Request())
		}
	}
	out.Holds = len(out.Witnesses) == 0 && out.Status == analysis.Complete
	return out, nil
}

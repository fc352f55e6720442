package apicall

import (
	"fmt"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Principal is one principal holding IAM v3 policies and v5 identity policies at once.
//
// How the two combine is the project's reading, written here and nowhere else (the guide
// "Migrating IAM v3 policies to v5" quotes it). The vendor says only that "these
// permissions can take effect at the same time" (S11, "How Are Identity Policies
// Compatible with Policies?", https://support.huaweicloud.com/intl/en-us/iam5_faq/iam_01_1103.html)
// and, for CDN, that a v3 Allow of an alias expands and a v3 Deny of an alias reduces
// identity-policy permissions (S12, https://support.huaweicloud.com/intl/th-th/api-cdn/cdn_02_0124.html).
// Inferred from them, for IMS (reference notes §4):
//
//  1. Through the v5 table (Table 2), the principal's v5 policies and its v3 policies are
//     one set: a v3 statement counts for every v5 action whose own name or alias is a v3
//     name it matches (so a v3 Allow of ims:images:update reaches deleteImage, C1).
//  2. Through the v3 table, the v3 policies alone decide.
//  3. An explicit Deny either way denies; otherwise the call is allowed when either way
//     allows it; otherwise it is implicitly denied. A call one table does not list is
//     decided the other way alone.
//
// Rule 3 makes a v3 Deny win even where rule 1 would not reach the v5 action (the
// vendor's Deny ims:images:delete names no v5 alias, C1): the vendor's engine may let such
// a call through under identity-policy authorization.
type Principal struct {
	v3       *Set
	combined *evaluator.PolicySet
}

// NewPrincipal compiles a principal's v5 and v3 policies.
func NewPrincipal(v5 []*policy.Checked, v3 []evaluator.V3Policy) (*Principal, []evaluator.SourceFinding, error) {
	combined, findings, err := evaluator.NewPrincipalPolicySet(v5, v3)
	if err != nil || len(findings) > 0 {
		return nil, findings, err
	}
	s, err := NewV3(v3)
	if err != nil {
		return nil, nil, err
	}
	return &Principal{v3: s, combined: combined}, nil, nil
}

// PrincipalDecision is a principal's answer to a request, and each way's.
type PrincipalDecision struct {
	Decision evaluator.Decision
	// ThroughV5 is the decision through the v5 table (v5 and v3 policies together);
	// ThroughV3 through the v3 table (v3 policies alone).
	ThroughV5, ThroughV3 Decision
}

// Decide decides a request by the rules of Principal.
func (p *Principal) Decide(r Request) PrincipalDecision {
	out := PrincipalDecision{ThroughV3: p.v3.Decide(r), ThroughV5: (&Set{Lang: V5, Policies: p.combined}).Decide(r)}
	out.Decision = combineWays(out.ThroughV5, out.ThroughV3)
	return out
}

// combineWays is combine of the decisions of each way of authorizing a request.
func combineWays(ways ...Decision) evaluator.Decision {
	known, ds := make([]bool, len(ways)), make([]evaluator.Decision, len(ways))
	for i, w := range ways {
		known[i], ds[i] = w.Known, w.Result.Decision
	}
	return combine(known, ds)
}

// combine is rule 3 of Principal: an explicit Deny either way denies; otherwise an Allow
// either way allows; a way whose table does not list the call (known false) decides
// nothing.
func combine(known []bool, ds []evaluator.Decision) evaluator.Decision {
	out := evaluator.ImplicitDeny
	for i, d := range ds {
		if !known[i] {
			continue
		}
		switch d {
		case evaluator.ExplicitDeny:
			return evaluator.ExplicitDeny
		case evaluator.Allow:
			out = evaluator.Allow
		}
	}
	return out
}

// ComparePrincipals compares two principals, old then next, over every request of every
// call of either table, within budget b: each principal decides a request by the rules of
// Principal, so a call only one table lists is compared too (a principal without v3
// policies denies a v3-only call). The answer has no Unmatched calls.
func ComparePrincipals(old, next *Principal, b analysis.Budget) (Comparison, error) {
	all := Calls()
	qs := make([]analysis.APICall, len(all))
	for i, c := range all {
		qs[i] = analysis.APICall{Name: c.Name(), Image: c.Image, Permissions: []*catalog.APIPermission{c.V5, c.V3, c.V5, c.V3}}
	}
	sets := []*evaluator.PolicySet{old.combined, old.v3.Policies, next.combined, next.v3.Policies}
	res, err := analysis.DecideGroupedAPIs(sets, qs, b, analysis.Grouping{Groups: [][]int{{0, 1}, {2, 3}}, Combine: combine})
	if err != nil {
		return Comparison{}, err
	}
	out := Comparison{Spent: res.Spent}
	for i, r := range res.Calls {
		c := all[i]
		out.Old = append(out.Old, Permission{Call: c, Known: r.Known[0], Grant: r.Grants[0], Allowed: r.Allowed[0]})
		out.New = append(out.New, Permission{Call: c, Known: r.Known[1], Grant: r.Grants[1], Allowed: r.Allowed[1]})
		for _, w := range r.Differences {
			d := Difference{Call: c, Resource: w.Resource, Context: w.Context, Old: w.Decisions[0], New: w.Decisions[1]}
			od, nd := old.Decide(d.Request()), next.Decide(d.Request())
			if od.Decision != d.Old || nd.Decision != d.New {
				return Comparison{}, fmt.Errorf("internal error: the witness for %s replays as %s/%s, not %s/%s", c.Name(), od.Decision, nd.Decision, d.Old, d.New)
			}
			d.OldDenied, d.NewDenied = od.denied(), nd.denied()
			out.Differences = append(out.Differences, d)
		}
	}
	out.Verdict, out.Reason = verdict(res.Status, res.Reason, len(out.Differences))
	return out, nil
}

// denied lists what each way denies of a request the principal does not allow.
func (d PrincipalDecision) denied() []string {
	if d.Decision == evaluator.Allow {
		return nil
	}
	var out []string
	for _, w := range []struct {
		name string
		d    Decision
	}{{"v5 table", d.ThroughV5}, {"v3 table", d.ThroughV3}} {
		if !w.d.Known {
			continue
		}
		for _, a := range w.d.Denied() {
			out = append(out, a+" via the "+w.name)
		}
	}
	return out
}

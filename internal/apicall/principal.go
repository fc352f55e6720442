package apicall

import (
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
	out.Decision = combine(out.ThroughV5, out.ThroughV3)
	return out
}

// combine is rule 3 of Principal: an explicit Deny either way denies, else an Allow either
// way allows, else the call is implicitly denied; a way that does not know the call
// (Known false) has no say.
func combine(ways ...Decision) evaluator.Decision {
	var allow bool
	for _, d := range ways {
		if !d.Known {
			continue
		}
		switch d.Result.Decision {
		case evaluator.ExplicitDeny:
			return evaluator.ExplicitDeny
		case evaluator.Allow:
			allow = true
		}
	}
	if allow {
		return evaluator.Allow
	}
	return evaluator.ImplicitDeny
}

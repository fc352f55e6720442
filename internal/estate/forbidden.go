package estate

import (
	"strconv"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Forbidden is an access no principal may have, but those excepted: no action matching
// Actions on a resource matching Resources ("*" when empty), under any context.
type Forbidden struct {
	Name               string
	Actions, Resources []string
	// ExceptPrincipals are principal URNs written as g:PrincipalUrn values with * and ?
	// (StringMatch's wildcards, case-sensitive): "iam::*:group:image-admins". A principal is
	// excepted when its URN matches one, and a user also when one of its groups' URNs
	// does (the group's members hold the access through it); a group standing for its
	// members when its URN matches one.
	ExceptPrincipals []string
}

// Violation is a subject that has a forbidden access, or whose answer is Unknown.
type Violation struct {
	Subject    Subject
	Name       string
	BeforeSCPs bool
	Status     analysis.Status
	Reason     string
	// Witnesses are allowed requests of the forbidden access, one per action at most.
	Witnesses []analysis.Witness
}

// RuleResult is one rule's answer.
type RuleResult struct {
	Rule   Forbidden
	Status analysis.Status
	Reason string
	// Passed is true when no subject but those excepted has the access; false when one
	// does or when Status is Unknown.
	Passed     bool
	Violations []Violation
}

// MustNotAllowResult answers MustNotAllow.
type MustNotAllowResult struct {
	Status analysis.Status
	Reason string
	// Passed is true when every rule passed.
	Passed bool
	Rules  []RuleResult
	// Distinct is the number of distinct (configuration, rule) analyses; Spent their
	// budget together.
	Distinct, Spent int
}

// MustNotAllow checks every rule against every principal subject of the estate that the
// rule does not except, each distinct configuration once per rule within budget b.
func MustNotAllow(e *Estate, rules []Forbidden, b analysis.Budget) (MustNotAllowResult, error) {
	var out MustNotAllowResult
	if err := e.Validate(); err != nil {
		return out, err
	}
	subjects := newFlattener(e, map[*policy.Checked]string{}).subjects()
	type job struct {
		rule int
		s    *subject
	}
	type verdict struct {
		excepted bool
		unknown  string // the exception cannot be decided
	}
	verdicts := make([][]verdict, len(rules))
	var jobs []job
	first := map[string]int{}
	for ri, rule := range rules {
		verdicts[ri] = make([]verdict, len(subjects))
		for si, s := range subjects {
			v := except(rule, s)
			verdicts[ri][si] = v
			if v.excepted || s.cfg.unknown != "" {
				continue
			}
			k := strconv.Itoa(ri) + "\x00" + s.cfg.key
			if _, ok := first[k]; !ok {
				first[k] = len(jobs)
				jobs = append(jobs, job{ri, s})
			}
		}
	}
	results := make([]analysis.AccessNotGrantedResult, len(jobs))
	sets := &setCache{}
	err := parallel(len(jobs), func(i int) error {
		j := jobs[i]
		set, reason := sets.get(j.s.cfg)
		if reason != "" {
			results[i] = analysis.AccessNotGrantedResult{Status: analysis.Unknown, Reason: reason}
			return nil
		}
		r, err := analysis.AccessNotGrantedWith(set, rules[j.rule].Actions, rules[j.rule].Resources, analysis.Options{Budget: b, Bound: j.s.cfg.bound})
		results[i] = r
		return err
	})
	if err != nil {
		return out, err
	}
	out.Distinct = len(jobs)
	for _, r := range results {
		out.Spent += r.Spent
	}
	out.Passed = true
	for ri, rule := range rules {
		rr := RuleResult{Rule: rule, Passed: true}
		for si, s := range subjects {
			v := verdicts[ri][si]
			if v.excepted {
				continue
			}
			vi := Violation{Subject: s.Subject, Name: s.name, BeforeSCPs: s.beforeSCPs}
			if s.cfg.unknown != "" {
				vi.Status, vi.Reason = analysis.Unknown, s.cfg.unknown
			} else {
				r := results[first[strconv.Itoa(ri)+"\x00"+s.cfg.key]]
				vi.Status, vi.Reason, vi.Witnesses = r.Status, r.Reason, r.Witnesses
				if len(r.Witnesses) > 0 && v.unknown != "" && vi.Status == analysis.Complete {
					// Allowed, but whether the rule excepts it cannot be told.
					vi.Status, vi.Reason = analysis.Unknown, v.unknown
				}
			}
			switch {
			case vi.Status == analysis.Unknown:
				if rr.Status == analysis.Complete {
					rr.Status, rr.Reason = analysis.Unknown, s.String()+": "+vi.Reason
				}
			case len(vi.Witnesses) == 0:
				continue
			}
			rr.Passed = false
			rr.Violations = append(rr.Violations, vi)
		}
		rr.Passed = rr.Passed && rr.Status == analysis.Complete
		if rr.Status == analysis.Unknown && out.Status == analysis.Complete {
			out.Status, out.Reason = analysis.Unknown, rr.Reason
		}
		out.Passed = out.Passed && rr.Passed
		out.Rules = append(out.Rules, rr)
	}
	return out, nil
}

// except says whether the rule excepts the subject: one of its URNs matches one of the
// rule's patterns. When no known URN matches but one is not known (the account or the
// name is missing), it cannot be told.
func except(rule Forbidden, s *subject) (v struct {
	excepted bool
	unknown  string
}) {
	if len(rule.ExceptPrincipals) == 0 {
		return v
	}
	for _, urn := range s.urns {
		if urn == "" {
			if v.unknown == "" {
				v.unknown = "whether the rule excepts it cannot be told: its URN (account id or name) is not known"
			}
			continue
		}
		for _, p := range rule.ExceptPrincipals {
			if wildcard.MatchCase(p, urn) {
				v.excepted, v.unknown = true, ""
				return v
			}
		}
	}
	return v
}

package apicall

import (
	"fmt"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// Verdict is the answer of a comparison.
type Verdict string

// The verdicts.
const (
	// Equivalent: every request of every call both tables list is decided alike (proven
	// over the whole universe). Calls only one table lists are in Unmatched.
	Equivalent Verdict = "equivalent"
	// Different: Differences holds a witness of each way some call is decided differently.
	Different Verdict = "differences"
	// Unknown: the analysis hit its budget or a corner it cannot decide; Reason says which.
	// Differences found before are real.
	Unknown Verdict = "unknown"
)

// Difference is a request two sets decide differently, with the notes on its call.
type Difference struct {
	Call     Call
	Resource string
	Context  map[string][]string
	// Old and New are the first and the second set's decisions.
	Old, New evaluator.Decision
	// OldDenied and NewDenied are the actions each side's table requires for the call
	// that its set does not allow on this request (replayed through Decide).
	OldDenied, NewDenied []string
}

// Request returns the difference's request, to replay.
func (d Difference) Request() Request {
	return Request{Call: d.Call, Resource: d.Resource, Context: d.Context}
}

// UnmatchedCall is a call only one of the compared sets' tables lists: a difference no
// document can avoid, listed with what the set that decides it allows.
type UnmatchedCall struct {
	Call Call
	// KnownTo is the language whose table lists the call; Grant how much of it the set of
	// that language allows, and Allowed an allowed request (nil for none).
	KnownTo Language
	Grant   analysis.Grant
	Allowed *analysis.APIWitness
	// Reason cites the reference notes.
	Reason string
}

// Permission is how much of one call a set allows.
type Permission struct {
	Call    Call
	Known   bool
	Grant   analysis.Grant
	Allowed *analysis.APIWitness
}

// Comparison is the answer of Compare.
type Comparison struct {
	Verdict Verdict
	Reason  string // for Unknown
	Spent   int
	// Differences has, per call both tables list, a request the old set allows and the new
	// denies and one the reverse, when there are.
	Differences []Difference
	Unmatched   []UnmatchedCall
	// Old and New are each set's permission per call, in Calls order.
	Old, New []Permission
}

// Compare compares two sets of either language, old then next, over every request of
// every call, within budget b.
func Compare(old, next *Set, b analysis.Budget) (Comparison, error) {
	all := Calls()
	qs := make([]analysis.APICall, len(all))
	for i, c := range all {
		qs[i] = analysis.APICall{Name: c.Name(), Image: c.Image, Permissions: []*catalog.APIPermission{old.Permission(c), next.Permission(c)}}
	}
	res, err := analysis.DecideAPIs([]*evaluator.PolicySet{old.Policies, next.Policies}, qs, b)
	if err != nil {
		return Comparison{}, err
	}
	out := Comparison{Spent: res.Spent}
	for i, r := range res.Calls {
		c := all[i]
		out.Old = append(out.Old, Permission{Call: c, Known: r.Known[0], Grant: r.Grants[0], Allowed: r.Allowed[0]})
		out.New = append(out.New, Permission{Call: c, Known: r.Known[1], Grant: r.Grants[1], Allowed: r.Allowed[1]})
		switch {
		case r.Known[0] && r.Known[1]:
			for _, w := range r.Differences {
				d := Difference{Call: c, Resource: w.Resource, Context: w.Context, Old: w.Decisions[0], New: w.Decisions[1]}
				od, nd := old.Decide(d.Request()), next.Decide(d.Request())
				if od.Result.Decision != d.Old || nd.Result.Decision != d.New {
					return Comparison{}, fmt.Errorf("internal error: the witness for %s replays as %s/%s, not %s/%s", c.Name(), od.Result.Decision, nd.Result.Decision, d.Old, d.New)
				}
				d.OldDenied, d.NewDenied = od.Denied(), nd.Denied()
				out.Differences = append(out.Differences, d)
			}
		case r.Known[0] || r.Known[1]:
			side := 0
			if r.Known[1] {
				side = 1
			}
			lang := old.Lang
			if side == 1 {
				lang = next.Lang
			}
			out.Unmatched = append(out.Unmatched, UnmatchedCall{Call: c, KnownTo: lang, Grant: r.Grants[side], Allowed: r.Allowed[side], Reason: c.Unmatched()})
		}
	}
	out.Verdict, out.Reason = verdict(res.Status, res.Reason, len(out.Differences))
	return out, nil
}

// Effective says, within budget b, how much of each call of its table a set allows.
func Effective(s *Set, b analysis.Budget) ([]Permission, analysis.Status, string, error) {
	all := Calls()
	var qs []analysis.APICall
	var known []Call
	for _, c := range all {
		if p := s.Permission(c); p != nil {
			qs = append(qs, analysis.APICall{Name: c.Name(), Image: c.Image, Permissions: []*catalog.APIPermission{p}})
			known = append(known, c)
		}
	}
	res, err := analysis.DecideAPIs([]*evaluator.PolicySet{s.Policies}, qs, b)
	if err != nil {
		return nil, analysis.Unknown, "", err
	}
	out := make([]Permission, len(res.Calls))
	for i, r := range res.Calls {
		out[i] = Permission{Call: known[i], Known: true, Grant: r.Grants[0], Allowed: r.Allowed[0]}
	}
	return out, res.Status, res.Reason, nil
}

// verdict is a comparison's answer: unknown when the search stopped (the differences
// found are still real), different when it found any, else equivalent.
func verdict(status analysis.Status, reason string, differences int) (Verdict, string) {
	switch {
	case status == analysis.Unknown:
		return Unknown, reason
	case differences > 0:
		return Different, ""
	}
	return Equivalent, ""
}

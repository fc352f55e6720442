package analysis

import (
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// Witness choice. The universe gives every key the policies test values on every action,
// as it must: the catalog's associations of keys with actions are partly inferred (the
// seed lost cells), so a proof that left out requests carrying a key an action is not
// known to receive would rest on them. But such a request is one the service presumably
// never sends, so for each action the analysis prefers a witness that carries no such key,
// and says so on a witness that has to (Witness.UnassociatedKeys).

// unassociated is the sorted list of the keys present in states that the catalog does not
// associate with a's requests.
func unassociated(a actionUniverse, states []*keyState) []string {
	var out []string
	for _, s := range states {
		if s.present {
			if _, ok := catalog.NotReceivedBy(s.key.spelling, a.name); ok {
				out = append(out, s.key.spelling)
			}
		}
	}
	slices.Sort(out)
	return out
}

// finder keeps one kind of witness for an action: the first request found that carries no
// unassociated key, else the first found.
type finder struct {
	w *Witness
	// unreceived caches, for action, whether it is not known to receive each key: a
	// finder is offered every allowed request of an enumeration.
	action     string
	unreceived map[*keyInfo]bool
}

// offer considers a request of the kind; build makes its witness when it is kept.
func (f *finder) offer(a actionUniverse, states []*keyState, build func() *Witness) {
	if f.done() || f.w != nil && f.hasUnassociated(a, states) {
		return
	}
	f.w = build()
}

func (f *finder) hasUnassociated(a actionUniverse, states []*keyState) bool {
	if f.unreceived == nil || f.action != a.name {
		f.action, f.unreceived = a.name, map[*keyInfo]bool{}
	}
	for _, s := range states {
		if !s.present {
			continue
		}
		not, ok := f.unreceived[s.key]
		if !ok {
			not = !catalog.MayReceive(s.key.spelling, a.name)
			f.unreceived[s.key] = not
		}
		if not {
			return true
		}
	}
	return false
}

// done reports whether the finder holds a witness without unassociated keys.
func (f *finder) done() bool { return f.w != nil && len(f.w.UnassociatedKeys) == 0 }

// preference accounts for the search past the point where the first witnesses found would
// have ended it. That search has an allowance of its own, as large as the question's
// budget, and its spending is taken back from the question's meter: so a question's
// status, reason and Spent are what they would be without it, and its work is at most
// twice its budget. Once the allowance is spent (cut), witnesses are kept as first found,
// marked Unsearched.
type preference struct {
	meter     *meter
	allowance int
	spent     int
	from      int // meter.spent where the current search went past that point; -1 if not
	cut       bool
	// stopped is set when the current search ended for want of allowance.
	stopped bool
}

func (sp *space) preference() *preference {
	return &preference{meter: sp.meter, allowance: sp.meter.budget, from: -1}
}

// past marks the current search as past the point (from now on, its spending is the
// preference's).
func (p *preference) past() {
	if p.from < 0 {
		p.from = p.meter.spent
	}
}

// more is a visitor's answer: whether to go on, given that the search would end here
// without a preference (stop) and that every witness sought is without unassociated keys
// (done).
func (p *preference) more(stop, done bool) bool {
	switch {
	case !stop:
		return true
	case done:
		return false
	case p.cut:
		p.stopped = true
		return false
	}
	p.past()
	if p.spent+p.meter.spent-p.from >= p.allowance {
		p.cut, p.stopped = true, true
		return false
	}
	return true
}

// settle ends a search: the spending past the point moves to the preference, and a bound
// hit there (the question's meter running out) is the preference's, not the question's.
// The finders' witnesses that still carry unassociated keys are marked Unsearched when
// the search stopped at a bound, the preference's or the question's. It returns the error the question must see.
func (p *preference) settle(err error, fs ...*finder) error {
	if p.from >= 0 {
		p.spent += p.meter.spent - p.from
		p.meter.spent = p.from
		p.from = -1
		if _, bound := asBound(err); bound {
			err, p.cut, p.stopped = nil, true, true
		}
	}
	if _, bound := asBound(err); bound {
		p.stopped = true // the question's own bound: the search ended there too
	}
	for _, f := range fs {
		if f.w != nil && !f.done() && p.stopped {
			f.w.Unsearched = true
		}
	}
	p.stopped = false
	return err
}

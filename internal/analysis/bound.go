package analysis

import (
	"fmt"
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Bound keys. A question may be about the requests of one principal: then the keys that
// name the principal (g:PrincipalUrn, g:UserName, ...) are not free, they have the
// principal's values in every request. Options.Bound gives them. A bound key takes no part
// in the enumeration: no regions, no states; every request the evaluator decides carries
// exactly the bound values (a fragment appended to each context, per configuration), so
// that the decision on each request is the evaluator's on the real values and the proof
// stays a proof, over the smaller universe of the requests the principal can send. In the
// model a bound key's conditions are constant: a statement whose conditions test bound
// keys only is, for the search by parts, a statement without conditions (the evaluator
// still decides it, on the bound values).

// Bindings fixes condition keys to values: every request carries each key with exactly
// its values; a key bound to no values is absent from every request. Keys ignore case, as
// the evaluator's do.
type Bindings map[string][]string

// Options are a question's options.
type Options struct {
	Budget Budget
	// Bound are keys every request carries with these values (the principal's, for a
	// question about one principal's requests). In a comparison they are the
	// candidate's.
	Bound Bindings
	// ReferenceBound, in a comparison, are the reference's values of the same keys, when
	// they differ from Bound's (the principal's account moved to another OU); nil means
	// Bound. The witness's Context gives the candidate's values; its ReferenceDecision is
	// the reference's decision on the request with the reference's values.
	ReferenceBound Bindings
}

// boundSet is the bound keys of a question, per configuration.
type boundSet struct {
	lower  map[string]bool       // the bound keys, in lower case
	values []map[string][]string // per configuration: lower-case key -> values
	frags  [][]evaluator.Fragment
	differ bool // the configurations' values differ
}

// newBoundSet checks the bindings of n configurations (the candidate's first).
func newBoundSet(n int, cand, ref Bindings) (*boundSet, error) {
	if ref == nil {
		ref = cand
	}
	bs := &boundSet{lower: map[string]bool{}}
	read := func(b Bindings) (map[string][]string, []evaluator.Fragment, error) {
		vals := map[string][]string{}
		var frags []evaluator.Fragment
		for k, vs := range b {
			l := wildcard.Lower(k)
			if _, dup := vals[l]; dup {
				return nil, nil, fmt.Errorf("bound key %s is given twice", k)
			}
			vals[l] = vs
			if len(vs) > 0 {
				frags = append(frags, evaluator.NewFragment(k, vs))
			}
		}
		return vals, frags, nil
	}
	cv, cf, err := read(cand)
	if err != nil {
		return nil, err
	}
	rv, rf, err := read(ref)
	if err != nil {
		return nil, err
	}
	for l := range cv {
		bs.lower[l] = true
		if _, ok := rv[l]; !ok {
			return nil, fmt.Errorf("key %s is bound in the candidate but not in the reference", l)
		}
		if !slices.Equal(cv[l], rv[l]) {
			bs.differ = true
		}
	}
	for l := range rv {
		if !bs.lower[l] {
			return nil, fmt.Errorf("key %s is bound in the reference but not in the candidate", l)
		}
	}
	for i := range n {
		if i == 0 {
			bs.values, bs.frags = append(bs.values, cv), append(bs.frags, cf)
		} else {
			bs.values, bs.frags = append(bs.values, rv), append(bs.frags, rf)
		}
	}
	return bs, nil
}

// has reports whether a key (in lower case) is bound.
func (bs *boundSet) has(lower string) bool { return bs != nil && bs.lower[lower] }

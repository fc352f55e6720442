package client

import (
	"maps"
	"math/rand/v2"
	"testing"
)

// Applying TagChanges(have, want) to have gives want, over random tag maps, and touches no
// tag that is already as wanted.
func TestTagChangesTurnHaveIntoWant(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	random := func() map[string]string {
		m := map[string]string{}
		for range r.IntN(5) {
			m[string(rune('a'+r.IntN(6)))] = string(rune('0' + r.IntN(3)))
		}
		return m
	}
	for range 2000 {
		have, want := random(), random()
		set, unset := TagChanges(have, want)
		got := maps.Clone(have)
		for _, k := range unset {
			delete(got, k)
		}
		maps.Copy(got, set)
		if !maps.Equal(got, want) {
			t.Fatalf("have %v, want %v: set %v, unset %v gives %v", have, want, set, unset, got)
		}
		for k, v := range set {
			if have[k] == v {
				if _, ok := have[k]; ok {
					t.Fatalf("set %s=%s, which have already holds", k, v)
				}
			}
		}
	}
}

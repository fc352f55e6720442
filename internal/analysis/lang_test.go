package analysis

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// strings returns every string over alphabet up to length n.
func allStrings(alphabet string, n int) []string {
	out := []string{""}
	level := []string{""}
	for range n {
		var next []string
		for _, s := range level {
			for _, c := range alphabet {
				next = append(next, s+string(c))
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}

func signature(patterns []string, s string, match func(p, s string) bool) string {
	b := make([]bool, len(patterns))
	for i, p := range patterns {
		b[i] = match(p, s)
	}
	return boolsKey(b)
}

// The representatives of random `*`/`?` patterns show every combination of matches that
// any short string shows (brute force over an alphabet that includes a fresh letter and
// the other case), and each representative's combination is the one the wildcard package
// computes.
func TestRepresentativesAreComplete(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, fold := range []bool{false, true} {
		match, rule := wildcard.MatchCase, caseExact
		if fold {
			match, rule = wildcard.Match, caseName
		}
		for range 300 {
			var patterns []string
			for range 1 + r.IntN(4) {
				var b strings.Builder
				for range r.IntN(5) {
					b.WriteByte("ab*?A"[r.IntN(5)])
				}
				patterns = append(patterns, b.String())
			}
			var preds []pattern
			for _, p := range patterns {
				preds = append(preds, globPattern(p, rule))
			}
			reps, ok := newAutomaton(anyString{}, preds).representatives(nil, &meter{budget: 10000 * stateCost})
			if !ok {
				t.Fatalf("%q: bound", patterns)
			}
			got := map[string]bool{}
			for _, s := range reps {
				got[signature(patterns, s, match)] = true
			}
			if len(got) != len(reps) {
				t.Errorf("%q: representatives %q repeat a combination", patterns, reps)
			}
			for _, s := range allStrings("abAc", 6) {
				if sig := signature(patterns, s, match); !got[sig] {
					t.Fatalf("fold %v, patterns %q: %q matches %s, which no representative of %q does", fold, patterns, s, sig, reps)
				}
			}
		}
	}
}

// Literal, prefix and suffix languages as the string operators use them.
func TestStringOperatorRepresentatives(t *testing.T) {
	values := []string{"ab", "a*", "A", "", "ba"}
	ops := []string{"StringEquals", "StringEqualsIgnoreCase", "StringMatch", "StringStartWith", "StringEndWith"}
	compare := map[string]func(r, p string) bool{
		"StringEquals":           func(r, p string) bool { return r == p },
		"StringEqualsIgnoreCase": strings.EqualFold,
		"StringMatch":            func(r, p string) bool { return wildcard.MatchCase(p, r) },
		"StringStartWith":        strings.HasPrefix,
		"StringEndWith":          strings.HasSuffix,
	}
	var preds []pattern
	for _, op := range ops {
		for _, v := range values {
			p, _ := stringPattern(op, v)
			preds = append(preds, p)
		}
	}
	sig := func(s string) string {
		var b []bool
		for _, op := range ops {
			for _, v := range values {
				b = append(b, compare[op](s, v))
			}
		}
		return boolsKey(b)
	}
	reps, ok := newAutomaton(anyString{}, preds).representatives(values, &meter{budget: 10000 * stateCost})
	if !ok {
		t.Fatal("bound")
	}
	got := map[string]bool{}
	for _, s := range reps {
		got[sig(s)] = true
	}
	for _, s := range allStrings("abA*c", 4) {
		if !got[sig(s)] {
			t.Fatalf("%q shows %s, which no representative of %q does", s, sig(s), reps)
		}
	}
	if !slices.Contains(reps, "ab") {
		t.Errorf("the policy's own values come first: %q", reps)
	}
}

// The universes accept exactly what their definitions say.
func TestUniverses(t *testing.T) {
	defs := []struct {
		u  segments
		re *regexp.Regexp
	}{
		{imageURNs, regexp.MustCompile(`^ims:[a-z0-9][a-z0-9-]*:[A-Za-z0-9]+:image:[A-Za-z0-9][A-Za-z0-9._-]*$`)},
		{otherURNs, regexp.MustCompile(`^[^:\s]+:[^:\s]*:[^:\s]*:[^:\s]+:\S+$`)},
		{otherActions, regexp.MustCompile(`^[^:\s]+:[^:\s]+:[^:\s]+$`)},
	}
	r := rand.New(rand.NewPCG(3, 3))
	pieces := []string{"ims", "IMS", "Ims", "image", ":", "a", "Z", "0", "-", ".", "_", " ", "é", "x", "imsx", "im"}
	for i, d := range defs {
		for range 20000 {
			var b strings.Builder
			for range r.IntN(12) {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
			s := b.String()
			want := d.re.MatchString(s)
			if i == 2 {
				svc, _, _ := strings.Cut(s, ":")
				want = want && !strings.EqualFold(svc, "ims")
			}
			st, ok := d.u.start(), true
			for _, c := range s {
				if st = d.u.step(st, c); st < 0 {
					ok = false
					break
				}
			}
			if got := ok && d.u.accepts(st); got != want {
				t.Fatalf("universe %d: %q accepted %v, want %v", i, s, got, want)
			}
		}
	}
}

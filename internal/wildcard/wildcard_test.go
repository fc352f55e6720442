package wildcard

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "ims:images:get", true},
		{"ims:*", "ims:images:get", true},
		{"IMS:Images:GET", "ims:images:get", true},
		{"ims:images:get*", "ims:images:getTags", true},
		{"ims:images:get*", "ims:images:list", false},
		{"ims:images:???", "ims:images:get", true},
		{"ims:images:???", "ims:images:list", false},
		{"ims:*:list*", "ims:images:listOsVersion", true},
		{"ims:*:list*", "ims:quotas:get", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbYd", false},
		{"[ab]", "[ab]", true}, // brackets are literal, unlike path.Match
		{"a\\b", "a\\b", true},
		{"a/b*", "a/b/c", true},
		{"", "", true},
		{"", "a", false},
		{"?", "é", true},
		{"ÉTÉ", "ÉTÉ", true},
		{"été", "ÉTÉ", false}, // ASCII case only: names are ASCII
		{"ims:*", "imſ:images:addMember", false},
		{"ims:images:share", "imſ:images:share", false},
		{"ims:images:addMember", "ims:images:addMember\u212a", false},
		{"*k*", "\u212a", false}, // the Kelvin sign is not k
		{"?", "\u212a", true},
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 60), false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestMatchCase(t *testing.T) {
	if MatchCase("Prod*", "production") {
		t.Error("MatchCase must compare case-sensitively")
	}
	if !MatchCase("prod*", "production") {
		t.Error("MatchCase(prod*, production) = false")
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		Match("ims:images:*Tags", "ims:images:showImageTags")
	})
	if allocs != 0 {
		t.Fatalf("Match allocates %v times per call, want 0", allocs)
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("ims:*:get?", "ims:images:getX")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		// A pattern always matches itself once its wildcards are taken literally, and
		// `*` matches everything.
		if !HasWildcard(pattern) && !Match(pattern, pattern) {
			t.Fatalf("literal %q does not match itself", pattern)
		}
		if !Match("*", s) {
			t.Fatalf("* does not match %q", s)
		}
	})
}

// FuzzLiteralMatch: a pattern without wildcards, compared byte-wise by Match, MatchCase
// and compiled patterns, matches what the general character-by-character matcher does,
// invalid UTF-8 and non-ASCII case pairs included.
func FuzzLiteralMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{"ims:images:get", "IMS:Images:GET"},
		{"\xc3A", "\xc3a"},
		{"\xff", "\xfe"},
		{"\xef\xbf\xbd", "\xff"},
		{"é", "É"},
		{"imſ:x", "ims:x"},
		{"K", "k"},
		{"", "a"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if HasWildcard(pattern) {
			return
		}
		for _, fold := range []bool{true, false} {
			want := match(pattern, s, fold)
			got, compiled := MatchCase(pattern, s), Compile(pattern, fold)
			if fold {
				got = Match(pattern, s)
			}
			if got != want || compiled.Match(s) != want {
				t.Fatalf("%q against %q (fold %v): byte-wise %v, compiled %v, character by character %v", pattern, s, fold, got, compiled.Match(s), want)
			}
		}
	})
}

// FuzzCompiledMatchesMatch checks the compiled matcher against the general one.
func FuzzCompiledMatchesMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{"ims:*:acct:image:*", "ims:cn-north-4:acct:image:a"},
		{"IMS:*:ACCT:*", "ims:x:acct:y"},
		{"a*b*c", "abc"},
		{"*ab*ab*", "ab"},
		{"é*", "É1"},
		{"x?z", "xyz"},
		{"", ""},
		{"**", "a"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if p, want := Compile(pattern, true), Match(pattern, s); p.Match(s) != want {
			got := !want
			t.Fatalf("Compile(%q, fold).Match(%q) = %v, Match = %v", pattern, s, got, want)
		}
		if p, want := Compile(pattern, false), MatchCase(pattern, s); p.Match(s) != want {
			got := !want
			t.Fatalf("Compile(%q).Match(%q) = %v, MatchCase = %v", pattern, s, got, want)
		}
	})
}

func TestCompiledMatchDoesNotAllocate(t *testing.T) {
	p := Compile("ims:*:acct:image:*", false)
	if allocs := testing.AllocsPerRun(100, func() { p.Match("ims:cn-north-4:acct:image:abc") }); allocs != 0 {
		t.Fatalf("allocates %v times", allocs)
	}
}

// foldAlphabet mixes ASCII letters with non-ASCII characters that Unicode folds into them
// or together (ſ with s, K with k, İ/ı with i, ß, Å/Å), and wildcards.
var foldAlphabet = []rune("aAsSkKiI:*?ſ\u212aİıßẞÅ\u212béÉ")

func randomString(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(foldAlphabet[r.IntN(len(foldAlphabet))])
	}
	return b.String()
}

// asciiLower is the case rule written independently: only A-Z change.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// TestCaseRuleIsASCII checks, over generated strings, that EqualFold, Lower and the
// folding matchers follow one rule, ASCII folding, and that no non-ASCII character ever
// equals an ASCII one.
func TestCaseRuleIsASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 2))
	for range 20000 {
		a, b := randomString(r, r.IntN(6)), randomString(r, r.IntN(6))
		if r.IntN(3) == 0 { // often the same string in another case
			b = strings.Map(func(c rune) rune {
				if r.IntN(2) == 0 {
					return unicode.SimpleFold(c)
				}
				return c
			}, a)
		}
		want := asciiLower(a) == asciiLower(b)
		if got := EqualFold(a, b); got != want {
			t.Fatalf("EqualFold(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got := Lower(a) == Lower(b); got != want {
			t.Fatalf("Lower(%q) == Lower(%q) is %v, want %v", a, b, got, want)
		}
		if Lower(a) != asciiLower(a) {
			t.Fatalf("Lower(%q) = %q, want %q", a, Lower(a), asciiLower(a))
		}
		if !HasWildcard(a) {
			if got := Match(a, b); got != want {
				t.Fatalf("Match(%q, %q) = %v, want %v", a, b, got, want)
			}
			if p := Compile(a, true); p.Match(b) != want {
				t.Fatalf("Compile(%q, fold).Match(%q) = %v, want %v", a, b, !want, want)
			}
		}
		if got := HasPrefixFold(b, a); got != strings.HasPrefix(asciiLower(b), asciiLower(a)) {
			t.Fatalf("HasPrefixFold(%q, %q) = %v", b, a, got)
		}
	}
	// Every character Unicode folds into an ASCII letter stays different from it.
	for c := 'a'; c <= 'z'; c++ {
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			if f >= utf8.RuneSelf && (Match(string(c), string(f)) || EqualFold(string(c), string(f)) || Lower(string(f)) == string(c)) {
				t.Errorf("%q folds into %q", f, c)
			}
		}
	}
}

// TestSimplify: a simplified pattern matches exactly what the pattern matches, over
// generated patterns and strings of a small alphabet (a brute force), and runs of
// wildcards come out in the one order.
func TestSimplify(t *testing.T) {
	for in, want := range map[string]string{
		"ims:images:**": "ims:images:*", "a*?b": "a?*b", "a?*b": "a?*b", "*?*?": "??*", "a??b": "a??b", "abc": "abc", "": "",
	} {
		if got := Simplify(in); got != want {
			t.Errorf("Simplify(%q) = %q, want %q", in, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(alphabet string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	changed := 0
	for range 20000 {
		p := pick("ab*?", r.IntN(7))
		sp := Simplify(p)
		if sp != p {
			changed++
		}
		if Simplify(sp) != sp {
			t.Fatalf("Simplify(%q) = %q is not a fixed point", p, sp)
		}
		for range 8 {
			s := pick("abA", r.IntN(6))
			if Match(p, s) != Match(sp, s) || MatchCase(p, s) != MatchCase(sp, s) {
				t.Fatalf("%q and its simplification %q disagree on %q", p, sp, s)
			}
		}
	}
	if changed < 1000 {
		t.Fatalf("only %d patterns simplified: the test shows little", changed)
	}
}

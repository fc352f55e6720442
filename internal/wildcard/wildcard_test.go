package wildcard

import (
	"strings"
	"testing"
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
		{"ÉTÉ", "été", true},
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

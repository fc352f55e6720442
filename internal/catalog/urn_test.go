package catalog_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// patternRE is the wildcard pattern as a regular expression, the oracle's matcher.
func patternRE(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^`)
	for _, c := range []byte(p) {
		switch c {
		case '*':
			b.WriteString(`(?s:.*)`)
		case '?':
			b.WriteString(`(?s:.)`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// witness is the brute-force oracle: it tries every way of giving the pattern's stars
// lengths that make it 36 characters long, fills each star and '?' with a character the
// UUID takes at that position, and returns the first candidate that both regular
// expressions accept, or "".
func witness(p string) string {
	stars, fixed := strings.Count(p, "*"), len(p)-strings.Count(p, "*")
	if fixed > 36 {
		return ""
	}
	fill := func(j int) byte {
		if j == 8 || j == 13 || j == 18 || j == 23 {
			return '-'
		}
		return 'a'
	}
	re := patternRE(p)
	var try func(lengths []int, left int) string
	try = func(lengths []int, left int) string {
		if len(lengths) == stars {
			if left != 0 {
				return ""
			}
			var b []byte
			k := 0
			for _, c := range []byte(p) {
				switch c {
				case '*':
					for n := lengths[k]; n > 0; n-- {
						b = append(b, fill(len(b)))
					}
					k++
				case '?':
					b = append(b, fill(len(b)))
				default:
					b = append(b, c)
				}
			}
			if s := string(b); uuidRE.MatchString(s) && re.MatchString(s) {
				return s
			}
			return ""
		}
		for n := 0; n <= left; n++ {
			if s := try(append(lengths, n), left-n); s != "" {
				return s
			}
		}
		return ""
	}
	return try(nil, 36-fixed)
}

func TestImageIDCanMatch(t *testing.T) {
	for p, want := range map[string]bool{
		"*": true, "?*": true, "33ad552d-1149-471c-8190-ff6776174a00": true, "33ad552d-*": true,
		"*-ff6776174a00": true, "????????-????-????-????-????????????": true, "*a00": true,
		"golden-*": false, "golden": false, "": false, "33AD552D-*": false, "*-*-*-*-*-*": false,
		"33ad552d1149*": false, "???????????????????????????????????": false, // 35 characters
		"?????????????????????????????????????": false, "*g*": false, "*é*": false,
	} {
		if got := catalog.ImageIDCanMatch(p); got != want {
			t.Errorf("ImageIDCanMatch(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestImageIDCanMatchOracle compares ImageIDCanMatch with the brute-force oracle on
// generated patterns: random masks of real UUIDs (which must match) and random strings
// over the characters that matter (hex digits, '-', a letter beyond hex, upper case,
// wildcards).
func TestImageIDCanMatchOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 3))
	const hex = "0123456789abcdef"
	uuid := func() []byte {
		b := make([]byte, 36)
		for i := range b {
			b[i] = hex[r.IntN(16)]
		}
		for _, i := range []int{8, 13, 18, 23} {
			b[i] = '-'
		}
		return b
	}
	check := func(p string) {
		t.Helper()
		w := witness(p)
		if got := catalog.ImageIDCanMatch(p); got != (w != "") {
			t.Fatalf("ImageIDCanMatch(%q) = %v, but the oracle's witness is %q", p, got, w)
		}
	}
	matched := 0
	for range 3000 {
		// A UUID with random spans replaced by '*' or '?': always matchable.
		b := uuid()
		var p []byte
		for i := 0; i < len(b); {
			switch r.IntN(6) {
			case 0:
				if strings.Count(string(p), "*") == 3 {
					continue
				}
				p = append(p, '*')
				i += r.IntN(8)
			case 1:
				p = append(p, '?')
				i++
			default:
				p = append(p, b[i])
				i++
			}
		}
		if !catalog.ImageIDCanMatch(string(p)) {
			t.Fatalf("ImageIDCanMatch(%q) = false for a mask of %q", p, b)
		}
		check(string(p))

		// Random patterns; at most 3 stars keeps the oracle quick.
		const alphabet = "0a9f-gA**??"
		n := r.IntN(40)
		q := make([]byte, 0, n)
		for range n {
			c := alphabet[r.IntN(len(alphabet))]
			if c == '*' && strings.Count(string(q), "*") == 3 {
				c = '?'
			}
			q = append(q, c)
		}
		if catalog.ImageIDCanMatch(string(q)) {
			matched++
		}
		check(string(q))
	}
	if matched == 0 {
		t.Fatal("no random pattern could match: the generator tests only one side")
	}
}

func BenchmarkImageIDCanMatch(b *testing.B) {
	for b.Loop() {
		catalog.ImageIDCanMatch("golden-*-release-??")
	}
}

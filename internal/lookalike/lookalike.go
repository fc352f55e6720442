// Package lookalike makes names that look like others to Unicode case folding but are
// other names under the ASCII case rule, for the tests of that rule (catalog, evaluator).
package lookalike

import (
	"unicode"
	"unicode/utf8"
)

// Variants returns s with one ASCII letter replaced by a non-ASCII character that Unicode
// case folding equates with it (ſ for s, the Kelvin sign for k, ...), for every such
// letter and character.
func Variants(s string) []string {
	var out []string
	for i, c := range s {
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			if c < utf8.RuneSelf && f >= utf8.RuneSelf {
				out = append(out, s[:i]+string(f)+s[i+1:])
			}
		}
	}
	return out
}

// Package wildcard matches the `*` and `?` patterns of Huawei Cloud policies.
//
// Written by hand because path.Match and filepath.Match give `[`, `\` and `/` special
// meanings that policy patterns do not have, and because the evaluator needs a matcher
// that neither allocates nor backtracks exponentially.
package wildcard

import (
	"strings"
	"unicode/utf8"
)

// Match reports whether s matches pattern, where `*` matches any run of characters
// (including none) and `?` exactly one character. The comparison ignores case.
func Match(pattern, s string) bool { return match(pattern, s, true) }

// MatchCase is Match with a case-sensitive comparison (StringMatch conditions).
func MatchCase(pattern, s string) bool { return match(pattern, s, false) }

// HasWildcard reports whether pattern contains `*` or `?`.
func HasWildcard(pattern string) bool { return strings.ContainsAny(pattern, "*?") }

// match is the classic linear-time greedy matcher: on a mismatch it returns to the most
// recent `*` and lets it swallow one more character.
func match(pattern, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch pc := pattern[p]; pc {
			case '*':
				starP, starI = p, i
				p++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[i:])
				p++
				i += n
				continue
			default:
				pr, pn := utf8.DecodeRuneInString(pattern[p:])
				sr, sn := utf8.DecodeRuneInString(s[i:])
				if pr == sr || (fold && equalFold(pr, sr)) {
					p += pn
					i += sn
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starI:])
		starI += n
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func equalFold(a, b rune) bool {
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	return strings.EqualFold(string(a), string(b))
}

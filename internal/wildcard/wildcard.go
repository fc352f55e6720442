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
				// Identical bytes match; otherwise two characters that fold together (never
				// two invalid bytes, which both decode as RuneError).
				if pattern[p:p+pn] == s[i:i+sn] || (fold && pr != utf8.RuneError && sr != utf8.RuneError && equalFold(pr, sr)) {
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

// Pattern is a pattern compiled for repeated matching: a pattern without wildcards is
// compared whole, and a case-sensitive one with only `*` is matched piece by piece with
// string searches; the rest use the general matcher.
type Pattern struct {
	raw    string
	fold   bool
	pieces []string // the pattern split at '*', for starsOnly
	kind   patternKind
}

type patternKind uint8

const (
	literal patternKind = iota
	anything
	starsOnly
	general
)

// Compile prepares pattern for Match (fold: ignore case) or MatchCase semantics.
func Compile(pattern string, fold bool) Pattern {
	p := Pattern{raw: pattern, fold: fold}
	switch {
	case !HasWildcard(pattern):
		p.kind = literal
	case strings.Trim(pattern, "*") == "":
		p.kind = anything
	case !fold && !strings.Contains(pattern, "?") && utf8.ValidString(pattern):
		p.kind, p.pieces = starsOnly, strings.Split(pattern, "*")
	default:
		p.kind = general
	}
	return p
}

// Literal returns the string a case-sensitive pattern without wildcards matches, and
// whether it is one.
func (p *Pattern) Literal() (string, bool) { return p.raw, p.kind == literal && !p.fold }

// MatchesEverything reports whether the pattern matches every string ("*", "**").
func (p *Pattern) MatchesEverything() bool { return p.kind == anything }

// String returns the pattern as written.
func (p *Pattern) String() string { return p.raw }

// Match reports whether s matches the compiled pattern. It does not allocate.
func (p *Pattern) Match(s string) bool {
	switch {
	case p.kind == literal && !p.fold:
		return p.raw == s
	case p.kind == anything:
		return true
	case p.kind == starsOnly:
		return p.matchPieces(s)
	default:
		return match(p.raw, s, p.fold)
	}
}

// matchPieces matches "a*b*c": s starts with a, ends with c, and holds b in between.
func (p *Pattern) matchPieces(s string) bool {
	first, last := p.pieces[0], p.pieces[len(p.pieces)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, piece := range p.pieces[1 : len(p.pieces)-1] {
		i := strings.Index(s, piece)
		if i < 0 {
			return false
		}
		s = s[i+len(piece):]
	}
	return true
}

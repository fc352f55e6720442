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
// (including none) and `?` exactly one character. The comparison ignores ASCII case only
// (see EqualFold): it is the matcher of action names.
func Match(pattern, s string) bool {
	if !HasWildcard(pattern) {
		return EqualFold(pattern, s) // what match decides, byte-wise (see literalEqual)
	}
	return match(pattern, s, true)
}

// MatchCase is Match with a case-sensitive comparison (StringMatch conditions).
func MatchCase(pattern, s string) bool {
	if !HasWildcard(pattern) {
		return pattern == s
	}
	return match(pattern, s, false)
}

// A pattern without wildcards matches exactly the strings EqualFold (or, case-sensitive,
// ==) equates with it, so Match compares such patterns byte-wise instead of character by
// character: match compares characters by their bytes, or as ASCII letters of another
// case, and an ASCII byte is never part of another character, so both sides split into
// the same characters (invalid bytes included) exactly when EqualFold holds.
// FuzzLiteralMatch checks it.

// Simplify writes pattern in the one form of the patterns that match exactly the same
// strings by their wildcards: each run of `*` and `?` becomes its `?`s followed by one `*`
// when it has any (`**` is `*`, `*?` and `?*` are `?*`), for a run of k `?` and some `*`
// matches any k or more characters, and a run without `*` exactly k.
func Simplify(pattern string) string {
	if !strings.Contains(pattern, "*") {
		return pattern
	}
	var b strings.Builder
	b.Grow(len(pattern))
	for i := 0; i < len(pattern); {
		if pattern[i] != '*' && pattern[i] != '?' {
			b.WriteByte(pattern[i])
			i++
			continue
		}
		questions, star := 0, false
		for ; i < len(pattern) && (pattern[i] == '*' || pattern[i] == '?'); i++ {
			if pattern[i] == '?' {
				questions++
			} else {
				star = true
			}
		}
		b.WriteString(strings.Repeat("?", questions))
		if star {
			b.WriteByte('*')
		}
	}
	return b.String()
}

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
				// Identical bytes match; otherwise two ASCII letters that differ only in case.
				if pattern[p:p+pn] == s[i:i+sn] || (fold && equalFold(pr, sr)) {
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

// equalFold compares two characters under the ASCII case rule (see EqualFold).
func equalFold(a, b rune) bool {
	return a < utf8.RuneSelf && b < utf8.RuneSelf && lowerByte(byte(a)) == lowerByte(byte(b))
}

// The case rule of names. Action names, condition key names and the other names of the
// vendor's catalog are ASCII, and they ignore case by ASCII folding only: A-Z equal a-z and
// every other character equals only itself. Unicode folding would make names the catalog
// does not know equal to names it does (ſ, the long s, folds into s; K, the Kelvin sign,
// into k), so that "imſ:images:addMember" matched "ims:*" yet escaped every rule the
// catalog keys by name. Every comparison of names uses EqualFold, Lower or Match.

// EqualFold reports whether a and b are equal ignoring ASCII case. Unlike strings.EqualFold
// it never folds a non-ASCII character into an ASCII one.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerByte(a[i]) != lowerByte(b[i]) {
			return false
		}
	}
	return true
}

// Lower returns s with its ASCII upper-case letters lowered and every other byte kept:
// the key under which EqualFold names are equal. It does not allocate when s has no
// upper-case ASCII letter.
func Lower(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		b[i] = lowerByte(b[i])
	}
	return string(b)
}

// LowerInto is Lower(s) written into buf when it fits, so that a map lookup by
// string(LowerInto(...)) does not allocate; a longer s is lowered on the heap.
func LowerInto(buf []byte, s string) []byte {
	if len(s) > len(buf) {
		return []byte(Lower(s))
	}
	b := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		b[i] = lowerByte(s[i])
	}
	return b
}

// HasPrefixFold reports whether s begins with prefix, ignoring ASCII case.
func HasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && EqualFold(s[:len(prefix)], prefix)
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
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
	case p.kind == literal:
		return EqualFold(p.raw, s)
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

package analysis

// Regions of a string dimension (action names of other services, resource URNs, string
// condition values). Every predicate the evaluator applies to such a string is a `*`/`?`
// pattern, a literal, a prefix or a suffix, each a regular language; the universe of the
// dimension (well-formed URNs, well-formed action names, any string) is one too. The
// product automaton of all of them, explored breadth first, reaches every combination of
// "which predicates accept" that some string of the universe has, and one string per
// combination is a complete set of representatives.
//
// Why the finite alphabet is enough: two characters that the universe classifies alike
// and that every literal character of every predicate matches alike (equal, or equal under
// the predicate's case rule) drive every automaton through the same transitions, so one
// character per class suffices. The candidates are ASCII, the predicates' own characters
// with their case-folding orbits (unicode.SimpleFold), and one non-ASCII character that is
// none of them: any other character matches no literal under any case rule (it is in no
// orbit) and so belongs to that last one's class.

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

type tokenKind uint8

const (
	tokLiteral tokenKind = iota
	tokOne               // `?`: any one character
	tokStar              // `*`: any run of characters
)

// caseRule is how a literal character of a predicate matches a string's character.
type caseRule uint8

const (
	caseExact caseRule = iota // byte equality: resources, StringEquals, StringMatch, ...
	caseName                  // the evaluator's rule for action names (wildcard.Match)
	caseText                  // StringEqualsIgnoreCase (strings.EqualFold)
)

type token struct {
	kind tokenKind
	r    rune
	rule caseRule
}

// pattern is a predicate over strings as a sequence of tokens.
type pattern []token

// globPattern reads `*` and `?` as wildcards, as wildcard.Match and MatchCase do.
func globPattern(s string, rule caseRule) pattern {
	var p pattern
	for _, r := range s {
		switch r {
		case '*':
			p = append(p, token{kind: tokStar})
		case '?':
			p = append(p, token{kind: tokOne})
		default:
			p = append(p, token{kind: tokLiteral, r: r, rule: rule})
		}
	}
	return p
}

// literalPattern matches s itself (under rule); `*` and `?` are ordinary characters.
func literalPattern(s string, rule caseRule) pattern {
	var p pattern
	for _, r := range s {
		p = append(p, token{kind: tokLiteral, r: r, rule: rule})
	}
	return p
}

func prefixPattern(s string) pattern {
	return append(literalPattern(s, caseExact), token{kind: tokStar})
}
func suffixPattern(s string) pattern {
	return append(pattern{{kind: tokStar}}, literalPattern(s, caseExact)...)
}

// charMatches reports whether a literal character p of a predicate matches c. caseName
// asks the evaluator's own matcher, so that the action-name case rule lives in one place.
func charMatches(p, c rune, rule caseRule) bool {
	switch rule {
	case caseName:
		return wildcard.Match(string(p), string(c))
	case caseText:
		return strings.EqualFold(string(p), string(c))
	}
	return p == c
}

// universe is a deterministic automaton of the strings a dimension may hold.
type universe interface {
	start() int
	step(state int, r rune) int // -1: no string of the universe continues so
	accepts(state int) bool
	// class returns the same value for characters that step alike in every state.
	class(r rune) int
}

// anyString is the universe of condition values: every string.
type anyString struct{}

func (anyString) start() int         { return 0 }
func (anyString) step(int, rune) int { return 0 }
func (anyString) accepts(int) bool   { return true }
func (anyString) class(rune) int     { return 0 }

// Character sets of the universes.
func isSpace(r rune) bool          { return unicode.IsSpace(r) }
func isLowerDigit(r rune) bool     { return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' }
func isAlnum(r rune) bool          { return isLowerDigit(r) || 'A' <= r && r <= 'Z' }
func notSpaceColon(r rune) bool    { return r != ':' && !isSpace(r) }
func notSpace(r rune) bool         { return !isSpace(r) }
func isLowerDigitDash(r rune) bool { return isLowerDigit(r) || r == '-' }
func isImageIDChar(r rune) bool    { return isAlnum(r) || r == '.' || r == '_' || r == '-' }

func (s segment) allows(r rune, first bool) bool {
	if first && s.first != nil {
		return s.first(r)
	}
	return s.rest(r)
}

// segment is a literal, or a run of characters (first and rest say which).
type segment struct {
	lit      string
	first    func(rune) bool // nil: as rest
	rest     func(rune) bool
	optional bool // the run may be empty
	// exclude is a word the run may not be, in any ASCII case ("ims": other services).
	exclude string
}

// segments is a universe of strings made of segments in order. A run ends where the next
// literal begins: no universe here has a run that may hold its next literal's first
// character (NewURN's path, which may hold ':', is last).
type segments []segment

// States are seg*stride + sub: for a literal, sub is the characters read; for a run, 0 is
// empty, 1 non-empty, and 2+k non-empty and equal so far to the first k of exclude.
const stride = 256

func (g segments) start() int { return 0 }

func (g segments) step(state int, r rune) int {
	i, sub := state/stride, state%stride
	for i < len(g) {
		s := g[i]
		if s.lit != "" {
			if rune(s.lit[sub]) != r {
				return -1
			}
			if sub+1 == len(s.lit) {
				return (i + 1) * stride
			}
			return i*stride + sub + 1
		}
		if s.allows(r, sub == 0) {
			switch {
			case s.exclude == "":
				return i*stride + 1
			case sub == 0 && lowerASCII(rune(s.exclude[0])) == lowerASCII(r):
				return i*stride + 3
			case sub >= 2 && sub-2 < len(s.exclude) && lowerASCII(rune(s.exclude[sub-2])) == lowerASCII(r):
				return i*stride + sub + 1
			}
			return i*stride + 1
		}
		if !g.canEnd(s, sub) {
			return -1
		}
		i, sub = i+1, 0
	}
	return -1
}

func (g segments) canEnd(s segment, sub int) bool {
	if s.lit != "" {
		return false
	}
	if sub == 0 {
		return s.optional
	}
	return s.exclude == "" || sub != 2+len(s.exclude)
}

func (g segments) accepts(state int) bool {
	i, sub := state/stride, state%stride
	if i == len(g) {
		return true
	}
	return i == len(g)-1 && g.canEnd(g[i], sub)
}

func (g segments) class(r rune) int {
	c := 0
	for i, s := range g {
		if strings.ContainsRune(s.lit, r) || s.exclude != "" && strings.ContainsRune(s.exclude, lowerASCII(r)) {
			return 1<<20 + int(r)
		}
		if s.rest != nil && s.allows(r, true) {
			c |= 1 << (2 * i)
		}
		if s.rest != nil && s.rest(r) {
			c |= 1 << (2*i + 1)
		}
	}
	return c
}

func lowerASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

var (
	// imageURNs are the well-formed image URNs, ims:<region>:<account-id>:image:<image-id>,
	// by the rules of catalog.ImageURN without its wildcards.
	imageURNs = segments{
		{lit: "ims:"}, {first: isLowerDigit, rest: isLowerDigitDash}, {lit: ":"},
		{rest: isAlnum}, {lit: ":image:"}, {first: isAlnum, rest: isImageIDChar},
	}
	// otherURNs are the URNs catalog.ParseURN accepts: five parts, the service, type and
	// path non-empty, no white space; the path may hold ':'.
	otherURNs = segments{
		{rest: notSpaceColon}, {lit: ":"}, {rest: notSpaceColon, optional: true}, {lit: ":"},
		{rest: notSpaceColon, optional: true}, {lit: ":"}, {rest: notSpaceColon}, {lit: ":"}, {rest: notSpace},
	}
	// otherActions are the well-formed service:type:operation names of services other than
	// IMS (a name whose service is "ims" in any ASCII case is an IMS name).
	otherActions = segments{
		{rest: notSpaceColon, exclude: "ims"}, {lit: ":"}, {rest: notSpaceColon}, {lit: ":"}, {rest: notSpaceColon},
	}
)

// automaton is the product of a universe and predicates.
type automaton struct {
	u     universe
	preds []pattern
	offs  []int // word offset of each predicate's position set
	words int
	chars []rune // one character per class, most readable first
	// litIDs[pred][pos] numbers each literal token's character and rule; table[c][id]
	// says whether it matches alphabet character c.
	litIDs [][]int
	table  [][]bool
	stars  [][]int // each predicate's star positions, ascending
}

func newAutomaton(u universe, preds []pattern) *automaton {
	a := &automaton{u: u, preds: preds}
	for _, p := range preds {
		a.offs = append(a.offs, a.words)
		a.words += (len(p) + 1 + 63) / 64
		var stars []int
		for pos, t := range p {
			if t.kind == tokStar {
				stars = append(stars, pos)
			}
		}
		a.stars = append(a.stars, stars)
	}
	a.chars = alphabet(u, preds)
	// table[char][literal]: does the literal character match the alphabet character.
	type lit struct {
		r    rune
		rule caseRule
	}
	ids := map[lit]int{}
	var lits []lit
	for _, p := range preds {
		idp := make([]int, len(p))
		for pos, t := range p {
			if t.kind != tokLiteral {
				continue
			}
			l := lit{t.r, t.rule}
			id, ok := ids[l]
			if !ok {
				id = len(lits)
				ids[l] = id
				lits = append(lits, l)
			}
			idp[pos] = id
		}
		a.litIDs = append(a.litIDs, idp)
	}
	for _, c := range a.chars {
		row := make([]bool, len(lits))
		for j, l := range lits {
			row[j] = charMatches(l.r, c, l.rule)
		}
		a.table = append(a.table, row)
	}
	return a
}

// preferred orders candidate characters: fresh values read as "x", "y", "z".
const preferred = "xyzabcdefghijklmnopqrstuvw0123456789-_.ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// freshNonASCII are characters one of which stands for every character that is neither
// ASCII nor in a predicate (all NFC-stable, one code point each).
var freshNonASCII = []rune{'é', 'ø', 'ж', 'λ', 'ß', 'ñ'}

// alphabet returns one character per class of candidates (see the file comment).
func alphabet(u universe, preds []pattern) []rune {
	seen := map[rune]bool{}
	var cands []rune
	add := func(r rune) {
		if !seen[r] {
			seen[r] = true
			cands = append(cands, r)
		}
	}
	for _, r := range preferred {
		add(r)
	}
	for r := rune(0x20); r < 0x7f; r++ {
		add(r)
	}
	type lit struct {
		r    rune
		rule caseRule
	}
	var lits []lit
	litSeen := map[lit]bool{}
	for _, p := range preds {
		for _, t := range p {
			if t.kind != tokLiteral {
				continue
			}
			if l := (lit{t.r, t.rule}); !litSeen[l] {
				litSeen[l] = true
				lits = append(lits, l)
			}
			add(t.r)
			for f := unicode.SimpleFold(t.r); f != t.r; f = unicode.SimpleFold(f) {
				add(f)
			}
		}
	}
	for _, r := range freshNonASCII {
		if !seen[r] {
			add(r)
			break
		}
	}
	classes := map[string]bool{}
	var out []rune
	for _, c := range cands {
		if !utf8.ValidRune(c) {
			continue
		}
		var b strings.Builder
		b.WriteString(strconv.Itoa(u.class(c)))
		for _, l := range lits {
			if charMatches(l.r, c, l.rule) {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		if k := b.String(); !classes[k] {
			classes[k] = true
			out = append(out, c)
		}
	}
	return out
}

func (a *automaton) initial() []uint64 {
	bits := make([]uint64, a.words)
	for i := range a.preds {
		a.set(bits, i, 0)
		a.close(bits, i)
	}
	return bits
}

func (a *automaton) set(bits []uint64, pred, pos int) {
	bits[a.offs[pred]+pos/64] |= 1 << (pos % 64)
}

func (a *automaton) has(bits []uint64, pred, pos int) bool {
	return bits[a.offs[pred]+pos/64]&(1<<(pos%64)) != 0
}

// close adds, after each `*` reached, the position past it (a star may match nothing);
// stars in ascending order, so that a run of stars closes in one pass.
func (a *automaton) close(bits []uint64, pred int) {
	for _, pos := range a.stars[pred] {
		if a.has(bits, pred, pos) {
			a.set(bits, pred, pos+1)
		}
	}
}

// next returns the position sets after reading c; ci is c's index in a.chars, or -1.
func (a *automaton) next(bits []uint64, c rune, ci int) []uint64 {
	return a.nextInto(make([]uint64, a.words), bits, c, ci)
}

// nextInto is next writing into out, which it clears first.
func (a *automaton) nextInto(out, bits []uint64, c rune, ci int) []uint64 {
	clear(out)
	for i, p := range a.preds {
		off, n := a.offs[i], (len(p)+1+63)/64
		live := false
		for w := range n {
			for word := bits[off+w]; word != 0; word &= word - 1 {
				pos := w*64 + bits64TrailingZeros(word)
				if pos >= len(p) {
					continue
				}
				switch t := &p[pos]; {
				case t.kind == tokStar:
					a.set(out, i, pos)
				case t.kind == tokOne, ci >= 0 && a.table[ci][a.litIDs[i][pos]], ci < 0 && charMatches(t.r, c, t.rule):
					a.set(out, i, pos+1)
				}
				live = true
			}
		}
		if live {
			a.close(out, i)
		}
	}
	return out
}

func bits64TrailingZeros(w uint64) int { return bits.TrailingZeros64(w) }

// accepted reports which predicates accept, as a string key.
func (a *automaton) accepted(bits []uint64) []bool {
	out := make([]bool, len(a.preds))
	for i, p := range a.preds {
		out[i] = a.has(bits, i, len(p))
	}
	return out
}

func boolsKey(bs []bool) string {
	b := make([]byte, len(bs))
	for i, v := range bs {
		b[i] = '0'
		if v {
			b[i] = '1'
		}
	}
	return string(b)
}

// appendKey appends a state's key: the universe state, then each non-zero word with
// its index, so that keys stay short when most predicates are dead.
func appendKey(b []byte, us int, bits []uint64) []byte {
	b = binary.AppendUvarint(b, uint64(us))
	for i, w := range bits {
		if w != 0 {
			b = binary.AppendUvarint(b, uint64(i))
			b = binary.LittleEndian.AppendUint64(b, w)
		}
	}
	return b
}

// run reads s and returns the universe state and position sets, or false when s is not
// a prefix of a string of the universe.
func (a *automaton) run(s string) (int, []uint64, bool) {
	us, bits := a.u.start(), a.initial()
	for _, c := range s {
		if us = a.u.step(us, c); us < 0 {
			return 0, nil, false
		}
		bits = a.next(bits, c, -1)
	}
	return us, bits, true
}

// representatives returns one string of the universe for each combination of accepting
// predicates that some string of the universe has: the seeds first (strings taken from
// the policies read best), then the shortest strings a breadth-first walk of the product
// finds. Each state of the product costs stateCost of the budget m; it reports false when
// the budget runs out.
func (a *automaton) representatives(seeds []string, m *meter) ([]string, bool) {
	var reps []string
	signatures := map[string]bool{}
	consider := func(s string, us int, bits []uint64) {
		if !a.u.accepts(us) {
			return
		}
		if k := boolsKey(a.accepted(bits)); !signatures[k] {
			signatures[k] = true
			reps = append(reps, s)
		}
	}
	for _, s := range seeds {
		if us, bits, ok := a.run(s); ok {
			consider(s, us, bits)
		}
	}
	type item struct {
		s    string
		us   int
		bits []uint64
	}
	start := item{"", a.u.start(), a.initial()}
	visited := map[string]bool{string(appendKey(nil, start.us, start.bits)): true}
	queue := []item{start}
	scratch := make([]uint64, a.words)
	var key []byte
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		consider(it.s, it.us, it.bits)
		for ci, c := range a.chars {
			us := a.u.step(it.us, c)
			if us < 0 {
				continue
			}
			a.nextInto(scratch, it.bits, c, ci)
			key = appendKey(key[:0], us, scratch)
			if visited[string(key)] {
				continue
			}
			if !m.charge(stateCost) {
				return reps, false
			}
			visited[string(key)] = true
			queue = append(queue, item{it.s + string(c), us, slices.Clone(scratch)})
		}
	}
	return reps, true
}

package policy

import (
	"bytes"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// ActionSpelling is how printed documents spell an action: the catalog's spelling of a name
// it knows (ims:images:addMember), as written otherwise (patterns, other services' actions,
// unknown names): `ims:images:*Member` stays a pattern of members, not `*member`, which
// reads as another pattern. Only exact names can take the catalog's spelling: a pattern's
// letters may match several names, spelt differently.
func ActionSpelling(name string) string {
	if n, ok := catalog.CanonicalName(name); ok {
		return n
	}
	return name
}

// comparingSpelling is how the normal form spells an action: ActionSpelling, but
// lower-cased where the catalog cannot spell it, so that names equal under the ASCII case
// rule (the one Equal applies) are spelled the same, and names that are not equal never
// are.
func comparingSpelling(name string) string {
	if n, ok := catalog.CanonicalName(name); ok {
		return n
	}
	return wildcard.Simplify(wildcard.Lower(name))
}

// Normal returns the document's normal form, minified: the canonical form of a document in
// which everything that cannot change a decision is made the same, so that two documents
// have the same normal form exactly when Equal says they mean the same. Absent and empty
// fields are left out (Version, Sid, Effect, lists, Condition, condition operators without
// keys); Action, NotAction, Resource, NotResource and condition values are sorted without
// duplicates, actions spelled as comparingSpelling spells them (lower case where the
// catalog cannot spell them); condition operators and keys are sorted, the same operator
// written twice merged; condition keys, whose case the evaluator ignores, are spelled as
// the catalog spells them (lower case where it cannot); condition values are read as their
// operator's type and printed in one form (canonicalValue); statements are sorted by their
// own normal form, without duplicates, since no decision depends on their order.
func (d *Document) Normal() []byte {
	n, printed := d.normalized(false)
	return n.appendWith(nil, func(b []byte, i int) []byte { return append(b, printed[i]...) })
}

// NormalKeepingLetters is Normal with the actions and condition keys the catalog cannot
// spell kept as written (ActionSpelling), for showing a document: it is sorted and
// deduplicated as Normal is, by the comparing spelling, and each action or key keeps its
// first spelling. Two documents that mean the same give the same bytes but for the
// letters' case in such actions and keys; compare with Normal.
func (d *Document) NormalKeepingLetters() []byte {
	n, _ := d.normalized(true)
	return n.appendTo(nil)
}

// normalized is the document in normal form, and each of its statements printed in
// Normal's form.
func (d *Document) normalized(keepLetters bool) (*Document, [][]byte) {
	type sorted struct {
		s   Statement
		key []byte // the statement's normal form, which orders statements in both forms
	}
	stmts := make([]sorted, len(d.Statements))
	for i := range d.Statements {
		st := &d.Statements[i]
		n := st.normalized(false)
		stmts[i].key = n.appendTo(nil)
		if keepLetters {
			n = st.normalized(true)
		}
		stmts[i].s = n
	}
	slices.SortStableFunc(stmts, func(a, b sorted) int { return bytes.Compare(a.key, b.key) })
	stmts = slices.CompactFunc(stmts, func(a, b sorted) bool { return bytes.Equal(a.key, b.key) })
	n := &Document{Version: nonEmpty(d.Version), Unknown: d.Unknown, Statements: make([]Statement, len(stmts))}
	printed := make([][]byte, len(stmts))
	for i := range stmts {
		n.Statements[i], printed[i] = stmts[i].s, stmts[i].key
	}
	return n, printed
}

func (s *Statement) normalized(keepLetters bool) Statement {
	actions := func(l *List) *List { return normalList(l, comparingSpelling) }
	if keepLetters {
		actions = actionsKeepingLetters
	}
	return Statement{
		Sid:         nonEmpty(s.Sid),
		Effect:      nonEmpty(s.Effect),
		Action:      actions(s.Action),
		NotAction:   actions(s.NotAction),
		Resource:    normalList(s.Resource, wildcard.Simplify),
		NotResource: normalList(s.NotResource, wildcard.Simplify),
		Condition:   s.Condition.normalized(keepLetters),
		Unknown:     s.Unknown,
	}
}

// nonEmpty is v without its position, or nil when it is absent or empty.
func nonEmpty(v *Str) *Str {
	if v.value() == "" {
		return nil
	}
	return &Str{Value: v.Value}
}

// normalList is the list's values mapped by spell (when not nil), sorted, without
// duplicates; nil for an absent or empty list.
func normalList(l *List, spell func(string) string) *List {
	set := l.set(spell)
	if len(set) == 0 {
		return nil
	}
	return NewList(sortedKeys(set)...)
}

// actionsKeepingLetters is normalList(l, comparingSpelling) with each action spelt as
// ActionSpelling spells its first occurrence.
func actionsKeepingLetters(l *List) *List {
	if l == nil || len(l.Items) == 0 {
		return nil
	}
	first := make(map[string]string, len(l.Items))
	for _, it := range l.Items {
		if k := comparingSpelling(it.Value); first[k] == "" {
			first[k] = wildcard.Simplify(ActionSpelling(it.Value))
		}
	}
	out := make([]string, 0, len(first))
	for _, k := range sortedKeys(first) {
		out = append(out, first[k])
	}
	return NewList(out...)
}

// normalized is the condition as the evaluator decides it, in order: operator → key → set
// of canonical values; nil when no operator has a key.
//
// The evaluator finds a key ignoring its case, so the spellings of one key under one
// operator are one key (comparingKey). Each spelling is a condition of its own, and all
// must hold: spellings with the same values are one condition, printed once; spellings
// with different values are kept apart, each as written, so that none of them is lost
// (merging their values would turn "both" into "either").
func (c *Condition) normalized(keepLetters bool) *Condition {
	sets := c.sets()
	if len(sets) == 0 {
		return nil
	}
	n := &Condition{}
	for _, op := range sortedKeys(sets) {
		base, _ := condition.Lookup(ParseOperator(op).Base)
		// spellings groups the keys as written by their comparing spelling; values holds each
		// written key's canonical values.
		spellings := map[string][]string{}
		values := map[string]map[string]bool{}
		for _, key := range sortedKeys(sets[op]) {
			ck := comparingKey(key)
			spellings[ck] = append(spellings[ck], key)
			vs := make(map[string]bool, len(sets[op][key]))
			for v := range sets[op][key] {
				vs[canonicalValue(base, v)] = true
			}
			values[key] = vs
		}
		o := ConditionOp{Name: op}
		for _, ck := range sortedKeys(spellings) {
			keys := spellings[ck]
			if !slices.ContainsFunc(keys[1:], func(k string) bool { return !maps.Equal(values[k], values[keys[0]]) }) {
				name := ck
				if keepLetters {
					name = displayKey(firstSpelling(c, op, keys))
				}
				o.Keys = append(o.Keys, ConditionKey{Name: name, Values: *NewList(sortedKeys(values[keys[0]])...)})
				continue
			}
			for _, k := range keys {
				o.Keys = append(o.Keys, ConditionKey{Name: k, Values: *NewList(sortedKeys(values[k])...)})
			}
		}
		slices.SortStableFunc(o.Keys, func(x, y ConditionKey) int { return strings.Compare(x.Name, y.Name) })
		n.Ops = append(n.Ops, o)
	}
	return n
}

// firstSpelling is the first of keys (spellings of one key) that the condition writes
// under op.
func firstSpelling(c *Condition, op string, keys []string) string {
	for _, o := range c.Ops {
		if o.Name != op {
			continue
		}
		for _, k := range o.Keys {
			if slices.Contains(keys, k.Name) {
				return k.Name
			}
		}
	}
	return keys[0]
}

// comparingKey is how the normal form spells a condition key: the catalog's spelling of a
// key it knows, the template's prefix in the catalog's spelling and the rest in lower case
// for a key of a template (g:ResourceTag/env), lower case otherwise. The evaluator finds
// keys under the ASCII case rule (wildcard.EqualFold), so two keys have the same comparing
// spelling exactly when it takes them for one key.
func comparingKey(name string) string {
	prefix, rest, ok := catalogKey(name)
	if !ok {
		return wildcard.Lower(name)
	}
	return prefix + wildcard.Lower(rest)
}

// displayKey is how NormalKeepingLetters spells a condition key: as comparingKey, but
// with the letters the catalog cannot spell kept as written.
func displayKey(name string) string {
	if prefix, rest, ok := catalogKey(name); ok {
		return prefix + rest
	}
	return name
}

// catalogKey splits a key the catalog knows into the part the catalog spells (the whole
// key, or a template's prefix up to its slash) and the rest, as written.
func catalogKey(name string) (spelt, rest string, ok bool) {
	k, ok := catalog.LookupConditionKey(name)
	if !ok {
		return "", "", false
	}
	if len(k.Name) == len(name) && wildcard.EqualFold(k.Name, name) {
		return k.Name, "", true
	}
	p := strings.IndexByte(k.Name, '/') + 1 // a template: g:ResourceTag/<tag-key>
	return k.Name[:p], name[p:], true
}

// canonicalValue is the one spelling of a condition value under the base operator: the
// value as the evaluator reads it (condition.Parse, for the operator's type), printed so
// that it reads back the same. Numbers are printed as the shortest plain decimal of their
// float64 (100.0 → 100, 100.010 → 100.01, +007 → 7, -0 → 0); booleans in lower case; dates
// as the instant in UTC, RFC 3339 (2026-08-01T08:00:00+08:00 → 2026-08-01T00:00:00Z); IP
// addresses and CIDRs masked, IPv4-mapped addresses as IPv4, one address without /32 or
// /128 (10.0.0.1/8 → 10.0.0.0/8); values of StringEqualsIgnoreCase and its negation as
// foldCanonical spells them. Kept as written: values of the other string operators (they
// compare case and every character), values the evaluator cannot read as the operator's
// type (the checker refuses them) and values of operators it does not know.
func canonicalValue(op *condition.Operator, v string) string {
	if op == nil {
		return v
	}
	if op.Type == catalog.String {
		switch op.Name {
		case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
			return foldCanonical(v)
		case "StringMatch", "StringNotMatch":
			return wildcard.Simplify(v) // the same strings match
		}
		return v
	}
	read, err := condition.Parse(op.Type, v)
	if err != nil {
		return v
	}
	var out string
	switch op.Type {
	case catalog.Numeric:
		out = strconv.FormatFloat(read.Number, 'f', -1, 64)
		if out == "-0" {
			out = "0"
		}
	case catalog.Boolean:
		out = strconv.FormatBool(read.Bool)
	case catalog.Date:
		out = canonicalDate(read.Time)
	case catalog.IPAddress:
		if p := read.Prefix; p.Bits() == p.Addr().BitLen() {
			out = p.Addr().String()
		} else {
			out = p.String()
		}
	default:
		return v
	}
	// Print only what reads back as the same value.
	if back, err := condition.Parse(op.Type, out); err != nil || !sameValue(op.Type, &back, &read) {
		return v
	}
	return out
}

// canonicalDate prints an instant in RFC 3339, in UTC; at the ends of the years RFC 3339
// can write (0000 and 9999), where UTC would leave them, in the furthest offset that keeps
// it in range, so that every instant the evaluator reads has one spelling.
func canonicalDate(t time.Time) string {
	for _, zone := range dateZones {
		if y := t.In(zone).Year(); 0 <= y && y <= 9999 {
			return t.In(zone).Format(time.RFC3339Nano)
		}
	}
	return t.Format(time.RFC3339Nano) // unreachable for instants RFC 3339 can write
}

var dateZones = []*time.Location{time.UTC, time.FixedZone("", 23*3600+59*60), time.FixedZone("", -(23*3600 + 59*60))}

func sameValue(t catalog.ValueType, a, b *condition.Value) bool {
	switch t {
	case catalog.Numeric:
		return a.Number == b.Number
	case catalog.Boolean:
		return a.Bool == b.Bool
	case catalog.Date:
		return a.Time.Equal(b.Time)
	case catalog.IPAddress:
		return a.Prefix == b.Prefix
	}
	return false
}

// foldCanonical spells s so that two strings get the same spelling exactly when
// condition's StringEqualsIgnoreCase takes them for equal (simple case folding, rune by
// rune): each rune becomes the smallest lower-case rune of its simple folding orbit, or
// the smallest rune of the orbit when none is lower case (unicode.SimpleFold). Invalid
// UTF-8 becomes U+FFFD, which is how the comparison reads it.
func foldCanonical(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii { // an ASCII letter's smallest lower-case variant is its ASCII lower case
		return wildcard.Lower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	lower, least := rune(-1), r
	f := r
	for {
		if f < least {
			least = f
		}
		if unicode.IsLower(f) && (lower < 0 || f < lower) {
			lower = f
		}
		if f = unicode.SimpleFold(f); f == r {
			break
		}
	}
	if lower >= 0 {
		return lower
	}
	return least
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

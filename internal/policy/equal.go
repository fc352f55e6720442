package policy

import "bytes"

// Equal reports whether two documents mean the same, for suppressing diffs that are only
// in form: whether they have the same normal form (Normal says what it makes the same).
// It ignores layout; the order of, and duplicates in, Action, NotAction, Resource,
// NotResource and condition values (each compared as a set); a single string versus a list
// of one; the order of condition operators and keys; the case of action names and of
// condition keys; the spelling of condition values whose operator reads them as numbers,
// booleans, dates or IP addresses, and the case of StringEqualsIgnoreCase's values; the
// order of statements, and a statement written twice. An absent field equals an empty one
// (no Sid and "Sid": "", no Condition and "Condition": {}). Everything else — Version,
// Sid, Effect, resource URNs, condition operators, the other string values, fields the
// grammar does not have — must match exactly.
func Equal(a, b *Document) bool {
	if a == nil || b == nil {
		return a == b
	}
	return bytes.Equal(a.Normal(), b.Normal())
}

func (s *Str) value() string {
	if s == nil {
		return ""
	}
	return s.Value
}

// set returns the list's values, mapped by fold when it is not nil.
func (l *List) set(fold func(string) string) map[string]bool {
	m := make(map[string]bool)
	if l == nil {
		return m
	}
	for _, it := range l.Items {
		v := it.Value
		if fold != nil {
			v = fold(v)
		}
		m[v] = true
	}
	return m
}

// sets flattens a Condition block to operator → key → set of values. Operators
// without keys vanish: they constrain nothing.
func (c *Condition) sets() map[string]map[string]map[string]bool {
	m := make(map[string]map[string]map[string]bool)
	if c == nil {
		return m
	}
	for _, op := range c.Ops {
		for i := range op.Keys {
			k := &op.Keys[i]
			if m[op.Name] == nil {
				m[op.Name] = make(map[string]map[string]bool)
			}
			vs := m[op.Name][k.Name]
			if vs == nil {
				vs = make(map[string]bool)
				m[op.Name][k.Name] = vs
			}
			for v := range k.Values.set(nil) {
				vs[v] = true
			}
		}
	}
	return m
}

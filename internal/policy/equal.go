package policy

import (
	"reflect"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Equal reports whether two documents mean the same, for suppressing diffs that are only
// in form. It ignores layout; the order of, and duplicates in, Action, NotAction, Resource,
// NotResource and condition values (each compared as a set); a single string versus a list
// of one; the order of condition operators and keys; and the case of action names. An
// absent field equals an empty one (no Sid and "Sid": "", no Condition and "Condition": {}).
// Statements are compared in order. Everything else — Version, Sid, Effect, resource URNs,
// condition operators, keys and values, fields the grammar does not have — must match
// exactly.
func Equal(a, b *Document) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Version.value() != b.Version.value() || len(a.Statements) != len(b.Statements) ||
		!sameFields(a.Unknown, b.Unknown) {
		return false
	}
	for i := range a.Statements {
		if !a.Statements[i].equal(&b.Statements[i]) {
			return false
		}
	}
	return true
}

func (s *Str) value() string {
	if s == nil {
		return ""
	}
	return s.Value
}

func (s *Statement) equal(t *Statement) bool {
	return s.Sid.value() == t.Sid.value() &&
		s.Effect.value() == t.Effect.value() &&
		sameSet(s.Action, t.Action, wildcard.Lower) &&
		sameSet(s.NotAction, t.NotAction, wildcard.Lower) &&
		sameSet(s.Resource, t.Resource, nil) &&
		sameSet(s.NotResource, t.NotResource, nil) &&
		sameConditions(s.Condition, t.Condition) &&
		sameFields(s.Unknown, t.Unknown)
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

func sameSet(a, b *List, fold func(string) string) bool {
	return reflect.DeepEqual(a.set(fold), b.set(fold))
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

func sameConditions(a, b *Condition) bool {
	return reflect.DeepEqual(a.sets(), b.sets())
}

func sameFields(a, b []Field) bool {
	if len(a) != len(b) {
		return false
	}
	m := make(map[string]any, len(a))
	for _, f := range a {
		m[f.Name] = f.Value
	}
	for _, f := range b {
		v, ok := m[f.Name]
		if !ok || !reflect.DeepEqual(v, f.Value) {
			return false
		}
	}
	return true
}

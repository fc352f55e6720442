package policy

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// Canonical form. Fields print in the grammar's order — Version, Statement; in a statement
// Sid, Effect, Action, NotAction, Resource, NotResource, Condition — then fields the grammar
// does not have, sorted by name. Absent fields stay absent; present ones are kept as
// written, except that a single string is printed as a list of one and actions are spelled
// as ActionSpelling spells them. Statements and list values keep their order (and their
// duplicates); condition operators and keys are sorted. Strings are escaped as
// encoding/json escapes them, but without turning <, > and & into \u003c, \u003e and
// \u0026. Normal goes further (values, keys, statement order): see normal.go.

// Minified returns the canonical form without spaces or line breaks.
func (d *Document) Minified() []byte {
	return d.appendTo(nil)
}

// Indented returns the canonical form indented by two spaces, without a final newline.
func (d *Document) Indented() []byte {
	var b bytes.Buffer
	_ = json.Indent(&b, d.Minified(), "", "  ") // valid JSON by construction
	return b.Bytes()
}

// MarshalJSON returns the minified canonical form.
func (d *Document) MarshalJSON() ([]byte, error) { return d.Minified(), nil }

func (d *Document) appendTo(b []byte) []byte {
	return d.appendWith(b, func(b []byte, i int) []byte { return d.Statements[i].appendTo(b) })
}

// appendWith prints the document with statement i printed by statement (Normal has them
// printed already).
func (d *Document) appendWith(b []byte, statement func(b []byte, i int) []byte) []byte {
	b = append(b, '{')
	if d.Version != nil {
		b = appendKey(b, "Version", false)
		b = appendString(b, d.Version.Value)
	}
	b = appendKey(b, "Statement", d.Version != nil)
	b = append(b, '[')
	for i := range d.Statements {
		if i > 0 {
			b = append(b, ',')
		}
		b = statement(b, i)
	}
	b = append(b, ']')
	b = appendFields(b, d.Unknown, true)
	return append(b, '}')
}

func (s *Statement) appendTo(b []byte) []byte {
	b = append(b, '{')
	comma := false
	str := func(name string, v *Str) {
		if v != nil {
			b = appendKey(b, name, comma)
			b = appendString(b, v.Value)
			comma = true
		}
	}
	list := func(name string, l *List, spell func(string) string) {
		if l != nil {
			b = appendKey(b, name, comma)
			b = appendList(b, l, spell)
			comma = true
		}
	}
	str("Sid", s.Sid)
	str("Effect", s.Effect)
	list("Action", s.Action, ActionSpelling)
	list("NotAction", s.NotAction, ActionSpelling)
	list("Resource", s.Resource, nil)
	list("NotResource", s.NotResource, nil)
	if s.Condition != nil {
		b = appendKey(b, "Condition", comma)
		b = s.Condition.appendTo(b)
		comma = true
	}
	b = appendFields(b, s.Unknown, comma)
	return append(b, '}')
}

func (c *Condition) appendTo(b []byte) []byte {
	ops := slices.Clone(c.Ops)
	slices.SortStableFunc(ops, func(x, y ConditionOp) int { return strings.Compare(x.Name, y.Name) })
	b = append(b, '{')
	for i, op := range ops {
		b = appendKey(b, op.Name, i > 0)
		keys := slices.Clone(op.Keys)
		slices.SortStableFunc(keys, func(x, y ConditionKey) int { return strings.Compare(x.Name, y.Name) })
		b = append(b, '{')
		for j := range keys {
			b = appendKey(b, keys[j].Name, j > 0)
			b = appendList(b, &keys[j].Values, nil)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendList prints the list's values, each mapped by spell when it is not nil.
func appendList(b []byte, l *List, spell func(string) string) []byte {
	b = append(b, '[')
	for i, it := range l.Items {
		if i > 0 {
			b = append(b, ',')
		}
		v := it.Value
		if spell != nil {
			v = spell(v)
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

func appendKey(b []byte, name string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = appendString(b, name)
	return append(b, ':')
}

func appendFields(b []byte, fs []Field, comma bool) []byte {
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(x, y Field) int { return strings.Compare(x.Name, y.Name) })
	for i, f := range fs {
		b = appendKey(b, f.Name, comma || i > 0)
		b = appendAny(b, f.Value)
	}
	return b
}

// appendAny prints a value decoded from JSON (see Field), objects with sorted keys.
// Anything else prints as null.
func appendAny(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return appendString(b, v)
	case json.Number:
		if json.Valid([]byte(v)) {
			return append(b, v...)
		}
		return appendString(b, string(v))
	case bool:
		if v {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			b = appendKey(b, k, i > 0)
			b = appendAny(b, v[k])
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAny(b, e)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

const hexDigits = "0123456789abcdef"

// appendString quotes s exactly as encoding/json does with SetEscapeHTML(false).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		} else {
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

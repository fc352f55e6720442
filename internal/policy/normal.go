package policy

import (
	"slices"

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
	return wildcard.Lower(name)
}

// Normal returns the document's normal form, minified: the canonical form of a document in
// which everything Equal ignores is made the same. Absent and empty fields are left out
// (Version, Sid, Effect, lists, Condition, condition operators without keys); Action,
// NotAction, Resource, NotResource and condition values are sorted without duplicates,
// actions spelled as comparingSpelling spells them (lower case where the catalog cannot
// spell them); condition operators and keys are sorted, the same operator written twice
// merged. Statements keep their order. So two documents have the same normal form exactly
// when Equal says they mean the same.
func (d *Document) Normal() []byte {
	return d.normalized(false).appendTo(nil)
}

// NormalKeepingLetters is Normal with the actions the catalog cannot spell kept as written
// (ActionSpelling), for showing a document: it is sorted and deduplicated as Normal is,
// by the action's comparing spelling, and each action keeps its first spelling. Two
// documents that mean the same give the same bytes but for the letters' case in such
// actions; compare with Normal.
func (d *Document) NormalKeepingLetters() []byte {
	return d.normalized(true).appendTo(nil)
}

func (d *Document) normalized(keepLetters bool) *Document {
	n := &Document{Version: nonEmpty(d.Version), Unknown: d.Unknown, Statements: make([]Statement, len(d.Statements))}
	for i := range d.Statements {
		n.Statements[i] = d.Statements[i].normalized(keepLetters)
	}
	return n
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
		Resource:    normalList(s.Resource, nil),
		NotResource: normalList(s.NotResource, nil),
		Condition:   s.Condition.normalized(),
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
			first[k] = ActionSpelling(it.Value)
		}
	}
	out := make([]string, 0, len(first))
	for _, k := range sortedKeys(first) {
		out = append(out, first[k])
	}
	return NewList(out...)
}

// normalized is the condition as Equal sees it (operator → key → set of values), in order;
// nil when no operator has a key.
func (c *Condition) normalized() *Condition {
	sets := c.sets()
	if len(sets) == 0 {
		return nil
	}
	n := &Condition{}
	for _, op := range sortedKeys(sets) {
		o := ConditionOp{Name: op}
		for _, key := range sortedKeys(sets[op]) {
			o.Keys = append(o.Keys, ConditionKey{Name: key, Values: *NewList(sortedKeys(sets[op][key])...)})
		}
		n.Ops = append(n.Ops, o)
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package policy

import (
	"strconv"
	"strings"
)

// Element is a field of a document or of a statement: one of the constants, or the name
// of a field the grammar does not have.
type Element string

// The elements of the grammar.
const (
	NoElement          Element = "" // the statement (or document) itself
	VersionElement     Element = "Version"
	StatementElement   Element = "Statement"
	SidElement         Element = "Sid"
	EffectElement      Element = "Effect"
	ActionElement      Element = "Action"
	NotActionElement   Element = "NotAction"
	ResourceElement    Element = "Resource"
	NotResourceElement Element = "NotResource"
	ConditionElement   Element = "Condition"
)

// Location is where in a document a finding or a syntax error is.
type Location struct {
	// Statement is the statement's index, from 0, or -1 for the document itself.
	Statement int
	// Element is the document's or the statement's element.
	Element Element
	// Operator and Key narrow a Condition location to an operator and to one of its
	// keys; both are "" above them.
	Operator, Key string
	// Index is the index of an item within the element (an Action item, a condition
	// key's value), or -1 for the whole element.
	Index int
}

// DocumentAt is the location of an element of the document itself.
func DocumentAt(e Element) Location { return Location{Statement: -1, Element: e, Index: -1} }

// StatementAt is the location of an element of statement i.
func StatementAt(i int, e Element) Location { return Location{Statement: i, Element: e, Index: -1} }

// Item narrows the location to the item at index i.
func (l Location) Item(i int) Location {
	l.Index = i
	return l
}

// InCondition narrows a Condition location to an operator and, if key is not "", to one
// of its keys.
func (l Location) InCondition(operator, key string) Location {
	l.Operator, l.Key = operator, key
	return l
}

// String prints the location as a path, e.g. `Statement[1].Action[0]` or
// `Statement[0].Condition["StringEquals"]["ims:Region"][1]`; "" for the document.
func (l Location) String() string {
	var b strings.Builder
	if l.Statement >= 0 {
		b.WriteString("Statement[" + strconv.Itoa(l.Statement) + "]")
		if l.Element != NoElement {
			b.WriteByte('.')
		}
	}
	b.WriteString(string(l.Element))
	if l.Operator != "" {
		b.WriteString("[" + strconv.Quote(l.Operator) + "]")
	}
	if l.Key != "" {
		b.WriteString("[" + strconv.Quote(l.Key) + "]")
	}
	if l.Index >= 0 {
		b.WriteString("[" + strconv.Itoa(l.Index) + "]")
	}
	return b.String()
}

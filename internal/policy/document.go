// Package policy reads, prints and compares Huawei Cloud IAM v5 identity policy and
// Organizations SCP documents:
//
//	{"Version": "5.0", "Statement": [{"Sid": "...", "Effect": "Allow" | "Deny",
//	  "Action" | "NotAction": [...], "Resource" | "NotResource": [...],
//	  "Condition": {"operator": {"key": "value" | ["value", ...]}}}]}
//
// [Parse] keeps the position of every element so that a problem can be pointed at; it
// fails only when the text is not JSON or does not have the grammar's shape (a *SyntaxError).
// Everything else that can be wrong with a well-shaped document (a missing Version, an
// unknown Effect, both Action and NotAction, fields the grammar does not have) is kept in
// the [Document] for a checker to report.
//
// [Document.Minified] and [Document.Indented] print the canonical form: the same policy
// always prints the same bytes. [Equal] compares two documents by meaning.
//
// [Check] (or [CheckJSON], which parses first) reports what is wrong with a document used as
// an identity policy or an SCP, as findings with a severity, a stable code, the statement
// and element, and a message that says what to write instead. [Rules] lists every code.
// It reads the IMS catalog (internal/catalog) and the condition operator table
// (internal/condition); actions and keys of other services pass unchecked.
//
// IAM v3 documents ("Version": "1.1" custom policies and "1.0" roles, the documents of
// huaweicloud_identity_role) have a grammar and actions of their own: [LanguageOf] tells
// them apart by Version, [ParseV3] reads them into a [V3Document] with the same reader and
// positions, and [CheckV3Text] checks them with the v3_ rules of the same table (v3.go,
// v3check.go).
//
// The package does not depend on Terraform.
package policy

// Document is a parsed policy document.
type Document struct {
	Pos     Pos
	Version *Str // nil when absent
	// Statements in document order. StatementPos is where the Statement list starts;
	// the zero Pos when the field is absent (or the document was built in code).
	Statements   []Statement
	StatementPos Pos
	Unknown      []Field // fields the grammar does not have, in source order
}

// Statement is one element of the Statement list. A nil field was absent.
type Statement struct {
	Pos         Pos // the opening brace
	Sid         *Str
	Effect      *Str
	Action      *List
	NotAction   *List
	Resource    *List
	NotResource *List
	Condition   *Condition
	Unknown     []Field
}

// Str is a string element and where its literal starts.
type Str struct {
	Value string
	Pos   Pos
}

// List is a string or a list of strings (Action, Resource, condition values).
// A single string is read as a list of one.
type List struct {
	Pos   Pos // where the value starts
	Items []Str
}

// NewList returns a list of values without positions.
func NewList(values ...string) *List {
	l := &List{Items: make([]Str, len(values))}
	for i, v := range values {
		l.Items[i].Value = v
	}
	return l
}

// Values returns the list's strings; nil for a nil List.
func (l *List) Values() []string {
	if l == nil {
		return nil
	}
	vs := make([]string, len(l.Items))
	for i, it := range l.Items {
		vs[i] = it.Value
	}
	return vs
}

// Condition is a statement's Condition block: operator → key → values.
type Condition struct {
	Pos Pos           // the opening brace
	Ops []ConditionOp // in source order
}

// ConditionOp is one operator entry of a Condition block, such as
// "ForAnyValue:StringEqualsIfExists": {"key": [...]}.
type ConditionOp struct {
	Name string // as written; see Operator for its parts
	Pos  Pos    // the operator's key
	Keys []ConditionKey
}

// Operator splits the operator's name into its parts.
func (o ConditionOp) Operator() Operator { return ParseOperator(o.Name) }

// ConditionKey is one key of an operator entry and its values.
type ConditionKey struct {
	Name   string
	Pos    Pos // the condition key's own position
	Values List
}

// Field is a field the grammar does not have, with its value decoded as encoding/json
// would decode it into an any, numbers as json.Number.
type Field struct {
	Name  string
	Pos   Pos // the field's key
	Value any
}

// AddCondition adds values under operator and key to the statement's Condition block,
// appending to the key's values when the operator and key are already there.
func (s *Statement) AddCondition(operator, key string, values ...string) {
	if s.Condition == nil {
		s.Condition = &Condition{}
	}
	c := s.Condition
	oi := -1
	for i := range c.Ops {
		if c.Ops[i].Name == operator {
			oi = i
			break
		}
	}
	if oi < 0 {
		c.Ops = append(c.Ops, ConditionOp{Name: operator})
		oi = len(c.Ops) - 1
	}
	op := &c.Ops[oi]
	for i := range op.Keys {
		if op.Keys[i].Name == key {
			op.Keys[i].Values.Items = append(op.Keys[i].Values.Items, NewList(values...).Items...)
			return
		}
	}
	op.Keys = append(op.Keys, ConditionKey{Name: key, Values: *NewList(values...)})
}

package policy

import (
	"encoding/json"
	"errors"
	"fmt"
)

// MaxDocumentBytes is the most text Parse reads: a sanity cap far beyond any policy the
// vendor accepts, so that a stray file or a runaway template costs a quick refusal rather
// than seconds of CPU and gigabytes of memory. A document within the vendor's limit of
// 6,144 characters (5,120 for an SCP) is at most 24,576 bytes even if every character
// takes four bytes of UTF-8, so 64 KiB refuses nothing the service could accept, and it
// is half the emulator's 128 KiB request body cap, which must also hold the JSON-escaped
// document and the other fields.
const MaxDocumentBytes = 64 << 10

// SyntaxError is why Parse rejected a document: the text is not JSON, or a field has the
// wrong shape (Statement not a list, an action that is not a string, ...), or it is
// over MaxDocumentBytes (TooLarge).
type SyntaxError struct {
	Pos Pos
	// At is the element, the document itself (DocumentAt(NoElement)) when the JSON
	// itself is malformed or is not an object.
	At  Location
	Msg string
	// TooLarge says the document is over MaxDocumentBytes and was not read.
	TooLarge bool
}

// TooLargeMessage says that a text of n bytes (or, when atLeast, of more than n) is over
// MaxDocumentBytes, and what the vendor's limits are: the message of Parse's refusal, and
// of the imspolicy command's for a file it stops reading.
func TooLargeMessage(n int64, atLeast bool) string {
	size := fmt.Sprintf("%d bytes", n)
	if atLeast {
		size = "over " + size
	}
	return fmt.Sprintf("the document is %s: far over the vendor's limit (%d characters for an identity policy, %d for an SCP) "+
		"and over the %d bytes read of a policy document, so it was not read; shorten it or split it into several policies",
		size, Identity.MaxChars(), SCP.MaxChars(), MaxDocumentBytes)
}

// Path prints At, as in `Statement[1].Action[0]` or
// `Statement[0].Condition["StringEquals"]["ims:Region"]` (indexes from 0); "" for the
// document itself.
func (e *SyntaxError) Path() string { return e.At.String() }

func (e *SyntaxError) Error() string {
	s := e.Pos.String()
	if path := e.Path(); path != "" {
		s += ": " + path
	}
	return s + ": " + e.Msg
}

// Parse reads a policy document. A document that is well-formed JSON of the grammar's
// shape parses even when it is wrong in other ways (see the package documentation);
// otherwise the error is a *SyntaxError. A text over MaxDocumentBytes is refused before
// it is read.
func Parse(src []byte) (*Document, error) {
	parses.Add(1)
	if len(src) > MaxDocumentBytes {
		return nil, &SyntaxError{Pos: Pos{Line: 1, Column: 1}, At: DocumentAt(NoElement), Msg: TooLargeMessage(int64(len(src)), false), TooLarge: true}
	}
	return parse(src)
}

// parse is Parse without the cap: the benchmarks read documents beyond it, to show how
// the cost grows.
func parse(src []byte) (*Document, error) {
	p, root, err := readJSON(src)
	if err != nil {
		return nil, err
	}
	d, err := p.document(root)
	if err != nil {
		return nil, err
	}
	return d, nil
}

type parser struct {
	lines *lines
}

// readJSON reads src as JSON, for both languages' readers: the tree, and a parser that
// gives its nodes' positions; a syntax error carries the line and column.
func readJSON(src []byte) (*parser, *node, error) {
	p := &parser{lines: newLines(src)}
	root, err := parseJSON(src)
	if err != nil {
		var je *jsonError
		if !errors.As(err, &je) {
			return nil, nil, &SyntaxError{Pos: p.lines.pos(0), At: DocumentAt(NoElement), Msg: err.Error()}
		}
		return nil, nil, &SyntaxError{Pos: p.lines.pos(je.off), At: DocumentAt(NoElement), Msg: je.msg}
	}
	return p, root, nil
}

func (p *parser) pos(off int) Pos { return p.lines.pos(off) }

func (p *parser) fail(n *node, at Location, format string, args ...any) error {
	return &SyntaxError{Pos: p.pos(n.off), At: at, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) document(n *node) (*Document, error) {
	if n.kind != kObject {
		return nil, p.fail(n, DocumentAt(NoElement), `a policy document must be a JSON object, {"Version": "5.0", "Statement": [...]}, not %s`, n.kind)
	}
	d := &Document{Pos: p.pos(n.off)}
	for _, m := range n.members {
		switch m.key {
		case "Version":
			if m.val.kind != kString {
				return nil, p.fail(m.val, DocumentAt(VersionElement), `must be the string "5.0" (in quotes), not %s`, m.val.kind)
			}
			d.Version = &Str{Value: m.val.str, Pos: p.pos(m.val.off)}
		case "Statement":
			switch m.val.kind {
			case kArray:
			case kObject:
				return nil, p.fail(m.val, DocumentAt(StatementElement), "must be a list of statements; put the statement in a list: [{...}]")
			default:
				return nil, p.fail(m.val, DocumentAt(StatementElement), "must be a list of statements, [{...}, ...], not %s", m.val.kind)
			}
			d.StatementPos = p.pos(m.val.off)
			d.Statements = make([]Statement, len(m.val.elems))
			for i, e := range m.val.elems {
				if err := p.statement(&d.Statements[i], i, e); err != nil {
					return nil, err
				}
			}
		default:
			d.Unknown = append(d.Unknown, p.field(m))
		}
	}
	return d, nil
}

func (p *parser) field(m member) Field {
	return Field{Name: m.key, Pos: p.pos(m.off), Value: toAny(m.val)}
}

func (p *parser) statement(s *Statement, i int, n *node) error {
	if n.kind != kObject {
		return p.fail(n, StatementAt(i, NoElement), `must be a statement object, {"Effect": "Allow", "Action": [...], ...}, not %s`, n.kind)
	}
	s.Pos = p.pos(n.off)
	var err error
	for _, m := range n.members {
		switch m.key {
		case "Sid":
			s.Sid, err = p.str(m.val, StatementAt(i, SidElement), "a string")
		case "Effect":
			s.Effect, err = p.str(m.val, StatementAt(i, EffectElement), `"Allow" or "Deny"`)
		case "Action":
			s.Action, err = p.list(m.val, StatementAt(i, ActionElement))
		case "NotAction":
			s.NotAction, err = p.list(m.val, StatementAt(i, NotActionElement))
		case "Resource":
			s.Resource, err = p.list(m.val, StatementAt(i, ResourceElement))
		case "NotResource":
			s.NotResource, err = p.list(m.val, StatementAt(i, NotResourceElement))
		case "Condition":
			s.Condition, err = p.condition(m.val, StatementAt(i, ConditionElement))
		default:
			s.Unknown = append(s.Unknown, p.field(m))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) str(n *node, at Location, want string) (*Str, error) {
	if n.kind != kString {
		return nil, p.fail(n, at, "must be %s, not %s", want, n.kind)
	}
	return &Str{Value: n.str, Pos: p.pos(n.off)}, nil
}

// list reads a string or a list of strings.
func (p *parser) list(n *node, at Location) (*List, error) {
	l := &List{Pos: p.pos(n.off)}
	switch n.kind {
	case kString:
		l.Items = []Str{{Value: n.str, Pos: l.Pos}}
		return l, nil
	case kArray:
	default:
		return nil, p.fail(n, at, `must be a string or a list of strings, ["...", ...], not %s%s`, n.kind, quoteHint(n))
	}
	l.Items = make([]Str, len(n.elems))
	for i, e := range n.elems {
		if e.kind != kString {
			return nil, p.fail(e, at.Item(i), "must be a string, not %s%s", e.kind, quoteHint(e))
		}
		l.Items[i] = Str{Value: e.str, Pos: p.pos(e.off)}
	}
	return l, nil
}

// quoteHint suggests the string to write for a number or boolean (the grammar's values
// are all strings: "42", "true").
func quoteHint(n *node) string {
	switch n.kind {
	case kNumber:
		return `; write it in quotes: "` + n.str + `"`
	case kTrue:
		return `; write it in quotes: "true"`
	case kFalse:
		return `; write it in quotes: "false"`
	}
	return ""
}

const conditionExample = `{"StringEquals": {"ims:Region": ["cn-north-4"]}}`

func (p *parser) condition(n *node, at Location) (*Condition, error) {
	if n.kind != kObject {
		return nil, p.fail(n, at, "must be an object of operators, such as %s, not %s", conditionExample, n.kind)
	}
	c := &Condition{Pos: p.pos(n.off), Ops: make([]ConditionOp, len(n.members))}
	for i, m := range n.members {
		if m.val.kind != kObject {
			return nil, p.fail(m.val, at.InCondition(m.key, ""), `must be an object mapping condition keys to values, such as {"ims:Region": ["cn-north-4"]}, not %s`, m.val.kind)
		}
		op := ConditionOp{Name: m.key, Pos: p.pos(m.off), Keys: make([]ConditionKey, len(m.val.members))}
		for j, k := range m.val.members {
			op.Keys[j] = ConditionKey{Name: k.key, Pos: p.pos(k.off)}
			vals, err := p.list(k.val, at.InCondition(m.key, k.key))
			if err != nil {
				return nil, err
			}
			op.Keys[j].Values = *vals
		}
		c.Ops[i] = op
	}
	return c, nil
}

// toAny decodes a JSON value the way encoding/json decodes into an any with UseNumber.
func toAny(n *node) any {
	switch n.kind {
	case kString:
		return n.str
	case kNumber:
		return json.Number(n.str)
	case kTrue:
		return true
	case kFalse:
		return false
	case kObject:
		m := make(map[string]any, len(n.members))
		for _, mem := range n.members {
			m[mem.key] = toAny(mem.val)
		}
		return m
	case kArray:
		a := make([]any, len(n.elems))
		for i, e := range n.elems {
			a[i] = toAny(e)
		}
		return a
	}
	return nil
}

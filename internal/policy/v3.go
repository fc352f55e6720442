package policy

import (
	"fmt"
)

// IAM v3 custom policies and roles: "Version": "1.1" (custom, fine-grained policies) and
// "Version": "1.0" (RBAC roles, which may carry Depends). They are the documents of
// huaweicloud_identity_role and of v3 estates; the vendor gives no converter to v5, and the
// two grammars do not share action names. This file reads them with the same JSON reader
// and positions as v5 documents (json.go, pos.go) into a form of their own, so that a v5
// caller can never be handed one by mistake:
//
//	{"Version": "1.1" | "1.0", "Statement": [{"Effect": "Allow" | "Deny",
//	  "Action": [...], "Resource": [...], "Condition": {"operator": {"key": ["value", ...]}}}],
//	 "Depends": [{"catalog": "...", "display_name": "..."}]}   // 1.0 only
//
// The grammar and its limits are from the project's reference notes on IAM v3
// (iam-v3-ims.md §3.1: Huawei's "策略语法"/"创建云服务自定义策略" pages, OTC's policy_syntax.rst
// and error codes, and the SDK's model_role_policy.go / model_policy_statement.go /
// model_policy_depends.go). CheckV3Text checks them (v3check.go).
//
// Exported API:
//   - [LanguageOf] tells v3 from v5 text by its top-level "Version"; [ParseLanguage] reads
//     "v5"/"v3".
//   - [ParseV3] reads a v3 document into a [V3Document]; it fails (a *SyntaxError, as
//     Parse does) only when the text is not JSON or does not have the grammar's shape.
//   - [CheckV3Text] parses and checks, giving a [V3Checked]: the document, when it
//     parsed, and the findings, with codes from the same rules table as v5 (Rules).

// Language is the policy grammar a document is written in.
type Language int

const (
	// V5 is the IAM v5 grammar ("Version": "5.0") of identity policies and SCPs.
	V5 Language = iota
	// V3 is the IAM v3 grammar ("Version": "1.1" custom policies, "1.0" roles).
	V3
)

func (l Language) String() string {
	switch l {
	case V5:
		return "v5"
	case V3:
		return "v3"
	}
	return fmt.Sprintf("Language(%d)", int(l))
}

// ParseLanguage reads "v5" or "v3".
func ParseLanguage(s string) (Language, error) {
	switch s {
	case "v5":
		return V5, nil
	case "v3":
		return V3, nil
	}
	return 0, fmt.Errorf(`unknown policy language %q: write "v5" (IAM identity policies and SCPs, "Version": "5.0") or "v3" (IAM v3 custom policies and roles, "Version": "1.1" or "1.0")`, s)
}

// The versions of the v3 grammar.
const (
	V3CustomVersion = "1.1" // custom (fine-grained) policies
	V3RoleVersion   = "1.0" // RBAC roles, the only ones that may have Depends
)

// IsV3Version reports whether a Version value is one of the v3 grammar's.
func IsV3Version(v string) bool { return v == V3CustomVersion || v == V3RoleVersion }

// LanguageOf recognises a document's grammar by its top-level "Version": V3 for the
// strings "1.1" and "1.0", V5 for everything else, including text that is not JSON, has no
// Version or is over MaxDocumentBytes, so that the v5 checker reports what is wrong with it
// as before.
func LanguageOf(text []byte) Language {
	if len(text) > MaxDocumentBytes {
		return V5
	}
	root, err := parseJSON(text)
	if err != nil || root.kind != kObject {
		return V5
	}
	for _, m := range root.members {
		if m.key == "Version" && m.val.kind == kString && IsV3Version(m.val.str) {
			return V3
		}
	}
	return V5
}

// V3Document is a parsed v3 document. A nil field was absent.
type V3Document struct {
	Pos     Pos
	Version *Str
	// Statements in document order; StatementPos is where the list starts (the zero Pos
	// when absent).
	Statements   []V3Statement
	StatementPos Pos
	// Depends is the 1.0 roles' list of roles that must be granted with this one.
	Depends *V3Depends
	// Unknown are document fields the grammar does not have, in source order.
	Unknown []Field
	// Scalars are the places where a single string was written where the v3 grammar needs
	// a JSON array (Action, NotAction, Resource, a condition key's values): the vendor
	// refuses it (IAM.1030, IAM.1053) and huaweicloud_identity_role fails to read it. The
	// parsed List holds the string as a list of one, as for v5.
	Scalars []Spot
}

// Spot is a location in a document and where it starts in the text.
type Spot struct {
	At  Location
	Pos Pos
}

// V3Statement is one statement of a v3 document. Action, Resource and the condition
// values are Lists as in v5 (with positions); Condition is operator → key → values.
type V3Statement struct {
	Pos    Pos // the opening brace
	Effect *Str
	Action *List
	// NotAction is known to the vendor's validator (IAM.1031) but not documented for
	// custom policies (open, notes §3.1).
	NotAction *List
	// Resource is the list form; nil when absent, which for a v3 statement means every
	// resource.
	Resource *List
	// ResourceObject is Resource written as an object, the agency policies' form
	// {"uri": [...]} (IAM.1037, IAM.1049); nil otherwise.
	ResourceObject *Field
	Condition      *Condition
	// Unknown are fields the grammar does not have (Sid, NotResource, Principal, ...), in
	// source order: v3 custom policies have none of them (IAM.1059, inferred).
	Unknown []Field
}

// Actions returns the statement's Action strings (nil when absent).
func (s *V3Statement) Actions() []string { return s.Action.Values() }

// Resources returns the statement's Resource strings; nil when Resource is absent (or
// written as an object).
func (s *V3Statement) Resources() []string { return s.Resource.Values() }

// V3Depends is a 1.0 role's Depends list.
type V3Depends struct {
	Pos   Pos
	Items []V3Depend
}

// V3Depend is one role a 1.0 role depends on (SDK model_policy_depends.go:
// PolicyDepends{catalog, display_name}).
type V3Depend struct {
	Pos         Pos
	Catalog     *Str
	DisplayName *Str
	Unknown     []Field
}

// The v3 elements that v5 does not have.
const DependsElement Element = "Depends"

// ParseV3 reads a v3 document. Like Parse, it fails only when the text is not JSON, does
// not have the grammar's shape (a *SyntaxError), or is over MaxDocumentBytes; a missing
// or wrong Version, a bad Effect or unknown fields are left to CheckV3Text. It does not
// look at Version: LanguageOf decides which reader a text goes to.
func ParseV3(src []byte) (*V3Document, error) {
	parses.Add(1)
	if len(src) > MaxDocumentBytes {
		return nil, &SyntaxError{Pos: Pos{Line: 1, Column: 1}, At: DocumentAt(NoElement), Msg: TooLargeMessage(int64(len(src)), false), TooLarge: true}
	}
	p, root, err := readJSON(src)
	if err != nil {
		return nil, err
	}
	v := &v3parser{parser: p}
	return v.document(root)
}

type v3parser struct {
	*parser
	doc *V3Document
}

func (p *v3parser) document(n *node) (*V3Document, error) {
	if n.kind != kObject {
		return nil, p.fail(n, DocumentAt(NoElement), `a v3 policy document must be a JSON object, {"Version": "1.1", "Statement": [...]}, not %s`, n.kind)
	}
	d := &V3Document{Pos: p.pos(n.off)}
	p.doc = d
	for _, m := range n.members {
		switch m.key {
		case "Version":
			if m.val.kind != kString {
				return nil, p.fail(m.val, DocumentAt(VersionElement), `must be the string "1.1" (in quotes), not %s`, m.val.kind)
			}
			d.Version = &Str{Value: m.val.str, Pos: p.pos(m.val.off)}
		case "Statement":
			if m.val.kind != kArray {
				return nil, p.fail(m.val, DocumentAt(StatementElement), "must be a list of statements, [{...}, ...], not %s", m.val.kind)
			}
			d.StatementPos = p.pos(m.val.off)
			d.Statements = make([]V3Statement, len(m.val.elems))
			for i, e := range m.val.elems {
				if err := p.statement(&d.Statements[i], i, e); err != nil {
					return nil, err
				}
			}
		case "Depends":
			deps, err := p.depends(m.val)
			if err != nil {
				return nil, err
			}
			d.Depends = deps
		default:
			d.Unknown = append(d.Unknown, p.field(m))
		}
	}
	return d, nil
}

func (p *v3parser) statement(s *V3Statement, i int, n *node) error {
	if n.kind != kObject {
		return p.fail(n, StatementAt(i, NoElement), `must be a statement object, {"Effect": "Allow", "Action": [...]}, not %s`, n.kind)
	}
	s.Pos = p.pos(n.off)
	var err error
	for _, m := range n.members {
		switch m.key {
		case "Effect":
			s.Effect, err = p.str(m.val, StatementAt(i, EffectElement), `"Allow" or "Deny"`)
		case "Action":
			s.Action, err = p.array(m.val, StatementAt(i, ActionElement))
		case "NotAction":
			s.NotAction, err = p.array(m.val, StatementAt(i, NotActionElement))
		case "Resource":
			if m.val.kind == kObject {
				f := p.field(m)
				s.ResourceObject = &f
				continue
			}
			s.Resource, err = p.array(m.val, StatementAt(i, ResourceElement))
		case "Condition":
			s.Condition, err = p.condition(m.val, StatementAt(i, ConditionElement))
			if err == nil {
				for _, op := range m.val.members {
					for _, k := range op.val.members {
						if k.val.kind == kString {
							p.scalar(k.val, StatementAt(i, ConditionElement).InCondition(op.key, k.key))
						}
					}
				}
			}
		default:
			s.Unknown = append(s.Unknown, p.field(m))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// array reads a list of strings, noting a single string in Scalars.
func (p *v3parser) array(n *node, at Location) (*List, error) {
	l, err := p.list(n, at)
	if err == nil && n.kind == kString {
		p.scalar(n, at)
	}
	return l, err
}

func (p *v3parser) scalar(n *node, at Location) {
	p.doc.Scalars = append(p.doc.Scalars, Spot{At: at, Pos: p.pos(n.off)})
}

func (p *v3parser) depends(n *node) (*V3Depends, error) {
	at := DocumentAt(DependsElement)
	if n.kind != kArray {
		return nil, p.fail(n, at, `must be a list of roles, [{"catalog": "BASE", "display_name": "Tenant Guest"}], not %s`, n.kind)
	}
	d := &V3Depends{Pos: p.pos(n.off), Items: make([]V3Depend, len(n.elems))}
	for i, e := range n.elems {
		if e.kind != kObject {
			return nil, p.fail(e, at.Item(i), `must be a role object, {"catalog": "BASE", "display_name": "Tenant Guest"}, not %s`, e.kind)
		}
		it := &d.Items[i]
		it.Pos = p.pos(e.off)
		var err error
		for _, m := range e.members {
			switch m.key {
			case "catalog":
				it.Catalog, err = p.str(m.val, at.Item(i), "a string")
			case "display_name":
				it.DisplayName, err = p.str(m.val, at.Item(i), "a string")
			default:
				it.Unknown = append(it.Unknown, p.field(m))
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// Shape returns the document's statements in the v5 Document's shape, sharing its Lists
// and Conditions, with Version as written: for merging statements (Merge) and printing
// the canonical form (Indented, Minified) with the v5 code, which prints only the fields
// present. A field the v3 grammar does not have stays in the statement's Unknown, except
// that a string Sid goes to Sid (Merge replaces statements by Sid); checking the printed
// text with CheckV3Text reports them all where they are. Depends
// has no v5 field and is left out: callers that keep it must carry it themselves.
func (d *V3Document) Shape() *Document {
	out := &Document{Pos: d.Pos, Version: d.Version, StatementPos: d.StatementPos, Unknown: d.Unknown}
	out.Statements = make([]Statement, len(d.Statements))
	for i, s := range d.Statements {
		t := Statement{Pos: s.Pos, Effect: s.Effect, Action: s.Action, NotAction: s.NotAction, Resource: s.Resource, Condition: s.Condition}
		if s.ResourceObject != nil {
			t.Unknown = append(t.Unknown, *s.ResourceObject)
		}
		for _, f := range s.Unknown {
			switch v, ok := f.Value.(string); {
			case f.Name == "Sid" && ok:
				t.Sid = &Str{Value: v, Pos: f.Pos}
			default:
				t.Unknown = append(t.Unknown, f)
			}
		}
		out.Statements[i] = t
	}
	return out
}

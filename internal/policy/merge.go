package policy

import "fmt"

// Layer says which input of Merge a statement comes from.
type Layer int

// The inputs of Merge, in the order they are applied.
const (
	SourceLayer    Layer = iota // source documents: statements that start the document
	StatementLayer              // statements written one by one (HCL statement blocks)
	OverrideLayer               // override documents: applied last
)

// Origin is where a merged statement comes from: its layer and, for documents, which one
// (for statements, which statement), counted from 0.
type Origin struct {
	Layer Layer
	Index int
}

// DuplicateSidError is a Sid that two source statements share: sources cannot replace
// each other.
type DuplicateSidError struct {
	Sid    string
	Source int // the index of the source document of the second statement
}

func (e *DuplicateSidError) Error() string {
	return fmt.Sprintf("Sid %q appears more than once in the source documents; give each source statement its own Sid, or move the replacement to an override document", e.Sid)
}

// Merge builds one document the way the AWS provider's aws_iam_policy_document does:
// the statements of the source documents first, then statements, then the statements of
// the override documents. A statement with a Sid replaces, in place, the earlier one with
// that Sid: statements replace source statements (but not each other: two statements
// with one Sid both stay, and Check reports it); override statements replace any earlier
// statement; other statements are appended. origins[i] says where statement i came from.
func Merge(sources []*Document, statements []Statement, overrides []*Document) (doc *Document, origins []Origin, err error) {
	doc = &Document{Version: &Str{Value: "5.0"}}
	bySid := map[string]int{}
	put := func(s Statement, o Origin) {
		sid := s.Sid.value()
		if i, ok := bySid[sid]; ok && sid != "" && replaces(o.Layer, origins[i].Layer) {
			doc.Statements[i], origins[i] = s, o
			return
		}
		if sid != "" {
			bySid[sid] = len(doc.Statements)
		}
		doc.Statements = append(doc.Statements, s)
		origins = append(origins, o)
	}
	for i, d := range sources {
		for _, s := range d.Statements {
			if _, dup := bySid[s.Sid.value()]; dup && s.Sid.value() != "" {
				return nil, nil, &DuplicateSidError{Sid: s.Sid.value(), Source: i}
			}
			put(s, Origin{SourceLayer, i})
		}
	}
	for i, s := range statements {
		put(s, Origin{StatementLayer, i})
	}
	for i, d := range overrides {
		for _, s := range d.Statements {
			put(s, Origin{OverrideLayer, i})
		}
	}
	return doc, origins, nil
}

// replaces reports whether a statement of layer `by` with a Sid replaces an earlier one
// of layer `earlier` with the same Sid.
func replaces(by, earlier Layer) bool {
	switch by {
	case OverrideLayer:
		return true
	case StatementLayer:
		return earlier == SourceLayer
	default:
		return false
	}
}

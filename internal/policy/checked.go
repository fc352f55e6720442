package policy

import "sync/atomic"

// Checked is a document read and checked for a purpose, with the checker's findings: what
// the evaluator builds policy sets from, so that a document is parsed and checked once
// and every question after that is asked of its compiled form (cedar-go's shape). Build
// one with CheckText or CheckDocument; treat it and its Document as read-only.
type Checked struct {
	doc      *Document // nil when the text did not parse
	purpose  Purpose
	findings []Finding
}

// CheckText parses text and checks it for purpose p, as CheckJSON does.
func CheckText(text []byte, p Purpose) *Checked {
	d, findings := CheckJSON(text, p)
	return &Checked{doc: d, purpose: p, findings: findings}
}

// CheckTexts is CheckText for each text.
func CheckTexts(texts []string, p Purpose) []*Checked {
	out := make([]*Checked, len(texts))
	for i, t := range texts {
		out[i] = CheckText([]byte(t), p)
	}
	return out
}

// CheckDocument checks a parsed document for purpose p, as Check does (the size limit
// counts its canonical form).
func CheckDocument(d *Document, p Purpose) *Checked {
	return &Checked{doc: d, purpose: p, findings: Check(d, p)}
}

// Document is the parsed document; nil when the text did not parse (Findings says why).
func (c *Checked) Document() *Document { return c.doc }

// Purpose is what the document was checked for.
func (c *Checked) Purpose() Purpose { return c.purpose }

// Findings are everything the checker reported, errors and warnings, in document order.
func (c *Checked) Findings() []Finding { return c.findings }

// FirstError is the first error finding, or nil when the document has none.
func (c *Checked) FirstError() *Finding {
	for i := range c.findings {
		if c.findings[i].Severity == Error {
			return &c.findings[i]
		}
	}
	return nil
}

// parses and checks count the documents Parse and Check have read since the process
// started; Counts exposes them to tests that prove each document is read once per call.
var parses, checks atomic.Int64

// Counts returns how many documents Parse has parsed and the checker has checked, in
// this process so far. It is a test hook: compare it before and after a call (in a test
// that does not run in parallel with others reading documents).
func Counts() (parsed, checked int64) { return parses.Load(), checks.Load() }

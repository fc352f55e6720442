package policy

import (
	"sync"
	"sync/atomic"
)

// Checked is a document read and checked for a purpose, with the checker's findings: what
// the evaluator builds policy sets from, so that a document is parsed and checked once
// and every question after that is asked of its compiled form (cedar-go's shape). Build
// one with CheckText or CheckDocument; treat it and its Document as read-only.
type Checked struct {
	doc      *Document // nil when the text did not parse
	purpose  Purpose
	findings []Finding
}

// CheckText parses text and checks it for purpose p, as CheckJSON does. A text read
// lately for the same purpose is not read again: the provider's calls on one plan
// (validate, plan, read: each a call of its own) share the work through a small cache,
// and get the same *Checked, which nobody changes.
func CheckText(text []byte, p Purpose) *Checked {
	k := cacheKey{purpose: p, text: string(text)}
	if c, ok := recent.get(k); ok {
		return c
	}
	d, findings := CheckJSON(text, p)
	c := &Checked{doc: d, purpose: p, findings: findings}
	recent.put(k, c)
	return c
}

// recent is CheckText's cache.
var recent = &checkedCache{entries: map[cacheKey]*Checked{}, max: cacheBytes}

// cacheBytes bounds the text the cache holds (16 documents of the largest size read, or
// a few hundred of the service's largest): what it costs in memory, about as much again in
// parsed documents.
const cacheBytes = 1 << 20

type cacheKey struct {
	purpose Purpose
	text    string
}

// checkedCache keeps the documents checked last, up to max bytes of text, the oldest
// leaving first. It is safe for concurrent use; two callers that miss at once both check
// the text, and the later one's is kept.
type checkedCache struct {
	mu      sync.Mutex
	entries map[cacheKey]*Checked
	order   []cacheKey // oldest first
	bytes   int
	max     int
}

func (c *checkedCache) get(k cacheKey) (*Checked, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	return v, ok
}

func (c *checkedCache) put(k cacheKey, v *Checked) {
	if len(k.text) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; ok {
		c.entries[k] = v
		return
	}
	for c.bytes+len(k.text) > c.max {
		oldest := c.order[0]
		c.order = c.order[1:]
		delete(c.entries, oldest)
		c.bytes -= len(oldest.text)
	}
	c.entries[k] = v
	c.order = append(c.order, k)
	c.bytes += len(k.text)
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

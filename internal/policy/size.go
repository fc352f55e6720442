package policy

import (
	"bytes"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The vendor's size limits on a policy document, and how they are counted. This is the one
// place that says so: the checker (plan time, imspolicy check), the emulator and the docs
// take it from here.
//
// Sources:
//   - Huawei Cloud IAM, "Notes and Constraints" (Quotas: Custom policy, "Characters per
//     policy: 6,144"), https://support.huaweicloud.com/intl/en-us/productdesc-iam/iam_01_0305.html;
//     the v5 API, "Creating a Custom Identity Policy" (CreatePolicyV5), takes the document as
//     the string policy_document, https://support.huaweicloud.com/intl/en-us/api-iam5/CreatePolicyV5.html.
//   - Huawei Cloud Organizations, "Notes and Constraints" (Quotas: "Length of an SCP: 5,120
//     characters"), https://support.huaweicloud.com/intl/en-us/productdesc-organizations/org_01_0015.html;
//     CreatePolicy takes the document as the string content.
//
// The vendor counts characters, not bytes, of the string it is sent: the document's text as
// written, since neither API takes anything else. An escape such as \u0069 is six characters
// of that text, not the one character it stands for. White space is not counted: the
// quota pages above give only the numbers; that the IAM quota counts characters without
// spaces is from the notes this project was started from, and that the SCP limit is counted
// the same way is inferred. So the limit is a property of the text, not of its meaning: two spellings
// of one document can fall on either side of it, and the provider sends the text the user
// wrote (normal forms are only for comparing), so it is that text that is counted.
const (
	MaxIdentityChars = 6144 // identity policies (IAM v5)
	MaxSCPChars      = 5120 // service control policies (Organizations)
)

// Chars counts the characters of a document's text as the vendor's limit counts them:
// every character (a UTF-8 sequence, or a byte that is not valid UTF-8) except white space.
func Chars(text []byte) int {
	n := 0
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		text = text[size:]
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// size reports document_too_large when text, the document as it will be sent, is over the
// limit of the checker's purpose.
func (c *checker) size(d *Document, text []byte) {
	n, limit := Chars(text), c.purpose.MaxChars()
	if n <= limit {
		return
	}
	fix := "shorten it (wildcards such as ims:images:* instead of long lists of actions) or split it into several policies"
	if bytes.Contains(text, []byte(`\u`)) {
		// The costliest spelling there is, and the easiest to undo: say so first.
		fix = `write escaped characters out (an escape such as \u0069 counts as the 6 characters written, "i" as 1), ` + fix
	}
	c.report("document_too_large", DocumentAt(NoElement), d.Pos,
		"the document has %s characters as written (white space not counted; the limit counts the text sent, not its meaning) and the limit for an %s document is %s; %s",
		thousands(n), c.purpose, thousands(limit), fix)
}

// SizeRule says, for schema descriptions and the docs, how large a document of purpose p
// may be and how that is counted.
func (p Purpose) SizeRule() string {
	return "at most " + thousands(p.MaxChars()) + " characters as written " +
		"(white space is not counted; an escape such as `\\u0069` counts as the 6 characters written)"
}

// thousands prints n with a comma every three digits, as the vendor's pages print limits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// Bulk is where a document too large is best shortened: the longest list (Action,
// NotAction, Resource or NotResource, by the length of its values) of the statement whose
// printed form counts the most characters by the limit's rule; the statement itself when
// it has no list. The document must have a statement.
func (d *Document) Bulk() Location {
	largest, most := 0, -1
	for i := range d.Statements {
		one := Document{Version: d.Version, Statements: d.Statements[i : i+1]}
		if n := Chars(one.Indented()); n > most {
			largest, most = i, n
		}
	}
	st := &d.Statements[largest]
	element, longest := NoElement, -1
	for _, l := range []struct {
		e    Element
		list *List
	}{{ActionElement, st.Action}, {NotActionElement, st.NotAction}, {NotResourceElement, st.NotResource}, {ResourceElement, st.Resource}} {
		if l.list == nil {
			continue
		}
		n := 0
		for _, item := range l.list.Items {
			n += len(item.Value)
		}
		if n > longest {
			element, longest = l.e, n
		}
	}
	return StatementAt(largest, element)
}

package policy

import (
	"strings"
	"testing"
)

func TestChars(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
	}{
		{``, 0},
		{`{"a":"b"}`, 9},
		{"{ \"a\" :\n\t\"b\"\r\n}", 9},         // white space between tokens is not counted
		{`{"a b":"c"}`, 10},                    // nor inside strings
		{`"\u0069"`, 8},                        // an escape counts as written: 6 characters
		{`"i"`, 3},                             // the character it stands for: 1
		{`"\/"`, 4},                            // a needless escape is 2
		{`"é中"`, 4},                            // characters, not bytes
		{"\"\xff\"", 3},                        // a byte that is not UTF-8 counts as one
		{"\u00a0\u2028x", 1},                   // Unicode white space is white space
		{strings.Repeat("ab ", 1000), 2000},    // long runs
		{strings.Repeat(`\u0069`, 1024), 6144}, // exactly the identity limit
	} {
		if got := Chars([]byte(tt.text)); got != tt.want {
			t.Errorf("Chars(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 6144: "6,144", 1234567: "1,234,567", -6497: "-6,497"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// escapedDocument is an identity policy whose actions are spelled \u0069ms:... (the escape
// of "i"), padded to exactly n characters as written.
func escapedDocument(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"Version": "5.0", "Statement": [{"Sid": "PAD", "Effect": "Allow", "Action": [`)
	for i := 0; Chars([]byte(b.String())) < n-400; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"\u0069ms:images:list"`)
	}
	b.WriteString(`], "Resource": ["*"]}]}`)
	return pad(t, b.String(), n)
}

// pad lengthens the Sid "PAD" so that the document has exactly n characters as written.
func pad(t *testing.T, doc string, n int) string {
	t.Helper()
	short := n - Chars([]byte(doc))
	if short < 0 {
		t.Fatalf("document already has %d characters, more than %d", Chars([]byte(doc)), n)
	}
	doc = strings.Replace(doc, `"PAD"`, `"PAD`+strings.Repeat("x", short)+`"`, 1)
	if got := Chars([]byte(doc)); got != n {
		t.Fatalf("padded to %d characters, want %d", got, n)
	}
	return doc
}

func sizeFinding(findings []Finding) *Finding {
	for i, f := range findings {
		if f.Code == "document_too_large" {
			return &findings[i]
		}
	}
	return nil
}

// TestSizeCountsTheTextWritten is issue 16's first case: a document of 6,497 characters as
// written, its actions escaped (\u0069ms:...), passed plan (its canonical form is under the
// limit) and failed apply with 400 (the service counts the text it is sent).
func TestSizeCountsTheTextWritten(t *testing.T) {
	doc := escapedDocument(t, 6497)
	d, findings := CheckJSON([]byte(doc), Identity)
	if d == nil {
		t.Fatalf("does not parse: %v", findings)
	}
	if canonical := Chars(d.Minified()); canonical > MaxIdentityChars {
		t.Fatalf("the canonical form has %d characters: the case needs it under the limit", canonical)
	}
	f := sizeFinding(findings)
	if f == nil {
		t.Fatalf("a document of 6,497 characters as written passes: %v", findings)
	}
	for _, want := range []string{"6,497 characters as written", "limit for an identity document is 6,144", `\u0069`, "split it into several policies"} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q does not say %q", f.Message, want)
		}
	}
	// One character fewer than the limit's worth passes; one more fails.
	if _, fs := CheckJSON([]byte(escapedDocument(t, MaxIdentityChars)), Identity); sizeFinding(fs) != nil {
		t.Errorf("a document of exactly 6,144 characters as written fails: %v", fs)
	}
	if _, fs := CheckJSON([]byte(escapedDocument(t, MaxIdentityChars+1)), Identity); sizeFinding(fs) == nil {
		t.Error("a document of 6,145 characters as written passes")
	}
}

// TestSizeIgnoresTheCanonicalForm is issue 16's second case: a document of 6,011 characters
// as written failed plan as "6,299 characters", the size of its canonical form (single
// strings printed as lists of one), which is not what the service is sent.
func TestSizeIgnoresTheCanonicalForm(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Version":"5.0","Statement":[{"Sid":"PAD","Effect":"Allow","Action":"ims:images:list","Resource":"*"}`)
	for Chars([]byte(b.String())) < 5900 {
		b.WriteString(`,{"Effect":"Allow","Action":"ims:images:get","Resource":"*"}`)
	}
	b.WriteString(`]}`)
	doc := pad(t, b.String(), 6011)
	d, findings := CheckJSON([]byte(doc), Identity)
	if d == nil {
		t.Fatalf("does not parse: %v", findings)
	}
	if canonical := Chars(d.Minified()); canonical <= MaxIdentityChars {
		t.Fatalf("the canonical form has %d characters: the case needs it over the limit", canonical)
	}
	if f := sizeFinding(findings); f != nil {
		t.Errorf("a document of 6,011 characters as written fails: %s", f)
	}
}

// TestSizeOfBuiltDocuments: a document built in code (imspolicy_policy_document) is counted
// on its canonical form, the largest text it prints as: Indented has the same count, Normal
// no more.
func TestSizeOfBuiltDocuments(t *testing.T) {
	d, _ := CheckJSON([]byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get","IMS:images:get"],"Resource":"*","Condition":{"StringEquals":{"g:UserName":["a"]},"StringEquals ":{}}}]}`), Identity)
	if d == nil {
		t.Fatal("does not parse")
	}
	m, i, n := Chars(d.Minified()), Chars(d.Indented()), Chars(d.Normal())
	if i != m || n > m {
		t.Errorf("Minified %d, Indented %d, Normal %d characters", m, i, n)
	}
	big := escapedDocument(t, 9000) // about 6,700 characters canonical
	d, _ = CheckJSON([]byte(big), Identity)
	if f := sizeFinding(Check(d, Identity)); f == nil || !strings.Contains(f.Message, thousands(Chars(d.Minified()))+" characters") {
		t.Errorf("Check of a built document over the limit: %v", f)
	}
}

// TestBulk: a document too large is shortened where it is largest: the longest list of the
// statement that counts the most characters; a statement without lists is itself the place.
func TestBulk(t *testing.T) {
	d, err := Parse([]byte(`{"Version":"5.0","Statement":[
		{"Effect":"Allow","Action":["ims:images:list"]},
		{"Effect":"Allow","Action":["ims:images:get"],"Resource":["ims:cn-north-4:0a1b:image:*","ims:cn-east-3:0a1b:image:*"]},
		{"Effect":"Deny","Action":["ims:images:share"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Bulk(), StatementAt(1, ResourceElement); got != want {
		t.Errorf("Bulk() = %s, want %s", got, want)
	}
	d, err = Parse([]byte(`{"Version":"5.0","Statement":[{"Effect":"Allow"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Bulk(), StatementAt(0, NoElement); got != want {
		t.Errorf("Bulk() = %s, want %s", got, want)
	}
}

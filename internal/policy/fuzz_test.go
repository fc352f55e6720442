package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// seedPolicies returns the policies under testdata/policies and a few hand-made edge cases.
func seedPolicies(tb testing.TB) [][]byte {
	files, err := filepath.Glob("testdata/policies/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no seed policies: %v", err)
	}
	var seeds [][]byte
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, src)
	}
	for _, s := range []string{
		`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`,
		`{"Version":"5.0","Statement":{"Effect":"Allow","Action":"*"}}`,
		`{"Version":5.0,"Statement":[]}`,
		`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":"ims:images:*","Condition":{"ForAnyValue:StringEqualsIfExists":{"ims:TargetOrgPaths":["o-1/r-1/ou-2/"]},"Null":{}},"Principal":{"IAM":["*"]}}],"Id":[1,2.5e3,null,true]}`,
		`{"Statement":[{"Sid":"<>&\u2028\ud83d\ude00\ud800\"\\","Action":[],"Condition":{}}]}`,
		"{\"Statement\":[{\"Sid\":\"a\xffb\"}]}",
		`{"a":1,"a":2}`,
		`[]`, `""`, `{`, `{"Statement":[{},]}`,
	} {
		seeds = append(seeds, []byte(s))
	}
	for _, r := range rules {
		seeds = append(seeds, []byte(r.Example))
	}
	return seeds
}

// FuzzParse checks that Parse and Check never panic, Parse accepts only JSON, and printing
// is a fixed point: print(parse(print(parse(x)))) == print(parse(x)), for the minified and
// the indented form, and the reparsed document is Equal to the first. Check finds the same
// in a document and in its canonical form.
func FuzzParse(f *testing.F) {
	for _, s := range seedPolicies(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, p := range []Purpose{Identity, SCP} {
			if _, fs := CheckJSON(src, p); len(fs) > 0 {
				checkFindings(t, fs, len(src))
			}
		}
		d, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError: %v", err, err)
			}
			if !se.Pos.IsValid() || se.Pos.Offset < 0 || se.Pos.Offset > len(src) {
				t.Fatalf("error position %+v out of range (len %d): %v", se.Pos, len(src), err)
			}
			return
		}
		if !json.Valid(src) {
			t.Fatalf("Parse accepted invalid JSON")
		}
		canon := d.Minified()
		if !json.Valid(canon) {
			t.Fatalf("Minified is not JSON: %s", canon)
		}
		d2, err := Parse(canon)
		if err != nil {
			t.Fatalf("reparsing %s: %v", canon, err)
		}
		if canon2 := d2.Minified(); !bytes.Equal(canon, canon2) {
			t.Fatalf("not a fixed point:\n%s\n%s", canon, canon2)
		}
		d3, err := Parse(d.Indented())
		if err != nil {
			t.Fatalf("reparsing the indented form: %v", err)
		}
		if canon3 := d3.Minified(); !bytes.Equal(canon, canon3) {
			t.Fatalf("indented form reparses differently:\n%s\n%s", canon, canon3)
		}
		if !Equal(d, d2) || !Equal(d2, d) || !Equal(d, d) {
			t.Fatalf("document not Equal to its canonical form: %s", canon)
		}
		for _, p := range []Purpose{Identity, SCP} {
			if a, b := findingSet(Check(d, p)), findingSet(Check(d2, p)); !slices.Equal(a, b) {
				t.Fatalf("as %s, the document and its canonical form draw different findings:\n%q\n%q", p, a, b)
			}
		}
	})
}

// checkFindings checks that findings have a rule, a message and a position in the source.
func checkFindings(t *testing.T, fs []Finding, n int) {
	t.Helper()
	for _, f := range fs {
		r, ok := rulesByCode[f.Code]
		if !ok || f.Severity != r.Severity || f.Message == "" {
			t.Fatalf("finding without a rule, severity or message: %v", f)
		}
		if !f.Pos.IsValid() || f.Pos.Offset > n {
			t.Fatalf("finding position %+v out of range (len %d): %v", f.Pos, n, f)
		}
	}
}

// findingSet renders findings without positions or messages (which quote values as
// written, and the canonical form spells actions its own way), sorted, for comparing
// documents that differ in form.
func findingSet(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%d %s %s %s %s", f.At.Statement, f.Sid, f.At, f.Severity, f.Code)
	}
	slices.Sort(out)
	return out
}

// FuzzJSON checks the position-keeping JSON reader against encoding/json: it accepts what
// encoding/json accepts (except repeated keys and text that is not UTF-8) and decodes to
// the same values.
func FuzzJSON(f *testing.F) {
	for _, s := range seedPolicies(f) {
		f.Add(s)
	}
	f.Add([]byte(`[1e5, -0.5E-3, 0, "\u00e9\ud800\udc00\udc00", {"": {}}, [[]], true, false, null]`))
	f.Add([]byte("{\"Sid\": \"a\xff\xfe\", \"v\": [\"\xc3\x28\"]}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		n, err := parseJSON(src)
		// encoding/json reads bytes that are not UTF-8 as U+FFFD; the reader refuses them.
		valid := json.Valid(src) && utf8.Valid(src)
		if err != nil {
			var je *jsonError
			if !errors.As(err, &je) {
				t.Fatalf("error %T is not a *jsonError", err)
			}
			if je.dup != valid {
				t.Fatalf("json.Valid = %v but parseJSON says: %v", valid, err)
			}
			if je.off < 0 || je.off > len(src) {
				t.Fatalf("error offset %d out of range (len %d)", je.off, len(src))
			}
			return
		}
		if !valid {
			t.Fatalf("parseJSON accepted what encoding/json rejects")
		}
		dec := json.NewDecoder(bytes.NewReader(src))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if got := toAny(n); !reflect.DeepEqual(got, want) {
			t.Fatalf("decoded\n%#v\nencoding/json decodes\n%#v", got, want)
		}
	})
}

// FuzzAppendString checks that strings print exactly as encoding/json prints them, minus
// the HTML escapes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "<a & b>", "\x00\u2028\xff", "é😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkAppendString(t, s) })
}

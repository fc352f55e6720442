package policy

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		// JSON itself.
		{"empty", ``, `line 1 col 1: the document is empty; write a JSON object such as {"Version": "5.0", "Statement": []}`},
		{"blank", " \n\t ", `line 1 col 1: the document is empty; write a JSON object such as {"Version": "5.0", "Statement": []}`},
		{"not json", `Version: 5.0`, `line 1 col 1: unexpected character 'V'; expected a value (string, number, object, list, true, false or null)`},
		{"single quotes", `{'Version': '5.0'}`, `line 1 col 2: unexpected character '\''; expected an object key in double quotes`},
		{"trailing comma in object", "{\n  \"Version\": \"5.0\",\n}", `line 3 col 1: unexpected '}' after ','; remove the trailing comma`},
		{"trailing comma in list", `{"Statement": [{},]}`, `line 1 col 19: unexpected ']' after ','; remove the trailing comma`},
		{"missing colon", `{"Version" "5.0"}`, `line 1 col 12: unexpected character '"' after object key "Version"; expected ':'`},
		{"missing comma", "{\"Version\": \"5.0\"\n \"Statement\": []}", `line 2 col 2: unexpected character '"' after an object member; expected ',' or '}'`},
		{"unterminated string", `{"Version": "5.0`, `line 1 col 17: unexpected end of input in a string; close it with '"'`},
		{"unterminated object", `{"Version": "5.0"`, `line 1 col 18: unexpected end of input after an object member; expected ',' or '}'`},
		{"newline in string", "{\"Sid\": \"a\nb\"}", `line 1 col 11: control character '\n' in a string; write it as an escape such as \n or \u000a`},
		{"bad escape", `{"Sid": "a\x"}`, `line 1 col 12: invalid escape "\\x" in a string; valid escapes are \" \\ \/ \b \f \n \r \t \uXXXX`},
		{"bad unicode escape", `{"Sid": "\u12"}`, `line 1 col 12: invalid \u escape in a string; write four hexadecimal digits, as in \u00e9`},
		{"bad literal", `{"Sid": tru}`, `line 1 col 12: unexpected character '}' in literal true (expected 'e')`},
		{"bad number", `{"Sid": -x}`, `line 1 col 10: unexpected character 'x' in number; expected a digit`},
		{"garbage after", `{} {}`, `line 1 col 4: unexpected character '{' after the end of the JSON document`},
		{"duplicate key", "{\"Statement\": [{\n  \"Action\": [\"a\"],\n  \"Action\": [\"b\"]}]}", `line 3 col 3: the key "Action" appears twice in the same object; merge the two into one`},
		{"syntax error wins over duplicate", `{"a": 1, "a": 2, }`, `line 1 col 18: unexpected '}' after ','; remove the trailing comma`},
		// Text that is not UTF-8 is refused as a NUL byte is, not read as U+FFFD.
		{"sid not utf-8", "{\"Statement\": [{\"Sid\": \"a\xff\xfe\"}]}", `line 1 col 26: byte 0xff in a string is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or UTF-16), or write the character as a \u escape such as \u00e9`},
		{"value cut short", "{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"ims:Region\": [\"\xc3\x28\"]}}}]}", `line 1 col 64: byte 0xc3 in a string is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or UTF-16), or write the character as a \u escape such as \u00e9`},
		{"key not utf-8", "{\"Statement\": [{\"S\xe9d\": \"x\"}]}", `line 1 col 19: byte 0xe9 in a string is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or UTF-16), or write the character as a \u escape such as \u00e9`},
		{"utf-8 after valid characters", "{\"Sid\": \"é\x80\"}", `line 1 col 11: byte 0x80 in a string is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or UTF-16), or write the character as a \u escape such as \u00e9`},
		{"columns count characters", `{"Sid": "éé" x}`, `line 1 col 14: unexpected character 'x' after an object member; expected ',' or '}'`},

		// The grammar's shape.
		{"top level list", `[{"Version": "5.0"}]`, `line 1 col 1: a policy document must be a JSON object, {"Version": "5.0", "Statement": [...]}, not a list`},
		{"version number", `{"Version": 5.0}`, `line 1 col 13: Version: must be the string "5.0" (in quotes), not a number`},
		{"statement object", `{"Version": "5.0", "Statement": {"Effect": "Allow"}}`, `line 1 col 33: Statement: must be a list of statements; put the statement in a list: [{...}]`},
		{"statement string", `{"Statement": "x"}`, `line 1 col 15: Statement: must be a list of statements, [{...}, ...], not a string`},
		{"statement element", `{"Statement": [{}, "x"]}`, `line 1 col 20: Statement[1]: must be a statement object, {"Effect": "Allow", "Action": [...], ...}, not a string`},
		{"sid number", `{"Statement": [{"Sid": 1}]}`, `line 1 col 24: Statement[0].Sid: must be a string, not a number`},
		{"effect boolean", `{"Statement": [{"Effect": true}]}`, `line 1 col 27: Statement[0].Effect: must be "Allow" or "Deny", not a boolean`},
		{"action object", `{"Statement": [{"Action": {"a": 1}}]}`, `line 1 col 27: Statement[0].Action: must be a string or a list of strings, ["...", ...], not an object`},
		{"action element", "{\"Statement\": [\n  {},\n  {\"Action\": [\"ims:images:get\", 7]}]}", `line 3 col 33: Statement[1].Action[1]: must be a string, not a number; write it in quotes: "7"`},
		{"not action null", `{"Statement": [{"NotAction": null}]}`, `line 1 col 30: Statement[0].NotAction: must be a string or a list of strings, ["...", ...], not null`},
		{"resource nested list", `{"Statement": [{"Resource": [["*"]]}]}`, `line 1 col 30: Statement[0].Resource[0]: must be a string, not a list`},
		{"not resource number", `{"Statement": [{"NotResource": 1}]}`, `line 1 col 32: Statement[0].NotResource: must be a string or a list of strings, ["...", ...], not a number; write it in quotes: "1"`},
		{"condition list", `{"Statement": [{"Condition": []}]}`, `line 1 col 30: Statement[0].Condition: must be an object of operators, such as {"StringEquals": {"ims:Region": ["cn-north-4"]}}, not a list`},
		{"condition operator string", `{"Statement": [{"Condition": {"Bool": "true"}}]}`, `line 1 col 39: Statement[0].Condition["Bool"]: must be an object mapping condition keys to values, such as {"ims:Region": ["cn-north-4"]}, not a string`},
		{"condition value boolean", `{"Statement": [{"Condition": {"Bool": {"ims:Encrypted": false}}}]}`, `line 1 col 57: Statement[0].Condition["Bool"]["ims:Encrypted"]: must be a string or a list of strings, ["...", ...], not a boolean; write it in quotes: "false"`},
		{"condition value number in list", `{"Statement": [{"Condition": {"NumberEquals": {"k": ["1", 2]}}}]}`, `line 1 col 59: Statement[0].Condition["NumberEquals"]["k"][1]: must be a string, not a number; write it in quotes: "2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded: %s", d.Minified())
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error is %T, want *SyntaxError", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
			if se.Pos.Offset > len(tt.src) || !se.Pos.IsValid() {
				t.Errorf("bad position %+v", se.Pos)
			}
		})
	}
}

func TestParsePositions(t *testing.T) {
	src := `{
  "Version": "5.0",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": ["*"]},
    {
      "Sid": "X",
      "Effect": "Deny",
      "Action": ["ims:images:get",
        "ims:images:list"],
      "Condition": {"StringEquals": {"ims:Region": ["a", "é", "b"]}},
      "Principal": {"id": [1, true, null]}
    }
  ],
  "Comment": "kept"
}`
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Statements[1]
	c := s.Condition.Ops[0]
	got := map[string]string{
		"doc":                    d.Pos.String(),
		"Version":                d.Version.Pos.String(),
		"Statement":              d.StatementPos.String(),
		"Statement[0]":           d.Statements[0].Pos.String(),
		"Statement[0].Action":    d.Statements[0].Action.Pos.String(),
		"Statement[0].Action[0]": d.Statements[0].Action.Items[0].Pos.String(),
		"Statement[1]":           s.Pos.String(),
		"Statement[1].Sid":       s.Sid.Pos.String(),
		"Statement[1].Effect":    s.Effect.Pos.String(),
		"Statement[1].Action":    s.Action.Pos.String(),
		"Statement[1].Action[1]": s.Action.Items[1].Pos.String(),
		"Condition":              s.Condition.Pos.String(),
		"StringEquals":           c.Pos.String(),
		"ims:Region":             c.Keys[0].Pos.String(),
		"ims:Region values":      c.Keys[0].Values.Pos.String(),
		"ims:Region[2]":          c.Keys[0].Values.Items[2].Pos.String(),
		"Statement[1].Principal": s.Unknown[0].Pos.String(),
		"Comment":                d.Unknown[0].Pos.String(),
	}
	want := map[string]string{
		"doc":                    "line 1 col 1",
		"Version":                "line 2 col 14",
		"Statement":              "line 3 col 16",
		"Statement[0]":           "line 4 col 5",
		"Statement[0].Action":    "line 4 col 35",
		"Statement[0].Action[0]": "line 4 col 35",
		"Statement[1]":           "line 5 col 5",
		"Statement[1].Sid":       "line 6 col 14",
		"Statement[1].Effect":    "line 7 col 17",
		"Statement[1].Action":    "line 8 col 17",
		"Statement[1].Action[1]": "line 9 col 9",
		"Condition":              "line 10 col 20",
		"StringEquals":           "line 10 col 21",
		"ims:Region":             "line 10 col 38",
		"ims:Region values":      "line 10 col 52",
		"ims:Region[2]":          "line 10 col 63",
		"Statement[1].Principal": "line 11 col 7",
		"Comment":                "line 14 col 3",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s at %q, want %q", k, got[k], w)
		}
	}
	// Offsets agree with lines and columns.
	if off := s.Action.Items[1].Pos.Offset; src[off:off+len(`"ims:images:list"`)] != `"ims:images:list"` {
		t.Errorf("offset %d points at %q", off, src[off:])
	}

	wantUnknown := []Field{{Name: "Principal", Value: map[string]any{"id": []any{json.Number("1"), true, nil}}}}
	for i := range s.Unknown {
		s.Unknown[i].Pos = Pos{}
	}
	if !reflect.DeepEqual(s.Unknown, wantUnknown) {
		t.Errorf("statement Unknown = %#v, want %#v", s.Unknown, wantUnknown)
	}
	if d.Unknown[0].Name != "Comment" || d.Unknown[0].Value != "kept" {
		t.Errorf("document Unknown = %#v", d.Unknown)
	}
}

func TestParseValues(t *testing.T) {
	d, err := Parse([]byte(`{"Version": "5.0", "Statement": [
		{"Sid": "", "Effect": "Allow", "Action": "ims:images:get", "NotResource": [],
		 "Condition": {"ForAnyValue:StringEqualsIfExists": {"ims:TargetOrgPaths": "o-1/r-1/"}, "Null": {}}},
		{"Effect": "Deny", "NotAction": ["a", "a", "b"], "Resource": "*", "Condition": {}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s0, s1 := d.Statements[0], d.Statements[1]
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("Version", d.Version.Value, "5.0")
	check("len(Statements)", len(d.Statements), 2)
	check("s0.Sid present", s0.Sid != nil, true)
	check("s0.Sid", s0.Sid.Value, "")
	check("s0.Action", s0.Action.Values(), []string{"ims:images:get"})
	check("s0.NotAction absent", s0.NotAction == nil, true)
	check("s0.Resource absent", s0.Resource == nil, true)
	check("s0.NotResource", s0.NotResource.Values(), []string{})
	check("s0 operator", s0.Condition.Ops[0].Operator(), Operator{Qualifier: ForAnyValue, Base: "StringEquals", IfExists: true})
	check("s0 key", s0.Condition.Ops[0].Keys[0].Name, "ims:TargetOrgPaths")
	check("s0 values", s0.Condition.Ops[0].Keys[0].Values.Values(), []string{"o-1/r-1/"})
	check("s0 empty operator", s0.Condition.Ops[1].Name, "Null")
	check("s0 empty operator keys", len(s0.Condition.Ops[1].Keys), 0)
	check("s1.Sid absent", s1.Sid == nil, true)
	check("s1.NotAction keeps duplicates", s1.NotAction.Values(), []string{"a", "a", "b"})
	check("s1.Resource", s1.Resource.Values(), []string{"*"})
	check("s1.Condition present", s1.Condition != nil, true)
	check("s1.Condition ops", len(s1.Condition.Ops), 0)
	check("nil list values", (*List)(nil).Values(), []string(nil))

	d, err = Parse([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	check("empty doc Version", d.Version == nil, true)
	check("empty doc Statement pos", d.StatementPos.IsValid(), false)
}

func TestParseOperator(t *testing.T) {
	tests := []struct {
		name string
		want Operator
	}{
		{"StringEquals", Operator{Base: "StringEquals"}},
		{"StringEqualsIfExists", Operator{Base: "StringEquals", IfExists: true}},
		{"ForAnyValue:StringMatch", Operator{Qualifier: ForAnyValue, Base: "StringMatch"}},
		{"ForAllValues:StringEqualsIgnoreCaseIfExists", Operator{Qualifier: ForAllValues, Base: "StringEqualsIgnoreCase", IfExists: true}},
		{"forallvalues:StringEquals", Operator{Base: "forallvalues:StringEquals"}},
		{"ForAnyValue:", Operator{Qualifier: ForAnyValue}},
		{"IfExists", Operator{IfExists: true}},
		{"Stringequalsifexists", Operator{Base: "Stringequalsifexists"}},
		{"ForAnyValue:ForAllValues:Bool", Operator{Qualifier: ForAnyValue, Base: "ForAllValues:Bool"}},
		{"", Operator{}},
	}
	for _, tt := range tests {
		got := ParseOperator(tt.name)
		if got != tt.want {
			t.Errorf("ParseOperator(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
		if s := got.String(); s != tt.name {
			t.Errorf("ParseOperator(%q).String() = %q", tt.name, s)
		}
	}
}

func TestAddCondition(t *testing.T) {
	s := Statement{Effect: &Str{Value: "Deny"}, Action: NewList("ims:images:copyCrossRegion")}
	s.AddCondition("StringNotEquals", "ims:Region", "cn-north-4")
	s.AddCondition("Bool", "ims:Encrypted", "false")
	s.AddCondition("StringNotEquals", "ims:Region", "cn-east-3")
	d := &Document{Version: &Str{Value: "5.0"}, Statements: []Statement{s}}
	want := `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:copyCrossRegion"],"Condition":{"Bool":{"ims:Encrypted":["false"]},"StringNotEquals":{"ims:Region":["cn-north-4","cn-east-3"]}}}]}`
	if got := string(d.Minified()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A text over MaxDocumentBytes is refused before it is read, quickly, as
// document_too_large at the document's start; one byte less is read (and draws the
// vendor's size limit finding instead).
func TestParseRefusesTextOverTheCap(t *testing.T) {
	statement := `{"Effect": "Allow", "Action": ["ims:images:list"], "Resource": ["*"]}`
	build := func(size int) []byte {
		var b strings.Builder
		b.WriteString(`{"Version": "5.0", "Statement": [` + statement)
		for b.Len() < size-len(`, `+statement+`]}`) {
			b.WriteString(", " + statement)
		}
		b.WriteString("]}")
		for b.Len() < size {
			b.WriteString(" ")
		}
		return []byte(b.String())
	}
	within, over := build(MaxDocumentBytes), build(MaxDocumentBytes+1)
	if len(within) != MaxDocumentBytes || len(over) != MaxDocumentBytes+1 {
		t.Fatalf("sizes %d and %d", len(within), len(over))
	}
	if _, err := Parse(within); err != nil {
		t.Fatalf("a document of MaxDocumentBytes: %v", err)
	}
	_, err := Parse(over)
	var se *SyntaxError
	if !errors.As(err, &se) || !se.TooLarge || se.Pos.Line != 1 || se.Pos.Column != 1 {
		t.Fatalf("got %#v, want a *SyntaxError with TooLarge at line 1 col 1", err)
	}
	if want := "line 1 col 1: the document is 65537 bytes: far over the vendor's limit (6144 characters for an identity policy, 5120 for an SCP) " +
		"and over the 65536 bytes read of a policy document, so it was not read; shorten it or split it into several policies"; err.Error() != want {
		t.Errorf("error\n got: %s\nwant: %s", err, want)
	}
	for _, p := range []Purpose{Identity, SCP} {
		d, findings := CheckJSON(over, p)
		if d != nil || len(findings) != 1 || findings[0].Code != "document_too_large" || findings[0].Severity != Error {
			t.Errorf("as %s: CheckJSON gives %v, want one document_too_large error", p, findings)
		}
	}
	// 48 MB is refused at once, not parsed: a parse would take seconds and gigabytes.
	huge := make([]byte, 48<<20)
	if allocs := testing.AllocsPerRun(3, func() { _, _ = Parse(huge) }); allocs > 10 {
		t.Errorf("refusing 48 MB took %.0f allocations; it should not read the text", allocs)
	}
}

package policy

import (
	"errors"
	"reflect"
	"testing"
)

func TestLanguageOf(t *testing.T) {
	tests := []struct {
		src  string
		want Language
	}{
		{`{"Version": "1.1", "Statement": []}`, V3},
		{`{"Statement": [], "Version": "1.0"}`, V3},
		{`{"Version": "5.0", "Statement": []}`, V5},
		{`{"Version": 1.1}`, V5}, // not a string: the v5 checker says what to write
		{`{"Statement": [{"Version": "1.1"}]}`, V5},
		{`{"Version": "1.1",}`, V5}, // not JSON: the v5 checker reports it
		{`["1.1"]`, V5},
		{``, V5},
	}
	for _, tt := range tests {
		if got := LanguageOf([]byte(tt.src)); got != tt.want {
			t.Errorf("LanguageOf(%s) = %s, want %s", tt.src, got, tt.want)
		}
	}
	for _, s := range []string{"v3", "v5"} {
		l, err := ParseLanguage(s)
		if err != nil || l.String() != s {
			t.Errorf("ParseLanguage(%q) = %v, %v", s, l, err)
		}
	}
	if _, err := ParseLanguage("1.1"); err == nil {
		t.Error(`ParseLanguage("1.1") did not fail`)
	}
}

func TestParseV3(t *testing.T) {
	src := "{\"Version\": \"1.0\",\n" +
		" \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"ims:images:list\", \"ims:images:get\"],\n" +
		"   \"Resource\": [\"obs:*:*:bucket:b\"],\n" +
		"   \"Condition\": {\"StringStartWith\": {\"g:ProjectName\": [\"cn-north-4\"]}, \"Bool\": {\"g:MFAPresent\": \"true\"}}},\n" +
		"  {\"Effect\": \"Deny\", \"Action\": \"ims:images:delete\", \"Sid\": \"x\", \"Resource\": {\"uri\": [\"/iam/agencies/a\"]}}],\n" +
		" \"Depends\": [{\"catalog\": \"BASE\", \"display_name\": \"Tenant Guest\", \"x\": 1}],\n" +
		" \"Extra\": true}"
	d, err := ParseV3([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version.Value != "1.0" || d.Version.Pos != (Pos{Offset: 12, Line: 1, Column: 13}) {
		t.Errorf("Version = %+v", d.Version)
	}
	if len(d.Statements) != 2 {
		t.Fatalf("%d statements", len(d.Statements))
	}
	s0 := d.Statements[0]
	if s0.Effect.Value != "Allow" || !reflect.DeepEqual(s0.Actions(), []string{"ims:images:list", "ims:images:get"}) {
		t.Errorf("statement 0 = %+v", s0)
	}
	if p := s0.Action.Items[1].Pos; p.Line != 2 || p.Column != 66 {
		t.Errorf("Action[1] at %s, want line 2 col 66", p)
	}
	if !reflect.DeepEqual(s0.Resources(), []string{"obs:*:*:bucket:b"}) {
		t.Errorf("Resources = %v", s0.Resources())
	}
	if ops := s0.Condition.Ops; len(ops) != 2 || ops[0].Name != "StringStartWith" || ops[0].Keys[0].Name != "g:ProjectName" ||
		ops[0].Keys[0].Values.Values()[0] != "cn-north-4" || ops[1].Keys[0].Values.Values()[0] != "true" {
		t.Errorf("Condition = %+v", ops)
	}
	s1 := d.Statements[1]
	if s1.ResourceObject == nil || s1.Resource != nil || len(s1.Unknown) != 1 || s1.Unknown[0].Name != "Sid" {
		t.Errorf("statement 1 = %+v", s1)
	}
	if !reflect.DeepEqual(s1.Actions(), []string{"ims:images:delete"}) {
		t.Errorf("a single string is read as a list of one: %v", s1.Actions())
	}
	var scalars []string
	for _, s := range d.Scalars {
		scalars = append(scalars, s.At.String()+" "+s.Pos.String())
	}
	if want := []string{`Statement[0].Condition["Bool"]["g:MFAPresent"] line 4 col 97`, "Statement[1].Action line 5 col 32"}; !reflect.DeepEqual(scalars, want) {
		t.Errorf("Scalars = %q, want %q", scalars, want)
	}
	if d.Depends == nil || len(d.Depends.Items) != 1 || d.Depends.Items[0].DisplayName.Value != "Tenant Guest" ||
		d.Depends.Items[0].Catalog.Value != "BASE" || len(d.Depends.Items[0].Unknown) != 1 || d.Depends.Pos.Line != 6 {
		t.Errorf("Depends = %+v", d.Depends)
	}
	if len(d.Unknown) != 1 || d.Unknown[0].Name != "Extra" {
		t.Errorf("Unknown = %+v", d.Unknown)
	}
}

func TestParseV3Errors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"not json", `{"Version": "1.1",}`, `line 1 col 19: unexpected '}' after ','; remove the trailing comma`},
		{"list", `[]`, `line 1 col 1: a v3 policy document must be a JSON object, {"Version": "1.1", "Statement": [...]}, not a list`},
		{"version number", `{"Version": 1.1}`, `line 1 col 13: Version: must be the string "1.1" (in quotes), not a number`},
		{"statement object", `{"Statement": {}}`, `line 1 col 15: Statement: must be a list of statements, [{...}, ...], not an object`},
		{"action number", `{"Statement": [{"Action": ["a", 1]}]}`, `line 1 col 33: Statement[0].Action[1]: must be a string, not a number; write it in quotes: "1"`},
		{"resource number", `{"Statement": [{"Resource": 1}]}`, `line 1 col 29: Statement[0].Resource: must be a string or a list of strings, ["...", ...], not a number; write it in quotes: "1"`},
		{"condition list", `{"Statement": [{"Condition": []}]}`, `line 1 col 30: Statement[0].Condition: must be an object of operators, such as {"StringEquals": {"ims:Region": ["cn-north-4"]}}, not a list`},
		{"depends object", `{"Depends": {}}`, `line 1 col 13: Depends: must be a list of roles, [{"catalog": "BASE", "display_name": "Tenant Guest"}], not an object`},
		{"depends string", `{"Depends": ["x"]}`, `line 1 col 14: Depends[0]: must be a role object, {"catalog": "BASE", "display_name": "Tenant Guest"}, not a string`},
		{"depends name number", `{"Depends": [{"display_name": 1}]}`, `line 1 col 31: Depends[0]: must be a string, not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseV3([]byte(tt.src))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
}

// Shape keeps what was written and prints back as the same document (canonically).
func TestV3Shape(t *testing.T) {
	src := `{"Version":"1.1","Statement":[{"Sid":"A","Effect":"Allow","Action":["ims:images:list"],"Resource":["*"],"Condition":{"StringEquals":{"g:UserName":["x"]}}},{"Effect":"Deny","Action":["ims:images:delete"],"NotResource":["*"],"Resource":{"uri":["/iam/agencies/a"]}}]}`
	d, err := ParseV3([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"1.1","Statement":[{"Sid":"A","Effect":"Allow","Action":["ims:images:list"],"Resource":["*"],"Condition":{"StringEquals":{"g:UserName":["x"]}}},{"Effect":"Deny","Action":["ims:images:delete"],"NotResource":["*"],"Resource":{"uri":["/iam/agencies/a"]}}]}`
	if got := string(d.Shape().Minified()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

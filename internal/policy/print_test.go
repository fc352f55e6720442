package policy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMinified(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"full access scp",
			`{ "Version" : "5.0", "Statement" : [ { "Effect" : "Allow", "Action" : [ "*" ], "Resource" : [ "*" ] } ] }`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`},
		{"single strings become lists",
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ims:images:get","Resource":"*","Condition":{"StringEquals":{"ims:Region":"cn-north-4"}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"],"Condition":{"StringEquals":{"ims:Region":["cn-north-4"]}}}]}`},
		{"grammar key order",
			`{"Statement":[{"Condition":{"Bool":{"ims:Encrypted":["true"]}},"NotResource":["r"],"Resource":["q"],"NotAction":["n"],"Action":["a"],"Effect":"Deny","Sid":"S"}],"Version":"5.0"}`,
			`{"Version":"5.0","Statement":[{"Sid":"S","Effect":"Deny","Action":["a"],"NotAction":["n"],"Resource":["q"],"NotResource":["r"],"Condition":{"Bool":{"ims:Encrypted":["true"]}}}]}`},
		{"operators and keys sorted, values and statements kept in order",
			`{"Version":"5.0","Statement":[{"Sid":"2","Effect":"Allow","Action":["b","a","b"],"Condition":{"StringEquals":{"g:UserName":["z","a"],"ims:Region":["y","x"]},"Bool":{"g:MFAPresent":["true"]},"ForAnyValue:StringEquals":{"g:TagKeys":["k"]}}},{"Sid":"1","Effect":"Deny","Action":["c"]}]}`,
			`{"Version":"5.0","Statement":[{"Sid":"2","Effect":"Allow","Action":["b","a","b"],"Condition":{"Bool":{"g:MFAPresent":["true"]},"ForAnyValue:StringEquals":{"g:TagKeys":["k"]},"StringEquals":{"g:UserName":["z","a"],"ims:Region":["y","x"]}}},{"Sid":"1","Effect":"Deny","Action":["c"]}]}`},
		{"unknown fields kept, sorted, after the grammar's",
			`{"Zeta":1,"Statement":[{"Principal":{"b":[1.50,true],"a":null},"Effect":"Allow","Action":["*"],"Condition2":"x"}],"Version":"5.0","Alpha":"a"}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Condition2":"x","Principal":{"a":null,"b":[1.50,true]}}],"Alpha":"a","Zeta":1}`},
		{"absent fields stay absent, empty ones stay empty",
			`{"Statement":[{},{"Sid":"","Action":[],"Condition":{}},{"Condition":{"Null":{}}}]}`,
			`{"Statement":[{},{"Sid":"","Action":[],"Condition":{}},{"Condition":{"Null":{}}}]}`},
		{"no Statement prints an empty list", `{"Version":"5.0"}`, `{"Version":"5.0","Statement":[]}`},
		{"empty object", `{}`, `{"Statement":[]}`},
		{"html characters are not escaped",
			`{"Statement":[{"Sid":"a<b>&c","Action":["\u003c\u003e\u0026"]}]}`,
			`{"Statement":[{"Sid":"a<b>&c","Action":["<>&"]}]}`},
		{"escapes as encoding/json writes them",
			`{"Statement":[{"Sid":"\"\\\/\b\f\n\r\t\u0001\u007f\u00e9\u2028\u2029\ud83d\ude00\ud800"}]}`,
			"{\"Statement\":[{\"Sid\":\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\x7fé\\u2028\\u2029😀\uFFFD\"}]}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			got := d.Minified()
			if string(got) != tt.want {
				t.Errorf("\n got: %s\nwant: %s", got, tt.want)
			}
			if j, _ := d.MarshalJSON(); !bytes.Equal(j, got) {
				t.Errorf("MarshalJSON differs from Minified: %s", j)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, d.Indented()); err != nil || compact.String() != string(got) {
				t.Errorf("Indented does not compact to Minified: %v\n%s", err, d.Indented())
			}
		})
	}
}

// TestIndentedGolden prints every policy under testdata/policies and compares it with the
// .golden file next to it. Run with -update to rewrite the golden files.
func TestIndentedGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/policies/*.json")
	if len(files) == 0 {
		t.Fatal("no policies in testdata/policies")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			got := append(d.Indented(), '\n')
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Indented differs from %s:\n%s", golden, got)
			}
		})
	}
}

func TestIndentedExact(t *testing.T) {
	d, err := Parse([]byte(`{"Statement":[{"Effect":"Deny","Action":"ims:images:share","Condition":{"Bool":{"ims:Encrypted":"false"}}}],"Version":"5.0"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "Version": "5.0",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": [
        "ims:images:share"
      ],
      "Condition": {
        "Bool": {
          "ims:Encrypted": [
            "false"
          ]
        }
      }
    }
  ]
}`
	if got := string(d.Indented()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "<>&", "\x00\x1f\x7f", "\"\\", "\u2028\u2029", "é😀", "a\xffb\xc3", "\xed\xa0\x80", "\t\n\r\b\f"} {
		checkAppendString(t, s)
	}
}

func checkAppendString(t *testing.T, s string) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(b.String(), "\n")
	if got := string(appendString(nil, s)); got != want {
		t.Errorf("appendString(%q) = %s, encoding/json writes %s", s, got, want)
	}
}

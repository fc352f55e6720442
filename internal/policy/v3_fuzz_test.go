package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheckV3Text: on any input the v3 checker does not panic; every finding has a code
// of the rules table that a v3 document can draw (a v3 rule, or malformed_json and
// wrong_type), a position inside the text, and a document exactly when the text parsed;
// and a text that parses prints (Shape) as a document that parses again to the same print.
func FuzzCheckV3Text(f *testing.F) {
	files, _ := filepath.Glob("testdata/v3/*.json")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, tt := range v3Planted {
		f.Add([]byte(tt.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		c := CheckV3Text(src)
		for _, fd := range c.Findings() {
			r, ok := rulesByCode[fd.Code]
			if !ok || r.Language != V3 && fd.Code != "malformed_json" && fd.Code != "wrong_type" {
				t.Fatalf("finding %s is not a v3 code", fd)
			}
			if !fd.Pos.IsValid() || fd.Pos.Offset > len(src) {
				t.Fatalf("finding %s has position %+v outside the text of %d bytes", fd, fd.Pos, len(src))
			}
			if fd.Path != fd.At.String() {
				t.Fatalf("finding %s: path %q, location %q", fd, fd.Path, fd.At)
			}
		}
		_, err := ParseV3(src)
		if (err == nil) != (c.Document() != nil) {
			t.Fatalf("parse error %v, document %v", err, c.Document() != nil)
		}
		if d := c.Document(); d != nil {
			printed := d.Shape().Minified()
			again, err := ParseV3(printed)
			if err != nil {
				t.Fatalf("the print %s does not parse: %v", printed, err)
			}
			if p2 := again.Shape().Minified(); string(p2) != string(printed) {
				t.Fatalf("print not stable:\n%s\n%s", printed, p2)
			}
		}
	})
}

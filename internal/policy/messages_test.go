package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesGolden checks every policy under testdata/messages as an identity policy and
// compares its findings, one a line, with the .golden file next to it: the messages
// themselves are the behaviour under test. Run with -update to rewrite the golden files.
func TestMessagesGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/messages/*.json")
	if len(files) == 0 {
		t.Fatal("no policies in testdata/messages")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, fs := CheckJSON(src, Identity)
			var b bytes.Buffer
			for _, x := range fs {
				b.WriteString(x.String())
				b.WriteByte('\n')
			}
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("findings differ from %s:\n%s", golden, b.Bytes())
			}
		})
	}
}

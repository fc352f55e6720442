package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
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

// TestHabitsTable: every AWS operator of the table is unknown here and maps to an operator
// of the condition table; every habit has a message.
func TestHabitsTable(t *testing.T) {
	for _, h := range Habits() {
		if h.Message() == "" {
			t.Errorf("%+v has no message", h)
		}
		if h.Kind != HabitOperator {
			continue
		}
		if _, ok := condition.Lookup(h.AWS); ok {
			t.Errorf("%s is an operator here too: it is no AWS habit", h.AWS)
		}
		if _, ok := condition.Lookup(h.Huawei); !ok {
			t.Errorf("%s maps to %s, which is not an operator", h.AWS, h.Huawei)
		}
		for _, name := range []string{h.AWS, "ForAllValues:" + h.AWS + "IfExists"} {
			if _, got, ok := awsOperator(name); !ok || ParseOperator(got).Base != h.Huawei {
				t.Errorf("awsOperator(%q) = %q, %v; want base %s", name, got, ok, h.Huawei)
			}
		}
	}
	if _, ok := AWSHabit(HabitARN, "ARN:aws:s3:::bucket"); !ok {
		t.Error("an ARN in upper case is not recognised")
	}
	if _, ok := AWSHabit(HabitARN, "ims:cn-north-4:acct:image:*"); ok {
		t.Error("a URN is taken for an ARN")
	}
}

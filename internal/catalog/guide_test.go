package catalog

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// The catalog guide lists every inferred association; this keeps the two in step.
func TestGuideListsEveryInferredAssociation(t *testing.T) {
	guide, err := os.ReadFile("../../templates/guides/ims-catalog.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, a := range Actions() {
		for _, k := range a.ConditionKeys {
			row := fmt.Sprintf("| `%s` | `%s` |", a.Name, k.Name)
			listed := strings.Contains(string(guide), row)
			if k.Source == Inferred && !listed {
				t.Errorf("the guide's table of inferred facts lacks %s", row)
			}
			if k.Source == Stated && listed {
				t.Errorf("the guide lists the stated association %s as inferred", row)
			}
			if listed {
				rows++
			}
		}
	}
	if got := strings.Count(string(guide), "\n| `ims:"); got != rows {
		t.Errorf("the guide has %d association rows, the catalog %d inferred associations", got, rows)
	}
}

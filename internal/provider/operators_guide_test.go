package provider

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
)

const testingGuide = "../../templates/guides/testing-policies.md.tmpl"

// The testing guide's table of condition operators lies between these lines.
const (
	operatorsBegin = "<!-- operators: generated from the condition package's operator table by TestConditionOperatorsGuide (make docs) -->\n"
	operatorsEnd   = "<!-- end of operators -->\n"
)

// TestConditionOperatorsGuide keeps the testing guide's table of condition operators in
// step with the evaluator's table (condition.Operators), where each rule is stated once.
// `make docs` runs it with UPDATE_GUIDES=1 to rewrite the table.
func TestConditionOperatorsGuide(t *testing.T) {
	guide, err := os.ReadFile(testingGuide)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := bytes.Index(guide, []byte(operatorsBegin)), bytes.Index(guide, []byte(operatorsEnd))
	if begin < 0 || end < begin {
		t.Fatalf("%s has no table of operators between %q and %q", testingGuide, operatorsBegin, operatorsEnd)
	}
	got := append(append(append([]byte(nil), guide[:begin+len(operatorsBegin)]...), renderOperators()...), guide[end:]...)
	if os.Getenv("UPDATE_GUIDES") == "1" {
		if err := os.WriteFile(testingGuide, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, guide) {
		t.Fatalf("the table of operators in %s is stale: run `make docs`", testingGuide)
	}
}

func renderOperators() []byte {
	var b bytes.Buffer
	b.WriteString("| Operator | Reads values as | A request value matches a policy value when |\n|---|---|---|\n")
	for _, op := range condition.Operators() {
		rule := op.Matches
		if op.Negated {
			rule = fmt.Sprintf("no policy value matches by `%s`'s rule", strings.Replace(op.Name, "Not", "", 1))
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", op.Name, strings.ReplaceAll(string(op.Type), "_", " "), rule)
	}
	return b.Bytes()
}

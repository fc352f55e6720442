package policy

import (
	"strings"
	"testing"
)

// Over every rule's example: ignoring a warning code removes exactly that code's
// findings and keeps every other finding in order; an error code is refused.
func TestIgnoreOverRuleExamples(t *testing.T) {
	for _, r := range Rules() {
		t.Run(r.Code, func(t *testing.T) {
			ig, err := ParseIgnore([]string{r.Code})
			if r.Severity == Error {
				if err == nil || !strings.Contains(err.Error(), "errors cannot be ignored") {
					t.Fatalf("ParseIgnore(%q) = %v, want the error-code refusal", r.Code, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := Identity
			if r.SCPOnly {
				p = SCP
			}
			for _, ex := range Rules() {
				_, all := CheckJSON([]byte(ex.Example), p)
				if ex.Language == V3 {
					all = ex.ExampleFindings()
				}
				kept := ig.Apply(all)
				var want []Finding
				for _, f := range all {
					if f.Code != r.Code {
						want = append(want, f)
					}
				}
				if len(kept) != len(want) {
					t.Fatalf("example of %s: kept %d findings, want %d", ex.Code, len(kept), len(want))
				}
				for i := range want {
					if kept[i].String() != want[i].String() {
						t.Fatalf("example of %s: finding %d is %q, want %q", ex.Code, i, kept[i], want[i])
					}
				}
			}
		})
	}
}

func TestParseIgnoreUnknownCode(t *testing.T) {
	_, err := ParseIgnore([]string{"deprecated_actoin"})
	if err == nil || !strings.Contains(err.Error(), `did you mean "deprecated_action"`) {
		t.Fatalf("err = %v, want a suggestion of deprecated_action", err)
	}
	ig, err := ParseIgnore([]string{" deprecated_action ", ""})
	if err != nil || !ig["deprecated_action"] || len(ig) != 1 {
		t.Fatalf("ParseIgnore with spaces and an empty entry = %v, %v", ig, err)
	}
}

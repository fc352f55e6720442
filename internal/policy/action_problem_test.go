package policy

import (
	"encoding/json"
	"testing"
)

// TestActionProblemIsTheCheckersRule: must_not_allow takes action patterns by the
// checker's rule, so ActionProblem must say what Check says of the same name in an
// Action list, code and message, and nothing where Check finds nothing.
func TestActionProblemIsTheCheckersRule(t *testing.T) {
	for _, name := range []string{
		"ims:images:get", "IMS:Images:Share", "ims:images:*", "*", "obs:object:get", "obs:*",
		"ims:images:shar", "ims:image:*", "ims images:get", "ims:images", "", "imſ:images:get", "ims:images:get:x",
	} {
		action, _ := json.Marshal(name)
		src := `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":[` + string(action) + `],"Resource":["*"]}]}`
		_, findings := CheckJSON([]byte(src), Identity)
		wantCode, wantMessage := "", ""
		for _, f := range findings {
			if f.Path == "Statement[0].Action[0]" && f.Severity == Error {
				wantCode, wantMessage = f.Code, f.Message
			}
		}
		if code, message := ActionProblem(name); code != wantCode || message != wantMessage {
			t.Errorf("ActionProblem(%q) = %q, %q; Check says %q, %q", name, code, message, wantCode, wantMessage)
		}
	}
}

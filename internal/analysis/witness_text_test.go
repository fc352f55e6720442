package analysis

import (
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
)

// TestWitnessString pins the one wording of a witness that the plan's warning and
// imspolicy diff-access print.
func TestWitnessString(t *testing.T) {
	deny, allow := evaluator.ImplicitDeny, evaluator.Allow
	for _, c := range []struct {
		w    Witness
		want string
	}{
		{Witness{Action: "ims:images:get", Resource: "*", Decision: allow},
			`ims:images:get on "*": allow`},
		{Witness{Action: "ims:images:deleteImage", Resource: "ims:x:x:image:x", Decision: allow, ReferenceDecision: &deny,
			Context: map[string][]string{"g:MFAPresent": {"true"}, "ims:Encrypted": {}, "g:TagKeys": {"a&b", "<c>"}}},
			`ims:images:deleteImage on "ims:x:x:image:x" with g:MFAPresent = ["true"], g:TagKeys = ["a&b","<c>"], ` +
				`ims:Encrypted = [] (present, no values): allow, was implicit_deny`},
		{Witness{Action: "ims:images:get", Resource: "ims:x:x:image:x", Decision: deny, ReferenceDecision: &allow},
			`ims:images:get on "ims:x:x:image:x": implicit_deny, was allow`},
		{Witness{Action: "ims:images:addMember", Resource: "ims:x:x:image:x", Decision: allow, ReferenceDecision: &deny, Alias: "ims:images:share"},
			`ims:images:addMember on "ims:x:x:image:x": allow, was implicit_deny, through the alias ims:images:share`},
	} {
		if got := c.w.String(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

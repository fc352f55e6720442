package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestSourceFindingsOnTheirDocument: the gate's findings on a simulation's or an
// analysis's sources (reported by Read when a document was unknown at validation) fall
// on the document's element, worded as the document's validator words them.
func TestSourceFindingsOnTheirDocument(t *testing.T) {
	ok := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"]}]}`
	bad := strings.Replace(ok, "ims:images:get", "ims:images:gett", 1)
	scps := func(texts ...string) []*policy.Checked { return policy.CheckTexts(texts, policy.SCP) }
	_, findings := evaluator.NewPolicySet(evaluator.Sources{
		Identity:  policy.CheckTexts([]string{ok}, policy.Identity),
		SCPLevels: []evaluator.SCPLevel{{Name: "root", Policies: scps(ok)}, {Name: "ou", Policies: scps(ok, bad)}},
	})
	var diags diag.Diagnostics
	addSourceFindings(&diags, path.Root("reference"), findings)
	if len(diags) != 1 {
		t.Fatalf("diagnostics: %v", diags)
	}
	d := diags[0]
	want := path.Root("reference").AtName("scp_level").AtListIndex(1).AtName("policies").AtListIndex(1)
	if p, isOnPath := d.(diag.DiagnosticWithPath); !isOnPath || !p.Path().Equal(want) {
		t.Errorf("diagnostic not on %s: %v", want, d)
	}
	if d.Severity() != diag.SeverityError || d.Summary() != "Invalid scp policy: unknown_action" ||
		!strings.HasPrefix(d.Detail(), `scp[ou][1]: line 1 col `) || !strings.Contains(d.Detail(), `"ims:images:gett" is not an IMS action`) {
		t.Errorf("diagnostic %q: %q", d.Summary(), d.Detail())
	}
}

package analysis

import (
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestDocumentChangeByPurpose: the one switch of the plan warning and diff-access. The
// same deny-only pair grants nothing new as identity policies (a Deny alone allows
// nothing) and grants deleteImage as SCPs (beside FullAccess, the Deny no longer blocks it).
func TestDocumentChangeByPurpose(t *testing.T) {
	denyBoth := doc(t, `{"Effect":"Deny","Action":["ims:images:share","ims:images:deleteImage"],"Resource":["*"]}`)
	denyShare := doc(t, `{"Effect":"Deny","Action":["ims:images:share"],"Resource":["*"]}`)
	r, err := DocumentChange(DefaultBudget, policy.Identity, denyBoth, denyShare)
	if err != nil || r.Status != Complete || len(r.NewAccess) != 0 {
		t.Errorf("identity: %+v, %v; want nothing new", r, err)
	}
	r, err = DocumentChange(DefaultBudget, policy.SCP, denyBoth, denyShare)
	if err != nil || r.Status != Complete || len(r.NewAccess) != 1 || r.NewAccess[0].Action != "ims:images:deleteImage" {
		t.Errorf("scp: %+v, %v; want deleteImage new", r, err)
	}
	if HowCompared(policy.Identity) != "on its own" || !strings.Contains(HowCompared(policy.SCP), "FullAccess") {
		t.Errorf("HowCompared: %q, %q", HowCompared(policy.Identity), HowCompared(policy.SCP))
	}
}

// TestConfigOf: sources are checked as the simulator checks them and named as it names
// them; a document with an error gives its findings.
func TestConfigOf(t *testing.T) {
	allow := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Resource":["*"]}]}`
	c, findings := ConfigOf(evaluator.Sources{Identity: []string{allow}, SCPLevels: []evaluator.SCPLevel{{Name: "root", Policies: []string{allow}}}})
	if len(findings) != 0 || len(c.Identity) != 1 || c.Identity[0].Name != "identity[0]" ||
		len(c.Levels) != 1 || c.Levels[0].Policies[0].Name != "scp[root][0]" {
		t.Fatalf("ConfigOf: %+v, %v", c, findings)
	}
	_, findings = ConfigOf(evaluator.Sources{Identity: []string{allow, strings.Replace(allow, "get", "gett", 1)}})
	if len(findings) != 1 || findings[0].Document != 1 || findings[0].Finding.Code != "unknown_action" {
		t.Fatalf("findings: %v", findings)
	}
}

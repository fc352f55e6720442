package analysis

import (
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestDocumentChangeByPurpose: the one switch of the plan warning and diff-access. The
// same deny-only pair grants nothing new as identity policies (a Deny alone allows
// nothing) and grants deleteImage as SCPs (beside FullAccess, the Deny no longer blocks it).
func TestDocumentChangeByPurpose(t *testing.T) {
	denyBoth := doc(t, `{"Effect":"Deny","Action":["ims:images:share","ims:images:deleteImage"],"Resource":["*"]}`)
	denyShare := doc(t, `{"Effect":"Deny","Action":["ims:images:share"],"Resource":["*"]}`)
	as := func(p policy.Purpose, d *policy.Document) *policy.Checked { return policy.CheckDocument(d, p) }
	r, err := DocumentChange(policy.Identity, as(policy.Identity, denyBoth), as(policy.Identity, denyShare), Budget{})
	if err != nil || r.Status != Complete || len(r.NewAccess) != 0 {
		t.Errorf("identity: %+v, %v; want nothing new", r, err)
	}
	r, err = DocumentChange(policy.SCP, as(policy.SCP, denyBoth), as(policy.SCP, denyShare), Budget{})
	if err != nil || r.Status != Complete || len(r.NewAccess) != 1 || r.NewAccess[0].Action != "ims:images:deleteImage" {
		t.Errorf("scp: %+v, %v; want deleteImage new", r, err)
	}
	if HowCompared(policy.Identity) != "on its own" || !strings.Contains(HowCompared(policy.SCP), "FullAccess") {
		t.Errorf("HowCompared: %q, %q", HowCompared(policy.Identity), HowCompared(policy.SCP))
	}
}

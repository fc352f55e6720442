package evaluator

import (
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestNewPolicySetTakesCheckedTextsAsWritten: a document read from a text within the size
// limit is compiled, although its canonical form (single strings printed as lists of one)
// is over it: the size is the text's, checked on the text, and NewPolicySet reads the
// checker's findings without checking again.
func TestNewPolicySetTakesCheckedTextsAsWritten(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ims:images:list","Resource":"*"}`)
	for policy.Chars([]byte(b.String())) < 6000 {
		b.WriteString(`,{"Effect":"Allow","Action":"ims:images:get","Resource":"*"}`)
	}
	b.WriteString(`]}`)
	c := policy.CheckText([]byte(b.String()), policy.Identity)
	if c.Document() == nil || len(c.Findings()) != 0 {
		t.Fatalf("the text is refused: %v", c.Findings())
	}
	if n := policy.Chars(c.Document().Minified()); n <= policy.MaxIdentityChars {
		t.Fatalf("the canonical form has %d characters: the case needs it over the limit", n)
	}
	parsed, checked := policy.Counts()
	if _, errs := NewPolicySet(Sources{Identity: []*policy.Checked{c}}); len(errs) != 0 {
		t.Fatalf("NewPolicySet refuses it: %v", errs)
	}
	if p, k := policy.Counts(); p != parsed || k != checked {
		t.Errorf("NewPolicySet parsed %d and checked %d documents again", p-parsed, k-checked)
	}
}

package evaluator

import (
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestNewPolicySetOfTakesDocumentsWithinTheLimitAsWritten: a document read from a text
// within the size limit is compiled, although its canonical form (single strings printed
// as lists of one) is over it. The size is the text's, and was checked on the text.
func TestNewPolicySetOfTakesDocumentsWithinTheLimitAsWritten(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ims:images:list","Resource":"*"}`)
	for policy.Chars([]byte(b.String())) < 6000 {
		b.WriteString(`,{"Effect":"Allow","Action":"ims:images:get","Resource":"*"}`)
	}
	b.WriteString(`]}`)
	d, findings := policy.CheckJSON([]byte(b.String()), policy.Identity)
	if d == nil || len(findings) != 0 {
		t.Fatalf("the text is refused: %v", findings)
	}
	if n := policy.Chars(d.Minified()); n <= policy.MaxIdentityChars {
		t.Fatalf("the canonical form has %d characters: the case needs it over the limit", n)
	}
	if _, errs := NewPolicySetOf([]Policy{{Name: "identity[0]", Document: d}}, nil); len(errs) != 0 {
		t.Fatalf("NewPolicySetOf refuses it: %v", errs)
	}
}

package estate

import (
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// A system policy the inputs name without its document is read from the catalog's table
// of published system policies; one the vendor does not publish makes the answer unknown.
func TestSystemPoliciesFromCatalog(t *testing.T) {
	e := base(t)
	// Named, not held: CBRReadOnlyPolicy's document is published (ims:*:get*, ims:*:list*).
	e.IdentityPolicies["p-cbr"] = Policy{ID: "p-cbr", Name: "CBRReadOnlyPolicy", System: true}
	e.Attachments = append(e.Attachments, Attachment{PolicyID: "p-cbr", Principal: bob})
	// FullAccess attached by its id only, beside the deny on prod: the deny still holds.
	e.SCPAttachments = []SCPAttachment{
		{PolicyID: catalog.FullAccessSCPID, Target: ouProd},
		{PolicyID: "s-deny", Target: ouProd},
	}
	p, err := EffectivePermissions(e, analysis.Budget{})
	if err != nil {
		t.Fatal(err)
	}
	b := permissionsOf(t, p, subj(bob))
	if b.Status != analysis.Complete {
		t.Fatalf("bob with a published system policy: %s %q", b.Status, b.Reason)
	}
	if g := grant(t, b, "ims:images:list"); g != analysis.GrantFull {
		t.Errorf("bob through CBRReadOnlyPolicy, list: %s, want full", g)
	}
	if g := grant(t, b, "ims:images:deleteImage"); g != analysis.GrantNone {
		t.Errorf("bob through CBRReadOnlyPolicy, deleteImage: %s, want none", g)
	}
	a := permissionsOf(t, p, subj(alice))
	if g := grant(t, a, "ims:images:share"); g != analysis.GrantNone {
		t.Errorf("alice under FullAccess and a deny of share: %s, want none", g)
	}

	// IMSFullAccessPolicy's document is not published: unknown, with the catalog's reason.
	e.IdentityPolicies["p-ims"] = Policy{ID: "p-ims", Name: "IMSFullAccessPolicy", System: true}
	e.Attachments = append(e.Attachments, Attachment{PolicyID: "p-ims", Principal: bob})
	if p, err = EffectivePermissions(e, analysis.Budget{}); err != nil {
		t.Fatal(err)
	}
	b = permissionsOf(t, p, subj(bob))
	if b.Status != analysis.Unknown || !strings.Contains(b.Reason, "not published") {
		t.Errorf("bob with an unpublished system policy: %s %q", b.Status, b.Reason)
	}
}

package catalog_test

import (
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Every published document passes the checker for its purpose with no error: the engine
// analyses these texts as they stand.
func TestSystemPolicyDocumentsCheck(t *testing.T) {
	for _, p := range catalog.SystemPolicies {
		if !p.Published() {
			continue
		}
		purpose := policy.Identity
		if p.Kind == catalog.SystemSCP {
			purpose = policy.SCP
		}
		c := policy.CheckText([]byte(p.Document), purpose)
		if c.Document() == nil {
			t.Errorf("%s: document does not parse: %v", p.Name, c.Findings())
			continue
		}
		if f := c.FirstError(); f != nil {
			t.Errorf("%s (%s): %s", p.Name, purpose, f)
		}
	}
}

// Rows are well formed: unique ids and names per kind, a source page each, a Source for
// every fact given, and a Reason wherever something is inferred or missing.
func TestSystemPoliciesTable(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	for _, p := range catalog.SystemPolicies {
		key := p.Kind.String() + "/"
		if p.ID != "" {
			if ids[key+p.ID] {
				t.Errorf("duplicate id %s", p.ID)
			}
			ids[key+p.ID] = true
			if p.IDSource == "" {
				t.Errorf("%s: id without a source", p.Name)
			}
		}
		if n := key + strings.ToLower(p.Name); names[n] {
			t.Errorf("duplicate name %s", p.Name)
		} else {
			names[n] = true
		}
		if p.Name == "" || p.NameSource == "" {
			t.Errorf("%+v: no name or name source", p)
		}
		if (p.Document == "") != (p.DocumentSource == "") {
			t.Errorf("%s: document and its source disagree", p.Name)
		}
		if len(p.Sources) == 0 {
			t.Errorf("%s: no source page", p.Name)
		}
		inferred := p.IDSource == catalog.Inferred || p.NameSource == catalog.Inferred ||
			p.DocumentSource == catalog.Inferred || p.ID == "" || p.Document == ""
		if inferred && p.Reason == "" {
			t.Errorf("%s: inferred or missing facts without a reason", p.Name)
		}
	}
}

func TestSystemPolicyLookups(t *testing.T) {
	fa := catalog.FullAccessSCP()
	if fa.Name != "FullAccess" || fa.Kind != catalog.SystemSCP || !fa.Published() {
		t.Fatalf("FullAccessSCP() = %+v", fa)
	}
	if got, ok := catalog.SystemPolicyByID(catalog.SystemSCP, fa.ID); !ok || got.Name != fa.Name {
		t.Errorf("by id %q = %+v, %v", fa.ID, got, ok)
	}
	// Kinds do not mix: the SCP's id is no identity policy's.
	if _, ok := catalog.SystemPolicyByID(catalog.SystemIdentityPolicy, fa.ID); ok {
		t.Error("the FullAccess SCP's id found as an identity policy")
	}
	// Rows without an id never match the empty id.
	if got, ok := catalog.SystemPolicyByID(catalog.SystemIdentityPolicy, ""); ok {
		t.Errorf("empty id matched %+v", got)
	}
	cbr, ok := catalog.SystemPolicyByName(catalog.SystemIdentityPolicy, "cbrreadonlypolicy")
	if !ok || cbr.DocumentSource != catalog.Stated || !strings.Contains(cbr.Document, `"ims:*:get*"`) {
		t.Errorf("CBRReadOnlyPolicy by name = %+v, %v", cbr, ok)
	}
	// An IMS policy whose document is not published is found, and says so.
	ims, ok := catalog.SystemPolicyByName(catalog.SystemIdentityPolicy, "IMSFullAccessPolicy")
	if !ok || ims.Published() || ims.NameSource != catalog.Inferred || !strings.Contains(ims.Reason, "not published") {
		t.Errorf("IMSFullAccessPolicy = %+v, %v", ims, ok)
	}
	if _, ok := catalog.SystemPolicyByName(catalog.SystemSCP, "IMSFullAccessPolicy"); ok {
		t.Error("an identity policy found as an SCP")
	}
	if got := catalog.SystemPolicyKind(9).String(); got != "SystemPolicyKind(9)" {
		t.Errorf("String() = %q", got)
	}
}

package catalog

import "testing"

// TestNotReceived pins which requests are not known to carry a key, and the one sentence
// that says so, stated or inferred.
func TestNotReceived(t *testing.T) {
	for _, c := range []struct {
		key, action string
		want        string // "" when the request may carry the key
		inferred    bool
	}{
		{"ims:Region", "ims:images:get", "ims:Region, which ims:images:get is not known to receive (stated: the vendor's table of actions lists no such key for it)", false},
		{"IMS:region", "ims:images:create", "ims:Region, which ims:images:create is not known to receive (inferred: the seed lost the condition key cell of ims:images:create, whose keys are inferred from Table 4's descriptions)", true},
		{"ims:Encrypted", "x:x:x", "ims:Encrypted, which x:x:x is not known to receive (stated: the vendor's page says ims: keys apply only to operations of IMS)", false},
		{"ims:Region", "ims:images:update", "ims:Region, which ims:images:update is not known to receive (inferred: the seed lost the condition key cell of ims:images:setTags, whose keys are inferred from Table 4's descriptions)", true},
		{"ims:Region", "ims:images:copyCrossRegion", "", false},
		{"ims:Region", "ims:images:copy", "", false}, // copyCrossRegion, through the alias, does
		{"ims:Encrypted", "ims:images:import", "", false},
		{"g:MFAPresent", "ims:images:get", "", false},
		{"g:MFAPresent", "x:x:x", "", false},
		{"obs:Whatever", "ims:images:get", "", false}, // not the catalog's to say
		{"ims:Region", "ims:*", "", false},
	} {
		u, ok := NotReceivedBy(c.key, c.action)
		if got := map[bool]string{true: u.String()}[ok]; got != c.want || ok && u.Inferred() != c.inferred {
			t.Errorf("NotReceivedBy(%s, %s) = %q (inferred %v), want %q (inferred %v)", c.key, c.action, got, ok && u.Inferred(), c.want, c.inferred)
		}
	}
}

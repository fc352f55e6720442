package migrate

import "testing"

// The v3 global keys without a v5 counterpart come from the two key tables: the reference
// notes (§3.4) name g:MFAAge and g:ServiceName.
func TestNoV5Counterpart(t *testing.T) {
	for key, want := range map[string]bool{
		"g:MFAAge": true, "g:servicename": true,
		"g:UserName": false, "g:CurrentTime": false, "g:ProjectName": false, "ims:ImageType": false,
	} {
		if got := noV5Counterpart(key); got != want {
			t.Errorf("noV5Counterpart(%q) = %v, want %v", key, got, want)
		}
	}
}

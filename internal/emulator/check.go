package emulator

import "github.com/imspolicy/terraform-provider-imspolicy/internal/policy"

// DefaultCheckDocument rejects what the provider's own parser rejects: text that is not JSON
// or not shaped like a policy document.
func DefaultCheckDocument(doc []byte, scp bool) error {
	_, err := policy.Parse(doc)
	return err
}

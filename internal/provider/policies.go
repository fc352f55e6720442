package provider

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// canonicalDocument prints a policy document in its normal form (as normalize_policy does);
// a document that does not parse is returned as it is, with the parse error.
func canonicalDocument(src string) (string, error) {
	d, err := policy.Parse([]byte(src))
	if err != nil {
		return src, err
	}
	return string(d.Normal()), nil
}

package estate

import (
	"fmt"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// systemDocument is the document of a system policy that the inputs name but do not
// hold, read from the catalog's table of system policies (catalog.SystemPolicies) by id,
// then by name: the text the vendor publishes, or the reason it cannot be known (the
// vendor publishes no document for it), never a guess.
func systemDocument(kind catalog.SystemPolicyKind, id, name string) (*policy.Checked, string) {
	row, ok := catalog.SystemPolicyByID(kind, id)
	if !ok && name != "" {
		row, ok = catalog.SystemPolicyByName(kind, name)
	}
	label := id
	if name != "" && name != id {
		label = fmt.Sprintf("%s (%s)", id, name)
	}
	switch {
	case !ok:
		return nil, ""
	case !row.Published():
		return nil, fmt.Sprintf("system %s policy %s: its document is not published (%s)", kind, label, row.Reason)
	}
	purpose := policy.Identity
	if kind == catalog.SystemSCP {
		purpose = policy.SCP
	}
	// CheckText keeps what it read, so each system document is read once.
	return policy.CheckText([]byte(row.Document), purpose), ""
}

package catalog

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// UnknownIMSAction reports whether a requested action is an IMS name the catalog does
// not know. Names of other services pass: the catalog covers IMS only. This is the rule
// for a request's action (the simulation and is_allowed) and for a literal action in a
// policy (the checker, which judges wildcard patterns by what they match). Places that
// only make sense for IMS names (validators.ActionName) require Kind(name) != Unknown.
func UnknownIMSAction(name string) bool {
	return IsIMS(name) && Kind(name) == Unknown
}

// IsIMS reports whether an action name or pattern is of the ims service: its service
// prefix is "ims:" in any case of ASCII letters.
func IsIMS(name string) bool { return wildcard.HasPrefixFold(name, "ims:") }

// UnknownActionDetail says that name is not an IMS action, and which known names are
// closest, as one or two sentences for an error message.
func UnknownActionDetail(name string) string {
	return fmt.Sprintf("%q is not an IMS action.", name) + DidYouMean(SuggestActions(name))
}

// UnknownAPIDetail says that an API is not in the IMS API table, and which APIs are
// closest.
func UnknownAPIDetail(method, path string) string {
	detail := fmt.Sprintf("%s %s is not in the IMS API table.", strings.ToUpper(method), path)
	if s := SuggestAPIs(method, path); len(s) > 0 {
		detail += " Did you mean " + strings.Join(s, ", or ") + "?"
	}
	return detail
}

// DidYouMean turns suggested names into a sentence for an error message, starting with
// a space.
func DidYouMean(suggestions []string) string {
	if len(suggestions) == 0 {
		return " Run the imspolicy_actions or imspolicy_condition_keys data source to list the known names."
	}
	q := make([]string, len(suggestions))
	for i, n := range suggestions {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return " Did you mean " + q[0] + "?"
	}
	return " Did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}

package policy

import (
	"strings"

	"github.com/agnivade/levenshtein"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
)

// maxSuggest is the longest name for which "did you mean" is computed: edit distance is
// quadratic, and no known name comes near this length.
const maxSuggest = 200

// closest returns the candidate nearest to s, ignoring case, if it is at most maxDist
// edits away; otherwise "".
func closest(s string, candidates []string, maxDist int) string {
	best, bestDist := "", maxDist+1
	if len(s) > maxSuggest {
		return ""
	}
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(strings.ToLower(s), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// suggestOperator returns the operator most likely meant by an unknown operator name, or "".
// It mends each part on its own: the ForAnyValue:/ForAllValues: prefix, the IfExists
// suffix and the base operator.
func suggestOperator(name string) string {
	o := ParseOperator(name)
	if o.Qualifier == NoQualifier {
		if prefix, rest, ok := strings.Cut(o.Base, ":"); ok {
			q := closest(prefix, []string{string(ForAnyValue), string(ForAllValues)}, 3)
			if q == "" {
				return ""
			}
			o.Qualifier, o.Base = Qualifier(q), rest
		}
	}
	if !o.IfExists && len(o.Base) > len(ifExists) && strings.EqualFold(o.Base[len(o.Base)-len(ifExists):], ifExists) {
		o.Base, o.IfExists = o.Base[:len(o.Base)-len(ifExists)], true
	}
	if _, ok := condition.Lookup(o.Base); !ok {
		o.Base = closest(o.Base, condition.Names(), max(2, len(o.Base)/4))
		if o.Base == "" {
			return ""
		}
	}
	if o.Base == condition.Null {
		o.IfExists = false
	}
	if s := o.String(); s != name {
		return s
	}
	return ""
}

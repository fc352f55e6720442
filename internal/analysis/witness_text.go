package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// String is the witness in one line, the one wording of every report that prints one (a
// plan's new-access warning, imspolicy diff-access): the action, the resource, the context
// keys the request gives (any other key is absent), the decision, the reference's when
// there is one, the alias that reached the action when one did, and the keys the action is
// not known to receive when the witness rests on them (in the catalog's sentence). For
// example:
//
//	ims:images:deleteImage on "ims:x:x:image:x" with g:MFAPresent = ["true"]: allow, was implicit_deny, through the alias ims:images:update
//	ims:images:get on "ims:x:x:image:x" with ims:Region = ["cn-north-4"]: allow, was implicit_deny, only through ims:Region, which ims:images:get is not known to receive (stated: ...)
func (w Witness) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %q", w.Action, w.Resource)
	keys := make([]string, 0, len(w.Context))
	for k := range w.Context {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		sep := ", "
		if i == 0 {
			sep = " with "
		}
		fmt.Fprintf(&b, "%s%s = %s", sep, k, contextValues(w.Context[k]))
	}
	fmt.Fprintf(&b, ": %s", w.Decision)
	if w.ReferenceDecision != nil {
		fmt.Fprintf(&b, ", was %s", *w.ReferenceDecision)
	}
	if w.Alias != "" {
		fmt.Fprintf(&b, ", through the alias %s", w.Alias)
	}
	if len(w.UnassociatedKeys) > 0 {
		var why []string
		for _, k := range w.UnassociatedKeys {
			if u, ok := catalog.NotReceivedBy(k, w.Action); ok {
				why = append(why, u.String())
			} else {
				why = append(why, k) // not the analysis's: a witness built by hand
			}
		}
		if w.Unsearched {
			fmt.Fprintf(&b, ", through %s; a request without it was not sought to the end (the search stopped at its bound)", strings.Join(why, ", and "))
		} else {
			fmt.Fprintf(&b, ", only through %s", strings.Join(why, ", and "))
		}
	}
	return b.String()
}

// contextValues writes values as a JSON list, as a policy would list them (no HTML escaping:
// a value with & or < reads as written); a key given with no values says so, since "[]"
// alone reads as nothing.
func contextValues(values []string) string {
	if len(values) == 0 {
		return "[] (present, no values)"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(values) // strings always encode
	return strings.TrimSuffix(buf.String(), "\n")
}

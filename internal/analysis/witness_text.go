package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// String is the witness in one line, the one wording of every report that prints one (a
// plan's new-access warning, imspolicy diff-access): the action, the resource, the context
// keys the request gives (any other key is absent), the decision, the reference's when
// there is one, and the alias that reached the action when one did. For example:
//
//	ims:images:deleteImage on "ims:x:x:image:x" with g:MFAPresent = ["true"]: allow, was implicit_deny, through the alias ims:images:update
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

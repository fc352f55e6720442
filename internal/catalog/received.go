package catalog

import (
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Unreceived is an ims: condition key that requests for some actions are not known to
// carry: the catalog associates it with none of them. Its String is the one sentence the
// checker, the simulator, the analyser and the docs say it with.
type Unreceived struct {
	Key string // the catalog's spelling
	// Actions are the actions' names; empty when the checker has none of IMS's.
	Actions []string
	// OtherService is set when no action is one of IMS's: the seed says service-specific
	// keys "only apply to operations of IMS" (its Condition section).
	OtherService bool
	// Lost are the actions among Actions whose Condition Key cell the seed lost: that they
	// do not receive the key is inferred from Table 4's descriptions, not stated.
	Lost []string
}

// Inferred reports whether the absence rests on an inference rather than on the seed.
func (u Unreceived) Inferred() bool { return len(u.Lost) > 0 }

// String is the sentence: "ims:Region, which ims:images:get is not known to receive
// (stated: ...)" or "(inferred: ...)".
func (u Unreceived) String() string {
	var b strings.Builder
	b.WriteString(u.Key)
	switch len(u.Actions) {
	case 0:
		b.WriteString(", which only IMS actions are known to receive")
	case 1:
		b.WriteString(", which " + u.Actions[0] + " is not known to receive")
	default:
		b.WriteString(", which none of " + strings.Join(u.Actions, ", ") + " is known to receive")
	}
	switch {
	case u.OtherService || len(u.Actions) == 0:
		b.WriteString(" (stated: the vendor's page says ims: keys apply only to operations of IMS)")
	case len(u.Lost) == 1:
		b.WriteString(" (inferred: the seed lost the condition key cell of " + u.Lost[0] + ", whose keys are inferred from Table 4's descriptions)")
	case len(u.Lost) > 1:
		b.WriteString(" (inferred: the seed lost the condition key cells of " + strings.Join(u.Lost, ", ") + ", whose keys are inferred from Table 4's descriptions)")
	case len(u.Actions) == 1:
		b.WriteString(" (stated: the vendor's table of actions lists no such key for it)")
	default:
		b.WriteString(" (stated: the vendor's table of actions lists it for none of them)")
	}
	return b.String()
}

// NotReceived says whether requests for the table actions are not known to carry key: ok
// is false when any of them may (the key is associated with it, stated or inferred), when
// the key is global or not an ims: key of the catalog. With no actions, the key is one
// only IMS actions receive.
func NotReceived(key string, actions []Action) (Unreceived, bool) {
	k, ok := LookupConditionKey(key)
	if !ok || k.Global {
		return Unreceived{}, false
	}
	u := Unreceived{Key: k.Name}
	for _, a := range actions {
		if _, ok := a.KeyRef(k.Name); ok {
			return Unreceived{}, false
		}
		u.Actions = append(u.Actions, a.Name)
		if a.ConditionKeysLost {
			u.Lost = append(u.Lost, a.Name)
		}
	}
	return u, true
}

// MayReceive reports whether a request for the action may carry key: NotReceivedBy's
// negation, without allocating (simulations and analyses ask it of every key they meet).
func MayReceive(key, action string) bool {
	i := conditionKeyAt(key)
	if i < 0 || conditionKeys[i].Global || wildcard.HasWildcard(action) {
		return true
	}
	name := conditionKeys[i].Name
	for j := range index.sorted {
		a := &index.sorted[j]
		if !wildcard.EqualFold(a.Name, action) && !containsFold(a.Aliases, action) {
			continue
		}
		if _, ok := a.KeyRef(name); ok {
			return true
		}
	}
	return false
}

func containsFold(names []string, name string) bool {
	for _, n := range names {
		if wildcard.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// NotReceivedBy is NotReceived for one request's action name: a table action or an alias
// (the table actions it grants, Granted), or another service's action, which no ims: key
// reaches. An unknown ims: name is no operation of IMS either.
func NotReceivedBy(key, action string) (Unreceived, bool) {
	if MayReceive(key, action) {
		return Unreceived{}, false
	}
	granted := Granted(action)
	if len(granted) == 0 {
		if wildcard.HasWildcard(action) {
			return Unreceived{}, false // a pattern: no one request's action
		}
		u, ok := NotReceived(key, nil)
		u.Actions, u.OtherService = []string{action}, true
		return u, ok
	}
	u, ok := NotReceived(key, granted)
	if ok && len(granted) > 1 || ok && granted[0].Name != action {
		// An alias names the request; the sentence names it too.
		u.Actions = []string{action}
	}
	return u, ok
}

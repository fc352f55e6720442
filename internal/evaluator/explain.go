package evaluator

import (
	"fmt"
	"strings"
)

// Explain says in one sentence why a request for action on resource got its result.
func (r *Result) Explain(action, resource string) string {
	var b strings.Builder
	target := fmt.Sprintf("%s on %q", action, resource)
	switch r.Decision {
	case Allow:
		fmt.Fprintf(&b, "Allowed: %s is granted by %s", target, describe(r.matching(IdentityLayer, false)))
		if scps := r.scpAllows(); scps != "" {
			fmt.Fprintf(&b, " and permitted by the SCPs of every level (%s)", scps)
		}
	case ExplicitDeny:
		fmt.Fprintf(&b, "Explicitly denied: %s is denied by %s", target, describe(r.matching(r.DecidedBy, true)))
	default:
		if !r.DecidedBy.SCP {
			fmt.Fprintf(&b, "Implicitly denied: no identity policy statement allows %s", target)
		} else {
			fmt.Fprintf(&b, "Implicitly denied: no SCP at level %q permits %s", r.DecidedBy.Name, target)
		}
	}
	if len(r.MissingKeys) > 0 {
		fmt.Fprintf(&b, " (the request gave no value for %s)", strings.Join(r.MissingKeys, ", "))
	}
	b.WriteString(".")
	return b.String()
}

func (r *Result) matching(layer Layer, deny bool) []Match {
	var out []Match
	for _, m := range r.Matched {
		if m.Layer == layer && m.Deny == deny {
			out = append(out, m)
		}
	}
	return out
}

func (r *Result) scpAllows() string {
	var levels []string
	for _, m := range r.Matched {
		if m.Layer.SCP && !m.Deny {
			if len(levels) == 0 || levels[len(levels)-1] != m.Layer.Name {
				levels = append(levels, m.Layer.Name)
			}
		}
	}
	return strings.Join(levels, ", ")
}

func describe(ms []Match) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%s statement %d", m.Policy, m.Statement)
		if m.Sid != "" {
			parts[i] += fmt.Sprintf(" (Sid %q)", m.Sid)
		}
	}
	return strings.Join(parts, ", ")
}

// AliasSurprises lists, for the actions a request involved, the aliases among them that
// grant more than their name says: ims:images:update, a dependency of uploads, is also
// the alias of ims:images:deleteImage, so allowing uploads allows deleting images.
func AliasSurprises(actions []string) []string {
	var out []string
	for _, name := range actions {
		if granted := namesOf(name).granted; len(granted) > 0 {
			out = append(out, surprise(name, granted))
		}
	}
	return out
}

func surprise(alias string, granted []string) string {
	return fmt.Sprintf("%s is an alias: allowing it also allows %s", alias, strings.Join(granted, ", "))
}

// explainAPI says in one sentence why a request for an API got its overall result, naming
// the actions that were not allowed.
func explainAPI(api string, resource string, overall *Result, actions []ActionResult) string {
	var needed, refused []string
	for _, a := range actions {
		if !a.Required {
			continue
		}
		needed = append(needed, a.Action)
		if !a.Result.Allowed() {
			refused = append(refused, fmt.Sprintf("%s (%s by %s)", a.Action, a.Result.Decision, a.Result.DecidedBy))
		}
	}
	target := fmt.Sprintf("%s on %q", api, resource)
	if overall.Allowed() {
		return fmt.Sprintf("Allowed: %s needs %s, and every one is allowed.", target, strings.Join(needed, ", "))
	}
	word := "Implicitly denied"
	if overall.Decision == ExplicitDeny {
		word = "Explicitly denied"
	}
	return fmt.Sprintf("%s: %s needs %s; not allowed: %s.", word, target, strings.Join(needed, ", "), strings.Join(refused, ", "))
}

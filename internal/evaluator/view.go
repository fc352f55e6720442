package evaluator

import (
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Statement is a read-only view of one compiled statement, for the analyser: it reads
// what a PolicySet compiled instead of compiling the documents again, so that the rules
// matching actions and resources live here once.
type Statement struct {
	s     *statement
	layer Layer
}

// Statements lists the set's compiled statements layer by layer (identity first, then the
// SCP levels root first), each layer in policy and statement order.
func (e *PolicySet) Statements() []Statement {
	out := make([]Statement, 0, e.statements)
	for i := range e.layers {
		l := &e.layers[i]
		for j := range l.statements {
			out = append(out, Statement{s: &l.statements[j], layer: l.layer})
		}
	}
	return out
}

// SCPLevels is the number of SCP levels of the set.
func (e *PolicySet) SCPLevels() int { return len(e.layers) - 1 }

// Layer is the layer the statement belongs to.
func (v Statement) Layer() Layer { return v.layer }

// Policy is the name of the statement's policy, as Match reports it.
func (v Statement) Policy() string { return v.s.policy }

// Index is the statement's 0-based index in its policy's Statement list.
func (v Statement) Index() int { return v.s.index }

// Source is the statement as parsed; read it, never change it.
func (v Statement) Source() *policy.Statement { return v.s.src }

// Actions returns the statement's Action patterns as written, or its NotAction patterns
// with not set.
func (v Statement) Actions() (patterns []string, not bool) {
	return patternTexts(v.s.actions), v.s.notAction
}

// Resources returns the statement's Resource patterns as written, or its NotResource
// patterns with not set; none for a statement without either (it matches every resource).
func (v Statement) Resources() (patterns []string, not bool) {
	return patternTexts(v.s.resources), v.s.notResource
}

// MatchesAction reports whether the statement's Action or NotAction matches a request
// for action, as Evaluate decides it: through the action's name and its catalog aliases.
func (v Statement) MatchesAction(action string) bool { return v.s.matchesAction(namesOf(action)) }

// MatchesResource reports whether the statement's Resource or NotResource matches
// resource, as Evaluate decides it.
func (v Statement) MatchesResource(resource string) bool { return v.s.matchesResource(resource) }

// OnlyThroughAlias returns the alias through which the statement's Action names action
// (ims:images:update for ims:images:deleteImage) when no pattern matches the action's own
// name; "" otherwise, and for NotAction, which names what it leaves out.
func (v Statement) OnlyThroughAlias(action string) string {
	if v.s.notAction {
		return ""
	}
	n := namesOf(action)
	for i := range v.s.actions {
		if v.s.actions[i].Match(n.name) {
			return ""
		}
	}
	for _, alias := range n.aliases {
		for i := range v.s.actions {
			if v.s.actions[i].Match(alias) {
				return alias
			}
		}
	}
	return ""
}

func patternTexts(ps []wildcard.Pattern) []string {
	out := make([]string, len(ps))
	for i := range ps {
		out[i] = ps[i].String()
	}
	return out
}

// Query is action and resource patterns that match requests as a statement's Action and
// Resource would (the analyser's AccessNotGranted asks which requests they cover).
type Query struct{ s statement }

// NewQuery compiles action and resource patterns; no resource pattern matches every
// resource.
func NewQuery(actions, resources []string) *Query {
	q := &Query{}
	for _, a := range actions {
		q.s.actions = append(q.s.actions, wildcard.Compile(a, true))
	}
	for _, r := range resources {
		q.s.resources = append(q.s.resources, wildcard.Compile(r, false))
	}
	q.s.anyResource = q.s.resources == nil || slices.ContainsFunc(q.s.resources, func(p wildcard.Pattern) bool { return p.MatchesEverything() })
	return q
}

// MatchesAction reports whether a pattern matches action, through its aliases included.
func (q *Query) MatchesAction(action string) bool { return q.s.matchesAction(namesOf(action)) }

// MatchesResource reports whether a resource pattern matches resource.
func (q *Query) MatchesResource(resource string) bool { return q.s.matchesResource(resource) }

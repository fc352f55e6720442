package analysis

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// The model is what the analysis reads from the documents to build representatives and
// to prune: which statements can take part in a request for an action and a resource,
// and which condition keys they test. It decides nothing: the evaluator does. Matching
// actions and resources uses the evaluator's own wildcard package and rule (a statement
// without Action or NotAction matches no action; one without Resource or NotResource
// matches every resource; `Resource: []` matches none), so that pruning never drops a
// statement the evaluator would consider.

type stmt struct {
	cfg                        int
	layer                      string // "identity" or "scp:<level>"
	policy                     string
	index                      int
	actions                    []wildcard.Pattern
	notAction                  bool
	resources                  []wildcard.Pattern
	anyResource, notResource   bool
	conds                      []int // into model.conds
	actionTexts, resourceTexts []string
	// layerIndex is 0 for identity policies, 1+i for SCP level i; canon is the statement
	// printed canonically.
	layerIndex int
	canon      string
}

type cond struct {
	key    *keyInfo
	op     *condition.Operator
	values []string
	pred   int // first predicate of the key's predicates (one per value); -1 for Null
}

type model struct {
	levels []int // each configuration's number of SCP levels
	stmts  []stmt
	conds  []cond
	keys   []*keyInfo // in order of first appearance
	// unknown is set when a corner cannot be decided exactly.
	unknown string
}

// sameDecisions reports whether configurations 0 and 1 decide every request for an action
// alike because the statements matching it are the same, layer by layer: a statement that
// does not match the action takes no part in any decision on it, and the decision does
// not depend on policy names or statement positions.
func (m *model) sameDecisions(names []string) bool {
	if len(m.levels) != 2 || m.levels[0] != m.levels[1] {
		return false
	}
	var sides [2][]string
	for i := range m.stmts {
		s := &m.stmts[i]
		if s.matchesAction(names) {
			sides[s.cfg] = append(sides[s.cfg], strconv.Itoa(s.layerIndex)+" "+s.canon)
		}
	}
	slices.Sort(sides[0])
	slices.Sort(sides[1])
	return slices.Equal(sides[0], sides[1])
}

func (s *stmt) matchesAction(names []string) bool {
	listed := false
	for i := range s.actions {
		for _, n := range names {
			if s.actions[i].Match(n) {
				listed = true
			}
		}
	}
	return listed != s.notAction
}

// onlyThroughAlias returns the alias (names[1:]) through which the statement's Action names
// the action names[0], when no pattern matches the action's own name; "" otherwise, and for
// NotAction, which names what it leaves out.
func (s *stmt) onlyThroughAlias(names []string) string {
	if s.notAction {
		return ""
	}
	for i := range s.actions {
		if s.actions[i].Match(names[0]) {
			return ""
		}
	}
	for _, alias := range names[1:] {
		for i := range s.actions {
			if s.actions[i].Match(alias) {
				return alias
			}
		}
	}
	return ""
}

func (s *stmt) matchesResource(r string) bool {
	if s.anyResource {
		return true
	}
	listed := false
	for i := range s.resources {
		if s.resources[i].Match(r) {
			listed = true
		}
	}
	return listed != s.notResource
}

func compilePatterns(l *policy.List, fold bool) ([]wildcard.Pattern, []string) {
	vs := l.Values()
	out := make([]wildcard.Pattern, len(vs))
	for i, v := range vs {
		out[i] = wildcard.Compile(v, fold)
	}
	return out, vs
}

func buildModel(cfgs []Config) *model {
	m := &model{}
	keys := map[string]*keyInfo{}
	add := func(cfg int, layer string, layerIndex int, p policyRef) {
		for si, s := range p.doc.Statements {
			st := stmt{cfg: cfg, layer: layer, policy: p.name, index: si, layerIndex: layerIndex,
				canon: string((&policy.Document{Statements: []policy.Statement{s}}).Minified())}
			switch {
			case s.NotAction != nil:
				st.notAction = true
				st.actions, st.actionTexts = compilePatterns(s.NotAction, true)
			case s.Action != nil:
				st.actions, st.actionTexts = compilePatterns(s.Action, true)
			}
			switch {
			case s.NotResource != nil:
				st.notResource = true
				st.resources, st.resourceTexts = compilePatterns(s.NotResource, false)
			case s.Resource != nil:
				st.resources, st.resourceTexts = compilePatterns(s.Resource, false)
			default:
				st.anyResource = true
			}
			if s.Condition != nil {
				for _, op := range s.Condition.Ops {
					parts := op.Operator()
					base, ok := condition.Lookup(parts.Base)
					if !ok {
						m.setUnknown(fmt.Sprintf("%s statement %d: operator %q is not one the analysis knows", p.name, si, op.Name))
						continue
					}
					for _, k := range op.Keys {
						lower := strings.ToLower(k.Name)
						ki := keys[lower]
						if ki == nil {
							ki = newKeyInfo(k.Name)
							keys[lower] = ki
							m.keys = append(m.keys, ki)
						}
						c := cond{key: ki, op: base, values: k.Values.Values(), pred: -1}
						if base.Name != condition.Null {
							c.pred = len(ki.preds)
							for range c.values {
								ki.preds = append(ki.preds, len(m.conds))
							}
							ki.ops = append(ki.ops, base)
						}
						st.conds = append(st.conds, len(m.conds))
						m.conds = append(m.conds, c)
					}
				}
			}
			m.stmts = append(m.stmts, st)
		}
	}
	for ci, c := range cfgs {
		m.levels = append(m.levels, len(c.Levels))
		for _, p := range c.Identity {
			add(ci, "identity", 0, policyRef{p.Name, p.Document})
		}
		for li, l := range c.Levels {
			for _, p := range l.Policies {
				add(ci, "scp:"+l.Name, 1+li, policyRef{p.Name, p.Document})
			}
		}
	}
	// Keys the evaluator might merge but this model would not: it lowers key names by
	// Unicode rules or by ASCII rules, depending on its version; two names equal under one
	// rule and not the other cannot be modelled for both.
	ascii := map[string]string{}
	for _, k := range m.keys {
		a := asciiLower(k.spelling)
		if other, ok := ascii[a]; ok && other != k.lower {
			m.setUnknown(fmt.Sprintf("condition keys %q and %q differ only in the case of non-ASCII letters", k.spelling, other))
		}
		ascii[a] = k.lower
	}
	for _, k := range m.keys {
		if reason := k.resolveType(); reason != "" {
			m.setUnknown(reason)
		}
	}
	return m
}

type policyRef struct {
	name string
	doc  *policy.Document
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (m *model) setUnknown(reason string) {
	if m.unknown == "" {
		m.unknown = reason
	}
}

// keyInfo is a condition key the policies test.
type keyInfo struct {
	lower, spelling string
	typ             catalog.ValueType
	multi           bool
	preds           []int // the condition of each predicate (one per policy value)
	ops             []*condition.Operator
	regions         []region // filled by buildRegions
}

// region is a value standing for every value that meets the same key predicates.
type region struct {
	value string
	bits  []bool // by predicate: does the value match that policy value
}

func newKeyInfo(name string) *keyInfo {
	k := &keyInfo{lower: strings.ToLower(name), spelling: name, multi: true}
	if ck, ok := catalog.LookupConditionKey(name); ok {
		k.typ, k.multi = ck.Type, ck.MultiValued
		if !strings.Contains(ck.Name, "<") {
			k.spelling = ck.Name // the catalog's spelling
		}
	}
	return k
}

// resolveType settles the type of the key's values: the catalog's, or that of the
// operators applied to it. A key compared as two types is a corner this analysis does not
// decide (the evaluator's reading of such values is version-dependent).
func (k *keyInfo) resolveType() string {
	var types []catalog.ValueType
	for _, op := range k.ops {
		if !slices.Contains(types, op.Type) {
			types = append(types, op.Type)
		}
	}
	switch {
	case k.typ != "" && (len(types) > 1 || len(types) == 1 && types[0] != k.typ):
		return fmt.Sprintf("condition key %s is a %s key but is compared as %s", k.spelling, k.typ, joinTypes(types))
	case k.typ == "" && len(types) > 1:
		return fmt.Sprintf("condition key %s is compared as %s", k.spelling, joinTypes(types))
	case k.typ == "" && len(types) == 1:
		k.typ = types[0]
	case k.typ == "":
		k.typ = catalog.String // tested by Null only: any value stands for all
	}
	return ""
}

func joinTypes(ts []catalog.ValueType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " and ")
}

package analysis

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// The model is what the analysis reads from the policy sets to build representatives and
// to prune: which statements can take part in a request for an action and a resource,
// and which condition keys they test. It decides nothing, and matches nothing itself: the
// evaluator's compiled statements (evaluator.Statement) say which actions and resources
// they match, by the rule Evaluate applies, so that pruning never drops a statement the
// evaluator would consider.

type stmt struct {
	cfg int
	evaluator.Statement
	conds []int // into model.conds
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
	// boundDiffer is set when the configurations' bound keys have different values, so
	// that the same statements may decide alike in both only by chance.
	boundDiffer bool
}

// sameDecisions reports whether configurations 0 and 1 decide every request for an action
// alike because the statements matching it are the same, layer by layer: a statement that
// does not match the action takes no part in any decision on it, and the decision does
// not depend on policy names or statement positions.
func (m *model) sameDecisions(action string) bool {
	if len(m.levels) != 2 || m.levels[0] != m.levels[1] || m.boundDiffer {
		return false
	}
	var sides [2][]string
	for i := range m.stmts {
		s := &m.stmts[i]
		if s.MatchesAction(action) {
			sides[s.cfg] = append(sides[s.cfg], strconv.Itoa(s.layerIndex)+" "+s.canon)
		}
	}
	slices.Sort(sides[0])
	slices.Sort(sides[1])
	return slices.Equal(sides[0], sides[1])
}

// layerIndex is 0 for the identity layer and 1+i for SCP level i.
func layerIndex(l evaluator.Layer) int {
	if l.SCP {
		return 1 + l.Level
	}
	return 0
}

func buildModel(sets []*evaluator.PolicySet, bound *boundSet) *model {
	m := &model{boundDiffer: bound != nil && bound.differ}
	keys := map[string]*keyInfo{}
	for ci, set := range sets {
		m.levels = append(m.levels, set.SCPLevels())
		for _, v := range set.Statements() {
			s := v.Source()
			st := stmt{cfg: ci, Statement: v, layerIndex: layerIndex(v.Layer()),
				canon: string((&policy.Document{Statements: []policy.Statement{*s}}).Minified())}
			if s.Condition != nil {
				for _, op := range s.Condition.Ops {
					parts := op.Operator()
					base, ok := condition.Lookup(parts.Base)
					if !ok {
						m.setUnknown(fmt.Sprintf("%s statement %d: operator %q is not one the analysis knows", v.Policy(), v.Index(), op.Name))
						continue
					}
					for _, k := range op.Keys {
						// Keys group by the evaluator's case rule for names (ASCII only).
						lower := wildcard.Lower(k.Name)
						ki := keys[lower]
						if ki == nil {
							ki = newKeyInfo(k.Name)
							ki.bound = bound.has(lower)
							keys[lower] = ki
							m.keys = append(m.keys, ki)
						}
						if ki.bound {
							continue // constant: the evaluator decides it on the bound values
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
	for _, k := range m.keys {
		if k.bound {
			continue // no regions: its values are given
		}
		if reason := k.resolveType(); reason != "" {
			m.setUnknown(reason)
		}
	}
	return m
}

func (m *model) setUnknown(reason string) {
	if m.unknown == "" {
		m.unknown = reason
	}
}

// keyInfo is a condition key the policies test.
type keyInfo struct {
	lower, spelling string
	// bound keys have given values (Options.Bound): no conditions, regions or states.
	bound   bool
	typ     catalog.ValueType
	multi   bool
	preds   []int // the condition of each predicate (one per policy value)
	ops     []*condition.Operator
	regions []region // filled by buildRegions
}

// region is a value standing for every value that meets the same key predicates.
type region struct {
	value string
	bits  []bool // by predicate: does the value match that policy value
}

func newKeyInfo(name string) *keyInfo {
	k := &keyInfo{lower: wildcard.Lower(name), spelling: name, multi: true}
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

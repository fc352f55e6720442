// Package evaluator decides whether a request would be allowed by a set of identity
// policies bounded by service control policies (SCPs), and says why.
//
// Identity policies: an explicit Deny that matches wins; otherwise at least one matching
// Allow is needed; otherwise the request is implicitly denied. SCPs grant nothing: every
// level of the organisation path (root first, then each OU, then the account) must allow
// the request through at least one of its SCPs, and an explicit Deny in any SCP denies.
//
// NewPolicySet is the one way to build a PolicySet: it parses, checks (policy.Check, per
// purpose) and compiles named policy sources, and refuses them with the checker's error
// findings. Build once, then Simulate (the full report of a request) or Evaluate (the
// decision alone) many requests: statements are indexed by the actions they match
// (aliases of the IMS catalog included), patterns and condition values are parsed ahead,
// and Evaluate does not allocate once its Result has grown to size.
package evaluator

import (
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Policy is a parsed document and the name results refer to it by, such as "identity[0]".
type Policy struct {
	Name     string
	Document *policy.Document
}

// Level is one level of the organisation path and the SCPs attached to it.
type Level struct {
	Name     string
	Policies []Policy
}

// Layer is a layer of a policy set: its identity policies, or one SCP level.
type Layer struct {
	// SCP is false for the identity policies.
	SCP bool
	// Level is the SCP level's index, root first; Name is its name. Both are zero for
	// the identity policies.
	Level int
	Name  string
}

// IdentityLayer is the layer of the identity policies.
var IdentityLayer = Layer{}

// String gives "identity" or "scp:<level name>", as decided_by reports it.
func (l Layer) String() string {
	if !l.SCP {
		return "identity"
	}
	return "scp:" + l.Name
}

// Decision is the outcome of an evaluation.
type Decision uint8

// The decisions, in the words the simulator reports.
const (
	ImplicitDeny Decision = iota
	Allow
	ExplicitDeny
)

func (d Decision) String() string {
	return [...]string{"implicit_deny", "allow", "explicit_deny"}[d]
}

// Request is a hypothetical request: an action on a resource with a context. Build the
// context with NewContext.
type Request struct {
	Action   string
	Resource string
	Context  Context
}

// Result is what Evaluate found. Reuse one Result across calls to avoid allocations.
type Result struct {
	Decision Decision
	// DecidedBy is the layer that decided. For a denial it is the first layer that denies,
	// identity first, then SCP levels root first (an explicit Deny anywhere comes before
	// any implicit one); for an allow, the identity layer.
	DecidedBy Layer
	// Matched lists every statement whose action, resource and conditions matched, in
	// layer order.
	Matched []Match
	// MissingKeys lists the condition keys that matching statements looked for and the
	// request did not give, as the policies spell them.
	MissingKeys []string
}

// Allowed reports whether the decision is Allow.
func (r *Result) Allowed() bool { return r.Decision == Allow }

// Match is a statement that matched a request.
type Match struct {
	Layer     Layer
	Policy    string // the policy's name, e.g. "identity[0]" or "scp[ou-prod][1]"
	Statement int    // 0-based index in the policy's Statement list
	Sid       string
	Deny      bool
}

// Effect returns "Allow" or "Deny".
func (m Match) Effect() string {
	if m.Deny {
		return "Deny"
	}
	return "Allow"
}

// PolicySet is a checked, compiled set of identity policies and SCP levels; see
// NewPolicySet.
type PolicySet struct {
	layers     []layer // identity first, then the SCP levels root first
	statements int     // in every layer
}

// compile indexes identity policies and SCP levels for evaluation. The documents have
// passed policy.Check without errors (NewPolicySet sees to it): each statement has an
// Effect of "Allow" or "Deny", at most one of Action and NotAction and of Resource and
// NotResource, and only known condition operators with values of their type.
func compile(identity []Policy, scpLevels []Level) *PolicySet {
	e := &PolicySet{}
	e.layers = append(e.layers, compileLayer(IdentityLayer, identity))
	for i, lv := range scpLevels {
		e.layers = append(e.layers, compileLayer(Layer{SCP: true, Level: i, Name: lv.Name}, lv.Policies))
	}
	for _, l := range e.layers {
		e.statements += len(l.statements)
	}
	return e
}

// Evaluate decides a request into res, which it resets first.
func (e *PolicySet) Evaluate(req *Request, res *Result) { e.evaluate(req, namesOf(req.Action), res) }

// evaluate is Evaluate with the names of the request's action looked up.
func (e *PolicySet) evaluate(req *Request, names actionNames, res *Result) {
	res.Decision, res.DecidedBy = ImplicitDeny, IdentityLayer
	res.Matched, res.MissingKeys = res.Matched[:0], res.MissingKeys[:0]

	explicit, implicit := -1, -1
	for i := range e.layers {
		allow, deny := e.layers[i].evaluate(req, names, res)
		switch {
		case deny && explicit < 0:
			explicit = i
		case !deny && !allow && implicit < 0:
			implicit = i
		}
	}
	switch {
	case explicit >= 0:
		res.Decision, res.DecidedBy = ExplicitDeny, e.layers[explicit].layer
	case implicit >= 0:
		res.Decision, res.DecidedBy = ImplicitDeny, e.layers[implicit].layer
	default:
		res.Decision, res.DecidedBy = Allow, IdentityLayer
	}
}

// layer is the compiled statements of identity policies or of one SCP level.
type layer struct {
	layer      Layer
	statements []statement
	// byAction maps each name the catalog knows, in lower case, to the statements whose
	// Action or NotAction matches it, aliases included.
	byAction map[string]*candidates
	// all lists every statement, for actions the catalog does not know.
	all []int32
}

type statement struct {
	policy    string
	index     int
	sid       string
	deny      bool
	notAction bool
	actions   []wildcard.Pattern
	// resources is nil when the statement has no Resource element (it matches everything).
	resources []wildcard.Pattern
	// anyResource is set when the statement matches every resource: no Resource element,
	// or a Resource pattern such as "*".
	anyResource bool
	notResource bool
	conditions  []compiledCondition
}

type compiledCondition struct {
	op        *condition.Operator
	typeBit   condition.ValueTypeBit // op.Type's bit
	qualifier policy.Qualifier
	ifExists  bool
	key       string // as written
	values    []condition.Value
	// broken is set when a policy value does not parse as the operator's type: such a
	// condition never matches.
	broken bool
}

func compileLayer(at Layer, policies []Policy) layer {
	l := layer{layer: at, byAction: map[string]*candidates{}}
	for _, p := range policies {
		for si, s := range p.Document.Statements {
			cs := compileStatement(p.Name, si, &s)
			l.all = append(l.all, int32(len(l.statements)))
			l.statements = append(l.statements, cs)
		}
	}
	for _, name := range catalog.KnownNames() {
		names := namesOf(name)
		c := &candidates{}
		for i := range l.statements {
			s := &l.statements[i]
			if !s.matchesAction(names) {
				continue
			}
			literals := s.literalResources()
			if literals == nil {
				c.general = append(c.general, int32(i))
				continue
			}
			if c.byResource == nil {
				c.byResource = map[string][]int32{}
			}
			for _, r := range literals {
				if ids := c.byResource[r]; len(ids) == 0 || ids[len(ids)-1] != int32(i) {
					c.byResource[r] = append(ids, int32(i))
				}
			}
		}
		l.byAction[names.key] = c
	}
	return l
}

// candidates are the statements of a layer that may match one action: the ones whose
// Resource lists only exact URNs, by URN, and the others, each in statement order.
type candidates struct {
	general    []int32
	byResource map[string][]int32
}

// literalResources returns the exact URNs of a statement whose Resource lists nothing
// else, or nil.
func (s *statement) literalResources() []string {
	if s.notResource || s.resources == nil {
		return nil
	}
	out := make([]string, 0, len(s.resources))
	for i := range s.resources {
		r, ok := s.resources[i].Literal()
		if !ok {
			return nil
		}
		out = append(out, r)
	}
	return out
}

func compileStatement(policyName string, index int, s *policy.Statement) statement {
	cs := statement{policy: policyName, index: index, deny: s.Effect.Value == "Deny"}
	if s.Sid != nil {
		cs.sid = s.Sid.Value
	}
	if s.NotAction != nil {
		cs.notAction, cs.actions = true, compilePatterns(s.NotAction, true)
	} else {
		cs.actions = compilePatterns(s.Action, true)
	}
	if s.NotResource != nil {
		cs.notResource, cs.resources = true, compilePatterns(s.NotResource, false)
	} else if s.Resource != nil {
		cs.resources = compilePatterns(s.Resource, false)
	}
	cs.anyResource = s.NotResource == nil && (cs.resources == nil || slices.ContainsFunc(cs.resources, func(p wildcard.Pattern) bool { return p.MatchesEverything() }))
	if s.Condition != nil {
		for _, op := range s.Condition.Ops {
			parts := op.Operator()
			base, _ := condition.Lookup(parts.Base) // known: the checker refuses others
			for _, k := range op.Keys {
				cc := compiledCondition{op: base, typeBit: condition.Bit(base.Type), qualifier: parts.Qualifier, ifExists: parts.IfExists, key: k.Name}
				for _, v := range k.Values.Values() {
					pv, err := condition.Parse(base.Type, v)
					if err != nil {
						cc.broken = true
					}
					cc.values = append(cc.values, pv)
				}
				cs.conditions = append(cs.conditions, cc)
			}
		}
	}
	return cs
}

// known maps every name the catalog knows, in its catalog spelling and in lower case, to
// its index key (the lower-case name) and, for a table action, its aliases; built once so
// that looking names up does not allocate.
var known = func() map[string]actionNames {
	m := map[string]actionNames{}
	for _, n := range catalog.KnownNames() {
		names := actionNames{name: n, key: strings.ToLower(n)}
		if a, ok := catalog.LookupAction(n); ok {
			names.aliases = a.Aliases
		}
		m[n], m[names.key] = names, names
	}
	return m
}()

func compilePatterns(l *policy.List, fold bool) []wildcard.Pattern {
	if l == nil {
		return nil
	}
	out := make([]wildcard.Pattern, len(l.Items))
	for i, it := range l.Items {
		out[i] = wildcard.Compile(it.Value, fold)
	}
	return out
}

// namesOf returns the names a statement may use to grant or deny an action: the action
// itself and, for a table action, its aliases.
func namesOf(action string) actionNames {
	n, ok := known[action]
	if !ok && len(action) <= maxKnownName {
		// Another spelling of a known name: look it up in lower case, in a buffer on the
		// stack (a map index with string(bytes) does not allocate).
		var buf [maxKnownName]byte
		b := buf[:len(action)]
		for i := 0; i < len(action); i++ {
			c := action[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		n, ok = known[string(b)]
	}
	if !ok {
		return actionNames{name: action}
	}
	n.name = action
	return n
}

// maxKnownName bounds the names namesOf lowers on the stack; every catalog name is shorter.
const maxKnownName = 64

// actionNames are the names a statement may use for a requested action.
type actionNames struct {
	name    string
	aliases []string
	// key is the action's key in a layer's index: its lower-case name; empty for names
	// the catalog does not know.
	key string
}

func (s *statement) matchesAction(n actionNames) bool {
	listed := false
	for i := range s.actions {
		p := &s.actions[i]
		if p.Match(n.name) {
			listed = true
			break
		}
		for _, a := range n.aliases {
			if p.Match(a) {
				listed = true
				break
			}
		}
		if listed {
			break
		}
	}
	return listed != s.notAction
}

func (s *statement) matchesResource(resource string) bool {
	if s.anyResource {
		return true
	}
	listed := false
	for i := range s.resources {
		if s.resources[i].Match(resource) {
			listed = true
			break
		}
	}
	return listed != s.notResource
}

// evaluate records the layer's matching statements in res and reports whether any Allow
// and any Deny matched.
func (l *layer) evaluate(req *Request, names actionNames, res *Result) (allow, deny bool) {
	c, indexed := l.byAction[names.key]
	if !indexed {
		for _, i := range l.all {
			if l.statements[i].matchesAction(names) {
				l.consider(i, false, req, res, &allow, &deny)
			}
		}
		return allow, deny
	}
	// Merge the general candidates with those listing the request's exact URN (whose
	// resource is known to match), so that matches stay in statement order.
	general, exact := c.general, c.byResource[req.Resource]
	for len(general) > 0 || len(exact) > 0 {
		if len(exact) == 0 || len(general) > 0 && general[0] < exact[0] {
			l.consider(general[0], false, req, res, &allow, &deny)
			general = general[1:]
		} else {
			l.consider(exact[0], true, req, res, &allow, &deny)
			exact = exact[1:]
		}
	}
	return allow, deny
}

// consider records statement i in res when its resource (unless known to match) and its
// conditions match the request.
func (l *layer) consider(i int32, resourceMatches bool, req *Request, res *Result, allow, deny *bool) {
	s := &l.statements[i]
	if !resourceMatches && !s.matchesResource(req.Resource) || !s.conditionsHold(req.Context, res) {
		return
	}
	res.Matched = append(res.Matched, Match{Layer: l.layer, Policy: s.policy, Statement: s.index, Sid: s.sid, Deny: s.deny})
	if s.deny {
		*deny = true
	} else {
		*allow = true
	}
}

// conditionsHold reports whether all the statement's conditions hold. Once one fails the
// rest are only looked up, so that every missing key is still reported.
func (s *statement) conditionsHold(ctx Context, res *Result) bool {
	all := true
	for i := range s.conditions {
		c := &s.conditions[i]
		values, present := ctx.lookup(c.key)
		if !present {
			res.addMissing(c.key)
		}
		if all && !c.holds(values, present) {
			all = false
		}
	}
	return all
}

func (r *Result) addMissing(key string) {
	for _, k := range r.MissingKeys {
		if strings.EqualFold(k, key) {
			return
		}
	}
	r.MissingKeys = append(r.MissingKeys, key)
}

func (c *compiledCondition) holds(values []contextValue, present bool) bool {
	if c.op.Name == condition.Null {
		// "true": the key must be absent; "false": present.
		if c.broken {
			return false
		}
		for _, v := range c.values {
			if v.Bool == !present {
				return true
			}
		}
		return false
	}
	if !present {
		return c.ifExists || c.op.Negated
	}
	if c.broken {
		return false
	}
	// For each request value: does it satisfy the operator (any policy value matches; for
	// a negated operator, none does)?
	some, all := false, true
	for i := range values {
		ok := c.valueHolds(&values[i])
		some = some || ok
		all = all && ok
	}
	switch c.qualifier {
	case policy.ForAllValues:
		return all
	case policy.ForAnyValue:
		return some
	default:
		if c.op.Negated {
			return all
		}
		return some
	}
}

func (c *compiledCondition) valueHolds(v *contextValue) bool {
	if !v.types.Has(c.typeBit) {
		return false // a value that cannot be read as the operator's type never matches
	}
	matched := false
	for i := range c.values {
		if c.op.Compare(&v.value, &c.values[i]) {
			matched = true
			break
		}
	}
	return matched != c.op.Negated
}

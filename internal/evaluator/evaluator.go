// Package evaluator decides whether a request would be allowed by a set of identity
// policies bounded by service control policies (SCPs), and says why.
//
// Identity policies: an explicit Deny that matches wins; otherwise at least one matching
// Allow is needed; otherwise the request is implicitly denied. SCPs grant nothing: every
// level of the organisation path (root first, then each OU, then the account) must allow
// the request through at least one of its SCPs, and an explicit Deny in any SCP denies.
//
// Names. Action names and condition key names ignore ASCII case and nothing else
// (wildcard.EqualFold): imſ:images:get, with a long s, is another name than
// ims:images:get, which no pattern of ims: actions matches. Resources (URNs) are
// case-sensitive.
//
// Conditions. All conditions of a statement must hold; several policy values of a key are
// OR'ed. How values are read and compared (package condition has each rule once):
//
//   - A request value is typed by its key's catalog type: g:CurrentTime holds dates,
//     ims:Encrypted booleans, g:SourceIp addresses, ims:Region strings. Only operators of
//     that type can match it: StringEquals on g:CurrentTime, or NumberEquals on a
//     g:ResourceTag/<tag-key> (a string key), never matches (the checker reports
//     operator_type_mismatch). A value that does not read as its key's type matches no
//     operator, positive or negated, and the simulator refuses it.
//   - A key the catalog does not know (another service's) is read as the operators applied
//     to it: each operator reads each value as its own type. A value that reads as several
//     types is compared by each operator as that operator's type: "10" is the string "10"
//     to StringEquals and the number 10 to NumberEquals (so StringEquals "10.0" does not
//     match it and NumberEquals "10.0" does); "true" is a string and a boolean (Bool
//     matches "TRUE", StringEquals does not); "2026-01-01" is a string and a date
//     (midnight UTC); "::ffff:10.1.2.3" is a string compared as written and the address
//     10.1.2.3. A value that does not read as an operator's type (NumberEquals on "ten")
//     satisfies neither the operator nor its negation (NumberNotEquals).
//   - Numbers are plain decimals (no exponent, NaN, Inf, hex or padding), compared as
//     float64; booleans are true/false in any ASCII case; dates are RFC 3339 or a date
//     alone; IP request values are one address without a zone, IPv4-mapped IPv6 addresses
//     being IPv4, and policy values may be CIDRs. StringEqualsIgnoreCase compares values
//     by Unicode simple case folding (values are text, not names); StringMatch is
//     case-sensitive with `*` and `?`.
//   - A policy value that does not read as its operator's type makes the condition never
//     match (the checker reports invalid_condition_value).
//   - A key the request does not give: IfExists conditions hold; ForAllValues: holds and
//     ForAnyValue: does not (AWS's documented rule, as the vendor's reference is silent:
//     see condition.Operator.HoldsWhenAbsent); otherwise a positive operator does not hold
//     and a negated one does. Null "true" holds, Null "false" does not. Every such key is
//     reported in MissingKeys.
//   - A key given with no values is present, and empty: IfExists applies the operator,
//     ForAllValues: holds (every one of no values), ForAnyValue: and positive operators do
//     not, negated operators do, Null "false" holds; it is not a missing key.
//
// NewPolicySet is the one way to build a PolicySet outside the package's tests: it
// compiles documents that policy.CheckText or policy.CheckDocument has checked for their
// purpose, and refuses them with the checker's error findings, without checking again.
// Build once, then Simulate (the full report of a request) or Evaluate (the
// decision alone) many requests: statements are indexed by the actions they match
// (aliases of the IMS catalog included), patterns and condition values are parsed ahead,
// and Evaluate does not allocate once its Result has grown to size.
package evaluator

import (
	"fmt"
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

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
	// keyReaders lists, for each condition key the catalog does not know (in lower case),
	// the operators of distinct types the policies apply to it: the types its request
	// values are read as.
	keyReaders map[string][]*condition.Operator
}

// compile indexes identity policies and SCP levels for evaluation. The documents have
// passed policy.Check without errors (NewPolicySet sees to it): each statement has an
// Effect of "Allow" or "Deny", at most one of Action and NotAction and of Resource and
// NotResource, and only known condition operators with values of their type.
func compile(identity []namedDocument, scpLevels []namedLevel) *PolicySet {
	e := &PolicySet{}
	e.layers = append(e.layers, compileLayer(IdentityLayer, identity))
	for i, lv := range scpLevels {
		e.layers = append(e.layers, compileLayer(Layer{SCP: true, Level: i, Name: lv.name}, lv.policies))
	}
	for _, l := range e.layers {
		e.statements += len(l.statements)
	}
	e.keyReaders = map[string][]*condition.Operator{}
	for i := range e.layers {
		for j := range e.layers[i].statements {
			for _, c := range e.layers[i].statements[j].conditions {
				if _, known := catalog.LookupConditionKey(c.key); known || c.op.Name == condition.Null {
					continue
				}
				lk := wildcard.Lower(c.key)
				readers := e.keyReaders[lk]
				if !slices.ContainsFunc(readers, func(o *condition.Operator) bool { return o.Type == c.op.Type }) {
					e.keyReaders[lk] = append(readers, c.op)
				}
			}
		}
	}
	return e
}

// CheckValue reports whether a request value of the key can be read as the key's type,
// as NewContext reads it: a key of the catalog as its catalog type; any other key as the
// type of every operator the policies apply to it (a value one of them cannot read
// would satisfy neither that operator nor its negation, silently). The error says which
// type and why. Simulate reports such values as the request's problems.
func (e *PolicySet) CheckValue(key, value string) error {
	reader := condition.KeyReader(key)
	_, types, err := reader.Read(value)
	if err != nil {
		return err
	}
	return e.checkRead(key, value, types, reader)
}

// checkRead is CheckValue for a value reader has read as types.
func (e *PolicySet) checkRead(key, value string, types condition.Types, reader condition.Reader) error {
	if t, ok := reader.CatalogType(); ok {
		if types.Has(condition.Bit(t)) {
			return nil
		}
		_, _, err := reader.Read(value) // fails, and says why
		return err
	}
	if len(e.keyReaders) == 0 {
		return nil
	}
	for _, op := range e.keyReaders[wildcard.Lower(key)] {
		if types.Has(condition.Bit(op.Type)) {
			continue
		}
		if _, err := condition.ParseRequest(op.Type, value); err != nil {
			return fmt.Errorf("%s is compared as a %s value (by %s): %w", key, op.Type, op.Name, err)
		}
	}
	return nil
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
	// byAction holds, at each known name's id (actionNames.id), the statements whose
	// Action or NotAction matches it, aliases included: indexing a slice costs a request
	// nothing, where a map would hash the name again in every layer.
	byAction []*candidates
	// all lists every statement, for actions the catalog does not know.
	all []int32
}

type statement struct {
	src       *policy.Statement // as parsed, for the analyser (Statement.Source)
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
	// holdsWhenAbsent is the condition's value on a key the request does not give
	// (condition.Operator.HoldsWhenAbsent).
	holdsWhenAbsent bool
	key             string // as written
	values          []condition.Value
	// broken is set when a policy value does not parse as the operator's type: such a
	// condition never matches.
	broken bool
}

func compileLayer(at Layer, policies []namedDocument) layer {
	l := layer{layer: at, byAction: make([]*candidates, len(knownNames)+1)}
	for _, p := range policies {
		for si := range p.doc.Statements {
			cs := compileStatement(p.name, si, &p.doc.Statements[si])
			l.all = append(l.all, int32(len(l.statements)))
			l.statements = append(l.statements, cs)
		}
	}
	for id := 1; id < len(l.byAction); id++ {
		l.byAction[id] = &candidates{}
	}
	var ids []int32
	for i := range l.statements {
		s := &l.statements[i]
		var literal bool
		if ids, literal = s.literalActionIDs(ids[:0]); !literal {
			ids = ids[:0]
			for j := range knownActionNames {
				if s.matchesAction(knownActionNames[j]) {
					ids = append(ids, knownActionNames[j].id)
				}
			}
		}
		literals := s.literalResources()
		for _, id := range ids {
			l.byAction[id].add(int32(i), literals)
		}
	}
	return l
}

// add records statement i, whose Resource lists exactly the URNs literals (nil: not only
// exact URNs), once however many of its patterns name the action.
func (c *candidates) add(i int32, literals []string) {
	if literals == nil {
		if n := len(c.general); n == 0 || c.general[n-1] != i {
			c.general = append(c.general, i)
		}
		return
	}
	if c.byResource == nil {
		c.byResource = map[string][]int32{}
	}
	for _, r := range literals {
		if ids := c.byResource[r]; len(ids) == 0 || ids[len(ids)-1] != i {
			c.byResource[r] = append(ids, i)
		}
	}
}

// literalActionIDs appends to ids the known names an Action listing no wildcard matches
// (byLiteral), and reports whether the statement is such; for NotAction or a wildcard it
// reports false, and the names are found by matchesAction, one by one. The two agree: a
// pattern without wildcards matches a name exactly when both lower to the same string
// under the names' ASCII rule (wildcard.Lower).
func (s *statement) literalActionIDs(ids []int32) ([]int32, bool) {
	if s.notAction {
		return ids, false
	}
	for i := range s.actions {
		raw := s.actions[i].String()
		if wildcard.HasWildcard(raw) {
			return ids, false
		}
		ids = append(ids, byLiteral[wildcard.Lower(raw)]...)
	}
	return ids, true
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
	cs := statement{src: s, policy: policyName, index: index, deny: s.Effect.Value == "Deny"}
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
				cc := compiledCondition{op: base, typeBit: condition.Bit(base.Type), qualifier: parts.Qualifier, ifExists: parts.IfExists, key: k.Name,
					holdsWhenAbsent: base.HoldsWhenAbsent(parts.Qualifier.Set(), parts.IfExists)}
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

// knownNames are the names the catalog knows, in the order of their ids.
var knownNames = catalog.KnownNames()

// known maps every name the catalog knows, in its catalog spelling and in lower case, to
// its id, its aliases (for a table action) and what allowing it also allows (for an
// alias); built once so that looking names up does not allocate.
var known = func() map[string]actionNames {
	m := map[string]actionNames{}
	for i, n := range knownNames {
		names := actionNames{name: n, id: int32(i + 1)}
		if a, ok := catalog.LookupAction(n); ok {
			names.aliases = a.Names()[1:] // the catalog's rule: its name, then its aliases
		}
		if catalog.Kind(n) != catalog.TableAction {
			for _, a := range catalog.Granted(n) {
				names.granted = append(names.granted, a.Name)
			}
		}
		m[n], m[wildcard.Lower(n)] = names, names
	}
	return m
}()

// knownActionNames are the names of knownNames, in order, as namesOf returns them.
var knownActionNames = func() []actionNames {
	out := make([]actionNames, len(knownNames))
	for i, n := range knownNames {
		out[i] = known[n]
	}
	return out
}()

// byLiteral maps each known name and alias, in lower case, to the ids of the known names
// a statement listing it matches: the name itself and the table actions it is an alias of
// (their aliases, by the catalog's one alias rule).
var byLiteral = func() map[string][]int32 {
	m := map[string][]int32{}
	for _, n := range knownActionNames {
		for _, x := range append([]string{n.name}, n.aliases...) {
			k := wildcard.Lower(x)
			if !slices.Contains(m[k], n.id) {
				m[k] = append(m[k], n.id)
			}
		}
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
		n, ok = known[string(wildcard.LowerInto(buf[:], action))]
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
	// id is the name's place in a layer's index, 1 + its position in knownNames; 0 for
	// names the catalog does not know.
	id int32
	// granted is, for an alias, the table actions allowing it also allows (its surprise).
	granted []string
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
	c := l.byAction[names.id]
	if c == nil {
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
		if wildcard.EqualFold(k, key) {
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
		return c.holdsWhenAbsent
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

package evaluator

// The differential test: a second, deliberately naive evaluator, transcribed from the rules
// of issue 4 ("Evaluation semantics") without indexing or precompilation, compared with the
// real one on randomly generated policy sets and requests. The RNG is seeded, so every run
// checks the same cases; -diff.seed and -diff.sets change them.
//
// Where the issue says nothing, the naive evaluator makes the evaluator's documented choice
// and says so (see the naive* constants below), so that a difference is always a bug in one
// of the two and never a question of taste.
//
// It shares no matching or comparison code with the evaluator (nor with the condition and
// wildcard packages): the ASCII case rule of names, the wildcard matcher, the reading of
// numbers, dates, booleans and IP addresses, every operator, IfExists, Null and the set
// qualifiers are transcribed below, so that comparisons are tested differentially too. It
// reads the catalog as data only (actions and their aliases, key types, APIs), and takes
// documents from the policy parser.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

var (
	diffSeed = flag.Uint64("diff.seed", 4, "seed of the differential test's generator")
	diffSets = flag.Int("diff.sets", 3000, "policy sets the differential test generates (each with several requests)")
)

// ---------------------------------------------------------------------------------------
// The naive evaluator.

// Choices the issue does not make; the naive evaluator takes the evaluator's.
const (
	// A request value that does not parse as the operator's type (a NumberNotEquals
	// against "nine") satisfies neither a positive nor a negated operator.
	naiveUnparsableRequestValueSatisfiesNegated = false
	// A statement without Resource or NotResource matches every resource (stated), and
	// one without Action or NotAction matches no action (not stated).
	naiveMissingActionMatches = false
)

// errIllFormed marks documents the naive evaluator refuses to judge because the issue
// gives them no meaning (a checker rejects them before evaluation): a statement without
// Effect, with both Action and NotAction, or with both Resource and NotResource.
var errIllFormed = errors.New("ill-formed")

type naiveResult struct {
	Decision  Decision
	DecidedBy string
	Matched   []Match
	Missing   []string
}

// naiveCheck reports whether the naive evaluator can judge a document: errIllFormed for
// documents it refuses, another error for those that Compile must reject too (an Effect
// that is neither Allow nor Deny, an unknown condition operator).
func naiveCheck(d *policy.Document) error {
	for i, s := range d.Statements {
		switch {
		case s.Effect == nil, s.Action != nil && s.NotAction != nil, s.Resource != nil && s.NotResource != nil:
			return fmt.Errorf("statement %d: %w", i, errIllFormed)
		case s.Effect.Value != "Allow" && s.Effect.Value != "Deny":
			return fmt.Errorf("statement %d: bad Effect %q", i, s.Effect.Value)
		}
		if s.Condition == nil {
			continue
		}
		for _, op := range s.Condition.Ops {
			_, base, _ := naiveSplitOperator(op.Name)
			if _, ok := naiveOpTable[base]; !ok {
				return fmt.Errorf("statement %d: unknown operator %q", i, op.Name)
			}
		}
	}
	return nil
}

// naiveEvaluate decides a request the slow way. ctx keys are as the request spells them.
func naiveEvaluate(identity []testPolicy, levels []testLevel, action, resource string, ctx map[string][]string) naiveResult {
	type layerPolicies struct {
		name     string
		layer    Layer
		policies []testPolicy
	}
	layers := []layerPolicies{{"identity", IdentityLayer, identity}}
	for i, lv := range levels {
		layers = append(layers, layerPolicies{"scp:" + lv.Name, Layer{SCP: true, Level: i, Name: lv.Name}, lv.Policies})
	}
	var res naiveResult
	explicit, implicit := "", ""
	for _, l := range layers {
		allow, deny := false, false
		for _, p := range l.policies {
			for si, s := range p.Document.Statements {
				if !naiveActionMatches(&s, action) || !naiveResourceMatches(&s, resource) {
					continue
				}
				if !naiveConditionsHold(&s, ctx, &res.Missing) {
					continue
				}
				m := Match{Layer: l.layer, Policy: p.Name, Statement: si, Deny: s.Effect.Value == "Deny"}
				if s.Sid != nil {
					m.Sid = s.Sid.Value
				}
				res.Matched = append(res.Matched, m)
				if m.Deny {
					deny = true
				} else {
					allow = true
				}
			}
		}
		// The identity layer: a Deny wins, else an Allow is needed. An SCP level: an
		// explicit Deny denies, and at least one of its SCPs must allow.
		if deny && explicit == "" {
			explicit = l.name
		}
		if !deny && !allow && implicit == "" {
			implicit = l.name
		}
	}
	// The first layer that denies decides, an explicit Deny anywhere before any implicit
	// one; an allow is reported as decided by the identity policies.
	switch {
	case explicit != "":
		res.Decision, res.DecidedBy = ExplicitDeny, explicit
	case implicit != "":
		res.Decision, res.DecidedBy = ImplicitDeny, implicit
	default:
		res.Decision, res.DecidedBy = Allow, "identity"
	}
	return res
}

// naiveEvaluateAPI decides a request for an API: every action the API needs and every
// dependency must be allowed, each decided on its own against the request's resource and
// context; actions needed "only for" a scenario are decided but not required. The first
// required action explicitly denied decides, else the first implicitly denied.
func naiveEvaluateAPI(identity []testPolicy, levels []testLevel, api catalog.APIPermission, resource string, ctx map[string][]string) (naiveResult, []string) {
	type needed struct {
		action   string
		required bool
	}
	var actions []needed
	for _, a := range api.Actions {
		actions = append(actions, needed{a.Action, a.Note == ""})
	}
	for _, d := range api.Dependencies {
		if !slices.Contains(actions, needed{d, true}) {
			actions = append(actions, needed{d, true})
		}
	}
	overall := naiveResult{Decision: Allow, DecidedBy: "identity"}
	var each []string
	var implicit *naiveResult
	for _, a := range actions {
		r := naiveEvaluate(identity, levels, a.action, resource, ctx)
		each = append(each, fmt.Sprintf("%s required=%v %s", a.action, a.required, r.Decision))
		if !a.required {
			continue
		}
		for _, m := range r.Matched {
			if !slices.Contains(overall.Matched, m) {
				overall.Matched = append(overall.Matched, m)
			}
		}
		for _, k := range r.Missing {
			if !slices.ContainsFunc(overall.Missing, func(m string) bool { return naiveSameName(m, k) }) {
				overall.Missing = append(overall.Missing, k)
			}
		}
		switch {
		case r.Decision == ExplicitDeny && overall.Decision != ExplicitDeny:
			overall.Decision, overall.DecidedBy = ExplicitDeny, r.DecidedBy
		case r.Decision == ImplicitDeny && implicit == nil:
			implicit = &r
		}
	}
	if overall.Decision != ExplicitDeny && implicit != nil {
		overall.Decision, overall.DecidedBy = ImplicitDeny, implicit.DecidedBy
	}
	return overall, each
}

// naiveActionMatches: Action by case-insensitive wildcard over the action and its catalog
// aliases; NotAction matches every action none of its patterns matches that way.
func naiveActionMatches(s *policy.Statement, action string) bool {
	names := []string{action}
	for _, a := range catalog.Actions() {
		if naiveSameName(a.Name, action) {
			names = append(names, a.Aliases...)
		}
	}
	listed := func(l *policy.List) bool {
		for _, p := range l.Values() {
			for _, n := range names {
				if naiveWildcard(p, n, true) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case s.Action != nil:
		return listed(s.Action)
	case s.NotAction != nil:
		return !listed(s.NotAction)
	}
	return naiveMissingActionMatches
}

// naiveResourceMatches: Resource by case-sensitive wildcard (resources are URNs);
// NotResource the opposite; no Resource at all matches everything.
func naiveResourceMatches(s *policy.Statement, resource string) bool {
	listed := func(l *policy.List) bool {
		for _, p := range l.Values() {
			if naiveWildcard(p, resource, false) {
				return true
			}
		}
		return false
	}
	switch {
	case s.Resource != nil:
		return listed(s.Resource)
	case s.NotResource != nil:
		return !listed(s.NotResource)
	}
	return true
}

// naiveSplitOperator splits "ForAllValues:StringEqualsIfExists" into its parts.
func naiveSplitOperator(name string) (qualifier, base string, ifExists bool) {
	for _, q := range []string{"ForAnyValue:", "ForAllValues:"} {
		if strings.HasPrefix(name, q) {
			qualifier, name = strings.TrimSuffix(q, ":"), name[len(q):]
			break
		}
	}
	base, ifExists = strings.CutSuffix(name, "IfExists")
	return qualifier, base, ifExists
}

// naiveLookup finds a context key ignoring case; keys that differ only in case are one key.
func naiveLookup(ctx map[string][]string, key string) (values []string, present bool) {
	for k, v := range ctx {
		if naiveSameName(k, key) {
			values, present = append(values, v...), true
		}
	}
	return values, present
}

// naiveConditionsHold evaluates every condition of a statement (keys and operators are
// AND'ed) and records the keys it looked for that the request did not give.
func naiveConditionsHold(s *policy.Statement, ctx map[string][]string, missing *[]string) bool {
	if s.Condition == nil {
		return true
	}
	all := true
	for _, op := range s.Condition.Ops {
		qualifier, base, ifExists := naiveSplitOperator(op.Name)
		o := naiveOpTable[base]
		for _, k := range op.Keys {
			values, present := naiveLookup(ctx, k.Name)
			if !present && !slices.ContainsFunc(*missing, func(m string) bool { return naiveSameName(m, k.Name) }) {
				*missing = append(*missing, k.Name)
			}
			if !naiveConditionHolds(&o, k.Name, qualifier, ifExists, k.Values.Values(), values, present) {
				all = false
			}
		}
	}
	return all
}

func naiveConditionHolds(o *naiveOp, key, qualifier string, ifExists bool, policyValues, requestValues []string, present bool) bool {
	// A policy value that does not read as the operator's type makes the condition never
	// match (rules for absent keys aside).
	var pvs []naiveValue
	broken := false
	for _, v := range policyValues {
		pv, ok := naiveRead(o.typ, v, true)
		broken = broken || !ok
		pvs = append(pvs, pv)
	}

	if o.typ == naiveNull {
		// Null tests presence: "true" means absent, "false" present; values are OR'ed. A key
		// given with no values is present. (IfExists and the set qualifiers mean nothing
		// for Null: ignored.)
		if broken {
			return false
		}
		for _, pv := range pvs {
			if pv.b != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case ifExists: // an absent key satisfies an IfExists condition
			return true
		case qualifier == "ForAllValues": // every one of no values: true (AWS's rule)
			return true
		case qualifier == "ForAnyValue": // some one of no values: false
			return false
		}
		// An absent key makes a positive operator false and a negated one true.
		return o.negated
	}
	if broken {
		return false
	}
	// The key's type: its catalog type, or, for a key the catalog does not know, the
	// operator's.
	readAs := o.typ
	if t, ok := naiveKeyType(key); ok {
		readAs = t
	}
	// satisfied: does one request value satisfy the operator? A positive operator: some
	// policy value matches it (values are OR'ed). A negated one: none does.
	satisfied := func(rv string) bool {
		parsed, ok := naiveRead(o.typ, rv, false)
		if !ok || readAs != o.typ {
			return o.negated && naiveUnparsableRequestValueSatisfiesNegated
		}
		matched := false
		for _, pv := range pvs {
			if o.match(parsed, pv) {
				matched = true
			}
		}
		return matched != o.negated
	}
	n := 0
	for _, rv := range requestValues {
		if satisfied(rv) {
			n++
		}
	}
	switch qualifier {
	case "ForAnyValue": // some request value satisfies it
		return n > 0
	case "ForAllValues": // every request value satisfies it (true for none)
		return n == len(requestValues)
	}
	// No qualifier: a positive operator holds when some request value matches some policy
	// value; a negated one when no request value matches any policy value.
	if o.negated {
		return n == len(requestValues)
	}
	return n > 0
}

// The operators, transcribed from the reference notes (and the rules the condition
// package documents) without its code: the type each reads values as, negation, and the
// comparison of one request value with one policy value.
const (
	naiveString = "string"
	naiveNumber = "numeric"
	naiveDate   = "date"
	naiveBool   = "boolean"
	naiveIP     = "ip_address"
	naiveNull   = "null"
)

type naiveValue struct {
	s    string
	n    float64
	t    time.Time
	b    bool
	addr netip.Addr   // a request address
	cidr netip.Prefix // a policy address or CIDR
}

type naiveOp struct {
	typ     string
	negated bool
	match   func(r, p naiveValue) bool
}

func naiveOrder(typ string, ok func(c int) bool) func(r, p naiveValue) bool {
	return func(r, p naiveValue) bool {
		c := 0
		if typ == naiveNumber {
			switch {
			case r.n < p.n:
				c = -1
			case r.n > p.n:
				c = 1
			case r.n != p.n: // NaN: never read, and never equal
				return false
			}
		} else {
			switch {
			case r.t.Before(p.t):
				c = -1
			case r.t.After(p.t):
				c = 1
			}
		}
		return ok(c)
	}
}

var (
	naiveEq      = func(r, p naiveValue) bool { return r.s == p.s }
	naiveEqFold  = func(r, p naiveValue) bool { return naiveUnicodeFold(r.s, p.s) }
	naiveLike    = func(r, p naiveValue) bool { return naiveWildcard(p.s, r.s, false) }
	naivePrefix  = func(r, p naiveValue) bool { return len(r.s) >= len(p.s) && r.s[:len(p.s)] == p.s }
	naiveSuffix  = func(r, p naiveValue) bool { return len(r.s) >= len(p.s) && r.s[len(r.s)-len(p.s):] == p.s }
	naiveNumEq   = naiveOrder(naiveNumber, func(c int) bool { return c == 0 })
	naiveIn      = func(r, p naiveValue) bool { return p.cidr.Contains(r.addr) }
	naiveBoolEq  = func(r, p naiveValue) bool { return r.b == p.b }
	naiveOpTable = map[string]naiveOp{
		"StringEquals":              {naiveString, false, naiveEq},
		"StringNotEquals":           {naiveString, true, naiveEq},
		"StringEqualsIgnoreCase":    {naiveString, false, naiveEqFold},
		"StringNotEqualsIgnoreCase": {naiveString, true, naiveEqFold},
		"StringMatch":               {naiveString, false, naiveLike},
		"StringNotMatch":            {naiveString, true, naiveLike},
		"StringStartWith":           {naiveString, false, naivePrefix},
		"StringNotStartWith":        {naiveString, true, naivePrefix},
		"StringEndWith":             {naiveString, false, naiveSuffix},
		"StringNotEndWith":          {naiveString, true, naiveSuffix},
		"NumberEquals":              {naiveNumber, false, naiveNumEq},
		"NumberNotEquals":           {naiveNumber, true, naiveNumEq},
		"NumberLessThan":            {naiveNumber, false, naiveOrder(naiveNumber, func(c int) bool { return c < 0 })},
		"NumberLessThanEquals":      {naiveNumber, false, naiveOrder(naiveNumber, func(c int) bool { return c <= 0 })},
		"NumberGreaterThan":         {naiveNumber, false, naiveOrder(naiveNumber, func(c int) bool { return c > 0 })},
		"NumberGreaterThanEquals":   {naiveNumber, false, naiveOrder(naiveNumber, func(c int) bool { return c >= 0 })},
		"DateLessThan":              {naiveDate, false, naiveOrder(naiveDate, func(c int) bool { return c < 0 })},
		"DateLessThanEquals":        {naiveDate, false, naiveOrder(naiveDate, func(c int) bool { return c <= 0 })},
		"DateGreaterThan":           {naiveDate, false, naiveOrder(naiveDate, func(c int) bool { return c > 0 })},
		"DateGreaterThanEquals":     {naiveDate, false, naiveOrder(naiveDate, func(c int) bool { return c >= 0 })},
		"Bool":                      {naiveBool, false, naiveBoolEq},
		"IpAddress":                 {naiveIP, false, naiveIn},
		"NotIpAddress":              {naiveIP, true, naiveIn},
		"Null":                      {typ: naiveNull},
	}
)

// naiveUnicodeFold: StringEqualsIgnoreCase compares values (not names), which may be any
// text: characters are equal when Unicode's simple case folding equates them.
func naiveUnicodeFold(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		same := ra[i] == rb[i]
		for f := unicode.SimpleFold(ra[i]); !same && f != ra[i]; f = unicode.SimpleFold(f) {
			same = f == rb[i]
		}
		if !same {
			return false
		}
	}
	return true
}

var naiveDecimal = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// naiveRead reads a value as a type: numbers are plain decimals; booleans true or false
// in any ASCII case; dates RFC 3339 (also with an offset without a colon) or a date alone;
// IP values addresses without a zone, IPv4-mapped IPv6 addresses being IPv4, and policy
// values may be CIDRs (a mapped CIDR of /96 or longer is the IPv4 one). Null's values
// are booleans.
func naiveRead(typ, s string, policyValue bool) (naiveValue, bool) {
	v := naiveValue{s: s}
	switch typ {
	case naiveNumber:
		if !naiveDecimal.MatchString(s) {
			return v, false
		}
		f, err := strconv.ParseFloat(s, 64)
		v.n = f
		return v, err == nil
	case naiveDate:
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				v.t = t
				return v, true
			}
		}
		return v, false
	case naiveBool, naiveNull:
		switch naiveASCIILower(s) {
		case "true":
			v.b = true
			return v, true
		case "false":
			return v, true
		}
		return v, false
	case naiveIP:
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil || a.Zone() != "" {
				return v, false
			}
			if a.Is4In6() {
				a = netip.AddrFrom4(a.As4())
			}
			v.addr, v.cidr = a, netip.PrefixFrom(a, a.BitLen())
			return v, true
		}
		if !policyValue {
			return v, false
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return v, false
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(netip.AddrFrom4(p.Addr().As4()), p.Bits()-96)
		}
		v.cidr = p.Masked()
		return v, true
	}
	return v, true
}

// naiveKeyType is a condition key's catalog type, found by the ASCII case rule; a key
// of a template (g:ResourceTag/<tag-key>) is the template's.
func naiveKeyType(key string) (string, bool) {
	for _, k := range catalog.ConditionKeys() {
		name := k.Name
		if i := strings.IndexByte(name, '<'); i >= 0 {
			if len(key) > i && naiveSameName(key[:i], name[:i]) {
				return string(k.Type), true
			}
			continue
		}
		if naiveSameName(key, name) {
			return string(k.Type), true
		}
	}
	return "", false
}

// naiveWildcard matches `*` (any run) and `?` (one character) by dynamic programming over
// characters: m[i][j] says whether pattern[:i] matches s[:j]. A character is a rune, or
// an invalid byte, which equals only the same byte.
func naiveWildcard(pattern, s string, fold bool) bool {
	p, r := naiveChars(pattern), naiveChars(s)
	m := make([][]bool, len(p)+1)
	for i := range m {
		m[i] = make([]bool, len(r)+1)
	}
	m[0][0] = true
	for i := 1; i <= len(p); i++ {
		for j := 0; j <= len(r); j++ {
			switch p[i-1] {
			case "*":
				m[i][j] = m[i-1][j] || (j > 0 && m[i][j-1])
			case "?":
				m[i][j] = j > 0 && m[i-1][j-1]
			default:
				m[i][j] = j > 0 && m[i-1][j-1] && naiveCharEqual(p[i-1], r[j-1], fold)
			}
		}
	}
	return m[len(p)][len(r)]
}

func naiveChars(s string) []string {
	var out []string
	for len(s) > 0 {
		_, n := utf8.DecodeRuneInString(s)
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// naiveCharEqual: names ignore ASCII case only, as the vendor's names are ASCII: A-Z
// equal a-z, and every other character equals only itself (ſ is not s).
func naiveCharEqual(a, b string, fold bool) bool {
	if a == b {
		return true
	}
	return fold && len(a) == 1 && len(b) == 1 && naiveASCIILower(a) == naiveASCIILower(b)
}

// naiveASCIILower lowers A-Z byte by byte (leaving invalid UTF-8 as it is).
func naiveASCIILower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// naiveSameName compares names (actions, condition keys) under the ASCII case rule.
func naiveSameName(a, b string) bool { return naiveASCIILower(a) == naiveASCIILower(b) }

// ---------------------------------------------------------------------------------------
// The generator. A case is a policy set (identity policies and SCP levels) and requests,
// kept as data so that a failing case can be shrunk before it is printed.

type genCond struct {
	Op, Key string
	Values  []string
	Single  bool // written as a string rather than a list of one
}

type genStatement struct {
	Sid, Effect                              string
	Action, NotAction, Resource, NotResource []string
	HasResource, HasNotResource              bool // Resource: [] is not a missing Resource
	Conds                                    []genCond
}

type genLevel struct {
	Name     string
	Policies [][]genStatement
}

type genRequest struct {
	Action, Resource string
	Context          map[string][]string
}

type genCase struct {
	Identity [][]genStatement
	Levels   []genLevel
	Requests []genRequest
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonList(vs []string, single bool) string {
	if single && len(vs) == 1 {
		return jsonString(vs[0])
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = jsonString(v)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// policyJSON writes statements as a policy document. Conditions with the same operator
// share its object, in the order the operators first appear.
func policyJSON(statements []genStatement) string {
	var sts []string
	for _, s := range statements {
		var f []string
		if s.Sid != "" {
			f = append(f, `"Sid":`+jsonString(s.Sid))
		}
		f = append(f, `"Effect":`+jsonString(s.Effect))
		if s.Action != nil {
			f = append(f, `"Action":`+jsonList(s.Action, len(s.Action) == 1 && len(s.Action[0])%2 == 0))
		}
		if s.NotAction != nil {
			f = append(f, `"NotAction":`+jsonList(s.NotAction, false))
		}
		if s.HasResource {
			f = append(f, `"Resource":`+jsonList(s.Resource, len(s.Resource) == 1 && len(s.Resource[0])%2 == 1))
		}
		if s.HasNotResource {
			f = append(f, `"NotResource":`+jsonList(s.NotResource, false))
		}
		if len(s.Conds) > 0 {
			var ops []string
			keys := map[string][]string{}
			for _, c := range s.Conds {
				if _, ok := keys[c.Op]; !ok {
					ops = append(ops, c.Op)
				}
				keys[c.Op] = append(keys[c.Op], jsonString(c.Key)+":"+jsonList(c.Values, c.Single))
			}
			var cs []string
			for _, op := range ops {
				cs = append(cs, jsonString(op)+":{"+strings.Join(keys[op], ",")+"}")
			}
			f = append(f, `"Condition":{`+strings.Join(cs, ",")+"}")
		}
		sts = append(sts, "{"+strings.Join(f, ",")+"}")
	}
	return `{"Version":"5.0","Statement":[` + strings.Join(sts, ",") + "]}"
}

// compileCase parses the case's policies (names as the data source gives them).
func (c *genCase) policies(t testing.TB) ([]testPolicy, []testLevel) {
	t.Helper()
	parse := func(name string, sts []genStatement) testPolicy {
		src := policyJSON(sts)
		d, err := policy.Parse([]byte(src))
		if err != nil {
			t.Fatalf("generated policy does not parse: %v\n%s", err, src)
		}
		return testPolicy{Name: name, Document: d}
	}
	var identity []testPolicy
	for i, p := range c.Identity {
		identity = append(identity, parse(fmt.Sprintf("identity[%d]", i), p))
	}
	var levels []testLevel
	for _, lv := range c.Levels {
		l := testLevel{Name: lv.Name}
		for i, p := range lv.Policies {
			l.Policies = append(l.Policies, parse(fmt.Sprintf("scp[%s][%d]", lv.Name, i), p))
		}
		levels = append(levels, l)
	}
	return identity, levels
}

type gen struct {
	r     *rand.Rand
	names []string // every name the catalog knows
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, 0x1a53335b)), names: catalog.KnownNames()}
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }

// mixCase changes the case of some letters.
func (g *gen) mixCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if g.chance(0.3) {
			switch {
			case 'a' <= c && c <= 'z':
				b[i] = c - 'a' + 'A'
			case 'A' <= c && c <= 'Z':
				b[i] = c - 'A' + 'a'
			}
		}
	}
	return string(b)
}

// spelling returns a name as a request or a policy may write it: mostly as the catalog
// does, sometimes lower case or mixed.
func (g *gen) spelling(s string) string {
	switch g.r.IntN(20) {
	case 0, 1:
		return strings.ToLower(s)
	case 2, 3:
		return g.mixCase(s)
	case 4:
		return g.lookalike(s)
	}
	return s
}

// lookalikes are non-ASCII characters that Unicode case rules equate with ASCII letters:
// the long s and the Kelvin sign fold into s and k; the dotless ı upper-cases to I, and
// the dotted İ lower-cases to i and a combining dot.
var lookalikes = map[byte][]string{'s': {"ſ"}, 'S': {"ſ"}, 'k': {"\u212a"}, 'K': {"\u212a"}, 'i': {"ı", "İ"}, 'I': {"ı", "İ"}}

// lookalike replaces one letter of s by a look-alike, when s has a letter that has one.
func (g *gen) lookalike(s string) string {
	var at []int
	for i := 0; i < len(s); i++ {
		if lookalikes[s[i]] != nil {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return s
	}
	i := at[g.r.IntN(len(at))]
	return s[:i] + g.pick(lookalikes[s[i]]...) + s[i+1:]
}

var otherActions = []string{"ecs:servers:list", "obs:object:GetObject", "obs:object:PutObject", "evs:volumes:create", "iam:users:get", "ims:images:nonesuch"}

func (g *gen) requestAction() string {
	if g.chance(0.1) {
		return g.spelling(g.pick(otherActions...))
	}
	return g.spelling(g.names[g.r.IntN(len(g.names))])
}

// actionPattern returns an Action value: a catalog name (or alias) as is, in another
// case, with some characters turned into `?`, with a part turned into `*`, or a broad
// pattern.
func (g *gen) actionPattern() string {
	switch g.r.IntN(12) {
	case 0:
		return "*"
	case 1:
		return g.pick("ims:*", "ims:images:*", "IMS:Images:*", "*:images:get*", "ims:*:create", "ims:images:?et*", "obs:*", "ims:images:*Member*", "ims:*Images:create", "ims:images:list*")
	case 2:
		return g.pick(otherActions...)
	}
	n := g.names[g.r.IntN(len(g.names))]
	switch g.r.IntN(5) {
	case 0: // question marks
		b := []byte(n)
		for range 1 + g.r.IntN(3) {
			b[g.r.IntN(len(b))] = '?'
		}
		return string(b)
	case 1: // a star over a substring
		i := g.r.IntN(len(n))
		j := i + g.r.IntN(len(n)-i+1)
		return n[:i] + "*" + n[j:]
	case 2:
		return g.mixCase(n)
	case 3:
		if g.chance(0.2) {
			return g.lookalike(n)
		}
	}
	return n
}

var (
	regions  = []string{"cn-north-4", "cn-east-3"}
	accounts = []string{"acct", "0a1b2c"}
	images   = []string{"a", "b", "img-1", "IMG-1"}
)

func (g *gen) urn() string {
	return "ims:" + g.pick(regions...) + ":" + g.pick(accounts...) + ":image:" + g.pick(images...)
}

func (g *gen) requestResource() string {
	if g.chance(0.15) {
		return g.pick("*", "obs:cn-north-4:acct:bucket:b1")
	}
	return g.urn()
}

func (g *gen) resourcePattern() string {
	switch g.r.IntN(8) {
	case 0:
		return "*"
	case 1:
		return g.pick("ims:*:*:image:*", "ims:*:acct:image:*", "ims:cn-north-4:*:image:?", "IMS:*", "ims:*:image:img-*", "*:image:a", "obs:*")
	}
	u := g.urn()
	switch g.r.IntN(4) {
	case 0:
		b := []byte(u)
		b[g.r.IntN(len(b))] = '?'
		return string(b)
	case 1:
		i := g.r.IntN(len(u))
		j := i + g.r.IntN(len(u)-i+1)
		return u[:i] + "*" + u[j:]
	case 2:
		return g.mixCase(u)
	}
	return u
}

// A condition key, the operators that suit it, policy values and request values. Values
// that do not parse as the operators' types are among them on purpose.
type keyKind struct {
	key           string
	ops           []string
	policyValues  []string
	requestValues []string
	multi         bool
}

var keyKinds = []keyKind{
	{key: "ims:Region",
		ops:           []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringMatch", "StringNotMatch", "StringStartWith", "StringNotStartWith", "StringEndWith", "StringNotEndWith"},
		policyValues:  []string{"cn-north-4", "cn-east-3", "CN-NORTH-4", "cn-*", "cn-?orth-4", "cn-", "-4", ""},
		requestValues: []string{"cn-north-4", "cn-east-3", "CN-North-4", "ap-southeast-1", ""}},
	{key: "ims:Encrypted",
		ops:           []string{"Bool", "Bool", "StringEquals", "StringNotEquals"},
		policyValues:  []string{"true", "false", "True", "FALSE", "yes", "falſe"},
		requestValues: []string{"true", "false", "TRUE", "1", "falſe", "tRue"}},
	{key: "g:CurrentTime",
		ops:           []string{"DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"},
		policyValues:  []string{"2026-01-01T00:00:00Z", "2026-11-25T10:00:00+08:00", "2026-11-25", "2027-01-01T00:00:00.5Z", "tomorrow"},
		requestValues: []string{"2026-11-25T10:00:00Z", "2026-11-25T02:00:00Z", "2026-01-01", "2025-06-30T23:59:59.999Z", "now"}},
	{key: "g:SourceIp",
		ops:           []string{"IpAddress", "NotIpAddress"},
		policyValues:  []string{"192.0.2.0/24", "10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "192.0.2.0/33", "any", "::ffff:10.0.0.0/104", "::ffff:0:0/96", "::/0", "fe80::/10", "fe80::1%eth0", "::ffff:192.0.2.7"},
		requestValues: []string{"192.0.2.7", "10.1.2.3", "203.0.113.9", "2001:db8::1", "192.0.2.0/24", "localhost", "::ffff:10.1.2.3", "::ffff:c000:207", "fe80::1", "fe80::1%eth0", "10.1.2.3/32"}},
	{key: "ims:VolumeId", multi: true,
		ops:           []string{"StringEquals", "StringNotEquals", "StringMatch", "StringEqualsIgnoreCase"},
		policyValues:  []string{"v1", "v2", "V3", "v*"},
		requestValues: []string{"v1", "v2", "v3", "V3", "w9"}},
	{key: "g:ResourceTag/size",
		ops:           []string{"NumberEquals", "NumberNotEquals", "NumberLessThan", "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals", "StringEquals"},
		policyValues:  []string{"10", "5.5", "1e1", "-3", " 10 ", "ten"},
		requestValues: []string{"9", "10", "10.0", "11", "-3", "nine"}},
	// A key the catalog does not know: each operator reads its values as its own type.
	{key: "ecs:DiskSize",
		ops:           []string{"NumberEquals", "NumberNotEquals", "NumberLessThan", "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals", "StringEquals", "StringNotEquals"},
		policyValues:  []string{"10", "5.5", "-3", "+10", "010", "-0", "0", "1e1", " 10 ", "NaN", "Inf", "0x10", "1_0", ".5", "10.", "ten"},
		requestValues: []string{"9", "10", "10.0", "+10", "-0", "0", "11", "-3", "nine", "NaN", "nan", "-Inf", "0x10", "1e1", " 10", "16"}},
	{key: "ecs:Mixed", multi: true,
		ops:           []string{"StringEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "NumberEquals", "NumberGreaterThan", "DateLessThan", "Bool", "IpAddress", "NotIpAddress", "StringStartWith"},
		policyValues:  []string{"10", "true", "2026-01-01", "10.0.0.0/8", "10.1.2.3", "ſ", "S", "\u212a", "k", "straße", "STRASSE", "1"},
		requestValues: []string{"10", "10.0", "TRUE", "2025-12-31T23:59:59Z", "10.1.2.3", "::ffff:10.1.2.3", "s", "ſ", "K", "\u212a", "straße", "ı", "I", "1"}},
	{key: "g:SourceVpce",
		ops:           []string{"Null", "StringEquals", "StringNotEquals"},
		policyValues:  []string{"true", "false", "vpce-1"},
		requestValues: []string{"vpce-1", "vpce-2"}},
}

var allOperators = condition.Names()

func (g *gen) cond() genCond {
	k := keyKinds[g.r.IntN(len(keyKinds))]
	base := k.ops[g.r.IntN(len(k.ops))]
	if g.chance(0.05) {
		base = allOperators[g.r.IntN(len(allOperators))] // any operator on any key
	}
	op := base
	if g.chance(0.25) || (k.multi && g.chance(0.5)) {
		op = g.pick("ForAnyValue:", "ForAllValues:") + op
	}
	if g.chance(0.25) {
		op += "IfExists"
	}
	var values []string
	if base == condition.Null {
		values = append(values, g.pick("true", "false", "true", "false", "maybe"))
	} else {
		for range 1 + g.r.IntN(3) {
			values = append(values, k.policyValues[g.r.IntN(len(k.policyValues))])
		}
	}
	return genCond{Op: op, Key: g.spelling(k.key), Values: values, Single: len(values) == 1 && g.chance(0.5)}
}

func (g *gen) statement(scp bool) genStatement {
	s := genStatement{Effect: "Allow"}
	if g.chance(0.3) {
		s.Effect = "Deny"
	}
	if g.chance(0.5) {
		s.Sid = fmt.Sprintf("S%d", g.r.IntN(100))
	}
	var list []string
	for range 1 + g.r.IntN(3) {
		list = append(list, g.actionPattern())
	}
	if scp && s.Effect == "Allow" && g.chance(0.5) {
		list = []string{"*"} // SCPs are mostly broad allows and narrow denies
	}
	if g.chance(0.15) {
		s.NotAction = list
	} else {
		s.Action = list
	}
	if g.chance(0.02) {
		s.Action, s.NotAction = []string{}, nil // an empty Action matches nothing
	}
	switch g.r.IntN(10) {
	case 0, 1, 2: // no Resource: everything
	case 3:
		s.HasNotResource = true
		for range 1 + g.r.IntN(2) {
			s.NotResource = append(s.NotResource, g.resourcePattern())
		}
	default:
		s.HasResource = true
		for range 1 + g.r.IntN(3) {
			s.Resource = append(s.Resource, g.resourcePattern())
		}
	}
	if g.chance(0.6) {
		seen := map[string]bool{}
		for range 1 + g.r.IntN(3) {
			c := g.cond()
			id := c.Op + "\x00" + c.Key
			if !seen[id] { // one key once per operator (JSON has no duplicate names)
				seen[id] = true
				s.Conds = append(s.Conds, c)
			}
		}
	}
	return s
}

func (g *gen) policy(scp bool) []genStatement {
	var sts []genStatement
	for range 1 + g.r.IntN(4) {
		sts = append(sts, g.statement(scp))
	}
	return sts
}

func (g *gen) context() map[string][]string {
	ctx := map[string][]string{}
	for _, k := range keyKinds {
		if g.chance(0.45) {
			continue
		}
		n := 1
		if k.multi {
			n = g.r.IntN(4) // none, one or several values
		} else if g.chance(0.05) {
			n = 0 // given with no values: present, and empty
		}
		var vs []string
		for range n {
			vs = append(vs, k.requestValues[g.r.IntN(len(k.requestValues))])
		}
		ctx[g.spelling(k.key)] = vs
		if k.multi && g.chance(0.1) { // the same key twice, spelled differently
			ctx[strings.ToUpper(k.key)] = []string{k.requestValues[g.r.IntN(len(k.requestValues))]}
		}
	}
	if g.chance(0.2) {
		ctx["g:PrincipalAccount"] = []string{"acct"} // a key no condition looks for
	}
	return ctx
}

func (g *gen) genCase() genCase {
	var c genCase
	for range g.r.IntN(4) {
		c.Identity = append(c.Identity, g.policy(false))
	}
	for i := range g.pick("0", "0", "1", "2", "3")[0] - '0' {
		lv := genLevel{Name: []string{"root", "ou-prod", "acct-1"}[i]}
		for range g.r.IntN(3) {
			lv.Policies = append(lv.Policies, g.policy(true))
		}
		c.Levels = append(c.Levels, lv)
	}
	for range 8 {
		c.Requests = append(c.Requests, genRequest{Action: g.requestAction(), Resource: g.requestResource(), Context: g.context()})
	}
	return c
}

// ---------------------------------------------------------------------------------------
// Comparison and shrinking.

// diff evaluates request ri of a case both ways and describes the first difference, ""
// when they agree. res is reused as the data source reuses it.
func diffCase(t testing.TB, c *genCase, ri int, e *PolicySet, res *Result) string {
	identity, levels := c.policies(t)
	if e == nil {
		var err error
		if e, err = Compile(identity, levels); err != nil {
			return "Compile: " + err.Error()
		}
	}
	rq := c.Requests[ri]
	return compareOne(e, identity, levels, rq.Action, rq.Resource, rq.Context, res)
}

func compareOne(e *PolicySet, identity []testPolicy, levels []testLevel, action, resource string, ctx map[string][]string, res *Result) string {
	if res == nil {
		res = &Result{}
	}
	e.Evaluate(&Request{Action: action, Resource: resource, Context: NewContext(ctx)}, res)
	want := naiveEvaluate(identity, levels, action, resource, ctx)
	var d []string
	if res.Decision != want.Decision || res.DecidedBy.String() != want.DecidedBy {
		d = append(d, fmt.Sprintf("decision: evaluator %s by %q, naive %s by %q", res.Decision, res.DecidedBy, want.Decision, want.DecidedBy))
	}
	if !slices.Equal(res.Matched, want.Matched) {
		d = append(d, fmt.Sprintf("matched statements:\n    evaluator %+v\n    naive     %+v", res.Matched, want.Matched))
	}
	if !slices.Equal(res.MissingKeys, want.Missing) && (len(res.MissingKeys) > 0 || len(want.Missing) > 0) {
		d = append(d, fmt.Sprintf("missing keys: evaluator %q, naive %q", res.MissingKeys, want.Missing))
	}
	return strings.Join(d, "\n  ")
}

// apis are the APIs of the catalog, each looked up by a concrete path.
var apis = func() []catalog.APIPermission {
	var out []catalog.APIPermission
	seen := map[string]bool{}
	for _, row := range catalog.APIRows() {
		for _, a := range row.APIs {
			path := regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(a.Path, "x1")
			p, ok := catalog.LookupAPI(a.Method, path)
			if ok && !seen[p.Method+" "+p.PathTemplate] {
				seen[p.Method+" "+p.PathTemplate] = true
				out = append(out, p)
			}
		}
	}
	return out
}()

func compareAPI(e *PolicySet, identity []testPolicy, levels []testLevel, api catalog.APIPermission, resource string, ctx map[string][]string) string {
	res, actions := e.evaluateAPI(api, resource, NewContext(ctx))
	want, wantEach := naiveEvaluateAPI(identity, levels, api, resource, ctx)
	var each []string
	for _, a := range actions {
		each = append(each, fmt.Sprintf("%s required=%v %s", a.Action, a.Required, a.Result.Decision))
	}
	var d []string
	if res.Decision != want.Decision || res.DecidedBy.String() != want.DecidedBy {
		d = append(d, fmt.Sprintf("API decision: evaluator %s by %q, naive %s by %q", res.Decision, res.DecidedBy, want.Decision, want.DecidedBy))
	}
	if !slices.Equal(each, wantEach) {
		d = append(d, fmt.Sprintf("evaluated actions:\n    evaluator %q\n    naive     %q", each, wantEach))
	}
	if !slices.Equal(res.Matched, want.Matched) {
		d = append(d, fmt.Sprintf("API matched statements:\n    evaluator %+v\n    naive     %+v", res.Matched, want.Matched))
	}
	if !slices.Equal(res.MissingKeys, want.Missing) && (len(res.MissingKeys) > 0 || len(want.Missing) > 0) {
		d = append(d, fmt.Sprintf("API missing keys: evaluator %q, naive %q", res.MissingKeys, want.Missing))
	}
	return strings.Join(d, "\n  ")
}

// shrink removes levels, policies, statements, patterns, conditions and context keys as
// long as request ri still shows a difference, and returns the smallest case found.
func shrink(t testing.TB, c genCase, ri int) genCase {
	c.Requests = []genRequest{c.Requests[ri]}
	fails := func(x *genCase) bool { return diffCase(t, x, 0, nil, nil) != "" }
	for changed := true; changed; {
		changed = false
		for _, cand := range reductions(c) {
			if fails(&cand) {
				c, changed = cand, true
				break
			}
		}
	}
	return c
}

func without[T any](xs []T, i int) []T { return append(slices.Clone(xs[:i]), xs[i+1:]...) }

// reductions lists every case one step smaller than c.
func reductions(c genCase) []genCase {
	var out []genCase
	clone := func() genCase {
		d := c
		d.Identity = slices.Clone(c.Identity)
		d.Levels = slices.Clone(c.Levels)
		d.Requests = slices.Clone(c.Requests)
		return d
	}
	// Statement-level reductions, applied to a policy in place.
	stmts := func(p []genStatement, set func([]genStatement)) {
		for si := range p {
			set(without(p, si))
			s := p[si]
			try := func(ns genStatement) {
				q := slices.Clone(p)
				q[si] = ns
				set(q)
			}
			for i := range s.Conds {
				ns := s
				ns.Conds = without(s.Conds, i)
				try(ns)
				for j := range s.Conds[i].Values {
					if len(s.Conds[i].Values) > 1 {
						ns := s
						ns.Conds = slices.Clone(s.Conds)
						ns.Conds[i].Values = without(s.Conds[i].Values, j)
						try(ns)
					}
				}
			}
			for _, f := range []*[]string{&s.Action, &s.NotAction, &s.Resource, &s.NotResource} {
				for i := range *f {
					if len(*f) > 1 {
						ns := s
						nf := without(*f, i)
						switch f {
						case &s.Action:
							ns.Action = nf
						case &s.NotAction:
							ns.NotAction = nf
						case &s.Resource:
							ns.Resource = nf
						default:
							ns.NotResource = nf
						}
						try(ns)
					}
				}
			}
			if s.HasResource || s.HasNotResource {
				ns := s
				ns.HasResource, ns.HasNotResource, ns.Resource, ns.NotResource = false, false, nil, nil
				try(ns)
			}
			if s.Sid != "" {
				ns := s
				ns.Sid = ""
				try(ns)
			}
		}
	}
	for li := range c.Levels {
		d := clone()
		d.Levels = without(c.Levels, li)
		out = append(out, d)
	}
	for pi := range c.Identity {
		d := clone()
		d.Identity = without(c.Identity, pi)
		out = append(out, d)
		stmts(c.Identity[pi], func(p []genStatement) {
			d := clone()
			d.Identity[pi] = p
			out = append(out, d)
		})
	}
	for li, lv := range c.Levels {
		for pi := range lv.Policies {
			d := clone()
			d.Levels[li].Policies = without(lv.Policies, pi)
			out = append(out, d)
			stmts(lv.Policies[pi], func(p []genStatement) {
				d := clone()
				nl := genLevel{Name: lv.Name, Policies: slices.Clone(lv.Policies)}
				nl.Policies[pi] = p
				d.Levels[li] = nl
				out = append(out, d)
			})
		}
	}
	rq := c.Requests[0]
	for k, vs := range rq.Context {
		d := clone()
		nc := map[string][]string{}
		for k2, v2 := range rq.Context {
			if k2 != k {
				nc[k2] = v2
			}
		}
		d.Requests[0].Context = nc
		out = append(out, d)
		for i := range vs {
			if len(vs) > 1 {
				d := clone()
				nc := map[string][]string{}
				for k2, v2 := range rq.Context {
					nc[k2] = v2
				}
				nc[k] = without(vs, i)
				d.Requests[0].Context = nc
				out = append(out, d)
			}
		}
	}
	return out
}

// describe prints a case for a failure message.
func (c *genCase) describe() string {
	var b strings.Builder
	for i, p := range c.Identity {
		fmt.Fprintf(&b, "  identity[%d]: %s\n", i, policyJSON(p))
	}
	for _, lv := range c.Levels {
		fmt.Fprintf(&b, "  scp level %q:\n", lv.Name)
		for i, p := range lv.Policies {
			fmt.Fprintf(&b, "    scp[%s][%d]: %s\n", lv.Name, i, policyJSON(p))
		}
		if len(lv.Policies) == 0 {
			b.WriteString("    (no SCPs)\n")
		}
	}
	for _, rq := range c.Requests {
		ctx, _ := json.Marshal(rq.Context)
		fmt.Fprintf(&b, "  request: action %q on %q, context %s\n", rq.Action, rq.Resource, ctx)
	}
	return b.String()
}

// TestDifferential compares the evaluator with the naive one on generated policy sets:
// decision, decided_by, matched statements and missing context keys must agree.
func TestDifferential(t *testing.T) {
	sets := *diffSets
	if testing.Short() {
		sets /= 10
	}
	g := newGen(*diffSeed)
	start := time.Now()
	cases, apiCases, failures := 0, 0, 0
	decisions := map[string]int{}
	var res Result
	for n := range sets {
		c := g.genCase()
		identity, levels := c.policies(t)
		e, err := Compile(identity, levels)
		if err != nil {
			t.Fatalf("set %d: Compile: %v\n%s", n, err, c.describe())
		}
		for ri, rq := range c.Requests {
			cases++
			d := compareOne(e, identity, levels, rq.Action, rq.Resource, rq.Context, &res)
			decisions[res.Decision.String()+" by "+strings.SplitN(res.DecidedBy.String(), ":", 2)[0]]++
			if d == "" {
				continue
			}
			failures++
			small := shrink(t, c, ri)
			t.Errorf("the evaluator and the naive evaluator differ (seed %d, set %d, request %d); smallest case:\n%s  %s",
				*diffSeed, n, ri, small.describe(), diffCase(t, &small, 0, nil, nil))
			if failures >= 5 {
				t.Fatalf("stopping after %d differences", failures)
			}
		}
		// Two API requests per set, with the first two requests' resources and contexts.
		for ri := range 2 {
			api := apis[g.r.IntN(len(apis))]
			rq := c.Requests[ri]
			apiCases++
			if d := compareAPI(e, identity, levels, api, rq.Resource, rq.Context); d != "" {
				failures++
				t.Errorf("EvaluateAPI and the naive evaluator differ (seed %d, set %d) on %s %s, resource %q, context %q:\n%s  %s",
					*diffSeed, n, api.Method, api.PathTemplate, rq.Resource, rq.Context, c.describe(), d)
				if failures >= 5 {
					t.Fatalf("stopping after %d differences", failures)
				}
			}
		}
	}
	t.Logf("%d requests and %d API requests (%d policy sets) in %v; outcomes %v", cases, apiCases, sets, time.Since(start).Round(time.Millisecond), decisions)
	// The generator must reach every outcome often, or the comparison proves little.
	for _, o := range []string{"allow by identity", "explicit_deny by identity", "implicit_deny by identity", "explicit_deny by scp", "implicit_deny by scp"} {
		if decisions[o] < cases/100 {
			t.Errorf("outcome %q in only %d of %d cases: the generator needs tuning", o, decisions[o], cases)
		}
	}
}

// TestNaiveEvaluator pins the naive evaluator to the hand-written cases of issue 4, so that
// agreeing with it means something.
func TestNaiveEvaluator(t *testing.T) {
	cond := func(op, key string, ctx map[string][]string, values ...string) bool {
		q, base, ifx := naiveSplitOperator(op)
		o, ok := naiveOpTable[base]
		if !ok {
			t.Fatalf("operator %s", op)
		}
		rv, present := naiveLookup(ctx, key)
		return naiveConditionHolds(&o, key, q, ifx, values, rv, present)
	}
	// The transcription covers every operator of the condition table, with its type and
	// negation (the comparisons themselves are the naive evaluator's own).
	for _, op := range condition.Operators() {
		n, ok := naiveOpTable[op.Name]
		switch {
		case !ok:
			t.Errorf("the naive evaluator does not know %s", op.Name)
		case op.Name != condition.Null && (n.typ != string(op.Type) || n.negated != op.Negated):
			t.Errorf("%s: naive type %s negated %v, table %s %v", op.Name, n.typ, n.negated, op.Type, op.Negated)
		}
	}
	if len(naiveOpTable) != len(condition.Operators()) {
		t.Errorf("the naive evaluator knows %d operators, the table %d", len(naiveOpTable), len(condition.Operators()))
	}
	region := map[string][]string{"IMS:REGION": {"cn-north-4"}}
	vols := map[string][]string{"ims:VolumeId": {"v1", "v2"}}
	checks := []struct {
		name string
		got  bool
		want bool
	}{
		{"StringEquals", cond("StringEquals", "ims:Region", region, "cn-north-4"), true},
		{"case-sensitive", cond("StringEquals", "ims:Region", region, "CN-NORTH-4"), false},
		{"IgnoreCase", cond("StringEqualsIgnoreCase", "ims:Region", region, "CN-NORTH-4"), true},
		{"absent positive", cond("StringEquals", "ims:Region", nil, "cn-north-4"), false},
		{"absent negated", cond("StringNotEquals", "ims:Region", nil, "cn-north-4"), true},
		{"absent IfExists", cond("StringEqualsIfExists", "ims:Region", nil, "cn-north-4"), true},
		{"absent ForAllValues", cond("ForAllValues:StringEquals", "ims:VolumeId", nil, "v1"), true},
		{"absent ForAllValues negated", cond("ForAllValues:StringNotEquals", "ims:VolumeId", nil, "v1"), true},
		{"absent ForAnyValue negated", cond("ForAnyValue:StringNotEquals", "ims:VolumeId", nil, "v1"), false},
		{"empty ForAllValues", cond("ForAllValues:StringEquals", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "v1"), true},
		{"empty ForAnyValue", cond("ForAnyValue:StringEquals", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "v1"), false},
		{"empty is present: IfExists", cond("StringEqualsIfExists", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "v1"), false},
		{"empty is present: Null", cond("Null", "ims:VolumeId", map[string][]string{"ims:VolumeId": {}}, "true"), false},
		{"NaN is no number", cond("NumberNotEquals", "ecs:DiskSize", map[string][]string{"ecs:DiskSize": {"NaN"}}, "1"), false},
		{"exponent is no number", cond("NumberEquals", "ecs:DiskSize", map[string][]string{"ecs:DiskSize": {"10"}}, "1e1"), false},
		{"signed decimal", cond("NumberEquals", "ecs:DiskSize", map[string][]string{"ecs:DiskSize": {"+10.0"}}, "010"), true},
		{"mapped IPv6 is IPv4", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"::ffff:10.1.2.3"}}, "10.0.0.0/8"), true},
		{"mapped CIDR is IPv4", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"10.1.2.3"}}, "::ffff:10.0.0.0/104"), true},
		{"request CIDR is no address", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"10.1.2.3/32"}}, "10.0.0.0/8"), false},
		{"zoned address is no address", cond("NotIpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"fe80::1%eth0"}}, "10.0.0.0/8"), false},
		{"catalog type: a string key is no number", cond("NumberEquals", "g:ResourceTag/size", map[string][]string{"g:ResourceTag/size": {"10"}}, "10"), false},
		{"catalog type: a boolean key is no string", cond("StringEquals", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"true"}}, "true"), false},
		{"unknown key: each operator's type", cond("NumberEquals", "ecs:Mixed", map[string][]string{"ecs:Mixed": {"10"}}, "10.0"), true},
		{"IgnoreCase folds values by Unicode", cond("StringEqualsIgnoreCase", "ecs:Mixed", map[string][]string{"ecs:Mixed": {"ſ"}}, "S"), true},
		{"booleans fold ASCII case only", cond("Bool", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"falſe"}}, "false"), false},
		{"ForAnyValue", cond("ForAnyValue:StringEquals", "ims:VolumeId", vols, "v2"), true},
		{"ForAllValues some", cond("ForAllValues:StringEquals", "ims:VolumeId", vols, "v2"), false},
		{"ForAllValues all", cond("ForAllValues:StringEquals", "ims:VolumeId", vols, "v2", "v1"), true},
		{"ForAnyValue negated", cond("ForAnyValue:StringNotEquals", "ims:VolumeId", vols, "v1"), true},
		{"ForAllValues negated", cond("ForAllValues:StringNotEquals", "ims:VolumeId", vols, "v1"), false},
		{"Null true absent", cond("Null", "g:SourceVpce", nil, "true"), true},
		{"Null true present", cond("Null", "g:SourceVpce", map[string][]string{"g:SourceVpce": {"x"}}, "true"), false},
		{"Null false present", cond("Null", "g:SourceVpce", map[string][]string{"g:SourceVpce": {"x"}}, "false"), true},
		{"StringMatch", cond("StringMatch", "ims:Region", region, "cn-?orth-*"), true},
		{"IpAddress", cond("IpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"192.0.2.7"}}, "192.0.2.0/24"), true},
		{"NotIpAddress", cond("NotIpAddress", "g:SourceIp", map[string][]string{"g:SourceIp": {"192.0.2.7"}}, "192.0.2.0/24"), false},
		{"Bool", cond("Bool", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"TRUE"}}, "true"), true},
		{"Bool broken policy value", cond("Bool", "ims:Encrypted", map[string][]string{"ims:Encrypted": {"true"}}, "true", "yes"), false},
		{"wildcard ?", naiveWildcard("ims:images:ge?", "IMS:IMAGES:GET", true), true},
		{"wildcard ? is one character", naiveWildcard("ims:images:ge?", "ims:images:getJob", true), false},
		{"wildcard case", naiveWildcard("ims:*:acct:image:a", "ims:x:ACCT:image:a", false), false},
		{"wildcard long s", naiveWildcard("ims:*", "imſ:images:get", true), false},
		{"wildcard stars", naiveWildcard("a*b*c", "aXbYc", false), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}

	allow := func(actions ...string) []genStatement {
		return []genStatement{{Effect: "Allow", Action: actions}}
	}
	deny := func(actions ...string) genStatement { return genStatement{Effect: "Deny", Action: actions} }
	decisions := []struct {
		name   string
		c      genCase
		action string
		want   Decision
		by     string
	}{
		{"alias grants", genCase{Identity: [][]genStatement{allow("ims:images:update")}}, "ims:images:deleteImage", Allow, "identity"},
		{"alias denies", genCase{Identity: [][]genStatement{append(allow("*"), deny("ims:images:share"))}}, "ims:images:addMember", ExplicitDeny, "identity"},
		{"no SCP allows", genCase{Identity: [][]genStatement{allow("*")}, Levels: []genLevel{{Name: "root", Policies: [][]genStatement{allow("*")}}, {Name: "ou"}}}, "ims:images:get", ImplicitDeny, "scp:ou"},
		{"explicit before implicit", genCase{Levels: []genLevel{{Name: "root", Policies: [][]genStatement{{deny("*")}}}}}, "ims:images:get", ExplicitDeny, "scp:root"},
	}
	for _, d := range decisions {
		identity, levels := d.c.policies(t)
		got := naiveEvaluate(identity, levels, d.action, "*", nil)
		if got.Decision != d.want || got.DecidedBy != d.by {
			t.Errorf("%s: got %s by %s, want %s by %s", d.name, got.Decision, got.DecidedBy, d.want, d.by)
		}
	}
}

// TestDifferentialFindings keeps the smallest cases the differential test found, with the
// decision issue 4's rules give them.
func TestDifferentialFindings(t *testing.T) {
	cases := []struct {
		name string
		c    genCase
		want Decision
	}{
		{
			// A Null value that is not a boolean never matches (like every other policy
			// value that does not parse as its operator's type); it used to be read as
			// "false", so the Deny applied whenever the key was present.
			name: "Null with a value that is not a boolean",
			c: genCase{
				Identity: [][]genStatement{{{Effect: "Allow", Action: []string{"*"}}}},
				Levels: []genLevel{{Name: "root", Policies: [][]genStatement{{
					{Effect: "Allow", Action: []string{"*"}},
					{Effect: "Deny", Action: []string{"ims:i?ages?co?y"}, Conds: []genCond{{Op: "NullIfExists", Key: "g:soURceVpce", Values: []string{"maybe"}}}},
				}}}},
				Requests: []genRequest{{Action: "ims:images:copyInRegion", Resource: imageA, Context: map[string][]string{"g:SourceVpce": {"vpce-2"}}}},
			},
			want: Allow,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if d := diffCase(t, &c.c, 0, nil, nil); d != "" {
				t.Fatalf("%s\n  %s", c.c.describe(), d)
			}
			identity, levels := c.c.policies(t)
			rq := c.c.Requests[0]
			if got := naiveEvaluate(identity, levels, rq.Action, rq.Resource, rq.Context); got.Decision != c.want {
				t.Fatalf("decision %s, want %s", got.Decision, c.want)
			}
		})
	}
}

package evaluator

// The naive evaluator of the differential test (differential_test.go): transcribed from
// the rules of issue 4 ("Evaluation semantics") without indexing or precompilation, and
// sharing no matching or comparison code with the evaluator.

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
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

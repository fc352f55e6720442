package analysis

// Value regions of a condition key: values such that every value of the key's universe
// meets exactly the same predicates (request value against one policy value, under one
// condition's operator) as one of them. The conditions' outcomes depend on a key only
// through its presence and the predicates its values meet (this is the one assumption on
// the evaluator's aggregation: ForAnyValue:, ForAllValues:, IfExists, negation and Null
// are functions of those), so these regions, absent and present-empty are complete.
//
// Each region's predicate bits are computed by the condition package's own Compare; the
// representatives below are where completeness is argued:
//
//   - strings: the product automaton of lang.go over the predicates' languages;
//   - numbers (float64) and dates (instants): every comparison with a policy value p is
//     constant on each of (-inf, p1), {p1}, (p1, p2), ..., {pn}, (pn, +inf) for the sorted
//     distinct policy values, so one point of each non-empty interval suffices;
//   - IP addresses: membership in each CIDR is constant between consecutive boundaries
//     (a CIDR's first address and the one past its last), so the start of each interval of
//     each family suffices; the IPv4-mapped block ::ffff:0:0/96 is bounded too, so that it
//     is its own interval whether the evaluator reads it as IPv4 or IPv6;
//   - booleans: true and false.

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
)

// buildRegions fills k.regions; it returns a bound when it cannot do so exactly or within
// the budget.
func (m *model) buildRegions(k *keyInfo, budget *meter) *boundError {
	if r := m.regionsOf(k, budget); r != "" {
		return &boundError{r}
	}
	return nil
}

// regionsOf is buildRegions, with the reason it cannot.
func (m *model) regionsOf(k *keyInfo, budget *meter) string {
	var reps []string
	var policyValues []condition.Value // parsed policy values, by predicate (ok says if parsed)
	var parsed []bool
	// Predicates in order: each condition's values.
	type predicate struct {
		op    *condition.Operator
		value string
	}
	var preds []predicate
	for i := range m.conds {
		c := &m.conds[i]
		if c.key != k || c.pred < 0 {
			continue
		}
		for _, v := range c.values {
			preds = append(preds, predicate{c.op, v})
		}
	}
	for _, p := range preds {
		pv, err := condition.Parse(p.op.Type, p.value)
		policyValues = append(policyValues, pv)
		parsed = append(parsed, err == nil)
	}
	var err string
	switch k.typ {
	case catalog.String:
		var pats []pattern
		var seeds []string
		for _, p := range preds {
			pat, ok := stringPattern(p.op.Name, p.value)
			if !ok {
				return fmt.Sprintf("condition operator %s has no string language in the analysis", p.op.Name)
			}
			pats = append(pats, pat)
			seeds = append(seeds, seedOf(p.op.Name, p.value))
		}
		a := newAutomaton(anyString{}, dedupPatterns(pats))
		var ok bool
		if reps, ok = a.representatives(seeds, budget); !ok {
			return budget.over("the automaton of the values of condition key " + k.spelling).reason
		}
	case catalog.Numeric:
		reps, err = numberReps(policyValues, parsed)
	case catalog.Date:
		reps, err = dateReps(policyValues, parsed)
	case catalog.IPAddress:
		reps = ipReps(policyValues, parsed)
	case catalog.Boolean:
		reps = []string{"true", "false"}
	default:
		return fmt.Sprintf("condition key %s has type %s, which the analysis does not know", k.spelling, k.typ)
	}
	if err != "" {
		return fmt.Sprintf("condition key %s: %s", k.spelling, err)
	}
	k.regions = k.regions[:0]
	for _, r := range reps {
		rv, perr := condition.Parse(k.typ, r)
		if perr != nil {
			return fmt.Sprintf("condition key %s: representative %q does not read as %s", k.spelling, r, k.typ)
		}
		bits := make([]bool, len(preds))
		for i, p := range preds {
			bits[i] = parsed[i] && p.op.Compare(&rv, &policyValues[i])
		}
		k.regions = append(k.regions, region{value: r, bits: bits})
	}
	return ""
}

func stringPattern(op, v string) (pattern, bool) {
	switch op {
	case "StringEquals", "StringNotEquals":
		return literalPattern(v, caseExact), true
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return literalPattern(v, caseText), true
	case "StringMatch", "StringNotMatch":
		return globPattern(v, caseExact), true
	case "StringStartWith", "StringNotStartWith":
		return prefixPattern(v), true
	case "StringEndWith", "StringNotEndWith":
		return suffixPattern(v), true
	}
	return nil, false
}

// seedOf is a readable value meeting the predicate: the policy value itself, or a
// StringMatch pattern with `*` as nothing and `?` as "x".
func seedOf(op, v string) string {
	if op != "StringMatch" && op != "StringNotMatch" {
		return v
	}
	b := []rune{}
	for _, r := range v {
		switch r {
		case '*':
		case '?':
			b = append(b, 'x')
		default:
			b = append(b, r)
		}
	}
	return string(b)
}

func dedupPatterns(ps []pattern) []pattern {
	var out []pattern
	for _, p := range ps {
		if !slices.ContainsFunc(out, func(q pattern) bool { return slices.Equal(p, q) }) {
			out = append(out, p)
		}
	}
	return out
}

func numberReps(vals []condition.Value, parsed []bool) ([]string, string) {
	var ps []float64
	for i, v := range vals {
		if parsed[i] && !math.IsNaN(v.Number) && !math.IsInf(v.Number, 0) {
			ps = append(ps, v.Number)
		}
	}
	slices.Sort(ps)
	ps = slices.Compact(ps)
	if len(ps) == 0 {
		return []string{"0"}, ""
	}
	format := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	var out []string
	// Below the least: the integer before it, or the float before it.
	lo := math.Ceil(ps[0]) - 1
	if !(lo < ps[0]) || math.IsInf(lo, 0) {
		lo = math.Nextafter(ps[0], math.Inf(-1))
	}
	if lo < ps[0] && !math.IsInf(lo, 0) {
		out = append(out, format(lo))
	}
	for i, p := range ps {
		out = append(out, format(p))
		var hi float64
		if i+1 < len(ps) {
			hi = ps[i+1]
		} else {
			hi = math.Floor(p) + 1
			if !(hi > p) || math.IsInf(hi, 0) {
				hi = math.Nextafter(p, math.Inf(1))
			}
			if math.IsInf(hi, 0) || hi == p {
				continue
			}
			out = append(out, format(hi))
			continue
		}
		// A point strictly inside (p, hi): the next integer when there is one, else the
		// midpoint; none when p and hi are adjacent floats.
		mid := math.Floor(p) + 1
		if !(p < mid && mid < hi) {
			mid = p/2 + hi/2
		}
		if !(p < mid && mid < hi) {
			mid = math.Nextafter(p, hi)
		}
		if p < mid && mid < hi {
			out = append(out, format(mid))
		}
	}
	// Formatting is exact (shortest round-trip digits), but check.
	for _, s := range out {
		if f, err := strconv.ParseFloat(s, 64); err != nil || math.IsInf(f, 0) {
			return nil, fmt.Sprintf("number %q does not round-trip", s)
		}
	}
	return out, ""
}

func dateReps(vals []condition.Value, parsed []bool) ([]string, string) {
	var ts []time.Time
	for i, v := range vals {
		if parsed[i] {
			ts = append(ts, v.Time)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	ts = slices.CompactFunc(ts, func(a, b time.Time) bool { return a.Equal(b) })
	format := func(t time.Time) (string, bool) {
		s := t.UTC().Format(time.RFC3339Nano)
		back, err := time.Parse(time.RFC3339Nano, s)
		return s, err == nil && back.Equal(t)
	}
	if len(ts) == 0 {
		return []string{"2026-01-01T00:00:00Z"}, ""
	}
	var out []string
	addBetween := func(lo, hi time.Time, failure string) string {
		for _, c := range []time.Time{lo.Add(hi.Sub(lo) / 2).Truncate(time.Second), lo.Add(hi.Sub(lo) / 2)} {
			if c.After(lo) && c.Before(hi) {
				if s, ok := format(c); ok {
					out = append(out, s)
					return ""
				}
			}
		}
		if hi.Sub(lo) > time.Nanosecond {
			return failure
		}
		return ""
	}
	if s := addBetween(ts[0].Add(-48*time.Hour), ts[0], ""); s != "" {
		return nil, s
	}
	if len(out) == 0 {
		// ts[0] is at the start of what RFC 3339 can write: nothing before it reads.
		if s, ok := format(ts[0].Add(-time.Second)); ok {
			out = append(out, s)
		}
	}
	for i, t := range ts {
		s, ok := format(t)
		if !ok {
			return nil, fmt.Sprintf("date %v cannot be written in RFC 3339", t)
		}
		out = append(out, s)
		if i+1 < len(ts) {
			if r := addBetween(t, ts[i+1], fmt.Sprintf("no date written in RFC 3339 lies between %v and %v", t, ts[i+1])); r != "" {
				return nil, r
			}
		}
	}
	last := ts[len(ts)-1]
	if s, ok := format(last.Add(24 * time.Hour)); ok {
		out = append(out, s)
	} else if s, ok := format(last.Add(time.Nanosecond)); ok {
		out = append(out, s)
	}
	return out, ""
}

var (
	mappedStart = netip.MustParseAddr("::ffff:0.0.0.0")
	mappedEnd   = netip.MustParseAddr("::1:0:0:0") // the address past ::ffff:255.255.255.255
)

func ipReps(vals []condition.Value, parsed []bool) []string {
	bounds := map[netip.Addr]bool{
		netip.IPv4Unspecified(): true, netip.IPv6Unspecified(): true,
		mappedStart: true, mappedEnd: true,
	}
	for i, v := range vals {
		if !parsed[i] || !v.Prefix.IsValid() {
			continue
		}
		p := v.Prefix.Masked()
		bounds[p.Addr()] = true
		if next := lastAddr(p).Next(); next.IsValid() {
			bounds[next] = true
		}
	}
	var addrs []netip.Addr
	for a := range bounds {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, func(a, b netip.Addr) int { return a.Compare(b) })
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr()
	b := a.AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	out, _ := netip.AddrFromSlice(b)
	if a.Is4() {
		return out.Unmap()
	}
	return out
}

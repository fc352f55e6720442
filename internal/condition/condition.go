// Package condition is the table of condition operators of Huawei Cloud policies: the
// value type each compares, whether it is negated, and how it compares one request value
// with one policy value. The checker reads the table to find operators that cannot fit a
// key; the evaluator uses it to decide conditions. It does not import Terraform.
package condition

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Operator describes a base operator (without ForAnyValue:/ForAllValues: and IfExists).
type Operator struct {
	Name string
	// Type is the value type the operator compares: request and policy values must parse
	// as it. Null's values are booleans ("true": the key is absent).
	Type catalog.ValueType
	// Negated operators are the negation of a positive one (StringNotEquals of
	// StringEquals): they hold when no policy value matches, and on an absent key.
	Negated bool
	// Inferred is true for operators the reference notes mark as inferred.
	Inferred bool
	// compare reports whether a request value matches a policy value, both parsed.
	compare func(request, policy *Value) bool
	// Matches says, in Markdown, when a request value matches a policy value (for a
	// negated operator, the positive operator's rule): the one statement of the rule, which
	// the testing guide's table of operators is generated from.
	Matches string
}

// The rules of Matches. StringEqualsIgnoreCase's is Go's strings.EqualFold (stringEqFold).
const (
	matchesExactly    = "the same characters, case-sensitive"
	matchesIgnoreCase = "the same characters under Unicode **simple case folding**, one character for one: " +
		"`a` is `A`, `ſ` (long s) is `s`, `\u212a` (Kelvin sign) is `k`, `Σ`, `σ` and `ς` are one; " +
		"but `ß` is not `SS` and `ﬁ` is not `fi` (full case folding, which changes the length, is not applied), " +
		"and `İ` (dotted capital I) is not `i` (no language's special rules)"
	matchesPattern = "the policy value is a pattern of the whole request value: `*` any run of characters, `?` one character; case-sensitive"
	matchesPrefix  = "the request value starts with the policy value, case-sensitive"
	matchesSuffix  = "the request value ends with the policy value, case-sensitive"
	matchesBool    = "the same boolean"
	matchesIP      = "the request's address is the policy's address or lies in its CIDR"
)

func matchesNumber(rel string) string { return "the request's number is " + rel + " the policy's" }
func matchesDate(rel string) string   { return "the request's instant is " + rel + " the policy's" }

// Null is the operator that tests whether a key is present.
const Null = "Null"

var operators = []Operator{
	{Name: "StringEquals", Type: catalog.String, compare: stringEq, Matches: matchesExactly},
	{Name: "StringNotEquals", Type: catalog.String, Negated: true, compare: stringEq, Matches: matchesExactly},
	{Name: "StringEqualsIgnoreCase", Type: catalog.String, compare: stringEqFold, Matches: matchesIgnoreCase},
	{Name: "StringNotEqualsIgnoreCase", Type: catalog.String, Negated: true, compare: stringEqFold, Matches: matchesIgnoreCase},
	{Name: "StringMatch", Type: catalog.String, compare: stringMatch, Matches: matchesPattern},
	{Name: "StringNotMatch", Type: catalog.String, Negated: true, compare: stringMatch, Matches: matchesPattern},
	{Name: "StringStartWith", Type: catalog.String, compare: stringPrefix, Matches: matchesPrefix},
	{Name: "StringNotStartWith", Type: catalog.String, Negated: true, Inferred: true, compare: stringPrefix, Matches: matchesPrefix},
	{Name: "StringEndWith", Type: catalog.String, compare: stringSuffix, Matches: matchesSuffix},
	{Name: "StringNotEndWith", Type: catalog.String, Negated: true, Inferred: true, compare: stringSuffix, Matches: matchesSuffix},
	{Name: "NumberEquals", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c == 0 }), Matches: matchesNumber("equal to")},
	{Name: "NumberNotEquals", Type: catalog.Numeric, Negated: true, compare: numberCmp(func(c int) bool { return c == 0 }), Matches: matchesNumber("equal to")},
	{Name: "NumberLessThan", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c < 0 }), Matches: matchesNumber("less than")},
	{Name: "NumberLessThanEquals", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c <= 0 }), Matches: matchesNumber("at most")},
	{Name: "NumberGreaterThan", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c > 0 }), Matches: matchesNumber("greater than")},
	{Name: "NumberGreaterThanEquals", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c >= 0 }), Matches: matchesNumber("at least")},
	{Name: "DateLessThan", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c < 0 }), Matches: matchesDate("before")},
	{Name: "DateLessThanEquals", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c <= 0 }), Matches: matchesDate("at or before")},
	{Name: "DateGreaterThan", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c > 0 }), Matches: matchesDate("after")},
	{Name: "DateGreaterThanEquals", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c >= 0 }), Matches: matchesDate("at or after")},
	{Name: "Bool", Type: catalog.Boolean, compare: func(r, p *Value) bool { return r.Bool == p.Bool }, Matches: matchesBool},
	{Name: "IpAddress", Type: catalog.IPAddress, Inferred: true, compare: ipIn, Matches: matchesIP},
	{Name: "NotIpAddress", Type: catalog.IPAddress, Negated: true, Inferred: true, compare: ipIn, Matches: matchesIP},
	{Name: Null, Type: catalog.Boolean, Matches: "`true`: the request does not give the key; `false`: it does (with values or none)"},
}

var byName = func() map[string]*Operator {
	m := make(map[string]*Operator, len(operators))
	for i := range operators {
		m[operators[i].Name] = &operators[i]
	}
	return m
}()

// Lookup finds a base operator by its exact name (operators are case-sensitive).
func Lookup(name string) (*Operator, bool) {
	op, ok := byName[name]
	return op, ok
}

// Operators returns every base operator, in the table's order.
func Operators() []Operator { return append([]Operator(nil), operators...) }

// Names returns the names of every base operator.
func Names() []string {
	out := make([]string, len(operators))
	for i, op := range operators {
		out[i] = op.Name
	}
	return out
}

// SetQualifier is the ForAnyValue:/ForAllValues: prefix of a condition, as this package
// evaluates it.
type SetQualifier uint8

// The set qualifiers.
const (
	NoSet SetQualifier = iota
	ForAnyValue
	ForAllValues
)

// HoldsWhenAbsent reports whether a condition of the operator (not Null, which tests
// presence) holds on a key the request does not give. A key given with no values is
// present, and empty: this rule is not for it.
//
//   - With IfExists: true.
//   - ForAllValues: true: every one of no values satisfies it. The vendor's JSON element
//     reference (IAM v5 user guide, iam_01_1289) says nothing of absent keys; this is
//     AWS's documented rule: "The ForAllValues set operator also returns true if there are
//     no context keys in the request" (AWS IAM User Guide, "Single-valued vs. multivalued
//     context keys", reference_policies_condition-single-vs-multi-valued-context-keys).
//   - ForAnyValue: false: no value satisfies it, negated operator or not (AWS: false when
//     the key is missing).
//   - Otherwise a positive operator is false and a negated one (StringNotEquals) true
//     (reference notes: "negated operators on a missing key: true, inferred").
func (o *Operator) HoldsWhenAbsent(q SetQualifier, ifExists bool) bool {
	switch {
	case ifExists:
		return true
	case q == ForAllValues:
		return true
	case q == ForAnyValue:
		return false
	}
	return o.Negated
}

// Compare reports whether a request value matches a policy value under the operator,
// ignoring negation. Both values must have been parsed for the operator's type.
func (o *Operator) Compare(request, policy *Value) bool { return o.compare(request, policy) }

// Fits reports whether the operator can ever match a key of the given type: a key whose
// type does not fit the operator never matches. Null fits every key.
func (o *Operator) Fits(key catalog.ValueType) bool { return o.Name == Null || o.Type == key }

// Value is a condition value parsed for one operator type.
type Value struct {
	Str    string
	Number float64
	Time   time.Time
	Bool   bool
	Prefix netip.Prefix // a single address is a /32 or /128 prefix
}

// Parse reads a policy value as the given type; ParseRequest reads a request value. They
// differ for IP addresses only: a policy value may be a CIDR, a request value is one
// address. The readings, each the one rule of this package:
//
//   - Numbers are plain decimals: an optional sign, digits, and an optional fraction of a
//     point and digits ("42", "-3", "+0.5", "007"). Nothing else is a number: no exponent
//     (the vendor documents none, and accepting one would guess at how the vendor
//     reads "1e1"), no spaces, no "NaN" or "Inf", no hex, no digit separators, no ".5" or "5.".
//     A number too large for a float64 is refused. Numbers are compared as float64
//     values: decimals that differ beyond about 15 significant digits compare equal.
//   - Booleans are "true" or "false" in any ASCII case.
//   - Dates are ISO 8601: RFC 3339 (with a zone, fractions of a second allowed), or a
//     date alone (midnight UTC).
//   - IP addresses are IPv4 or IPv6 addresses without a zone; a policy value may also be
//     a CIDR. An IPv4-mapped IPv6 address (::ffff:10.1.2.3) is the IPv4 address, and a
//     mapped CIDR of /96 or longer the IPv4 CIDR, so that a request from ::ffff:10.1.2.3
//     falls in 10.0.0.0/8. An IPv6 CIDR never contains an IPv4 address.
//   - Strings are taken as they are.
func Parse(t catalog.ValueType, s string) (Value, error) { return parse(t, s, true) }

// ParseRequest reads a request value as the given type: as Parse, except that an IP
// address must be one address (a CIDR is refused).
func ParseRequest(t catalog.ValueType, s string) (Value, error) { return parse(t, s, false) }

func parse(t catalog.ValueType, s string, policyValue bool) (Value, error) {
	var v Value
	err := parseInto(&v, t, s, policyValue)
	return v, err
}

// parseInto is parse writing into v, which must be zero, so that reading thousands of
// request values does not copy each Value three times over.
func parseInto(v *Value, t catalog.ValueType, s string, policyValue bool) error {
	switch t {
	case catalog.Numeric:
		f, ok := parseDecimal(s)
		if !ok {
			return &ValueError{Value: s, Type: t, Want: "a plain decimal number such as 42, -3 or 3.5 (no exponent, spaces, NaN or Inf)"}
		}
		v.Number = f
		return nil
	case catalog.Date:
		// Try the one layout the value's length allows first: a failed time.Parse allocates.
		layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700"}
		if len(s) == len("2006-01-02") {
			layouts = []string{"2006-01-02"}
		}
		for _, layout := range layouts {
			if tm, err := time.Parse(layout, s); err == nil {
				v.Time = tm
				return nil
			}
		}
		return &ValueError{Value: s, Type: t, Want: "an ISO 8601 date such as 2026-08-01T00:00:00Z"}
	case catalog.Boolean:
		switch {
		case wildcard.EqualFold(s, "true"):
			v.Bool = true
			return nil
		case wildcard.EqualFold(s, "false"):
			v.Bool = false
			return nil
		}
		return &ValueError{Value: s, Type: t, Want: `"true" or "false"`}
	case catalog.IPAddress:
		if !strings.Contains(s, "/") {
			if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
				a = a.Unmap()
				v.Prefix = netip.PrefixFrom(a, a.BitLen())
				return nil
			}
		} else if p, err := netip.ParsePrefix(s); err == nil && policyValue {
			if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
			}
			v.Prefix = p.Masked()
			return nil
		}
		if !policyValue {
			return &ValueError{Value: s, Type: t, Want: "one IP address such as 192.0.2.7, without a zone (a request comes from one address, not a CIDR)"}
		}
		return &ValueError{Value: s, Type: t, Want: "an IP address or CIDR such as 192.0.2.0/24, without a zone"}
	default:
		v.Str = s
		return nil
	}
}

// ValueError is a value that does not parse as an operator's type.
type ValueError struct {
	Value string
	Type  catalog.ValueType
	Want  string
}

func (e *ValueError) Error() string {
	return strconv.Quote(e.Value) + " is not a valid " + string(e.Type) + " value: write " + e.Want
}

func stringEq(r, p *Value) bool     { return r.Str == p.Str }
func stringEqFold(r, p *Value) bool { return strings.EqualFold(r.Str, p.Str) }
func stringMatch(r, p *Value) bool  { return wildcard.MatchCase(p.Str, r.Str) }
func stringPrefix(r, p *Value) bool { return strings.HasPrefix(r.Str, p.Str) }
func stringSuffix(r, p *Value) bool { return strings.HasSuffix(r.Str, p.Str) }

// parseDecimal reads a plain decimal (see Parse).
func parseDecimal(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if !digits() {
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// numberCmp compares numbers; NaN, which Parse never returns, would compare with nothing.
func numberCmp(ok func(int) bool) func(r, p *Value) bool {
	return func(r, p *Value) bool {
		switch {
		case r.Number != r.Number || p.Number != p.Number:
			return false
		case r.Number < p.Number:
			return ok(-1)
		case r.Number > p.Number:
			return ok(1)
		default:
			return ok(0)
		}
	}
}

func dateCmp(ok func(int) bool) func(r, p *Value) bool {
	return func(r, p *Value) bool { return ok(r.Time.Compare(p.Time)) }
}

// ipIn reports whether the request address lies in the policy's CIDR.
func ipIn(r, p *Value) bool {
	return r.Prefix.IsValid() && p.Prefix.IsValid() && p.Prefix.Contains(r.Prefix.Addr())
}

// Types is a set of value types.
type Types uint8

// Has reports whether t is in the set.
func (ts Types) Has(t ValueTypeBit) bool { return ts&Types(t) != 0 }

// ValueTypeBit is a value type's bit in Types.
type ValueTypeBit uint8

// Bit returns a value type's bit in Types.
func Bit(t catalog.ValueType) ValueTypeBit {
	switch t { // a switch, not a scan of the types: every request value asks
	case catalog.String:
		return 1 << 0
	case catalog.Numeric:
		return 1 << 1
	case catalog.Date:
		return 1 << 2
	case catalog.Boolean:
		return 1 << 3
	case catalog.IPAddress:
		return 1 << 4
	}
	return 0
}

// ReadRequest reads a request value of the condition key: as the key's catalog type when
// the catalog knows the key (the set holds that type; when the value does not parse as
// it, the set is empty and the error says why), else as every type it parses as (see
// ParseAll), so that each operator applied to the key reads it as the operator's own type.
func ReadRequest(key, s string) (Value, Types, error) {
	r := KeyReader(key)
	return r.Read(s)
}

// Reader reads the request values of one condition key (see ReadRequest); make one per
// key to look the key up once for all its values.
type Reader struct {
	key     string // as the request spells it
	typ     catalog.ValueType
	bit     ValueTypeBit // typ's
	catalog bool         // the catalog knows the key
}

// KeyReader returns the reader of the key's request values.
func KeyReader(key string) Reader {
	t, ok := catalog.ConditionKeyType(key)
	return Reader{key: key, typ: t, bit: Bit(t), catalog: ok}
}

// CatalogType is the key's catalog type, and whether the catalog knows the key.
func (r Reader) CatalogType() (catalog.ValueType, bool) { return r.typ, r.catalog }

// Read reads one value, as ReadRequest says.
func (r *Reader) Read(s string) (Value, Types, error) {
	var v Value
	ts, err := r.ReadInto(&v, s)
	return v, ts, err
}

// ReadInto is Read writing the value into v, which must be zero.
func (r *Reader) ReadInto(v *Value, s string) (Types, error) {
	if !r.catalog {
		return parseAllInto(v, s), nil
	}
	if err := parseInto(v, r.typ, s, false); err != nil {
		*v = Value{Str: s}
		k, _ := catalog.LookupConditionKey(r.key) // the catalog's spelling, for the message
		return 0, fmt.Errorf("%s is a %s key: %w", k.Name, r.typ, err)
	}
	v.Str = s
	return Types(r.bit), nil
}

// ParseAll reads s as every value type it can be, for a request value that operators of
// any type may compare: the Value holds each reading, and the set says which succeeded.
func ParseAll(s string) (Value, Types) {
	var v Value
	ts := parseAllInto(&v, s)
	return v, ts
}

// parseAllInto is ParseAll writing into v, which must be zero.
func parseAllInto(v *Value, s string) Types {
	// Each type is tried only when s has what every value of it has: a failed Parse
	// allocates its error. A failed reading leaves v as it was (parseInto writes only on
	// success).
	v.Str = s
	ok := Types(Bit(catalog.String))
	if s != "" && strings.IndexByte("0123456789+-", s[0]) >= 0 && parseInto(v, catalog.Numeric, s, false) == nil { // a plain decimal starts so
		ok |= Types(Bit(catalog.Numeric))
	}
	if len(s) >= len("2006-01-02") && s[4] == '-' && parseInto(v, catalog.Date, s, false) == nil {
		ok |= Types(Bit(catalog.Date))
	}
	if (len(s) == len("true") || len(s) == len("false")) && parseInto(v, catalog.Boolean, s, false) == nil { // ASCII case only: no other lengths
		ok |= Types(Bit(catalog.Boolean))
	}
	if (strings.IndexByte(s, '.') >= 0 || strings.IndexByte(s, ':') >= 0) && parseInto(v, catalog.IPAddress, s, false) == nil {
		ok |= Types(Bit(catalog.IPAddress))
	}
	return ok
}

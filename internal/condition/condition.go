// Package condition is the table of condition operators of Huawei Cloud policies: the
// value type each compares, whether it is negated, and how it compares one request value
// with one policy value. The checker reads the table to find operators that cannot fit a
// key; the evaluator uses it to decide conditions. It does not import Terraform.
package condition

import (
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
}

// Null is the operator that tests whether a key is present.
const Null = "Null"

var operators = []Operator{
	{Name: "StringEquals", Type: catalog.String, compare: stringEq},
	{Name: "StringNotEquals", Type: catalog.String, Negated: true, compare: stringEq},
	{Name: "StringEqualsIgnoreCase", Type: catalog.String, compare: stringEqFold},
	{Name: "StringNotEqualsIgnoreCase", Type: catalog.String, Negated: true, compare: stringEqFold},
	{Name: "StringMatch", Type: catalog.String, compare: stringMatch},
	{Name: "StringNotMatch", Type: catalog.String, Negated: true, compare: stringMatch},
	{Name: "StringStartWith", Type: catalog.String, compare: stringPrefix},
	{Name: "StringNotStartWith", Type: catalog.String, Negated: true, Inferred: true, compare: stringPrefix},
	{Name: "StringEndWith", Type: catalog.String, compare: stringSuffix},
	{Name: "StringNotEndWith", Type: catalog.String, Negated: true, Inferred: true, compare: stringSuffix},
	{Name: "NumberEquals", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c == 0 })},
	{Name: "NumberNotEquals", Type: catalog.Numeric, Negated: true, compare: numberCmp(func(c int) bool { return c == 0 })},
	{Name: "NumberLessThan", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c < 0 })},
	{Name: "NumberLessThanEquals", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c <= 0 })},
	{Name: "NumberGreaterThan", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c > 0 })},
	{Name: "NumberGreaterThanEquals", Type: catalog.Numeric, compare: numberCmp(func(c int) bool { return c >= 0 })},
	{Name: "DateLessThan", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c < 0 })},
	{Name: "DateLessThanEquals", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c <= 0 })},
	{Name: "DateGreaterThan", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c > 0 })},
	{Name: "DateGreaterThanEquals", Type: catalog.Date, compare: dateCmp(func(c int) bool { return c >= 0 })},
	{Name: "Bool", Type: catalog.Boolean, compare: func(r, p *Value) bool { return r.Bool == p.Bool }},
	{Name: "IpAddress", Type: catalog.IPAddress, Inferred: true, compare: ipIn},
	{Name: "NotIpAddress", Type: catalog.IPAddress, Negated: true, Inferred: true, compare: ipIn},
	{Name: Null, Type: catalog.Boolean},
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

// Parse reads a value as the given type. Booleans are "true" or "false" (any case);
// dates are ISO 8601 (RFC 3339, or a date alone); IP values are addresses or CIDRs.
func Parse(t catalog.ValueType, s string) (Value, error) {
	switch t {
	case catalog.Numeric:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return Value{}, &ValueError{Value: s, Type: t, Want: "a number such as 42 or 3.5"}
		}
		return Value{Number: f}, nil
	case catalog.Date:
		// Try the one layout the value's length allows first: a failed time.Parse allocates.
		layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700"}
		if len(s) == len("2006-01-02") {
			layouts = []string{"2006-01-02"}
		}
		for _, layout := range layouts {
			if tm, err := time.Parse(layout, s); err == nil {
				return Value{Time: tm}, nil
			}
		}
		return Value{}, &ValueError{Value: s, Type: t, Want: "an ISO 8601 date such as 2026-08-01T00:00:00Z"}
	case catalog.Boolean:
		switch {
		case strings.EqualFold(s, "true"):
			return Value{Bool: true}, nil
		case strings.EqualFold(s, "false"):
			return Value{Bool: false}, nil
		}
		return Value{}, &ValueError{Value: s, Type: t, Want: `"true" or "false"`}
	case catalog.IPAddress:
		if !strings.Contains(s, "/") {
			if a, err := netip.ParseAddr(s); err == nil {
				return Value{Prefix: netip.PrefixFrom(a, a.BitLen())}, nil
			}
		} else if p, err := netip.ParsePrefix(s); err == nil {
			return Value{Prefix: p.Masked()}, nil
		}
		return Value{}, &ValueError{Value: s, Type: t, Want: "an IP address or CIDR such as 192.0.2.0/24"}
	default:
		return Value{Str: s}, nil
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

func numberCmp(ok func(int) bool) func(r, p *Value) bool {
	return func(r, p *Value) bool {
		switch {
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
	for i, vt := range valueTypes {
		if vt == t {
			return ValueTypeBit(1 << i)
		}
	}
	return 0
}

var valueTypes = []catalog.ValueType{catalog.String, catalog.Numeric, catalog.Date, catalog.Boolean, catalog.IPAddress}

// ParseAll reads s as every value type it can be, for a request value that operators of
// any type may compare: the Value holds each reading, and the set says which succeeded.
func ParseAll(s string) (Value, Types) {
	// Each type is tried only when s has what every value of it has: a failed Parse
	// allocates its error.
	v, ok := Value{Str: s}, Types(Bit(catalog.String))
	if t := strings.TrimSpace(s); t != "" && strings.IndexByte("0123456789+-.iInN", t[0]) >= 0 && strings.Count(t, ".") <= 1 {
		if pv, err := Parse(catalog.Numeric, s); err == nil {
			v.Number, ok = pv.Number, ok|Types(Bit(catalog.Numeric))
		}
	}
	if len(s) >= len("2006-01-02") && s[4] == '-' {
		if pv, err := Parse(catalog.Date, s); err == nil {
			v.Time, ok = pv.Time, ok|Types(Bit(catalog.Date))
		}
	}
	if len(s) >= len("true") && len(s) <= len("false")+1 { // +1: "falſe" (long s) folds to "false"
		if pv, err := Parse(catalog.Boolean, s); err == nil {
			v.Bool, ok = pv.Bool, ok|Types(Bit(catalog.Boolean))
		}
	}
	if strings.IndexByte(s, '.') >= 0 || strings.IndexByte(s, ':') >= 0 {
		if pv, err := Parse(catalog.IPAddress, s); err == nil {
			v.Prefix, ok = pv.Prefix, ok|Types(Bit(catalog.IPAddress))
		}
	}
	return v, ok
}

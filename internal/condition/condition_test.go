package condition

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

func TestCompare(t *testing.T) {
	cases := []struct {
		op            string
		request, with string
		want          bool
	}{
		{"StringEquals", "cn-north-4", "cn-north-4", true},
		{"StringEquals", "CN-north-4", "cn-north-4", false},
		{"StringEqualsIgnoreCase", "CN-north-4", "cn-north-4", true},
		{"StringMatch", "cn-north-4", "cn-*", true},
		{"StringMatch", "CN-north-4", "cn-*", false},
		{"StringStartWith", "o-1/r-2/ou-3", "o-1/", true},
		{"StringEndWith", "o-1/r-2/ou-3", "ou-3", true},
		{"NumberLessThan", "3", "4", true},
		{"NumberLessThan", "4", "4", false},
		{"NumberLessThanEquals", "4", "4.0", true},
		{"NumberGreaterThan", "10", "9", true},
		{"DateGreaterThan", "2026-11-25T10:00:00Z", "2026-01-01T00:00:00Z", true},
		{"DateLessThan", "2026-11-25T10:00:00+08:00", "2026-11-25T03:00:00Z", true},
		{"Bool", "TRUE", "true", true},
		{"Bool", "false", "true", false},
		{"IpAddress", "192.0.2.10", "192.0.2.0/24", true},
		{"IpAddress", "198.51.100.1", "192.0.2.0/24", false},
		{"IpAddress", "2001:db8::1", "2001:db8::/32", true},
	}
	for _, c := range cases {
		op, ok := Lookup(c.op)
		if !ok {
			t.Fatalf("operator %s not in the table", c.op)
		}
		r, err := Parse(op.Type, c.request)
		if err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
		p, err := Parse(op.Type, c.with)
		if err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
		if got := op.Compare(&r, &p); got != c.want {
			t.Errorf("%s(%q, %q) = %v, want %v", c.op, c.request, c.with, got, c.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, c := range []struct {
		t catalog.ValueType
		v string
	}{
		{catalog.Boolean, "yes"},
		{catalog.Numeric, "ten"},
		{catalog.Date, "25/11/2026"},
		{catalog.IPAddress, "192.0.2.0/33"},
		{catalog.IPAddress, "example.com"},
		{catalog.IPAddress, "fe80::1%eth0"},
		{catalog.Numeric, "NaN"},
		{catalog.Numeric, "-Inf"},
		{catalog.Numeric, "0x1p4"},
		{catalog.Numeric, " 10 "},
		{catalog.Numeric, "1e1"},
		{catalog.Numeric, "1_000"},
		{catalog.Numeric, ".5"},
		{catalog.Numeric, "5."},
		{catalog.Numeric, "1" + strings.Repeat("0", 400)},
		{catalog.Boolean, "falſe"},
	} {
		if _, err := Parse(c.t, c.v); err == nil {
			t.Errorf("Parse(%s, %q) succeeded, want an error", c.t, c.v)
		}
	}
}

func TestFits(t *testing.T) {
	num, _ := Lookup("NumberEquals")
	if num.Fits(catalog.String) {
		t.Error("NumberEquals fits a string key")
	}
	null, _ := Lookup(Null)
	if !null.Fits(catalog.Date) {
		t.Error("Null must fit every key")
	}
	if _, ok := Lookup("stringequals"); ok {
		t.Error("operator names are case-sensitive")
	}
}

func TestParseAll(t *testing.T) {
	v, types := ParseAll("true")
	if !types.Has(Bit(catalog.Boolean)) || !v.Bool || !types.Has(Bit(catalog.String)) || types.Has(Bit(catalog.Numeric)) {
		t.Fatalf("ParseAll(true) = %+v, %b", v, types)
	}
	v, types = ParseAll("192.0.2.1")
	if !types.Has(Bit(catalog.IPAddress)) || types.Has(Bit(catalog.Date)) || v.Prefix.Bits() != 32 {
		t.Fatalf("ParseAll(192.0.2.1) = %+v, %b", v, types)
	}
	if _, types = ParseAll("42"); !types.Has(Bit(catalog.Numeric)) || types.Has(Bit(catalog.Boolean)) {
		t.Fatalf("ParseAll(42) types %b", types)
	}
}

// plainDecimal is the number grammar, written as a regular expression.
var plainDecimal = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// TestNumbersArePlainDecimals: over generated strings of number-like characters, a value
// is a number exactly when it is a plain decimal, with the value strconv gives it, and
// never NaN or infinite.
func TestNumbersArePlainDecimals(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 3))
	const alphabet = "0123456789+-.eExXpPaAnNiIfF_ \t"
	accepted := 0
	for range 50000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			if r.IntN(3) == 0 {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			} else {
				b.WriteByte("0123456789"[r.IntN(10)])
			}
		}
		s := b.String()
		for _, parse := range []func(catalog.ValueType, string) (Value, error){Parse, ParseRequest} {
			v, err := parse(catalog.Numeric, s)
			if want := plainDecimal.MatchString(s); (err == nil) != want {
				t.Fatalf("Parse(number, %q): error %v, want a number: %v", s, err, want)
			}
			if err != nil {
				continue
			}
			accepted++
			if f, _ := strconv.ParseFloat(s, 64); v.Number != f || math.IsNaN(v.Number) || math.IsInf(v.Number, 0) {
				t.Fatalf("Parse(number, %q) = %v", s, v.Number)
			}
		}
	}
	if accepted < 10000 {
		t.Fatalf("only %d numbers accepted", accepted)
	}
}

// TestNumberComparisons: the number operators order values as the numbers they are, and
// NaN (which no parse produces) compares with nothing, not even itself.
func TestNumberComparisons(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 4))
	want := map[string]func(a, b float64) bool{
		"NumberEquals":            func(a, b float64) bool { return a == b },
		"NumberNotEquals":         func(a, b float64) bool { return a == b }, // Compare ignores negation
		"NumberLessThan":          func(a, b float64) bool { return a < b },
		"NumberLessThanEquals":    func(a, b float64) bool { return a <= b },
		"NumberGreaterThan":       func(a, b float64) bool { return a > b },
		"NumberGreaterThanEquals": func(a, b float64) bool { return a >= b },
	}
	for name, cmp := range want {
		op, _ := Lookup(name)
		for range 2000 {
			a, b := fmt.Sprintf("%d.%d", r.IntN(21)-10, r.IntN(3)), fmt.Sprintf("%d", r.IntN(21)-10)
			ra, err1 := ParseRequest(op.Type, a)
			pb, err2 := Parse(op.Type, b)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			fa, _ := strconv.ParseFloat(a, 64)
			fb, _ := strconv.ParseFloat(b, 64)
			if got := op.Compare(&ra, &pb); got != cmp(fa, fb) {
				t.Fatalf("%s(%s, %s) = %v", name, a, b, got)
			}
		}
		nan := Value{Number: math.NaN()}
		for _, v := range []Value{nan, {Number: 0}, {Number: math.Inf(1)}} {
			if op.Compare(&nan, &v) || op.Compare(&v, &nan) {
				t.Errorf("%s compares NaN with %v as true", name, v.Number)
			}
		}
	}
}

// TestIPv4MappedAddressesAreIPv4: over generated addresses and CIDRs, a request from the
// IPv4-mapped form of an address falls in exactly the CIDRs the address falls in, whether
// the CIDR is written as IPv4 or in its mapped form; request CIDRs and zones are refused.
func TestIPv4MappedAddressesAreIPv4(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 5))
	in, _ := Lookup("IpAddress")
	octets := func() [4]byte {
		return [4]byte{byte(r.IntN(3) * 5), byte(r.IntN(3)), byte(r.IntN(256)), byte(r.IntN(256))}
	}
	contained := 0
	for range 20000 {
		a := netip.AddrFrom4(octets())
		p := netip.PrefixFrom(netip.AddrFrom4(octets()), r.IntN(33)).Masked()
		want := p.Contains(a)
		mapped := netip.AddrFrom16(a.As16()).String() // ::ffff:a.b.c.d
		if !strings.HasPrefix(mapped, "::ffff:") {
			t.Fatalf("%s is not mapped", mapped)
		}
		mappedCIDR := netip.PrefixFrom(netip.AddrFrom16(p.Addr().As16()), p.Bits()+96).String()
		for _, req := range []string{a.String(), mapped} {
			rv, err := ParseRequest(catalog.IPAddress, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, cidr := range []string{p.String(), mappedCIDR} {
				pv, err := Parse(catalog.IPAddress, cidr)
				if err != nil {
					t.Fatal(err)
				}
				if got := in.Compare(&rv, &pv); got != want {
					t.Fatalf("IpAddress(%s, %s) = %v, want %v", req, cidr, got, want)
				}
			}
		}
		if want {
			contained++
		}
		if _, err := ParseRequest(catalog.IPAddress, p.String()); err == nil {
			t.Fatalf("request value %s (a CIDR) accepted", p)
		}
	}
	if contained < 1000 {
		t.Fatalf("only %d contained: the generator needs tuning", contained)
	}
	for _, zoned := range []string{"fe80::1%eth0", "fe80::1%1"} {
		if _, err := ParseRequest(catalog.IPAddress, zoned); err == nil {
			t.Errorf("request value %s (zoned) accepted", zoned)
		}
		if _, err := Parse(catalog.IPAddress, zoned); err == nil {
			t.Errorf("policy value %s (zoned) accepted", zoned)
		}
	}
	v6, _ := Parse(catalog.IPAddress, "::/0")
	v4, _ := ParseRequest(catalog.IPAddress, "::ffff:10.1.2.3")
	if in.Compare(&v4, &v6) {
		t.Error("::/0 contains the IPv4 address 10.1.2.3")
	}
}

// TestMatchesStatesTheRule: every operator states its rule, and StringEqualsIgnoreCase's
// examples are what the operator does.
func TestMatchesStatesTheRule(t *testing.T) {
	for _, op := range Operators() {
		if op.Matches == "" {
			t.Errorf("%s states no rule", op.Name)
		}
	}
	op, _ := Lookup("StringEqualsIgnoreCase")
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"a", "A", true}, {"ſ", "s", true}, {"\u212a", "k", true}, {"Σ", "σ", true}, {"σ", "ς", true}, {"Σ", "ς", true},
		{"ß", "SS", false}, {"ß", "ss", false}, {"ﬁ", "fi", false}, {"İ", "i", false}, {"ı", "I", false},
	} {
		r, p := Value{Str: c.a}, Value{Str: c.b}
		if got := op.Compare(&r, &p); got != c.want {
			t.Errorf("StringEqualsIgnoreCase(%q, %q) = %v, the rule says %v", c.a, c.b, got, c.want)
		}
		for _, s := range []string{c.a, c.b} {
			if !strings.Contains(op.Matches, "`"+s+"`") && s != "ss" && s != "ı" && s != "I" {
				t.Errorf("the rule does not show %q", s)
			}
		}
	}
}

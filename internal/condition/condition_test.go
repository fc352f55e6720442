package condition

import (
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

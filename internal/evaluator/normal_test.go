package evaluator

// The normal form's claim, checked against the evaluator: two documents with the same
// normal form get the same decision on every request, and documents that differ only in a
// way the evaluator cannot tell apart have the same normal form. The documents and
// requests are the differential test's (policytest); the respellings below are written from the
// value types' rules, not from the normal form's code.

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policytest"
)

// respeller respells generated policies (policytest's generator, Evaluator profile).
type respeller struct{ *policytest.Gen }

// respellValue writes a policy value of the base operator in another spelling the
// evaluator reads as the same value, or returns it as it is: a number with a sign, leading
// and trailing zeros; a boolean in another case; a date in another offset; a CIDR with
// host bits, an address as a /32 or /128 or IPv4-mapped, IPv6 in upper case; a value of
// StringEqualsIgnoreCase with letters in another case (s and k also as ſ and the Kelvin
// sign, which simple case folding equates with them). Other strings are kept: their
// operators compare every character.
func (g respeller) respellValue(base, v string) string {
	op, ok := condition.Lookup(base)
	if !ok {
		return v
	}
	if op.Type == catalog.String {
		if base != "StringEqualsIgnoreCase" && base != "StringNotEqualsIgnoreCase" {
			return v
		}
		var b strings.Builder
		for _, r := range g.MixCase(v) {
			switch {
			case (r == 's' || r == 'S') && g.Chance(0.3):
				b.WriteRune('ſ')
			case (r == 'k' || r == 'K') && g.Chance(0.3):
				b.WriteRune('\u212a')
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	read, err := condition.Parse(op.Type, v)
	if err != nil {
		return v // not a value of the type: the condition never matches, however written
	}
	switch op.Type {
	case catalog.Numeric:
		sign, digits := "", v
		if v[0] == '+' || v[0] == '-' {
			sign, digits = v[:1], v[1:]
		}
		if sign == "" && g.Chance(0.5) {
			sign = "+"
		}
		if read.Number == 0 && g.Chance(0.5) {
			sign = g.Pick("-", "+", "")
		}
		if g.Chance(0.5) {
			digits = "00" + digits
		}
		if !strings.Contains(digits, ".") {
			digits += "."
		}
		return sign + digits + strings.Repeat("0", 1+g.R.IntN(3))
	case catalog.Boolean:
		return g.MixCase(v)
	case catalog.Date:
		zone := time.FixedZone("", (g.R.IntN(2*14+1)-14)*3600+g.R.IntN(2)*1800)
		layout := g.Pick(time.RFC3339Nano, "2006-01-02T15:04:05.000000000Z07:00", "2006-01-02T15:04:05.999999999-0700") // fractions kept
		return read.Time.In(zone).Format(layout)
	case catalog.IPAddress:
		p := read.Prefix
		a := p.Addr().As16()
		if p.Addr().Is4() {
			a = netip.AddrFrom4(p.Addr().As4()).As16() // the 4-in-6 form; its last 4 bytes are the address
		}
		// Random host bits: the evaluator masks a CIDR.
		host := p.Bits()
		if p.Addr().Is4() {
			host += 96
		}
		for bit := host; bit < 128; bit++ {
			if g.Chance(0.5) {
				a[bit/8] |= 0x80 >> (bit % 8)
			}
		}
		addr := netip.AddrFrom16(a)
		if p.Addr().Is4() {
			addr = addr.Unmap()
			if g.Chance(0.3) {
				return "::ffff:" + addr.String() + "/" + fmt.Sprint(p.Bits()+96) // IPv4-mapped
			}
		}
		s := addr.String()
		if p.Addr().Is6() && g.Chance(0.5) {
			s = strings.ToUpper(s)
		}
		if p.Bits() == p.Addr().BitLen() && g.Chance(0.5) {
			return s
		}
		return s + "/" + fmt.Sprint(p.Bits())
	}
	return v
}

// respell writes a policy in another form the evaluator cannot tell apart: statements
// shuffled, one written twice, values reordered and respelt, condition keys in another
// ASCII case. A key written twice under one operator in different cases keeps its
// spellings: they are two conditions, which the normal form keeps as written.
func (g respeller) respell(sts []policytest.Statement) []policytest.Statement {
	out := make([]policytest.Statement, 0, len(sts)+1)
	for _, s := range sts {
		n := s
		n.Conds = nil
		for _, c := range s.Conds {
			base := policy.ParseOperator(c.Op).Base
			rc := policytest.Cond{Op: c.Op, Key: c.Key, Single: c.Single}
			shared := slices.ContainsFunc(s.Conds, func(o policytest.Cond) bool {
				return o.Op == c.Op && o.Key != c.Key && strings.EqualFold(o.Key, c.Key)
			})
			if !shared {
				rc.Key = g.MixCase(c.Key)
			}
			for _, v := range c.Values {
				rc.Values = append(rc.Values, g.respellValue(base, v))
			}
			g.R.Shuffle(len(rc.Values), func(i, j int) { rc.Values[i], rc.Values[j] = rc.Values[j], rc.Values[i] })
			n.Conds = append(n.Conds, rc)
		}
		g.R.Shuffle(len(n.Conds), func(i, j int) { n.Conds[i], n.Conds[j] = n.Conds[j], n.Conds[i] })
		out = append(out, n)
	}
	if len(out) > 0 && g.Chance(0.3) {
		out = append(out, out[g.R.IntN(len(out))])
	}
	g.R.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestNormalFormKeepsDecisions: for generated policy sets, a respelt set (every policy
// respelt) has the same normal forms, and the set, the respelt set and the set of the
// normal forms themselves get the same decision on every generated request.
func TestNormalFormKeepsDecisions(t *testing.T) {
	sets := 1500
	if testing.Short() {
		sets /= 10
	}
	g := respeller{policytest.NewGen(policytest.Evaluator(), *diffSeed+18)}
	requests, respeltValues := 0, 0
	for n := range sets {
		c := g.Case()
		r := c
		r.Identity = nil
		for _, p := range c.Identity {
			r.Identity = append(r.Identity, g.respell(p))
		}
		r.Levels = nil
		for _, lv := range c.Levels {
			l := policytest.Level{Name: lv.Name}
			for _, p := range lv.Policies {
				l.Policies = append(l.Policies, g.respell(p))
			}
			r.Levels = append(r.Levels, l)
		}
		identity, levels := casePolicies(t, &c)
		rIdentity, rLevels := casePolicies(t, &r)
		all, rAll := flatten(identity, levels), flatten(rIdentity, rLevels)
		for i := range all {
			a, b := all[i].Document, rAll[i].Document
			if !bytes.Equal(a.Normal(), b.Normal()) {
				t.Fatalf("set %d, %s: a respelling has another normal form:\n%s\n%s\nnormal forms:\n%s\n%s",
					n, all[i].Name, a.Minified(), b.Minified(), a.Normal(), b.Normal())
			}
			if !bytes.Equal(a.Minified(), b.Minified()) {
				respeltValues++
			}
		}
		nIdentity, nLevels := normalForms(t, identity), make([]testLevel, len(levels))
		for i, lv := range levels {
			nLevels[i] = testLevel{Name: lv.Name, Policies: normalForms(t, lv.Policies)}
		}
		e, err := Compile(identity, levels)
		if err != nil {
			continue // a document naiveCheck refuses: no decision to compare
		}
		re, err := Compile(rIdentity, rLevels)
		if err != nil {
			t.Fatalf("set %d: the respelt set does not compile: %v", n, err)
		}
		ne, err := Compile(nIdentity, nLevels)
		if err != nil {
			t.Fatalf("set %d: the normal forms do not compile: %v", n, err)
		}
		var want, got Result
		for ri, rq := range c.Requests {
			requests++
			e.Evaluate(&Request{Action: rq.Action, Resource: rq.Resource, Context: NewContext(rq.Context)}, &want)
			for name, other := range map[string]*PolicySet{"respelt": re, "normal forms": ne} {
				other.Evaluate(&Request{Action: rq.Action, Resource: rq.Resource, Context: NewContext(rq.Context)}, &got)
				if got.Decision != want.Decision || got.DecidedBy != want.DecidedBy {
					t.Fatalf("set %d, request %d (%s on %s, context %q): %s by %s, but the %s: %s by %s\n%s",
						n, ri, rq.Action, rq.Resource, rq.Context, want.Decision, want.DecidedBy, name, got.Decision, got.DecidedBy, c.Describe())
				}
			}
		}
	}
	if respeltValues < sets {
		t.Fatalf("only %d policies respelt: the test proves little", respeltValues)
	}
	t.Logf("%d policy sets, %d policies respelt with the same normal form, %d requests decided alike", sets, respeltValues, requests)
}

func flatten(identity []testPolicy, levels []testLevel) []testPolicy {
	all := slices.Clone(identity)
	for _, lv := range levels {
		all = append(all, lv.Policies...)
	}
	return all
}

// normalForms parses each policy's normal form.
func normalForms(t *testing.T, ps []testPolicy) []testPolicy {
	t.Helper()
	out := make([]testPolicy, len(ps))
	for i, p := range ps {
		d, err := policy.Parse(p.Document.Normal())
		if err != nil {
			t.Fatalf("%s: the normal form does not parse: %v\n%s", p.Name, err, p.Document.Normal())
		}
		out[i] = testPolicy{Name: p.Name, Document: d}
	}
	return out
}

package analysis

import (
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// FuzzNoNewAccess: for any two documents the evaluator compiles, the analysis does not
// panic, every witness replays, and a document compared with itself grants nothing new.
func FuzzNoNewAccess(f *testing.F) {
	seeds := [][2]string{
		{`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ims:images:get","Resource":"ims:*:acct:image:*"}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ims:images:*"}]}`},
		{`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"*","Condition":{"ForAllValues:StringMatch":{"ims:VolumeId":["v*","?x"]}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Deny","NotAction":"ims:*","NotResource":"obs:*"},{"Effect":"Allow","Action":"*"}]}`},
		{`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ims:images:share","Condition":{"NumberLessThan":{"x:n":["1.5","-2"]},"IpAddress":{"g:SourceIp":["::ffff:10.0.0.0/104","2001:db8::/32"]}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ims:images:addMember","Condition":{"DateGreaterThan":{"g:CurrentTime":"2026-01-01"},"Null":{"g:SourceVpce":"true"}}}]}`},
		{`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"ſvc:a:b","Resource":"*:é:*"}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"SVC:*","Condition":{"StringEqualsIgnoreCase":{"k:k":"ǅ"}}}]}`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	limits := Budget{Requests: 20000}
	f.Fuzz(func(t *testing.T, a, b string) {
		var cfgs []config
		for _, src := range []string{a, b} {
			d, err := policy.Parse([]byte(src))
			if err != nil {
				return
			}
			c := config{Identity: []docPolicy{{Name: "identity[0]", Document: d}}}
			if _, err := c.set(); err != nil {
				return // the gate refuses it: not the analyser's to answer
			}
			cfgs = append(cfgs, c)
		}
		r, err := NoNewAccess(mustSet(cfgs[0]), mustSet(cfgs[1]), limits)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range append(r.NewAccess, r.RemovedAccess...) {
			if got := replay(t, cfgs[0], w); got != w.Decision {
				t.Fatalf("witness %+v: candidate decides %s", w, got)
			}
			if got := replay(t, cfgs[1], w); got != *w.ReferenceDecision {
				t.Fatalf("witness %+v: reference decides %s", w, got)
			}
		}
		exhaustive := limits
		exhaustive.exhaustive = true
		self, err := NoNewAccess(mustSet(cfgs[0]), mustSet(cfgs[0]), exhaustive)
		if err != nil {
			t.Fatal(err)
		}
		if self.Status == Complete && !self.Holds {
			t.Fatalf("a document grants new access over itself: %+v", self.NewAccess)
		}
	})
}

package emulator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// spelling writes one document's meaning as one of its many texts: escapes (\u0069 for i,
// \/ for /), white space between tokens, keys in any order, a list of one as a bare string.
type spelling struct {
	rng     *rand.Rand
	escape  float64 // the chance that a character of a string is escaped
	space   float64 // the chance of white space between two tokens
	shuffle bool    // keys in random order
	bare    bool    // lists of one written as a bare string
	b       strings.Builder
}

func (s *spelling) ws() {
	if s.rng.Float64() < s.space {
		for range 1 + s.rng.IntN(4) {
			s.b.WriteByte(" \n\t\r"[s.rng.IntN(4)])
		}
	}
}

func (s *spelling) str(v string) {
	s.b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '/' && s.rng.Float64() < s.escape:
			s.b.WriteString(`\/`)
		case s.rng.Float64() < s.escape:
			if s.rng.IntN(2) == 0 {
				fmt.Fprintf(&s.b, `\u%04x`, r)
			} else {
				fmt.Fprintf(&s.b, `\u%04X`, r)
			}
		default:
			s.b.WriteRune(r)
		}
	}
	s.b.WriteByte('"')
}

func (s *spelling) list(vs []string) {
	if len(vs) == 1 && s.bare {
		s.str(vs[0])
		return
	}
	s.b.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			s.b.WriteByte(',')
		}
		s.ws()
		s.str(v)
		s.ws()
	}
	s.b.WriteByte(']')
}

// object writes the fields in order, or shuffled.
func (s *spelling) object(keys []string, value func(key string)) {
	keys = append([]string(nil), keys...)
	if s.shuffle {
		s.rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	}
	s.b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			s.b.WriteByte(',')
		}
		s.ws()
		s.str(k)
		s.ws()
		s.b.WriteByte(':')
		s.ws()
		value(k)
		s.ws()
	}
	s.b.WriteByte('}')
}

type genStatement struct {
	sid, effect        string
	actions, resources []string
}

func (s *spelling) document(stmts []genStatement) string {
	s.b.Reset()
	s.ws()
	s.object([]string{"Version", "Statement"}, func(k string) {
		if k == "Version" {
			s.str("5.0")
			return
		}
		s.b.WriteByte('[')
		for i, st := range stmts {
			if i > 0 {
				s.b.WriteByte(',')
			}
			s.ws()
			s.object([]string{"Sid", "Effect", "Action", "Resource"}, func(k string) {
				switch k {
				case "Sid":
					s.str(st.sid)
				case "Effect":
					s.str(st.effect)
				case "Action":
					s.list(st.actions)
				case "Resource":
					s.list(st.resources)
				}
			})
			s.ws()
		}
		s.b.WriteByte(']')
	})
	s.ws()
	return s.b.String()
}

var sidRunes = []rune("abcXYZ019 é中/<&-")

// vendorCount is the vendor's rule read straight from its documentation, written apart from
// policy.Chars: the characters of the text sent, white space not counted. The generated
// texts hold no white space but these four.
func vendorCount(text string) int {
	n := 0
	for _, r := range text {
		if !strings.ContainsRune(" \n\t\r", r) {
			n++
		}
	}
	return n
}

// TestSizePlanAgreesWithService is the property issue 16 asks for: over generated spellings
// of documents near the limit (same meaning, different escapes, white space, key order and
// list forms), the plan-time check (policy.CheckJSON, behind the attribute validators and
// imspolicy check) accepts exactly the documents the emulator's create accepts, and the
// emulator accepts exactly those the vendor's rule accepts.
func TestSizePlanAgreesWithService(t *testing.T) {
	for _, tc := range []struct {
		purpose policy.Purpose
		limit   int
		path    string
		ok      int
		body    func(name, doc string) map[string]any
		effect  string
	}{
		{policy.Identity, MaxPolicyDocument, "/v5/policies", 200, create, "Allow"},
		{policy.SCP, MaxSCPContent, "/v1/organizations/policies", 201, scpBody, "Deny"},
	} {
		t.Run(tc.purpose.String(), func(t *testing.T) {
			e := start(t, Config{})
			rng := rand.New(rand.NewPCG(16, uint64(tc.purpose)))
			actions := []string{"ims:images:list", "ims:images:get", "ims:quotas:get", "IMS:Images:Get"}
			resources := []string{"*"}
			var accepted, rejected, canonicalDisagrees int
			for i := range 150 {
				// A meaning near the limit: statements with Sids of letters, spaces and
				// characters beyond ASCII, about limit±10% in their compact spelling.
				target := tc.limit*9/10 + rng.IntN(tc.limit/5)
				var stmts []genStatement
				for size := 40; size < target; {
					var sid strings.Builder
					for range 10 + rng.IntN(60) {
						sid.WriteRune(sidRunes[rng.IntN(len(sidRunes))])
					}
					var as []string
					for range 1 + rng.IntN(3) {
						as = append(as, actions[rng.IntN(len(actions))])
					}
					st := genStatement{sid: sid.String(), effect: tc.effect, actions: as, resources: resources}
					stmts = append(stmts, st)
					size += 50 + len([]rune(st.sid)) + 20*len(as)
				}
				sp := &spelling{rng: rng, escape: []float64{0, 0, 0.005, 0.02, 0.1}[rng.IntN(5)],
					space: []float64{0, 0.3, 1}[rng.IntN(3)], shuffle: rng.IntN(2) == 0, bare: rng.IntN(2) == 0}
				doc := sp.document(stmts)

				d, findings := policy.CheckJSON([]byte(doc), tc.purpose)
				if d == nil {
					t.Fatalf("case %d does not parse: %v\n%s", i, findings, doc)
				}
				planOK := true
				for _, f := range findings {
					if f.Severity == policy.Error {
						if f.Code != "document_too_large" {
							t.Fatalf("case %d: a finding other than the size: %s", i, f)
						}
						planOK = false
					}
				}
				r := e.do("POST", tc.path, tc.body(fmt.Sprintf("size-%d", i), doc))
				serviceOK := r.status == tc.ok
				if !serviceOK && r.status != 400 {
					t.Fatalf("case %d: HTTP %d %s", i, r.status, r.raw)
				}
				vendorOK := vendorCount(doc) <= tc.limit
				if planOK != serviceOK || serviceOK != vendorOK {
					t.Fatalf("case %d (%d characters as written, %d canonical): plan accepts %v, the emulator %v (%d %s), the vendor's rule %v",
						i, vendorCount(doc), policy.Chars(d.Minified()), planOK, serviceOK, r.status, r.raw, vendorOK)
				}
				if serviceOK {
					accepted++
				} else {
					rejected++
				}
				if (policy.Chars(d.Minified()) <= tc.limit) != vendorOK {
					canonicalDisagrees++
				}
			}
			// The generator must reach both sides of the limit, and the spellings on
			// which counting the canonical form would have answered otherwise.
			if accepted < 20 || rejected < 20 || canonicalDisagrees < 10 {
				t.Fatalf("%d accepted, %d rejected, %d on which the canonical form's count disagrees: the generator misses the limit", accepted, rejected, canonicalDisagrees)
			}
			t.Logf("%d accepted, %d rejected, %d on which the canonical form's count disagrees", accepted, rejected, canonicalDisagrees)
		})
	}
}

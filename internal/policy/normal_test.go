package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
)

// Classes of spellings that mean the same to the evaluator (actions under the ASCII case
// rule, condition keys under it, condition values as their operator reads them), and
// spellings that look alike without meaning the same (the long s, resource case, a string
// value's case, ß and SS): a meaning picks classes, a rendering picks a spelling of each.
var (
	normalActions = [][]string{
		{"ims:images:get", "IMS:Images:GET"}, {"ims:images:addMember", "ims:images:addmember", "IMS:IMAGES:ADDMEMBER"},
		{"ims:images:share"}, {"ims:images:add*", "IMS:Images:Add*"}, {"ecs:cloudServers:list", "ECS:cloudservers:LIST"},
		{"*"}, {"imſ:images:get"},
	}
	normalResources = [][]string{{"*"}, {"ims:*:*:image:*"}, {"ims:*:*:image:A"}, {"ims:*:*:image:a"}}
	normalKeys      = [][]string{
		{"ims:ImageType", "ims:imagetype", "IMS:IMAGETYPE"}, {"g:SourceIp", "G:SOURCEIP"}, {"x:Custom", "X:CUSTOM", "x:custom"},
		{"g:ResourceTag/Env", "g:resourcetag/env", "G:RESOURCETAG/ENV"}, {"g:ResourceTag/Eng"}, {"imſ:imagetype"},
	}
	stringValues = [][]string{{"private"}, {"Private"}, {"10.0.0.0/8"}, {"true"}, {""}, {"100"}, {"100.0"}, {"2026-08-01"}}
	// normalOps are operators with the classes of the values each reads.
	normalOps = []struct {
		name   string
		values [][]string
	}{
		{"StringEquals", stringValues},
		{"ForAnyValue:StringEquals", stringValues},
		{"StringMatch", [][]string{{"a*"}, {"A*"}, {"a**"}}},
		{"StringEqualsIgnoreCase", [][]string{{"private", "PRIVATE", "Private"}, {"ſk", "SK", "s\u212a"}, {"ß", "ẞ"}, {"ss", "SS", "sS"}, {""}}},
		{"Bool", [][]string{{"true", "TRUE", "True"}, {"false", "False", "FALSE"}, {"yes"}}},
		{"Null", [][]string{{"true", "tRUE"}, {"false", "fALSE"}}},
		{"NumberLessThanEquals", [][]string{{"100", "100.0", "+100", "0100", "100.000"}, {"100.01", "100.010"}, {"0", "-0", "0.0", "+0"}, {"200.2", "200.20"}, {"1e2"}, {"-3.5", "-03.50"}}},
		{"DateLessThan", [][]string{
			{"2026-08-01T00:00:00Z", "2026-08-01T08:00:00+08:00", "2026-08-01", "2026-07-31T19:00:00-05:00", "2026-08-01T00:00:00.000Z"},
			{"2026-08-01T00:00:01Z", "2026-08-01T00:00:01.000+00:00"}, {"2026-08-01T00:00:00.5Z", "2026-08-01T00:00:00.500Z"},
		}},
		{"IpAddress", [][]string{
			{"10.0.0.0/8", "10.0.0.1/8", "10.255.1.2/8", "::ffff:10.0.0.0/104"}, {"10.0.0.1", "10.0.0.1/32", "::ffff:10.0.0.1"},
			{"2001:db8::/32", "2001:DB8::1/32"}, {"2001:db8::1", "2001:0db8:0:0::1/128"}, {"10.0.0.0/16"},
		}},
	}
)

// meaning is a random document as the evaluator sees it: classes picked per field. render
// writes it in a random form, so two renderings of one meaning have the same normal form,
// and two meanings have the same normal form exactly when their keys are equal.
type meaning struct {
	version    string
	statements []meaningStatement
}

type meaningStatement struct {
	sid, effect string
	lists       map[string][][]string      // field -> classes
	cond        map[int]map[int][][]string // operator (in normalOps) -> key class -> value classes
}

func randomMeaning(r *rand.Rand) meaning {
	pickN := func(pool [][]string) [][]string {
		var out [][]string
		for range r.IntN(3) {
			out = append(out, pool[r.IntN(len(pool))])
		}
		return out
	}
	m := meaning{version: []string{"5.0", ""}[r.IntN(2)]}
	for range 1 + r.IntN(3) {
		st := meaningStatement{
			sid:    []string{"", "a", "A"}[r.IntN(3)],
			effect: []string{"Allow", "Deny", ""}[r.IntN(3)],
			lists: map[string][][]string{
				"Action": pickN(normalActions), "NotAction": pickN(normalActions),
				"Resource": pickN(normalResources), "NotResource": pickN(normalResources),
			},
			cond: map[int]map[int][][]string{},
		}
		for range r.IntN(3) {
			op := r.IntN(len(normalOps))
			if st.cond[op] == nil {
				st.cond[op] = map[int][][]string{}
			}
			st.cond[op][r.IntN(len(normalKeys))] = pickN(normalOps[op].values)
		}
		m.statements = append(m.statements, st)
	}
	return m
}

// key is the meaning's identity: each set as the sorted first members of its classes,
// statements as a sorted set.
func (m meaning) key() string {
	set := func(classes [][]string) string {
		var firsts []string
		for _, c := range classes {
			firsts = append(firsts, c[0])
		}
		slices.Sort(firsts)
		return fmt.Sprint(slices.Compact(firsts))
	}
	var stmts []string
	for _, st := range m.statements {
		k := fmt.Sprintf("%q %q", st.sid, st.effect)
		for _, name := range []string{"Action", "NotAction", "Resource", "NotResource"} {
			k += " " + name + set(st.lists[name])
		}
		var ops []string
		for op, keys := range st.cond {
			var ks []string
			for key, classes := range keys {
				ks = append(ks, normalKeys[key][0]+set(classes))
			}
			slices.Sort(ks)
			ops = append(ops, normalOps[op].name+fmt.Sprint(ks))
		}
		slices.Sort(ops)
		stmts = append(stmts, k+fmt.Sprint(ops))
	}
	slices.Sort(stmts)
	return m.version + fmt.Sprint(slices.Compact(stmts))
}

// render writes m in a random form: a member of each class, duplicates, order, a string for
// a list of one, absent for empty, an operator without keys, a key spelt twice with the
// same values, statements shuffled and written twice.
func (m meaning) render(r *rand.Rand) string {
	enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	list := func(classes [][]string) string {
		var vs []string
		for _, c := range classes {
			for range 1 + r.IntN(2) {
				vs = append(vs, c[r.IntN(len(c))])
			}
		}
		r.Shuffle(len(vs), func(i, j int) { vs[i], vs[j] = vs[j], vs[i] })
		if len(vs) == 1 && r.IntN(2) == 0 {
			return enc(vs[0])
		}
		if vs == nil {
			vs = []string{}
		}
		return enc(vs)
	}
	var stmts []string
	for _, st := range m.statements {
		var fields []string
		str := func(name, v string) {
			if v != "" || r.IntN(2) == 0 {
				fields = append(fields, fmt.Sprintf("%q:%s", name, enc(v)))
			}
		}
		str("Sid", st.sid)
		str("Effect", st.effect)
		for _, name := range []string{"Action", "NotAction", "Resource", "NotResource"} {
			if len(st.lists[name]) > 0 || r.IntN(2) == 0 {
				fields = append(fields, fmt.Sprintf("%q:%s", name, list(st.lists[name])))
			}
		}
		if len(st.cond) > 0 || r.IntN(2) == 0 {
			var ops []string
			for _, op := range slices.Sorted(maps.Keys(st.cond)) { // in order: the test is the same every run
				keys := st.cond[op]
				var ks []string
				for _, key := range slices.Sorted(maps.Keys(keys)) {
					classes := keys[key]
					spellings := slices.Clone(normalKeys[key])
					r.Shuffle(len(spellings), func(i, j int) { spellings[i], spellings[j] = spellings[j], spellings[i] })
					ks = append(ks, fmt.Sprintf("%q:%s", spellings[0], list(classes)))
					if len(spellings) > 1 && len(classes) > 0 && r.IntN(4) == 0 {
						ks = append(ks, fmt.Sprintf("%q:%s", spellings[1], list(classes))) // one key twice, alike
					}
				}
				r.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
				ops = append(ops, fmt.Sprintf("%q:{%s}", normalOps[op].name, strings.Join(ks, ",")))
			}
			if op := r.IntN(len(normalOps)); st.cond[op] == nil && r.IntN(3) == 0 {
				ops = append(ops, fmt.Sprintf("%q:{}", normalOps[op].name)) // an operator without keys
			}
			r.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
			fields = append(fields, `"Condition":{`+strings.Join(ops, ",")+`}`)
		}
		r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
		stmts = append(stmts, "{"+strings.Join(fields, ",")+"}")
		if r.IntN(5) == 0 {
			stmts = append(stmts, stmts[len(stmts)-1]) // a statement written twice
		}
	}
	r.Shuffle(len(stmts), func(i, j int) { stmts[i], stmts[j] = stmts[j], stmts[i] })
	version := ""
	if m.version != "" || r.IntN(2) == 0 {
		version = fmt.Sprintf(`"Version":%s,`, enc(m.version))
	}
	return "{" + version + `"Statement":[` + strings.Join(stmts, ",") + "]}"
}

func randomDocument(r *rand.Rand) string { return randomMeaning(r).render(r) }

// TestNormalIsExactlyTheMeaning: over random pairs of documents, two have the same normal
// form exactly when they render the same meaning (the oracle: meaning.key, built from the
// classes, not from the normal form); the normal form is a fixed point, NormalKeepingLetters
// has the same normal form, and Equal agrees.
func TestNormalIsExactlyTheMeaning(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var docs []*Document
	var keys []string
	for len(docs) < 600 {
		m := randomMeaning(r)
		for range 1 + r.IntN(3) { // some meanings rendered more than once
			src := m.render(r)
			d, err := Parse([]byte(src))
			if err != nil {
				t.Fatalf("a rendering does not parse: %v\n%s", err, src)
			}
			docs = append(docs, d)
			keys = append(keys, m.key())
		}
	}
	normals := make([][]byte, len(docs))
	for i, d := range docs {
		normals[i] = d.Normal()
	}
	samePairs, respelt := 0, 0
	for i, a := range docs {
		na := normals[i]
		back, err := Parse(na)
		if err != nil {
			t.Fatalf("the normal form does not parse: %v\n%s", err, na)
		}
		if !bytes.Equal(back.Normal(), na) {
			t.Fatalf("the normal form is not a fixed point:\n%s\n%s", na, back.Normal())
		}
		kept, err := Parse(a.NormalKeepingLetters())
		if err != nil || !bytes.Equal(kept.Normal(), na) {
			t.Fatalf("NormalKeepingLetters does not mean the same as the document (%v):\n%s\n%s", err, a.Minified(), a.NormalKeepingLetters())
		}
		for j := i + 1; j < len(docs); j++ {
			same, meant := bytes.Equal(na, normals[j]), keys[i] == keys[j]
			if same != meant {
				t.Fatalf("same normal form = %v but same meaning = %v:\n%s\n%s\nnormal forms:\n%s\n%s", same, meant, a.Minified(), docs[j].Minified(), na, normals[j])
			}
			if j-i <= 3 && Equal(a, docs[j]) != same { // neighbours: renderings of one meaning, and others
				t.Fatalf("Equal disagrees with the normal form:\n%s\n%s", na, normals[j])
			}
			if same {
				samePairs++
				if !bytes.Equal(a.Minified(), docs[j].Minified()) {
					respelt++
				}
			}
		}
	}
	if samePairs < 100 || respelt < 100 {
		t.Fatalf("only %d pairs of the same meaning (%d spelt differently) among the random documents: the test proves little", samePairs, respelt)
	}
	t.Logf("%d documents, %d pairs of the same meaning, %d of them spelt differently", len(docs), samePairs, respelt)
}

func TestNormalExamples(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["IMS:Images:Get","ims:images:list","ims:images:get"],"Resource":"*","Sid":""}]}`,
			`{"Statement":[{"Resource":["*"],"Action":["ims:images:list","ims:images:get"],"Effect":"Allow","Condition":{}}],"Version":"5.0"}`,
		},
		{
			`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":"ECS:*","Condition":{"StringEquals":{"ims:ImageType":["b","a"]},"Null":{}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ecs:*"],"Condition":{"StringEquals":{"ims:ImageType":["a","b","a"]}}}]}`,
		},
	} {
		a, b := mustParse(t, tc.a), mustParse(t, tc.b)
		if !Equal(a, b) || !bytes.Equal(a.Normal(), b.Normal()) {
			t.Errorf("want the same normal form:\n%s\n%s", a.Normal(), b.Normal())
		}
	}
	d := mustParse(t, `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["IMS:IMAGES:ADDMEMBER","ECS:CloudServers:List","ims:images:get"],"Resource":"*"}]}`)
	want := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ecs:cloudservers:list","ims:images:addMember","ims:images:get"],"Resource":["*"]}]}`
	if got := string(d.Normal()); got != want {
		t.Errorf("Normal:\n got %s\nwant %s", got, want)
	}
	// The author's order is kept by Minified; names the catalog knows take its spelling,
	// others keep their letters.
	wantMin := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:addMember","ECS:CloudServers:List","ims:images:get"],"Resource":["*"]}]}`
	if got := string(d.Minified()); got != wantMin {
		t.Errorf("Minified:\n got %s\nwant %s", got, wantMin)
	}
}

// TestNormalKeepingLetters: a pattern keeps its letters where the catalog's spelling cannot
// be applied (issue 17: `ims:images:*Member` printed as `*member`), is deduplicated with its
// case variants as Normal does, and Normal stays one form for them.
func TestNormalKeepingLetters(t *testing.T) {
	a := mustParse(t, `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:*Member","IMS:IMAGES:GET","obs:Object:Get*","ims:images:*member"]}]}`)
	b := mustParse(t, `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:*MEMBER","ims:images:get","obs:object:get*"]}]}`)
	if got, want := string(a.NormalKeepingLetters()), `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:*Member","ims:images:get","obs:Object:Get*"]}]}`; got != want {
		t.Errorf("NormalKeepingLetters:\n got %s\nwant %s", got, want)
	}
	if got, want := string(a.Minified()), `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:*Member","ims:images:get","obs:Object:Get*","ims:images:*member"]}]}`; got != want {
		t.Errorf("Minified:\n got %s\nwant %s", got, want)
	}
	if !Equal(a, b) || !bytes.Equal(a.Normal(), b.Normal()) {
		t.Errorf("case variants of patterns must share one normal form:\n%s\n%s", a.Normal(), b.Normal())
	}
	if got, want := string(a.Normal()), `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:*member","ims:images:get","obs:object:get*"]}]}`; got != want {
		t.Errorf("Normal:\n got %s\nwant %s", got, want)
	}
}

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// FuzzNormal: for any document, the normal form parses, is a fixed point, does not depend
// on the order of the statements or on a statement written twice, and is the normal form
// of NormalKeepingLetters; two documents are Equal exactly when their normal forms are the
// same bytes.
func FuzzNormal(f *testing.F) {
	seeds := seedPolicies(f)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range seeds {
		f.Add(seeds[i], seeds[(i+1)%len(seeds)])
		f.Add([]byte(randomDocument(r)), []byte(randomDocument(r)))
	}
	f.Fuzz(func(t *testing.T, x, y []byte) {
		a, err := Parse(x)
		if err != nil {
			return
		}
		na := a.Normal()
		back, err := Parse(na)
		if err != nil || !bytes.Equal(back.Normal(), na) || !Equal(a, back) {
			t.Fatalf("normal form %s of %s: not a fixed point meaning the same (%v)", na, x, err)
		}
		kept, err := Parse(a.NormalKeepingLetters())
		if err != nil || !bytes.Equal(kept.Normal(), na) {
			t.Fatalf("NormalKeepingLetters %s of %s: another normal form (%v)", a.NormalKeepingLetters(), x, err)
		}
		shuffled := *a
		shuffled.Statements = slices.Clone(a.Statements)
		slices.Reverse(shuffled.Statements)
		if len(a.Statements) > 0 {
			shuffled.Statements = append(shuffled.Statements, a.Statements[0])
		}
		if !bytes.Equal(shuffled.Normal(), na) {
			t.Fatalf("statements reversed and one repeated: normal form %s, not %s", shuffled.Normal(), na)
		}
		b, err := Parse(y)
		if err != nil {
			return
		}
		if Equal(a, b) != bytes.Equal(na, b.Normal()) {
			t.Fatalf("Equal = %v but normal forms %s and %s", Equal(a, b), na, b.Normal())
		}
	})
}

// FuzzCanonicalValue: under every operator, two values have the same canonical spelling
// exactly when the evaluator reads them as the same value (condition.Parse; for
// StringEqualsIgnoreCase, strings.EqualFold; other string operators, the same bytes); a
// canonical spelling is its own, and reads as the value it spells.
func FuzzCanonicalValue(f *testing.F) {
	for i, op := range normalOps {
		for _, class := range op.values {
			f.Add(uint8(i), class[0], class[len(class)-1])
		}
	}
	f.Add(uint8(16), "9999-12-31T23:00:00-05:00", "9999-12-31T23:30:00-04:30")
	f.Add(uint8(16), "0000-01-01T00:00:00+05:00", "0000-01-01T00:30:00+05:30")
	ops := condition.Operators()
	f.Fuzz(func(t *testing.T, i uint8, v, w string) {
		op := &ops[int(i)%len(ops)]
		cv, cw := canonicalValue(op, v), canonicalValue(op, w)
		if canonicalValue(op, cv) != cv {
			t.Fatalf("%s: %q → %q → %q: not a fixed point", op.Name, v, cv, canonicalValue(op, cv))
		}
		same := v == w
		switch {
		case op.Name == "StringEqualsIgnoreCase" || op.Name == "StringNotEqualsIgnoreCase":
			same = strings.EqualFold(v, w)
			if !strings.EqualFold(v, cv) {
				t.Fatalf("%s: %q → %q, which it does not take for equal", op.Name, v, cv)
			}
		case op.Type != catalog.String:
			rv, errV := condition.Parse(op.Type, v)
			rw, errW := condition.Parse(op.Type, w)
			if errV != nil {
				if cv != v {
					t.Fatalf("%s: %q does not read, yet was respelt %q", op.Name, v, cv)
				}
				break
			}
			rc, err := condition.Parse(op.Type, cv)
			if err != nil || !sameValue(op.Type, &rc, &rv) {
				t.Fatalf("%s: %q → %q, which reads differently (%v)", op.Name, v, cv, err)
			}
			if errW == nil {
				same = sameValue(op.Type, &rv, &rw)
			}
		}
		if same != (cv == cw) {
			t.Fatalf("%s: %q and %q: the same value = %v, but spelt %q and %q", op.Name, v, w, same, cv, cw)
		}
	})
}

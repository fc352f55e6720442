package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Classes of values that Equal holds the same (actions under the ASCII case rule), and
// values that look alike without being equal (the long s, resource case, key case).
var (
	normalActions = [][]string{
		{"ims:images:get", "IMS:Images:GET"}, {"ims:images:addMember", "ims:images:addmember", "IMS:IMAGES:ADDMEMBER"},
		{"ims:images:share"}, {"ims:images:add*", "IMS:Images:Add*"}, {"ecs:cloudServers:list", "ECS:cloudservers:LIST"},
		{"*"}, {"imſ:images:get"},
	}
	normalResources = [][]string{{"*"}, {"ims:*:*:image:*"}, {"ims:*:*:image:A"}, {"ims:*:*:image:a"}}
	normalOps       = []string{"StringEquals", "StringLike", "ForAnyValue:StringEquals", "Null"}
	normalKeys      = []string{"ims:ImageType", "g:SourceIp", "ims:imagetype"}
	normalValues    = [][]string{{"private"}, {"Private"}, {"10.0.0.0/8"}, {"true"}, {""}}
)

// meaning is a random document as Equal sees it: classes picked per field. render writes it
// in a random form, so two renderings of one meaning are Equal and meanings drawn apart
// mostly are not.
type meaning struct {
	version    string
	statements []meaningStatement
}

type meaningStatement struct {
	sid, effect string
	lists       map[string][][]string // field -> classes
	cond        map[string]map[string][][]string
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
	for range 1 + r.IntN(2) {
		st := meaningStatement{
			sid:    []string{"", "a", "A"}[r.IntN(3)],
			effect: []string{"Allow", "Deny", ""}[r.IntN(3)],
			lists: map[string][][]string{
				"Action": pickN(normalActions), "NotAction": pickN(normalActions),
				"Resource": pickN(normalResources), "NotResource": pickN(normalResources),
			},
			cond: map[string]map[string][][]string{},
		}
		for range r.IntN(3) {
			op := normalOps[r.IntN(len(normalOps))]
			if st.cond[op] == nil {
				st.cond[op] = map[string][][]string{}
			}
			st.cond[op][normalKeys[r.IntN(len(normalKeys))]] = pickN(normalValues)
		}
		m.statements = append(m.statements, st)
	}
	return m
}

// render writes m in a random form: a member of each class, duplicates, order, a string for
// a list of one, absent for empty, an operator without keys.
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
			for op, keys := range st.cond {
				var ks []string
				for k, classes := range keys {
					ks = append(ks, fmt.Sprintf("%q:%s", k, list(classes)))
				}
				r.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
				ops = append(ops, fmt.Sprintf("%q:{%s}", op, strings.Join(ks, ",")))
			}
			if op := normalOps[r.IntN(len(normalOps))]; st.cond[op] == nil && r.IntN(3) == 0 {
				ops = append(ops, fmt.Sprintf("%q:{}", op)) // an operator without keys
			}
			r.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
			fields = append(fields, `"Condition":{`+strings.Join(ops, ",")+`}`)
		}
		r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
		stmts = append(stmts, "{"+strings.Join(fields, ",")+"}")
	}
	version := ""
	if m.version != "" || r.IntN(2) == 0 {
		version = fmt.Sprintf(`"Version":%s,`, enc(m.version))
	}
	return "{" + version + `"Statement":[` + strings.Join(stmts, ",") + "]}"
}

func randomDocument(r *rand.Rand) string { return randomMeaning(r).render(r) }

// TestNormalIsExactlyEqual: over random pairs of documents, two have the same normal form
// exactly when Equal says they mean the same; the normal form is a fixed point and means
// the same as the document.
func TestNormalIsExactlyEqual(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var docs []*Document
	for len(docs) < 400 {
		m := randomMeaning(r)
		for range 1 + r.IntN(3) { // some meanings rendered more than once
			d, err := Parse([]byte(m.render(r)))
			if err != nil {
				t.Fatalf("a rendering does not parse: %v", err)
			}
			docs = append(docs, d)
		}
	}
	normals := make([][]byte, len(docs))
	for i, d := range docs {
		normals[i] = d.Normal()
	}
	equalPairs := 0
	for i, a := range docs {
		na := normals[i]
		back, err := Parse(na)
		if err != nil {
			t.Fatalf("the normal form does not parse: %v\n%s", err, na)
		}
		if !bytes.Equal(back.Normal(), na) {
			t.Fatalf("the normal form is not a fixed point:\n%s\n%s", na, back.Normal())
		}
		if !Equal(a, back) {
			t.Fatalf("the normal form does not mean the same as the document:\n%s\n%s", a.Minified(), na)
		}
		// The form that keeps letters means the same and has the same normal form.
		kept, err := Parse(a.NormalKeepingLetters())
		if err != nil || !Equal(a, kept) || !bytes.Equal(kept.Normal(), na) {
			t.Fatalf("NormalKeepingLetters does not mean the same as the document (%v):\n%s\n%s", err, a.Minified(), a.NormalKeepingLetters())
		}
		for j := i + 1; j < len(docs); j++ {
			b := docs[j]
			eq, same := Equal(a, b), bytes.Equal(na, normals[j])
			if eq != same {
				t.Fatalf("Equal = %v but same normal form = %v:\n%s\n%s\nnormal forms:\n%s\n%s", eq, same, a.Minified(), b.Minified(), na, normals[j])
			}
			if eq {
				equalPairs++
			}
		}
	}
	if equalPairs < 50 {
		t.Fatalf("only %d equal pairs among the random documents: the test proves little", equalPairs)
	}
	t.Logf("%d documents, %d equal pairs", len(docs), equalPairs)
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

// FuzzNormal: for any two documents, the same normal form exactly when Equal; the normal
// form parses, is a fixed point and means the same as the document.
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
		b, err := Parse(y)
		if err != nil {
			return
		}
		if Equal(a, b) != bytes.Equal(na, b.Normal()) {
			t.Fatalf("Equal = %v but normal forms %s and %s", Equal(a, b), na, b.Normal())
		}
	})
}

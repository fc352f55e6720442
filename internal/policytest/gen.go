package policytest

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
)

// The random policy generator of the differential tests. A case is kept as data (not as
// JSON) so that a failing one can be shrunk before it is printed. Two profiles draw from
// it: the evaluator's (Evaluator), which writes names in every case and with look-alike
// letters, puts any operator on any key and reads request values that do not parse, and
// the analyser's (Analyser), which writes names as the catalog does and compares each key
// as one type (the analysis declines keys compared as two types; its test counts those
// apart).

// Cond is one key of a condition operator with its policy values.
type Cond struct {
	Op, Key string
	Values  []string
	Single  bool // written as a string rather than a list of one
}

// Statement is a generated statement.
type Statement struct {
	Sid, Effect                              string
	Action, NotAction, Resource, NotResource []string
	HasResource, HasNotResource              bool // Resource: [] is not a missing Resource
	Conds                                    []Cond
}

// Level is an SCP level of generated policies.
type Level struct {
	Name     string
	Policies [][]Statement
}

// Request is a generated request.
type Request struct {
	Action, Resource string
	Context          map[string][]string
}

// Case is a policy set (identity policies and SCP levels) and requests.
type Case struct {
	Identity [][]Statement
	Levels   []Level
	Requests []Request
}

// KeyKind is a condition key, the operators that suit it, policy values and request
// values. Values that do not parse as the operators' types are among them on purpose.
type KeyKind struct {
	Key           string
	Ops           []string
	PolicyValues  []string
	RequestValues []string
	Multi         bool
}

// Profile is what a test draws: the names, URNs and keys, and how varied.
type Profile struct {
	stream                       uint64
	otherActions, broadActions   []string
	images, broadResources       []string
	keys                         []KeyKind
	spellings                    bool // the evaluator's variations: see the file comment
	sidChance, condChance        float64
	actions, resources, condsMax int // each list holds 1 to n items
}

// Evaluator is the evaluator's differential test's profile.
func Evaluator() Profile {
	return Profile{
		stream:         0x1a53335b,
		otherActions:   []string{"ecs:servers:list", "obs:object:GetObject", "obs:object:PutObject", "evs:volumes:create", "iam:users:get", "ims:images:nonesuch"},
		broadActions:   []string{"ims:*", "ims:images:*", "IMS:Images:*", "*:images:get*", "ims:*:create", "ims:images:?et*", "obs:*", "ims:images:*Member*", "ims:*Images:create", "ims:images:list*"},
		images:         []string{"a", "b", "img-1", "IMG-1"},
		broadResources: []string{"ims:*:*:image:*", "ims:*:acct:image:*", "ims:cn-north-4:*:image:?", "IMS:*", "ims:*:image:img-*", "*:image:a", "obs:*"},
		keys:           EvaluatorKeys,
		spellings:      true,
		sidChance:      0.5, condChance: 0.6,
		actions: 3, resources: 3, condsMax: 3,
	}
}

// Analyser is the analyser's differential test's profile; Gen.UseKeys narrows its keys
// per pair.
func Analyser() Profile {
	return Profile{
		stream:         0x9a11,
		otherActions:   []string{"ecs:servers:list", "obs:object:GetObject", "obs:object:PutObject", "evs:volumes:create"},
		broadActions:   []string{"ims:*", "ims:images:*", "IMS:Images:*", "*:images:get*", "ims:*:create", "ims:images:?et*", "obs:*", "ims:images:*Member*", "ims:*Images:create", "ims:images:list*", "*:object:*"},
		images:         []string{"a", "img-1", "IMG-1"},
		broadResources: []string{"ims:*:*:image:*", "ims:*:acct:image:*", "ims:cn-north-4:*:image:?", "ims:*:image:img-*", "*:image:a", "obs:*"},
		keys:           AnalyserKeys,
		sidChance:      0.3, condChance: 0.5,
		actions: 2, resources: 2, condsMax: 2,
	}
}

// Gen draws cases of a profile.
type Gen struct {
	R     *rand.Rand
	p     Profile
	names []string // every name the catalog knows
}

// NewGen starts a generator of profile p at seed.
func NewGen(p Profile, seed uint64) *Gen {
	return &Gen{R: rand.New(rand.NewPCG(seed, p.stream)), p: p, names: catalog.KnownNames()}
}

// UseKeys makes conditions draw from keys only.
func (g *Gen) UseKeys(keys []KeyKind) { g.p.keys = keys }

// Pick returns one of xs.
func (g *Gen) Pick(xs ...string) string { return xs[g.R.IntN(len(xs))] }

// Chance is true with probability p.
func (g *Gen) Chance(p float64) bool { return g.R.Float64() < p }

// mixCase changes the case of some letters.
func (g *Gen) mixCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if g.Chance(0.3) {
			switch {
			case 'a' <= c && c <= 'z':
				b[i] = c - 'a' + 'A'
			case 'A' <= c && c <= 'Z':
				b[i] = c - 'A' + 'a'
			}
		}
	}
	return string(b)
}

// spelling returns a name as a request or a policy may write it: mostly as the catalog
// does, sometimes lower case or mixed.
func (g *Gen) spelling(s string) string {
	switch g.R.IntN(20) {
	case 0, 1:
		return strings.ToLower(s)
	case 2, 3:
		return g.mixCase(s)
	case 4:
		return g.lookalike(s)
	}
	return s
}

// lookalikes are non-ASCII characters that Unicode case rules equate with ASCII letters:
// the long s and the Kelvin sign fold into s and k; the dotless ı upper-cases to I, and
// the dotted İ lower-cases to i and a combining dot.
var lookalikes = map[byte][]string{'s': {"ſ"}, 'S': {"ſ"}, 'k': {"\u212a"}, 'K': {"\u212a"}, 'i': {"ı", "İ"}, 'I': {"ı", "İ"}}

// lookalike replaces one letter of s by a look-alike, when s has a letter that has one.
func (g *Gen) lookalike(s string) string {
	var at []int
	for i := 0; i < len(s); i++ {
		if lookalikes[s[i]] != nil {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return s
	}
	i := at[g.R.IntN(len(at))]
	return s[:i] + g.Pick(lookalikes[s[i]]...) + s[i+1:]
}

// RequestAction returns a request's action: a catalog name, or another service's.
func (g *Gen) RequestAction() string {
	if g.Chance(0.1) {
		return g.spelling(g.Pick(g.p.otherActions...))
	}
	return g.spelling(g.names[g.R.IntN(len(g.names))])
}

// ActionPattern returns an Action value: a catalog name (or alias) as is, with some
// characters turned into `?`, with a part turned into `*`, or a broad pattern; with the
// spellings, in another case or with a look-alike letter too.
func (g *Gen) ActionPattern() string {
	switch g.R.IntN(12) {
	case 0:
		return "*"
	case 1:
		return g.Pick(g.p.broadActions...)
	case 2:
		return g.Pick(g.p.otherActions...)
	}
	n := g.names[g.R.IntN(len(g.names))]
	switch g.R.IntN(5) {
	case 0:
		marks := 1
		if g.p.spellings {
			marks += g.R.IntN(3)
		}
		return g.questionMarks(n, marks)
	case 1:
		return g.starOver(n)
	case 2:
		if g.p.spellings {
			return g.mixCase(n)
		}
	case 3:
		if g.p.spellings && g.Chance(0.2) {
			return g.lookalike(n)
		}
	}
	return n
}

// questionMarks turns n characters of s (bytes, the same one perhaps twice) into `?`.
func (g *Gen) questionMarks(s string, n int) string {
	b := []byte(s)
	for range n {
		b[g.R.IntN(len(b))] = '?'
	}
	return string(b)
}

// starOver turns a substring of s (perhaps empty) into `*`.
func (g *Gen) starOver(s string) string {
	i := g.R.IntN(len(s))
	j := i + g.R.IntN(len(s)-i+1)
	return s[:i] + "*" + s[j:]
}

var (
	regions  = []string{"cn-north-4", "cn-east-3"}
	accounts = []string{"acct", "0a1b2c"}
)

// URN returns an image URN.
func (g *Gen) URN() string {
	return "ims:" + g.Pick(regions...) + ":" + g.Pick(accounts...) + ":image:" + g.Pick(g.p.images...)
}

// RequestResource returns a request's resource: mostly an image URN.
func (g *Gen) RequestResource() string {
	if g.Chance(0.15) {
		return g.Pick("*", "obs:cn-north-4:acct:bucket:b1")
	}
	return g.URN()
}

// ResourcePattern returns a Resource value: a URN, with a `?` or a `*`, or a broad pattern.
func (g *Gen) ResourcePattern() string {
	switch g.R.IntN(8) {
	case 0:
		return "*"
	case 1:
		return g.Pick(g.p.broadResources...)
	}
	u := g.URN()
	ways := 3
	if g.p.spellings {
		ways = 4
	}
	switch g.R.IntN(ways) {
	case 0:
		return g.questionMarks(u, 1)
	case 1:
		return g.starOver(u)
	case 2:
		if g.p.spellings {
			return g.mixCase(u)
		}
	}
	return u
}

var allOperators = condition.Names()

// Cond returns one key's condition.
func (g *Gen) Cond() Cond {
	k := g.p.keys[g.R.IntN(len(g.p.keys))]
	base := k.Ops[g.R.IntN(len(k.Ops))]
	if g.p.spellings && g.Chance(0.05) {
		base = allOperators[g.R.IntN(len(allOperators))] // any operator on any key
	}
	op := base
	if g.Chance(0.25) || (g.p.spellings && k.Multi && g.Chance(0.5)) {
		op = g.Pick("ForAnyValue:", "ForAllValues:") + op
	}
	if g.Chance(0.25) {
		op += "IfExists"
	}
	if !g.p.spellings && g.Chance(0.02) {
		// A key compared as another type: the analysis must answer Unknown.
		base = g.Pick("StringEquals", "NumberEquals", "Bool", "DateLessThan", "IpAddress")
		op = base
	}
	var values []string
	switch {
	case base == condition.Null && g.p.spellings:
		values = append(values, g.Pick("true", "false", "true", "false", "maybe"))
	case base == condition.Null:
		values = []string{g.Pick("true", "false")}
	default:
		for range 1 + g.R.IntN(g.p.condsMax) {
			values = append(values, k.PolicyValues[g.R.IntN(len(k.PolicyValues))])
		}
	}
	if !g.p.spellings {
		return Cond{Op: op, Key: k.Key, Values: values}
	}
	return Cond{Op: op, Key: g.spelling(k.Key), Values: values, Single: len(values) == 1 && g.Chance(0.5)}
}

// Statement returns a statement of an identity policy, or of an SCP (mostly broad allows
// and narrow denies).
func (g *Gen) Statement(scp bool) Statement {
	s := Statement{Effect: "Allow"}
	if g.Chance(0.3) {
		s.Effect = "Deny"
	}
	if g.Chance(g.p.sidChance) {
		s.Sid = fmt.Sprintf("S%d", g.R.IntN(100))
	}
	var list []string
	for range 1 + g.R.IntN(g.p.actions) {
		list = append(list, g.ActionPattern())
	}
	if scp && s.Effect == "Allow" && g.Chance(0.5) {
		list = []string{"*"}
	}
	if g.Chance(0.15) {
		s.NotAction = list
	} else {
		s.Action = list
	}
	if g.p.spellings && g.Chance(0.02) {
		s.Action, s.NotAction = []string{}, nil // an empty Action matches nothing
	}
	switch g.R.IntN(10) {
	case 0, 1, 2: // no Resource: everything
	case 3:
		s.HasNotResource = true
		n := 1
		if g.p.spellings {
			n += g.R.IntN(2)
		}
		for range n {
			s.NotResource = append(s.NotResource, g.ResourcePattern())
		}
	default:
		s.HasResource = true
		for range 1 + g.R.IntN(g.p.resources) {
			s.Resource = append(s.Resource, g.ResourcePattern())
		}
	}
	if g.Chance(g.p.condChance) {
		seen := map[string]bool{}
		for range 1 + g.R.IntN(g.p.condsMax) {
			c := g.Cond()
			if id := c.Op + "\x00" + c.Key; !seen[id] { // one key once per operator (JSON has no duplicate names)
				seen[id] = true
				s.Conds = append(s.Conds, c)
			}
		}
	}
	return s
}

// Policy returns one to four statements.
func (g *Gen) Policy(scp bool) []Statement {
	var sts []Statement
	for range 1 + g.R.IntN(4) {
		sts = append(sts, g.Statement(scp))
	}
	return sts
}

// Context returns a request context over the profile's keys: keys absent, present with
// no values, with several values, and spelt twice.
func (g *Gen) Context() map[string][]string {
	ctx := map[string][]string{}
	for _, k := range g.p.keys {
		if g.Chance(0.45) {
			continue
		}
		n := 1
		if k.Multi {
			n = g.R.IntN(4) // none, one or several values
		} else if g.Chance(0.05) {
			n = 0 // given with no values: present, and empty
		}
		var vs []string
		for range n {
			vs = append(vs, k.RequestValues[g.R.IntN(len(k.RequestValues))])
		}
		ctx[g.spelling(k.Key)] = vs
		if k.Multi && g.Chance(0.1) { // the same key twice, spelled differently
			ctx[strings.ToUpper(k.Key)] = []string{k.RequestValues[g.R.IntN(len(k.RequestValues))]}
		}
	}
	if g.Chance(0.2) {
		ctx["g:PrincipalAccount"] = []string{"acct"} // a key no condition looks for
	}
	return ctx
}

// Case returns a policy set of up to three identity policies and three SCP levels, and
// eight requests.
func (g *Gen) Case() Case {
	var c Case
	for range g.R.IntN(4) {
		c.Identity = append(c.Identity, g.Policy(false))
	}
	for i := range g.Pick("0", "0", "1", "2", "3")[0] - '0' {
		lv := Level{Name: []string{"root", "ou-prod", "acct-1"}[i]}
		for range g.R.IntN(3) {
			lv.Policies = append(lv.Policies, g.Policy(true))
		}
		c.Levels = append(c.Levels, lv)
	}
	for range 8 {
		c.Requests = append(c.Requests, Request{Action: g.RequestAction(), Resource: g.RequestResource(), Context: g.Context()})
	}
	return c
}

// Describe prints a case for a failure message: its policies, levels and requests.
func (c *Case) Describe() string {
	var b strings.Builder
	for i, p := range c.Identity {
		fmt.Fprintf(&b, "  identity[%d]: %s\n", i, PolicyJSON(p))
	}
	for _, lv := range c.Levels {
		fmt.Fprintf(&b, "  scp level %q:\n", lv.Name)
		for i, p := range lv.Policies {
			fmt.Fprintf(&b, "    scp[%s][%d]: %s\n", lv.Name, i, PolicyJSON(p))
		}
		if len(lv.Policies) == 0 {
			b.WriteString("    (no SCPs)\n")
		}
	}
	for _, rq := range c.Requests {
		ctx, _ := json.Marshal(rq.Context)
		fmt.Fprintf(&b, "  request: action %q on %q, context %s\n", rq.Action, rq.Resource, ctx)
	}
	return b.String()
}

// JSONString writes s as a JSON string.
func JSONString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonList(vs []string, single bool) string {
	if single && len(vs) == 1 {
		return JSONString(vs[0])
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = JSONString(v)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// PolicyJSON writes statements as a policy document, some lists of one as single strings
// (StatementJSON).
func PolicyJSON(statements []Statement) string {
	sts := make([]string, len(statements))
	for i, s := range statements {
		sts[i] = StatementJSON(s, true)
	}
	return `{"Version":"5.0","Statement":[` + strings.Join(sts, ",") + "]}"
}

// StatementJSON writes a statement; with singles, an Action of one name of even length,
// a Resource of one pattern of odd length and the conditions marked Single are written as
// strings. Conditions with the same operator share its object, in the order the operators
// first appear.
func StatementJSON(s Statement, singles bool) string {
	var f []string
	if s.Sid != "" {
		f = append(f, `"Sid":`+JSONString(s.Sid))
	}
	f = append(f, `"Effect":`+JSONString(s.Effect))
	if s.Action != nil {
		f = append(f, `"Action":`+jsonList(s.Action, singles && len(s.Action) == 1 && len(s.Action[0])%2 == 0))
	}
	if s.NotAction != nil {
		f = append(f, `"NotAction":`+jsonList(s.NotAction, false))
	}
	if s.HasResource {
		f = append(f, `"Resource":`+jsonList(s.Resource, singles && len(s.Resource) == 1 && len(s.Resource[0])%2 == 1))
	}
	if s.HasNotResource {
		f = append(f, `"NotResource":`+jsonList(s.NotResource, false))
	}
	if len(s.Conds) > 0 {
		var ops []string
		keys := map[string][]string{}
		for _, c := range s.Conds {
			if _, ok := keys[c.Op]; !ok {
				ops = append(ops, c.Op)
			}
			keys[c.Op] = append(keys[c.Op], JSONString(c.Key)+":"+jsonList(c.Values, singles && c.Single))
		}
		var cs []string
		for _, op := range ops {
			cs = append(cs, JSONString(op)+":{"+strings.Join(keys[op], ",")+"}")
		}
		f = append(f, `"Condition":{`+strings.Join(cs, ",")+"}")
	}
	return "{" + strings.Join(f, ",") + "}"
}

// OtherActions are the names of other services' actions the profile draws.
func (p Profile) OtherActions() []string { return p.otherActions }

// Flags registers a differential test's flags, -<prefix>.seed and -<prefix>.sets: the
// generator's seed, so that every run checks the same cases until one asks for others, and
// how many cases (sets describes them) it draws.
func Flags(prefix string, seed uint64, sets int, what string) (*uint64, *int) {
	return flag.Uint64(prefix+".seed", seed, "seed of the "+what+" generator"),
		flag.Int(prefix+".sets", sets, "how many "+what+" cases to generate")
}

// Short is how many of n cases a test draws: a tenth under -short.
func Short(n int) int {
	if testing.Short() {
		return n / 10
	}
	return n
}

// MixCase changes the case of some ASCII letters, as a respelling may.
func (g *Gen) MixCase(s string) string { return g.mixCase(s) }

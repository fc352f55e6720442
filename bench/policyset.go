// Package bench compares the provider's evaluator with cedar-go on the same work: one
// generated policy set, written both as IMS identity policies and as Cedar policies, and
// the same requests. It is a module of its own so that cedar-go never enters the
// provider's dependencies.
//
// The generator keeps to what both languages say the same way: exact actions and the
// IMS aliases (Cedar action groups), exact resources and `*` patterns (Cedar `like` on a
// urn attribute), and conditions that compare strings, booleans and integers (Cedar
// `when` clauses over context attributes, guarded by `has` as an absent IMS key makes a
// positive operator false and a negated one true). Cedar has no SCPs: the set is identity
// policies only.
package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// Statement is one generated statement. Resources nil means no Resource element.
type Statement struct {
	Deny      bool
	Actions   []string
	Resources []string
	Conds     []Cond
}

// Cond is one condition: an operator, a key and its values.
type Cond struct {
	Op, Key string
	Values  []string
}

// Request is one generated request, its context as strings (IMS) and typed (Cedar).
type Request struct {
	Action, Resource string
	Context          map[string]string
}

// keyTypes are the context keys the generator uses and how Cedar types them.
var keyTypes = map[string]string{
	"ims:Region":         "string",
	"g:RequestedRegion":  "string",
	"g:ResourceTag/team": "string",
	"ims:Encrypted":      "bool",
	"g:ImageSizeGB":      "long",
}

// Generate returns n statements and requests for them, the same for the same seed.
func Generate(n, requests int, seed uint64) ([]Statement, []Request) {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	var names, withResources []string // every action; those that take resource URNs
	for _, a := range catalog.Actions() {
		names = append(names, a.Name)
		if a.SupportsResources() {
			withResources = append(withResources, a.Name)
		}
	}
	aliases := []string{"ims:images:update", "ims:images:copy", "ims:images:share", "ims:images:list"}
	regions := []string{"cn-north-4", "cn-east-3"}
	urn := func() string {
		return fmt.Sprintf("ims:%s:0a1b2c:image:img-%d", regions[r.IntN(2)], r.IntN(100))
	}
	var sts []Statement
	for range n {
		s := Statement{Deny: r.IntN(100) < 15}
		switch r.IntN(10) {
		case 0, 1:
			s.Resources = []string{"*"}
		case 2, 3, 4:
			s.Resources = []string{fmt.Sprintf("ims:%s:0a1b2c:image:team%d-*", []string{"cn-north-4", "cn-east-3", "*"}[r.IntN(3)], r.IntN(10))}
		case 5:
		case 6:
			s.Resources = []string{urn()}
		default:
			s.Resources = []string{urn(), urn()}
		}
		// A statement naming URNs may list only actions that take them (the checker's
		// resource_not_supported), and so no alias, which grants some that do not.
		specific := len(s.Resources) > 0 && s.Resources[0] != "*"
		for range 1 + r.IntN(3) {
			switch {
			case specific:
				s.Actions = append(s.Actions, withResources[r.IntN(len(withResources))])
			case r.IntN(8) == 0:
				s.Actions = append(s.Actions, aliases[r.IntN(len(aliases))])
			default:
				s.Actions = append(s.Actions, names[r.IntN(len(names))])
			}
		}
		if r.IntN(2) == 0 {
			conds := []Cond{
				{"StringEquals", "ims:Region", []string{"cn-north-4", "cn-east-3"}},
				{"Bool", "ims:Encrypted", []string{"true"}},
				{"StringEquals", "g:ResourceTag/team", []string{fmt.Sprintf("team%d", r.IntN(10))}},
				{"StringNotEquals", "g:RequestedRegion", []string{"cn-north-4"}},
				{"NumberLessThan", "g:ImageSizeGB", []string{strconv.Itoa(50 + r.IntN(100))}},
			}
			first := r.IntN(len(conds))
			s.Conds = append(s.Conds, conds[first])
			if second := r.IntN(len(conds)); r.IntN(3) == 0 && conds[second].Op != conds[first].Op {
				s.Conds = append(s.Conds, conds[second])
			}
		}
		sts = append(sts, s)
	}
	var reqs []Request
	for range requests {
		rq := Request{Action: names[r.IntN(len(names))], Context: map[string]string{}}
		switch r.IntN(4) {
		case 0:
			rq.Resource = "*"
		case 1:
			rq.Resource = fmt.Sprintf("ims:%s:0a1b2c:image:team%d-%d", regions[r.IntN(2)], r.IntN(10), r.IntN(100))
		default:
			rq.Resource = urn()
		}
		if r.IntN(4) > 0 {
			rq.Context["ims:Region"] = []string{"cn-north-4", "cn-east-3", "ap-southeast-1"}[r.IntN(3)]
			rq.Context["g:RequestedRegion"] = regions[r.IntN(2)]
			rq.Context["ims:Encrypted"] = []string{"true", "false"}[r.IntN(2)]
			rq.Context["g:ResourceTag/team"] = fmt.Sprintf("team%d", r.IntN(10))
			rq.Context["g:ImageSizeGB"] = strconv.Itoa(r.IntN(200))
		}
		reqs = append(reqs, rq)
	}
	return sts, reqs
}

// PolicyJSON writes statements as IMS identity policies of at most per statements each.
func PolicyJSON(sts []Statement, per int) []string {
	var docs []string
	for start := 0; start < len(sts); start += per {
		var parts []string
		for _, s := range sts[start:min(start+per, len(sts))] {
			effect := "Allow"
			if s.Deny {
				effect = "Deny"
			}
			f := []string{`"Effect":"` + effect + `"`, `"Action":` + jsonList(s.Actions)}
			if s.Resources != nil {
				f = append(f, `"Resource":`+jsonList(s.Resources))
			}
			if len(s.Conds) > 0 {
				var cs []string
				for _, c := range s.Conds {
					cs = append(cs, strconv.Quote(c.Op)+`:{`+strconv.Quote(c.Key)+`:`+jsonList(c.Values)+`}`)
				}
				f = append(f, `"Condition":{`+strings.Join(cs, ",")+`}`)
			}
			parts = append(parts, "{"+strings.Join(f, ",")+"}")
		}
		docs = append(docs, `{"Version":"5.0","Statement":[`+strings.Join(parts, ",")+`]}`)
	}
	return docs
}

func jsonList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v) // the generated strings are ASCII: Go and JSON quoting agree
	}
	return "[" + strings.Join(q, ",") + "]"
}

// groups are the names that are aliases: Cedar action groups.
var groups = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range catalog.Actions() {
		for _, al := range a.Aliases {
			m[al] = true
		}
	}
	return m
}()

// Cedar translates statements to Cedar policies, one per statement.
func Cedar(sts []Statement) (string, error) {
	var b strings.Builder
	for i, s := range sts {
		effect := "permit"
		if s.Deny {
			effect = "forbid"
		}
		acts := make([]string, len(s.Actions))
		for j, a := range s.Actions {
			acts[j] = fmt.Sprintf("Action::%q", a)
		}
		// An alias is an action group its actions belong to (`in` is reflexive); a single
		// action that is no group needs only `==`.
		actionScope := "action in [" + strings.Join(acts, ", ") + "]"
		if len(acts) == 1 && !groups[s.Actions[0]] {
			actionScope = "action == " + acts[0]
		}
		resourceScope := "resource"
		var when []string
		var exact, patterns []string
		for _, p := range s.Resources {
			switch {
			case strings.ContainsRune(p, '?'):
				return "", fmt.Errorf("statement %d: Cedar patterns have no ?: %q", i, p)
			case strings.ContainsRune(p, '*'):
				patterns = append(patterns, p)
			default:
				exact = append(exact, p)
			}
		}
		if slices.Contains(s.Resources, "*") { // matches every resource
			exact, patterns = nil, nil
		}
		var alts []string
		switch {
		case len(exact) == 1 && len(patterns) == 0:
			resourceScope = fmt.Sprintf("resource == Image::%q", exact[0])
		default:
			for _, u := range exact {
				alts = append(alts, fmt.Sprintf("resource == Image::%q", u))
			}
		}
		for _, p := range patterns {
			alts = append(alts, fmt.Sprintf("resource.urn like %q", p)) // URNs hold no quotes or backslashes
		}
		if len(alts) > 0 {
			when = append(when, "("+strings.Join(alts, " || ")+")")
		}
		for _, c := range s.Conds {
			e, err := cedarCondition(c)
			if err != nil {
				return "", fmt.Errorf("statement %d: %w", i, err)
			}
			when = append(when, e)
		}
		fmt.Fprintf(&b, "@id(\"s%d\")\n%s (\n  principal,\n  %s,\n  %s\n)", i, effect, actionScope, resourceScope)
		if len(when) > 0 {
			fmt.Fprintf(&b, "\nwhen { %s }", strings.Join(when, " && "))
		}
		b.WriteString(";\n\n")
	}
	return b.String(), nil
}

func cedarCondition(c Cond) (string, error) {
	has := fmt.Sprintf("context has %q", c.Key)
	attr := fmt.Sprintf("context[%q]", c.Key)
	values := make([]string, len(c.Values))
	for i, v := range c.Values {
		switch keyTypes[c.Key] {
		case "string":
			values[i] = strconv.Quote(v)
		case "bool", "long":
			values[i] = v
		default:
			return "", fmt.Errorf("key %s has no Cedar type", c.Key)
		}
	}
	eq := make([]string, len(values))
	ne := make([]string, len(values))
	for i, v := range values {
		eq[i], ne[i] = attr+" == "+v, attr+" != "+v
	}
	switch c.Op {
	case "StringEquals", "Bool": // values are OR'ed
		return fmt.Sprintf("(%s && (%s))", has, strings.Join(eq, " || ")), nil
	case "StringNotEquals": // an absent key satisfies a negated operator
		return fmt.Sprintf("(!(%s) || (%s))", has, strings.Join(ne, " && ")), nil
	case "NumberLessThan":
		if len(values) != 1 {
			return "", fmt.Errorf("NumberLessThan with %d values", len(values))
		}
		return fmt.Sprintf("(%s && %s < %s)", has, attr, values[0]), nil
	}
	return "", fmt.Errorf("operator %s has no Cedar translation", c.Op)
}

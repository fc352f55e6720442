package evaluator

// The IAM v3 ("Version": "1.1") evaluator. A v3 policy is decided by the rules of the
// reference notes (../shared/reference/iam-v3-ims.md §3; the vendor's "Policy Syntax":
// opentelekomcloud-docs/identity-access-management umn/source/user_guide/permissions/policy_syntax.rst
// @ 9d2eac9fd0f9940ede2c67284534aca0a35d79ea, and huaweicloudDocs/iam 用户指南/策略语法.md
// @ 5d5f9de0e0b68887916a1724f219379ac30a1bf3), which differ from v5's in the names of actions
// and condition operators, not in how statements combine: an applicable Deny wins, else an
// applicable Allow, else the request is denied (notes §3.5, "策略鉴权规则"). So a v3 policy
// is compiled into the same statements as a v5 one, each v3 rule applied once, here, at
// compile time:
//
//   - Actions are "service:resource-type:action". The service name is lower case ("Only
//     lowercase letters are allowed"), resource type and action ignore case, and `*` stands
//     for all or part of a segment (notes §3.2). A pattern is matched segment by segment
//     against the 13 v3 IMS actions (catalog.V3Actions) and compiled to the names it
//     matches, so that `ims:images:*` grants what v3 grants and never a v5 action such as
//     ims:images:import. `?` is not documented (notes §3.2, open) and a pattern with it, or
//     with other than three segments, is refused: it cannot be decided. Other services'
//     actions are kept as written (only a lower-case service), for the combined decision.
//   - Operators: the union of the two documented sets (notes §3.3). The 2023 set and the
//     2022 prefix/suffix forms are the condition package's operators of the same names;
//     the 2022 forms are read so (inferred): `…AnyOf` as its base (several values of a key
//     are OR'ed in both), StringLike ("请求值包含条件值", contains) as StringMatch `*v*`,
//     IsNull as Null "true", IsNotNull as Null "false". IsNullOrEmpty, and StringLike of a
//     value holding `*` or `?`, have no exact reading and are refused.
//   - Keys are compared as v5's (the v3 global keys of notes §3.4 are typed by the
//     catalog where v5 has them, else by the operators applied to them).
//
// A refused policy yields an error that says which element and why; the callers answer
// "unknown" with it rather than guess.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// V3Statement is a checked v3 statement as the v3 evaluator reads it: Effect "Allow" or
// "Deny" (in any case), the Action (or NotAction) patterns, the Resource patterns (nil:
// absent) and the conditions.
type V3Statement struct {
	Effect    string
	Action    []string
	NotAction []string
	Resource  []string
	Condition []V3Condition
	// resourceObject is set for a Resource written as an object (V3PolicyOf).
	resourceObject bool
}

// V3Condition is one operator and key of a v3 Condition block, with its values.
type V3Condition struct {
	Operator, Key string
	Values        []string
}

// V3Policy is one v3 document's statements.
type V3Policy struct {
	Statements []V3Statement
}

// V3Error is why a v3 policy cannot be decided: the element and the reason.
type V3Error struct {
	Policy, Statement int
	Element           string // e.g. "Action[2]" or "Condition.StringLike"
	Reason            string
}

func (e *V3Error) Error() string {
	return fmt.Sprintf("identity[%d] Statement[%d].%s: %s", e.Policy, e.Statement, e.Element, e.Reason)
}

// NewV3PolicySet compiles checked v3 policies into a PolicySet of one identity layer, named
// identity[<index>] like v5's, each statement at its own index. Ask it for v3 action names
// (Evaluate) or v3 API rows (EvaluateAPI with a permission built from the v3 table).
func NewV3PolicySet(policies []V3Policy) (*PolicySet, error) {
	docs := make([]namedDocument, len(policies))
	for pi, p := range policies {
		doc, err := v3Document(p, pi)
		if err != nil {
			return nil, err
		}
		docs[pi] = namedDocument{name: policyName(IdentityLayer, pi), doc: doc}
	}
	return compile(docs, nil), nil
}

// v3Document reads each statement of a v3 policy once (v3Reading), one v5-grammar
// statement per v3 statement, so that statement indexes are the v3 document's; an error
// names the policy by index.
func v3Document(p V3Policy, index int) (*policy.Document, *V3Error) {
	doc := &policy.Document{Version: &policy.Str{Value: policy.V3CustomVersion}}
	for si, s := range p.Statements {
		st, err := v3Reading(s)
		if err != nil {
			err.Policy, err.Statement = index, si
			return nil, err
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

// V3Reading returns the v5-grammar statement that the v5 rules decide as the v3 rules
// decide s, for the migration; an error says why there is none.
func V3Reading(s V3Statement) (policy.Statement, error) {
	st, err := v3Reading(s)
	if err != nil {
		return policy.Statement{}, err
	}
	return st, nil
}

func v3Reading(s V3Statement) (policy.Statement, *V3Error) {
	var st policy.Statement
	var effect string
	switch {
	case strings.EqualFold(s.Effect, "Allow"):
		effect = "Allow"
	case strings.EqualFold(s.Effect, "Deny"):
		effect = "Deny"
	default: // the v3 checker's to report; deciding it either way would be a guess
		return st, &V3Error{Element: "Effect", Reason: fmt.Sprintf(`%q is not "Allow" or "Deny" (IAM.1029)`, s.Effect)}
	}
	if s.Action == nil && s.NotAction == nil {
		return st, &V3Error{Element: "Action", Reason: "the statement has no Action: write the actions it allows or denies"}
	}
	st.Effect = &policy.Str{Value: effect}
	patterns, elem := s.Action, "Action"
	if s.NotAction != nil {
		patterns, elem = s.NotAction, "NotAction"
	}
	var names []string
	for i, p := range patterns {
		matched, err := V3Match(p)
		if err != nil {
			return st, &V3Error{Element: fmt.Sprintf("%s[%d]", elem, i), Reason: err.Error()}
		}
		for _, n := range matched {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		if !v3IMSService(p) && v3ServiceOK(p) && !slices.Contains(names, p) {
			names = append(names, p) // another service's action, for the combined decision
		}
	}
	if names == nil {
		names = []string{} // an Action matching nothing: the statement applies to nothing
	}
	if s.NotAction != nil {
		st.NotAction = policy.NewList(names...)
	} else {
		st.Action = policy.NewList(names...)
	}
	if s.resourceObject {
		return st, &V3Error{Element: "Resource", Reason: `a Resource object ({"uri": [...]}) is the agency policies' form and names no IMS resource`}
	}
	if s.Resource != nil {
		if len(names) > 0 && slices.ContainsFunc(names, v3IMSService) {
			for i, r := range s.Resource {
				if r != "*" {
					return st, &V3Error{Element: fmt.Sprintf("Resource[%d]", i), Reason: fmt.Sprintf("%q restricts IMS actions, but IMS has no resource-level authorization in v3 "+
						"(reference notes §3.1: IMS is not among the services of iam_01_0610, and its v3 tables have no resource column), and what IAM does with it is open (§5, question 4); "+
						`write "Resource": ["*"] or leave Resource out`, r)}
				}
			}
		}
		st.Resource = policy.NewList(s.Resource...)
	}
	for _, c := range s.Condition {
		op, values, err := v3Operator(c.Operator, c.Values)
		if err != nil {
			return st, &V3Error{Element: "Condition." + c.Operator, Reason: err.Error()}
		}
		st.AddCondition(op, c.Key, values...)
	}
	return st, nil
}

// v3IMSService reports whether the pattern's service segment could match "ims".
func v3IMSService(p string) bool {
	svc, _, _ := strings.Cut(p, ":")
	return wildcard.MatchCase(svc, "ims")
}

// v3ServiceOK reports whether the pattern's service segment is lower case, as v3 requires.
func v3ServiceOK(p string) bool {
	svc, _, _ := strings.Cut(p, ":")
	return svc == strings.ToLower(svc)
}

// V3Match returns the v3 IMS actions (catalog.V3Actions) a v3 action pattern matches, by
// the v3 rules (see the file's comment); an error when the pattern cannot be decided.
func V3Match(pattern string) ([]string, error) {
	if strings.ContainsRune(pattern, '?') {
		return nil, fmt.Errorf("%q: `?` in a v3 action is not documented (the vendor documents only `*`), so what it matches cannot be decided", pattern)
	}
	segs := strings.Split(pattern, ":")
	if len(segs) != 3 {
		if v3IMSService(pattern) {
			return nil, fmt.Errorf("%q is not of the form service:resource-type:action, so what it matches cannot be decided", pattern)
		}
		return nil, nil
	}
	var out []string
	for _, a := range catalog.V3Actions() {
		as := strings.Split(a.Name, ":")
		// The service as written (lower case only); the rest ignoring case.
		if wildcard.MatchCase(segs[0], as[0]) && wildcard.Match(segs[1], as[1]) && wildcard.Match(segs[2], as[2]) {
			out = append(out, a.Name)
		}
	}
	return out, nil
}

// v3Operator reads a v3 operator as a condition operator of this evaluator, with its values.
func v3Operator(name string, values []string) (string, []string, error) {
	parts := policy.ParseOperator(name)
	base := parts.Base
	rebuild := func(b string) string {
		p := parts
		p.Base = b
		return p.String()
	}
	switch {
	case strings.HasSuffix(base, "AnyOf"):
		b := strings.TrimSuffix(base, "AnyOf")
		if _, ok := policy.LookupV3Operator(base); !ok {
			return "", nil, fmt.Errorf("operator %s is in neither documented v3 operator set", name)
		}
		return v3Operator(rebuild(b), values)
	case base == "StringLike" || base == "StringNotLike":
		out := make([]string, len(values))
		for i, v := range values {
			if strings.ContainsAny(v, "*?") {
				return "", nil, fmt.Errorf("%s value %q holds `*` or `?`, which StringLike compares literally and this evaluator cannot", name, v)
			}
			out[i] = "*" + v + "*"
		}
		m := "StringMatch"
		if base == "StringNotLike" {
			m = "StringNotMatch"
		}
		return rebuild(m), out, nil
	case base == "IsNull" || base == "IsNotNull":
		if parts.IfExists || parts.Qualifier != policy.NoQualifier {
			return "", nil, fmt.Errorf("operator %s: %s takes no qualifier or IfExists", name, base)
		}
		return "Null", []string{map[bool]string{true: "true", false: "false"}[base == "IsNull"]}, nil
	}
	// The documented operators are the checker's table (policy.LookupV3Operator); each is
	// read as the condition package's operator of the same name.
	if base == "IsNullOrEmpty" {
		return "", nil, fmt.Errorf("operator %s (2022 set) has no documented meaning exact enough to decide: is an empty string empty?", name)
	}
	if _, ok := policy.LookupV3Operator(base); !ok {
		return "", nil, fmt.Errorf("operator %s is in neither documented v3 operator set", name)
	}
	return name, values, nil
}

// EvaluateAPI decides a request for an API whose permission the caller gives: a v5 table
// row (catalog.LookupAPI) for a v5 set, or a v3 table row for a v3 set (NewV3PolicySet).
// The request is allowed only when every required action and every dependency is allowed,
// each on the request's resource and context (see Simulate's API requests).
func (e *PolicySet) EvaluateAPI(api catalog.APIPermission, resource string, ctx Context) (Result, []ActionResult) {
	return e.evaluateAPI(api, resource, ctx)
}

// V3PolicyOf reads a parsed v3 document (policy.ParseV3) as the v3 evaluator's policy.
// Depends (1.0 roles) grants nothing by itself: the roles it names must be granted as
// well, each a policy of its own (notes §3.6). A Resource written as an object (agency
// policies' {"uri": [...]}) is refused by NewV3PolicySet: it names no IMS resource.
func V3PolicyOf(d *policy.V3Document) V3Policy {
	var p V3Policy
	for i := range d.Statements {
		s := &d.Statements[i]
		st := V3Statement{Action: s.Action.Values(), Resource: s.Resource.Values()}
		if s.Effect != nil {
			st.Effect = s.Effect.Value
		}
		if s.NotAction != nil {
			st.NotAction = s.NotAction.Values()
			if st.NotAction == nil {
				st.NotAction = []string{}
			}
		}
		if s.ResourceObject != nil {
			st.resourceObject = true
		}
		if s.Condition != nil {
			for _, op := range s.Condition.Ops {
				for _, k := range op.Keys {
					st.Condition = append(st.Condition, V3Condition{Operator: op.Name, Key: k.Name, Values: k.Values.Values()})
				}
			}
		}
		p.Statements = append(p.Statements, st)
	}
	return p
}

// NewPrincipalPolicySet compiles one principal's v5 identity policies and v3 policies into
// one identity layer, for decisions through the v5 table: the documents are named
// identity[<index>], the v3 ones after the v5 ones, each v3 statement read as NewV3PolicySet
// reads it, so that it counts for the v5 actions whose name or alias is a v3 name it
// matches (see apicall.Principal for why).
func NewPrincipalPolicySet(v5 []*policy.Checked, v3 []V3Policy) (*PolicySet, []SourceFinding, error) {
	if _, errs := NewPolicySet(Sources{Identity: v5}); len(errs) > 0 {
		return nil, errs, nil
	}
	// One reading of a principal's documents of both languages: NewMixedPolicySets', the
	// v3 policies after the v5 ones.
	docs := make([]IdentityDocument, 0, len(v5)+len(v3))
	for _, c := range v5 {
		docs = append(docs, IdentityDocument{V5: c})
	}
	for i := range v3 {
		docs = append(docs, IdentityDocument{V3: &v3[i]})
	}
	combined, _, err := NewMixedPolicySets(docs)
	var ve *V3Error
	if errors.As(err, &ve) {
		ve.Policy -= len(v5) // the index in v3, as the caller gave them
	}
	if err != nil {
		return nil, nil, err
	}
	return combined, nil, nil
}

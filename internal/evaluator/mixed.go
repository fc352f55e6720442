package evaluator

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// IdentityDocument is one identity policy of either language, as a caller lists them: a
// checked v5 document (V5) or a v3 one read by V3PolicyOf (V3).
type IdentityDocument struct {
	V5 *policy.Checked
	V3 *V3Policy
}

// NewMixedPolicySets compiles one principal's identity policies of both languages, in the
// caller's order, each named identity[<its index in docs>] whatever its language, so that
// a decision's reasons point at the document as the caller listed it. combined holds every
// document, each v3 statement read as NewPrincipalPolicySet reads it (for decisions
// through the v5 table); v3 holds the v3 documents alone (for the v3 table and v3 action
// names). The v5 documents must have no error findings (the caller's gate reports them).
// A v3 statement that cannot be decided is a *V3Error whose Policy is its index in docs.
func NewMixedPolicySets(docs []IdentityDocument) (combined, v3 *PolicySet, err error) {
	var all, v3docs []namedDocument
	for i, d := range docs {
		name := policyName(IdentityLayer, i)
		if d.V3 == nil {
			c := d.V5
			if c.Purpose() != policy.Identity {
				c = policy.CheckDocument(c.Document(), policy.Identity)
			}
			all = append(all, namedDocument{name: name, doc: c.Document()})
			continue
		}
		doc, e := v3Document(*d.V3, i)
		if e != nil {
			return nil, nil, e
		}
		all = append(all, namedDocument{name: name, doc: doc})
		v3docs = append(v3docs, namedDocument{name: name, doc: doc})
	}
	return compile(all, nil), compile(v3docs, nil), nil
}

// CheckRequestContext reports each context value of a request that cannot be read as its
// key's type, as Simulate does (RequestProblem with ContextField).
func (e *PolicySet) CheckRequestContext(entries []ContextEntry) []RequestProblem {
	room := takeRoom()
	defer room.release()
	_, problems := e.requestContext(entries, room)
	return problems
}

// ExplainAPI says in one sentence why a request for an API got its overall result, as a
// Report of an API request does (Report.Explanation).
func ExplainAPI(api, resource string, overall *Result, actions []ActionResult) string {
	return explainAPI(api, resource, overall, actions)
}

// DescribeMatches names statements as explanations do: "identity[1] statement 0 (Sid
// "x")", joined by commas.
func DescribeMatches(ms []Match) string { return describe(ms) }

package apicall

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// The simulator of identity policies of both languages: one request (an action or an IMS
// API call) to a decision and its reasons, for the imspolicy_policy_simulation data source
// and the is_allowed function.
//
// Without a v3 document among the identity policies, a request is decided exactly as
// evaluator.PolicySet.Simulate decides it, SCP levels included. With one, these rules
// apply (inferred, as Principal's; this is the one place they are written):
//
//  1. A request for an IMS API call (method and path of either table, Calls) is decided by
//     Principal's rules: through the v5 table by the v5 and v3 policies together, through
//     the v3 table by the v3 policies alone, an explicit Deny either way denies, else an
//     Allow either way allows. A quick import (v3 row 5) needs its variant ("system disk"
//     or "data disk"): v3 requires a different action for each.
//  2. A request for an action the v5 catalog knows (a table action or an alias), or for
//     another service's action, is decided through the v5 table's combined set
//     (evaluator.NewPrincipalPolicySet's reading): a v3 statement counts for the action
//     when it matches its name or one of its aliases.
//  3. A request for an IAM v3 IMS action v5 does not know (ims:images:delete) is decided
//     by the v3 policies alone: no v5 statement can name it.
//  4. SCP levels are refused (ErrSCPWithV3): SCPs are v5 documents, and the vendor says
//     only that they bound what IAM policies grant (Organizations, "SCP Principles",
//     https://support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0032.html),
//     not whether they bound v3 (role/policy) authorization, so a decision combining them
//     would be a guess in either direction.
//
// Every decision's reasons (Matched) name the document by its index in the caller's list,
// identity[<index>], whatever its language.

// ErrSCPWithV3 is why a simulation with SCP levels and a v3 identity policy is refused.
var ErrSCPWithV3 = errors.New("SCP levels cannot be combined with IAM v3 identity policies: SCPs are v5 documents, and the vendor does not " +
	"document whether they bound v3 (role/policy) authorization, so either answer would be a guess. Simulate the v3 policies without " +
	"scp_level, or migrate them to v5 first (provider::imspolicy::migrate_v3_policy or imspolicy migrate)")

// IdentityText is one identity policy document read in its language (policy.LanguageOf):
// exactly one of V5 and V3 is set.
type IdentityText struct {
	V5 *policy.Checked
	V3 *policy.V3Checked
}

// ReadIdentityTexts reads and checks identity policy texts, each in its language.
func ReadIdentityTexts(texts []string) []IdentityText {
	out := make([]IdentityText, len(texts))
	for i, t := range texts {
		// A v3 Version is written "1.1" or "1.0": a text without `"1.` is v5, and is not
		// parsed a second time to say so (the v5 checker's reading is cached).
		if strings.Contains(t, `"1.`) && policy.LanguageOf([]byte(t)) == policy.V3 {
			out[i].V3 = policy.CheckV3Text([]byte(t))
		} else {
			out[i].V5 = policy.CheckText([]byte(t), policy.Identity)
		}
	}
	return out
}

// Simulator decides simulation requests; see the rules above.
type Simulator struct {
	// set decides everything when there is no v3 document.
	set *evaluator.PolicySet
	// With a v3 document: the principal (combined and v3-only sets).
	principal *Principal
}

// NewSimulator compiles identity policies of both languages and SCP levels. The findings
// are the checkers' errors, each on its document (V3 set for a v3 document's). The error
// is a *evaluator.V3Error (a v3 statement that cannot be decided; Policy is its index in
// identity) or ErrSCPWithV3.
func NewSimulator(identity []IdentityText, levels []evaluator.SCPLevel) (*Simulator, []evaluator.SourceFinding, error) {
	var findings []evaluator.SourceFinding
	v3 := false
	for i, d := range identity {
		if d.V3 == nil {
			continue
		}
		v3 = true
		for _, f := range d.V3.Findings() {
			if f.Severity == policy.Error {
				findings = append(findings, evaluator.SourceFinding{Layer: evaluator.IdentityLayer, Document: i, Finding: f, V3: true})
			}
		}
	}
	if !v3 {
		v5 := make([]*policy.Checked, len(identity))
		for i, d := range identity {
			v5[i] = d.V5
		}
		set, errs := evaluator.NewPolicySet(evaluator.Sources{Identity: v5, SCPLevels: levels})
		if len(errs) > 0 {
			return nil, errs, nil
		}
		return &Simulator{set: set}, nil, nil
	}
	if len(levels) > 0 {
		if findings = v5Findings(identity, findings); len(findings) > 0 {
			return nil, findings, nil
		}
		return nil, nil, ErrSCPWithV3
	}
	p, findings, err := NewPrincipalOf(identity)
	if err != nil || len(findings) > 0 {
		return nil, findings, err
	}
	return &Simulator{principal: p}, nil, nil
}

// v5Findings adds the v5 documents' error findings to findings, in document order.
func v5Findings(identity []IdentityText, findings []evaluator.SourceFinding) []evaluator.SourceFinding {
	for i, d := range identity {
		if d.V5 == nil {
			continue
		}
		c := d.V5
		if c.Purpose() != policy.Identity && c.Document() != nil {
			c = policy.CheckDocument(c.Document(), policy.Identity)
		}
		for _, f := range c.Findings() {
			if f.Severity == policy.Error {
				findings = append(findings, evaluator.SourceFinding{Layer: evaluator.IdentityLayer, Document: i, Finding: f})
			}
		}
	}
	slices.SortStableFunc(findings, func(a, b evaluator.SourceFinding) int { return a.Document - b.Document })
	return findings
}

// NewPrincipalOf compiles one principal's identity policies of either language or both,
// in the caller's order, each named identity[<index>] (evaluator.NewMixedPolicySets): the
// Principal of the API-level questions, whose v3 side may be empty. The findings are the
// checkers' errors (V3 set for a v3 document's); the error is a *evaluator.V3Error whose
// Policy is the document's index.
func NewPrincipalOf(identity []IdentityText) (*Principal, []evaluator.SourceFinding, error) {
	var findings []evaluator.SourceFinding
	docs := make([]evaluator.IdentityDocument, len(identity))
	for i, d := range identity {
		if d.V3 == nil {
			docs[i].V5 = d.V5
			continue
		}
		for _, f := range d.V3.Findings() {
			if f.Severity == policy.Error {
				findings = append(findings, evaluator.SourceFinding{Layer: evaluator.IdentityLayer, Document: i, Finding: f, V3: true})
			}
		}
		if d.V3.Document() != nil {
			p := evaluator.V3PolicyOf(d.V3.Document())
			docs[i].V3 = &p
		}
	}
	if findings = v5Findings(identity, findings); len(findings) > 0 {
		return nil, findings, nil
	}
	combined, v3set, err := evaluator.NewMixedPolicySets(docs)
	if err != nil {
		return nil, nil, err
	}
	return &Principal{v3: &Set{Lang: V3, Policies: v3set}, combined: combined}, nil, nil
}

// Report is the simulator's answer: the evaluator's report, and for a decision by the
// rules above, its own explanation.
type Report struct {
	evaluator.Report
	explanation string
	// warnings, when set, are the report's warnings (an API call decided by both tables
	// keeps those of the v5 table's report, which knows the request's context).
	warnings []string
}

// Warnings are the report's notes worth knowing (evaluator.Report.Warnings).
func (r *Report) Warnings() []string {
	if r.warnings != nil {
		return r.warnings
	}
	return r.Report.Warnings()
}

// Explanation says in one sentence (two for an API call under both tables) why the
// request got its decision.
func (r *Report) Explanation() string {
	if r.explanation != "" {
		return r.explanation
	}
	return r.Report.Explanation()
}

// Simulate answers a request with the full report.
func (s *Simulator) Simulate(req *evaluator.SimulationRequest) Report {
	if s.principal == nil {
		if req.API != nil && req.API.Variant != "" {
			if _, problem := lookupCall(req.API); problem != nil {
				return Report{Report: evaluator.Report{Problems: []evaluator.RequestProblem{*problem}}}
			}
		}
		return Report{Report: s.set.Simulate(req)}
	}
	if req.API != nil {
		return s.simulateCall(req)
	}
	if catalog.Kind(req.Action) != catalog.Unknown || !catalog.IsIMS(req.Action) {
		return Report{Report: s.principal.combined.Simulate(req)} // rule 2
	}
	name, ok := V3ActionName(req.Action)
	if !ok {
		return Report{Report: evaluator.Report{Problems: []evaluator.RequestProblem{{Field: evaluator.ActionField, Summary: "Unknown IMS action",
			Detail: catalog.UnknownActionDetail(req.Action) + " Nor is it one of the IAM v3 IMS actions (" + strings.Join(v3ActionNames(), ", ") + ")."}}}}
	}
	// Rule 3: the v3 policies alone.
	v3 := s.principal.v3.Policies
	if problems := v3.CheckRequestContext(req.Context); len(problems) > 0 {
		return Report{Report: evaluator.Report{Problems: problems}}
	}
	rep := evaluator.Report{Action: name, Resource: req.Resource}
	v3.Evaluate(&evaluator.Request{Action: name, Resource: req.Resource, Context: evaluator.NewContext(contextMap(req.Context))}, &rep.Result)
	return Report{Report: rep, explanation: strings.TrimSuffix(rep.Explain(name, req.Resource), ".") +
		" (an IAM v3 action that v5 does not know: decided by the IAM v3 policies alone)."}
}

// simulateCall decides an API request by rule 1.
func (s *Simulator) simulateCall(req *evaluator.SimulationRequest) Report {
	call, problem := lookupCall(req.API)
	if problem != nil {
		return Report{Report: evaluator.Report{Problems: []evaluator.RequestProblem{*problem}}}
	}
	r := Request{Call: call, Resource: req.Resource, Context: contextMap(req.Context)}
	var rep evaluator.Report
	var through5 Decision
	if call.V5 != nil {
		// The evaluator's own report through the v5 table: its context checks, warnings
		// and alias surprises, with the v3 statements counted (rule 2's reading).
		v5req := *req
		v5req.API = &evaluator.APIRequest{Method: call.Method, Path: call.Path}
		rep = s.principal.combined.Simulate(&v5req)
		if len(rep.Problems) > 0 {
			return Report{Report: rep}
		}
		through5 = Decision{Known: true, Result: rep.Result, Actions: rep.Actions}
	} else if problems := s.principal.combined.CheckRequestContext(req.Context); len(problems) > 0 {
		return Report{Report: evaluator.Report{Problems: problems}}
	}
	through3 := s.principal.v3.Decide(r)

	out := evaluator.Report{Action: rep.Action, API: call.Name(), Resource: req.Resource, AliasSurprises: rep.AliasSurprises}
	out.Decision, out.DecidedBy = combineWays(through5, through3), evaluator.IdentityLayer
	for _, d := range []Decision{through5, through3} {
		if !d.Known {
			continue
		}
		for _, m := range d.Result.Matched {
			if !slices.Contains(out.Matched, m) {
				out.Matched = append(out.Matched, m)
			}
		}
		for _, k := range d.Result.MissingKeys {
			if !slices.Contains(out.MissingKeys, k) {
				out.MissingKeys = append(out.MissingKeys, k)
			}
		}
	}
	tag := func(acts []evaluator.ActionResult, table string) {
		for _, a := range acts {
			a.Note = strings.TrimSuffix(table+"; "+a.Note, "; ")
			out.Actions = append(out.Actions, a)
			if out.Action == "" && a.Required && !a.Dependency {
				out.Action = a.Action
			}
		}
	}
	tag(through5.Actions, "IAM v5 table")
	tag(through3.Actions, "IAM v3 table")
	return Report{Report: out, explanation: explainCall(call, req.Resource, out.Decision, through5, through3), warnings: append([]string{}, rep.Warnings()...)}
}

// explainCall says why an API call got its decision under both tables.
func explainCall(call Call, resource string, decision evaluator.Decision, through5, through3 Decision) string {
	way := func(d Decision, table, who string) string {
		if !d.Known {
			return fmt.Sprintf("the %s does not list this API, so %s have no say", table, who)
		}
		var ms []evaluator.Match
		for _, m := range d.Result.Matched {
			if m.Deny == (d.Result.Decision == evaluator.ExplicitDeny) {
				ms = append(ms, m)
			}
		}
		text := fmt.Sprintf("through the %s (%s), %s", table, who, d.Result.Decision)
		if d.Result.Decision != evaluator.ImplicitDeny && len(ms) > 0 {
			text += " by " + evaluator.DescribeMatches(ms)
		}
		if denied := d.Denied(); len(denied) > 0 {
			text += "; not allowed: " + strings.Join(denied, ", ")
		}
		return text
	}
	word := map[evaluator.Decision]string{evaluator.Allow: "Allowed", evaluator.ExplicitDeny: "Explicitly denied", evaluator.ImplicitDeny: "Implicitly denied"}[decision]
	return fmt.Sprintf("%s: %s on %q, %s; %s. An explicit deny either way denies, else an allow either way allows "+
		"(how IAM v3 and v5 policies combine is inferred: see the guide \"Migrating IAM v3 policies to v5\").",
		word, call.Name(), resource, way(through5, "IAM v5 table", "v5 and v3 policies together"), way(through3, "IAM v3 table", "v3 policies alone"))
}

// lookupCall finds the call of either table an API request names: by method and a path
// template or a concrete path (as catalog.LookupAPI matches them), and the variant.
func lookupCall(api *evaluator.APIRequest) (Call, *evaluator.RequestProblem) {
	var found []Call
	exact := false
	for _, c := range calls {
		if !wildcard.EqualFold(c.Method, api.Method) || !catalog.MatchPath(c.Path, api.Path) {
			continue
		}
		if c.Path == strings.TrimSuffix(api.Path, "/") && !exact {
			exact, found = true, nil // a template written as such beats a concrete match
		}
		if exact && c.Path != strings.TrimSuffix(api.Path, "/") {
			continue
		}
		found = append(found, c)
	}
	if len(found) == 0 {
		return Call{}, &evaluator.RequestProblem{Field: evaluator.APIField, Summary: "Unknown IMS API",
			Detail: catalog.UnknownAPIDetail(api.Method, api.Path) + " Nor is it in the IAM v3 API table."}
	}
	// Several templates may match a concrete path: the one with the most literal segments.
	best := found[:1]
	for _, c := range found[1:] {
		switch n, b := literals(c.Path), literals(best[0].Path); {
		case n > b:
			best = []Call{c}
		case n == b && c.Path == best[0].Path:
			best = append(best, c) // the variants of one row
		}
	}
	var variants []string
	for _, c := range best {
		if c.Variant == api.Variant {
			return c, nil
		}
		variants = append(variants, fmt.Sprintf("%q", c.Variant))
	}
	if api.Variant == "" {
		return Call{}, &evaluator.RequestProblem{Field: evaluator.APIVariantField, Summary: "IMS API variant needed",
			Detail: fmt.Sprintf("%s %s needs a different IAM v3 action in each of its cases (v3 table row %d): set variant to %s.",
				best[0].Method, best[0].Path, best[0].V3Row, strings.Join(variants, " or "))}
	}
	if len(variants) == 1 && variants[0] == `""` {
		return Call{}, &evaluator.RequestProblem{Field: evaluator.APIVariantField, Summary: "Unknown IMS API variant",
			Detail: fmt.Sprintf("%s %s has no variants: leave variant out (only quick import, POST /v2/cloudimages/quickimport/action, has them).", best[0].Method, best[0].Path)}
	}
	return Call{}, &evaluator.RequestProblem{Field: evaluator.APIVariantField, Summary: "Unknown IMS API variant",
		Detail: fmt.Sprintf("%q is not a variant of %s %s: write %s.", api.Variant, best[0].Method, best[0].Path, strings.Join(variants, " or "))}
}

func literals(template string) int {
	n := 0
	for _, s := range strings.Split(strings.Trim(template, "/"), "/") {
		if !strings.HasPrefix(s, "{") {
			n++
		}
	}
	return n
}

// contextMap gathers a request's context entries by key: the values of a key given twice
// add up, and a key given with no values is present.
func contextMap(entries []evaluator.ContextEntry) map[string][]string {
	m := make(map[string][]string, len(entries))
	for _, e := range entries {
		k := e.Key
		for prev := range m {
			if wildcard.EqualFold(prev, k) {
				k = prev
				break
			}
		}
		m[k] = append(append([]string{}, m[k]...), e.Values...)
	}
	return m
}

// V3ActionName is the catalog's spelling of a v3 IMS action name (v3 action names ignore
// the case of their resource type and action, reference notes §3.2).
func V3ActionName(name string) (string, bool) {
	for _, a := range catalog.V3Actions() {
		svc, rest, _ := strings.Cut(name, ":")
		if svc == "ims" && strings.EqualFold("ims:"+rest, a.Name) {
			return a.Name, true
		}
	}
	return "", false
}

func v3ActionNames() []string {
	var out []string
	for _, a := range catalog.V3Actions() {
		out = append(out, a.Name)
	}
	return out
}

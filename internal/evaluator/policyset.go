package evaluator

import (
	"fmt"
	"slices"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Sources are the policy documents (JSON) a PolicySet is built from.
type Sources struct {
	// Identity are the identity policies, named identity[<index>].
	Identity []string
	// SCPLevels are the levels of the organisation path, root first, each with the SCPs
	// attached to it, named scp[<level name>][<index>].
	SCPLevels []SCPLevel
}

// SCPLevel is one level of the organisation path and the SCP documents attached to it.
type SCPLevel struct {
	Name     string
	Policies []string
}

// SourceFinding is an error the checker found in one document of the sources.
type SourceFinding struct {
	Layer    Layer
	Document int // the document's index in its layer
	Finding  policy.Finding
}

// Name is the document's name: identity[<index>] or scp[<level name>][<index>].
func (f SourceFinding) Name() string { return policyName(f.Layer, f.Document) }

// String gives the document's name and the finding, e.g.
// "identity[0]: line 1 col 9: Statement[0].Action[0]: error unknown_action: ...".
func (f SourceFinding) String() string { return f.Name() + ": " + f.Finding.String() }

func policyName(l Layer, i int) string {
	if !l.SCP {
		return fmt.Sprintf("identity[%d]", i)
	}
	return fmt.Sprintf("scp[%s][%d]", l.Name, i)
}

// NewPolicySet parses and checks every document for its purpose (identity policy or
// SCP) and compiles them into a PolicySet. When any document has an error finding, it
// returns no PolicySet and every error finding, in source order; warnings are not its
// to report.
func NewPolicySet(src Sources) (*PolicySet, []SourceFinding) {
	identity, levels, errs := ParseSources(src)
	if len(errs) > 0 {
		return nil, errs
	}
	return compile(identity, levels), nil
}

// ParseSources parses and checks every document as NewPolicySet does, and returns the
// documents named as NewPolicySet names them (for the analyser, which takes parsed
// documents), or every error finding.
func ParseSources(src Sources) ([]Policy, []Level, []SourceFinding) {
	var errs []SourceFinding
	parse := func(l Layer, purpose policy.Purpose, docs []string) []Policy {
		ps := make([]Policy, 0, len(docs))
		for i, d := range docs {
			doc, findings := policy.CheckJSON([]byte(d), purpose)
			errs = appendErrors(errs, l, i, findings)
			ps = append(ps, Policy{Name: policyName(l, i), Document: doc})
		}
		return ps
	}
	identity := parse(IdentityLayer, policy.Identity, src.Identity)
	levels := make([]Level, len(src.SCPLevels))
	for i, lv := range src.SCPLevels {
		levels[i] = Level{Name: lv.Name, Policies: parse(Layer{SCP: true, Level: i, Name: lv.Name}, policy.SCP, lv.Policies)}
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return identity, levels, nil
}

// NewPolicySetOf is NewPolicySet for documents parsed already (the analyser holds
// documents, not their JSON): it checks each for its purpose and compiles them, or
// returns every error finding.
func NewPolicySetOf(identity []Policy, levels []Level) (*PolicySet, []SourceFinding) {
	var errs []SourceFinding
	for i, p := range identity {
		errs = appendErrors(errs, IdentityLayer, i, meaningFindings(policy.Check(p.Document, policy.Identity)))
	}
	for li, lv := range levels {
		for i, p := range lv.Policies {
			errs = appendErrors(errs, Layer{SCP: true, Level: li, Name: lv.Name}, i, meaningFindings(policy.Check(p.Document, policy.SCP)))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return compile(identity, levels), nil
}

// meaningFindings leaves out document_too_large: the size limit is the text's, counted
// where a document is read from its text (NewPolicySet, the validators), and a parsed
// document's canonical form may be longer than the text it was read from.
func meaningFindings(findings []policy.Finding) []policy.Finding {
	return slices.DeleteFunc(findings, func(f policy.Finding) bool { return f.Code == "document_too_large" })
}

func appendErrors(errs []SourceFinding, l Layer, document int, findings []policy.Finding) []SourceFinding {
	for _, f := range findings {
		if f.Severity == policy.Error {
			errs = append(errs, SourceFinding{Layer: l, Document: document, Finding: f})
		}
	}
	return errs
}

package evaluator

import (
	"fmt"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Sources are the checked documents a PolicySet is built from (policy.CheckText reads
// and checks a document's text once; the PolicySet reads its findings, never checks again).
type Sources struct {
	// Identity are the identity policies, named identity[<index>].
	Identity []*policy.Checked
	// SCPLevels are the levels of the organisation path, root first, each with the SCPs
	// attached to it, named scp[<level name>][<index>].
	SCPLevels []SCPLevel
}

// SCPLevel is one level of the organisation path and the SCPs attached to it.
type SCPLevel struct {
	Name     string
	Policies []*policy.Checked
}

// SourceFinding is an error the checker found in one document of the sources.
type SourceFinding struct {
	Layer    Layer
	Document int // the document's index in its layer
	Finding  policy.Finding
	// V3 is set for a finding of the IAM v3 checker (policy.CheckV3Text) on a v3 document.
	V3 bool
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

// NewPolicySet compiles checked documents into a PolicySet. When any document has an
// error finding, it returns no PolicySet and every error finding, in source order;
// warnings are not its to report. A document checked for another purpose than its
// layer's (an SCP among the identity policies) is checked again for its layer's.
func NewPolicySet(src Sources) (*PolicySet, []SourceFinding) {
	var errs []SourceFinding
	docs := func(l Layer, purpose policy.Purpose, cs []*policy.Checked) []namedDocument {
		out := make([]namedDocument, len(cs))
		for i, c := range cs {
			if c.Purpose() != purpose && c.Document() != nil {
				c = policy.CheckDocument(c.Document(), purpose)
			}
			for _, f := range c.Findings() {
				if f.Severity == policy.Error {
					errs = append(errs, SourceFinding{Layer: l, Document: i, Finding: f})
				}
			}
			out[i] = namedDocument{name: policyName(l, i), doc: c.Document()}
		}
		return out
	}
	identity := docs(IdentityLayer, policy.Identity, src.Identity)
	levels := make([]namedLevel, len(src.SCPLevels))
	for i, lv := range src.SCPLevels {
		levels[i] = namedLevel{name: lv.Name, policies: docs(Layer{SCP: true, Level: i, Name: lv.Name}, policy.SCP, lv.Policies)}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return compile(identity, levels), nil
}

// NewIdentityPolicySet reads, checks and compiles identity policy texts: NewPolicySet of
// each text's policy.CheckText, for callers that hold nothing but the texts.
func NewIdentityPolicySet(texts []string) (*PolicySet, []SourceFinding) {
	return NewPolicySet(Sources{Identity: policy.CheckTexts(texts, policy.Identity)})
}

// namedDocument and namedLevel are what compile takes: a parsed document under the name
// results refer to it by, and an SCP level of them.
type namedDocument struct {
	name string
	doc  *policy.Document
}

type namedLevel struct {
	name     string
	policies []namedDocument
}

package evaluator

import (
	"fmt"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// testPolicy and testLevel are the package's tests' parsed documents and SCP levels of
// them, which Compile builds a PolicySet from without the checker.
type testPolicy struct {
	Name     string
	Document *policy.Document
}

type testLevel struct {
	Name     string
	Policies []testPolicy
}

// textLevel is an SCP level of document texts, for checkSources.
type textLevel struct {
	Name     string
	Policies []string
}

// checkIdentity and checkSCPs check document texts for NewPolicySet's Sources.
func checkIdentity(texts ...string) []*policy.Checked {
	return policy.CheckTexts(texts, policy.Identity)
}
func checkSCPs(texts ...string) []*policy.Checked { return policy.CheckTexts(texts, policy.SCP) }

// checkSources checks texts into Sources.
func checkSources(identity []string, levels ...textLevel) Sources {
	src := Sources{Identity: checkIdentity(identity...)}
	for _, lv := range levels {
		src.SCPLevels = append(src.SCPLevels, SCPLevel{Name: lv.Name, Policies: checkSCPs(lv.Policies...)})
	}
	return src
}

// Compile builds a PolicySet from parsed documents for the package's tests, which run
// the evaluator on generated documents the checker would refuse for other reasons (an
// unknown action, say). It refuses only what compile cannot represent, the documents
// naiveCheck refuses; NewPolicySet, the only gate outside tests, refuses those and more.
func Compile(identity []testPolicy, levels []testLevel) (*PolicySet, error) {
	named := func(ps []testPolicy) ([]namedDocument, error) {
		out := make([]namedDocument, len(ps))
		for i, p := range ps {
			if err := naiveCheck(p.Document); err != nil {
				return nil, fmt.Errorf("%s: %w", p.Name, err)
			}
			out[i] = namedDocument{name: p.Name, doc: p.Document}
		}
		return out, nil
	}
	id, err := named(identity)
	if err != nil {
		return nil, err
	}
	var lvs []namedLevel
	for _, lv := range levels {
		ps, err := named(lv.Policies)
		if err != nil {
			return nil, err
		}
		lvs = append(lvs, namedLevel{name: lv.Name, policies: ps})
	}
	return compile(id, lvs), nil
}

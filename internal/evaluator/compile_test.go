package evaluator

import "fmt"

// Evaluator is the name the package's older tests use for a PolicySet.
type Evaluator = PolicySet

// Compile builds a PolicySet from parsed documents for the package's tests, which run
// the evaluator on generated documents the checker would refuse for other reasons (an
// unknown action, say). It refuses only what compile cannot represent, the documents
// naiveCheck refuses; NewPolicySet, the only gate outside tests, refuses those and more.
func Compile(identity []Policy, levels []Level) (*PolicySet, error) {
	all := append([]Policy(nil), identity...)
	for _, lv := range levels {
		all = append(all, lv.Policies...)
	}
	for _, p := range all {
		if err := naiveCheck(p.Document); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
	}
	return compile(identity, levels), nil
}

package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Ignore is a set of warning codes whose findings are left out: the command's --ignore
// and the policy document data source's ignore_findings both filter through it, so the
// two suppress alike. Errors cannot be ignored: a document with an error is refused by
// the vendor whatever a reviewer thinks of it.
type Ignore map[string]bool

// ParseIgnore reads a list of finding codes. A code that is not in the rules table, or
// that is an error's, is refused with a message that says which and why.
func ParseIgnore(codes []string) (Ignore, error) {
	ig := make(Ignore, len(codes))
	for _, code := range codes {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		r, ok := rulesByCode[code]
		if !ok {
			hint := ""
			if s := closest(code, ruleCodes(), 3); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, fmt.Errorf("unknown finding code %q%s: the Validation rules guide lists every code", code, hint)
		}
		if r.Severity == Error {
			return nil, fmt.Errorf("%q is an error, and errors cannot be ignored: only warning codes can (%s)", code, strings.Join(warningCodes(), ", "))
		}
		ig[code] = true
	}
	return ig, nil
}

// Apply returns the findings whose codes are not ignored, in their order.
func (ig Ignore) Apply(findings []Finding) []Finding {
	if len(ig) == 0 {
		return findings
	}
	return slices.DeleteFunc(slices.Clone(findings), func(f Finding) bool { return ig[f.Code] })
}

// RuleFor returns the rule of a finding code.
func RuleFor(code string) (Rule, bool) {
	r, ok := rulesByCode[code]
	if !ok {
		return Rule{}, false
	}
	return *r, true
}

func ruleCodes() []string {
	codes := make([]string, len(rules))
	for i, r := range rules {
		codes[i] = r.Code
	}
	return codes
}

func warningCodes() []string {
	var codes []string
	for _, r := range rules {
		if r.Severity == Warning {
			codes = append(codes, r.Code)
		}
	}
	return codes
}

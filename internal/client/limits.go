package client

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the Organizations API on SCPs, in characters (runes), not bytes. Stated by the
// vendor's CreatePolicy reference (name 1 to 64 characters, description up to 512); that a
// name may not be only white space or hold control characters is inferred (the service
// refuses them as invalid parameters, as the emulator does).
const (
	MaxSCPNameLength        = 64
	MaxSCPDescriptionLength = 512
)

// CheckText checks a name or description the way the service counts and refuses it:
// min to max characters; a name (name true) must hold more than white space, and neither
// may hold control characters (other than a description's tab and line breaks). The error
// completes a sentence that starts with the attribute's name.
func CheckText(s string, minLen, maxLen int, name bool) error {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		return fmt.Errorf("is not valid UTF-8")
	case n < minLen:
		return fmt.Errorf("must be at least %d character(s), got %d", minLen, n)
	case n > maxLen:
		return fmt.Errorf("must be at most %d characters, got %d", maxLen, n)
	case name && strings.TrimSpace(s) == "":
		return fmt.Errorf("must hold more than white space")
	}
	if i := strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && (name || (r != '\t' && r != '\n' && r != '\r'))
	}); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Errorf("must not hold control characters, found %U at character %d", r, utf8.RuneCountInString(s[:i])+1)
	}
	return nil
}

package emulator

import (
	"errors"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// docChars counts a document's text as the vendor's size limit counts it: on the text
// sent, escapes as written, white space left out (policy.Chars says why and cites the
// vendor). The checker behind plan counts with the same function, so what plan accepts
// the emulator accepts.
func docChars(text string) int { return policy.Chars([]byte(text)) }

// DefaultCheckDocument checks a document with the provider's own checker (policy.CheckJSON,
// as an identity policy or as an SCP) and rejects it when there is any finding of severity
// error; warnings pass. The error lists the findings, at most five.
//
// The real services' validation is not published in full: rejecting the checker's error
// findings (unknown ims: actions, type mismatches in conditions, SCP-only rules, ...) with
// the vendor's malformed-policy answer is inferred.
func DefaultCheckDocument(doc []byte, scp bool) error {
	purpose := policy.Identity
	if scp {
		purpose = policy.SCP
	}
	_, findings := policy.CheckJSON(doc, purpose)
	var msgs []string
	n := 0
	for _, f := range findings {
		if f.Severity != policy.Error {
			continue
		}
		n++
		if len(msgs) < 5 {
			msgs = append(msgs, f.String())
		}
	}
	if n == 0 {
		return nil
	}
	if n > len(msgs) {
		msgs = append(msgs, "and more")
	}
	return errors.New(strings.Join(msgs, "; "))
}

// ParseOnlyCheckDocument rejects only what does not parse (text that is not JSON or not
// shaped like a policy document). Set Config.CheckDocument to it to accept everything else.
func ParseOnlyCheckDocument(doc []byte, scp bool) error {
	_, err := policy.Parse(doc)
	return err
}

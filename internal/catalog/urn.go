package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

// URN is a parsed resource URN: <service>:<region>:<account-id>:<type>:<resource-path>.
type URN struct {
	Service string
	Region  string
	Account string
	Type    string
	Path    string
}

func (u URN) String() string {
	return strings.Join([]string{u.Service, u.Region, u.Account, u.Type, u.Path}, ":")
}

// urnParts are the rules for each part of an image URN. Each part may also be a wildcard
// pattern (`*`, `?`) over the same characters.
var urnParts = []struct {
	name    string
	pattern *regexp.Regexp
	rule    string
	example string
}{
	{"region", regexp.MustCompile(`^[a-z0-9*?][a-z0-9*?-]*$`), "lower-case letters, digits and '-'", "cn-north-4"},
	{"account_id", regexp.MustCompile(`^[A-Za-z0-9*?]+$`), "letters and digits", "0123456789abcdef0123456789abcdef"},
	{"image_id", regexp.MustCompile(`^[A-Za-z0-9*?][A-Za-z0-9*?._-]*$`), "letters, digits, '.', '_' and '-'", "9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"},
}

// ImageURNPart is a part of an image URN.
type ImageURNPart int

// The parts of an image URN, in order.
const (
	ImageRegion ImageURNPart = iota
	ImageAccountID
	ImageID
)

// Check says what is wrong with v as this part of an image URN, or returns nil.
func (p ImageURNPart) Check(v string) error {
	r := urnParts[p]
	if !r.pattern.MatchString(v) {
		return fmt.Errorf("%s %q is malformed: use %s, or '*'; for example %q", r.name, v, r.rule, r.example)
	}
	return nil
}

// ImageURN builds the URN of an IMS image, ims:<region>:<account-id>:image:<image-id>. Each
// part must be non-empty and may be or contain the wildcard `*`.
func ImageURN(region, accountID, imageID string) (string, error) {
	for i, v := range []string{region, accountID, imageID} {
		if err := ImageURNPart(i).Check(v); err != nil {
			return "", err
		}
	}
	return URN{Service: "ims", Region: region, Account: accountID, Type: "image", Path: imageID}.String(), nil
}

// ParseURN splits a resource URN into its parts. The region may be empty (global
// services); the resource path may contain ':'.
func ParseURN(s string) (URN, error) {
	parts := strings.SplitN(s, ":", 5)
	if len(parts) != 5 {
		return URN{}, fmt.Errorf("URN %q has %d of the 5 parts <service>:<region>:<account-id>:<type>:<resource-path>; for an image write ims:<region>:<account-id>:image:<image-id>, or \"*\" for every resource", s, len(parts))
	}
	u := URN{Service: parts[0], Region: parts[1], Account: parts[2], Type: parts[3], Path: parts[4]}
	for _, part := range []struct{ name, value string }{{"service", u.Service}, {"resource type", u.Type}, {"resource path", u.Path}} {
		if part.value == "" {
			return URN{}, fmt.Errorf("URN %q has an empty %s; write ims:<region>:<account-id>:image:<image-id>", s, part.name)
		}
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return URN{}, fmt.Errorf("URN %q contains white space", s)
	}
	return u, nil
}

// An IMS image id is a UUID in lower-case hexadecimal, 8-4-4-4-12: the vendor's API
// reference gives ids such as 33ad552d-1149-471c-8190-ff6776174a00 ("Querying Image
// Details (Native OpenStack API)", https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0703.html;
// the Chinese edition of the image attributes calls the id "镜像UUID"). Resource URNs are
// matched case-sensitively, so a pattern needs lower-case hex digits to match one.
const imageIDLen = 36

// imageIDChar reports whether c can be the image id's character at position i.
func imageIDChar(i int, c byte) bool {
	if i == 8 || i == 13 || i == 18 || i == 23 {
		return c == '-'
	}
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
}

// ImageIDCanMatch reports whether some image id (a lower-case UUID) matches the wildcard
// pattern, where `*` is any run of characters and `?` exactly one. A pattern such as
// "golden-*" matches none: image ids are not names.
func ImageIDCanMatch(pattern string) bool {
	// can[j] after processing pattern[i:] says whether pattern[i:] can match the id's
	// characters j..35; computed backwards over the pattern.
	var can, next [imageIDLen + 1]bool
	can[imageIDLen] = true
	for i := len(pattern) - 1; i >= 0; i-- {
		c := pattern[i]
		switch c {
		case '*': // matches j..k-1 for any k >= j
			next[imageIDLen] = can[imageIDLen]
			for j := imageIDLen - 1; j >= 0; j-- {
				next[j] = can[j] || next[j+1]
			}
		default:
			next[imageIDLen] = false
			for j := 0; j < imageIDLen; j++ {
				// '?' is one character; every id character is one byte. A byte that is not
				// ASCII is never an id character.
				next[j] = can[j+1] && (c == '?' || imageIDChar(j, c))
			}
		}
		can = next
	}
	return can[0]
}

// ImageIDHint says what to write for an image id pattern that matches no image id.
const ImageIDHint = `image ids are UUIDs such as 9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f, not names: write one image's id, or "*" with a tag condition such as {"StringEquals": {"g:ResourceTag/tier": ["golden"]}} to select images by tag`

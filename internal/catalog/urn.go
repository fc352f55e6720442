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

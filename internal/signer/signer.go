// Package signer implements the vendor's AK/SK request signing,
// SDK-HMAC-SHA256, exactly as the vendor's Go SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3, package core/auth/signer)
// computes it, and the matching server-side verification used by the local
// emulator.
//
//	CanonicalRequest = METHOD "\n" CanonicalURI "\n" CanonicalQuery "\n"
//	                   CanonicalHeaders "\n" SignedHeaders "\n" PayloadHash
//	StringToSign     = "SDK-HMAC-SHA256\n" X-Sdk-Date "\n" hex(sha256(CanonicalRequest))
//	Signature        = hex(hmac_sha256(SecretKey, StringToSign))
//	Authorization    = "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>"
//
// Details that follow the SDK:
//   - every path segment is escaped (all bytes but A-Z a-z 0-9 _ - ~ . become
//     %XX, upper-case hex) and a trailing "/" is always appended;
//   - the query is sorted by key, then each key's values are sorted;
//   - the signed headers are every header of the request except Content-Type
//     (and any header whose name starts with "content-type") and names that
//     contain "_"; their names are lower-cased and sorted. Values are trimmed;
//     several values of one header are sorted and listed one per line;
//   - when the request has a Content-Type that is neither application/json nor
//     application/bson, the SDK adds X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD and
//     uses that literal in place of the payload hash.
//
// One deliberate addition: Sign also signs "host" (the SDK's HTTP client does
// not put Host among its header parameters, so the SDK signs it only when a
// caller adds it; the vendor's API-signing guide and this project's reference
// sign it). Binding the signature to the host is harmless for the server and
// the canonical form is the SDK's own when a Host header is present, which the
// SDK comparison tests check.
//
// This package must not import anything from Terraform.
package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Header names and constants of the algorithm.
const (
	Algorithm               = "SDK-HMAC-SHA256"
	DateFormat              = "20060102T150405Z"
	HeaderDate              = "X-Sdk-Date"
	HeaderAuthorization     = "Authorization"
	HeaderDomainID          = "X-Domain-Id"
	HeaderSecurityToken     = "X-Security-Token"
	HeaderContentSha256     = "X-Sdk-Content-Sha256"
	UnsignedPayload         = "UNSIGNED-PAYLOAD"
	headerHost              = "host"
	headerContentTypePrefix = "content-type"
)

// Credentials are the AK/SK credentials of a caller. SecurityToken is set for
// temporary credentials; DomainID (the account id) is sent as X-Domain-Id, as
// the SDK does for global services (IAM, Organizations).
type Credentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	DomainID      string
}

// String never prints the secret key or the token.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{AccessKey:%q, SecretKey:%s, SecurityToken:%s, DomainID:%q}",
		c.AccessKey, redacted(c.SecretKey), redacted(c.SecurityToken), c.DomainID)
}

// GoString never prints the secret key or the token (used by %#v).
func (c Credentials) GoString() string { return "signer." + c.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "***"
}

// Sign adds X-Sdk-Date (from now, UTC), X-Domain-Id (if DomainID set),
// X-Security-Token (if set), and Authorization. body is the exact request body
// (nil for none). A previous Authorization header is replaced, so a request
// can be signed again before a retry.
func Sign(req *http.Request, body []byte, creds Credentials, now time.Time) error {
	if req == nil || req.URL == nil {
		return errors.New("signer: nil request or URL")
	}
	if creds.AccessKey == "" {
		return errors.New("signer: access key is required in credentials")
	}
	if creds.SecretKey == "" {
		return errors.New("signer: secret key is required in credentials")
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	req.Header.Del(HeaderAuthorization)
	req.Header.Set(HeaderDate, now.UTC().Format(DateFormat))
	if creds.DomainID != "" {
		req.Header.Set(HeaderDomainID, creds.DomainID)
	}
	if creds.SecurityToken != "" {
		req.Header.Set(HeaderSecurityToken, creds.SecurityToken)
	}
	if ct := req.Header.Get("Content-Type"); ct != "" && !jsonOrBSON(ct) {
		req.Header.Set(HeaderContentSha256, UnsignedPayload)
	}

	signed := signedHeaderNames(req.Header)
	payload := payloadHash(req.Header, body)
	cr := canonicalRequest(req.Method, req.URL.Path, req.URL.Query(), canonicalHeaders(req.Header, requestHost(req), signed), signed, payload)
	sig := signature(creds.SecretKey, stringToSign(req.Header.Get(HeaderDate), cr))
	req.Header.Set(HeaderAuthorization, AuthorizationValue(creds.AccessKey, signed, sig))
	return nil
}

// AuthorizationValue formats the Authorization header value.
func AuthorizationValue(accessKey string, signedHeaders []string, signature string) string {
	return fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		Algorithm, accessKey, strings.Join(signedHeaders, ";"), signature)
}

// requestHost is the host the client will send (req.Host wins over URL.Host,
// as in net/http) and, on a server, the Host the request arrived with.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

func jsonOrBSON(contentType string) bool {
	return strings.Contains(contentType, "application/json") || strings.Contains(contentType, "application/bson")
}

// signedHeaderNames lists what the SDK signs: every header present except
// Content-Type* and names containing "_", plus host (see the package doc).
func signedHeaderNames(h http.Header) []string {
	seen := map[string]bool{headerHost: true}
	names := []string{headerHost}
	for k := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, headerContentTypePrefix) || strings.Contains(k, "_") || lk == "authorization" || seen[lk] {
			continue
		}
		seen[lk] = true
		names = append(names, lk)
	}
	sort.Strings(names)
	return names
}

// payloadHash is the SDK's getContentHash: the X-Sdk-Content-Sha256 header if
// present, else hex(sha256(body)).
func payloadHash(h http.Header, body []byte) string {
	if v, ok := headerValue(h, HeaderContentSha256); ok {
		return v
	}
	return hashHex(body)
}

func headerValue(h http.Header, name string) (string, bool) {
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func canonicalRequest(method, path string, query map[string][]string, canonHeaders string, signed []string, payload string) string {
	return method + "\n" +
		CanonicalURI(path) + "\n" +
		CanonicalQuery(query) + "\n" +
		canonHeaders + "\n" +
		strings.Join(signed, ";") + "\n" +
		payload
}

func stringToSign(date, canonicalRequest string) string {
	return Algorithm + "\n" + date + "\n" + hashHex([]byte(canonicalRequest))
}

func signature(secret, sts string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// CanonicalURI escapes each segment of the (unescaped) path and appends a
// trailing slash, as the SDK does.
func CanonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = Escape(s)
	}
	p := strings.Join(segs, "/")
	if p == "" || p[len(p)-1] != '/' {
		p += "/"
	}
	return p
}

// CanonicalQuery sorts keys, then the values of each key, and joins escaped
// k=v pairs with "&".
func CanonicalQuery(query map[string][]string) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), query[k]...)
		sort.Strings(vs)
		ek := Escape(k)
		for _, v := range vs {
			parts = append(parts, ek+"="+Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// canonicalHeaders renders "name:trimmed value\n" per value of each signed
// header (values of one header sorted). host takes the request host.
func canonicalHeaders(h http.Header, host string, signed []string) string {
	lower := make(map[string][]string, len(h))
	for k, vs := range h {
		lk := strings.ToLower(k)
		lower[lk] = append(lower[lk], vs...)
	}
	var b strings.Builder
	for _, name := range signed {
		var vals []string
		if name == headerHost {
			// net/http sends req.Host (or URL.Host) and ignores a Host entry in
			// Header; on a server, req.Host is the Host the request came with.
			vals = []string{host}
		} else {
			vals = append(vals, lower[name]...)
		}
		sort.Strings(vals)
		for _, v := range vals {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func shouldEscape(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return false
	case c == '_', c == '-', c == '~', c == '.':
		return false
	}
	return true
}

// Escape percent-escapes every byte but A-Z a-z 0-9 _ - ~ . with upper-case
// hex, as the SDK's escape function does.
func Escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if shouldEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	t := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscape(c) {
			t = append(t, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			t = append(t, c)
		}
	}
	return string(t)
}

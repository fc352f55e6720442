package signer

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error code and status the vendor's API gateway answers for every AK/SK
// authentication failure: 401 with
// {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: ...", "request_id": "..."}
// (the vendor's API-signing FAQ lists "verify aksk signature fail" and
// "Get secretKey failed" under this code).
const (
	CodeIncorrectIAMAuth = "APIGW.0301"
	authMessagePrefix    = "Incorrect IAM authentication information: "
)

// VerifyError is returned by Verify. StatusCode and Code are suited to the
// vendor's error body; Message never contains the secret key or the token.
type VerifyError struct {
	StatusCode int
	Code       string
	Message    string
}

func (e *VerifyError) Error() string { return e.Code + ": " + e.Message }

func verifyErr(format string, args ...any) *VerifyError {
	return &VerifyError{StatusCode: http.StatusUnauthorized, Code: CodeIncorrectIAMAuth, Message: authMessagePrefix + fmt.Sprintf(format, args...)}
}

// ParseAuthorization splits an Authorization header value of the form
// "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>".
func ParseAuthorization(value string) (accessKey string, signedHeaders []string, signature string, err error) {
	value = strings.TrimSpace(value)
	alg, rest, ok := strings.Cut(value, " ")
	if !ok || alg != Algorithm {
		return "", nil, "", fmt.Errorf("authorization: unsupported algorithm, want %s", Algorithm)
	}
	var haveAK, haveSH, haveSig bool
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, "", fmt.Errorf("authorization: malformed element")
		}
		switch k {
		case "Access":
			accessKey, haveAK = v, true
		case "SignedHeaders":
			haveSH = true
			if v != "" {
				signedHeaders = strings.Split(v, ";")
			}
		case "Signature":
			signature, haveSig = v, true
		default:
			return "", nil, "", fmt.Errorf("authorization: unknown element %q", k)
		}
	}
	if !haveAK || !haveSH || !haveSig || accessKey == "" || signature == "" || len(signedHeaders) == 0 {
		return "", nil, "", fmt.Errorf("authorization: Access, SignedHeaders and Signature are required")
	}
	return accessKey, signedHeaders, signature, nil
}

// AccessKeyOf returns the access key named in a request's Authorization
// header, or "" when there is none or it is malformed.
func AccessKeyOf(req *http.Request) string {
	ak, _, _, err := ParseAuthorization(req.Header.Get(HeaderAuthorization))
	if err != nil {
		return ""
	}
	return ak
}

// Verify checks a signed request; secretFor returns the secret key of an
// access key. It rejects a missing or malformed Authorization, an unknown
// access key, a signature mismatch (including a changed body, header, path or
// query), and an X-Sdk-Date further than maxSkew from now. Errors are
// *VerifyError.
func Verify(req *http.Request, body []byte, secretFor func(accessKey string) (secret string, ok bool), now time.Time, maxSkew time.Duration) error {
	h, err := verifyHeaders(req, secretFor, now, maxSkew)
	if err != nil {
		return err
	}

	actual := hashHex(body)
	payload := actual
	if v, ok := headerValue(req.Header, HeaderContentSha256); ok {
		switch {
		case v == UnsignedPayload:
			// The SDK sends UNSIGNED-PAYLOAD only for content types other
			// than JSON and BSON; accept it only there.
			if ct := req.Header.Get("Content-Type"); ct == "" || jsonOrBSON(ct) {
				return verifyErr("verify aksk signature fail (%s is not allowed for this content type)", UnsignedPayload)
			}
			payload = v
		case !strings.EqualFold(v, actual):
			return verifyErr("verify aksk signature fail (%s does not match the body)", HeaderContentSha256)
		default:
			payload = v
		}
	}

	cr := canonicalRequest(req.Method, req.URL.Path, req.URL.Query(), canonicalHeaders(req.Header, requestHost(req), h.signed), h.signed, payload)
	want := signature(h.secret, stringToSign(h.date, cr))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(h.signature))) {
		return verifyErr("verify aksk signature fail")
	}
	return nil
}

// VerifyHeaders runs the checks of Verify that need no body (Authorization
// present and well formed, access key known, X-Sdk-Date within maxSkew), so that
// a server can refuse a request before it reads the body. A request it accepts
// must still pass Verify, which checks the signature over the body.
func VerifyHeaders(req *http.Request, secretFor func(accessKey string) (secret string, ok bool), now time.Time, maxSkew time.Duration) error {
	_, err := verifyHeaders(req, secretFor, now, maxSkew)
	return err
}

// signedRequest is what verifyHeaders read in a request's headers.
type signedRequest struct {
	signature, date, secret string
	signed                  []string
}

func verifyHeaders(req *http.Request, secretFor func(accessKey string) (secret string, ok bool), now time.Time, maxSkew time.Duration) (signedRequest, error) {
	if req == nil || req.URL == nil {
		return signedRequest{}, verifyErr("empty request")
	}
	auth := req.Header.Get(HeaderAuthorization)
	if auth == "" {
		return signedRequest{}, verifyErr("Authorization header not found")
	}
	ak, signed, sig, err := ParseAuthorization(auth)
	if err != nil {
		return signedRequest{}, verifyErr("malformed Authorization header (%v)", err)
	}
	for i, h := range signed {
		if h != strings.ToLower(h) || h == "" || (i > 0 && signed[i-1] >= h) {
			return signedRequest{}, verifyErr("SignedHeaders must be lower-case, sorted and unique")
		}
	}

	date := req.Header.Get(HeaderDate)
	if date == "" {
		return signedRequest{}, verifyErr("%s header not found", HeaderDate)
	}
	t, err := time.Parse(DateFormat, date)
	if err != nil {
		return signedRequest{}, verifyErr("%s %q is not in the format %s", HeaderDate, date, DateFormat)
	}
	if d := now.Sub(t); d > maxSkew || -d > maxSkew {
		return signedRequest{}, verifyErr("%s %s is more than %s away from the server time", HeaderDate, date, maxSkew)
	}

	secret, ok := "", false
	if secretFor != nil {
		secret, ok = secretFor(ak)
	}
	if !ok || secret == "" {
		return signedRequest{}, verifyErr("Get secretKey failed (access key %q is unknown)", ak)
	}
	return signedRequest{signature: sig, date: date, secret: secret, signed: signed}, nil
}

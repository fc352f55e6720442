package signer

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

var fixedNow = time.Date(2024, 3, 9, 7, 5, 3, 0, time.UTC)

// Vectors computed independently (Python hmac/hashlib from the written-out
// canonical requests below) and frozen here.
func TestSignFixedVectors(t *testing.T) {
	creds := Credentials{AccessKey: "AKEXAMPLE", SecretKey: "SKEXAMPLE"}
	cases := []struct {
		name, method, url, body, contentType string
		creds                                Credentials
		wantCanonical                        string
		wantAuth                             string
	}{
		{
			name: "GET with query and domain id", method: "GET",
			url:   "https://iam.myhuaweicloud.com/v5/policies?policy_type=custom&marker=m%2B1&limit=2",
			creds: Credentials{AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, DomainID: "dom1"},
			wantCanonical: "GET\n/v5/policies/\nlimit=2&marker=m%2B1&policy_type=custom\n" +
				"host:iam.myhuaweicloud.com\nx-domain-id:dom1\nx-sdk-date:20240309T070503Z\n\n" +
				"host;x-domain-id;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			wantAuth: "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=cbaa2cc3700d0fa1683e1e231ae8aa8ea85fceeb45981d51bdcd5fea9ed8996a",
		},
		{
			name: "POST JSON with token", method: "POST",
			url:         "https://iam.myhuaweicloud.com/v5/policies",
			body:        `{"policy_name":"p","policy_document":"{}"}`,
			contentType: "application/json;charset=UTF-8",
			creds:       Credentials{AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, SecurityToken: "TOKEN"},
			wantAuth:    "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-sdk-date;x-security-token, Signature=de5723fa473d273dbf104bb086640b5ee7b1640ae51c2801c3defdd1fac0bbdb",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			var body []byte
			if c.body != "" {
				body = []byte(c.body)
			}
			if err := Sign(req, body, c.creds, fixedNow); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != c.wantAuth {
				t.Errorf("Authorization\n got %s\nwant %s", got, c.wantAuth)
			}
			if got := req.Header.Get("X-Sdk-Date"); got != "20240309T070503Z" {
				t.Errorf("X-Sdk-Date = %q", got)
			}
			if c.wantCanonical != "" {
				_, signed, _, _ := ParseAuthorization(req.Header.Get("Authorization"))
				got := canonicalRequest(req.Method, req.URL.Path, req.URL.Query(), canonicalHeaders(req.Header, requestHost(req), signed), signed, payloadHash(req.Header, body))
				if got != c.wantCanonical {
					t.Errorf("canonical request\n got %q\nwant %q", got, c.wantCanonical)
				}
			}
		})
	}
}

// The canonical request the vendor's API-signing FAQ shows for
// GET http://test.com/app1 at 20190126T033427Z.
func TestCanonicalRequestVendorFAQExample(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://test.com/app1", nil)
	req.Header.Set("X-Sdk-Date", "20190126T033427Z")
	signed := signedHeaderNames(req.Header)
	got := canonicalRequest(req.Method, req.URL.Path, req.URL.Query(), canonicalHeaders(req.Header, requestHost(req), signed), signed, payloadHash(req.Header, nil))
	want := "GET\n/app1/\n\nhost:test.com\nx-sdk-date:20190126T033427Z\n\nhost;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestEscapeAndCanonicalParts(t *testing.T) {
	if got := Escape("aZ09_-~. /+=%é"); got != "aZ09_-~.%20%2F%2B%3D%25%C3%A9" {
		t.Errorf("Escape = %q", got)
	}
	for in, want := range map[string]string{
		"":                     "/",
		"/":                    "/",
		"/v5/policies":         "/v5/policies/",
		"/v5/policies/":        "/v5/policies/",
		"/v5/policies/a b:c@d": "/v5/policies/a%20b%3Ac%40d/",
	} {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
	q := map[string][]string{"b": {"2", "1"}, "a": {"x y"}, "c": {""}}
	if got := CanonicalQuery(q); got != "a=x%20y&b=1&b=2&c=" {
		t.Errorf("CanonicalQuery = %q", got)
	}
}

func TestSignedHeaderSelection(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "ua")
	h["X_underscore"] = []string{"x"}
	h.Set("X-Custom", "c")
	h.Set("Authorization", "old")
	got := strings.Join(signedHeaderNames(h), ";")
	if got != "host;user-agent;x-custom" {
		t.Fatalf("signed headers = %q", got)
	}
}

func TestSignReplacesPreviousAuthorization(t *testing.T) {
	creds := Credentials{AccessKey: "AK", SecretKey: "SK"}
	req, _ := http.NewRequest("GET", "https://h/x", nil)
	if err := Sign(req, nil, creds, fixedNow); err != nil {
		t.Fatal(err)
	}
	first := req.Header.Get("Authorization")
	if err := Sign(req, nil, creds, fixedNow.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	second := req.Header.Get("Authorization")
	if first == second || strings.Contains(second, "authorization") {
		t.Fatalf("re-signing: %q then %q", first, second)
	}
	if len(req.Header.Values("Authorization")) != 1 {
		t.Fatal("more than one Authorization header")
	}
	if err := Verify(req, nil, secrets(creds), fixedNow, time.Minute); err != nil {
		t.Fatal(err)
	}
}

func TestSignRequiresKeys(t *testing.T) {
	req, _ := http.NewRequest("GET", "https://h/x", nil)
	if err := Sign(req, nil, Credentials{SecretKey: "s"}, fixedNow); err == nil {
		t.Error("missing access key accepted")
	}
	if err := Sign(req, nil, Credentials{AccessKey: "a"}, fixedNow); err == nil {
		t.Error("missing secret key accepted")
	}
}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := Credentials{AccessKey: "AK", SecretKey: "TOPSECRET", SecurityToken: "TOKENSECRET", DomainID: "d"}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v", &c)} {
		if strings.Contains(s, "TOPSECRET") || strings.Contains(s, "TOKENSECRET") {
			t.Fatalf("secret printed: %s", s)
		}
	}
}

func secrets(cs ...Credentials) func(string) (string, bool) {
	return func(ak string) (string, bool) {
		for _, c := range cs {
			if c.AccessKey == ak {
				return c.SecretKey, true
			}
		}
		return "", false
	}
}

func signedPost(t *testing.T, creds Credentials, body string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest("POST", "http://127.0.0.1:8080/v5/policies/p-1/versions?x=1&x=0", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "test")
	if err := Sign(req, []byte(body), creds, at); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestVerifyRoundTrip(t *testing.T) {
	for _, creds := range []Credentials{
		{AccessKey: "AK1", SecretKey: "SK1"},
		{AccessKey: "AK2", SecretKey: "SK2", DomainID: "dom", SecurityToken: "tok"},
	} {
		body := `{"policy_document":"{}","set_as_default":true}`
		req := signedPost(t, creds, body, fixedNow)
		if err := Verify(req, []byte(body), secrets(creds), fixedNow.Add(10*time.Minute), 15*time.Minute); err != nil {
			t.Fatalf("%s: %v", creds.AccessKey, err)
		}
		if got := AccessKeyOf(req); got != creds.AccessKey {
			t.Errorf("AccessKeyOf = %q", got)
		}
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	creds := Credentials{AccessKey: "AK", SecretKey: "THE-SECRET-KEY", SecurityToken: "THE-TOKEN"}
	body := `{"policy_document":"{}"}`
	skew := 15 * time.Minute
	cases := []struct {
		name    string
		mutate  func(r *http.Request) ([]byte, func(string) (string, bool), time.Time)
		wantMsg string
	}{
		{"changed body", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			return []byte(`{"policy_document":"{ }"}`), secrets(creds), fixedNow
		}, "signature fail"},
		{"changed signed header", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Set("User-Agent", "other")
			return []byte(body), secrets(creds), fixedNow
		}, "signature fail"},
		{"changed token", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Set("X-Security-Token", "forged")
			return []byte(body), secrets(creds), fixedNow
		}, "signature fail"},
		{"changed path", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.URL.Path = "/v5/policies/p-2/versions"
			return []byte(body), secrets(creds), fixedNow
		}, "signature fail"},
		{"changed query", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.URL.RawQuery = "x=1&x=2"
			return []byte(body), secrets(creds), fixedNow
		}, "signature fail"},
		{"changed method", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Method = "PUT"
			return []byte(body), secrets(creds), fixedNow
		}, "signature fail"},
		{"changed host", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Host = "evil.example:8080"
			return []byte(body), secrets(creds), fixedNow
		}, "signature fail"},
		{"changed date", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Set("X-Sdk-Date", fixedNow.Add(time.Second).Format(DateFormat))
			return []byte(body), secrets(creds), fixedNow
		}, "signature fail"},
		{"wrong secret", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			return []byte(body), func(string) (string, bool) { return "another-secret", true }, fixedNow
		}, "signature fail"},
		{"unknown access key", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			return []byte(body), secrets(Credentials{AccessKey: "OTHER", SecretKey: "x"}), fixedNow
		}, "Get secretKey failed"},
		{"expired date", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			return []byte(body), secrets(creds), fixedNow.Add(skew + time.Second)
		}, "away from the server time"},
		{"date in the future", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			return []byte(body), secrets(creds), fixedNow.Add(-skew - time.Second)
		}, "away from the server time"},
		{"missing date", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Del("X-Sdk-Date")
			return []byte(body), secrets(creds), fixedNow
		}, "X-Sdk-Date header not found"},
		{"missing authorization", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Del("Authorization")
			return []byte(body), secrets(creds), fixedNow
		}, "Authorization header not found"},
		{"malformed authorization", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AK")
			return []byte(body), secrets(creds), fixedNow
		}, "malformed Authorization"},
		{"other algorithm", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SDK-HMAC-SHA256", "SDK-HMAC-SM3", 1))
			return []byte(body), secrets(creds), fixedNow
		}, "malformed Authorization"},
		{"unsigned payload on JSON", func(r *http.Request) ([]byte, func(string) (string, bool), time.Time) {
			r.Header.Set(HeaderContentSha256, UnsignedPayload)
			return []byte(body), secrets(creds), fixedNow
		}, "UNSIGNED-PAYLOAD is not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := signedPost(t, creds, body, fixedNow)
			b, sf, now := c.mutate(req)
			err := Verify(req, b, sf, now, skew)
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("want *VerifyError, got %v", err)
			}
			if ve.StatusCode != http.StatusUnauthorized || ve.Code != "APIGW.0301" {
				t.Errorf("status/code = %d %s", ve.StatusCode, ve.Code)
			}
			if !strings.Contains(ve.Message, c.wantMsg) {
				t.Errorf("message %q does not contain %q", ve.Message, c.wantMsg)
			}
			if strings.Contains(err.Error(), creds.SecretKey) || strings.Contains(err.Error(), creds.SecurityToken) {
				t.Errorf("error text leaks a secret: %v", err)
			}
			// VerifyHeaders refuses, with the same answer, every failure that needs no
			// body, and leaves the signature over the body to Verify.
			headerErr := VerifyHeaders(req, sf, now, skew)
			needsBody := c.wantMsg == "signature fail" || strings.Contains(c.wantMsg, UnsignedPayload)
			switch {
			case needsBody && headerErr != nil:
				t.Errorf("VerifyHeaders refused a failure only the body shows: %v", headerErr)
			case !needsBody && (headerErr == nil || headerErr.Error() != err.Error()):
				t.Errorf("VerifyHeaders = %v, want %v", headerErr, err)
			}
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	ak, sh, sig, err := ParseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc")
	if err != nil || ak != "AK" || strings.Join(sh, ";") != "host;x-sdk-date" || sig != "abc" {
		t.Fatalf("got %q %v %q %v", ak, sh, sig, err)
	}
	for _, bad := range []string{"", "SDK-HMAC-SHA256", "Bearer x", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=, Signature=abc", "SDK-HMAC-SHA256 Access=AK, Foo=1, SignedHeaders=h, Signature=s"} {
		if _, _, _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

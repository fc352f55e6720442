package emulator

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

func TestSignatureRejected(t *testing.T) {
	e := start(t, Config{SecurityToken: "session-token-1"})
	body := create("p", allowDoc)
	cases := []struct {
		name   string
		mutate func(t *testing.T) *http.Request
	}{
		{"no Authorization", func(t *testing.T) *http.Request {
			req, _ := e.request("POST", "/v5/policies", body)
			req.Header.Del("Authorization")
			return req
		}},
		{"wrong secret key", func(t *testing.T) *http.Request {
			creds := e.creds
			creds.SecretKey = "wrong"
			return signedWith(t, e, creds, e.clock.Now(), "POST", "/v5/policies", body)
		}},
		{"unknown access key", func(t *testing.T) *http.Request {
			creds := e.creds
			creds.AccessKey = "OTHERAK"
			return signedWith(t, e, creds, e.clock.Now(), "POST", "/v5/policies", body)
		}},
		{"body changed after signing", func(t *testing.T) *http.Request {
			req, b := e.request("POST", "/v5/policies", body)
			b = bytes.Replace(b, []byte(`"p"`), []byte(`"q"`), 1)
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			return req
		}},
		{"path changed after signing", func(t *testing.T) *http.Request {
			req, _ := e.request("GET", "/v5/policies", nil)
			req.URL.RawQuery = "limit=1"
			return req
		}},
		{"date too old", func(t *testing.T) *http.Request {
			return signedWith(t, e, e.creds, e.clock.Now().Add(-20*time.Minute), "POST", "/v5/policies", body)
		}},
		{"wrong security token", func(t *testing.T) *http.Request {
			creds := e.creds
			creds.SecurityToken = "other-token"
			return signedWith(t, e, creds, e.clock.Now(), "POST", "/v5/policies", body)
		}},
		{"no security token", func(t *testing.T) *http.Request {
			creds := e.creds
			creds.SecurityToken = ""
			return signedWith(t, e, creds, e.clock.Now(), "POST", "/v5/policies", body)
		}},
		{"other account", func(t *testing.T) *http.Request {
			creds := e.creds
			creds.DomainID = "ffffffffffffffffffffffffffffffff"
			return signedWith(t, e, creds, e.clock.Now(), "POST", "/v5/policies", body)
		}},
		{"organizations path", func(t *testing.T) *http.Request {
			creds := e.creds
			creds.SecretKey = "wrong"
			return signedWith(t, e, creds, e.clock.Now(), "GET", "/v1/organizations/roots", nil)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.send(c.mutate(t))
			if r.status != http.StatusUnauthorized || r.code() != "APIGW.0301" {
				t.Fatalf("status %d, code %q: %s", r.status, r.code(), r.raw)
			}
			if !strings.HasPrefix(str(r.body, "error_msg"), "Incorrect IAM authentication information") || str(r.body, "request_id") == "" {
				t.Fatalf("body %s", r.raw)
			}
			if strings.Contains(string(r.raw), testSK) || strings.Contains(string(r.raw), "session-token-1") {
				t.Fatalf("the answer leaks a secret: %s", r.raw)
			}
		})
	}
	if len(e.srv.Policies()) != 0 {
		t.Fatal("a rejected request acted")
	}
	if got := e.srv.Stats().Unauthorized; got != len(cases) {
		t.Fatalf("%d unauthorized, want %d", got, len(cases))
	}
	// The same request, signed properly, is accepted.
	e.must(200, "POST", "/v5/policies", body)
}

func TestNoDomainIDAccepted(t *testing.T) {
	e := start(t, Config{})
	creds := e.creds
	creds.DomainID = ""
	r := e.send(signedWith(t, e, creds, e.clock.Now(), "GET", "/v5/policies", nil))
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
}

func signedWith(t *testing.T, e *testEnv, creds signer.Credentials, now time.Time, method, path string, body any) *http.Request {
	t.Helper()
	saved, savedClock := e.creds, e.clock
	defer func() { e.creds, e.clock = saved, savedClock }()
	e.creds = creds
	e.clock = &clock{t: now}
	req, _ := e.request(method, path, body)
	return req
}

func TestNewRequiresCredentials(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without keys succeeded")
	}
	if _, err := New(Config{AccessKey: "a", SecretKey: "b", RootID: "root"}); err == nil {
		t.Fatal("New with a malformed root id succeeded")
	}
}

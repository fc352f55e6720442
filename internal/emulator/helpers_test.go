package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

const (
	testAK = "EMULATORTESTAK000001"
	testSK = "emulator-test-secret-key-0000000000000001"
)

// clock is a settable clock shared by the emulator and the test client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testEnv is a running emulator and a client signing requests for it.
type testEnv struct {
	t     *testing.T
	srv   *Server
	url   string
	clock *clock
	creds signer.Credentials
	hc    *http.Client
}

// start runs an emulator on a loopback port. cfg's credentials, account and clock are
// filled in when empty.
func start(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	if cfg.AccessKey == "" {
		cfg.AccessKey, cfg.SecretKey = testAK, testSK
	}
	c := newClock()
	if cfg.Now == nil {
		cfg.Now = c.Now
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return &testEnv{
		t: t, srv: srv, url: url, clock: c,
		creds: signer.Credentials{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, SecurityToken: cfg.SecurityToken, DomainID: srv.Config().AccountID},
		hc:    &http.Client{Timeout: 10 * time.Second},
	}
}

// resp is a decoded answer.
type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (r resp) code() string { s, _ := r.body["error_code"].(string); return s }

// request builds a signed request.
func (e *testEnv) request(method, path string, body any) (*http.Request, []byte) {
	e.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	if b != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := signer.Sign(req, b, e.creds, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	return req, b
}

// send sends a request and decodes the answer; a transport error fails the test.
func (e *testEnv) send(req *http.Request) resp {
	e.t.Helper()
	r, err := e.trySend(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return r
}

func (e *testEnv) trySend(req *http.Request) (resp, error) {
	hr, err := e.hc.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer hr.Body.Close()
	raw, err := io.ReadAll(hr.Body)
	if err != nil {
		return resp{}, err
	}
	r := resp{status: hr.StatusCode, header: hr.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			return resp{}, fmt.Errorf("answer %d is not a JSON object: %v: %s", hr.StatusCode, err, raw)
		}
	}
	return r, nil
}

// do sends a signed request.
func (e *testEnv) do(method, path string, body any) resp {
	e.t.Helper()
	req, _ := e.request(method, path, body)
	return e.send(req)
}

// must sends a signed request and fails unless the status is want.
func (e *testEnv) must(want int, method, path string, body any) resp {
	e.t.Helper()
	r := e.do(method, path, body)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.raw)
	}
	return r
}

// get walks a decoded JSON value: path elements are object keys or list indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string { s, _ := get(v, path...).(string); return s }

func list(v any, path ...any) []any { l, _ := get(v, path...).([]any); return l }

const (
	allowDoc = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`
	denyDoc  = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`
	scpDoc   = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`
)

// docOfSize returns a valid document with n characters that are not white space, padded
// with spaces that do not count.
func docOfSize(t *testing.T, n int) string {
	t.Helper()
	base := `{"Version":"5.0","Statement":[{"Sid":"","Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`
	pad := n - len(base)
	if pad < 0 {
		t.Fatalf("size %d below the base document", n)
	}
	doc := strings.Replace(base, `"Sid":""`, `"Sid":"`+strings.Repeat("s", pad)+`"`, 1)
	return strings.Replace(doc, `{"Version"`, "{\n    \"Version\"", 1)
}

func createPolicy(e *testEnv, name string) string {
	e.t.Helper()
	r := e.must(200, "POST", "/v5/policies", map[string]any{"policy_name": name, "policy_document": allowDoc})
	return str(r.body, "policy", "policy_id")
}

func createSCP(e *testEnv, name string) string {
	e.t.Helper()
	r := e.must(201, "POST", "/v1/organizations/policies", map[string]any{
		"name": name, "content": scpDoc, "type": "service_control_policy", "description": "d"})
	return str(r.body, "policy", "policy_summary", "id")
}

func enableSCPs(e *testEnv) {
	e.t.Helper()
	e.must(202, "POST", "/v1/organizations/policies/enable", map[string]any{
		"policy_type": "service_control_policy", "root_id": e.srv.Config().RootID})
}

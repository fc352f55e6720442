package signer_test

// These tests sign the same requests with the vendor's Go SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3, a test-only dependency) and
// with this package, and require byte-identical Authorization headers. They
// also check that Verify accepts the requests the SDK signed.

import (
	"bufio"
	"bytes"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

type sdkCase struct {
	name       string
	method     string
	endpoint   string
	pathTmpl   string            // SDK path template, e.g. /v5/policies/{policy_id}
	pathParams map[string]string // substituted by the SDK
	query      map[string][]string
	headers    map[string]string // extra headers (single-valued, as the SDK allows)
	body       string
	creds      signer.Credentials
}

func (c sdkCase) rawPath() string {
	p := c.pathTmpl
	for k, v := range c.pathParams {
		p = replaceAll(p, "{"+k+"}", v)
	}
	return p
}

func replaceAll(s, old, repl string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte(old), []byte(repl)))
}

var sdkTime = time.Date(2024, 3, 9, 7, 5, 3, 0, time.UTC)

func sdkCases() []sdkCase {
	const ak, sk = "HPUAEXAMPLEAK1234567", "ExampleSecretKey/with+chars=0123456789abcdef"
	return []sdkCase{
		{
			name:     "GET list with repeated keys and special characters",
			method:   http.MethodGet,
			endpoint: "https://iam.myhuaweicloud.com",
			pathTmpl: "/v5/policies",
			query: map[string][]string{
				"limit":          {"100"},
				"marker":         {"abc/def+ghi=="},
				"policy_type":    {"custom"},
				"tag":            {"b", "a c", "a", "Z&y"},
				"key with space": {"v&x=1;2"},
				"名":              {"值~._-*"},
				"empty":          {""},
			},
			headers: map[string]string{"User-Agent": "terraform-provider-imspolicy/test", "X-Language": "en-us"},
			creds:   signer.Credentials{AccessKey: ak, SecretKey: sk, DomainID: "0123456789abcdef0123456789abcdef"},
		},
		{
			name:     "POST JSON body with token and domain id",
			method:   http.MethodPost,
			endpoint: "https://iam.myhuaweicloud.com",
			pathTmpl: "/v5/policies",
			headers:  map[string]string{"User-Agent": "tf", "Content-Type": "application/json;charset=UTF-8"},
			body:     `{"policy_name":"p-1","policy_document":"{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"ims:images:list\"]}]}","description":"ünïcødé <&> \n tab\t"}`,
			creds:    signer.Credentials{AccessKey: ak, SecretKey: sk, DomainID: "d0m41n", SecurityToken: "gQpjbi1ub3J0aC00i/+=TOKENVALUE"},
		},
		{
			name:     "path parameters needing escaping",
			method:   http.MethodPost,
			endpoint: "https://iam.myhuaweicloud.com:8443",
			pathTmpl: "/v5/policies/{policy_id}/versions/{version_id}/set-default",
			pathParams: map[string]string{
				"policy_id":  "p ol+icy@id:~._-%é",
				"version_id": "v1",
			},
			headers: map[string]string{"Content-Type": "application/json"},
			body:    "",
			creds:   signer.Credentials{AccessKey: ak, SecretKey: sk},
		},
		{
			name:       "DELETE without body, token only",
			method:     http.MethodDelete,
			endpoint:   "https://organizations.myhuaweicloud.com",
			pathTmpl:   "/v1/organizations/policies/{policy_id}",
			pathParams: map[string]string{"policy_id": "p-abcdefghij0123456789"},
			creds:      signer.Credentials{AccessKey: ak, SecretKey: sk, SecurityToken: "tok"},
		},
		{
			name:       "PATCH with body and an underscore header",
			method:     http.MethodPatch,
			endpoint:   "http://127.0.0.1:18080",
			pathTmpl:   "/v1/organizations/policies/{policy_id}",
			pathParams: map[string]string{"policy_id": "p-1"},
			headers:    map[string]string{"Content-Type": "application/json", "X_Custom": "not signed", "X-Request-Id": "  padded value  "},
			body:       `{"name":"n","content":"{}"}`,
			creds:      signer.Credentials{AccessKey: "AK2", SecretKey: "SK2", DomainID: "acc"},
		},
		{
			name:     "trailing slash path, no query",
			method:   http.MethodGet,
			endpoint: "https://organizations.myhuaweicloud.com",
			pathTmpl: "/v1/organizations/roots/",
			creds:    signer.Credentials{AccessKey: ak, SecretKey: sk},
		},
		{
			name:     "non-JSON content type uses UNSIGNED-PAYLOAD",
			method:   http.MethodPut,
			endpoint: "https://iam.myhuaweicloud.com",
			pathTmpl: "/v5/some/thing",
			headers:  map[string]string{"Content-Type": "text/plain"},
			body:     "plain text body",
			creds:    signer.Credentials{AccessKey: ak, SecretKey: sk},
		},
	}
}

// signWithSDK signs a request with the vendor SDK's global credentials (the
// same path the SDK's IAM and Organizations clients take) and returns the
// header params it produced and the http.Request the SDK would send.
func signWithSDK(t *testing.T, c sdkCase, host string) (map[string]string, *http.Request) {
	t.Helper()
	b := request.NewHttpRequestBuilder().
		WithEndpoint(c.endpoint).
		WithPath(c.pathTmpl).
		WithMethod(c.method).
		WithSigningAlgorithm(algorithm.HmacSHA256)
	for k, v := range c.pathParams {
		b.AddPathParam(k, v)
	}
	for k, vs := range c.query {
		if len(vs) == 1 {
			b.AddQueryParam(k, reflect.ValueOf(vs[0]))
		} else {
			b.AddQueryParam(k, reflect.ValueOf(vs))
		}
	}
	for k, v := range c.headers {
		b.AddHeaderParam(k, v)
	}
	// This package signs host; give the SDK the same header so both sign it.
	b.AddHeaderParam("Host", host)
	// Fix the SDK's clock: it takes X-Sdk-Date from the header params.
	b.AddHeaderParam(signer.HeaderDate, sdkTime.Format(signer.DateFormat))
	if c.body != "" {
		b.WithBody("", c.body)
	}
	req := b.Build()

	cb := global.NewCredentialsBuilder().WithAk(c.creds.AccessKey).WithSk(c.creds.SecretKey)
	if c.creds.DomainID != "" {
		cb = cb.WithDomainId(c.creds.DomainID)
	}
	if c.creds.SecurityToken != "" {
		cb = cb.WithSecurityToken(c.creds.SecurityToken)
	}
	creds, err := cb.SafeBuild()
	if err != nil {
		t.Fatalf("SDK credentials: %v", err)
	}
	signed, err := creds.ProcessAuthRequest(nil, req)
	if err != nil {
		t.Fatalf("SDK signing: %v", err)
	}
	httpReq, err := signed.ConvertRequest()
	if err != nil {
		t.Fatalf("SDK ConvertRequest: %v", err)
	}
	return signed.GetHeaderParams(), httpReq
}

// ourRequest builds the same request as a plain net/http request, the way the
// client package does.
func ourRequest(t *testing.T, c sdkCase) *http.Request {
	t.Helper()
	base, err := url.Parse(c.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{}
	for k, vs := range c.query {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u := &url.URL{Scheme: base.Scheme, Host: base.Host, Path: c.rawPath(), RawQuery: q.Encode()}
	var body *bytes.Reader
	if c.body != "" {
		body = bytes.NewReader([]byte(c.body))
	} else {
		body = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(c.method, u.String(), body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	return req
}

func TestSignMatchesVendorSDK(t *testing.T) {
	for _, c := range sdkCases() {
		t.Run(c.name, func(t *testing.T) {
			ours := ourRequest(t, c)
			var body []byte
			if c.body != "" {
				body = []byte(c.body)
			}
			if err := signer.Sign(ours, body, c.creds, sdkTime); err != nil {
				t.Fatal(err)
			}
			sdkHeaders, _ := signWithSDK(t, c, ours.URL.Host)

			if got, want := ours.Header.Get("Authorization"), sdkHeaders["Authorization"]; got != want {
				t.Fatalf("Authorization differs from the vendor SDK\n ours: %s\n sdk:  %s", got, want)
			}
			for _, h := range []string{signer.HeaderDate, signer.HeaderDomainID, signer.HeaderSecurityToken, signer.HeaderContentSha256} {
				if got, want := ours.Header.Get(h), sdkHeaders[h]; got != want {
					t.Errorf("%s: ours %q, SDK %q", h, got, want)
				}
			}
		})
	}
}

// TestVerifyAcceptsVendorSDKRequests: requests the SDK signed and would send
// verify on the server side.
func TestVerifyAcceptsVendorSDKRequests(t *testing.T) {
	for _, c := range sdkCases() {
		t.Run(c.name, func(t *testing.T) {
			host := ourRequest(t, c).URL.Host
			_, sent := signWithSDK(t, c, host)
			// Re-read the request as a server would see it.
			srv := serverView(t, sent)
			secrets := func(ak string) (string, bool) {
				if ak == c.creds.AccessKey {
					return c.creds.SecretKey, true
				}
				return "", false
			}
			if err := signer.Verify(srv, []byte(c.body), secrets, sdkTime.Add(3*time.Minute), 15*time.Minute); err != nil {
				t.Fatalf("Verify rejected an SDK-signed request: %v", err)
			}
		})
	}
}

// serverView writes the request on the wire and reads it back as a server.
func serverView(t *testing.T, r *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	srv, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestSDKSignedHeadersSet(t *testing.T) {
	// Documents which headers the SDK signs for a typical JSON POST: all but
	// Content-Type (and names with "_").
	c := sdkCases()[1]
	h, _ := signWithSDK(t, c, "iam.myhuaweicloud.com")
	_, signed, _, err := signer.ParseAuthorization(h["Authorization"])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"host", "user-agent", "x-domain-id", "x-sdk-date", "x-security-token"}
	sort.Strings(want)
	if !reflect.DeepEqual(signed, want) {
		t.Fatalf("SDK signed %v, want %v", signed, want)
	}
}

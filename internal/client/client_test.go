package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

const doc1 = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`
const doc2 = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:delete"],"Resource":["*"]}]}`

func TestNewValidatesAndDefaults(t *testing.T) {
	if _, err := New(Config{}); !errors.Is(err, ErrMissingCredentials) {
		t.Fatalf("want ErrMissingCredentials, got %v", err)
	}
	if _, err := New(Config{Credentials: signer.Credentials{AccessKey: "a"}}); !errors.Is(err, ErrMissingCredentials) {
		t.Fatalf("missing secret key: %v", err)
	}
	if _, err := New(Config{Credentials: signer.Credentials{AccessKey: "a", SecretKey: "s"}, IAMEndpoint: "ftp://x"}); err == nil {
		t.Fatal("bad endpoint accepted")
	}
	c, err := New(Config{Credentials: signer.Credentials{AccessKey: "a", SecretKey: "s"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config()
	if cfg.IAMEndpoint != DefaultIAMEndpoint || cfg.OrganizationsEndpoint != DefaultOrganizationsEndpoint || cfg.MaxRetries != DefaultMaxRetries ||
		cfg.MinBackoff != DefaultMinBackoff || cfg.MaxBackoff != DefaultMaxBackoff || cfg.ReadAfterWriteTimeout != DefaultReadAfterWriteTimeout {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
	c, _ = New(Config{Credentials: signer.Credentials{AccessKey: "a", SecretKey: "s"}, MaxRetries: -1})
	if c.Config().MaxRetries != 0 {
		t.Fatal("negative MaxRetries should disable retries")
	}
}

func TestBackoffBounds(t *testing.T) {
	c, _ := New(Config{Credentials: signer.Credentials{AccessKey: "a", SecretKey: "s"}, MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, MaxRetryAfter: time.Second})
	for n := 0; n < 10; n++ {
		full := min(10*time.Millisecond<<n, 80*time.Millisecond)
		for i := 0; i < 50; i++ {
			d := c.backoff(n, 0)
			if d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %s, want in [%s, %s]", n, d, full/2, full)
			}
		}
	}
	if d := c.backoff(0, 3*time.Second); d != time.Second {
		t.Fatalf("Retry-After not capped by MaxRetryAfter: %s", d)
	}
	if d := c.backoff(3, 300*time.Millisecond); d != 300*time.Millisecond {
		t.Fatalf("Retry-After not honoured: %s", d)
	}
	if d, ok := parseRetryAfter("7", time.Now()); !ok || d != 7*time.Second {
		t.Fatal("Retry-After seconds")
	}
	now := time.Now()
	if d, ok := parseRetryAfter(now.Add(90*time.Second).UTC().Format(http.TimeFormat), now); !ok || d < 88*time.Second || d > 91*time.Second {
		t.Fatalf("Retry-After date: %s %v", d, ok)
	}
}

func TestRetry429HonoursRetryAfterAndResigns(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies"), times: 1, status: 429, retryAfter: "1"})
	var tick atomic.Int64
	base := time.Now()
	c := f.client(t, func(cfg *Config) {
		// A clock that moves a second per signature, so every attempt has
		// its own X-Sdk-Date.
		cfg.Now = func() time.Time { return base.Add(time.Duration(tick.Add(1)) * time.Second) }
	})
	start := time.Now()
	if _, err := c.ListPolicies(context.Background(), ListPoliciesOptions{}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 950*time.Millisecond {
		t.Fatalf("Retry-After: 1 not honoured (took %s)", el)
	}
	if n := f.count("GET", "/v5/policies"); n != 2 {
		t.Fatalf("attempts = %d, want 2", n)
	}
	d1, d2 := f.requests[0].Header.Get("X-Sdk-Date"), f.requests[1].Header.Get("X-Sdk-Date")
	a1, a2 := f.requests[0].Header.Get("Authorization"), f.requests[1].Header.Get("Authorization")
	if d1 == d2 || a1 == a2 {
		t.Fatalf("retry not re-signed: %s/%s", d1, d2)
	}
	f.checkSignatures(t)
}

func TestRetryAfterCappedAndFastBackoff(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies"), times: 2, status: 429, retryAfter: "3600"})
	c := f.client(t, func(cfg *Config) { cfg.MaxRetryAfter = 20 * time.Millisecond })
	start := time.Now()
	if _, err := c.ListPolicies(context.Background(), ListPoliciesOptions{}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %s", el)
	}
	if n := f.count("GET", "/v5/policies"); n != 3 {
		t.Fatalf("attempts = %d", n)
	}
}

func TestRetry5xxThenSuccess(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := newFake(t)
			f.addFault(&fault{match: match("GET", "/v1/organizations/roots"), times: 2, status: status})
			c := f.client(t)
			roots, err := c.ListRoots(context.Background())
			if err != nil || len(roots) != 1 {
				t.Fatalf("roots %v, err %v", roots, err)
			}
			if n := f.count("GET", "/v1/organizations/roots"); n != 3 {
				t.Fatalf("attempts = %d, want 3", n)
			}
			f.checkSignatures(t)
		})
	}
}

func TestFinal4xxNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 501} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := newFake(t)
			f.addFault(&fault{match: match("GET", "/v5/policies/p-x"), times: 5, status: status,
				body: `{"error_code":"PAP5.0014","error_msg":"bad","request_id":"rid-1"}`})
			c := f.client(t)
			_, err := c.GetPolicy(context.Background(), "p-x")
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != status || ae.Code != "PAP5.0014" || ae.Message != "bad" || ae.RequestID != "rid-1" {
				t.Fatalf("err = %#v", err)
			}
			if n := f.count("GET", "/v5/policies/p-x"); n != 1 {
				t.Fatalf("a final %d was retried: %d attempts", status, n)
			}
			if IsNotFound(err) != (status == 404) {
				t.Fatal("IsNotFound")
			}
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies/p-1"), times: 100, status: 503})
	c := f.client(t, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.GetPolicy(context.Background(), "p-1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("err = %v", err)
	}
	if n := f.count("GET", "/v5/policies/p-1"); n != 3 {
		t.Fatalf("attempts = %d, want 1 + 2 retries", n)
	}
	c = f.client(t, func(cfg *Config) { cfg.MaxRetries = -1 })
	if _, err := c.GetPolicy(context.Background(), "p-1"); !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("without retries: err = %v", err)
	}
	if n := f.count("GET", "/v5/policies/p-1"); n != 4 {
		t.Fatalf("retries not disabled: %d", n)
	}
}

func TestContextDeadlineBoundsRetries(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies/p-1"), times: 100, status: 503, retryAfter: "30"})
	c := f.client(t, func(cfg *Config) { cfg.MaxRetries = 10 })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetPolicy(ctx, "p-1")
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("the deadline did not bound the retries: %s", el)
	}
	if statusOf(err) != 503 {
		t.Fatalf("want the last answer (503), got %v", err)
	}
	if n := f.count("GET", "/v5/policies/p-1"); n != 1 {
		t.Fatalf("attempts = %d", n)
	}
}

func TestConnectionErrorRetried(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies"), times: 2, dropBefore: true})
	c := f.client(t)
	if _, err := c.ListPolicies(context.Background(), ListPoliciesOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := f.count("GET", "/v5/policies"); n < 3 {
		t.Fatalf("attempts = %d", n)
	}
}

func TestConnectionRefusedGivesRequestError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, _ := New(Config{IAMEndpoint: url, OrganizationsEndpoint: url, Credentials: signer.Credentials{AccessKey: "a", SecretKey: "TOPSECRET"},
		MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	_, err := c.GetPolicy(context.Background(), "p")
	var re *RequestError
	if !errors.As(err, &re) || re.Attempts != 3 {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), "TOPSECRET") {
		t.Fatal("secret in error")
	}
}

func TestCreatePolicyBodyAndResult(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	p, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p1", Path: "team/", Document: doc1, Description: "d <&>"})
	if err != nil {
		t.Fatal(err)
	}
	if p.PolicyID == "" || p.PolicyName != "p1" || p.Path != "team/" || p.DefaultVersionID != "v1" {
		t.Fatalf("policy = %+v", p)
	}
	var body map[string]any
	post := f.first("POST")
	if err := json.Unmarshal([]byte(post.Body), &body); err != nil {
		t.Fatalf("request body %s: %v", post.Body, err)
	}
	want := map[string]any{"policy_name": "p1", "path": "team/", "policy_document": doc1, "description": "d <&>"}
	if fmt.Sprint(body) != fmt.Sprint(want) {
		t.Fatalf("body = %v", body)
	}
	if !strings.Contains(post.Body, "<&>") {
		t.Fatal("HTML escaping in the body")
	}
	f.checkSignatures(t)
}

// wantLostAnswerRefusal checks that err refuses the identity policy the fake holds under
// the name after a lost answer: a NameTakenError with its id that says why (nothing tells
// two identical creations apart), and that the create was sent posts times.
func wantLostAnswerRefusal(t *testing.T, f *fakeAPI, err error, posts int) {
	t.Helper()
	var taken *NameTakenError
	if !errors.As(err, &taken) || len(f.policies) != 1 || taken.ID != f.policies[0].PolicyID || taken.AfterLostAnswer == "" {
		t.Fatalf("want a NameTakenError naming the only policy after a lost answer, got %v (%d policies)", err, len(f.policies))
	}
	for _, want := range []string{"nothing tells two identical creations apart", "the AWS provider does the same for IAM policies"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the error does not say %q: %v", want, err)
		}
	}
	if n := f.count("POST", "/v5/policies"); n != posts {
		t.Fatalf("POSTs = %d, want %d", n, posts)
	}
}

// The server acts, then drops the connection. Another apply creating the same name at the
// same moment would look the same, and nothing in an identity policy marks it as this
// create's: the policy is never adopted, and the create fails with its id.
func TestCreatePolicyRefusesAfterDroppedConnection(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, dropAfterAct: true})
	c := f.client(t)
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "lost", Document: doc1})
	wantLostAnswerRefusal(t, f, err, 1)
	f.checkSignatures(t)
}

// The create fails with 503 before acting, and meanwhile another apply created the same
// name with the same document (the race of issue 16): the create must not take it over.
func TestCreatePolicyNeverAdoptsAnotherApplysPolicy(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	f.listHidden["raced"] = 1 // the check before the first attempt does not see it yet
	f.mu.Lock()
	f.policies = append(f.policies, &Policy{PolicyID: "p-other-apply", PolicyName: "raced", PolicyType: "custom", DefaultVersionID: "v1"})
	f.versions["p-other-apply"] = []*PolicyVersion{{Document: doc1, VersionID: "v1", IsDefault: true}}
	f.mu.Unlock()
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, status: 503})
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "raced", Document: doc1})
	wantLostAnswerRefusal(t, f, err, 1)
}

// The same race for SCPs: the SCP found after the 503 does not carry this create's token.
func TestCreateSCPNeverAdoptsAnotherApplysSCP(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	f.listHidden["raced"] = 1
	f.mu.Lock()
	f.scps = append(f.scps, &SCP{ID: "p-other-apply", Name: "raced", Type: PolicyTypeServiceControl, Content: doc2})
	f.scpTags["p-other-apply"] = map[string]string{CreateTokenTagKey: "another-apply-token"}
	f.mu.Unlock()
	f.addFault(&fault{match: match("POST", "/v1/organizations/policies"), times: 1, status: 503})
	_, err := c.CreateSCP(context.Background(), CreateSCPInput{Name: "raced", Content: doc2})
	var taken *NameTakenError
	if !errors.As(err, &taken) || taken.ID != "p-other-apply" || !strings.Contains(err.Error(), "does not carry that create's marker tag") {
		t.Fatalf("want a NameTakenError for p-other-apply, got %v", err)
	}
	if len(f.scps) != 1 {
		t.Fatalf("SCPs = %d", len(f.scps))
	}
}

// A 429 says the service did not act: it is retried without a lookup, and a name taken
// after it (409) is someone else's, refused with its id and not as a lost answer.
func TestCreateAfter429NameTakenIsSomeoneElses(t *testing.T) {
	for _, kind := range []string{"policy", "scp"} {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t)
			c := f.client(t)
			f.listHidden["raced"] = 1
			f.mu.Lock()
			f.policies = append(f.policies, &Policy{PolicyID: "p-theirs", PolicyName: "raced", PolicyType: "custom", DefaultVersionID: "v1"})
			f.versions["p-theirs"] = []*PolicyVersion{{Document: doc1, VersionID: "v1", IsDefault: true}}
			f.scps = append(f.scps, &SCP{ID: "p-theirs", Name: "raced", Type: PolicyTypeServiceControl, Content: doc2})
			f.scpTags["p-theirs"] = map[string]string{}
			f.mu.Unlock()
			f.addFault(&fault{match: match("POST", ""), times: 1, status: 429})
			var err error
			if kind == "policy" {
				_, err = c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "raced", Document: doc1})
			} else {
				_, err = c.CreateSCP(context.Background(), CreateSCPInput{Name: "raced", Content: doc2})
			}
			var taken *NameTakenError
			if !errors.As(err, &taken) || taken.ID != "p-theirs" || taken.AfterLostAnswer != "" || !IsConflict(err) {
				t.Fatalf("want a NameTakenError wrapping the 409, got %v", err)
			}
		})
	}
}

// A 2xx create answer that names no object is a lost answer: the lookup runs, the SCP is
// adopted by its token and the identity policy refused with its id; nothing is orphaned
// behind a plain error, and nothing is created twice.
func TestCreateUnusableSuccessIsALostAnswer(t *testing.T) {
	for name, bodies := range map[string][2]string{
		"empty":       {"", ""},
		"{}":          {"{}", "{}"},
		"null policy": {`{"policy":null}`, `{"policy":null}`},
		"blank id":    {`{"policy":{"policy_id":"","policy_name":"x"}}`, `{"policy":{"content":"{}","policy_summary":{"id":"","name":"x"}}}`},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			c := f.client(t)
			f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, replaceBody: &bodies[0]})
			f.addFault(&fault{match: match("POST", "/v1/organizations/policies"), times: 1, replaceBody: &bodies[1]})
			_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p", Document: doc1})
			wantLostAnswerRefusal(t, f, err, 1)
			s, err := c.CreateSCP(context.Background(), CreateSCPInput{Name: "s", Content: doc2})
			if err != nil || len(f.scps) != 1 || s.ID != f.scps[0].ID || f.count("POST", "/v1/organizations/policies") != 1 {
				t.Fatalf("the SCP was not adopted once: %+v, %v (%d SCPs)", s, err, len(f.scps))
			}
		})
	}
}

// Names are unique ignoring case: a create of team-readers while Team-Readers exists is
// refused with the holder's id before anything is sent.
func TestCreateNameTakenUnderOtherCase(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	p, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "Team-Readers", Document: doc1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.CreateSCP(context.Background(), CreateSCPInput{Name: "Team-Guard", Content: doc2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "team-readers", Document: doc1})
	var taken *NameTakenError
	if !errors.As(err, &taken) || taken.ID != p.PolicyID || !strings.Contains(err.Error(), `named "Team-Readers": names are unique ignoring case`) {
		t.Fatalf("identity policy: want a NameTakenError for %s, got %v", p.PolicyID, err)
	}
	_, err = c.CreateSCP(context.Background(), CreateSCPInput{Name: "TEAM-guard", Content: doc2})
	if !errors.As(err, &taken) || taken.ID != s.ID {
		t.Fatalf("SCP: want a NameTakenError for %s, got %v", s.ID, err)
	}
	if f.count("POST", "/v5/policies") != 1 || f.count("POST", "/v1/organizations/policies") != 1 {
		t.Fatal("a create was sent for a taken name")
	}
	// Reading by name stays exact.
	if _, err := c.FindPolicyByName(context.Background(), "team-readers"); !IsNotFound(err) {
		t.Fatalf("FindPolicyByName matched another case: %v", err)
	}
}

// The create token is on every SCP created, is left out of the tags read back, and is
// refused as a user's tag key.
func TestCreateTokenTag(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	s1, err := c.CreateSCP(context.Background(), CreateSCPInput{Name: "a", Content: doc2, Tags: map[string]string{"team": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c.CreateSCP(context.Background(), CreateSCPInput{Name: "b", Content: doc2})
	if err != nil {
		t.Fatal(err)
	}
	t1, t2 := f.scpTags[s1.ID][CreateTokenTagKey], f.scpTags[s2.ID][CreateTokenTagKey]
	if len(t1) != 32 || len(t2) != 32 || t1 == t2 {
		t.Fatalf("tokens %q and %q: want two different 32-character tokens", t1, t2)
	}
	tags, err := c.ListResourceTags(context.Background(), s1.ID)
	if err != nil || fmt.Sprint(tags) != "map[team:x]" {
		t.Fatalf("ListResourceTags = %v, %v; want only the user's tags", tags, err)
	}
	for _, k := range []string{CreateTokenTagKey, "IMSPOLICY-Create-Token"} {
		if err := CheckTag(k, "v"); err == nil || !strings.Contains(err.Error(), "reserved") {
			t.Fatalf("CheckTag(%q) = %v, want reserved", k, err)
		}
	}
}

// The server acts and drops; the list lags behind, so the retried create
// answers 409: the client polls the list, finds the policy and refuses it.
func TestCreatePolicyRefusesAfterDropAndListLag(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, dropAfterAct: true})
	f.listHidden["lagging"] = 3
	c := f.client(t)
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "lagging", Document: doc1})
	wantLostAnswerRefusal(t, f, err, 2)
}

// The SCP path of the same: adopted by its token once the list shows it.
func TestCreateSCPAdoptsAfterDropAndListLag(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v1/organizations/policies"), times: 1, dropAfterAct: true})
	f.listHidden["lagging"] = 3
	c := f.client(t)
	s, err := c.CreateSCP(context.Background(), CreateSCPInput{Name: "lagging", Content: doc2})
	if err != nil || len(f.scps) != 1 || s.ID != f.scps[0].ID {
		t.Fatalf("not adopted once: %+v, %v (%d SCPs)", s, err, len(f.scps))
	}
	if n := f.count("POST", "/v1/organizations/policies"); n != 2 {
		t.Fatalf("POSTs = %d, want 2 (the second answered 409)", n)
	}
}

// 503 without acting: the lookup finds nothing, the create is retried once.
func TestCreatePolicyRetriesWhenServerDidNotAct(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 2, status: 503})
	c := f.client(t)
	p, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p", Document: doc1})
	if err != nil || p == nil {
		t.Fatal(err)
	}
	if len(f.policies) != 1 {
		t.Fatalf("policies = %d", len(f.policies))
	}
	if n := f.count("POST", "/v5/policies"); n != 3 {
		t.Fatalf("POSTs = %d", n)
	}
	if n := f.count("GET", "/v5/policies"); n < 2 {
		t.Fatalf("no lookup by name before retrying (%d lists)", n)
	}
}

// 429 means the server did not act: retry without lookups (beyond the one
// that proves the name free before the first attempt).
func TestCreatePolicy429RetriesWithoutLookup(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, status: 429})
	c := f.client(t)
	if _, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p", Document: doc1}); err != nil {
		t.Fatal(err)
	}
	if n := f.count("GET", "/v5/policies"); n != 1 {
		t.Fatalf("lookups = %d, want only the one before the first attempt", n)
	}
}

// A name taken before the first attempt is refused with the holder's id,
// without sending the create: never an adoption.
func TestCreatePolicyNameTakenBeforeIsRefused(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	first, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "taken", Document: doc1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "taken", Document: doc1})
	var taken *NameTakenError
	if !errors.As(err, &taken) || taken.ID != first.PolicyID || taken.AfterLostAnswer != "" {
		t.Fatalf("want a NameTakenError for %s, got %v", first.PolicyID, err)
	}
	if n := f.count("POST", "/v5/policies"); n != 1 {
		t.Fatalf("POSTs = %d, want 1", n)
	}
}

// A name taken between the check and the create (a 409 on an attempt that
// no lost answer preceded) is someone else's: refused with its id.
func TestCreatePolicyNameTakenMeanwhileIsRefused(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	f.listHidden["racer"] = 1 // the check before the first attempt does not see it
	f.mu.Lock()
	f.nextID++
	f.policies = append(f.policies, &Policy{PolicyID: "p-racer", PolicyName: "racer", PolicyType: "custom", DefaultVersionID: "v1"})
	f.versions["p-racer"] = []*PolicyVersion{{Document: doc2, VersionID: "v1", IsDefault: true}}
	f.mu.Unlock()
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "racer", Document: doc1})
	var taken *NameTakenError
	if !errors.As(err, &taken) || taken.ID != "p-racer" || !IsConflict(err) {
		t.Fatalf("want a NameTakenError wrapping the 409, got %v", err)
	}
}

func TestCreatePolicyBadRequestNotRetried(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p", Document: ""})
	if statusOf(err) != 400 || f.count("POST", "/v5/policies") != 1 || f.count("GET", "/v5/policies") != 1 {
		t.Fatalf("err %v", err)
	}
}

// Under every kind of lost answer, an object of the same name that existed
// before the create is never adopted, whatever it holds.
func TestCreateNeverAdoptsWhatItDidNotMake(t *testing.T) {
	faults := map[string]fault{
		"dropAfterAct": {dropAfterAct: true},
		"503":          {status: 503},
		"cutBody":      {cutBody: true},
	}
	for name, fl := range faults {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			c := f.client(t)
			old, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "theirs", Document: doc1})
			if err != nil {
				t.Fatal(err)
			}
			fl := fl
			fl.match, fl.times = match("POST", "/v5/policies"), 3
			f.addFault(&fl)
			_, err = c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "theirs", Document: doc1})
			var taken *NameTakenError
			if !errors.As(err, &taken) || taken.ID != old.PolicyID {
				t.Fatalf("want a NameTakenError for %s, got %v", old.PolicyID, err)
			}
			if len(f.policies) != 1 {
				t.Fatalf("policies = %d", len(f.policies))
			}
		})
	}
}

// A 2xx whose body is cut is an ambiguous answer: the create looks the object
// up and, for an identity policy, refuses it with its id, without re-sending.
func TestCreatePolicyRefusesAfterCutAnswer(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, cutBody: true})
	c := f.client(t)
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "cut", Document: doc1})
	wantLostAnswerRefusal(t, f, err, 1)
}

// A GET whose 2xx body is cut is retried like a lost connection, and the
// error after the last attempt counts every attempt.
func TestCutAnswerIsRetriedAndCounted(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	p, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p", Document: doc1})
	if err != nil {
		t.Fatal(err)
	}
	f.addFault(&fault{match: match("GET", "/v5/policies/*"), times: 2, cutBody: true})
	if _, err := c.GetPolicy(context.Background(), p.PolicyID); err != nil {
		t.Fatalf("not retried: %v", err)
	}
	f.addFault(&fault{match: match("GET", "/v5/policies/*"), times: 100, cutBody: true})
	_, err = c.GetPolicy(context.Background(), p.PolicyID)
	var re *RequestError
	if !errors.As(err, &re) || re.Attempts != c.Config().MaxRetries+1 || !strings.Contains(err.Error(), fmt.Sprintf("after %d attempt(s)", re.Attempts)) {
		t.Fatalf("want a RequestError after %d attempts, got %v", c.Config().MaxRetries+1, err)
	}
}

func TestCreateSCPAdoptsAfterDroppedConnection(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v1/organizations/policies"), times: 1, dropAfterAct: true})
	f.listHidden["scp-1"] = 1
	c := f.client(t)
	s, err := c.CreateSCP(context.Background(), CreateSCPInput{Name: "scp-1", Description: "d", Content: doc2, Tags: map[string]string{"b": "2", "a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.scps) != 1 || s.ID != f.scps[0].ID || s.Content != doc2 || s.Type != PolicyTypeServiceControl {
		t.Fatalf("scps %d, got %+v", len(f.scps), s)
	}
	var body map[string]any
	post := f.first("POST")
	if err := json.Unmarshal([]byte(post.Body), &body); err != nil {
		t.Fatalf("request body %s: %v", post.Body, err)
	}
	tags := fmt.Sprint(body["tags"])
	if body["type"] != "service_control_policy" || !strings.HasPrefix(tags, "[map[key:a value:1] map[key:b value:2] map[key:"+CreateTokenTagKey+" value:") || body["description"] != "d" {
		t.Fatalf("body = %v", body)
	}
	f.checkSignatures(t)
}

func TestCreatePolicyVersionAdoptsAfterDroppedConnection(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	p, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p", Document: doc1})
	if err != nil {
		t.Fatal(err)
	}
	f.addFault(&fault{match: match("POST", "/v5/policies/*"), times: 1, dropAfterAct: true})
	// Same document, other formatting: adopted by JSON equality.
	v, err := c.CreatePolicyVersion(context.Background(), p.PolicyID, " "+doc2+"\n", true)
	if err != nil {
		t.Fatal(err)
	}
	if v.VersionID != "v2" || !v.IsDefault || len(f.versions[p.PolicyID]) != 2 {
		t.Fatalf("version %+v, versions %d", v, len(f.versions[p.PolicyID]))
	}
}

func TestAttachDetachAfterLostAnswer(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	p, _ := c.CreatePolicy(ctx, CreatePolicyInput{Name: "p", Document: doc1})
	for _, pt := range []PrincipalType{PrincipalUser, PrincipalGroup, PrincipalAgency} {
		f.addFault(&fault{match: match("POST", "/v5/policies/"+p.PolicyID+"/attach-"+string(pt)), times: 1, dropAfterAct: true})
		if err := c.AttachPolicy(ctx, p.PolicyID, pt, "id-"+string(pt)); err != nil {
			t.Fatalf("attach %s: %v", pt, err)
		}
		ok, err := c.IsPolicyAttached(ctx, p.PolicyID, pt, "id-"+string(pt))
		if err != nil || !ok {
			t.Fatalf("not attached: %v", err)
		}
	}
	es, err := c.ListPolicyEntities(ctx, p.PolicyID, "")
	if err != nil || len(es.Users) != 1 || len(es.Groups) != 1 || len(es.Agencies) != 1 || es.Agencies[0].ID != "id-agency" {
		t.Fatalf("entities %+v %v", es, err)
	}
	var body map[string]string
	for _, r := range f.requests {
		if strings.HasSuffix(r.Path, "/attach-agency") {
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				t.Fatalf("attach-agency body %s: %v", r.Body, err)
			}
		}
	}
	if body["agency_id"] != "id-agency" {
		t.Fatalf("attach-agency body %v", body)
	}
	aps, err := c.ListAttachedPolicies(ctx, PrincipalUser, "id-user")
	if err != nil || len(aps) != 1 || aps[0].PolicyID != p.PolicyID {
		t.Fatalf("attached policies %v %v", aps, err)
	}
	// Attaching again without a lost answer is a real conflict.
	if err := c.AttachPolicy(ctx, p.PolicyID, PrincipalUser, "id-user"); !IsConflict(err) {
		t.Fatalf("want 409, got %v", err)
	}
	f.addFault(&fault{match: match("POST", "/v5/policies/"+p.PolicyID+"/detach-user"), times: 1, dropAfterAct: true})
	if err := c.DetachPolicy(ctx, p.PolicyID, PrincipalUser, "id-user"); err != nil {
		t.Fatalf("detach: %v", err)
	}
	if err := c.DetachPolicy(ctx, p.PolicyID, PrincipalUser, "id-user"); !IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
	f.checkSignatures(t)
}

func TestSCPAttachDetachAfterLostAnswer(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	s, err := c.CreateSCP(ctx, CreateSCPInput{Name: "s", Content: doc2})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"r-root1", "ou-1", "acc-1"} {
		f.addFault(&fault{match: match("POST", "/v1/organizations/policies/"+s.ID+"/attach"), times: 1, dropAfterAct: true})
		if err := c.AttachSCP(ctx, s.ID, target); err != nil {
			t.Fatal(err)
		}
	}
	es, err := c.ListSCPEntities(ctx, s.ID)
	if err != nil || len(es) != 3 {
		t.Fatalf("entities %v %v", es, err)
	}
	f.addFault(&fault{match: match("POST", "/v1/organizations/policies/"+s.ID+"/detach"), times: 1, dropAfterAct: true})
	if err := c.DetachSCP(ctx, s.ID, "ou-1"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.IsSCPAttached(ctx, s.ID, "ou-1"); ok {
		t.Fatal("still attached")
	}
}

func TestDeleteAfterLostAnswer(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	p, _ := c.CreatePolicy(ctx, CreatePolicyInput{Name: "p", Document: doc1})
	s, _ := c.CreateSCP(ctx, CreateSCPInput{Name: "s", Content: doc2})
	f.addFault(&fault{match: match("DELETE", ""), times: 2, dropAfterAct: true})
	if err := c.DeletePolicy(ctx, p.PolicyID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSCP(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.policies) != 0 || len(f.scps) != 0 {
		t.Fatal("not deleted")
	}
	// Without a lost answer, deleting what is gone is a 404.
	if err := c.DeletePolicy(ctx, p.PolicyID); !IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
}

func TestPaging(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		if _, err := c.CreatePolicy(ctx, CreatePolicyInput{Name: fmt.Sprintf("p%d", i), Document: doc1}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateSCP(ctx, CreateSCPInput{Name: fmt.Sprintf("s%d", i), Content: doc2}); err != nil {
			t.Fatal(err)
		}
	}
	before := f.count("GET", "/v5/policies")
	ps, err := c.ListPolicies(ctx, ListPoliciesOptions{PolicyType: PolicyTypeCustom})
	if err != nil || len(ps) != 7 || ps[6].PolicyName != "p6" {
		t.Fatalf("ListPolicies: %d %v", len(ps), err)
	}
	if n := f.count("GET", "/v5/policies") - before; n != 4 {
		t.Fatalf("pages = %d, want 4", n)
	}
	for _, r := range f.requests {
		if r.Path == "/v5/policies" && r.Method == "GET" && !strings.Contains(r.RawQuery, "limit=100") {
			t.Fatalf("query %q", r.RawQuery)
		}
	}
	p, err := c.FindPolicyByName(ctx, "p5")
	if err != nil || p.PolicyName != "p5" {
		t.Fatal(err)
	}
	if _, err := c.FindPolicyByName(ctx, "nope"); !IsNotFound(err) {
		t.Fatalf("want not found, got %v", err)
	}
	scps, err := c.ListSCPs(ctx)
	if err != nil || len(scps) != 8 { // 7 + the built-in FullAccess; the tag policy is filtered out
		t.Fatalf("ListSCPs: %d %v", len(scps), err)
	}
	all, _ := c.ListOrganizationPolicies(ctx, "")
	if len(all) != 9 {
		t.Fatalf("ListOrganizationPolicies: %d", len(all))
	}
	s, err := c.FindSCPByName(ctx, "s6")
	if err != nil || s.Name != "s6" {
		t.Fatal(err)
	}
	if err := c.AttachSCP(ctx, s.ID, "a1"); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"x", "y", "z", "w"} {
		if _, err := c.CreatePolicyVersion(ctx, ps[0].PolicyID, strings.Replace(doc1, "list", v, 1), false); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := c.ListPolicyVersions(ctx, ps[0].PolicyID)
	if err != nil || len(vs) != 5 {
		t.Fatalf("versions %d %v", len(vs), err)
	}
	f.checkSignatures(t)
}

func TestPagingRepeatedMarkerStops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"policies": []any{map[string]any{"policy_id": "a"}}, "page_info": map[string]any{"next_marker": "same"}})
	}))
	defer srv.Close()
	c, _ := New(Config{IAMEndpoint: srv.URL, Credentials: signer.Credentials{AccessKey: "a", SecretKey: "s"}})
	if _, err := c.ListPolicies(context.Background(), ListPoliciesOptions{}); err == nil || !strings.Contains(err.Error(), "repeated") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorParsing(t *testing.T) {
	cases := []struct {
		name, body           string
		header               string
		code, msg, requestID string
		encodedAuthzMessage  string
	}{
		{"error_code", `{"error_code":"PAP5.0015","error_msg":"policy not found","request_id":"r1"}`, "", "PAP5.0015", "policy not found", "r1", ""},
		{"code/message", `{"code":"Organizations.1202","message":"Policy not found."}`, "hdr-id", "Organizations.1202", "Policy not found.", "hdr-id", ""},
		{"nested IAM v3", `{"error":{"code":404,"message":"Could not find policy","title":"Not Found"}}`, "", "404", "Could not find policy", "", ""},
		{"encoded authz", `{"error_code":"PAP5.0001","error_msg":"denied","request_id":"r2","encoded_authorization_message":"enc"}`, "", "PAP5.0001", "denied", "r2", "enc"},
		{"not JSON", `<html>gateway</html>`, "", "", "<html>gateway</html>", "", ""},
		{"empty", ``, "", "", "Not Found", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.header != "" {
				h.Set("X-Request-Id", tc.header)
			}
			e := parseAPIError(404, h, []byte(tc.body))
			if e.Code != tc.code || e.Message != tc.msg || e.RequestID != tc.requestID || e.EncodedAuthorizationMessage != tc.encodedAuthzMessage {
				t.Fatalf("got %+v", e)
			}
			if !IsNotFound(fmt.Errorf("wrapped: %w", e)) {
				t.Fatal("IsNotFound through wrapping")
			}
		})
	}
	if IsNotFound(errors.New("x")) || IsNotFound(nil) {
		t.Fatal("IsNotFound on a non-API error")
	}
}

// The server echoes the token and the authorization into its error text; the
// client's error must not carry the secret values.
func TestErrorTextNeverContainsSecrets(t *testing.T) {
	const secret, token = "VERY-SECRET-SK", "VERY-SECRET-TOKEN"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiErr(w, 400, "X.1", "echo "+r.Header.Get("X-Security-Token")+" "+secret)
	}))
	defer srv.Close()
	c, _ := New(Config{IAMEndpoint: srv.URL, Credentials: signer.Credentials{AccessKey: "a", SecretKey: secret, SecurityToken: token}})
	_, err := c.GetPolicy(context.Background(), "p")
	if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), token) {
		t.Fatalf("err = %v", err)
	}
}

func TestLogsNeverContainSecrets(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies"), times: 1, status: 503})
	f.addFault(&fault{match: match("POST", "/v1/organizations/policies"), times: 1, dropAfterAct: true})
	f.addFault(&fault{match: match("GET", "/v1/organizations/roots"), times: 1, dropBefore: true})
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := f.client(t)
	if _, err := c.ListPolicies(ctx, ListPoliciesOptions{}); err != nil {
		t.Fatalf("ListPolicies: %v", err)
	}
	if _, err := c.CreateSCP(ctx, CreateSCPInput{Name: "p", Content: doc2, Description: "mentions " + f.creds.SecretKey}); err != nil {
		t.Fatalf("CreateSCP: %v", err)
	}
	if _, err := c.ListRoots(ctx); err != nil {
		t.Fatalf("ListRoots: %v", err)
	}
	if _, err := c.GetPolicy(ctx, "missing"); !IsNotFound(err) {
		t.Fatalf("GetPolicy(missing): want 404, got %v", err)
	}
	out := buf.String()
	if len(out) < 1000 {
		t.Fatalf("too few logs: %q", out)
	}
	for _, s := range []string{f.creds.SecretKey, f.creds.SecurityToken} {
		if strings.Contains(out, s) {
			t.Fatalf("logs contain a secret value %q", s[:6])
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var sawAuth, sawRetry, sawAdopt bool
	for _, e := range entries {
		if h, ok := e["request_headers"].(string); ok && strings.Contains(h, "Authorization: SDK-HMAC-SHA256 Access=AKTEST") {
			sawAuth = true
			if !strings.Contains(h, "Signature=***") || strings.Contains(h, "Signature=0") {
				t.Fatalf("signature not masked: %s", h)
			}
			if !strings.Contains(h, "X-Security-Token: ***") {
				t.Fatalf("token header not masked: %s", h)
			}
		}
		msg, _ := e["@message"].(string)
		sawRetry = sawRetry || msg == "retrying API call"
		sawAdopt = sawAdopt || strings.HasPrefix(msg, "recording the object an earlier attempt")
	}
	if !sawAuth || !sawRetry || !sawAdopt {
		t.Fatalf("expected log entries missing (auth %v, retry %v, adopt %v)", sawAuth, sawRetry, sawAdopt)
	}
}

func TestWaitForPolicyAfterCreate(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	p, _ := c.CreatePolicy(ctx, CreatePolicyInput{Name: "p", Document: doc1})
	f.getHidden[p.PolicyID] = 3
	got, err := c.WaitForPolicy(ctx, p.PolicyID)
	if err != nil || got.PolicyID != p.PolicyID {
		t.Fatalf("%v %v", got, err)
	}
	// Bounded: a policy that never appears ends in a 404.
	c2 := f.client(t, func(cfg *Config) { cfg.ReadAfterWriteTimeout = 50 * time.Millisecond })
	start := time.Now()
	if _, err := c2.WaitForPolicy(ctx, "p-never"); !IsNotFound(err) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
	// Other errors are not retried.
	f.addFault(&fault{match: match("GET", "/v5/policies/p-x"), times: 1, status: 403})
	if _, err := c.WaitForPolicy(ctx, "p-x"); !IsForbidden(err) {
		t.Fatalf("err %v", err)
	}
	n := 0
	if err := c.RetryWhileNotFound(ctx, func(ctx context.Context) error {
		n++
		if n < 3 {
			return notFound("x", "not yet")
		}
		return nil
	}); err != nil || n != 3 {
		t.Fatalf("RetryWhileNotFound: %v %d", err, n)
	}
}

func TestPolicyVersionsAndDescription(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	p, _ := c.CreatePolicy(ctx, CreatePolicyInput{Name: "p", Document: doc1})
	v, err := c.CreatePolicyVersion(ctx, p.PolicyID, doc2, true)
	if err != nil || v.VersionID != "v2" || !v.IsDefault {
		t.Fatalf("%+v %v", v, err)
	}
	pol, ver, err := c.GetPolicyDocument(ctx, p.PolicyID)
	if err != nil || pol.DefaultVersionID != "v2" || ver.Document != doc2 {
		t.Fatalf("%+v %+v %v", pol, ver, err)
	}
	if err := c.SetDefaultPolicyVersion(ctx, p.PolicyID, "v1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePolicyVersion(ctx, p.PolicyID, "v2"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPolicyVersion(ctx, p.PolicyID, "v2"); !IsNotFound(err) {
		t.Fatalf("deleted version: %v", err)
	}
	if err := c.UpdatePolicyDescription(ctx, p.PolicyID, "new text"); err != nil {
		t.Fatal(err)
	}
	last := f.requests[len(f.requests)-1]
	if last.Method != "PUT" || last.Body != `{"description":"new text"}` {
		t.Fatalf("PUT body %s %s", last.Method, last.Body)
	}
	for i := 0; i < 4; i++ {
		if _, err := c.CreatePolicyVersion(ctx, p.PolicyID, doc1, false); err != nil {
			t.Fatalf("version %d of 5: %v", i+2, err)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, p.PolicyID, `{"Version":"5.0","Statement":[]}`, false)
	if !IsConflict(err) || ErrorCode(err) != "PAP5.0028" {
		t.Fatalf("want PAP5.0028, got %v", err)
	}
}

func TestSCPUpdateAndEnablement(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	s, _ := c.CreateSCP(ctx, CreateSCPInput{Name: "s", Content: doc2})
	name, content := "s2", doc1
	u, err := c.UpdateSCP(ctx, s.ID, UpdateSCPInput{Name: &name, Content: &content})
	if err != nil || u.Name != "s2" || u.Content != doc1 {
		t.Fatalf("%+v %v", u, err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(f.requests[len(f.requests)-1].Body), &body); err != nil {
		t.Fatalf("PATCH body: %v", err)
	}
	if _, has := body["description"]; has || len(body) != 2 {
		t.Fatalf("PATCH body %v", body)
	}
	got, err := c.GetSCP(ctx, s.ID)
	if err != nil || got.Content != doc1 {
		t.Fatal(err)
	}
	if err := c.EnablePolicyType(ctx, "r-root1", PolicyTypeServiceControl); err != nil {
		t.Fatal(err)
	}
	// Enabling again: the 409 is fine, the root reports it.
	if err := c.EnablePolicyType(ctx, "r-root1", PolicyTypeServiceControl); err != nil {
		t.Fatal(err)
	}
	root, err := c.WaitForPolicyTypeStatus(ctx, "r-root1", PolicyTypeServiceControl, PolicyTypeStatusEnabled, time.Second)
	if err != nil || root.PolicyTypeStatus(PolicyTypeServiceControl) != "enabled" {
		t.Fatalf("%+v %v", root, err)
	}
	if err := c.EnablePolicyType(ctx, "r-nope", PolicyTypeServiceControl); !IsNotFound(err) {
		t.Fatalf("unknown root: %v", err)
	}
	if _, err := c.GetRoot(ctx, "r-nope"); !IsNotFound(err) {
		t.Fatal(err)
	}
}

func TestInvalidIDs(t *testing.T) {
	c, _ := New(Config{Credentials: signer.Credentials{AccessKey: "a", SecretKey: "s"}, IAMEndpoint: "http://127.0.0.1:1"})
	ctx := context.Background()
	if _, err := c.GetPolicy(ctx, ""); err == nil {
		t.Fatal("empty id")
	}
	if _, err := c.GetPolicy(ctx, "a/b"); err == nil {
		t.Fatal("slash in id")
	}
	if err := c.AttachPolicy(ctx, "p", "role", "x"); err == nil {
		t.Fatal("bad principal type")
	}
}

func TestEndpointWithPathPrefixAndWrongKey(t *testing.T) {
	var gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.Path
		body := []byte(nil)
		err := signer.Verify(r, body, func(string) (string, bool) { return "right", true }, time.Now(), time.Minute)
		if err != nil {
			ve, ok := err.(*signer.VerifyError)
			if !ok {
				t.Errorf("signer.Verify returned %T, not *signer.VerifyError: %v", err, err)
				apiErr(w, 500, "FAKE.0500", err.Error())
				return
			}
			apiErr(w, ve.StatusCode, ve.Code, ve.Message)
			return
		}
		writeJSON(w, 200, map[string]any{"policy": map[string]any{"policy_id": "x"}})
	}))
	defer srv.Close()
	ok, _ := New(Config{IAMEndpoint: srv.URL + "/prefix/", Credentials: signer.Credentials{AccessKey: "a", SecretKey: "right"}})
	if _, err := ok.GetPolicy(context.Background(), "x"); err != nil || gotPath != "/prefix/v5/policies/x" {
		t.Fatalf("%v %s", err, gotPath)
	}
	bad, _ := New(Config{IAMEndpoint: srv.URL, Credentials: signer.Credentials{AccessKey: "a", SecretKey: "wrong"}})
	_, err := bad.GetPolicy(context.Background(), "x")
	if !IsUnauthorized(err) || ErrorCode(err) != "APIGW.0301" {
		t.Fatalf("err %v", err)
	}
}

func TestJSONEqual(t *testing.T) {
	if !JSONEqual(`{"a":1,"b":[1,2]}`, ` { "b":[1,2], "a":1 } `) || JSONEqual(`{"a":1}`, `{"a":2}`) || JSONEqual("x", "y") || !JSONEqual("x", "x") {
		t.Fatal("JSONEqual")
	}
}

// When the lookup after an ambiguous failure fails too, the create is not
// sent again (it could duplicate): the create's error is returned.
func TestCreatePolicyNoRecreateWhenLookupFails(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, dropAfterAct: true})
	f.addFault(&fault{match: match("GET", "/v5/policies"), skip: 1, times: 100, status: 400})
	c := f.client(t)
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "p", Document: doc1})
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("want the create's RequestError, got %v", err)
	}
	if n := f.count("POST", "/v5/policies"); n != 1 {
		t.Fatalf("POSTs = %d", n)
	}
	// What the next apply does, truthfully: it refuses the name and prints the import block.
	for _, want := range []string{"nothing was recorded", "the next apply refuses the name as taken and prints the import block with its id"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the error does not say %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "looks again before creating") {
		t.Fatalf("the error still promises what the next apply does not do: %v", err)
	}
}

// The server acts but answers after the client's per-attempt timeout: a lost answer.
func TestCreatePolicyRefusesAfterTimeout(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("POST", "/v5/policies"), times: 1, delayAfterAct: 400 * time.Millisecond})
	c := f.client(t, func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	_, err := c.CreatePolicy(context.Background(), CreatePolicyInput{Name: "slow", Document: doc1})
	f.mu.Lock()
	defer f.mu.Unlock()
	var taken *NameTakenError
	if !errors.As(err, &taken) || len(f.policies) != 1 || taken.ID != f.policies[0].PolicyID {
		t.Fatalf("want a NameTakenError for the only policy, got %v", err)
	}
}

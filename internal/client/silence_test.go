package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// A hung endpoint (it takes connections, never answers) costs SilenceLimit attempts, then
// at most one attempt per call and one per request_timeout across concurrent calls, not
// every call's retries; once it answers again, calls go through.
func TestSilentEndpointStopsBeingWaitedOn(t *testing.T) {
	var hang atomic.Bool
	var requests atomic.Int64
	hang.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if hang.Load() {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"policy":{"policy_id":"p-1","policy_name":"p"}}`))
	}))
	defer srv.Close()
	c, err := New(Config{
		IAMEndpoint: srv.URL, OrganizationsEndpoint: srv.URL,
		Credentials:    signer.Credentials{AccessKey: "AKSILENT", SecretKey: "silent-secret-key"},
		RequestTimeout: 50 * time.Millisecond, MaxRetries: 25,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	const calls = 20
	for i := range calls {
		_, err := c.GetPolicy(context.Background(), "p-1")
		var re *RequestError
		if !errors.As(err, &re) {
			t.Fatalf("call %d: want a RequestError, got %v", i, err)
		}
		if i > 0 && !errors.Is(err, errSilent) {
			t.Fatalf("call %d against a silent endpoint waited on it again: %v", i, err)
		}
	}
	// Without the rule each call would make 26 attempts: 520.
	if n := requests.Load(); n > SilenceLimit+calls {
		t.Fatalf("%d requests reached the hung endpoint for %d calls", n, calls)
	}
	before := requests.Load()
	var wg sync.WaitGroup
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.GetPolicy(context.Background(), "p-1")
		}()
	}
	wg.Wait()
	if n := requests.Load() - before; n > 2 {
		t.Fatalf("%d concurrent calls sent %d requests to the hung endpoint, want at most a probe or two", calls, n)
	}
	hang.Store(false)
	for try := 0; ; try++ {
		if _, err := c.GetPolicy(context.Background(), "p-1"); err == nil {
			break
		} else if try > 100 {
			t.Fatalf("the endpoint answers again, but calls still fail: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := c.GetPolicy(context.Background(), "p-1"); err != nil {
		t.Fatalf("after an answer, calls go through: %v", err)
	}
}

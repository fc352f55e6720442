package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

func dripClient(t *testing.T, url string, maxRetries int) *Client {
	t.Helper()
	c, err := New(Config{
		IAMEndpoint: url, OrganizationsEndpoint: url,
		Credentials:    signer.Credentials{AccessKey: "AKDRIP", SecretKey: "drip-secret-key"},
		RequestTimeout: time.Second, MaxRetries: maxRetries,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// request_timeout bounds an attempt's whole answer, body included: an attempt against an
// endpoint that sends its headers and then a byte every 100 ms ends after about a second,
// saying that the endpoint stalled while sending its answer.
func TestDrippingBodyEndsTheAttemptAtRequestTimeout(t *testing.T) {
	drip := acctest.StartDrippingEndpoint(t, 100*time.Millisecond, 20*time.Second)
	c := dripClient(t, drip.URL, -1)
	start := time.Now()
	_, err := c.GetPolicy(context.Background(), "p-1")
	el := time.Since(start)
	if err == nil {
		t.Fatal("a dripping answer was taken as an answer")
	}
	if el < 900*time.Millisecond || el > 3*time.Second {
		t.Fatalf("the attempt took %s, want about request_timeout (1s)", el)
	}
	if !strings.Contains(err.Error(), "stalled while sending its answer") {
		t.Fatalf("the error does not say the endpoint stalled: %v", err)
	}
	if !mayHaveActed(err) {
		t.Fatalf("a stalled answer may come from a server that acted: want an ambiguous error, got %v", err)
	}
}

// A stalled body counts toward giving up on the endpoint like silence: after SilenceLimit
// attempts in a row, a call stops retrying and the next ones fail at once (one probe per
// request_timeout), instead of each waiting out 26 attempts of a second.
func TestDrippingEndpointStopsBeingWaitedOn(t *testing.T) {
	drip := acctest.StartDrippingEndpoint(t, 100*time.Millisecond, 20*time.Second)
	c := dripClient(t, drip.URL, 25)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetPolicy(ctx, "p-1")
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("the first call took %s, want about %d request timeouts (1s)", el, SilenceLimit)
	}
	if !IsStalled(err) || !IsSilent(err) {
		t.Fatalf("want a call stopped because the endpoint stalls, got %v", err)
	}
	if !strings.Contains(err.Error(), "stalled while sending its answer: 3 attempts in a row got no whole answer within request_timeout (1s)") {
		t.Fatalf("the error does not say the endpoint stalled: %v", err)
	}
	if n := drip.Requests(); n != SilenceLimit {
		t.Fatalf("the first call sent %d requests, want %d", n, SilenceLimit)
	}
	// Calls made one after another fail at once, without a request, until a probe is due
	// (request_timeout after the last attempt ended); the probe waits it out.
	const calls = 30
	start = time.Now()
	for i := range calls {
		_, err := c.GetPolicy(context.Background(), "p-1")
		if !IsStalled(err) {
			t.Fatalf("call %d: want a call stopped because the endpoint stalls, got %v", i, err)
		}
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("%d calls to a stalled endpoint took %s", calls, el)
	}
	if n := drip.Requests(); n != SilenceLimit {
		t.Fatalf("%d calls made right after the endpoint stalled sent %d requests, want none", calls, n-SilenceLimit)
	}
	time.Sleep(time.Second)
	start = time.Now()
	for range calls {
		_, _ = c.GetPolicy(context.Background(), "p-1")
	}
	if n := drip.Requests(); n != SilenceLimit+1 {
		t.Fatalf("a request_timeout later, %d calls sent %d requests, want one probe", calls, n-SilenceLimit)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("%d calls, one of them a probe, took %s", calls, el)
	}
}

// The body of an answer that is retried (a 503) is read too, under request_timeout: one
// that drips counts toward giving up on the endpoint like a 2xx one.
func TestDrippingRetriedAnswerCountsTowardSilence(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusServiceUnavailable)
		for range 100 {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			_ = http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	c := dripClient(t, srv.URL, 25)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetPolicy(ctx, "p-1")
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("the call took %s, want about %d request timeouts (1s)", el, SilenceLimit)
	}
	if !IsStalled(err) {
		t.Fatalf("want a call stopped because the endpoint stalls, got %v", err)
	}
	if n := requests.Load(); n != SilenceLimit {
		t.Fatalf("the call sent %d requests, want %d", n, SilenceLimit)
	}
}

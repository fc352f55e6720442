package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Every Retry-After is read as a wait from none to a day: a value too large for
// time.Duration (18446744074 seconds wrapped to 0.29 s), or for an int64, is a day; a
// negative or malformed one is no Retry-After.
func TestParseRetryAfterClamps(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"86400", 24 * time.Hour, true},
		{"86401", retryAfterCeiling, true},
		{"9223372036", retryAfterCeiling, true},              // the last whole second time.Duration holds
		{"9223372037", retryAfterCeiling, true},              // the first that overflows it
		{"18446744074", retryAfterCeiling, true},             // wrapped to 0.29 s before
		{"99999999999999999999999", retryAfterCeiling, true}, // beyond int64
		{"-1", 0, false},
		{"-18446744074", 0, false},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), retryAfterCeiling, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", retryAfterCeiling, true},
		{"Mon, 01 Jan 0001 00:00:00 GMT", 0, true},
		{now.Add(90 * time.Second).Format(time.RFC850), 90 * time.Second, true},
	} {
		d, ok := parseRetryAfter(tc.header, now)
		if d != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.header, d, ok, tc.want, tc.ok)
		}
	}
}

// A server that asks for a wait beyond time.Duration is waited on as long as
// MaxRetryAfter says, not 0.29 s (the overflow: 26 requests in 7 s).
func TestHugeRetryAfterWaitsMaxRetryAfter(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies/p-1"), times: 100, status: 429, retryAfter: "18446744074"})
	c := f.client(t, func(cfg *Config) {
		cfg.MaxRetries = 2
		cfg.MaxRetryAfter = 600 * time.Millisecond
	})
	start := time.Now()
	_, err := c.GetPolicy(context.Background(), "p-1")
	el := time.Since(start)
	if statusOf(err) != 429 {
		t.Fatalf("want the last answer (429), got %v", err)
	}
	if n := f.count("GET", "/v5/policies/p-1"); n != 3 {
		t.Fatalf("attempts = %d, want 3", n)
	}
	if el < 1200*time.Millisecond {
		t.Fatalf("two waits took %s, want at least twice MaxRetryAfter (1.2s)", el)
	}
}

// With the default MaxRetryAfter (2 minutes) and a second left before the deadline, the
// call fails after one attempt, saying the server asked for a wait past the deadline.
func TestHugeRetryAfterPastTheDeadlineFailsAtOnce(t *testing.T) {
	f := newFake(t)
	f.addFault(&fault{match: match("GET", "/v5/policies/p-1"), times: 100, status: 429, retryAfter: "18446744074"})
	c := f.client(t, func(cfg *Config) {
		cfg.MaxRetries = 25
		cfg.MaxRetryAfter = 0 // the default
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.GetPolicy(ctx, "p-1")
	if statusOf(err) != 429 || !IsTimeout(err) {
		t.Fatalf("want a 429 that ran out of time, got %v", err)
	}
	if !strings.Contains(err.Error(), "asked to retry after at least 24h0m0s, past the operation's deadline") {
		t.Fatalf("the error does not say the server asked for a wait past the deadline: %v", err)
	}
	if n := f.count("GET", "/v5/policies/p-1"); n != 1 {
		t.Fatalf("attempts = %d, want 1", n)
	}
}

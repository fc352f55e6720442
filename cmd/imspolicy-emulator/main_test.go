package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// syncBuffer is a bytes.Buffer safe for the writer and a polling reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	portFile := filepath.Join(dir, "addr")
	state := filepath.Join(dir, "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-access-key", "AK1", "-secret-key", "SK1", "-account-id", "acct1",
			"-root-id", "r-test1", "-state", state, "-port-file", portFile, "-v", "-read-header-timeout", "200ms"}, &stdout, &stderr)
	}()

	var url string
	deadline := time.Now().Add(10 * time.Second)
	for url == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no listening line; stderr: %s", stderr.String())
		}
		if line, ok := strings.CutPrefix(stdout.String(), "listening on "); ok {
			url = strings.TrimSpace(line)
			break
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v; stderr: %s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	addr, err := os.ReadFile(portFile)
	if err != nil || "http://"+strings.TrimSpace(string(addr)) != url {
		t.Fatalf("port file %q (%v), url %q", addr, err, url)
	}

	get := func(creds signer.Credentials) *http.Response {
		req, _ := http.NewRequest("GET", url+"/v1/organizations/roots", nil)
		if err := signer.Sign(req, nil, creds, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get(signer.Credentials{AccessKey: "AK1", SecretKey: "SK1", DomainID: "acct1"})
	var body struct {
		Roots []struct{ ID string } `json:"roots"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("roots: status %d, decoding the body: %v", resp.StatusCode, err)
	}
	if resp.StatusCode != 200 || len(body.Roots) != 1 || body.Roots[0].ID != "r-test1" {
		t.Fatalf("roots: %d %+v", resp.StatusCode, body)
	}
	resp = get(signer.Credentials{AccessKey: "AK1", SecretKey: "wrong"})
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("wrong key: %d", resp.StatusCode)
	}

	// -read-header-timeout reaches the server: a client that never finishes its headers is
	// cut off after 200ms, well before the default 10s and this test's 5s.
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /v1/organizations/roots HTTP/1.1\r\nHost: emulator\r\n"); err != nil {
		t.Fatal(err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, conn); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a client that never finished its headers was not cut off: %v", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("state file: %v", err)
	}
	if !strings.Contains(stderr.String(), "GET /v1/organizations/roots -> 200") {
		t.Fatalf("request log: %s", stderr.String())
	}
	if strings.Contains(stderr.String(), "SK1") {
		t.Fatalf("the log shows the secret key: %s", stderr.String())
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-access-key", "a"},
		{"-access-key", "a", "-secret-key", "b", "-fail-rate", "1.5"},
		{"-access-key", "a", "-secret-key", "b", "-drop-rate", "-0.1"},
		{"-access-key", "a", "-secret-key", "b", "-root-id", "root"},
		{"-access-key", "a", "-secret-key", "b", "-listen", "256.0.0.1:bad"},
		{"-access-key", "a", "-secret-key", "b", "extra"},
		{"-access-key", "a", "-secret-key", "b", "-read-timeout", "0s"},
		{"-access-key", "a", "-secret-key", "b", "-idle-timeout", "-1s"},
		{"-access-key", "a", "-secret-key", "b", "-max-conns", "0"},
		{"-access-key", "a", "-secret-key", "b", "-max-header-bytes", "-5"},
		{"-nope"},
	} {
		t.Setenv("IMSPOLICY_EMULATOR_ACCESS_KEY", "")
		t.Setenv("IMSPOLICY_EMULATOR_SECRET_KEY", "")
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

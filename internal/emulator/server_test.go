package emulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// dial opens a raw connection to the emulator (loopback only).
func dial(t *testing.T, e *testEnv) net.Conn {
	t.Helper()
	host := strings.TrimPrefix(e.url, "http://")
	if !strings.HasPrefix(host, "127.0.0.1:") {
		t.Fatalf("not a loopback address: %s", host)
	}
	c, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func deadline(t *testing.T, c net.Conn, at time.Time) {
	t.Helper()
	if err := c.SetReadDeadline(at); err != nil {
		t.Fatal(err)
	}
}

// headerBlock prints a request's line and headers as sent on the wire, with the given
// Content-Length (none when negative), and the blank line that ends them.
func headerBlock(req *http.Request, contentLength int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), req.URL.Host)
	for k, vs := range req.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if contentLength >= 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", contentLength)
	}
	b.WriteString("\r\n")
	return b.String()
}

// cutOff reports whether the server closes (or answers and closes) a connection while the
// client sends it one piece at a time, at most steps pieces, waiting up to pause for an
// answer after each: a bounded slow client.
func cutOff(c net.Conn, steps int, pause time.Duration, piece func(i int) string) bool {
	buf := make([]byte, 512)
	for i := range steps {
		if _, err := io.WriteString(c, piece(i)); err != nil {
			return true
		}
		if err := c.SetReadDeadline(time.Now().Add(pause)); err != nil {
			return true // closed
		}
		if _, err := c.Read(buf); err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
			// An answer or a closed connection: drain what is left until it closes.
			if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
				return true
			}
			// Closed (EOF, or a reset when the server closes with unread bytes) unless the
			// server still holds it after 5s.
			_, err := io.Copy(io.Discard, c)
			return !errors.Is(err, os.ErrDeadlineExceeded)
		}
	}
	return false
}

// TestSlowClientsCutOff: slow clients on loopback (headers sent a line at a time, a body a
// byte at a time, a kept-alive connection left idle) are cut off by the server's timeouts
// instead of holding their connections.
func TestSlowClientsCutOff(t *testing.T) {
	const steps, pause = 80, 50 * time.Millisecond // a client gives up after 4 s
	limits := Limits{ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 600 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}

	t.Run("headers", func(t *testing.T) {
		e := start(t, Config{Limits: limits})
		const clients = 20
		results := make(chan bool, clients)
		for i := range clients {
			c := dial(t, e)
			go func() {
				results <- cutOff(c, steps, pause, func(j int) string {
					if j == 0 {
						return "POST /v5/policies HTTP/1.1\r\nHost: emulator\r\n"
					}
					return fmt.Sprintf("X-Slow-%d-%d: v\r\n", i, j)
				})
			}()
		}
		for range clients {
			if !<-results {
				t.Fatal("a client sending its headers slowly kept its connection")
			}
		}
	})

	t.Run("body", func(t *testing.T) {
		e := start(t, Config{Limits: limits})
		req, _ := e.request("POST", "/v5/policies", create("slow", allowDoc))
		c := dial(t, e)
		head := headerBlock(req, 1000)
		if !cutOff(c, steps, pause, func(j int) string {
			if j == 0 {
				return head
			}
			return "{"
		}) {
			t.Fatal("a client sending its body slowly kept its connection")
		}
		if n := len(e.srv.Policies()); n != 0 {
			t.Fatalf("%d policies created from a cut request", n)
		}
	})

	t.Run("idle", func(t *testing.T) {
		e := start(t, Config{Limits: limits})
		req, _ := e.request("GET", "/v5/policies", nil)
		c := dial(t, e)
		if _, err := io.WriteString(c, headerBlock(req, -1)); err != nil {
			t.Fatal(err)
		}
		deadline(t, c, time.Now().Add(5*time.Second))
		br := bufio.NewReader(c)
		hr, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, hr.Body); err != nil {
			t.Fatal(err)
		}
		hr.Body.Close()
		if hr.StatusCode != 200 || hr.Close {
			t.Fatalf("status %d, close %v", hr.StatusCode, hr.Close)
		}
		// The connection is kept alive, then closed once idle for IdleTimeout.
		deadline(t, c, time.Now().Add(time.Duration(steps)*pause))
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
			t.Fatalf("an idle kept-alive connection was not closed: %v", err)
		}
	})
}

// TestMaxConns: connections beyond Limits.MaxConns wait to be accepted until one closes.
func TestMaxConns(t *testing.T) {
	e := start(t, Config{Limits: Limits{MaxConns: 2}})
	held := []net.Conn{dial(t, e), dial(t, e)}
	for _, c := range held {
		if _, err := io.WriteString(c, "GET /v5/policies HTTP/1.1\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	hc := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := e.request("GET", "/v5/policies", nil)
	if r, err := hc.Do(req); err == nil {
		r.Body.Close()
		t.Fatalf("a third connection was served (%d) while two were held", r.StatusCode)
	}
	held[0].Close()
	hc.Timeout = 5 * time.Second
	req, _ = e.request("GET", "/v5/policies", nil)
	r, err := hc.Do(req)
	if err != nil {
		t.Fatalf("not served once a connection closed: %v", err)
	}
	r.Body.Close()
	if r.StatusCode != 200 {
		t.Fatalf("status %d", r.StatusCode)
	}
}

// answerBeforeBody sends a request's headers with a large Content-Length and the first KiB
// of the body, and reads the answer the server sends without waiting for the rest.
func answerBeforeBody(t *testing.T, e *testEnv, head string) resp {
	t.Helper()
	c := dial(t, e)
	if _, err := io.WriteString(c, head+strings.Repeat(" ", 1024)); err != nil {
		t.Fatal(err)
	}
	deadline(t, c, time.Now().Add(5*time.Second))
	hr, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent whole: %v", err)
	}
	defer hr.Body.Close()
	raw, err := io.ReadAll(hr.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := resp{status: hr.StatusCode, header: hr.Header, raw: raw}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("answer %d: %v: %s", hr.StatusCode, err, raw)
	}
	return r
}

// TestBodyBoundedBeforeAuthentication: what the headers show (no or malformed
// Authorization, an unknown access key, a stale X-Sdk-Date, a wrong token or account) is
// refused before the body is read, and a body larger than MaxBody is refused without being
// read whole.
func TestBodyBoundedBeforeAuthentication(t *testing.T) {
	e := start(t, Config{SecurityToken: "tok"})
	const huge = 10 << 20
	signed := func(mutate func(*http.Request)) string {
		req, _ := e.request("POST", "/v5/policies", create("p", allowDoc))
		mutate(req)
		return headerBlock(req, huge)
	}
	for name, head := range map[string]string{
		"no Authorization":        signed(func(r *http.Request) { r.Header.Del("Authorization") }),
		"malformed Authorization": signed(func(r *http.Request) { r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=x") }),
		"unknown access key": signed(func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), testAK, "OTHERAK", 1))
		}),
		"stale X-Sdk-Date": signed(func(r *http.Request) {
			r.Header.Set("X-Sdk-Date", e.clock.Now().Add(-time.Hour).Format("20060102T150405Z"))
		}),
		"wrong token":   signed(func(r *http.Request) { r.Header.Set("X-Security-Token", "forged") }),
		"wrong account": signed(func(r *http.Request) { r.Header.Set("X-Domain-Id", "ffffffffffffffffffffffffffffffff") }),
	} {
		t.Run(name, func(t *testing.T) {
			r := answerBeforeBody(t, e, head)
			if r.status != 401 || r.code() != errSignature.Code || str(r.body, "request_id") == "" {
				t.Fatalf("%d %s, want 401 %s", r.status, r.raw, errSignature.Code)
			}
		})
	}
	t.Run("signed headers, body over MaxBody", func(t *testing.T) {
		r := answerBeforeBody(t, e, signed(func(*http.Request) {}))
		if r.status != 413 || r.code() != errBodyTooLarge.Code {
			t.Fatalf("%d %s, want 413 %s", r.status, r.raw, errBodyTooLarge.Code)
		}
	})
	t.Run("chunked body over MaxBody", func(t *testing.T) {
		big := bytes.Repeat([]byte(" "), MaxBody+1)
		req, _ := e.request("POST", "/v5/policies", big)
		req.Body, req.ContentLength = io.NopCloser(io.MultiReader(bytes.NewReader(big))), -1
		r := e.send(req)
		if r.status != 413 || r.code() != errBodyTooLarge.Code {
			t.Fatalf("%d %s, want 413 %s", r.status, r.raw, errBodyTooLarge.Code)
		}
	})
	if n := len(e.srv.Policies()); n != 0 {
		t.Fatalf("%d policies created", n)
	}
}

// TestLargestRequestFits: the largest request the APIs take (a document at its quota whose
// every character is escaped to 6 bytes, a description at its limit likewise) is under
// MaxBody and is served.
func TestLargestRequestFits(t *testing.T) {
	e := start(t, Config{})
	base := docOfSize(t, MaxPolicyDocument)
	start := strings.Index(base, `"Sid":"`) + len(`"Sid":"`)
	end := start + strings.Index(base[start:], `"`)
	doc := base[:start] + strings.Repeat("<", end-start) + base[end:]
	body, err := json.Marshal(map[string]any{
		"policy_name": strings.Repeat("n", MaxPolicyNameLen), "policy_document": doc,
		"path": strings.Repeat("p/", MaxPathLen/2), "description": strings.Repeat("<", MaxPolicyDescription),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(body) < 40<<10 {
		t.Fatalf("the largest request is only %d bytes; the test does not build it", len(body))
	}
	e.must(200, "POST", "/v5/policies", body)
}

// TestMaxHeaderBytes: headers larger than Limits.MaxHeaderBytes are answered 431 and the
// connection closed, without the rest being read.
func TestMaxHeaderBytes(t *testing.T) {
	e := start(t, Config{Limits: Limits{MaxHeaderBytes: 4 << 10}})
	req, _ := e.request("GET", "/v5/policies", nil)
	if r := e.send(req); r.status != 200 {
		t.Fatalf("a request with small headers: %d %s", r.status, r.raw)
	}
	req, _ = e.request("GET", "/v5/policies", nil)
	req.Header.Set("X-Padding", strings.Repeat("p", 16<<10))
	c := dial(t, e)
	if _, err := io.WriteString(c, headerBlock(req, -1)); err != nil {
		t.Fatal(err)
	}
	deadline(t, c, time.Now().Add(5*time.Second))
	hr, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("16 KiB of headers: %v", err)
	}
	hr.Body.Close()
	if hr.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("16 KiB of headers: %d, want 431", hr.StatusCode)
	}
}

package acctest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// FaultProxy stands between the provider and the emulator and spoils chosen answers the
// way networks and proxies do: a 2xx answer cut in half, or stalled half-way. Everything
// else is forwarded as it is (the Host header is kept, so signatures still verify).
type FaultProxy struct {
	target string
	hc     *http.Client
	done   chan struct{}

	mu    sync.Mutex
	rules []*ProxyRule
	hits  map[string]int
}

// ProxyRule spoils the next times answers to method and path (a trailing "*" matches any
// rest); before, when set, runs before the request is forwarded.
type ProxyRule struct {
	Method, Path string
	Times        int
	Spoil        ProxySpoil
	Before       func()
	// Status and Body, when Status is set, answer instead of the emulator (nothing is
	// forwarded).
	Status int
	Body   string
}

type ProxySpoil int

const (
	PassThrough ProxySpoil = iota
	CutAnswer              // the status line, the headers and half the body, then the connection is closed
	StallAnswer            // the status line, the headers and half the body, then nothing until the client gives up
)

// StartFaultProxy starts a proxy to the emulator at target on a loopback port and returns
// it with its URL.
func StartFaultProxy(t testing.TB, target string) (*FaultProxy, string) {
	t.Helper()
	p := &FaultProxy{target: target, hc: &http.Client{Timeout: 30 * time.Second}, done: make(chan struct{}), hits: map[string]int{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // ends with Close below
	t.Cleanup(func() {
		close(p.done)
		_ = srv.Close()
	})
	return p, "http://" + ln.Addr().String()
}

func (p *FaultProxy) Add(r *ProxyRule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, r)
}

// Spoiled says how many answers to method and path were spoiled.
func (p *FaultProxy) Spoiled(method, path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[method+" "+path]
}

func (p *FaultProxy) take(r *http.Request) *ProxyRule {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, rule := range p.rules {
		match := rule.Path == r.URL.Path || (strings.HasSuffix(rule.Path, "*") && strings.HasPrefix(r.URL.Path, strings.TrimSuffix(rule.Path, "*")))
		if rule.Times > 0 && rule.Method == r.Method && match {
			rule.Times--
			if rule.Spoil != PassThrough || rule.Status != 0 {
				p.hits[rule.Method+" "+rule.Path]++
			}
			return rule
		}
	}
	return nil
}

func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rule := p.take(r)
	if rule != nil && rule.Before != nil {
		rule.Before()
	}
	if rule != nil && rule.Status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rule.Status)
		_, _ = io.WriteString(w, rule.Body)
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	resp, err := p.hc.Do(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if rule == nil || rule.Spoil == PassThrough || resp.StatusCode/100 != 2 {
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer) // a failed write means the client went away
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "the proxy cannot take over the connection", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	writeHalfAnswer(buf, resp, answer)
	if rule.Spoil == StallAnswer {
		// Hold the connection until the client closes it, or the test ends.
		go func() { _, _ = conn.Read(make([]byte, 1)); _ = conn.Close() }()
		select {
		case <-p.done:
		case <-time.After(60 * time.Second):
		}
	}
}

// writeHalfAnswer writes the status line and the headers of resp, with the Content-Length
// of the whole answer, and then only the first half of it.
func writeHalfAnswer(buf *bufio.ReadWriter, resp *http.Response, answer []byte) {
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	for k, vs := range resp.Header {
		if k == "Content-Length" || k == "Transfer-Encoding" || k == "Connection" {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(buf, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(answer))
	_, _ = buf.Write(answer[:len(answer)/2])
	_ = buf.Flush()
}

// StartSilentListener accepts connections on a loopback port and never answers them: an
// endpoint that hangs. It returns its URL.
func StartSilentListener(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by the cleanup
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// DrippingEndpoint answers every request at once with a status line and headers, and then
// its body one byte at a time: an endpoint that is there, but never finishes an answer in
// time. It stops itself: each answer ends (the connection closed, the body cut short) after
// For, and all of them when the test ends.
type DrippingEndpoint struct {
	URL string
	// Every is the pause between two bytes of a body; For bounds one answer.
	Every, For time.Duration

	mu       sync.Mutex
	requests int
}

// Requests says how many requests reached the endpoint.
func (d *DrippingEndpoint) Requests() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.requests
}

// StartDrippingEndpoint starts a dripping endpoint on a loopback port that sends a byte of
// each answer's body every every, for at most lasting per answer.
func StartDrippingEndpoint(t testing.TB, every, lasting time.Duration) *DrippingEndpoint {
	t.Helper()
	d := &DrippingEndpoint{Every: every, For: lasting}
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.requests++
		d.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		// A Content-Length the drip never reaches: the client waits for more.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1048576")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		tick := time.NewTicker(every)
		defer tick.Stop()
		end := time.After(lasting)
		for b := []byte("{"); ; b = []byte(" ") {
			select {
			case <-r.Context().Done():
				return
			case <-done:
				return
			case <-end:
				// Returning short of the Content-Length closes the connection.
				return
			case <-tick.C:
				if _, err := w.Write(b); err != nil {
					return
				}
				if err := rc.Flush(); err != nil {
					return
				}
			}
		}
	}))
	srv.Start()
	t.Cleanup(func() {
		close(done)
		srv.CloseClientConnections()
		srv.Close()
	})
	d.URL = srv.URL
	return d
}

// Package client calls the vendor's IAM v5 (identity policies) and
// Organizations (service control policies) REST APIs: requests signed with
// AK/SK (package signer), retried with exponential backoff and jitter on 429,
// 500, 502, 503, 504 and connection errors (honouring Retry-After, bounded by
// MaxRetries and the context deadline), logged through terraform-plugin-log
// with secrets masked, and creates made safe against lost answers.
//
// It imports nothing from Terraform but terraform-plugin-log.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cleanhttp "github.com/hashicorp/go-cleanhttp"
	retryablehttp "github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// Defaults applied by New to zero values of Config.
const (
	DefaultIAMEndpoint           = "https://iam.myhuaweicloud.com"
	DefaultOrganizationsEndpoint = "https://organizations.myhuaweicloud.com"
	// DefaultMaxRetries is the AWS provider's default (max_retries = 25):
	// under the fault test's rates (30% of calls failing, 10% of
	// connections dropped, so about 37% of attempts failing) a call fails
	// after 26 attempts with odds of 0.37^26, about 6e-12, while a plain
	// outage is still bounded by the operation's timeout.
	DefaultMaxRetries = 25
	// MaxMaxRetries bounds max_retries: beyond it, retries outlast any
	// sensible timeout anyway.
	MaxMaxRetries                = 100
	DefaultMinBackoff            = 1 * time.Second
	DefaultMaxBackoff            = 30 * time.Second
	DefaultMaxRetryAfter         = 2 * time.Minute
	DefaultRequestTimeout        = 30 * time.Second
	DefaultReadAfterWriteTimeout = 2 * time.Minute
	DefaultUserAgent             = "terraform-provider-imspolicy"
)

// Config configures a Client.
type Config struct {
	// IAMEndpoint and OrganizationsEndpoint are base URLs
	// (scheme://host[:port][/prefix]); both may point at the same emulator.
	IAMEndpoint           string
	OrganizationsEndpoint string

	Credentials signer.Credentials

	// MaxRetries is the number of retries after the first attempt of a
	// call, at most MaxMaxRetries. 0 means DefaultMaxRetries; a negative
	// value disables retries.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff (with jitter)
	// between attempts.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxRetryAfter caps the wait a Retry-After header can ask for.
	MaxRetryAfter time.Duration
	// RequestTimeout bounds one HTTP attempt, from sending the request to
	// reading the whole answer (ignored when HTTPClient is set: its own
	// Timeout applies). The caller's context bounds the whole call, retries
	// and their waits included.
	RequestTimeout time.Duration
	// ReadAfterWriteTimeout bounds the waits for an object to become
	// visible after a create (WaitForPolicy, WaitForSCP, adoption after a
	// lost create answer).
	ReadAfterWriteTimeout time.Duration

	// HTTPClient, when set, is used as is. Otherwise Transport, when set,
	// is used in a new http.Client; otherwise a pooled clean transport.
	HTTPClient *http.Client
	Transport  http.RoundTripper

	// UserAgent is appended to DefaultUserAgent.
	UserAgent string

	// Now is the clock used for X-Sdk-Date (tests); default time.Now.
	Now func() time.Time
}

// Client is safe for concurrent use.
type Client struct {
	cfg       Config
	iam, orgs *url.URL
	http      *http.Client
	userAgent string
	secrets   []string

	// Runs of unanswered attempts, per endpoint.
	iamSilence, orgsSilence silence
}

// New checks cfg, applies defaults and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.Credentials.AccessKey == "" || cfg.Credentials.SecretKey == "" {
		return nil, ErrMissingCredentials
	}
	if cfg.IAMEndpoint == "" {
		cfg.IAMEndpoint = DefaultIAMEndpoint
	}
	if cfg.OrganizationsEndpoint == "" {
		cfg.OrganizationsEndpoint = DefaultOrganizationsEndpoint
	}
	iam, err := parseEndpoint("IAM", cfg.IAMEndpoint)
	if err != nil {
		return nil, err
	}
	orgs, err := parseEndpoint("Organizations", cfg.OrganizationsEndpoint)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	case cfg.MaxRetries > MaxMaxRetries:
		return nil, fmt.Errorf("max retries %d is more than %d", cfg.MaxRetries, MaxMaxRetries)
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.ReadAfterWriteTimeout <= 0 {
		cfg.ReadAfterWriteTimeout = DefaultReadAfterWriteTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tr := cfg.Transport
		if tr == nil {
			tr = cleanhttp.DefaultPooledTransport()
		}
		hc = &http.Client{Transport: tr, Timeout: cfg.RequestTimeout}
	}
	ua := DefaultUserAgent
	if cfg.UserAgent != "" {
		ua += " " + cfg.UserAgent
	}
	c := &Client{cfg: cfg, iam: iam, orgs: orgs, http: hc, userAgent: ua}
	for _, s := range []string{cfg.Credentials.SecretKey, cfg.Credentials.SecurityToken} {
		if s != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	return c, nil
}

// CheckEndpoint tells whether raw is a usable endpoint: an http or https URL
// with a host (and optionally a port and a path prefix).
func CheckEndpoint(raw string) error {
	_, err := parseEndpoint("", raw)
	return err
}

func parseEndpoint(name, raw string) (*url.URL, error) {
	if name != "" {
		name += " "
	}
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("the %sendpoint is empty: want http(s)://host[:port]", name)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid %sendpoint %q: want http(s)://host[:port]", name, raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u, nil
}

func (c *Client) silenceOf(base *url.URL) *silence {
	if base == c.orgs {
		return &c.orgsSilence
	}
	return &c.iamSilence
}

// Config returns the effective configuration (with defaults applied).
func (c *Client) Config() Config { return c.cfg }

// call describes one API call.
type call struct {
	op      string // operation name for logs and errors, e.g. "CreatePolicyV5"
	method  string
	base    *url.URL
	path    string
	query   url.Values
	body    any  // marshalled as JSON; nil for no body
	noRetry bool // one attempt only (non-idempotent creates)
}

// response of a successful call.
type response struct {
	status int
	header http.Header
	body   []byte
}

// attemptState is shared by the hooks of one call (retryablehttp runs the
// attempts of a call sequentially).
type attemptState struct {
	attempts  int // attempts started
	ambiguous bool
	retryable bool
	nextWait  time.Duration
	start     time.Time // of the current attempt
	quiet     *silence  // the endpoint's run of unanswered attempts
	// retryAfterTooLong is set when the server asked for a wait the
	// operation's deadline does not leave; outOfTime when a backoff would
	// pass it.
	retryAfterTooLong time.Duration
	outOfTime         bool
}

// do performs a call with signing, retries and logging, and decodes a 2xx
// JSON answer into out (when out is not nil and the body is not empty).
//
// An answer counts only once its body has been read whole: a body cut or
// stalled after the status line is a failed attempt like a lost connection
// (the server may have acted), retried like one, and reported as a
// *RequestError that may have acted, so that creates look the object up.
func (c *Client) do(ctx context.Context, cl call, out any) (*response, error) {
	ctx = c.logContext(ctx)
	began := time.Now()
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = marshalJSON(cl.body); err != nil {
			return nil, fmt.Errorf("%s: encoding request: %w", cl.op, err)
		}
	}
	u := *cl.base
	u.Path = cl.base.Path + cl.path
	u.RawQuery = encodeQuery(cl.query)

	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u.String(), payload)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cl.op, err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if err := signer.Sign(req.Request, payload, c.cfg.Credentials, c.cfg.Now()); err != nil {
		return nil, fmt.Errorf("%s: signing: %w", cl.op, err)
	}
	quiet := c.silenceOf(cl.base)
	if err := quiet.admit(time.Now(), c.cfg.RequestTimeout); err != nil {
		return nil, &RequestError{Operation: cl.op, Method: cl.method, Path: cl.path, Elapsed: time.Since(began), Err: err}
	}
	// retryablehttp asks CheckRetry about the status first and calls the
	// response handler only for an answer it keeps (no retry): reading the
	// body there lets a cut body count as a failed attempt. The body is read
	// under the attempt's request_timeout (http.Client.Timeout covers it), so
	// a body that stalls or drips ends the attempt, and counts toward the
	// endpoint's silence like no answer at all.
	req.SetResponseHandler(func(resp *http.Response) error {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if ctx.Err() == nil {
			quiet.recordBody(err)
		}
		if err != nil {
			return &bodyError{status: resp.StatusCode, err: err, stalled: ctx.Err() == nil && isTimeout(err)}
		}
		return nil
	})
	st := &attemptState{quiet: quiet}
	retries := c.cfg.MaxRetries
	if cl.noRetry {
		retries = 0
	}
	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: c.cfg.MinBackoff,
		RetryWaitMax: c.cfg.MaxBackoff,
		RetryMax:     retries,
		CheckRetry: func(rctx context.Context, resp *http.Response, err error) (bool, error) {
			return c.checkRetry(rctx, st, retries, cl, resp, err)
		},
		Backoff: func(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
			return st.nextWait
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		PrepareRetry: func(r *http.Request) error {
			if err := quiet.mayRetry(c.cfg.RequestTimeout); err != nil {
				return err
			}
			// New header map: the previous attempt's transport may still
			// hold the old one. New X-Sdk-Date and signature.
			r.Header = r.Header.Clone()
			return signer.Sign(r, payload, c.cfg.Credentials, c.cfg.Now())
		},
		RequestLogHook: func(_ retryablehttp.Logger, r *http.Request, i int) {
			st.attempts = i + 1
			st.start = time.Now()
			c.logRequest(r.Context(), cl, r, payload, i+1)
		},
		ResponseLogHook: func(_ retryablehttp.Logger, resp *http.Response) {
			// The body of an answer about to be retried is read here.
			if err := c.logResponse(resp.Request.Context(), cl, resp, st); ctx.Err() == nil {
				quiet.recordBody(err)
			}
		},
	}
	resp, err := rc.Do(req)
	attempts := max(st.attempts, 1)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		if ctx.Err() != nil {
			st.retryable = false
		}
		re := &RequestError{Operation: cl.op, Method: cl.method, Path: cl.path, Attempts: attempts, Elapsed: time.Since(began),
			Err: errors.New(c.redact(err.Error())), retryable: st.retryable, ambiguous: st.ambiguous}
		// The message is redacted; the causes callers test for are kept.
		switch {
		case ctx.Err() != nil:
			re.Err = withCause(c.redact(err.Error()), ctx.Err())
		case errors.Is(err, errStalled):
			re.Err = withCause(c.redact(err.Error()), errStalled)
			re.retryable = false
		case errors.Is(err, errSilent):
			re.Err = withCause(c.redact(err.Error()), errSilent)
			re.retryable = false
		}
		tflog.Warn(ctx, "API call failed without a usable answer", map[string]any{"operation": cl.op, "method": cl.method, "path": cl.path, "attempts": re.Attempts, "error": re.Err.Error()})
		return nil, re
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body) // read whole by the response handler
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ae := parseAPIError(resp.StatusCode, resp.Header, body)
		ae.Operation, ae.Method, ae.Path = cl.op, cl.method, cl.path
		ae.Message = c.redact(ae.Message)
		ae.Attempts, ae.Elapsed = attempts, time.Since(began)
		ae.ambiguous = st.ambiguous && resp.StatusCode != http.StatusTooManyRequests
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			ae.retryAfter = d
		}
		switch {
		case st.retryAfterTooLong > 0:
			ae.Message += fmt.Sprintf(" (the server asked to retry after %s, past the operation's deadline)", retryAfterText(st.retryAfterTooLong))
			ae.outOfTime = true
		case st.outOfTime:
			ae.Message += " (no time was left for another attempt before the operation's deadline)"
			ae.outOfTime = true
		}
		if retryableStatus(resp.StatusCode) {
			tflog.Warn(ctx, "API call failed after retries", map[string]any{"operation": cl.op, "status": resp.StatusCode, "attempts": attempts, "error_code": ae.Code})
		}
		return nil, ae
	}
	if out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			// The server acted (2xx) but its answer is unusable: as ambiguous
			// as a lost one.
			return nil, &RequestError{Operation: cl.op, Method: cl.method, Path: cl.path, Attempts: attempts, Elapsed: time.Since(began),
				Err: fmt.Errorf("decoding the answer (HTTP %d): %w", resp.StatusCode, err), ambiguous: true}
		}
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// causedError is a message (a redacted error's) that keeps its cause for errors.Is.
type causedError struct {
	msg   string
	cause error
}

func (e *causedError) Error() string { return e.msg }
func (e *causedError) Unwrap() error { return e.cause }

// withCause is msg with cause to unwrap, adding the cause's text only when msg does not
// already say it.
func withCause(msg string, cause error) error {
	if !strings.Contains(msg, cause.Error()) {
		msg += ": " + cause.Error()
	}
	return &causedError{msg: msg, cause: cause}
}

// bodyError is an answer whose body could not be read whole: cut short, or stalled (not
// whole within request_timeout).
type bodyError struct {
	status  int
	err     error
	stalled bool
}

func (e *bodyError) Error() string {
	if e.stalled {
		return fmt.Sprintf("%v: the body of its answer (HTTP %d) did not arrive whole within request_timeout: %v", errStalled, e.status, e.err)
	}
	return fmt.Sprintf("reading the answer (HTTP %d): %v", e.status, e.err)
}

func (e *bodyError) Unwrap() error { return e.err }

const maxBody = 16 << 20

// checkRetry is the retry policy: retry connection errors and 429, 500, 502,
// 503, 504, unless the caller's context is done, retries are used up, or the
// wait would pass the context deadline.
func (c *Client) checkRetry(ctx context.Context, st *attemptState, retries int, cl call, resp *http.Response, err error) (bool, error) {
	attempt := st.attempts // 1-based number of the attempt that just ended
	if ctx.Err() != nil {
		st.retryable = false
		return false, ctx.Err()
	}
	var status int
	var be *bodyError
	if resp == nil {
		// No status line; an answer's is recorded once its body has been read.
		st.quiet.record(err)
	}
	if errors.As(err, &be) {
		// The answer's body was cut or stalled: the server may have acted.
		st.retryable, st.ambiguous = true, true
	} else if err != nil {
		// retryablehttp's default policy knows the errors not worth a retry
		// (bad scheme, too many redirects, invalid header, TLS trust).
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		st.retryable = retry
		if !retry {
			return false, nil
		}
		// The request may have reached the server before the connection
		// broke: treat the outcome as unknown.
		st.ambiguous = true
	} else {
		status = resp.StatusCode
		if !retryableStatus(status) {
			return false, nil
		}
		if status != http.StatusTooManyRequests {
			st.ambiguous = true
		}
		st.retryable = true
	}
	if attempt > retries {
		return false, nil
	}
	var retryAfter time.Duration
	if resp != nil && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
		retryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	wait := c.backoff(attempt-1, retryAfter)
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		tflog.Debug(ctx, "not retrying: the wait would pass the operation's deadline", map[string]any{"operation": cl.op, "wait": wait.String()})
		if retryAfter > 0 {
			st.retryAfterTooLong = retryAfter
		} else {
			st.outOfTime = true
		}
		return false, nil
	}
	st.nextWait = wait
	fields := map[string]any{"operation": cl.op, "method": cl.method, "path": cl.path, "attempt": attempt, "wait": wait.String(), "remaining_retries": retries - attempt + 1}
	if err != nil {
		fields["error"] = c.redact(err.Error())
	} else {
		fields["status"] = status
	}
	tflog.Warn(ctx, "retrying API call", fields)
	return true, nil
}

// backoff returns the wait before retry number n+1 (n from 0): Retry-After
// when the server gave one (capped by MaxRetryAfter), otherwise exponential
// MinBackoff*2^n capped by MaxBackoff, with "equal jitter" (a uniform random
// wait between half and all of it).
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.MaxRetryAfter)
	}
	d := c.cfg.MinBackoff
	for i := 0; i < n && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// retryAfterCeiling bounds what a Retry-After header is read as. The wait itself is
// capped by Config.MaxRetryAfter (2 minutes by default) and by the operation's deadline;
// this bound keeps the value meaningful: delay-seconds times 1e9 overflows time.Duration
// past about 292 years (18446744074 seconds wrapped to 0.29 s, and a server that asked
// for "never" got 26 requests in 7 s). A day is far past any operation's timeout, so a
// longer ask still fails a call "past the operation's deadline", reported as at least a
// day.
const retryAfterCeiling = 24 * time.Hour

// parseRetryAfter reads delay-seconds or an HTTP date (RFC 9110, section 10.2.3), at
// most retryAfterCeiling. A negative or malformed value is no Retry-After (ok false); a
// date already past asks for no wait.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		// Digits only: too many for an int64 is still a (very long) wait.
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil || s > int64(retryAfterCeiling/time.Second) {
			return retryAfterCeiling, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		// Time.Sub saturates instead of overflowing.
		return min(max(t.Sub(now), 0), retryAfterCeiling), true
	}
	return 0, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// retryAfterText renders a wait a Retry-After asked for; one read as retryAfterCeiling
// asked for at least that.
func retryAfterText(d time.Duration) string {
	if d >= retryAfterCeiling {
		return "at least " + roundDuration(d).String()
	}
	return roundDuration(d).String()
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// encodeQuery encodes like the vendor SDK: sorted keys, "%20" for spaces.
func encodeQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

// pathID checks an id that goes into a path segment.
func pathID(what, id string) (string, error) {
	if id == "" || strings.ContainsAny(id, "/?#") || id == "." || id == ".." {
		return "", fmt.Errorf("invalid %s %q", what, id)
	}
	return id, nil
}

// ---- logging ----

// logContext masks the secret key and the token in every log message and
// field of this call, whatever logs them.
func (c *Client) logContext(ctx context.Context) context.Context {
	if len(c.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, c.secrets...)
	ctx = tflog.MaskMessageStrings(ctx, c.secrets...)
	return ctx
}

// redact replaces the secret key and the token in s.
func (c *Client) redact(s string) string {
	for _, sec := range c.secrets {
		s = strings.ReplaceAll(s, sec, "***")
	}
	return s
}

const maxLoggedBody = 8 << 10

func (c *Client) logRequest(ctx context.Context, cl call, r *http.Request, payload []byte, attempt int) {
	tflog.Debug(ctx, "API request", map[string]any{
		"operation": cl.op,
		"method":    r.Method,
		"url":       r.URL.String(),
		"attempt":   attempt,
	})
	tflog.Trace(ctx, "API request details", map[string]any{
		"operation":       cl.op,
		"request_headers": c.redactHeaders(r.Header),
		"request_body":    c.redact(truncate(payload)),
	})
}

// logResponse logs an answer and returns the error reading its body, if any.
func (c *Client) logResponse(ctx context.Context, cl call, resp *http.Response, st *attemptState) error {
	// A kept answer's body was read whole by the response handler; the body
	// of one about to be retried is read here for the log, and a read error
	// matters only to the endpoint's silence: the attempt is retried anyway.
	var body []byte
	var err error
	if resp.Body != nil {
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil {
			tflog.Debug(ctx, "reading the body of an answer to retry failed", map[string]any{"operation": cl.op, "error": c.redact(err.Error())})
		}
	}
	tflog.Debug(ctx, "API response", map[string]any{
		"operation":   cl.op,
		"method":      resp.Request.Method,
		"url":         resp.Request.URL.String(),
		"status":      resp.StatusCode,
		"duration_ms": time.Since(st.start).Milliseconds(),
		"request_id":  resp.Header.Get("X-Request-Id"),
	})
	tflog.Trace(ctx, "API response details", map[string]any{
		"operation":        cl.op,
		"response_headers": c.redactHeaders(resp.Header),
		"response_body":    c.redact(truncate(body)),
	})
	return err
}

// redactHeaders renders headers as one string with Authorization's
// signature, X-Security-Token and anything that looks like a secret masked.
func (c *Client) redactHeaders(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(c.redactHeader(k, v))
			b.WriteString("\n")
		}
	}
	return c.redact(b.String())
}

func (c *Client) redactHeader(name, value string) string {
	lk := strings.ToLower(name)
	switch {
	case lk == "authorization":
		if i := strings.Index(value, "Signature="); i >= 0 {
			return value[:i] + "Signature=***"
		}
		return "***"
	case strings.Contains(lk, "token"), strings.Contains(lk, "secret"), strings.Contains(lk, "password"),
		strings.Contains(lk, "cookie"), strings.Contains(lk, "credential"):
		return "***"
	}
	return value
}

func truncate(b []byte) string {
	if len(b) > maxLoggedBody {
		return string(b[:maxLoggedBody]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}

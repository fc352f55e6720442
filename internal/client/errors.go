package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrMissingCredentials is returned by New when the access key or the secret
// key is empty.
var ErrMissingCredentials = errors.New("missing credentials: an access key and a secret key are required")

// APIError is an error answer of the vendor's API, parsed from bodies of the
// forms {"error_code","error_msg","request_id"}, {"code","message"} and the
// nested {"error": {"code","message"}} (the SDK's parser walks nested objects
// too). RequestID falls back to the X-Request-Id response header.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string

	// EncodedAuthorizationMessage is set on some 403 answers (IAM v5).
	EncodedAuthorizationMessage string
	// Operation, Method and Path name the call that failed.
	Operation string
	Method    string
	Path      string

	// Attempts is how many requests the call made, Elapsed how long they took
	// (retry waits included).
	Attempts int
	Elapsed  time.Duration

	retryAfter time.Duration
	// outOfTime is set when the call stopped retrying because the next wait
	// would pass the operation's deadline.
	outOfTime bool
	// ambiguous is set when an earlier attempt of the same call failed in a
	// way the server may have acted on (connection lost, 500/502/503/504).
	ambiguous bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts in %s)", e.Attempts, roundDuration(e.Elapsed))
	}
	return b.String()
}

// RequestError is a call that got no HTTP answer (connection refused or
// reset, timeout, context cancelled), after its retries.
type RequestError struct {
	Operation string
	Method    string
	Path      string
	Attempts  int
	Elapsed   time.Duration
	Err       error

	retryable bool
	// ambiguous: the request may have reached the server and been acted on.
	ambiguous bool
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("%s: %s %s: no usable answer after %d attempt(s) in %s: %v", e.Operation, e.Method, e.Path, e.Attempts, roundDuration(e.Elapsed), e.Err)
}

// roundDuration prints durations of errors readably: milliseconds below a
// second, otherwise tenths of seconds.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// IsTimeout reports whether err ended because of the operation's deadline (the
// resource's timeouts): it passed, or it left no time for another attempt.
func IsTimeout(err error) bool {
	var ae *APIError
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ae) && ae.outOfTime)
}

// outOfTime marks err as stopped by the operation's deadline (see IsTimeout).
func outOfTime(err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae == err && !ae.outOfTime {
		cp := *ae
		cp.outOfTime = true
		cp.Message += " (no time was left for another attempt before the operation's deadline)"
		return &cp
	}
	return err
}

// NameTakenError is a create (or an SCP rename) refused because the name is held by an object
// that this call cannot prove it created: the object existed before the first
// attempt, or it was found after an attempt whose answer was lost but nothing
// marks it as that attempt's (see safeCreate). The object is never adopted:
// importing it is the user's decision.
type NameTakenError struct {
	Kind ObjectKind
	Name string
	// ID of the object holding the name; "" when it could not be found.
	ID string
	// Held is the name as the holder spells it when that differs from Name
	// (names are unique ignoring case).
	Held string
	// AfterLostAnswer says why an object found after an attempt whose answer
	// was lost is not taken as that attempt's ("" when the name was taken
	// before the create).
	AfterLostAnswer string
	// Renaming is the id of the object whose rename to Name was refused; "" for a create.
	Renaming string
	// Err is the API's answer, when the create or rename was refused (409).
	Err error
}

func (e *NameTakenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the %s name %q is already taken", e.Kind, e.Name)
	if e.ID != "" {
		fmt.Fprintf(&b, " by %s", e.ID)
	}
	if e.Held != "" && e.Held != e.Name {
		fmt.Fprintf(&b, " (named %q: names are unique ignoring case)", e.Held)
	}
	switch {
	case e.Renaming != "":
		fmt.Fprintf(&b, ", so %s cannot be renamed to it", e.Renaming)
	case e.AfterLostAnswer != "":
		b.WriteString(", which ")
		b.WriteString(e.AfterLostAnswer)
	default:
		b.WriteString(", which this apply did not create")
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	return b.String()
}

func (e *NameTakenError) Unwrap() error { return e.Err }

// withAttempts returns err with the attempts and time of the whole operation
// (a create's attempts are separate calls); other errors are returned as they are.
func withAttempts(err error, attempts int, elapsed time.Duration) error {
	var ae *APIError
	if errors.As(err, &ae) && ae == err {
		cp := *ae
		cp.Attempts, cp.Elapsed = attempts, elapsed
		return &cp
	}
	var re *RequestError
	if errors.As(err, &re) && re == err {
		cp := *re
		cp.Attempts, cp.Elapsed = attempts, elapsed
		return &cp
	}
	return err
}

func (e *RequestError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is an API answer 404 about an object (it does
// not exist, or does not exist yet after a create). The gateway's 404 for an API
// it does not serve is not one (see IsAPINotServed): an object must never be
// taken for gone because its endpoint lacks a call.
func IsNotFound(err error) bool {
	return statusOf(err) == http.StatusNotFound && !IsAPINotServed(err)
}

// apiNotServedCode is the API gateway's error code for a call it does not
// route ("The API does not exist or has not been published in the
// environment").
const apiNotServedCode = "APIGW.0101"

// IsAPINotServed reports whether err is the gateway's answer that the endpoint
// does not serve the API called (APIGW.0101).
func IsAPINotServed(err error) bool { return ErrorCode(err) == apiNotServedCode }

// IsConflict reports whether err is an API answer 409 (duplicate name, limit
// of versions reached, policy still attached, ...).
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsUnauthorized reports whether err is an API answer 401: a missing or wrong
// access key, secret key or security token (APIGW.0301).
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is an API answer 403: the caller is not
// allowed to make the call.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// ErrorCode returns the vendor error code of an API error ("" otherwise).
func ErrorCode(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func statusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// isRetryable: a failure worth another attempt. A RequestError knows from
// the retry policy whether its cause was recoverable (not a cancelled or
// expired caller context, not a TLS or URL error).
func isRetryable(err error) bool {
	if _, ok := errors.AsType[*UnusableAnswerError](err); ok {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return retryableStatus(ae.StatusCode)
	}
	var re *RequestError
	if errors.As(err, &re) {
		return re.retryable
	}
	return false
}

// mayHaveActed: the server may have carried out the request although the
// caller saw a failure (this attempt or an earlier one of the same call).
//
// Only 429 counts as not applied: the API gateway's throttling answer
// (APIGW.0308, "The throttling threshold has been reached") refuses the request
// before it reaches the service. The gateway's error table ("Error Codes", API
// Request Signing Guide, support.huaweicloud.com/devg-apisign/api-sign-errorcode.html)
// documents no other refusal as not applied: its 5xx (backend unavailable or
// timed out) do not say whether the service received the request, so they stay
// ambiguous, and its 4xx are not retried.
func mayHaveActed(err error) bool {
	if _, ok := errors.AsType[*UnusableAnswerError](err); ok {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.ambiguous || (retryableStatus(ae.StatusCode) && ae.StatusCode != http.StatusTooManyRequests)
	}
	var re *RequestError
	if errors.As(err, &re) {
		return re.ambiguous
	}
	return false
}

func retryAfterOf(err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.retryAfter
	}
	return 0
}

// parseAPIError builds an APIError from an error answer.
func parseAPIError(status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err == nil {
		fillFromMap(e, m, 0)
	}
	if e.RequestID == "" {
		e.RequestID = header.Get("X-Request-Id")
	}
	if e.Message == "" {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 512 {
			msg = msg[:512] + "..."
		}
		if msg == "" {
			msg = http.StatusText(status)
		}
		e.Message = msg
	}
	return e
}

func fillFromMap(e *APIError, m map[string]any, depth int) {
	if depth > 4 {
		return
	}
	if v := str(m["request_id"]); v != "" && e.RequestID == "" {
		e.RequestID = v
	}
	if v := str(m["encoded_authorization_message"]); v != "" {
		e.EncodedAuthorizationMessage = v
	}
	if c, msg := str(m["error_code"]), str(m["error_msg"]); c != "" || msg != "" {
		e.Code, e.Message = c, msg
		return
	}
	if c, msg := str(m["code"]), str(m["message"]); c != "" || msg != "" {
		e.Code, e.Message = c, msg
		return
	}
	for _, v := range m {
		if sub, ok := v.(map[string]any); ok {
			fillFromMap(e, sub, depth+1)
			if e.Code != "" || e.Message != "" {
				return
			}
		}
	}
}

func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case json.Number:
		return t.String()
	}
	return ""
}

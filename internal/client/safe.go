package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// safeCreate runs a non-idempotent create without blind retries.
//
// create makes one attempt. After a failure the server may have acted on (a
// lost connection or timeout, 500/502/503/504), lookup is asked whether the
// object exists (names are unique per account) and, if so, it is adopted;
// otherwise the create is retried after a backoff, up to MaxRetries times.
// 429 answers are retried without a lookup (the server did not act). When a
// retry after such an ambiguous failure answers 409 (name taken: most likely
// by the earlier attempt, not yet visible in lists), lookup is polled for up
// to ReadAfterWriteTimeout before giving up; other 4xx answers get one
// lookup. When the lookup itself fails (after its own retries), the create
// is not retried (it could duplicate) and the create's error is returned.
// A failure of the very first attempt that is not retryable (400,
// 401, 403, a 409 for a name taken before) is returned as is.
func safeCreate[T any](ctx context.Context, c *Client, what, name string,
	create func(context.Context) (T, error),
	lookup func(context.Context) (T, bool, error),
) (T, error) {
	var zero T
	maybeActed := false
	for attempt := 0; ; attempt++ {
		v, err := create(ctx)
		if err == nil {
			if attempt > 0 {
				tflog.Info(ctx, "created after retries", map[string]any{"object": what, "name": name, "attempts": attempt + 1})
			}
			return v, nil
		}
		if ctx.Err() != nil {
			return zero, err
		}
		retry := isRetryable(err)
		if mayHaveActed(err) {
			maybeActed = true
		}
		if maybeActed {
			var wait time.Duration
			if IsConflict(err) {
				wait = c.cfg.ReadAfterWriteTimeout
			}
			found, ok, lerr := pollLookup(ctx, c, lookup, wait)
			if ok {
				tflog.Warn(ctx, "adopting the object an earlier create attempt made (its answer was lost)", map[string]any{"object": what, "name": name, "attempts": attempt + 1})
				return found, nil
			}
			if lerr != nil {
				// Without knowing whether the object exists, another create
				// could duplicate it: give up with the create's error.
				tflog.Warn(ctx, "lookup after a failed create failed; not retrying the create", map[string]any{"object": what, "name": name, "error": c.redact(lerr.Error())})
				return zero, err
			}
		}
		if !retry || attempt >= c.cfg.MaxRetries {
			return zero, err
		}
		wait := c.backoff(attempt, retryAfterOf(err))
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			return zero, err
		}
		tflog.Warn(ctx, "retrying create", map[string]any{"object": what, "name": name, "attempt": attempt + 1, "wait": wait.String(), "error": err.Error()})
		if sleep(ctx, wait) != nil {
			return zero, err
		}
	}
}

// pollLookup asks lookup once, or repeatedly for up to wait.
func pollLookup[T any](ctx context.Context, c *Client, lookup func(context.Context) (T, bool, error), wait time.Duration) (T, bool, error) {
	deadline := time.Now().Add(wait)
	for attempt := 0; ; attempt++ {
		v, ok, err := lookup(ctx)
		if ok || ctx.Err() != nil {
			return v, ok, err
		}
		d := c.backoff(attempt, 0)
		if wait <= 0 || time.Now().Add(d).After(deadline) {
			return v, false, err
		}
		if sleep(ctx, d) != nil {
			return v, false, err
		}
	}
}

// waitFound calls get until it answers something else than 404, for up to
// ReadAfterWriteTimeout.
func waitFound[T any](ctx context.Context, c *Client, get func(context.Context) (T, error)) (T, error) {
	deadline := time.Now().Add(c.cfg.ReadAfterWriteTimeout)
	for attempt := 0; ; attempt++ {
		v, err := get(ctx)
		if err == nil || !IsNotFound(err) {
			return v, err
		}
		d := c.backoff(attempt, 0)
		if time.Now().Add(d).After(deadline) {
			return v, err
		}
		tflog.Debug(ctx, "not visible yet after a write; reading again", map[string]any{"wait": d.String()})
		if sleep(ctx, d) != nil {
			return v, err
		}
	}
}

// RetryWhileNotFound calls fn until it returns something else than a 404,
// for up to the client's ReadAfterWriteTimeout (reads right after writes).
func (c *Client) RetryWhileNotFound(ctx context.Context, fn func(context.Context) error) error {
	_, err := waitFound(ctx, c, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}

// paginate calls fetch with "" and then with each next marker until the
// marker is empty. A marker seen twice is an error (no endless loops).
func paginate(ctx context.Context, op string, fetch func(marker string) (string, error)) error {
	seen := map[string]bool{}
	marker := ""
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		next, err := fetch(marker)
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("%s: the server repeated the page marker %q (page %d)", op, next, page)
		}
		seen[next] = true
		marker = next
	}
}

func notFound(op, msg string) *APIError {
	return &APIError{StatusCode: http.StatusNotFound, Operation: op, Message: msg}
}

// JSONEqual reports whether two JSON texts hold the same value (key order and
// white space ignored); texts that are not JSON are compared as strings.
func JSONEqual(a, b string) bool {
	if a == b {
		return true
	}
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// ErrPolicyGone is what WithPolicy returns when the identity policy does not exist.
var ErrPolicyGone = errors.New("the identity policy does not exist")

// WithPolicy runs call, a request about identity policy policyID. Right after a create,
// reads of a new policy may answer 404 for a while (eventual consistency), so on a 404 it
// asks the list of custom policies, which tells a missing policy (ErrPolicyGone) from one
// not yet visible to reads (call is retried while it answers 404).
func (c *Client) WithPolicy(ctx context.Context, policyID string, call func(context.Context) error) error {
	err := call(ctx)
	if !IsNotFound(err) {
		return err
	}
	ps, lerr := c.ListPolicies(ctx, ListPoliciesOptions{PolicyType: PolicyTypeCustom})
	switch {
	case lerr != nil:
		return lerr
	case !slices.ContainsFunc(ps, func(p Policy) bool { return p.PolicyID == policyID }):
		return ErrPolicyGone
	default:
		return c.RetryWhileNotFound(ctx, call)
	}
}

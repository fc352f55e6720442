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

// creation is a non-idempotent create, as safeCreate runs it.
type creation[T any] struct {
	kind ObjectKind
	name string
	// before runs once before the first attempt. It fails when the name is
	// taken (a *NameTakenError), and records what exists, so that made can
	// tell the object an attempt of this call made from an older one.
	before func(context.Context) error
	// create makes one attempt.
	create func(context.Context) (T, error)
	// made looks for the object an attempt whose answer was lost made:
	// ok is false when there is none; a *NameTakenError (Mismatch set) when
	// what holds the name does not hold what was sent.
	made func(context.Context) (found T, ok bool, err error)
}

// safeCreate runs a non-idempotent create without blind retries and without
// ever taking over an object it did not make.
//
// Before the first attempt, before proves the name free (names are unique per
// account), so whatever holds it after a lost answer was made by this call,
// and even then only an object holding exactly what was sent is adopted.
// After a failure the server may have acted on (a lost connection or a cut
// answer, a timeout, 500/502/503/504), made is asked whether the object
// exists and, if so, it is adopted; otherwise the create is retried after a
// backoff, up to MaxRetries times. 429 answers are retried without a lookup
// (the server did not act). When a retry after such an ambiguous failure
// answers 409 (most likely the earlier attempt's object, not yet visible),
// made is polled for up to ReadAfterWriteTimeout. When the lookup itself
// fails (after its own retries), the create is not retried (it could
// duplicate) and the create's error is returned. Errors carry the attempts
// and the time of the whole create.
func safeCreate[T any](ctx context.Context, c *Client, cr creation[T]) (T, error) {
	var zero T
	began := time.Now()
	if err := cr.before(ctx); err != nil {
		return zero, err
	}
	maybeActed := false
	for attempt := 1; ; attempt++ {
		v, err := cr.create(ctx)
		if err == nil {
			if attempt > 1 {
				tflog.Info(ctx, "created after retries", map[string]any{"object": cr.kind, "name": cr.name, "attempts": attempt})
			}
			return v, nil
		}
		err = withAttempts(err, attempt, time.Since(began))
		if ctx.Err() != nil {
			return zero, err
		}
		if mayHaveActed(err) {
			maybeActed = true
		}
		if IsConflict(err) && !maybeActed {
			// Taken between the check and this attempt, by someone else.
			var taken *NameTakenError
			if errors.As(cr.before(ctx), &taken) {
				taken.Err = err
				return zero, taken
			}
			return zero, err
		}
		if maybeActed {
			var wait time.Duration
			if IsConflict(err) {
				wait = c.cfg.ReadAfterWriteTimeout
			}
			found, ok, lerr := pollLookup(ctx, c, cr.made, wait)
			var taken *NameTakenError
			switch {
			case errors.As(lerr, &taken):
				return zero, lerr
			case ok:
				tflog.Warn(ctx, "adopting the object an earlier attempt of this create made (its answer was lost)", map[string]any{"object": cr.kind, "name": cr.name, "attempts": attempt})
				return found, nil
			case lerr != nil:
				// Without knowing whether the object exists, another create
				// could duplicate it: give up with the create's error.
				tflog.Warn(ctx, "lookup after a failed create failed; not retrying the create", map[string]any{"object": cr.kind, "name": cr.name, "error": c.redact(lerr.Error())})
				return zero, fmt.Errorf("%w; this create may have made the %s %q, but looking it up failed (%v): the next apply looks again before creating", err, cr.kind, cr.name, lerr)
			}
		}
		if !isRetryable(err) || attempt > c.cfg.MaxRetries {
			return zero, err
		}
		wait := c.backoff(attempt-1, retryAfterOf(err))
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			return zero, outOfTime(err)
		}
		tflog.Warn(ctx, "retrying create", map[string]any{"object": cr.kind, "name": cr.name, "attempt": attempt, "wait": wait.String(), "error": err.Error()})
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

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
	// taken (a *NameTakenError).
	before func(context.Context) error
	// create makes one attempt. A 2xx answer that names no object is an
	// *UnusableAnswerError: the service acted, so it counts as a lost answer.
	create func(context.Context) (T, error)
	// made looks for the object an attempt whose answer was lost made: ok is
	// false when nothing holds the name; a *NameTakenError when something
	// does but nothing proves it this call's (what proves it depends on the
	// kind: see CreatePolicy and CreateSCP).
	made func(context.Context) (found T, ok bool, err error)
}

// UnusableAnswerError is a 2xx answer to a create that names no object (an
// empty body, {}, a null object, a blank id): the service acted, but the
// answer cannot say on what, so it is handled as a lost answer.
type UnusableAnswerError struct {
	Operation string
	Detail    string
}

func (e *UnusableAnswerError) Error() string {
	return fmt.Sprintf("%s: the service answered success, but %s", e.Operation, e.Detail)
}

// safeCreate runs a non-idempotent create without blind retries and without
// ever taking over an object it cannot prove it made.
//
// Before the first attempt, before proves the name free (names are unique per
// account, ignoring case). After a failure the server may have acted on (a
// lost connection or a cut answer, a timeout, 500/502/503/504, a 2xx answer
// without an id), made is asked whether the object exists: when nothing holds
// the name the create is retried after a backoff, up to MaxRetries times;
// when something does, it is adopted only if made proves it this call's
// (an SCP carrying this call's create token), otherwise the create fails with
// a *NameTakenError that names it: another apply creating the same name at
// the same moment looks exactly like a lost answer. 429 answers are retried
// without a lookup: the gateway refused them before the service saw them, so
// a 409 after them is someone else's. When a retry after an ambiguous failure
// answers 409, made is polled for up to ReadAfterWriteTimeout (the earlier
// attempt's object may not be listed yet). When the lookup itself fails
// (after its own retries), the create is not retried (it could duplicate) and
// the error says what the next apply does. Errors carry the attempts and the
// time of the whole create.
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
				tflog.Warn(ctx, "recording the object an earlier attempt of this create made (its answer was lost; the object carries this create's token)", map[string]any{"object": cr.kind, "name": cr.name, "attempts": attempt})
				return found, nil
			case lerr != nil:
				// Without knowing whether the object exists, another create
				// could duplicate it: give up with the create's error.
				tflog.Warn(ctx, "lookup after a failed create failed; not retrying the create", map[string]any{"object": cr.kind, "name": cr.name, "error": c.redact(lerr.Error())})
				return zero, fmt.Errorf("%w; this create may have made the %s %q, but looking it up failed (%v), so nothing was recorded. "+
					"If it was made, the next apply refuses the name as taken and prints the import block with its id: import it then "+
					"(or delete it); if it was not, the next apply creates it", err, cr.kind, cr.name, lerr)
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
		if ok || err != nil || ctx.Err() != nil {
			// Only "nothing holds the name yet" is worth asking again.
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

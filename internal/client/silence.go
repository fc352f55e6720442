package client

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// SilenceLimit is how many attempts in a row an endpoint may leave without a whole answer
// (each waiting out RequestTimeout) before calls to it stop waiting on it.
const SilenceLimit = 3

// silence tracks a run of attempts to one endpoint that got no whole answer within
// RequestTimeout: none at all (a hung endpoint), or a status line and headers and then a
// body that did not arrive in time (an endpoint that stalls, or drips a byte at a time).
// Without it, every call to such an endpoint waits out all its retries: 250 resources
// refreshing against one would take hours. Once SilenceLimit attempts in a row have timed
// out, a call's retries stop, and new calls fail at once, except one probe attempt a
// RequestTimeout after the last attempt ended; any whole answer ends the run, as does one
// cut short (the connection closed: the endpoint is there, and answers fast). A call
// refused this way sent nothing, so it is never ambiguous.
type silence struct {
	mu        sync.Mutex
	run       int
	stalled   bool // the run's last attempt got headers, then its body stalled
	lastProbe time.Time
}

// errSilent is returned, wrapped, by calls refused while the endpoint is silent; errStalled,
// which is also an errSilent, when its last attempts stalled while sending their answer.
var (
	errSilent  = errors.New("the endpoint does not answer")
	errStalled = stalledError{}
)

type stalledError struct{}

func (stalledError) Error() string        { return "the endpoint stalled while sending its answer" }
func (stalledError) Is(target error) bool { return target == errSilent }

// IsSilent reports whether err is a call that stopped because its endpoint does not
// answer, or stalls while answering (see silence).
func IsSilent(err error) bool { return errors.Is(err, errSilent) }

// IsStalled reports whether err is a call that stopped because its endpoint, attempt after
// attempt, sent the start of an answer and then stalled (see silence).
func IsStalled(err error) bool { return errors.Is(err, errStalled) }

// admit says whether a new call may send its first attempt now: always while the endpoint
// answers, and while it is silent, one probe once probeEvery has passed since the last
// probe began and since the last attempt ended unanswered (so that calls made one after
// another do not each wait out a probe).
func (s *silence) admit(now time.Time, probeEvery time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run < SilenceLimit {
		return nil
	}
	if now.Sub(s.lastProbe) >= probeEvery {
		s.lastProbe = now
		return nil
	}
	return fmt.Errorf("%w: its last %d attempts in a row got no %s within request_timeout (%s); calls wait on it again once it answers",
		s.cause(), s.run, s.what(), roundDuration(probeEvery))
}

// mayRetry says whether a call may retry after an attempt that got no answer, and if not,
// why.
func (s *silence) mayRetry(timeout time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run < SilenceLimit {
		return nil
	}
	return fmt.Errorf("%w: %d attempts in a row got no %s within request_timeout (%s)", s.cause(), s.run, s.what(), roundDuration(timeout))
}

func (s *silence) cause() error {
	if s.stalled {
		return errStalled
	}
	return errSilent
}

func (s *silence) what() string {
	if s.stalled {
		return "whole answer"
	}
	return "answer"
}

// record notes how an attempt that got no status line ended: timed out (a hang), or
// failed otherwise (refused, reset: not a hang).
func (s *silence) record(err error) {
	if isTimeout(err) {
		s.unanswered(false)
	}
}

// recordBody notes how reading an answer's body ended: whole, cut short (the endpoint is
// there: not a hang), or timed out (stalled: a hang like no answer).
func (s *silence) recordBody(err error) {
	if isTimeout(err) {
		s.unanswered(true)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.run, s.stalled = 0, false
}

func (s *silence) unanswered(stalled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.run++
	s.stalled = stalled
	s.lastProbe = time.Now()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

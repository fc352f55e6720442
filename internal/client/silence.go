package client

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// silenceLimit is how many attempts in a row an endpoint may leave without an answer
// (each waiting out RequestTimeout) before calls to it stop waiting on it.
const silenceLimit = 3

// silence tracks a run of attempts to one endpoint that got no answer within
// RequestTimeout. Without it, every call to a hung endpoint waits out all its retries:
// 250 resources refreshing against one would take hours. Once silenceLimit attempts in a
// row have timed out, a call's retries stop, and new calls fail at once, except one probe
// attempt per RequestTimeout; any answer ends the run. A call that fails this way sent
// nothing, so it is never ambiguous.
type silence struct {
	mu        sync.Mutex
	run       int
	lastProbe time.Time
}

// errSilent is returned, wrapped, by calls refused while the endpoint is silent.
var errSilent = errors.New("the endpoint does not answer")

// IsSilent reports whether err is a call that stopped because its endpoint does not
// answer (see silence).
func IsSilent(err error) bool { return errors.Is(err, errSilent) }

// admit says whether a new call may send its first attempt now: always while the endpoint
// answers, and once per probe interval while it is silent.
func (s *silence) admit(now time.Time, probeEvery time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run < silenceLimit {
		return nil
	}
	if now.Sub(s.lastProbe) >= probeEvery {
		s.lastProbe = now
		return nil
	}
	return fmt.Errorf("%w: its last %d attempts in a row got no answer within request_timeout (%s); calls wait on it again once it answers",
		errSilent, s.run, roundDuration(probeEvery))
}

// mayRetry says whether a call may retry after an attempt that got no answer.
func (s *silence) mayRetry() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run < silenceLimit
}

// record notes how an attempt ended: answered (any status, even with a body cut short),
// timed out without an answer, or failed otherwise (refused, reset: not a hang).
func (s *silence) record(answered bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ne net.Error
	switch {
	case answered:
		s.run = 0
	case errors.As(err, &ne) && ne.Timeout():
		s.run++
	}
}

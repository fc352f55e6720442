package emulator

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// Defaults of Config.
const (
	DefaultAccountID = "0123456789abcdef0123456789abcdef"
	DefaultRootID    = "r-emulator"
	DefaultOrgID     = "o-emulator"
	DefaultMaxSkew   = 15 * time.Minute
	DefaultAddr      = "127.0.0.1:0"
	// DefaultMaxPoliciesPerPrincipal is the vendor's default quota of identity policies
	// attached to one user, group or agency (raisable to 20).
	DefaultMaxPoliciesPerPrincipal = 10
)

// The vendor's limits. The document limits are package policy's, counted on the text sent
// (docChars).
const (
	MaxPolicies          = 1500 // custom identity policies per account
	MaxVersions          = 5    // versions per identity policy
	MaxPolicyNameLen     = 128
	MaxPolicyDocument    = policy.MaxIdentityChars
	MaxPolicyDescription = 1000 // inferred
	MaxPathLen           = 512
	MaxSCPs              = 1000 // custom SCPs per organisation
	MaxSCPNameLen        = 64
	MaxSCPDescription    = 512
	MaxSCPContent        = policy.MaxSCPChars
	// DefaultMaxSCPsPerTarget is the vendor's quota of SCPs attached to one root, OU or
	// account, FullAccess included.
	DefaultMaxSCPsPerTarget = 5
	MaxSCPTags              = 20
	// MaxBody is the largest request body the emulator reads. The largest body the APIs take
	// is a policy create or new version: a document of MaxPolicyDocument characters that are
	// not white space, sent as a JSON string in which one character takes at most 6 bytes
	// (\u003c), is 36 KiB; with a 1,000-character description that is under 43 KiB. The rest
	// leaves room for the document's indentation, which the vendor's quota does not count.
	MaxBody = 128 << 10
)

// Limits bound what clients can hold of the emulator's HTTP server (Server.Start), as a
// small real server bounds them. Zero fields take the value of DefaultLimits.
type Limits struct {
	// ReadHeaderTimeout is how long a client has to send a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout is how long a client has to send a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout is how long the server has, from the end of the request's headers, to
	// send the answer.
	WriteTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the size of a request's headers (the request line included).
	MaxHeaderBytes int
	// MaxConns bounds the connections served at once; further ones wait to be accepted.
	MaxConns int
}

// DefaultLimits are the limits of a Server whose Config.Limits fields are zero. The
// timeouts are far above what a request of the provider takes on loopback (milliseconds)
// and far below the minutes a slow client could otherwise hold a connection; the header
// size fits a temporary security token several times over.
var DefaultLimits = Limits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      30 * time.Second,
	IdleTimeout:       60 * time.Second,
	MaxHeaderBytes:    32 << 10,
	MaxConns:          256,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = d.ReadTimeout
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = d.WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxConns <= 0 {
		l.MaxConns = d.MaxConns
	}
	return l
}

// Faults are the failures the emulator injects.
type Faults struct {
	// FailRate is the fraction of authenticated requests answered, before acting, with a
	// 429, 500 or 503 (chosen evenly).
	FailRate float64
	// DropRate is the fraction of authenticated requests whose connection is closed without
	// an answer after the emulator acted on them.
	DropRate float64
	// ReadAfterWriteDelay is how long GETs of a freshly created identity policy or SCP (and
	// of its versions and attachments) answer 404.
	ReadAfterWriteDelay time.Duration
	// RetryAfter, when positive, is sent (in whole seconds, rounded up) as Retry-After on
	// injected 429 and 503 answers.
	RetryAfter time.Duration
	// NoDrop lists requests, as "METHOD /path" (exact), whose connections DropRate never
	// drops.
	NoDrop []string
	// OnCreate, when set, is asked what to do with each create of an identity policy or
	// SCP (POST /v5/policies, POST /v1/organizations/policies) that passed authentication
	// and the random faults, before the emulator acts: deterministic faults for tests (the
	// Nth create of a name). It runs without the emulator's lock, so it may block to order
	// concurrent requests.
	OnCreate func(CreateRequest) CreateFault
}

// CreateRequest is a create Faults.OnCreate is asked about.
type CreateRequest struct {
	// Kind is KindIdentityPolicy or KindSCP.
	Kind string
	// Name is the name the body asks for.
	Name string
	// N counts the creates of this kind and name (ignoring case) that reached OnCreate,
	// this one included: 1 for the first.
	N int
}

// The kinds of CreateRequest.
const (
	KindIdentityPolicy = "identity_policy"
	KindSCP            = "service_control_policy"
)

// CreateFault is what the emulator does with a create (the zero value: nothing special).
type CreateFault struct {
	// Status, when 429, 500 or 503, answers that injected fault without acting.
	Status int
	// Drop acts, then closes the connection without an answer.
	Drop bool
	// Replace acts, then answers the create's 2xx status with Body instead of its answer.
	Replace bool
	Body    string
	// Then, when set, runs once the emulator acted, before it answers (without its lock).
	Then func()
}

// Config configures a Server. The zero value, with AccessKey and SecretKey set, is an
// in-memory emulator without faults.
type Config struct {
	// AccessKey and SecretKey are the only credentials the emulator accepts.
	AccessKey, SecretKey string
	// SecurityToken, when set, must be sent in X-Security-Token (temporary credentials).
	SecurityToken string
	// AccountID is the account (domain) id; X-Domain-Id must match it when present.
	AccountID string
	// RootID is the id of the organisation's only root; OrgID the organisation's id.
	RootID, OrgID string
	// SCPEnabled starts the emulator with SCPs already enabled on the root (FullAccess
	// attached). It only applies to a new state.
	SCPEnabled bool
	// EnableDelay is how long the root reports pending_enable after SCPs are enabled.
	EnableDelay time.Duration
	// StatePath, when set, is a JSON file the state is loaded from at start. Every change
	// is appended to a journal beside it (StatePath + ".journal") before it is answered,
	// and the journal is folded into the file, atomically, at start and every 1,000
	// changes. Temporary files a killed emulator left beside it are removed at start.
	StatePath string
	// Faults to inject; see also Server.SetFaults.
	Faults Faults
	// Seed seeds the random numbers behind faults and ids, so that a run is reproducible
	// when requests arrive in the same order.
	Seed int64
	// MaxSkew is how far X-Sdk-Date may be from the emulator's clock (default 15 minutes).
	MaxSkew time.Duration
	// MaxPoliciesPerPrincipal is the quota of identity policies attached to one user, group
	// or agency (default 10).
	MaxPoliciesPerPrincipal int
	// MaxSCPsPerTarget is the quota of SCPs attached to one root, OU or account, FullAccess
	// included (default 5).
	MaxSCPsPerTarget int
	// Now is the emulator's clock (default time.Now).
	Now func() time.Time
	// CheckDocument checks an identity policy document (scp false) or an SCP's content (scp
	// true); a non-nil error rejects it with the vendor's malformed-policy answer. The
	// default is DefaultCheckDocument.
	CheckDocument func(doc []byte, scp bool) error
	// Limits bound what clients can hold of the HTTP server Start runs (timeouts, header
	// size, connections); zero fields take DefaultLimits.
	Limits Limits
	// Logf, when set, receives one line per request.
	Logf func(format string, args ...any)
}

// Stats counts what the emulator did with the requests it received.
type Stats struct {
	Requests     int // every request
	Unauthorized int // rejected by the signature check
	Failed       int // answered with an injected 429/500/503
	Dropped      int // connection dropped after acting
}

// Server is the emulator: an http.Handler serving the IAM v5 policy APIs and the
// Organizations SCP APIs, and methods for tests to inspect and change its state.
type Server struct {
	cfg     Config
	handler http.Handler
	mux     *http.ServeMux

	mu     sync.Mutex
	st     *state
	store  *store // nil without a state file
	rng    *mrand.Rand
	faults Faults
	stats  Stats
	// creates counts the creates of each kind and name (lower case), for CreateRequest.N.
	creates map[string]int
}

// New returns an emulator. It loads Config.StatePath when the file exists.
func New(cfg Config) (*Server, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("emulator: an access key and a secret key are required")
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.RootID == "" {
		cfg.RootID = DefaultRootID
	}
	if !reRootID.MatchString(cfg.RootID) {
		return nil, fmt.Errorf("emulator: root id %q is not r- followed by 4 to 32 lower-case letters or digits", cfg.RootID)
	}
	if cfg.OrgID == "" {
		cfg.OrgID = DefaultOrgID
	}
	if cfg.MaxSkew <= 0 {
		cfg.MaxSkew = DefaultMaxSkew
	}
	if cfg.MaxPoliciesPerPrincipal <= 0 {
		cfg.MaxPoliciesPerPrincipal = DefaultMaxPoliciesPerPrincipal
	}
	if cfg.MaxSCPsPerTarget <= 0 {
		cfg.MaxSCPsPerTarget = DefaultMaxSCPsPerTarget
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CheckDocument == nil {
		cfg.CheckDocument = DefaultCheckDocument
	}
	cfg.Limits = cfg.Limits.withDefaults()
	s := &Server{
		cfg:     cfg,
		rng:     newRand(cfg.Seed, 0),
		faults:  cfg.Faults,
		creates: map[string]int{},
	}
	st := newState()
	loaded := false
	if cfg.StatePath != "" {
		if err := removeTempFiles(cfg.StatePath); err != nil {
			return nil, fmt.Errorf("emulator: removing temporary files: %w", err)
		}
		var err error
		st, loaded, err = readState(cfg.StatePath)
		if err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
	}
	if loaded {
		if st.Account != cfg.AccountID {
			return nil, fmt.Errorf("emulator: state file %s belongs to account %s, not %s", cfg.StatePath, st.Account, cfg.AccountID)
		}
		if st.Root.ID != cfg.RootID {
			return nil, fmt.Errorf("emulator: state file %s has root %s, not %s", cfg.StatePath, st.Root.ID, cfg.RootID)
		}
	} else {
		now := cfg.Now().UTC()
		st.Account = cfg.AccountID
		st.Root = Root{ID: cfg.RootID, Name: "Root", URN: s.rootURN(), CreatedAt: now}
		st.SCPs[FullAccessID] = &SCP{
			ID: FullAccessID, Name: FullAccessName, Description: fullAccessDescription,
			Content: FullAccessContent, URN: s.scpURN(FullAccessID), Builtin: true,
			CreatedAt: now, UpdatedAt: now, Seq: st.nextSeq(),
		}
		if cfg.SCPEnabled {
			st.Root.SCPEnabled, st.Root.EnabledAt = true, now
			st.SCPs[FullAccessID].Targets = []SCPAttachment{{TargetID: cfg.RootID, AttachedAt: now}}
		}
	}
	addSystemPolicies(st)
	if loaded {
		// A restarted emulator must not draw the ids (and faults) of its first run again:
		// the state's counter, which every create advances, is mixed into the seed (and
		// new ids are checked against the stored ones).
		s.rng = newRand(cfg.Seed, uint64(st.Seq))
	}
	s.st = st
	if cfg.StatePath != "" {
		var err error
		if s.store, err = openStore(cfg.StatePath, st); err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.handler = http.HandlerFunc(s.serve)
	return s, nil
}

// Close closes the state's journal; the Server must not serve afterwards.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return nil
	}
	return s.store.close()
}

// newRand is the generator behind faults and ids: seed alone for a new state, seed and the
// loaded state's counter for a restart.
func newRand(seed int64, stateSeq uint64) *mrand.Rand {
	return mrand.New(mrand.NewPCG(uint64(seed)+stateSeq*0xbf58476d1ce4e5b9, uint64(seed)^0x9e3779b97f4a7c15))
}

// Handler returns the emulator's http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// ServeHTTP serves a request; a *Server is an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Config returns the configuration in effect, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Start listens on addr (DefaultAddr when empty) and serves in the background, within
// Config.Limits. It returns the base URL (http://host:port) and a function that shuts the
// server down gracefully.
func (s *Server) Start(addr string) (string, func(), error) {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	l := s.cfg.Limits
	ln = netutil.LimitListener(ln, l.MaxConns)
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(ln)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if hs.Shutdown(ctx) != nil {
				hs.Close()
			}
			<-done
		})
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// SetFaults changes the injected faults from now on.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Faults returns the faults in effect.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Stats returns the request counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

type ctxKey struct{}

// serve authenticates, injects faults, routes, and drops connections after acting.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()

	// Everything the headers show is checked before a byte of the body is read, and no more
	// than MaxBody is read before the signature over it is checked.
	if e := s.authenticateHeaders(r); e != nil {
		s.unauthorized(w, r, reqID, e)
		return
	}
	if r.ContentLength > MaxBody {
		s.writeError(w, r, reqID, fail(errBodyTooLarge, "the request body of %d bytes exceeds %d bytes", r.ContentLength, MaxBody))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
		s.writeError(w, r, reqID, fail(errBodyTooLarge, "the request body exceeds %d bytes", MaxBody))
		return
	}
	if err != nil {
		s.log(r, reqID, 0, "reading the body: %v", err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if e := s.authenticate(r, body); e != nil {
		s.unauthorized(w, r, reqID, e)
		return
	}

	failCode, drop := s.drawFaults()
	if drop && s.spared(r) {
		drop = false
	}
	var cf CreateFault
	if failCode == nil {
		cf = s.createFault(r, body)
		if code, ok := injectedCodes[cf.Status]; ok {
			failCode = &code
		}
		drop = drop || cf.Drop
	}
	if failCode != nil {
		s.mu.Lock()
		s.stats.Failed++
		ra := s.faults.RetryAfter
		s.mu.Unlock()
		if ra > 0 && failCode.Status != http.StatusInternalServerError {
			w.Header().Set("Retry-After", strconv.Itoa(int((ra+time.Second-1)/time.Second)))
		}
		s.writeError(w, r, reqID, fail(*failCode, "injected fault"))
		return
	}

	rec := &recorder{header: http.Header{}}
	ctx := context.WithValue(r.Context(), ctxKey{}, reqID)
	r = r.WithContext(ctx)
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.writeError(rec, r, reqID, fail(errNoRoute, "%s %s", r.Method, r.URL.Path))
	} else {
		s.mux.ServeHTTP(rec, r)
	}

	if drop {
		s.mu.Lock()
		s.stats.Dropped++
		s.mu.Unlock()
		s.log(r, reqID, rec.status, "connection dropped after acting")
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if cf.Then != nil {
		cf.Then()
	}
	if cf.Replace && rec.status/100 == 2 {
		rec.body.Reset()
		rec.body.WriteString(cf.Body)
		rec.header.Set("Content-Length", strconv.Itoa(len(cf.Body)))
		s.log(r, reqID, rec.status, "answer replaced")
	}
	if err := rec.copyTo(w); err != nil {
		s.log(r, reqID, rec.status, "writing the answer: %v", err)
		return
	}
	s.log(r, reqID, rec.status, "")
}

// injectedCodes are the answers CreateFault.Status may ask for.
var injectedCodes = map[int]ErrorCode{
	http.StatusTooManyRequests:     errThrottled,
	http.StatusInternalServerError: errInternal,
	http.StatusServiceUnavailable:  errUnavailable,
}

// spared reports whether Faults.NoDrop lists the request.
func (s *Server) spared(r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.faults.NoDrop, r.Method+" "+r.URL.Path)
}

// createFault asks Faults.OnCreate about a create, counting it first; other requests, and
// creates without a readable name, get the zero CreateFault.
func (s *Server) createFault(r *http.Request, body []byte) CreateFault {
	if r.Method != http.MethodPost {
		return CreateFault{}
	}
	var kind string
	var req struct {
		PolicyName *string `json:"policy_name"`
		Name       *string `json:"name"`
	}
	switch r.URL.Path {
	case "/v5/policies":
		kind = KindIdentityPolicy
	case "/v1/organizations/policies":
		kind = KindSCP
	default:
		return CreateFault{}
	}
	if json.Unmarshal(body, &req) != nil {
		return CreateFault{}
	}
	name := req.Name
	if kind == KindIdentityPolicy {
		name = req.PolicyName
	}
	if name == nil {
		return CreateFault{}
	}
	s.mu.Lock()
	key := kind + "\x00" + strings.ToLower(*name)
	s.creates[key]++
	n, hook := s.creates[key], s.faults.OnCreate
	s.mu.Unlock()
	if hook == nil {
		return CreateFault{}
	}
	return hook(CreateRequest{Kind: kind, Name: *name, N: n})
}

// drawFaults decides, from the seeded generator, whether this request fails before acting
// and whether its connection drops after. It always draws the same amount of numbers.
func (s *Server) drawFaults() (*ErrorCode, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u1, pick, u2 := s.rng.Float64(), s.rng.IntN(3), s.rng.Float64()
	if u1 < s.faults.FailRate {
		return &[]ErrorCode{errThrottled, errInternal, errUnavailable}[pick], false
	}
	return nil, u2 < s.faults.DropRate
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, reqID string, e *apiError) {
	s.mu.Lock()
	s.stats.Unauthorized++
	s.mu.Unlock()
	s.writeError(w, r, reqID, e)
}

func (s *Server) secretFor(ak string) (string, bool) {
	if ak == s.cfg.AccessKey {
		return s.cfg.SecretKey, true
	}
	return "", false
}

// authenticateHeaders runs the checks that need no body: Authorization present and well
// formed, the access key known, X-Sdk-Date fresh, the security token and X-Domain-Id.
func (s *Server) authenticateHeaders(r *http.Request) *apiError {
	if err := signer.VerifyHeaders(r, s.secretFor, s.cfg.Now(), s.cfg.MaxSkew); err != nil {
		return verifyError(err)
	}
	if s.cfg.SecurityToken != "" && r.Header.Get("X-Security-Token") != s.cfg.SecurityToken {
		return fail(errSignature, "the security token (X-Security-Token) is missing or wrong")
	}
	if d := r.Header.Get("X-Domain-Id"); d != "" && d != s.cfg.AccountID {
		return fail(errSignature, "X-Domain-Id %s is not the account of the access key", d)
	}
	return nil
}

// authenticate verifies the AK/SK signature over the request and its body.
func (s *Server) authenticate(r *http.Request, body []byte) *apiError {
	if err := signer.Verify(r, body, s.secretFor, s.cfg.Now(), s.cfg.MaxSkew); err != nil {
		return verifyError(err)
	}
	return nil
}

func verifyError(err error) *apiError {
	if ve, ok := err.(*signer.VerifyError); ok {
		return &apiError{code: ErrorCode{Status: ve.StatusCode, Code: ve.Code, Message: ve.Message, Source: Stated}, msg: ve.Message}
	}
	return fail(errSignature, "%v", err)
}

func (s *Server) log(r *http.Request, reqID string, status int, note string, args ...any) {
	if s.cfg.Logf == nil {
		return
	}
	line := fmt.Sprintf("%s %s %s -> %d", reqID[:8], r.Method, r.URL.RequestURI(), status)
	if note != "" {
		line += " (" + fmt.Sprintf(note, args...) + ")"
	}
	s.cfg.Logf("%s", line)
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, reqID string, e *apiError) {
	err := writeJSON(w, reqID, e.code.Status, errorBody{ErrorCode: e.code.Code, ErrorMsg: e.msg, RequestID: reqID})
	if _, ok := w.(*recorder); !ok {
		if err != nil {
			s.log(r, reqID, e.code.Status, "%s; writing the answer: %v", e.code.Code, err)
			return
		}
		s.log(r, reqID, e.code.Status, "%s", e.code.Code)
	}
}

// writeJSON sends status and v as JSON. The error is from writing the body (the client
// went away); the caller can only log it.
func writeJSON(w http.ResponseWriter, reqID string, status int, v any) error {
	h := w.Header()
	h.Set("X-Request-Id", reqID)
	if v == nil {
		w.WriteHeader(status)
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{ErrorCode: errInternal.Code, ErrorMsg: err.Error(), RequestID: reqID})
	}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

func requestID(r *http.Request) string {
	if id, ok := r.Context().Value(ctxKey{}).(string); ok {
		return id
	}
	return newRequestID()
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// recorder buffers an answer so that it can be dropped after the handler acted.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// copyTo sends the buffered answer; the error is from writing the body.
func (r *recorder) copyTo(w http.ResponseWriter) error {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	_, err := w.Write(r.body.Bytes())
	return err
}

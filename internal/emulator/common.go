package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// handlerFunc answers a request: a status and a body to send as JSON (nil for none), or an
// error answer.
type handlerFunc func(r *http.Request, body []byte) (int, any, *apiError)

// handle registers a handler for a pattern of http.ServeMux.
func (s *Server) handle(pattern string, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, _ := readAll(r)
		status, v, e := h(r, body)
		id := requestID(r)
		if e != nil {
			s.writeError(w, r, id, e)
			return
		}
		if err := writeJSON(w, id, status, v); err != nil {
			s.log(r, id, status, "writing the answer: %v", err)
		}
	})
}

func readAll(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

func (s *Server) routes() {
	// IAM v5 identity policies.
	s.handle("POST /v5/policies", s.createPolicy)
	s.handle("GET /v5/policies", s.listPolicies)
	s.handle("GET /v5/policies/{policy_id}", s.getPolicy)
	s.handle("PUT /v5/policies/{policy_id}", s.updatePolicy)
	s.handle("DELETE /v5/policies/{policy_id}", s.deletePolicy)
	s.handle("POST /v5/policies/{policy_id}/versions", s.createVersion)
	s.handle("GET /v5/policies/{policy_id}/versions", s.listVersions)
	s.handle("GET /v5/policies/{policy_id}/versions/{version_id}", s.getVersion)
	s.handle("DELETE /v5/policies/{policy_id}/versions/{version_id}", s.deleteVersion)
	s.handle("POST /v5/policies/{policy_id}/versions/{version_id}/set-default", s.setDefaultVersion)
	for _, typ := range []string{PrincipalUser, PrincipalGroup, PrincipalAgency} {
		s.handle("POST /v5/policies/{policy_id}/attach-"+typ, s.attachPolicy(typ))
		s.handle("POST /v5/policies/{policy_id}/detach-"+typ, s.detachPolicy(typ))
	}
	s.handle("GET /v5/policies/{policy_id}/attached-entities", s.listEntities)
	s.handle("GET /v5/users/{id}/attached-policies", s.listAttachedPolicies(PrincipalUser))
	s.handle("GET /v5/groups/{id}/attached-policies", s.listAttachedPolicies(PrincipalGroup))
	s.handle("GET /v5/agencies/{id}/attached-policies", s.listAttachedPolicies(PrincipalAgency))
	s.handle("GET /v5/authorization-schemas/services/{service_code}", s.authorizationSchema)

	// Organizations SCPs.
	s.handle("POST /v1/organizations/policies", s.createSCP)
	s.handle("GET /v1/organizations/policies", s.listSCPs)
	s.handle("GET /v1/organizations/policies/{policy_id}", s.getSCP)
	s.handle("PATCH /v1/organizations/policies/{policy_id}", s.updateSCP)
	s.handle("DELETE /v1/organizations/policies/{policy_id}", s.deleteSCP)
	s.handle("POST /v1/organizations/policies/{policy_id}/attach", s.attachSCP)
	s.handle("POST /v1/organizations/policies/{policy_id}/detach", s.detachSCP)
	s.handle("GET /v1/organizations/policies/{policy_id}/attached-entities", s.listSCPEntities)
	s.handle("POST /v1/organizations/policies/enable", s.enablePolicyType)
	s.handle("POST /v1/organizations/policies/disable", s.disablePolicyType)
	s.handle("GET /v1/organizations/roots", s.listRoots)
	s.tagRoutes()
}

// decodeBody decodes a JSON object body.
func decodeBody(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return fmt.Errorf("the request body must be a JSON object")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("the request body is not valid: %v", err)
	}
	return nil
}

// timeFormat is how times are written in answers (UTC, milliseconds; inferred).
const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

var (
	rePolicyName  = regexp.MustCompile(`^[A-Za-z0-9_+=.@-]{1,128}$`)
	rePath        = regexp.MustCompile(`^([A-Za-z0-9.,+@=_-]+/)+$`)
	reID          = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	reVersionID   = regexp.MustCompile(`^v[1-9][0-9]{0,8}$`)
	reRootID      = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	reTargetID    = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$`)
	reSCPID       = regexp.MustCompile(`^p-[0-9A-Za-z_]{1,128}$`)
	reMarkerChars = regexp.MustCompile(`^[A-Za-z0-9+/=_-]{4,400}$`)
)

// validPath accepts the vendor's path grammar (stated): "" or segments each ending in "/",
// like "foo/bar/", each of one or more letters, digits or .,+@=_-. It refuses the segments
// "." and ".." (inferred: the stated character set admits them, but they are the forms a
// path service refuses as traversal) and, as the grammar does, "/" alone, "//" and a path
// without its final "/".
func validPath(p string) bool {
	if p == "" {
		return true
	}
	if len(p) > MaxPathLen || !rePath.MatchString(p) {
		return false
	}
	for _, seg := range strings.Split(strings.TrimSuffix(p, "/"), "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

func runeLen(s string) int { return len([]rune(s)) }

// page is one page of a list.
type page struct {
	start, end int    // the slice of items on the page
	next       string // the next marker, "" on the last page
}

// paginate pages items ordered by increasing keys. A marker is the key of the last item of
// the previous page, base64-encoded; the next page holds the items with greater keys.
func paginate(r *http.Request, keys []int64, defLimit, maxLimit int, badLimit, badMarker ErrorCode) (page, *apiError) {
	q := r.URL.Query()
	limit := defLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return page{}, fail(badLimit, "limit must be between 1 and %d", maxLimit)
		}
		limit = n
	}
	start := 0
	if m := q.Get("marker"); m != "" {
		key, ok := decodeMarker(m)
		if !ok {
			return page{}, fail(badMarker, "")
		}
		start = len(keys)
		for i, k := range keys {
			if k > key {
				start = i
				break
			}
		}
	}
	end := min(start+limit, len(keys))
	p := page{start: start, end: end}
	if end < len(keys) {
		p.next = encodeMarker(keys[end-1])
	}
	return p, nil
}

func encodeMarker(key int64) string {
	return base64.StdEncoding.EncodeToString([]byte("m:" + strconv.FormatInt(key, 10)))
}

func decodeMarker(m string) (int64, bool) {
	if !reMarkerChars.MatchString(m) {
		return 0, false
	}
	b, err := base64.StdEncoding.DecodeString(m)
	if err != nil || len(b) < 3 || string(b[:2]) != "m:" {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b[2:]), 10, 64)
	return n, err == nil
}

// iamPageInfo is IAM's page_info: next_marker is absent on the last page.
type iamPageInfo struct {
	NextMarker   *string `json:"next_marker,omitempty"`
	CurrentCount int     `json:"current_count"`
}

func newIAMPageInfo(p page) iamPageInfo {
	pi := iamPageInfo{CurrentCount: p.end - p.start}
	if p.next != "" {
		pi.NextMarker = &p.next
	}
	return pi
}

// orgPageInfo is Organizations' page_info: next_marker is null on the last page.
type orgPageInfo struct {
	NextMarker   *string `json:"next_marker"`
	CurrentCount int     `json:"current_count"`
}

func newOrgPageInfo(p page) orgPageInfo {
	pi := orgPageInfo{CurrentCount: p.end - p.start}
	if p.next != "" {
		pi.NextMarker = &p.next
	}
	return pi
}

// fresh reports whether an object created at t is still inside the read-after-write window.
func (s *Server) freshLocked(t time.Time) bool {
	d := s.faults.ReadAfterWriteDelay
	return d > 0 && s.cfg.Now().Sub(t) < d
}

// persistLocked records a write that changed the objects refs name (the state's counter
// and root are always recorded), when there is a state file.
func (s *Server) persistLocked(refs ...objectRef) *apiError {
	if s.store == nil {
		return nil
	}
	if err := s.store.append(s.st, refs); err != nil {
		return fail(errInternal, "writing the state: %v", err)
	}
	return nil
}

// newUUID returns a random UUID-shaped id from the seeded generator.
func (s *Server) newUUIDLocked() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newPolicyIDLocked returns an identity policy id no policy has.
func (s *Server) newPolicyIDLocked() string {
	for {
		if id := s.newUUIDLocked(); s.st.Policies[id] == nil {
			return id
		}
	}
}

// newSCPIDLocked returns an SCP id no SCP has.
func (s *Server) newSCPIDLocked() string {
	for {
		if id := "p-" + s.newHexLocked(32); s.st.SCPs[id] == nil {
			return id
		}
	}
}

// newHexLocked returns n random lower-case hex digits from the seeded generator.
func (s *Server) newHexLocked(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[s.rng.IntN(16)]
	}
	return string(b)
}

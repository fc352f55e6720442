package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// fakeAPI is a small in-memory stand-in for the vendor's IAM v5 and
// Organizations APIs, enough for the client's tests. Every request's
// signature is checked with signer.Verify; faults can be injected.
type fakeAPI struct {
	t     *testing.T
	creds signer.Credentials
	srv   *httptest.Server
	mux   *http.ServeMux

	mu       sync.Mutex
	requests []recorded
	// afterAct, when set, runs (under mu) after a faulted request has acted,
	// before its answer is lost: someone else's change in between.
	afterAct       func()
	verifyFailures []string
	faults         []*fault
	pageSize       int
	nextID         int

	policies    []*Policy
	versions    map[string][]*PolicyVersion
	entities    map[string]map[string]bool // policy id -> "user:u1"
	scps        []*SCP
	scpEntities map[string]map[string]bool
	scpTags     map[string]map[string]string // SCP id -> tags
	roots       []*Root
	listHidden  map[string]int // name -> number of list pages that still hide it
	getHidden   map[string]int // id -> number of GETs that answer 404
}

type recorded struct {
	Method, Path, RawQuery string
	Body                   string
	Header                 http.Header
}

type fault struct {
	match         func(r *http.Request) bool
	times         int    // matching requests affected
	skip          int    // matching requests let through before the fault applies
	status        int    // answer this status without acting
	body          string // body for status answers
	retryAfter    string
	dropAfterAct  bool          // act, then drop the connection without an answer
	dropBefore    bool          // drop the connection without acting
	delayAfterAct time.Duration // act, then wait before answering
	cutBody       bool          // act, then send the status line, headers and half the body, and close
	// replaceBody: act, then answer with the real 2xx status and this body instead.
	replaceBody *string
}

func newFake(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{
		t:           t,
		creds:       signer.Credentials{AccessKey: "AKTEST", SecretKey: "SECRET-KEY-VALUE-123", SecurityToken: "SECURITY-TOKEN-VALUE-456", DomainID: "domain-1"},
		pageSize:    2,
		versions:    map[string][]*PolicyVersion{},
		entities:    map[string]map[string]bool{},
		scpEntities: map[string]map[string]bool{},
		scpTags:     map[string]map[string]string{},
		listHidden:  map[string]int{},
		getHidden:   map[string]int{},
		roots:       []*Root{{ID: "r-root1", Name: "Root", URN: "organizations::acc:root:o-1/r-root1", PolicyTypes: []PolicyTypeSummary{}}},
	}
	f.mux = http.NewServeMux()
	f.routes()
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) client(t *testing.T, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		IAMEndpoint:           f.srv.URL,
		OrganizationsEndpoint: f.srv.URL + "/",
		Credentials:           f.creds,
		MaxRetries:            4,
		MinBackoff:            time.Millisecond,
		MaxBackoff:            5 * time.Millisecond,
		ReadAfterWriteTimeout: 2 * time.Second,
		RequestTimeout:        5 * time.Second,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeAPI) addFault(fl *fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fl)
}

func match(method, path string) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method == method && (path == "" || r.URL.Path == path || (strings.HasSuffix(path, "*") && strings.HasPrefix(r.URL.Path, strings.TrimSuffix(path, "*"))))
	}
}

func (f *fakeAPI) count(method, path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	m := match(method, path)
	for _, r := range f.requests {
		req := &http.Request{Method: r.Method}
		req.URL = &url.URL{Path: r.Path}
		if m(req) {
			n++
		}
	}
	return n
}

// first returns the first request recorded with this method.
func (f *fakeAPI) first(method string) recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		if r.Method == method {
			return r
		}
	}
	f.t.Fatalf("no %s request", method)
	return recorded{}
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	secretFor := func(ak string) (string, bool) {
		if ak == f.creds.AccessKey {
			return f.creds.SecretKey, true
		}
		return "", false
	}
	f.mu.Lock()
	f.requests = append(f.requests, recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: string(body), Header: r.Header.Clone()})
	if err := signer.Verify(r, body, secretFor, time.Now(), 15*time.Minute); err != nil {
		f.verifyFailures = append(f.verifyFailures, r.Method+" "+r.URL.Path+": "+err.Error())
		f.mu.Unlock()
		ve, ok := err.(*signer.VerifyError)
		if !ok {
			f.t.Errorf("signer.Verify returned %T, not *signer.VerifyError: %v", err, err)
			apiErr(w, 500, "FAKE.0500", err.Error())
			return
		}
		writeJSON(w, ve.StatusCode, map[string]any{"error_code": ve.Code, "error_msg": ve.Message, "request_id": "req-auth"})
		return
	}
	if r.Header.Get("X-Domain-Id") != f.creds.DomainID || r.Header.Get("X-Security-Token") != f.creds.SecurityToken {
		f.verifyFailures = append(f.verifyFailures, "missing X-Domain-Id or X-Security-Token")
	}
	var fl *fault
	for _, cand := range f.faults {
		if cand.times > 0 && cand.match(r) {
			if cand.skip > 0 {
				cand.skip--
				continue
			}
			cand.times--
			fl = cand
			break
		}
	}
	f.mu.Unlock()

	if fl != nil {
		switch {
		case fl.dropBefore:
			drop(w)
			return
		case fl.status != 0:
			if fl.retryAfter != "" {
				w.Header().Set("Retry-After", fl.retryAfter)
			}
			b := fl.body
			if b == "" {
				b = fmt.Sprintf(`{"error_code":"APIGW.%04d","error_msg":"injected %d","request_id":"req-fault"}`, fl.status, fl.status)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(fl.status)
			_, _ = io.WriteString(w, b) // a failed write means the client went away; no one to tell
			return
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, r)
	if fl != nil && f.afterAct != nil {
		f.mu.Lock()
		f.afterAct()
		f.mu.Unlock()
	}
	if fl != nil && fl.delayAfterAct > 0 {
		time.Sleep(fl.delayAfterAct)
	}
	if fl != nil && fl.dropAfterAct {
		drop(w)
		return
	}
	if fl != nil && fl.cutBody {
		cut(w, rec)
		return
	}
	if fl != nil && fl.replaceBody != nil && rec.Code/100 == 2 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = io.WriteString(w, *fl.replaceBody) // a failed write means the client went away
		return
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes()) // a failed write means the client went away; no one to tell
}

// cut writes the recorded answer with its full Content-Length but only half
// of its body, then closes the connection.
func cut(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	body := rec.Body.Bytes()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", rec.Code, http.StatusText(rec.Code), len(body))
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-"+strconv.Itoa(status))
	w.WriteHeader(status)
	if v != nil {
		// The fake's values always encode, so an error is a failed write to a client that
		// went away; there is no one to tell.
		_ = json.NewEncoder(w).Encode(v)
	}
}

// readJSON decodes the request body into v. A body that does not decode is answered 400
// with the service's invalid-parameter error, and readJSON returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	err := json.NewDecoder(r.Body).Decode(v)
	if err == nil {
		return true
	}
	if strings.Contains(r.URL.Path, "/v1/organizations/") {
		writeJSON(w, 400, map[string]any{"error_code": "Organizations.1200", "error_msg": "Invalid parameter."})
	} else {
		apiErr(w, 400, "PAP5.0014", "invalid parameter: "+err.Error())
	}
	return false
}

func apiErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error_code": code, "error_msg": msg, "request_id": "req-err"})
}

func (f *fakeAPI) newID(prefix string) string {
	f.nextID++
	return fmt.Sprintf("%s-%04d", prefix, f.nextID)
}

// page returns the items of a page and the next marker (an item id).
func page[T any](items []T, id func(T) string, marker string, size int) ([]T, string, bool) {
	start := 0
	if marker != "" {
		start = -1
		for i, it := range items {
			if id(it) == marker {
				start = i
			}
		}
		if start < 0 {
			return nil, "", false
		}
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = id(items[end])
	}
	return items[start:end], next, true
}

func (f *fakeAPI) routes() {
	m := f.mux
	// ---- IAM v5 ----
	m.HandleFunc("POST /v5/policies", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			PolicyName     string  `json:"policy_name"`
			PolicyDocument string  `json:"policy_document"`
			Path           *string `json:"path"`
			Description    string  `json:"description"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.PolicyName == "" || in.PolicyDocument == "" {
			apiErr(w, 400, "PAP5.0014", "invalid parameter")
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, p := range f.policies {
			if p.PolicyName == in.PolicyName {
				apiErr(w, 409, "PAP5.0017", "policy name already exists")
				return
			}
		}
		path := "/"
		if in.Path != nil {
			path = *in.Path
		}
		p := &Policy{PolicyID: f.newID("p"), PolicyName: in.PolicyName, PolicyType: "custom", Path: path, Description: in.Description,
			DefaultVersionID: "v1", URN: "iam::domain-1:policy:" + in.PolicyName, CreatedAt: "2024-01-01T00:00:00Z", UpdatedAt: "2024-01-01T00:00:00Z"}
		f.policies = append(f.policies, p)
		f.versions[p.PolicyID] = []*PolicyVersion{{Document: in.PolicyDocument, VersionID: "v1", IsDefault: true, CreatedAt: p.CreatedAt}}
		writeJSON(w, 201, map[string]any{"policy": p})
	})
	m.HandleFunc("GET /v5/policies", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var vis []*Policy
		for _, p := range f.policies {
			if f.listHidden[p.PolicyName] > 0 {
				f.listHidden[p.PolicyName]--
				continue
			}
			if t := r.URL.Query().Get("policy_type"); t != "" && p.PolicyType != t {
				continue
			}
			vis = append(vis, p)
		}
		items, next, ok := page(vis, func(p *Policy) string { return p.PolicyID }, r.URL.Query().Get("marker"), f.pageSize)
		if !ok {
			apiErr(w, 400, "PAP5.0010", "invalid marker")
			return
		}
		pi := map[string]any{"current_count": len(items)}
		if next != "" {
			pi["next_marker"] = next
		}
		writeJSON(w, 200, map[string]any{"policies": items, "page_info": pi})
	})
	m.HandleFunc("GET /v5/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		id := r.PathValue("id")
		if f.getHidden[id] > 0 {
			f.getHidden[id]--
			apiErr(w, 404, "PAP5.0015", "policy not found")
			return
		}
		p := f.policy(id)
		if p == nil {
			apiErr(w, 404, "PAP5.0015", "policy not found")
			return
		}
		writeJSON(w, 200, map[string]any{"policy": p})
	})
	m.HandleFunc("PUT /v5/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]*string
		if !readJSON(w, r, &in) {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		p := f.policy(r.PathValue("id"))
		if p == nil {
			apiErr(w, 404, "PAP5.0015", "policy not found")
			return
		}
		if in["description"] == nil {
			apiErr(w, 400, "PAP5.0014", "description is required")
			return
		}
		p.Description = *in["description"]
		w.WriteHeader(204)
	})
	m.HandleFunc("DELETE /v5/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		id := r.PathValue("id")
		for i, p := range f.policies {
			if p.PolicyID == id {
				f.policies = append(f.policies[:i], f.policies[i+1:]...)
				w.WriteHeader(204)
				return
			}
		}
		apiErr(w, 404, "PAP5.0015", "policy not found")
	})
	m.HandleFunc("POST /v5/policies/{id}/versions", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			PolicyDocument string `json:"policy_document"`
			SetAsDefault   bool   `json:"set_as_default"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		p := f.policy(r.PathValue("id"))
		if p == nil {
			apiErr(w, 404, "PAP5.0015", "policy not found")
			return
		}
		vs := f.versions[p.PolicyID]
		if len(vs) >= 5 {
			apiErr(w, 409, "PAP5.0028", "versions per policy limit exceeded")
			return
		}
		maxN := 0
		for _, v := range vs {
			maxN = max(maxN, versionNumber(v.VersionID))
		}
		v := &PolicyVersion{Document: in.PolicyDocument, VersionID: "v" + strconv.Itoa(maxN+1), CreatedAt: "2024-01-02T00:00:00Z"}
		if in.SetAsDefault {
			for _, o := range vs {
				o.IsDefault = false
			}
			v.IsDefault = true
			p.DefaultVersionID = v.VersionID
		}
		f.versions[p.PolicyID] = append(vs, v)
		writeJSON(w, 201, map[string]any{"policy_version": v})
	})
	m.HandleFunc("GET /v5/policies/{id}/versions", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		items, next, _ := page(f.versions[r.PathValue("id")], func(v *PolicyVersion) string { return v.VersionID }, r.URL.Query().Get("marker"), f.pageSize)
		writeJSON(w, 200, map[string]any{"versions": items, "page_info": map[string]any{"next_marker": next, "current_count": len(items)}})
	})
	m.HandleFunc("GET /v5/policies/{id}/versions/{vid}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, v := range f.versions[r.PathValue("id")] {
			if v.VersionID == r.PathValue("vid") {
				writeJSON(w, 200, map[string]any{"policy_version": v})
				return
			}
		}
		apiErr(w, 404, "PAP5.0015", "policy version not found")
	})
	m.HandleFunc("DELETE /v5/policies/{id}/versions/{vid}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		vs := f.versions[r.PathValue("id")]
		for i, v := range vs {
			if v.VersionID == r.PathValue("vid") {
				if v.IsDefault {
					apiErr(w, 409, "PAP5.0019", "cannot delete the default version")
					return
				}
				f.versions[r.PathValue("id")] = append(vs[:i], vs[i+1:]...)
				w.WriteHeader(204)
				return
			}
		}
		apiErr(w, 404, "PAP5.0015", "policy version not found")
	})
	m.HandleFunc("POST /v5/policies/{id}/versions/{vid}/set-default", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		p := f.policy(r.PathValue("id"))
		found := false
		for _, v := range f.versions[r.PathValue("id")] {
			v.IsDefault = v.VersionID == r.PathValue("vid")
			found = found || v.IsDefault
		}
		if p == nil || !found {
			apiErr(w, 404, "PAP5.0015", "policy version not found")
			return
		}
		p.DefaultVersionID = r.PathValue("vid")
		w.WriteHeader(204)
	})
	for _, verb := range []string{"attach", "detach"} {
		for _, pt := range []string{"user", "group", "agency"} {
			m.HandleFunc("POST /v5/policies/{id}/"+verb+"-"+pt, func(w http.ResponseWriter, r *http.Request) {
				var in map[string]string
				if !readJSON(w, r, &in) {
					return
				}
				pid := in[pt+"_id"]
				f.mu.Lock()
				defer f.mu.Unlock()
				id := r.PathValue("id")
				if f.policy(id) == nil || pid == "" {
					apiErr(w, 404, "PAP5.0015", "policy not found")
					return
				}
				if f.entities[id] == nil {
					f.entities[id] = map[string]bool{}
				}
				key := pt + ":" + pid
				if verb == "attach" {
					if f.entities[id][key] {
						apiErr(w, 409, "PAP5.0099", "already attached")
						return
					}
					f.entities[id][key] = true
				} else {
					if !f.entities[id][key] {
						apiErr(w, 404, "PAP5.0015", "policy not attached")
						return
					}
					delete(f.entities[id], key)
				}
				w.WriteHeader(204)
			})
		}
	}
	m.HandleFunc("GET /v5/policies/{id}/attached-entities", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var keys []string
		for k := range f.entities[r.PathValue("id")] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := map[string][]map[string]string{"policy_users": {}, "policy_groups": {}, "policy_agencies": {}}
		et := r.URL.Query().Get("entity_type")
		for _, k := range keys {
			t, id, _ := strings.Cut(k, ":")
			if et != "" && et != t {
				continue
			}
			coll := map[string]string{"user": "policy_users", "group": "policy_groups", "agency": "policy_agencies"}[t]
			out[coll] = append(out[coll], map[string]string{t + "_id": id, "attached_at": "2024-01-01T00:00:00Z"})
		}
		writeJSON(w, 200, map[string]any{"policy_users": out["policy_users"], "policy_groups": out["policy_groups"], "policy_agencies": out["policy_agencies"], "page_info": map[string]any{"current_count": len(keys)}})
	})
	m.HandleFunc("GET /v5/users/{uid}/attached-policies", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var out []AttachedPolicy
		for _, p := range f.policies {
			if f.entities[p.PolicyID]["user:"+r.PathValue("uid")] {
				out = append(out, AttachedPolicy{PolicyID: p.PolicyID, PolicyName: p.PolicyName, URN: p.URN, AttachedAt: "2024-01-01T00:00:00Z"})
			}
		}
		writeJSON(w, 200, map[string]any{"attached_policies": out, "page_info": map[string]any{"next_marker": nil}})
	})

	// ---- Organizations ----
	m.HandleFunc("POST /v1/organizations/policies", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Name, Content, Type, Description string
			Tags                             []map[string]string
		}
		if !readJSON(w, r, &in) {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if in.Type != PolicyTypeServiceControl || in.Name == "" {
			writeJSON(w, 400, map[string]any{"error_code": "Organizations.1200", "error_msg": "Invalid parameter."})
			return
		}
		for _, s := range f.scps {
			if s.Name == in.Name {
				writeJSON(w, 409, map[string]any{"error_code": "Organizations.1204", "error_msg": "A policy with the same name already exists."})
				return
			}
		}
		s := &SCP{ID: f.newID("p"), Name: in.Name, Type: in.Type, Description: in.Description, Content: in.Content, URN: "organizations::acc:policy:o-1/service_control_policy/" + in.Name}
		f.scps = append(f.scps, s)
		f.scpTags[s.ID] = map[string]string{}
		for _, t := range in.Tags {
			f.scpTags[s.ID][t["key"]] = t["value"]
		}
		writeJSON(w, 201, map[string]any{"policy": scpJSON(s)})
	})
	m.HandleFunc("GET /v1/organizations/resources/{id}/tags", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		tags, ok := f.scpTags[r.PathValue("id")]
		if !ok {
			writeJSON(w, 404, map[string]any{"error_code": "Organizations.1203", "error_msg": "Entity not found."})
			return
		}
		out := []map[string]string{}
		for k, v := range tags {
			out = append(out, map[string]string{"key": k, "value": v})
		}
		writeJSON(w, 200, map[string]any{"tags": out, "page_info": map[string]any{"next_marker": nil}})
	})
	m.HandleFunc("GET /v1/organizations/policies", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		all := append([]*SCP{{ID: "p-FullAccess", Name: "FullAccess", Type: PolicyTypeServiceControl, IsBuiltin: true}, {ID: "p-tag", Name: "tags", Type: PolicyTypeTag}}, f.scps...)
		var vis []*SCP
		for _, s := range all {
			if f.listHidden[s.Name] > 0 {
				f.listHidden[s.Name]--
				continue
			}
			vis = append(vis, s)
		}
		items, next, _ := page(vis, func(s *SCP) string { return s.ID }, r.URL.Query().Get("marker"), f.pageSize)
		var sums []any
		for _, s := range items {
			sums = append(sums, scpJSON(s)["policy_summary"])
		}
		writeJSON(w, 200, map[string]any{"policies": sums, "page_info": map[string]any{"next_marker": next, "current_count": len(items)}})
	})
	m.HandleFunc("GET /v1/organizations/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if s := f.scp(r.PathValue("id")); s != nil {
			writeJSON(w, 200, map[string]any{"policy": scpJSON(s)})
			return
		}
		writeJSON(w, 404, map[string]any{"error_code": "Organizations.1202", "error_msg": "Policy not found."})
	})
	m.HandleFunc("PATCH /v1/organizations/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]*string
		if !readJSON(w, r, &in) {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		s := f.scp(r.PathValue("id"))
		if s == nil {
			writeJSON(w, 404, map[string]any{"error_code": "Organizations.1202", "error_msg": "Policy not found."})
			return
		}
		if v := in["name"]; v != nil {
			s.Name = *v
		}
		if v := in["description"]; v != nil {
			s.Description = *v
		}
		if v := in["content"]; v != nil {
			s.Content = *v
		}
		writeJSON(w, 200, map[string]any{"policy": scpJSON(s)})
	})
	m.HandleFunc("DELETE /v1/organizations/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		for i, s := range f.scps {
			if s.ID == r.PathValue("id") {
				f.scps = append(f.scps[:i], f.scps[i+1:]...)
				w.WriteHeader(204)
				return
			}
		}
		writeJSON(w, 404, map[string]any{"error_code": "Organizations.1202", "error_msg": "Policy not found."})
	})
	for _, verb := range []string{"attach", "detach"} {
		m.HandleFunc("POST /v1/organizations/policies/{id}/"+verb, func(w http.ResponseWriter, r *http.Request) {
			var in struct {
				EntityID string `json:"entity_id"`
			}
			if !readJSON(w, r, &in) {
				return
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			id := r.PathValue("id")
			if f.scp(id) == nil || in.EntityID == "" {
				writeJSON(w, 404, map[string]any{"error_code": "Organizations.1202", "error_msg": "Policy not found."})
				return
			}
			if f.scpEntities[id] == nil {
				f.scpEntities[id] = map[string]bool{}
			}
			if verb == "attach" {
				if f.scpEntities[id][in.EntityID] {
					writeJSON(w, 409, map[string]any{"error_code": "Organizations.1206", "error_msg": "Duplicate attachment."})
					return
				}
				f.scpEntities[id][in.EntityID] = true
			} else {
				if !f.scpEntities[id][in.EntityID] {
					writeJSON(w, 404, map[string]any{"error_code": "Organizations.1207", "error_msg": "Attachment not found."})
					return
				}
				delete(f.scpEntities[id], in.EntityID)
			}
			w.WriteHeader(200)
		})
	}
	m.HandleFunc("GET /v1/organizations/policies/{id}/attached-entities", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var ids []string
		for k := range f.scpEntities[r.PathValue("id")] {
			ids = append(ids, k)
		}
		sort.Strings(ids)
		var es []Entity
		for _, id := range ids {
			es = append(es, Entity{ID: id, Name: "n-" + id, Type: "account"})
		}
		items, next, _ := page(es, func(e Entity) string { return e.ID }, r.URL.Query().Get("marker"), f.pageSize)
		writeJSON(w, 200, map[string]any{"attached_entities": items, "page_info": map[string]any{"next_marker": next}})
	})
	m.HandleFunc("POST /v1/organizations/policies/enable", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ PolicyType, RootID string }
		var raw map[string]string
		if !readJSON(w, r, &raw) {
			return
		}
		in.PolicyType, in.RootID = raw["policy_type"], raw["root_id"]
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, root := range f.roots {
			if root.ID == in.RootID {
				if root.PolicyTypeStatus(in.PolicyType) != "" {
					writeJSON(w, 409, map[string]any{"error_code": "Organizations.1300", "error_msg": "Policy type already enabled."})
					return
				}
				root.PolicyTypes = append(root.PolicyTypes, PolicyTypeSummary{Type: in.PolicyType, Status: PolicyTypeStatusPendingEnable})
				writeJSON(w, 202, map[string]any{"root": root})
				return
			}
		}
		writeJSON(w, 404, map[string]any{"error_code": "Organizations.1203", "error_msg": "Entity not found."})
	})
	m.HandleFunc("GET /v1/organizations/roots", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		writeJSON(w, 200, map[string]any{"roots": f.roots, "page_info": map[string]any{"current_count": len(f.roots)}})
		// Pending states settle after one read.
		for _, root := range f.roots {
			for i := range root.PolicyTypes {
				if root.PolicyTypes[i].Status == PolicyTypeStatusPendingEnable {
					root.PolicyTypes[i].Status = PolicyTypeStatusEnabled
				}
			}
		}
	})
}

func scpJSON(s *SCP) map[string]any {
	return map[string]any{"content": s.Content, "policy_summary": map[string]any{
		"id": s.ID, "urn": s.URN, "name": s.Name, "type": s.Type, "description": s.Description, "is_builtin": s.IsBuiltin}}
}

func (f *fakeAPI) policy(id string) *Policy {
	for _, p := range f.policies {
		if p.PolicyID == id {
			return p
		}
	}
	return nil
}

func (f *fakeAPI) scp(id string) *SCP {
	for _, s := range f.scps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (f *fakeAPI) checkSignatures(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.verifyFailures {
		t.Errorf("server-side signature check failed: %s", e)
	}
}

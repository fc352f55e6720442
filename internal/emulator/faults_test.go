package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestFailRateAnswersBeforeActing(t *testing.T) {
	e := start(t, Config{Faults: Faults{FailRate: 1, RetryAfter: 1500 * time.Millisecond}})
	seen := map[int]bool{}
	for i := range 30 {
		r := e.do("POST", "/v5/policies", create(fmt.Sprintf("p%d", i), allowDoc))
		seen[r.status] = true
		want := map[int]string{429: "APIGW.0308", 500: errInternal.Code, 503: errUnavailable.Code}[r.status]
		if want == "" || r.code() != want {
			t.Fatalf("status %d code %q: %s", r.status, r.code(), r.raw)
		}
		if ra := r.header.Get("Retry-After"); (r.status == 500) != (ra == "") || (ra != "" && ra != "2") {
			t.Fatalf("status %d with Retry-After %q", r.status, ra)
		}
	}
	if !seen[429] || !seen[500] || !seen[503] {
		t.Fatalf("statuses seen: %v", seen)
	}
	if n := len(e.srv.Policies()); n != 0 {
		t.Fatalf("%d policies created by failed requests", n)
	}
	if s := e.srv.Stats(); s.Failed != 30 {
		t.Fatalf("stats %+v", s)
	}
	e.srv.SetFaults(Faults{})
	e.must(200, "POST", "/v5/policies", create("after", allowDoc))
}

// statuses sends the same requests to an emulator and returns the statuses.
func statuses(t *testing.T, seed int64) []int {
	e := start(t, Config{Seed: seed, Faults: Faults{FailRate: 0.4}})
	var out []int
	for range 40 {
		out = append(out, e.do("GET", "/v5/policies", nil).status)
	}
	return out
}

func TestFaultsAreReproducible(t *testing.T) {
	a, b, c := statuses(t, 7), statuses(t, 7), statuses(t, 8)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if slices.Equal(a, c) {
		t.Fatalf("different seeds, same faults: %v", a)
	}
	failed := 0
	for _, s := range a {
		if s != 200 {
			failed++
		}
	}
	if failed < 5 || failed > 30 {
		t.Fatalf("%d of 40 failed at rate 0.4", failed)
	}
}

func TestDropAfterActing(t *testing.T) {
	e := start(t, Config{Faults: Faults{DropRate: 1}})
	req, _ := e.request("POST", "/v5/policies", create("dropped", allowDoc))
	if r, err := e.trySend(req); err == nil {
		t.Fatalf("answer %d despite the drop: %s", r.status, r.raw)
	}
	req, _ = e.request("POST", "/v1/organizations/policies", scpBody("dropped-scp", scpDoc))
	if _, err := e.trySend(req); err == nil {
		t.Fatal("SCP create answered despite the drop")
	}
	if s := e.srv.Stats(); s.Dropped != 2 {
		t.Fatalf("stats %+v", s)
	}
	e.srv.SetFaults(Faults{})
	// The server acted: the objects exist, once.
	r := e.must(200, "GET", "/v5/policies?policy_type=custom", nil)
	if n := len(list(r.body, "policies")); n != 1 || str(r.body, "policies", 0, "policy_name") != "dropped" {
		t.Fatalf("policies after the drop: %s", r.raw)
	}
	if _, ok := e.srv.SCPByName("dropped-scp"); !ok {
		t.Fatal("the dropped SCP create did not act")
	}
	// A blind retry of the create finds the name taken.
	r = e.must(409, "POST", "/v5/policies", create("dropped", allowDoc))
	if r.code() != "PAP5.0017" {
		t.Fatalf("code %s", r.code())
	}
}

func TestDropRateIsPartial(t *testing.T) {
	e := start(t, Config{Seed: 3, Faults: Faults{DropRate: 0.3}})
	dropped := 0
	for i := range 40 {
		req, _ := e.request("POST", "/v5/policies", create(fmt.Sprintf("p%d", i), allowDoc))
		if _, err := e.trySend(req); err != nil {
			dropped++
		}
	}
	if dropped == 0 || dropped == 40 {
		t.Fatalf("%d of 40 dropped", dropped)
	}
	if s := e.srv.Stats(); s.Dropped != dropped {
		t.Fatalf("stats %+v, client saw %d drops", s, dropped)
	}
	if n := len(e.srv.Policies()); n != 40 {
		t.Fatalf("%d policies, want 40 (drops happen after acting)", n)
	}
}

func TestReadAfterWriteDelay(t *testing.T) {
	e := start(t, Config{SCPEnabled: true, Faults: Faults{ReadAfterWriteDelay: time.Minute}})
	pid := createPolicy(e, "fresh")
	sid := createSCP(e, "fresh-scp")
	for _, path := range []string{
		"/v5/policies/" + pid, "/v5/policies/" + pid + "/versions", "/v5/policies/" + pid + "/versions/v1",
		"/v5/policies/" + pid + "/attached-entities",
		"/v1/organizations/policies/" + sid, "/v1/organizations/policies/" + sid + "/attached-entities",
	} {
		if r := e.do("GET", path, nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s while fresh: %d %s", path, r.status, r.raw)
		}
	}
	// Lists and writes see the new objects.
	r := e.must(200, "GET", "/v5/policies?policy_type=custom", nil)
	if len(list(r.body, "policies")) != 1 {
		t.Errorf("list while fresh: %s", r.raw)
	}
	e.must(200, "POST", "/v5/policies/"+pid+"/attach-user", map[string]any{"user_id": "u1"})
	e.must(200, "POST", "/v1/organizations/policies/"+sid+"/attach", map[string]any{"entity_id": DefaultRootID})
	// The built-in FullAccess is never fresh.
	e.must(200, "GET", "/v1/organizations/policies/"+FullAccessID, nil)

	e.clock.Advance(time.Minute)
	e.must(200, "GET", "/v5/policies/"+pid, nil)
	e.must(200, "GET", "/v1/organizations/policies/"+sid, nil)
}

// OnCreate sees each create with its kind, name and count (ignoring case), and its answer
// is applied: a fault before acting, a drop after acting, a replaced 2xx body.
func TestOnCreateHook(t *testing.T) {
	var seen []CreateRequest
	var thenSawPolicy bool
	var e *testEnv
	srvOf := func() *Server { return e.srv }
	e = start(t, Config{Faults: Faults{OnCreate: func(c CreateRequest) CreateFault {
		seen = append(seen, c)
		switch {
		case c.Name == "refused" && c.N == 1:
			return CreateFault{Status: http.StatusServiceUnavailable}
		case c.Name == "dropped":
			return CreateFault{Drop: true}
		case c.Name == "blank":
			return CreateFault{Replace: true, Body: `{"policy":null}`, Then: func() { thenSawPolicy = len(srvOf().Policies()) == 2 }}
		}
		return CreateFault{}
	}}})
	r := e.do("POST", "/v5/policies", create("refused", allowDoc))
	if r.status != 503 || len(e.srv.Policies()) != 0 {
		t.Fatalf("the first create of refused: %d %s, %d policies", r.status, r.raw, len(e.srv.Policies()))
	}
	e.must(200, "POST", "/v5/policies", create("REFUSED", allowDoc)) // the second of that name
	req, _ := e.request("POST", "/v1/organizations/policies", scpBody("dropped", scpDoc))
	if _, err := e.trySend(req); err == nil {
		t.Fatal("the SCP create was answered despite Drop")
	}
	if _, ok := e.srv.SCPByName("dropped"); !ok {
		t.Fatal("the dropped SCP create did not act")
	}
	r = e.must(200, "POST", "/v5/policies", create("blank", allowDoc))
	if string(r.raw) != `{"policy":null}` {
		t.Fatalf("answer %s, want the replaced body", r.raw)
	}
	if _, ok := e.srv.PolicyByName("blank"); !ok || !thenSawPolicy {
		t.Fatalf("the create whose answer was replaced did not act before Then (Then saw it: %v)", thenSawPolicy)
	}
	want := []CreateRequest{{KindIdentityPolicy, "refused", 1}, {KindIdentityPolicy, "REFUSED", 2}, {KindSCP, "dropped", 1}, {KindIdentityPolicy, "blank", 1}}
	if !slices.Equal(seen, want) {
		t.Fatalf("OnCreate saw %v, want %v", seen, want)
	}
	if s := e.srv.Stats(); s.Failed != 1 || s.Dropped != 1 {
		t.Fatalf("stats %+v", s)
	}
}

// NoDrop spares the listed requests from DropRate.
func TestNoDrop(t *testing.T) {
	e := start(t, Config{Faults: Faults{DropRate: 1, NoDrop: []string{"POST /v5/policies"}}})
	e.must(200, "POST", "/v5/policies", create("kept", allowDoc))
	req, _ := e.request("POST", "/v1/organizations/policies", scpBody("dropped", scpDoc))
	if _, err := e.trySend(req); err == nil {
		t.Fatal("the SCP create was answered despite DropRate 1")
	}
}

package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

func TestStateFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	cfg := Config{StatePath: path}
	e := start(t, cfg)
	pid := createPolicy(e, "kept")
	e.must(200, "POST", "/v5/policies/"+pid+"/versions", map[string]any{"policy_document": denyDoc, "set_as_default": true})
	e.must(200, "POST", "/v5/policies/"+pid+"/attach-group", map[string]any{"group_id": "g1"})
	createPolicy(e, "gone")
	gone, _ := e.srv.PolicyByName("gone")
	e.must(204, "DELETE", "/v5/policies/"+gone.ID, nil)
	sid := createSCP(e, "kept-scp")
	enableSCPs(e)
	e.must(200, "POST", "/v1/organizations/policies/"+sid+"/attach", map[string]any{"entity_id": "acct-1"})

	// The file is valid JSON and only it and its journal are left in the directory.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var anyJSON map[string]any
	if err := json.Unmarshal(b, &anyJSON); err != nil {
		t.Fatalf("state file: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || entries[0].Name() != "state.json" || entries[1].Name() != "state.json.journal" {
		t.Fatalf("files in the state directory: %v", entries)
	}

	// A new emulator on the same file has the same state and carries on from it.
	cfg.AccessKey, cfg.SecretKey, cfg.Now = testAK, testSK, e.clock.Now
	again, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Policies(), e.srv.Policies()) {
		t.Fatalf("policies differ:\n%+v\n%+v", again.Policies(), e.srv.Policies())
	}
	if !reflect.DeepEqual(again.SCPs(), e.srv.SCPs()) {
		t.Fatalf("SCPs differ:\n%+v\n%+v", again.SCPs(), e.srv.SCPs())
	}
	if !reflect.DeepEqual(again.Root(), e.srv.Root()) {
		t.Fatalf("roots differ")
	}
	p, _ := again.Policy(pid)
	if p.DefaultVersionID != "v2" || p.DefaultDocument() != denyDoc || len(p.Attachments) != 1 {
		t.Fatalf("policy after reload: %+v", p)
	}
	e2 := start(t, cfg)
	e2.must(200, "GET", "/v5/policies/"+pid, nil)
	r := e2.must(200, "POST", "/v5/policies/"+pid+"/versions", map[string]any{"policy_document": allowDoc})
	wantField(t, r, "v3", "policy_version", "version_id")
	e2.must(409, "POST", "/v5/policies", create("kept", allowDoc))
	r = e2.must(200, "GET", "/v1/organizations/roots", nil)
	wantField(t, r, "enabled", "roots", 0, "policy_types", 0, "status")
}

func TestStateFileMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if _, err := New(Config{AccessKey: "a", SecretKey: "b", StatePath: path}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{AccessKey: "a", SecretKey: "b", StatePath: path, AccountID: "ffffffffffffffffffffffffffffffff"}); err == nil {
		t.Fatal("a state file of another account was accepted")
	}
	if _, err := New(Config{AccessKey: "a", SecretKey: "b", StatePath: path, RootID: "r-other"}); err == nil {
		t.Fatal("a state file of another root was accepted")
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{AccessKey: "a", SecretKey: "b", StatePath: path}); err == nil {
		t.Fatal("a corrupt state file was accepted")
	}
}

func TestOutOfBandChanges(t *testing.T) {
	e := start(t, Config{SCPEnabled: true})
	pid := createPolicy(e, "p")
	e.must(200, "POST", "/v5/policies/"+pid+"/attach-user", map[string]any{"user_id": "u1"})
	vid, err := e.srv.AddPolicyVersion(pid, denyDoc, true)
	if err != nil || vid != "v2" {
		t.Fatalf("AddPolicyVersion: %s, %v", vid, err)
	}
	r := e.must(200, "GET", "/v5/policies/"+pid, nil)
	wantField(t, r, "v2", "policy", "default_version_id")
	if err := e.srv.SetPolicyDescription(pid, "edited"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.RemovePolicyAttachment(pid, PrincipalUser, "u1"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.RemovePolicy(pid); err != nil {
		t.Fatal(err)
	}
	e.must(404, "GET", "/v5/policies/"+pid, nil)

	sid := createSCP(e, "s")
	e.must(200, "POST", "/v1/organizations/policies/"+sid+"/attach", map[string]any{"entity_id": "acct"})
	content := denyDoc
	if err := e.srv.UpdateSCP(sid, nil, nil, &content); err != nil {
		t.Fatal(err)
	}
	r = e.must(200, "GET", "/v1/organizations/policies/"+sid, nil)
	wantField(t, r, denyDoc, "policy", "content")
	if err := e.srv.RemoveSCPAttachment(sid, "acct"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.RemoveSCP(sid); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.RemoveSCP(FullAccessID); err == nil {
		t.Fatal("FullAccess removed")
	}
	e.must(404, "GET", "/v1/organizations/policies/"+sid, nil)
}

func TestConcurrentRequests(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := start(t, Config{StatePath: path, SCPEnabled: true})
	const workers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*4)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				name := fmt.Sprintf("w%d-p%d", w, i)
				req, _ := e.request("POST", "/v5/policies", create(name, allowDoc))
				r, err := e.trySend(req)
				if err != nil || r.status != 200 {
					errs <- fmt.Errorf("create %s: %v %d %s", name, err, r.status, r.raw)
					continue
				}
				id := str(r.body, "policy", "policy_id")
				for _, c := range []struct{ method, path string }{
					{"POST", "/v5/policies/" + id + "/attach-user"},
					{"GET", "/v5/policies?limit=3"},
					{"GET", "/v5/users/shared-user-" + fmt.Sprint(w) + "/attached-policies"},
				} {
					req, _ := e.request(c.method, c.path, map[string]any{"user_id": "shared-user-" + fmt.Sprint(w)})
					if c.method == "GET" {
						req, _ = e.request(c.method, c.path, nil)
					}
					if r, err := e.trySend(req); err != nil || r.status != 200 {
						errs <- fmt.Errorf("%s %s: %v %d %s", c.method, c.path, err, r.status, r.raw)
					}
				}
				req, _ = e.request("POST", "/v1/organizations/policies", scpBody("scp-"+name, scpDoc))
				if r, err := e.trySend(req); err != nil || r.status != 201 {
					errs <- fmt.Errorf("create SCP %s: %v %d %s", name, err, r.status, r.raw)
				}
			}
		}()
	}
	// Racing creates of one name: exactly one wins.
	var won, lost int
	var mu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := e.request("POST", "/v5/policies", create("contested", allowDoc))
			r, err := e.trySend(req)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs <- err
			case r.status == 200:
				won++
			case r.status == 409:
				lost++
			default:
				errs <- fmt.Errorf("contested: %d %s", r.status, r.raw)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if won != 1 || lost != workers-1 {
		t.Fatalf("contested create: %d won, %d lost", won, lost)
	}
	if n := len(e.srv.Policies()); n != workers*each+1 {
		t.Fatalf("%d policies", n)
	}
	if n := len(e.srv.PolicyAttachments()); n != workers*each {
		t.Fatalf("%d attachments", n)
	}
	again, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: path, SCPEnabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Policies()) != workers*each+1 || len(again.SCPs()) != workers*each+1 {
		t.Fatalf("state file: %d policies, %d SCPs", len(again.Policies()), len(again.SCPs()))
	}
}

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// stateJSON prints the emulator's whole state, for comparing states.
func stateJSON(t *testing.T, s *Server) []byte {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	return mustJSON(t, s.st)
}

func mustJSON(t *testing.T, st *state) []byte {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// acked is the state after an acknowledged write and where its record ends in the journal.
type acked struct {
	what  string
	state []byte
	end   int64
}

// writeEverything makes every kind of write the emulator has (each API that changes the
// state, and the out-of-band changes of tests) and returns, after each, the state and the
// journal's length.
func writeEverything(t *testing.T, e *testEnv) []acked {
	t.Helper()
	var out []acked
	note := func(what string) {
		e.srv.mu.Lock()
		end := e.srv.store.size
		e.srv.mu.Unlock()
		out = append(out, acked{what: what, state: stateJSON(t, e.srv), end: end})
	}
	api := func(status int, method, path string, body any) resp {
		t.Helper()
		r := e.must(status, method, path, body)
		note(method + " " + path)
		return r
	}
	a := str(api(200, "POST", "/v5/policies", map[string]any{"policy_name": "a", "policy_document": allowDoc, "path": "team/", "description": "first"}).body, "policy", "policy_id")
	api(204, "PUT", "/v5/policies/"+a, map[string]any{"description": "second"})
	api(200, "POST", "/v5/policies/"+a+"/versions", map[string]any{"policy_document": denyDoc, "set_as_default": true})
	api(200, "POST", "/v5/policies/"+a+"/versions/v1/set-default", nil)
	api(204, "DELETE", "/v5/policies/"+a+"/versions/v2", nil)
	api(200, "POST", "/v5/policies/"+a+"/attach-user", map[string]any{"user_id": "u1"})
	api(200, "POST", "/v5/policies/"+a+"/attach-group", map[string]any{"group_id": "g1"})
	api(200, "POST", "/v5/policies/"+a+"/attach-agency", map[string]any{"agency_id": "a1"})
	api(200, "POST", "/v5/policies/"+a+"/detach-group", map[string]any{"group_id": "g1"})
	b := str(api(200, "POST", "/v5/policies", create("b", allowDoc)).body, "policy", "policy_id")
	api(204, "DELETE", "/v5/policies/"+b, nil)
	s := str(api(201, "POST", "/v1/organizations/policies", scpBody("s", scpDoc)).body, "policy", "policy_summary", "id")
	api(200, "PATCH", "/v1/organizations/policies/"+s, map[string]any{"name": "s2", "description": "d", "content": denyDoc})
	root := e.srv.Config().RootID
	api(202, "POST", "/v1/organizations/policies/enable", map[string]any{"policy_type": "service_control_policy", "root_id": root})
	api(200, "POST", "/v1/organizations/policies/"+s+"/attach", map[string]any{"entity_id": "acct-1"})
	api(200, "POST", "/v1/organizations/policies/"+s+"/detach", map[string]any{"entity_id": "acct-1"})
	api(200, "POST", "/v1/organizations/policies/"+s+"/attach", map[string]any{"entity_id": root})
	tid := str(api(201, "POST", "/v1/organizations/policies", scpBody("t", scpDoc)).body, "policy", "policy_summary", "id")
	api(204, "DELETE", "/v1/organizations/policies/"+tid, nil)
	api(202, "POST", "/v1/organizations/policies/disable", map[string]any{"policy_type": "service_control_policy", "root_id": root})

	oob := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		note(what)
	}
	oob("SetPolicyDescription", e.srv.SetPolicyDescription(a, "third"))
	_, err := e.srv.AddPolicyVersion(a, denyDoc, true)
	oob("AddPolicyVersion", err)
	oob("RemovePolicyAttachment", e.srv.RemovePolicyAttachment(a, PrincipalUser, "u1"))
	content := allowDoc
	oob("UpdateSCP", e.srv.UpdateSCP(s, nil, nil, &content))
	api(202, "POST", "/v1/organizations/policies/enable", map[string]any{"policy_type": "service_control_policy", "root_id": root})
	api(200, "POST", "/v1/organizations/policies/"+s+"/attach", map[string]any{"entity_id": "acct-2"})
	oob("RemoveSCPAttachment", e.srv.RemoveSCPAttachment(s, "acct-2"))
	oob("RemoveSCP", e.srv.RemoveSCP(s))
	oob("RemovePolicy", e.srv.RemovePolicy(a))
	return out
}

// TestJournalCrashAtEveryByte simulates a kill at every point of every write: the journal
// cut at each byte offset must load, holding every write acknowledged before the cut and
// nothing of the write it cuts, and an emulator started on it must carry on.
func TestJournalCrashAtEveryByte(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := start(t, Config{StatePath: path})
	initial := stateJSON(t, e.srv)
	writes := writeEverything(t, e)
	snapshot, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	journal, err := os.ReadFile(journalPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(journal)) != writes[len(writes)-1].end {
		t.Fatalf("journal of %d bytes, the last write ends at %d", len(journal), writes[len(writes)-1].end)
	}

	// Every cut is checked on the functions readState runs once it has read the two files
	// (decodeState, replayJournal), in memory. A journal is read line by line, so a cut
	// inside record k gives the state at the end of record k-1 when that record's torn
	// prefix adds nothing; both are checked, and the last record's cuts are checked whole.
	replay := func(journal []byte) []byte {
		st, err := decodeState(snapshot)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := replayJournal(st, journal); err != nil {
			t.Fatalf("journal of %d bytes: %v", len(journal), err)
		}
		return mustJSON(t, st)
	}
	if got := replay(nil); !bytes.Equal(got, initial) {
		t.Fatalf("the state file alone:\n got %s\nwant %s", got, initial)
	}
	begin := int64(0)
	for k, w := range writes {
		if got := replay(journal[:w.end]); !bytes.Equal(got, w.state) {
			t.Fatalf("journal cut after %s: the state is not the one after it:\n got %s\nwant %s", w.what, got, w.state)
		}
		before := initial
		if k > 0 {
			before = writes[k-1].state
		}
		for cut := begin; cut < w.end; cut++ {
			if recs, err := parseJournal(journal[begin:cut]); err != nil || len(recs) != 0 {
				t.Fatalf("%s cut %d bytes in: %d records, %v; want none (it was never acknowledged)", w.what, cut-begin, len(recs), err)
			}
			if k == len(writes)-1 {
				if got := replay(journal[:cut]); !bytes.Equal(got, before) {
					t.Fatalf("%s cut %d bytes in:\n got %s\nwant %s", w.what, cut-begin, got, before)
				}
			}
		}
		begin = w.end
	}

	// At a cut in the middle of each record, a new emulator started on the files loads,
	// compacts and carries on: a write after the restart is kept by the next restart.
	crash := filepath.Join(t.TempDir(), "state.json")
	prev := int64(0)
	for _, w := range writes {
		cut := (prev + w.end) / 2
		prev = w.end
		writeFile(t, crash, snapshot)
		writeFile(t, journalPath(crash), journal[:cut])
		e2 := start(t, Config{StatePath: crash})
		e2.must(200, "POST", "/v5/policies", create("after-restart", allowDoc))
		after := stateJSON(t, e2.srv)
		e2.srv.Close()
		st, _, err := readState(crash)
		if err != nil || !bytes.Equal(mustJSON(t, st), after) {
			t.Fatalf("restart in the middle of %s, then a write: %v\n got %s\nwant %s", w.what, err, mustJSON(t, st), after)
		}
	}
}

// TestCompactionCrashSafe: the journal is folded into the state file every few writes, and
// a kill at any step of the compaction (a half-written temporary snapshot, or the new
// snapshot in place before the journal is emptied) loads every acknowledged write.
func TestCompactionCrashSafe(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := start(t, Config{StatePath: path})
	e.srv.mu.Lock()
	e.srv.store.every = 4
	e.srv.mu.Unlock()
	for i := range 10 {
		createPolicy(e, "p"+string(rune('a'+i)))
	}
	final := stateJSON(t, e.srv)
	journal, _ := os.ReadFile(journalPath(path))
	recs, err := parseJournal(journal)
	if err != nil || len(recs) != 2 {
		t.Fatalf("after 10 writes compacted every 4, the journal holds %d records (%v), want 2", len(recs), err)
	}
	newSnapshot, _ := os.ReadFile(path)

	// Killed while writing the temporary snapshot: the old files and a partial temporary one.
	crash := filepath.Join(t.TempDir(), "state.json")
	writeFile(t, crash, newSnapshot)
	writeFile(t, journalPath(crash), journal)
	tmp := filepath.Join(filepath.Dir(crash), tempPrefix(crash)+"4242")
	writeFile(t, tmp, newSnapshot[:len(newSnapshot)/2])
	again, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: crash})
	if err != nil {
		t.Fatal(err)
	}
	if got := stateJSON(t, again); !bytes.Equal(got, final) {
		t.Fatalf("killed while writing the snapshot:\n got %s\nwant %s", got, final)
	}
	again.Close()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatalf("the half-written temporary snapshot is still there: %v", err)
	}

	// Killed after the rename, before the journal was emptied: its records replay onto the
	// snapshot that already holds them.
	writeFile(t, crash, final)
	writeFile(t, journalPath(crash), journal)
	st, _, err := readState(crash)
	if err != nil || !bytes.Equal(mustJSON(t, st), final) {
		t.Fatalf("journal replayed onto the new snapshot: %v\n got %s\nwant %s", err, mustJSON(t, st), final)
	}
}

// TestJournalDamage: a damaged record followed by others (acknowledged writes) stops the
// start with an error naming the journal, instead of dropping those writes.
func TestJournalDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := start(t, Config{StatePath: path})
	createPolicy(e, "one")
	createPolicy(e, "two")
	journal, _ := os.ReadFile(journalPath(path))
	damaged := bytes.Replace(journal, []byte(`"one"`), []byte(`"onf"`), 1)
	if bytes.Equal(damaged, journal) {
		t.Fatal("the test did not damage the journal")
	}
	writeFile(t, journalPath(path), damaged)
	_, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: path})
	if err == nil || !strings.Contains(err.Error(), journalPath(path)) || !strings.Contains(err.Error(), "damaged record at byte 0") {
		t.Fatalf("a damaged journal: %v", err)
	}
}

// TestTempFilesRemovedAtStart: the temporary files of a kill -9 during a snapshot are
// removed at start; other files, even with similar names, are left alone.
func TestTempFilesRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := start(t, Config{StatePath: path})
	createPolicy(e, "kept")
	e.srv.Close()
	leftovers := []string{".state.json.tmp-123456789", ".state.json.tmp-7"}
	others := []string{".state.json.tmp-abc", ".state.json.tmp-", ".other.json.tmp-123", "state.json.tmp-1", ".state.json.tmp-12.bak"}
	for _, name := range append(slices.Clone(leftovers), others...) {
		writeFile(t, filepath.Join(dir, name), []byte(`{"format":1,"poli`))
	}
	if err := os.Mkdir(filepath.Join(dir, ".state.json.tmp-99"), 0o700); err != nil {
		t.Fatal(err)
	}
	again, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, ok := again.PolicyByName("kept"); !ok {
		t.Fatal("the state was not loaded")
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := append(slices.Clone(others), ".state.json.tmp-99", "state.json", "state.json.journal")
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("files after start:\n got %v\nwant %v", names, want)
	}
}

// TestRestartDrawsNewIDs: an emulator restarted on its state file gives new policies and
// SCPs ids of their own, instead of drawing its first run's ids again and replacing the
// objects that hold them.
func TestRestartDrawsNewIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	var policies []string
	for run := range 3 {
		e := start(t, Config{StatePath: path})
		policies = append(policies, createPolicy(e, fmt.Sprintf("run%d", run)))
		createSCP(e, fmt.Sprintf("run%d", run))
		e.srv.Close()
	}
	again, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for run := range 3 {
		if p, ok := again.Policy(policies[run]); !ok || p.Name != fmt.Sprintf("run%d", run) {
			t.Errorf("policy of run %d (%s): %+v, %v", run, policies[run], p, ok)
		}
	}
	if n := len(again.Policies()); n != 3 {
		t.Errorf("%d policies after 3 runs, want 3", n)
	}
	if n := len(again.SCPs()); n != 4 {
		t.Errorf("%d SCPs after 3 runs, want 3 and FullAccess", n)
	}
}

// TestRestartKeepsEveryWriteProperty: over generated sequences of writes of every kind
// (many refused: unknown ids, quotas, conflicts), with the journal compacted every few
// writes and the emulator restarted at random points, a restart always loads exactly the
// state the emulator held.
func TestRestartKeepsEveryWriteProperty(t *testing.T) {
	succeeded := map[int]bool{} // the kinds of write that succeeded at least once
	for seed := range 6 {
		rng := rand.New(rand.NewPCG(uint64(seed), 99))
		path := filepath.Join(t.TempDir(), "state.json")
		e := start(t, Config{StatePath: path, MaxSCPsPerTarget: 3})
		restart := func() {
			t.Helper()
			before := stateJSON(t, e.srv)
			e.srv.Close()
			e = start(t, Config{StatePath: path, MaxSCPsPerTarget: 3, Seed: int64(seed)})
			e.srv.mu.Lock()
			// Half the sequences never compact, so that a record missing a changed
			// object is not hidden by a compaction writing the whole state.
			if seed%2 == 1 {
				e.srv.store.every = 1 + rng.IntN(6)
			}
			e.srv.mu.Unlock()
			if after := stateJSON(t, e.srv); !bytes.Equal(before, after) {
				t.Fatalf("seed %d: the restarted state differs:\n got %s\nwant %s", seed, after, before)
			}
		}
		restart()
		pick := func(ids []string) string {
			if len(ids) == 0 || rng.IntN(8) == 0 {
				return "00000000-0000-4000-8000-000000000000"
			}
			return ids[rng.IntN(len(ids))]
		}
		principals := []string{"user", "group", "agency"}
		targets := []string{"acct-1", "acct-2", "ou-1", e.srv.Config().RootID}
		for step := range 150 {
			var policies, scps []string
			for _, p := range e.srv.Policies() {
				policies = append(policies, p.ID)
			}
			for _, sp := range SystemPolicies { // attached and detached; every other write refused
				policies = append(policies, sp.ID)
			}
			for _, p := range e.srv.SCPs() {
				scps = append(scps, p.ID)
			}
			p, s := pick(policies), pick(scps)
			typ := principals[rng.IntN(3)]
			v := fmt.Sprintf("v%d", 1+rng.IntN(4))
			root := e.srv.Config().RootID
			kind := rng.IntN(16)
			do := func(method, path string, body any) {
				if r := e.do(method, path, body); r.status < 300 {
					succeeded[kind] = true
				}
			}
			switch kind {
			case 0, 1:
				do("POST", "/v5/policies", create(fmt.Sprintf("p%d", rng.IntN(40)), allowDoc))
			case 2:
				do("PUT", "/v5/policies/"+p, map[string]any{"description": fmt.Sprint(step)})
			case 3:
				do("POST", "/v5/policies/"+p+"/versions", map[string]any{"policy_document": denyDoc, "set_as_default": rng.IntN(2) == 0})
			case 4:
				do("POST", "/v5/policies/"+p+"/versions/"+v+"/set-default", nil)
			case 5:
				do("DELETE", "/v5/policies/"+p+"/versions/"+v, nil)
			case 6:
				do("POST", "/v5/policies/"+p+"/attach-"+typ, map[string]any{typ + "_id": fmt.Sprintf("%s-%d", typ, rng.IntN(3))})
			case 7:
				do("POST", "/v5/policies/"+p+"/detach-"+typ, map[string]any{typ + "_id": fmt.Sprintf("%s-%d", typ, rng.IntN(3))})
			case 8:
				do("DELETE", "/v5/policies/"+p, nil)
			case 9:
				do("POST", "/v1/organizations/policies", scpBody(fmt.Sprintf("s%d", rng.IntN(20)), scpDoc))
			case 10:
				do("PATCH", "/v1/organizations/policies/"+s, map[string]any{"description": fmt.Sprint(step)})
			case 11:
				do("DELETE", "/v1/organizations/policies/"+s, nil)
			case 12:
				do("POST", "/v1/organizations/policies/"+s+"/attach", map[string]any{"entity_id": targets[rng.IntN(len(targets))]})
			case 13:
				target := targets[rng.IntN(len(targets))]
				if x, ok := e.srv.SCP(s); ok && len(x.Targets) > 0 {
					target = x.Targets[rng.IntN(len(x.Targets))].TargetID
				}
				do("POST", "/v1/organizations/policies/"+s+"/detach", map[string]any{"entity_id": target})
			case 14:
				op := []string{"enable", "disable"}[rng.IntN(2)]
				do("POST", "/v1/organizations/policies/"+op, map[string]any{"policy_type": "service_control_policy", "root_id": root})
			case 15:
				restart()
			}
			if seed < 2 {
				restart() // after every write: a record missing an object shows at once
			}
		}
		restart()
	}
	for kind := range 15 {
		if !succeeded[kind] {
			t.Errorf("no write of kind %d succeeded: the generated sequences do not exercise it", kind)
		}
	}
}

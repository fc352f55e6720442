package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// TestMain lets a test run this binary as the emulator command itself (see
// TestKillMinusNine): with IMSPOLICY_EMULATOR_TEST_AS_MAIN=1 it is main.
func TestMain(m *testing.M) {
	if os.Getenv("IMSPOLICY_EMULATOR_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestKillMinusNine kills the emulator process with SIGKILL while a client keeps writing,
// restarts it on the same state file, and kills it again, a few times: every write it
// answered is there at the end.
func TestKillMinusNine(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	creds := signer.Credentials{AccessKey: "AKKILL", SecretKey: "SKKILL"}
	doc := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`
	var (
		mu    sync.Mutex
		acked []string
	)
	for round := range 4 {
		addrFile := filepath.Join(dir, fmt.Sprintf("addr-%d", round))
		cmd := exec.Command(os.Args[0], "-access-key", creds.AccessKey, "-secret-key", creds.SecretKey,
			"-state", state, "-port-file", addrFile)
		cmd.Env = append(os.Environ(), "IMSPOLICY_EMULATOR_TEST_AS_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var addr []byte
		for range 200 {
			if addr, _ = os.ReadFile(addrFile); len(addr) > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(addr) == 0 {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: the emulator did not start: %s", round, stderr.String())
		}
		url := "http://" + strings.TrimSpace(string(addr))

		// A writer creates policies one after the other until the process is gone.
		hc := &http.Client{Timeout: 5 * time.Second}
		killAfter := 3 + 4*round
		enough := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				name := fmt.Sprintf("r%d-p%d", round, i)
				body, _ := json.Marshal(map[string]string{"policy_name": name, "policy_document": doc})
				req, _ := http.NewRequest("POST", url+"/v5/policies", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if err := signer.Sign(req, body, creds, time.Now()); err != nil {
					return
				}
				resp, err := hc.Do(req)
				if err != nil {
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
				if i+1 == killAfter {
					close(enough)
				}
			}
		}()
		select {
		case <-enough:
		case <-done:
			t.Fatalf("round %d: the writer stopped before %d writes; stderr: %s", round, killAfter, stderr.String())
		}
		// Killed while the writer's next request is on its way or being acted on.
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		<-done
	}

	srv, err := emulator.New(emulator.Config{AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, StatePath: state})
	if err != nil {
		t.Fatalf("the state after 4 kills does not load: %v", err)
	}
	defer srv.Close()
	mu.Lock()
	defer mu.Unlock()
	for _, name := range acked {
		if _, ok := srv.PolicyByName(name); !ok {
			t.Errorf("write %s was answered but is lost", name)
		}
	}
	if n := len(srv.Policies()); n < len(acked) || n > len(acked)+4 {
		t.Fatalf("%d policies after %d answered writes and 4 kills", n, len(acked))
	}
}

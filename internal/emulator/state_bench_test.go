package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// BenchmarkStateWrite measures one acknowledged write (a policy's description changed
// through the API) against a state file holding n identity policies: the cost of a write
// must follow the size of the change, not of the state.
func BenchmarkStateWrite(b *testing.B) {
	for _, n := range []int{10, 1000, 5000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "state.json")
			now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
			seed := newState()
			seed.Account, seed.Root = DefaultAccountID, Root{ID: DefaultRootID, Name: "Root", CreatedAt: now}
			for i := range n {
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
				seed.Policies[id] = &Policy{
					ID: id, Name: fmt.Sprintf("policy-%d", i), URN: "iam::" + DefaultAccountID + ":policy:" + id,
					DefaultVersionID: "v1", NextVersion: 2, Versions: []PolicyVersion{{ID: "v1", Document: allowDoc, CreatedAt: now}},
					CreatedAt: now, UpdatedAt: now, Seq: seed.nextSeq(),
				}
			}
			if err := saveState(path, seed); err != nil {
				b.Fatal(err)
			}
			srv, err := New(Config{AccessKey: testAK, SecretKey: testSK, StatePath: path, Now: func() time.Time { return now }})
			if err != nil {
				b.Fatal(err)
			}
			target := "/v5/policies/00000000-0000-4000-8000-000000000000"
			creds := signer.Credentials{AccessKey: testAK, SecretKey: testSK}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				body := fmt.Appendf(nil, `{"description":"d%d"}`, i)
				req := httptest.NewRequest("PUT", "http://emulator"+target, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if err := signer.Sign(req, body, creds, now); err != nil {
					b.Fatal(err)
				}
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, req)
				if w.Code != http.StatusNoContent {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

package emulator

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// TestPolicyPaths: the emulator refuses, with the service's 400 PAP5.0030, every path the
// vendor's grammar refuses, "../" and the other dot segments included, on create and as a
// list's path_prefix; the paths it accepts are stored as sent.
func TestPolicyPaths(t *testing.T) {
	e := start(t, Config{})
	refused := []string{"../", "./", "a/../", "../a/", "a/./b/", "a/../../", "/", "//", "a//", "/a/", "a", "a/b", "a b/", "ä/", "a/\n"}
	for i, p := range refused {
		r := e.do("POST", "/v5/policies", map[string]any{"policy_name": "refused" + string(rune('a'+i)), "policy_document": allowDoc, "path": p})
		if r.status != 400 || r.code() != errIAMInvalidPath.Code || str(r.body, "request_id") == "" || !strings.Contains(str(r.body, "error_msg"), "invalid path") {
			t.Errorf("path %q: %d %s, want 400 %s in the service's error body", p, r.status, r.raw, errIAMInvalidPath.Code)
		}
		r = e.do("GET", "/v5/policies?path_prefix="+url.QueryEscape(p), nil)
		if r.status != 400 || r.code() != errIAMInvalidPath.Code {
			t.Errorf("path_prefix %q: %d %s, want 400 %s", p, r.status, r.raw, errIAMInvalidPath.Code)
		}
	}
	if n := len(e.srv.Policies()); n != 0 {
		t.Fatalf("%d policies created with refused paths", n)
	}
	for i, p := range []string{"a/", "a.b/", ".a/", "a../", ".../", "team/ims/", "x,+@=_-./y/"} {
		r := e.must(200, "POST", "/v5/policies", map[string]any{"policy_name": "kept" + string(rune('a'+i)), "policy_document": allowDoc, "path": p})
		wantField(t, r, p, "policy", "path")
	}
}

// TestValidPathProperty checks validPath against the grammar read segment by segment, over
// generated strings of path characters.
func TestValidPathProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	const alphabet = "a./,Z9 -"
	for range 20000 {
		b := make([]byte, rng.IntN(9))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		p := string(b)
		if got, want := validPath(p), grammarPath(p); got != want {
			t.Fatalf("validPath(%q) = %v, want %v", p, got, want)
		}
	}
}

// grammarPath is the grammar as words: "" or segments each followed by "/", each segment one
// or more allowed characters and not "." or "..".
func grammarPath(p string) bool {
	if p == "" {
		return true
	}
	if !strings.HasSuffix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(p[:len(p)-1], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for _, c := range seg {
			if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,+@=_-", c) {
				return false
			}
		}
	}
	return true
}

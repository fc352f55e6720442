package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// bigDocument is a policy document of at least size bytes.
func bigDocument(size int) []byte {
	statement := `{"Effect": "Allow", "Action": ["ims:images:list"], "Resource": ["*"]}`
	var b bytes.Buffer
	b.WriteString(`{"Version": "5.0", "Statement": [` + statement)
	for b.Len() < size {
		b.WriteString(",\n  " + statement)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// A file far over any policy's limit is refused with an error naming it, its size and the
// limits, without being read whole (48 MB used to take 1.1 GB), by check and diff-access,
// from a file or from standard input.
func TestInputOverTheCapIsRefused(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A document's start, then NULs to 48 MB: the command must refuse it from its size and
	// start, so what follows them is never looked at (and the file is sparse).
	const size = 48 << 20
	if _, err := f.Write(bigDocument(policy.MaxDocumentBytes + 1)); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args  []string
		stdin io.Reader
		want  string
	}{
		{[]string{"check", big}, nil, "imspolicy check: " + big + ": " + policy.TooLargeMessage(size, false)},
		{[]string{"check", "-"}, io.LimitReader(zeros{}, size), "imspolicy check: -: " + policy.TooLargeMessage(policy.MaxDocumentBytes, true)},
		{[]string{"diff-access", "testdata/clean.json", big}, nil, "imspolicy diff-access: " + big + ": " + policy.TooLargeMessage(size, false)},
		{[]string{"diff-access", "--plan", big}, nil, "imspolicy diff-access: --plan " + big + ": not a plan"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		var exit int
		// Reading it whole would allocate its 48 MB at least.
		if alloc := allocated(func() { exit = Run(c.args, c.stdin, &out, &errOut) }); alloc > 8<<20 {
			t.Errorf("%v allocated %d bytes: the input should be refused before it is read", c.args, alloc)
		}
		if exit != exitUsage || !strings.HasPrefix(errOut.String(), c.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d and a message starting:\n%s", c.args, exit, errOut.String(), exitUsage, c.want)
		}
	}
	if !strings.Contains(policy.TooLargeMessage(1, false), "6144 characters for an identity policy, 5120 for an SCP") {
		t.Errorf("the message does not give the vendor's limits: %s", policy.TooLargeMessage(1, false))
	}
	// help (and so the CI guide, which quotes it) gives the cap as the code has it.
	if want := fmt.Sprintf("a file over %d KiB that is not a plan", policy.MaxDocumentBytes>>10); !strings.Contains(strings.Join(strings.Fields(help), " "), want) {
		t.Errorf("help does not say %q", want)
	}
}

// zeros reads as endless NULs.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// allocated is how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A plan over the cap is read (a stream, policy resources only), whatever the order of
// its members; a document in it far over the limit is a document_too_large finding, not
// parsed, and the others are checked.
func TestLargePlanIsRead(t *testing.T) {
	path, size := writeLargePlan(t, 200)
	if size <= policy.MaxDocumentBytes {
		t.Fatalf("the plan is %d bytes: not over the cap", size)
	}
	stdout, stderr, exit := run(t, []string{"check", path}, "")
	if exit != exitOK || !strings.Contains(stdout, "2 documents, 2 checked") {
		t.Fatalf("exit %d\n%s%s", exit, stdout, stderr)
	}

	// The same plan with its members sorted (jq -S), and one policy far over the limit.
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(src, &p); err != nil {
		t.Fatal(err)
	}
	huge := string(bigDocument(policy.MaxDocumentBytes + 1))
	changes, _ := p["resource_changes"].([]any)
	if len(changes) == 0 {
		t.Fatal("the plan has no resource_changes")
	}
	rc, _ := changes[0].(map[string]any)
	change, _ := rc["change"].(map[string]any)
	after, ok := change["after"].(map[string]any)
	if !ok {
		t.Fatalf("resource_changes[0] has no change.after: %v", rc)
	}
	after["policy"] = huge
	sorted, err := json.Marshal(p) // encoding/json sorts map keys: "applyable" first
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, sorted, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, exit = run(t, []string{"check", "--format", "json", path}, "")
	var r struct {
		Documents []struct {
			Address  string `json:"address"`
			Findings []struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"findings"`
		} `json:"documents"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || exit != ExitFindings || len(r.Documents) != 2 {
		t.Fatalf("exit %d, %v\n%s%s", exit, err, stdout, stderr)
	}
	d := r.Documents[0]
	if d.Address != "imspolicy_identity_policy.r0" || len(d.Findings) != 1 || d.Findings[0].Code != "document_too_large" ||
		!strings.Contains(d.Findings[0].Message, "so it was not read") {
		t.Errorf("the oversized document: %+v", d)
	}
	if len(r.Documents[1].Findings) != 0 {
		t.Errorf("the other document: %+v", r.Documents[1])
	}

	// Text after the plan's object is an error, as it was when plans were read whole.
	if err := os.WriteFile(path, append(sorted, " {}"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, exit := run(t, []string{"check", path}, ""); exit != exitUsage || !strings.Contains(stderr, "unexpected text after the plan's JSON object") {
		t.Errorf("text after the plan: exit %d, %s", exit, stderr)
	}
}

// A plan that is not UTF-8 is refused, with the offset of the bad byte: encoding/json
// would read it as U+FFFD and check something other than what was written.
func TestPlanNotUTF8(t *testing.T) {
	src, err := os.ReadFile("testdata/real-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(src, []byte(`\"ims:*\"`)) + 3
	bad := append(append(append([]byte{}, src[:at]...), 0xc3, 0x28), src[at:]...)
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", path}, {"diff-access", "--plan", path}} {
		_, stderr, exit := run(t, args, "")
		if want := "byte 0xc3 at offset " + strconv.Itoa(at) + " is not UTF-8"; exit != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, stderr %s; want %q", args, exit, stderr, want)
		}
	}
}

// utf8Reader passes UTF-8 through whatever the read sizes, and stops at the first byte
// that is not, with its offset.
func TestUTF8Reader(t *testing.T) {
	valid := []byte("a é 😀 \u2028 end")
	for _, r := range []io.Reader{bytes.NewReader(valid), iotest.OneByteReader(bytes.NewReader(valid)), iotest.HalfReader(bytes.NewReader(valid))} {
		got, err := io.ReadAll(&utf8Reader{r: r})
		if err != nil || !bytes.Equal(got, valid) {
			t.Errorf("got %q, %v", got, err)
		}
	}
	for _, c := range []struct {
		src  string
		want string
	}{
		{"ab\xff", "byte 0xff at offset 2"},
		{"é\xc3\x28", "byte 0xc3 at offset 2"},
		{"ab😀\xf0\x9f", "byte 0xf0 at offset 6"}, // cut short by the end
		{"\x80", "byte 0x80 at offset 0"},
	} {
		for _, r := range []io.Reader{strings.NewReader(c.src), iotest.OneByteReader(strings.NewReader(c.src))} {
			_, err := io.ReadAll(&utf8Reader{r: r})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q: %v, want %q", c.src, err, c.want)
			}
		}
	}
}

// --plan - reads the plan from standard input (it used to look for a file named -).
func TestDiffAccessPlanFromStdin(t *testing.T) {
	src, err := os.ReadFile("testdata/huaweicloud-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	fromFile, _, exitFile := run(t, []string{"diff-access", "--plan", "testdata/huaweicloud-plan.json"}, "")
	fromStdin, stderr, exit := run(t, []string{"diff-access", "--plan", "-"}, string(src))
	if exit != exitFile || strings.ReplaceAll(fromFile, "testdata/huaweicloud-plan.json", "-") != fromStdin {
		t.Errorf("exit %d (from the file %d)\n%s%s\nfrom the file:\n%s", exit, exitFile, fromStdin, stderr, fromFile)
	}
}

package cli

import (
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestDocumentsReadOncePerInput: diff-access parses and checks each input document once at
// most (policy.Counts; a text read before in the process is not read again), whatever the
// purpose: the analyser takes the checked documents and builds its policy sets from them
// without checking again (it used to check each once more, and its allow-all partners of
// an SCP once per question).
func TestDocumentsReadOncePerInput(t *testing.T) {
	for _, args := range [][]string{
		{"diff-access", "testdata/old-readers.json", "testdata/new-readers.json"},
		{"diff-access", "--purpose", "scp", "testdata/scp-deny-only-old.json", "testdata/scp-deny-only-new.json"},
	} {
		parsed, checked := policy.Counts()
		stdout, stderr, exit := run(t, args, "")
		p, c := policy.Counts()
		if exit != ExitFindings {
			t.Fatalf("%q: exit %d\n%s%s", args, exit, stdout, stderr)
		}
		if p-parsed > 2 || c-checked > 2 {
			t.Errorf("%q parsed %d and checked %d documents; want each of the 2 inputs parsed and checked once at most", args, p-parsed, c-checked)
		}
	}
}

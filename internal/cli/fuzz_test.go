package cli

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// Whatever standard input holds, check and diff-access end with one of their exit
// statuses and never panic; every format is written.
func FuzzRunOnInput(f *testing.F) {
	for _, name := range []string{"bad-action.json", "huaweicloud-plan.json", "diff-plan-unknown.json", "state.json", "not-json.txt", "dry-run-plan.json", "wrapper-plan.json", "empty.json"} {
		src, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, name := range []string{"estate/gate/hw-policy-and-attach-plan.json", "estate/gate/hw-new-user-plan.json", "estate/gate/hw-iam.json", "estate/org-move-account-plan.json"} {
		src, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(`{"format_version": "1.2", "resource_changes": [{"type": "huaweicloud_organizations_policy", "mode": "managed", "change": {"actions": ["update"], "after": {"type": 7, "content": null}, "before": [], "after_unknown": true}}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, format := range []string{"text", "json", "sarif"} {
			exit := Run([]string{"check", "--format", format, "-"}, bytes.NewReader(src), io.Discard, io.Discard)
			if exit != exitOK && exit != ExitFindings && exit != exitUsage {
				t.Fatalf("check exit %d", exit)
			}
		}
		plan := t.TempDir() + "/plan.json"
		if err := os.WriteFile(plan, src, 0o644); err != nil {
			t.Fatal(err)
		}
		var errOut strings.Builder
		if exit := Run([]string{"diff-access", "--plan", plan}, nil, io.Discard, &errOut); exit < exitOK || exit > exitUnknown {
			t.Fatalf("diff-access exit %d: %s", exit, errOut.String())
		}
		if exit := Run([]string{"access", "--must-not-allow", "ims:images:share", plan}, nil, io.Discard, &errOut); exit < exitOK || exit > exitUnknown {
			t.Fatalf("access exit %d: %s", exit, errOut.String())
		}
	})
}

func BenchmarkCheckPlan(b *testing.B) {
	for b.Loop() {
		if Run([]string{"check", "--format", "sarif", "testdata/huaweicloud-plan.json"}, nil, io.Discard, io.Discard) != ExitFindings {
			b.Fatal("unexpected exit")
		}
	}
}

func BenchmarkDiffAccessPlan(b *testing.B) {
	for b.Loop() {
		// One policy attached to a group in the same plan: the group gains access.
		if Run([]string{"diff-access", "--plan", "testdata/real-plan.json"}, nil, io.Discard, io.Discard) != ExitFindings {
			b.Fatal("unexpected exit")
		}
	}
}

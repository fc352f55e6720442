package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// fingerprintValue is a SARIF fingerprint in a log.
var fingerprintValue = regexp.MustCompile(`"imspolicyFinding/v1": "[0-9a-f]{32}"`)

var update = flag.Bool("update", false, "rewrite testdata/golden from the command's output")

// goldenCases run the command as CI would, each with the exit status it must give; the
// output (stdout, then stderr) is compared with testdata/golden/<name>.
var goldenCases = []struct {
	name  string
	args  []string
	stdin string
	exit  int
}{
	{"file-text", []string{"check", "testdata/bad-action.json"}, "", ExitFindings},
	{"file-json", []string{"check", "--format", "json", "testdata/bad-action.json"}, "", ExitFindings},
	{"file-sarif", []string{"check", "--format", "sarif", "testdata/bad-action.json"}, "", ExitFindings},
	{"clean-text", []string{"check", "testdata/clean.json"}, "", exitOK},
	{"clean-sarif", []string{"check", "--format=sarif", "testdata/clean.json"}, "", exitOK},
	{"warning-passes", []string{"check", "testdata/warning-only.json"}, "", exitOK},
	{"warning-fails-on-warning", []string{"check", "--fail-on", "warning", "testdata/warning-only.json"}, "", ExitFindings},
	{"warning-ignored", []string{"check", "--fail-on", "warning", "--ignore", "deprecated_action", "testdata/warning-only.json"}, "", exitOK},
	{"scp-purpose", []string{"check", "--purpose", "scp", "testdata/scp-allow-condition.json"}, "", ExitFindings},
	{"identity-purpose", []string{"check", "testdata/scp-allow-condition.json"}, "", exitOK},
	{"stdin", []string{"check", "-"}, `{"Version": "5.0", "Statement": [{"Effect": "allow", "Action": ["ims:images:get"]}]}`, ExitFindings},
	{"not-json", []string{"check", "testdata/not-json.txt"}, "", ExitFindings},
	// Text that is not UTF-8 is refused as a NUL byte is (malformed_json), not checked as U+FFFD.
	{"not-utf8-sid", []string{"check", "testdata/not-utf8-sid.json"}, "", ExitFindings},
	{"not-utf8-value", []string{"check", "--format", "json", "testdata/not-utf8-value.json"}, "", ExitFindings},
	{"plan-text", []string{"check", "testdata/huaweicloud-plan.json"}, "", ExitFindings},
	{"plan-json", []string{"check", "--format", "json", "testdata/huaweicloud-plan.json"}, "", ExitFindings},
	{"plan-sarif", []string{"check", "--format", "sarif", "testdata/huaweicloud-plan.json"}, "", ExitFindings},
	{"plan-planned-values-only", []string{"check", "testdata/planned-values-only.json"}, "", ExitFindings},
	{"plan-without-policies", []string{"check", "testdata/plan-without-policies.json"}, "", exitOK},
	{"real-plan-text", []string{"check", "testdata/real-plan.json"}, "", exitOK},
	{"real-plan-sarif", []string{"check", "--format", "sarif", "--fail-on", "warning", "testdata/real-plan.json"}, "", ExitFindings},
	{"real-plan-strict", []string{"check", "--strict", "--ignore", "deprecated_action,allow_all_write", "testdata/real-plan.json"}, "", ExitFindings},
	{"flags-after-paths", []string{"check", "testdata/warning-only.json", "--fail-on", "warning"}, "", ExitFindings},
	{"diff-text", []string{"diff-access", "testdata/old-readers.json", "testdata/new-readers.json"}, "", ExitFindings},
	{"diff-json", []string{"diff-access", "--format", "json", "testdata/old-readers.json", "testdata/new-readers.json"}, "", ExitFindings},
	// Witnesses prefer requests without keys their action is not known to receive, and say
	// when they rest on one (ims:images:get only through ims:Region).
	{"diff-unassociated-text", []string{"diff-access", "testdata/old-quotas.json", "testdata/new-region.json"}, "", ExitFindings},
	{"diff-unassociated-json", []string{"diff-access", "--format", "json", "testdata/old-quotas.json", "testdata/new-region.json"}, "", ExitFindings},
	{"diff-sarif", []string{"diff-access", "--format", "sarif", "testdata/old-readers.json", "testdata/new-readers.json"}, "", ExitFindings},
	{"diff-same", []string{"diff-access", "testdata/new-readers.json", "testdata/new-readers.json"}, "", exitOK},
	{"diff-narrower", []string{"diff-access", "testdata/new-readers.json", "testdata/warning-only.json"}, "", ExitFindings},
	{"diff-scp", []string{"diff-access", "--purpose", "scp", "testdata/scp-new.json", "testdata/scp-old.json"}, "", ExitFindings},
	{"diff-scp-narrower", []string{"diff-access", "--purpose", "scp", "testdata/scp-old.json", "testdata/scp-new.json"}, "", exitOK},
	// A deny-only SCP sits beside FullAccess, as the provider's plan warning compares it:
	// moving its Deny from deleteImage to share grants deleteImage.
	{"diff-scp-deny-only", []string{"diff-access", "--purpose", "scp", "testdata/scp-deny-only-old.json", "testdata/scp-deny-only-new.json"}, "", ExitFindings},
	{"diff-plan", []string{"diff-access", "--plan", "testdata/huaweicloud-plan.json"}, "", exitOK},
	// A witness reached through an alias says so, in JSON as in text.
	{"diff-plan-json", []string{"diff-access", "--format", "json", "--plan", "testdata/huaweicloud-plan.json"}, "", exitOK},
	// An SCP that does not exist restricts nothing: creating a deny-only SCP grants nothing
	// (exit 0); deleting it grants what it blocked (exit 1).
	{"diff-plan-scp-created", []string{"diff-access", "--plan", "testdata/scp-created-plan.json"}, "", exitOK},
	{"diff-plan-scp-deleted", []string{"diff-access", "--plan", "testdata/scp-deleted-plan.json"}, "", exitUnknown},
	// A trust policy decides who gets an agency's access: a change to it is never passed
	// unseen (unknown, exit 3).
	{"diff-plan-trust-policy", []string{"diff-access", "--plan", "testdata/trust-policy-plan.json"}, "", exitUnknown},
	{"diff-plan-unknown", []string{"diff-access", "--plan", "testdata/diff-plan-unknown.json"}, "", exitUnknown},
	{"estate-hw-scp-deleted", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--state", "testdata/estate/gate/hw-org.json"}, "", ExitFindings},
	{"estate-hw-scp-deleted-principals", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--state", "testdata/estate/gate/hw-org.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", ExitFindings},
	{"estate-hw-scp-deleted-json", []string{"diff-access", "--format", "json", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--state", "testdata/estate/gate/hw-org.json"}, "", ExitFindings},
	{"estate-hw-scp-deleted-sarif", []string{"diff-access", "--format", "sarif", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--state", "testdata/estate/gate/hw-org.json"}, "", ExitFindings},
	{"estate-hw-scp-created-attached", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-created-attached-plan.json", "--state", "testdata/estate/gate/hw-org.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", exitOK},
	{"estate-hw-scp-created-unattached", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-created-unattached-plan.json", "--state", "testdata/estate/gate/hw-org.json"}, "", exitOK},
	{"estate-hw-attach-group", []string{"diff-access", "--plan", "testdata/estate/gate/hw-attach-group-plan.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", ExitFindings},
	{"estate-hw-membership", []string{"diff-access", "--plan", "testdata/estate/gate/hw-membership-plan.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", ExitFindings},
	{"estate-hw-account-move", []string{"diff-access", "--plan", "testdata/estate/gate/hw-account-move-plan.json", "--state", "testdata/estate/gate/hw-org-scp.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", ExitFindings},
	{"estate-hw-scp-detach", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-detach-plan.json", "--state", "testdata/estate/gate/hw-org.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", ExitFindings},
	{"estate-hw-identity-detach", []string{"diff-access", "--plan", "testdata/estate/gate/hw-identity-detach-plan.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", exitOK},
	{"estate-hw-policy-and-attach", []string{"diff-access", "--plan", "testdata/estate/gate/hw-policy-and-attach-plan.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", ExitFindings},
	{"estate-ims-scp-deleted", []string{"diff-access", "--plan", "testdata/estate/gate/ims-scp-deleted-plan.json", "--org-path", "o-org0001/r-root01/ou-prod01/0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, "", ExitFindings},
	{"estate-ims-scp-detach", []string{"diff-access", "--plan", "testdata/estate/gate/ims-scp-detach-plan.json", "--org-path", "r-root01/ou-prod01/0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, "", ExitFindings},
	{"estate-ims-scp-created-attached", []string{"diff-access", "--plan", "testdata/estate/gate/ims-scp-created-attached-plan.json", "--org-path", "r-root01/ou-prod01/0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, "", exitOK},
	{"estate-ims-attach-group", []string{"diff-access", "--plan", "testdata/estate/gate/ims-attach-group-plan.json"}, "", ExitFindings},
	{"estate-ims-identity-detach", []string{"diff-access", "--plan", "testdata/estate/gate/ims-identity-detach-plan.json"}, "", exitOK},
	{"estate-ims-policy-and-attach", []string{"diff-access", "--plan", "testdata/estate/gate/ims-policy-and-attach-plan.json"}, "", ExitFindings},
	{"estate-ims-policy-and-attach-sarif", []string{"diff-access", "--format", "sarif", "--plan", "testdata/estate/gate/ims-policy-and-attach-plan.json"}, "", ExitFindings},
	{"estate-usage-state-is-plan", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--state", "testdata/estate/gate/hw-scp-deleted-plan.json"}, "", exitUsage},
	{"estate-usage-plan-is-state", []string{"diff-access", "--plan", "testdata/estate/gate/hw-org.json"}, "", exitUsage},
	{"estate-usage-org-path", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--org-path", "ou-prod01/123"}, "", exitUsage},
	{"estate-usage-state-without-plan", []string{"diff-access", "--state", "testdata/estate/gate/hw-org.json", "testdata/old-readers.json", "testdata/new-readers.json"}, "", exitUsage},
	{"estate-usage-state-missing", []string{"diff-access", "--plan", "testdata/estate/gate/hw-scp-deleted-plan.json", "--state", "testdata/estate/gate/no-such-state.json"}, "", exitUsage},
	{"estate-hw-new-user", []string{"diff-access", "--plan", "testdata/estate/gate/hw-new-user-plan.json", "--state", "testdata/estate/gate/hw-iam.json"}, "", ExitFindings},
	{"estate-ims-scp-disable", []string{"diff-access", "--plan", "testdata/estate/gate/ims-scp-disable-plan.json", "--org-path", "r-root01/ou-prod01/0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, "", ExitFindings},
	{"estate-ims-scp-enablement-kept", []string{"diff-access", "--plan", "testdata/estate/gate/ims-scp-enablement-kept-plan.json", "--org-path", "r-root01/ou-prod01/0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, "", exitOK},
	// The hand-built huaweicloud fixtures of testdata/estate, with the answers their notes give.
	{"estate-fixture-v3-migrate-group", []string{"diff-access", "--plan", "testdata/estate/v3-migrate-group-plan.json"}, "", exitOK},
	{"estate-fixture-v3-migrate-group-json", []string{"diff-access", "--format", "json", "--plan", "testdata/estate/v3-migrate-group-plan.json"}, "", exitOK},
	{"estate-fixture-v3-migrate-differences", []string{"diff-access", "--plan", "testdata/estate/v3-migrate-differences-plan.json"}, "", ExitFindings},
	{"estate-fixture-v3-migrate-differences-sarif", []string{"diff-access", "--format", "sarif", "--plan", "testdata/estate/v3-migrate-differences-plan.json"}, "", ExitFindings},
	{"estate-fixture-v3-assign-project", []string{"diff-access", "--plan", "testdata/estate/v3-assign-project-plan.json"}, "", ExitFindings},
	{"estate-fixture-v3-group-created", []string{"diff-access", "--plan", "testdata/estate/v3-group-created-plan.json"}, "", ExitFindings},
	{"estate-fixture-v3-access", []string{"access", "testdata/estate/v3-assign-project-plan.json"}, "", exitUnknown},
	{"estate-fixture-v3-unassigned", []string{"diff-access", "--plan", "testdata/estate/v3-unassigned-plan.json"}, "", exitOK},
	{"estate-fixture-scp-delete-ou", []string{"diff-access", "--plan", "testdata/estate/scp-delete-ou-plan.json", "--state", "testdata/estate/iam-state.json"}, "", ExitFindings},
	{"estate-fixture-scp-create-attach", []string{"diff-access", "--plan", "testdata/estate/scp-create-attach-plan.json", "--state", "testdata/estate/iam-state.json"}, "", exitOK},
	{"estate-fixture-scp-create-unattached", []string{"diff-access", "--plan", "testdata/estate/scp-create-unattached-plan.json", "--state", "testdata/estate/iam-state.json"}, "", exitOK},
	{"estate-fixture-iam-attach-group", []string{"diff-access", "--plan", "testdata/estate/iam-attach-group-plan.json", "--state", "testdata/estate/org-state.json"}, "", ExitFindings},
	{"estate-fixture-iam-add-user", []string{"diff-access", "--plan", "testdata/estate/iam-add-user-plan.json", "--state", "testdata/estate/org-state.json"}, "", ExitFindings},
	{"estate-fixture-org-move-account", []string{"diff-access", "--plan", "testdata/estate/org-move-account-plan.json", "--state", "testdata/estate/iam-state.json"}, "", ExitFindings},
	{"estate-fixture-scp-detach", []string{"diff-access", "--plan", "testdata/estate/scp-detach-plan.json", "--state", "testdata/estate/iam-state.json"}, "", ExitFindings},
	{"estate-fixture-iam-detach-policy", []string{"diff-access", "--plan", "testdata/estate/iam-detach-policy-plan.json", "--state", "testdata/estate/org-state.json"}, "", exitOK},
	{"estate-fixture-iam-create-and-attach", []string{"diff-access", "--plan", "testdata/estate/iam-create-and-attach-plan.json", "--state", "testdata/estate/org-state.json"}, "", ExitFindings},
	{"estate-fixture-dry-run-attach", []string{"diff-access", "--plan", "testdata/estate/dry-run-attach-plan.json", "--state", "testdata/estate/iam-state.json"}, "", exitOK},
	{"estate-fixture-iam-attach-user-unknown-policy", []string{"diff-access", "--plan", "testdata/estate/iam-attach-user-unknown-policy-plan.json", "--state", "testdata/estate/org-state.json"}, "", exitUnknown},
	{"estate-fixture-iam-default-version", []string{"diff-access", "--plan", "testdata/estate/iam-default-version-plan.json", "--state", "testdata/estate/org-state.json"}, "", exitUnknown},
	{"estate-fixture-org-disable-scp", []string{"diff-access", "--plan", "testdata/estate/org-disable-scp-plan.json", "--state", "testdata/estate/iam-state.json"}, "", ExitFindings},
	{"estate-fixture-scp-delete-ou-alone", []string{"diff-access", "--plan", "testdata/estate/scp-delete-ou-plan.json"}, "", ExitFindings},
	{"estate-fixture-iam-attach-group-alone", []string{"diff-access", "--plan", "testdata/estate/iam-attach-group-plan.json"}, "", ExitFindings},
	{"access-hw", []string{"access", "testdata/estate/gate/hw-iam.json"}, "", exitOK},
	{"access-hw-json", []string{"access", "--format", "json", "testdata/estate/gate/hw-iam.json"}, "", exitOK},
	{"access-hw-plan-org", []string{"access", "testdata/estate/gate/hw-scp-deleted-plan.json", "testdata/estate/gate/hw-org.json", "testdata/estate/gate/hw-iam.json"}, "", exitOK},
	{"access-must-not-allow", []string{"access", "--must-not-allow", "ims:images:share on * except iam::*:group:image-admins", "testdata/estate/gate/hw-iam.json", "testdata/estate/gate/hw-org.json"}, "", ExitFindings},
	{"access-must-not-allow-holds", []string{"access", "--must-not-allow", "ims:images:share except iam::*:group:image-admins", "testdata/estate/gate/hw-identity-detach-plan.json", "testdata/estate/gate/hw-iam.json", "testdata/estate/gate/hw-org.json"}, "", exitOK},
	{"access-usage-rule", []string{"access", "--must-not-allow", "on * except", "testdata/estate/gate/hw-iam.json"}, "", exitUsage},
	{"access-usage-none", []string{"access"}, "", exitUsage},
	{"diff-plan-sarif", []string{"diff-access", "--format", "sarif", "--plan", "testdata/diff-plan-unknown.json"}, "", exitUnknown},
	// Every comparison runs within --budget: the narrower SCP (diff-scp-narrower, decided
	// within the default) is unknown within 10 requests. The adversarial pair (two
	// 6,144-character documents of 52 and 51 statements with distinct literals, which took
	// 10-17 s of CPU before the budget, and 2.5 million requests) is proven within the
	// default by parts of its keys (720 requests), either way round, and is unknown within
	// 700.
	{"diff-budget-small", []string{"diff-access", "--budget", "10", "--purpose", "scp", "testdata/scp-old.json", "testdata/scp-new.json"}, "", exitUnknown},
	{"diff-budget-adversarial", []string{"diff-access", "testdata/adversarial-old.json", "testdata/adversarial-new.json"}, "", exitOK},
	{"diff-budget-adversarial-reverse", []string{"diff-access", "testdata/adversarial-new.json", "testdata/adversarial-old.json"}, "", ExitFindings},
	{"diff-budget-adversarial-json", []string{"diff-access", "--format", "json", "--budget", "700", "testdata/adversarial-old.json", "testdata/adversarial-new.json"}, "", exitUnknown},
	{"diff-usage-budget-zero", []string{"diff-access", "--budget", "0", "testdata/scp-old.json", "testdata/scp-new.json"}, "", exitUsage},
	{"diff-usage-budget-not-a-number", []string{"diff-access", "--budget", "lots", "testdata/scp-old.json", "testdata/scp-new.json"}, "", exitUsage},
	{"diff-not-utf8", []string{"diff-access", "testdata/new-readers.json", "testdata/not-utf8-value.json"}, "", exitUsage},
	{"diff-usage-one-file", []string{"diff-access", "testdata/clean.json"}, "", exitUsage},
	{"diff-usage-errors", []string{"diff-access", "testdata/bad-action.json", "testdata/clean.json"}, "", exitUsage},
	{"diff-usage-plan-as-file", []string{"diff-access", "testdata/real-plan.json", "testdata/clean.json"}, "", exitUsage},
	// SARIF artifact URIs are RFC 3986 references relative to %SRCROOT%, the repository
	// root: a space, a non-ASCII name and a '%' are percent-encoded; a path that climbs out
	// of the working directory is still relative to the root; a file outside --base is an
	// absolute file URI; standard input is "stdin".
	{"sarif-uri-encoded", []string{"check", "--format", "sarif", "testdata/my policies/bad action.json", "testdata/政策/读取.json", "testdata/pct%41.json"}, "", ExitFindings},
	{"sarif-uri-dotdot", []string{"check", "--format", "sarif", "../cli/testdata/bad-action.json"}, "", ExitFindings},
	{"sarif-uri-outside-base", []string{"check", "--format", "sarif", "--base", "testdata/golden", "testdata/bad-action.json"}, "", ExitFindings},
	{"sarif-stdin", []string{"check", "--format", "sarif", "-"}, `{"Version": "5.0", "Statement": [{"Effect": "allow", "Action": ["ims:images:get"]}]}`, ExitFindings},
	// On exit 2, --format sarif still writes a log, of a failed invocation with the message.
	{"sarif-usage-unreadable", []string{"check", "--format", "sarif", "testdata/clean.json", "testdata/no-such-file.json"}, "", exitUsage},
	{"sarif-usage-bad-flag", []string{"check", "--ignore", "unknown_action", "--format=sarif", "testdata/clean.json"}, "", exitUsage},
	{"sarif-usage-bad-base", []string{"check", "--format", "sarif", "--base", "testdata/no-such-dir", "testdata/clean.json"}, "", exitUsage},
	{"sarif-usage-diff-budget", []string{"diff-access", "--budget", "lots", "--format", "sarif", "testdata/scp-old.json", "testdata/scp-new.json"}, "", exitUsage},
	{"sarif-usage-diff-errors", []string{"diff-access", "--format", "sarif", "testdata/bad-action.json", "testdata/clean.json"}, "", exitUsage},
	// GitLab Code Quality reports (each validated against testdata/gitlab-code-quality-schema.json
	// by run): paths relative to the repository root, unencoded; a file outside --base is
	// refused, as GitLab could not show it.
	{"file-gitlab", []string{"check", "--format", "gitlab", "testdata/bad-action.json"}, "", ExitFindings},
	{"clean-gitlab", []string{"check", "--format=gitlab", "testdata/clean.json"}, "", exitOK},
	{"plan-gitlab", []string{"check", "--format", "gitlab", "--strict", "testdata/huaweicloud-plan.json"}, "", ExitFindings},
	{"gitlab-paths", []string{"check", "--format", "gitlab", "testdata/my policies/bad action.json", "testdata/政策/读取.json", "testdata/pct%41.json", "../cli/testdata/bad-action.json"}, "", ExitFindings},
	{"gitlab-stdin", []string{"check", "--format", "gitlab", "-"}, `{"Version": "5.0", "Statement": [{"Effect": "allow", "Action": ["ims:images:get"]}]}`, ExitFindings},
	{"gitlab-outside-base", []string{"check", "--format", "gitlab", "--base", "testdata/golden", "testdata/bad-action.json"}, "", exitUsage},
	{"diff-gitlab", []string{"diff-access", "--format", "gitlab", "testdata/old-readers.json", "testdata/new-readers.json"}, "", ExitFindings},
	{"diff-plan-gitlab", []string{"diff-access", "--format", "gitlab", "--plan", "testdata/diff-plan-unknown.json"}, "", exitUnknown},
	// Baselines: testdata/bad-action.baseline.json is what --write-baseline wrote for
	// testdata/bad-action.json; testdata/bad-action-moved.json is that file reformatted
	// (its findings on other lines), with one more unknown action.
	{"baseline-text", []string{"check", "--baseline", "testdata/bad-action.baseline.json", "testdata/bad-action.json"}, "", exitOK},
	{"baseline-json", []string{"check", "--format", "json", "--baseline", "testdata/bad-action.baseline.json", "testdata/bad-action.json"}, "", exitOK},
	{"baseline-moved-text", []string{"check", "--baseline", "testdata/bad-action-moved.baseline.json", "testdata/bad-action-moved.json"}, "", ExitFindings},
	{"baseline-moved-sarif", []string{"check", "--format", "sarif", "--baseline", "testdata/bad-action-moved.baseline.json", "testdata/bad-action-moved.json"}, "", ExitFindings},
	{"baseline-moved-gitlab", []string{"check", "--format", "gitlab", "--baseline", "testdata/bad-action-moved.baseline.json", "testdata/bad-action-moved.json"}, "", ExitFindings},
	{"baseline-strict", []string{"check", "--strict", "--baseline", "testdata/huaweicloud-plan.baseline.json", "testdata/huaweicloud-plan.json"}, "", exitOK},
	{"baseline-usage-missing", []string{"check", "--format", "sarif", "--baseline", "testdata/no-such-baseline.json", "testdata/clean.json"}, "", exitUsage},
	{"baseline-usage-not-a-report", []string{"check", "--baseline", "testdata/clean.json", "testdata/clean.json"}, "", exitUsage},
	{"baseline-usage-not-json", []string{"check", "--baseline", "testdata/not-json.txt", "testdata/clean.json"}, "", exitUsage},
	{"baseline-usage-no-fingerprints", []string{"check", "--baseline", "testdata/report-without-fingerprints.json", "testdata/clean.json"}, "", exitUsage},
	{"version", []string{"--version"}, "", exitOK},
	{"usage-no-path", []string{"check"}, "", exitUsage},
	{"usage-bad-format", []string{"check", "--format", "xml", "testdata/clean.json"}, "", exitUsage},
	{"usage-ignore-error-code", []string{"check", "--ignore", "unknown_action", "testdata/clean.json"}, "", exitUsage},
	{"usage-ignore-unknown-code", []string{"check", "--ignore", "deprecated_actoin", "testdata/clean.json"}, "", exitUsage},
	{"usage-unknown-command", []string{"lint", "testdata/clean.json"}, "", exitUsage},
	{"unreadable", []string{"check", "testdata/clean.json", "testdata/no-such-file.json"}, "", exitUsage},
	{"not-a-plan", []string{"check", "testdata/state.json"}, "", exitUsage},
	// hashicorp/setup-terraform's wrapper: its "[command]" line before the plan, or its
	// "::debug::" lines after it, is named as such with the fix, exit 2 (not malformed_json).
	{"wrapper-plan", []string{"check", "testdata/wrapper-plan.json"}, "", exitUsage},
	{"wrapper-plan-stdin", []string{"check", "-"}, readTestdata("wrapper-plan.json"), exitUsage},
	{"wrapper-plan-trailer", []string{"check", "testdata/wrapper-trailer-plan.json"}, "", exitUsage},
	{"wrapper-plan-sarif", []string{"check", "--format", "sarif", "testdata/wrapper-plan.json"}, "", exitUsage},
	{"wrapper-plan-diff", []string{"diff-access", "--plan", "testdata/wrapper-plan.json"}, "", exitUsage},
	// An empty input is a failed terraform show -json, not a policy document to write.
	{"empty-file", []string{"check", "testdata/empty.json"}, "", exitUsage},
	{"empty-stdin", []string{"check", "-"}, "", exitUsage},
	{"empty-stdin-white-space", []string{"check", "--format", "json", "-"}, " \n", exitUsage},
	// huaweicloud_organizations_dry_run_policy of type service_control_policy is checked as
	// an SCP (a typo fails the run); one of another type, an OBS bucket policy and a trust
	// agency's trust policy are reported as not checked, with the reason.
	{"dry-run-plan-text", []string{"check", "testdata/dry-run-plan.json"}, "", ExitFindings},
	{"dry-run-plan-json", []string{"check", "--format", "json", "testdata/dry-run-plan.json"}, "", ExitFindings},
	{"dry-run-plan-sarif", []string{"check", "--format", "sarif", "testdata/dry-run-plan.json"}, "", ExitFindings},
	// A plan's results on the line of the configuration that writes them (--config): the
	// plan of testdata/tfconfig (terraform plan, terraform show -json) has a deprecated
	// action written inline with jsonencode, in an imspolicy_policy_document's statement
	// block, in a source document it merges (the data source block) and beside it in a
	// block with a Sid, in file("policies/ops.json") and, in a local module called with
	// for_each, in file("${path.module}/team.json").
	{"plan-source-text", []string{"check", "--fail-on", "warning", "--config", "testdata/tfconfig", "testdata/tfconfig-plan.json"}, "", ExitFindings},
	{"plan-source-json", []string{"check", "--format", "json", "--config", "testdata/tfconfig", "testdata/tfconfig-plan.json"}, "", exitOK},
	{"plan-source-sarif", []string{"check", "--format", "sarif", "--config", "testdata/tfconfig", "testdata/tfconfig-plan.json"}, "", exitOK},
	{"plan-source-gitlab", []string{"check", "--format", "gitlab", "--config", "testdata/tfconfig", "testdata/tfconfig-plan.json"}, "", exitOK},
	// A configuration that is not the plan's: the results stay on the plan, said once.
	{"plan-source-other-config", []string{"check", "--config", "testdata/tfconfig", "testdata/real-plan.json"}, "", exitOK},
	{"plan-source-other-config-sarif", []string{"check", "--format", "sarif", "--config", "testdata/tfconfig", "testdata/real-plan.json"}, "", exitOK},
	{"diff-plan-source", []string{"diff-access", "--config", "testdata/tfconfig", "--plan", "testdata/tfconfig-plan.json"}, "", exitOK},
	{"diff-plan-source-sarif", []string{"diff-access", "--format", "sarif", "--config", "testdata/tfconfig", "--plan", "testdata/tfconfig-plan.json"}, "", exitOK},
	{"diff-plan-source-json", []string{"diff-access", "--format", "json", "--config", "testdata/tfconfig", "--plan", "testdata/tfconfig-plan.json"}, "", exitOK},
	// IAM v3 documents (issue 20): huaweicloud_identity_role and
	// huaweicloud_identitycenter_custom_role_attachment are checked as v3, and a file is
	// v3 by its Version; the vendor's "deny deletion" example (ims:images:delete) is clean.
	{"v3-plan-text", []string{"check", "testdata/v3-plan.json"}, "", ExitFindings},
	{"v3-plan-json", []string{"check", "--format", "json", "testdata/v3-plan.json"}, "", ExitFindings},
	{"v3-plan-sarif", []string{"check", "--format", "sarif", "testdata/v3-plan.json"}, "", ExitFindings},
	{"v3-plan-gitlab", []string{"check", "--format", "gitlab", "testdata/v3-plan.json"}, "", ExitFindings},
	{"v3-file", []string{"check", "--format", "json", "testdata/v3-deny-delete.json"}, "", exitOK},
	{"v3-file-as-v5", []string{"check", "--language", "v5", "testdata/v3-deny-delete.json"}, "", ExitFindings},
	{"v3-plan-diff", []string{"diff-access", "--plan", "testdata/v3-plan.json"}, "", exitUnknown},
	{"diff-v3-sarif", []string{"diff-access", "--format", "sarif", "testdata/v3/readers.json", "testdata/v3/readers-wildcard.v5.json"}, "", ExitFindings},
	{"diff-v3-gitlab", []string{"diff-access", "--format", "gitlab", "testdata/v3/readers.json", "testdata/v3/readers-wildcard.v5.json"}, "", ExitFindings},
	{"plan-source-config-missing", []string{"check", "--config", "testdata/no-such-dir", "testdata/tfconfig-plan.json"}, "", exitUsage},
}

// readTestdata is a file of testdata, for a golden case's standard input.
func readTestdata(name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func run(t *testing.T, args []string, stdin string) (stdout, stderr string, exit int) {
	t.Helper()
	var out, errOut bytes.Buffer
	exit = Run(args, strings.NewReader(stdin), &out, &errOut)
	if sarifFormatRequested(args) {
		keepSARIF(t, out.Bytes())
	}
	if formatRequested(args, "gitlab") && exit != exitUsage {
		validateGitLab(t, out.Bytes())
	}
	return out.String(), errOut.String(), exit
}

// keepSARIF writes a SARIF log a test produced into $IMSPOLICY_SARIF_DIR, when set:
// scripts/sarif-check.sh (make test) runs the tests so and validates every log there with
// Microsoft's SARIF validator.
func keepSARIF(t *testing.T, log []byte) {
	dir := os.Getenv("IMSPOLICY_SARIF_DIR")
	if dir == "" || len(log) == 0 {
		return // a usage failure (--format sarif refused) writes no log
	}
	// Named by content, so a log that several tests produce is validated once.
	sum := sha256.Sum256(log)
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + "-" + hex.EncodeToString(sum[:6]) + ".sarif"
	if same, _ := filepath.Glob(filepath.Join(dir, "*-"+hex.EncodeToString(sum[:6])+".sarif")); len(same) > 0 {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), log, 0o644); err != nil {
		t.Fatal(err)
	}
}

// repoRootURI is the file URI of the repository root, %SRCROOT% of the logs the tests
// write; goldens hold file:///REPO/ instead, so they do not depend on the checkout.
func repoRootURI(t *testing.T) string { return fileURI(repoRoot(t)) + "/" }

// repoRoot is the repository root's absolute path; goldens hold /REPO instead.
func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, exit := run(t, c.args, c.stdin)
			if exit != c.exit {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", exit, c.exit, stdout, stderr)
			}
			stdout = strings.ReplaceAll(stdout, repoRootURI(t), "file:///REPO/")
			stderr = strings.ReplaceAll(stderr, repoRoot(t), "/REPO")
			if strings.Contains(c.name, "outside-base") {
				// The file is an absolute URI, so its fingerprint hashes the checkout's path.
				stdout = fingerprintValue.ReplaceAllString(stdout, `"imspolicyFinding/v1": "(hash of a path of this checkout)"`)
			}
			got := fmt.Sprintf("$ imspolicy %s\n# exit %d\n# stdout\n%s# stderr\n%s", strings.Join(c.args, " "), exit, stdout, stderr)
			file := filepath.Join("testdata", "golden", c.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (go test ./internal/cli -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (go test ./internal/cli -update rewrites it):\n%s", file, got)
			}
		})
	}
}

// The SARIF of every golden case validates against the published SARIF 2.1.0 schema
// (testdata/sarif-schema-2.1.0.json, from oasis-tcs/sarif-spec), and meets what GitHub
// code scanning requires: each result has a physical location, a plan's results name the
// resource address in a logical location and in the message, and each rule links to its
// heading in the validation rules guide.
func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile("../../docs/guides/validation-rules.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, gc := range goldenCases {
		if !strings.Contains(strings.Join(gc.args, " "), "sarif") {
			continue
		}
		n++
		t.Run(gc.name, func(t *testing.T) {
			stdout, _, _ := run(t, gc.args, gc.stdin)
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Fatalf("not valid SARIF 2.1.0: %v", err)
			}
			var log sarifView
			if err := json.Unmarshal([]byte(stdout), &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			for _, r := range run.Tool.Driver.Rules {
				if _, ok := policy.RuleFor(r.ID); !ok {
					continue // the command's own rules (not_checked, new_access, ...)
				}
				if r.HelpURI != rulesGuide+"#"+r.ID || !bytes.Contains(guide, []byte("\n## "+r.ID+"\n")) {
					t.Errorf("rule %s links to %s, which is not a heading of the validation rules guide", r.ID, r.HelpURI)
				}
				if r.Help.Text == "" || r.ShortDescription.Text == "" {
					t.Errorf("rule %s has no help or summary", r.ID)
				}
			}
			for _, res := range run.Results {
				if len(res.Locations) == 0 || res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
					t.Errorf("result %q has no physical location", res.Message.Text)
					continue
				}
				if res.Level != "error" && res.Level != "warning" && res.Level != "note" {
					t.Errorf("result %q has level %q", res.Message.Text, res.Level)
				}
				if strings.Contains(gc.name, "plan") {
					ll := res.Locations[0].LogicalLocations
					// A per-principal result's logical location is its subject, kind:id,
					// which the message names as "kind ... id".
					kind, id, subject := "", "", false
					if len(ll) > 0 {
						kind, id, subject = strings.Cut(ll[0].Name, ":")
					}
					named := len(ll) > 0 && (strings.Contains(res.Message.Text, ll[0].Name) ||
						subject && strings.HasPrefix(res.Message.Text, kind+" ") && strings.Contains(res.Message.Text, id))
					if !named {
						t.Errorf("plan result %q does not name its resource address in a logical location and the message", res.Message.Text)
					}
				}
			}
		})
	}
	if n < 3 {
		t.Fatalf("only %d SARIF cases", n)
	}
}

type sarifView struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID               string `json:"id"`
					HelpURI          string `json:"helpUri"`
					Help             struct{ Text string }
					ShortDescription struct{ Text string }
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					Name string `json:"name"`
				} `json:"logicalLocations"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// The validator is not a formality: it refuses a log without version, and one whose
// result has an unknown level.
func TestSARIFSchemaRefusesInvalidLogs(t *testing.T) {
	schema, err := jsonschema.NewCompiler().Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"runs": []}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(inst) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

// Over every rule's example, each --fail-on and with or without ignoring the rule's code
// (when it is a warning's): the exit status is 1 exactly when a finding that is left is at
// or above --fail-on, and the JSON summary counts the findings that are left.
func TestExitStatusOverRuleExamples(t *testing.T) {
	dir := t.TempDir()
	for _, r := range policy.Rules() {
		file := filepath.Join(dir, r.Code+".json")
		if err := os.WriteFile(file, []byte(r.Example), 0o644); err != nil {
			t.Fatal(err)
		}
		purpose := "identity"
		if r.SCPOnly {
			purpose = "scp"
		}
		for _, failOn := range []string{"error", "warning"} {
			for _, ignore := range []bool{false, true} {
				if ignore && r.Severity.String() == "error" {
					continue
				}
				args := []string{"check", "--format", "json", "--purpose", purpose, "--fail-on", failOn}
				if ignore {
					args = append(args, "--ignore", r.Code)
				}
				if r.Code == "v3_version" || r.Code == "wrong_version" {
					// Their examples are a 5.0 document checked as v3 and a 1.1 one checked
					// as v5: a file's Version would choose the other grammar.
					args = append(args, "--language", r.Language.String())
				}
				stdout, stderr, exit := run(t, append(args, file), "")
				var got struct {
					Documents []struct {
						Findings []struct{ Code, Severity string }
					}
					Summary summary
				}
				if err := json.Unmarshal([]byte(stdout), &got); err != nil {
					t.Fatalf("%v: %v\n%s", args, err, stderr)
				}
				errors, warnings, sawRule := 0, 0, false
				for _, f := range got.Documents[0].Findings {
					if f.Severity == "error" {
						errors++
					} else {
						warnings++
					}
					sawRule = sawRule || f.Code == r.Code
				}
				if sawRule == ignore {
					t.Errorf("%v: rule's finding present = %v", args, sawRule)
				}
				want := exitOK
				if errors > 0 || (failOn == "warning" && warnings > 0) {
					want = ExitFindings
				}
				if exit != want || got.Summary.Errors != errors || got.Summary.Warnings != warnings || got.Summary.Failed != (want == ExitFindings) {
					t.Errorf("%v: exit %d, summary %+v; want exit %d with %d errors, %d warnings", args, exit, got.Summary, want, errors, warnings)
				}
			}
		}
	}
}

// The "Checking policies in CI" guide quotes --help word for word; `imspolicy --help`,
// `imspolicy help` and `imspolicy check --help` print it, and exit 0.
func TestHelpInGuide(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"check", "--help"}, {"diff-access", "-h"}} {
		stdout, _, exit := run(t, args, "")
		if exit != exitOK || stdout != help {
			t.Errorf("imspolicy %v: exit %d, output differs from help", args, exit)
		}
	}
	for _, file := range []string{"../../templates/guides/checking-policies-in-ci.md.tmpl", "../../docs/guides/checking-policies-in-ci.md"} {
		guide, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, rest, ok := strings.Cut(string(guide), "<!-- imspolicy-help:begin -->\n```text\n")
		quoted, _, ok2 := strings.Cut(rest, "```\n<!-- imspolicy-help:end -->")
		if !ok || !ok2 || quoted != help {
			t.Errorf("%s does not quote help word for word between the imspolicy-help markers: copy the help text of internal/cli into it (then make docs)", file)
		}
	}
}

// testdata/adversarial-*.json are the shape of issue 16 point 9 (internal/analysis's
// AdversarialPair wrote them): documents of exactly the vendor's 6,144 characters that the
// checker accepts, of 52 and 51 statements, each with a condition literal of its own.
func TestAdversarialTestdata(t *testing.T) {
	for file, statements := range map[string]int{"testdata/adversarial-old.json": 52, "testdata/adversarial-new.json": 51} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src = bytes.TrimSuffix(src, []byte("\n"))
		d, findings := policy.CheckJSON(src, policy.Identity)
		if len(src) != 6144 || len(findings) > 0 || d == nil || len(d.Statements) != statements {
			t.Fatalf("%s: %d characters, findings %v, want 6,144 characters, no findings and %d statements", file, len(src), findings, statements)
		}
		literals := map[string]bool{}
		for _, s := range d.Statements {
			for _, op := range s.Condition.Ops {
				for _, k := range op.Keys {
					for _, v := range k.Values.Values() {
						if literals[v] {
							t.Errorf("%s: literal %q twice", file, v)
						}
						literals[v] = true
					}
				}
			}
		}
	}
}

// --help and the guides state the analyser's default and largest budgets: they are
// written out there, so this keeps them in step with package analysis.
func TestBudgetFiguresInStep(t *testing.T) {
	def, most := fmt.Sprint(analysis.DefaultBudget.Requests), fmt.Sprint(analysis.MaxBudget)
	if !strings.Contains(help, "(default "+def+",") || !strings.Contains(help, "at most "+most+")") {
		t.Errorf("help does not give --budget's default %s and largest %s", def, most)
	}
	for _, file := range []string{"../../templates/guides/checking-policies-in-ci.md.tmpl", "../../templates/guides/gating-policy-changes.md.tmpl", "../../templates/index.md.tmpl"} {
		guide, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(guide), "`"+def+"`") && !strings.Contains(string(guide), "default, "+def) || !strings.Contains(string(guide), most) {
			t.Errorf("%s does not give the default budget %s and the largest %s", file, def, most)
		}
	}
}

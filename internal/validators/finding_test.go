package validators

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestFindingWording: every report of a checker finding in Terraform (an attribute's
// validator, a document among several, the gate's findings on sources, a function's
// argument) words it the same way.
func TestFindingWording(t *testing.T) {
	src := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:lst"],"Resource":["*"]}]}`
	_, findings := policy.CheckJSON([]byte(src), policy.SCP)
	_, identityFindings := policy.CheckJSON([]byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:*"],"Resource":["*"]}]}`), policy.Identity)
	findings = append(findings, identityFindings...)
	var bad, warning *policy.Finding
	for i, f := range findings {
		if f.Code == "unknown_action" {
			bad = &findings[i]
		}
		if f.Severity == policy.Warning {
			warning = &findings[i]
		}
	}
	if bad == nil || warning == nil {
		t.Fatalf("want an unknown_action error and a warning, got %v", findings)
	}
	at := path.Root("source_policy_documents").AtListIndex(1)
	for _, c := range []struct {
		got             diag.Diagnostic
		severity        diag.Severity
		summary, detail string
	}{
		{FindingDiagnostic(at, policy.SCP, "", *bad), diag.SeverityError, "Invalid scp policy: unknown_action", bad.String()},
		{FindingDiagnostic(at, policy.SCP, "source_policy_documents[1]", *bad), diag.SeverityError,
			"Invalid scp policy: unknown_action", "source_policy_documents[1]: " + bad.String()},
		{FindingDiagnostic(at, policy.SCP, "", *warning), diag.SeverityWarning, "Policy warning: " + warning.Code, warning.String()},
	} {
		if c.got.Severity() != c.severity || c.got.Summary() != c.summary || c.got.Detail() != c.detail {
			t.Errorf("got %v %q %q\nwant %v %q %q", c.got.Severity(), c.got.Summary(), c.got.Detail(), c.severity, c.summary, c.detail)
		}
		if d, ok := c.got.(diag.DiagnosticWithPath); !ok || !d.Path().Equal(at) {
			t.Errorf("%q is not on %s", c.got.Summary(), at)
		}
	}
	sf := evaluator.SourceFinding{Layer: evaluator.Layer{SCP: true, Level: 0, Name: "root"}, Document: 2, Finding: *bad}
	if got, want := SourceFindingError(1, sf).Text, "Invalid scp policy: unknown_action: scp[root][2]: "+bad.String(); got != want {
		t.Errorf("function error %q, want %q", got, want)
	}
}

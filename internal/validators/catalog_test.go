package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

func validate(v validator.String, value types.String) (errs []string, warnings []string) {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}, resp)
	for _, d := range resp.Diagnostics.Errors() {
		errs = append(errs, d.Summary()+": "+d.Detail())
	}
	for _, d := range resp.Diagnostics.Warnings() {
		warnings = append(warnings, d.Summary()+": "+d.Detail())
	}
	return errs, warnings
}

func TestStringValidators(t *testing.T) {
	cases := []struct {
		name    string
		v       validator.String
		value   types.String
		wantErr string // "" for valid
	}{
		{"action", ActionName(), types.StringValue("IMS:images:GET"), ""},
		{"alias", ActionName(), types.StringValue("ims:images:copy"), ""},
		{"referenced", ActionName(), types.StringValue("ims:images:deleteTags"), ""},
		{"misspelt action", ActionName(), types.StringValue("ims:images:gte"), `Did you mean "ims:images:get"`},
		{"key", ConditionKey(), types.StringValue("g:ResourceTag/env"), ""},
		{"misspelt key", ConditionKey(), types.StringValue("ims:Regoin"), `Did you mean "ims:Region"`},
		{"resource type", ResourceType(), types.StringValue("image"), ""},
		{"unknown resource type", ResourceType(), types.StringValue("bucket"), "Use one of: image"},
		{"star", ResourceURN(), types.StringValue("*"), ""},
		{"image URN", ResourceURN(), types.StringValue("ims:cn-north-4:acct:image:img-1"), ""},
		{"other service", ResourceURN(), types.StringValue("obs:cn-north-4:acct:bucket:b"), ""},
		{"short URN", ResourceURN(), types.StringValue("ims:cn-north-4:image"), "has 3 of the 5 parts"},
		{"AWS ARN", ResourceURN(), types.StringValue("arn:aws:ec2:us-east-1:123456789012:image/ami-1"), "this is an AWS ARN; write ims:<region>:<account-id>:image:<image-id> for an image"},
		{"IMS type", ResourceURN(), types.StringValue("ims:cn-north-4:acct:bucket:b"), `resource type "bucket"`},
		{"unknown values are checked later", ActionName(), types.StringUnknown(), ""},
		{"null passes", ResourceURN(), types.StringNull(), ""},
		{"policy", PolicyDocument(policy.Identity), types.StringValue(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}`), ""},
		{"bad policy", PolicyDocument(policy.Identity), types.StringValue(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:lst"]}]}`), "unknown_action"},
		{"unknown policy", PolicyDocument(policy.SCP), types.StringUnknown(), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs, _ := validate(c.v, c.value)
			switch {
			case c.wantErr == "" && len(errs) > 0:
				t.Fatalf("unexpected errors: %v", errs)
			case c.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0], c.wantErr)):
				t.Fatalf("errors %v, want one containing %q", errs, c.wantErr)
			}
		})
	}
}

func TestPolicyDocumentWarnings(t *testing.T) {
	errs, warnings := validate(PolicyDocument(policy.Identity), types.StringValue(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:share"],"Resource":["*"]}]}`))
	if len(errs) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "deprecated_action") {
		t.Fatalf("errors %v, warnings %v: want one deprecated_action warning", errs, warnings)
	}
}

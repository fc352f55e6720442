package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// TestParameterValidators: the checks report on the function argument, with the same
// wording as on an attribute; unknown and null values pass.
func TestParameterValidators(t *testing.T) {
	cases := []struct {
		name    string
		v       function.StringParameterValidator
		value   types.String
		wantErr string // "" for valid
	}{
		{"IMS action", RequestAction(), types.StringValue("IMS:images:GET"), ""},
		{"other service", RequestAction(), types.StringValue("obs:object:GetObject"), ""},
		{"misspelt IMS action", RequestAction(), types.StringValue("ims:images:delet"), `"ims:images:delet" is not an IMS action. Did you mean "ims:images:deleteImage"`},
		{"IMS only", ActionName(), types.StringValue("ecs:servers:list"), `"ecs:servers:list" is not an IMS action.`},
		{"region", ImageURNPart(catalog.ImageRegion), types.StringValue("cn-*"), ""},
		{"bad account", ImageURNPart(catalog.ImageAccountID), types.StringValue("acct:1"), `account_id "acct:1" is malformed`},
		{"unknown", ImageURNPart(catalog.ImageID), types.StringUnknown(), ""},
		{"null", RequestAction(), types.StringNull(), ""},
		{"parses", ParsablePolicyDocument(), types.StringValue(`{"Statement":[]}`), ""},
		{"does not parse", ParsablePolicyDocument(), types.StringValue(`{"Statement":`), "the policy document does not parse: line 1 col 14"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := &function.StringParameterValidatorResponse{}
			c.v.ValidateParameterString(context.Background(), function.StringParameterValidatorRequest{ArgumentPosition: 2, Value: c.value}, resp)
			switch {
			case c.wantErr == "" && resp.Error != nil:
				t.Fatalf("unexpected error: %v", resp.Error)
			case c.wantErr != "" && (resp.Error == nil || !strings.Contains(resp.Error.Text, c.wantErr)):
				t.Fatalf("error %v, want one containing %q", resp.Error, c.wantErr)
			case resp.Error != nil && (resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 2):
				t.Fatalf("error %v is not on argument 2", resp.Error)
			}
		})
	}
}

func TestIdentityPolicies(t *testing.T) {
	list := func(vs ...attr.Value) types.List { return types.ListValueMust(types.StringType, vs) }
	valid := types.StringValue(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}`)
	cases := []struct {
		name    string
		value   types.List
		wantErr string
	}{
		{"valid", list(valid), ""},
		{"none", list(), ""},
		{"unknown document", list(valid, types.StringUnknown()), ""},
		{"second invalid", list(valid, types.StringValue(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:lst"]}]}`)),
			`Invalid identity policy: unknown_action: identity[1]: line 1 col 59: Statement[0].Action[0]: error unknown_action`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := &function.ListParameterValidatorResponse{}
			IdentityPolicies().ValidateParameterList(context.Background(), function.ListParameterValidatorRequest{Value: c.value}, resp)
			switch {
			case c.wantErr == "" && resp.Error != nil:
				t.Fatalf("unexpected error: %v", resp.Error)
			case c.wantErr != "" && (resp.Error == nil || !strings.Contains(resp.Error.Text, c.wantErr)):
				t.Fatalf("error %v, want one containing %q", resp.Error, c.wantErr)
			}
		})
	}
}

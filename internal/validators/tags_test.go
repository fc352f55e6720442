package validators

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
)

// TestTagsLeaveRoomForTheCreateToken: an SCP holds 20 tags, one of which is the provider's
// create token, so a configuration gives at most 19, and never the token's key.
func TestTagsLeaveRoomForTheCreateToken(t *testing.T) {
	validate := func(tags map[string]string) string {
		elems := map[string]attr.Value{}
		for k, v := range tags {
			elems[k] = types.StringValue(v)
		}
		m := types.MapValueMust(types.StringType, elems)
		var resp validator.MapResponse
		Tags().ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("tags"), ConfigValue: m}, &resp)
		var out []string
		for _, d := range resp.Diagnostics.Errors() {
			out = append(out, d.Summary()+": "+d.Detail())
		}
		return strings.Join(out, "\n")
	}
	n := func(count int) map[string]string {
		m := map[string]string{}
		for i := range count {
			m[fmt.Sprintf("k%d", i)] = "v"
		}
		return m
	}
	if got := validate(n(19)); got != "" {
		t.Fatalf("19 tags refused: %s", got)
	}
	if got := validate(n(20)); !strings.Contains(got, "at most 19") || !strings.Contains(got, "create token") {
		t.Fatalf("20 tags: %q, want a refusal naming the create token", got)
	}
	if got := validate(map[string]string{client.CreateTokenTagKey: "x"}); !strings.Contains(got, "reserved") {
		t.Fatalf("the token's key: %q, want it refused as reserved", got)
	}
}

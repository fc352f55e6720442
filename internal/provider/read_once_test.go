package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestAccessAnalysisReadsEachDocumentOnce: one read of imspolicy_access_analysis parses
// and checks each document once (policy.Counts), however many questions its gate asks:
// the analyser is given the policy sets built from the checked documents. It used to
// check the candidate again for every question (a gate with N forbidden accesses, N+2
// times). Validation, a call of its own, checks each document once too (its validators).
func TestAccessAnalysisReadsEachDocumentOnce(t *testing.T) {
	server, _ := simulationServer(t, "imspolicy_policy_simulation", 0)
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	objectType := objectTypeOf(t, schemas.DataSourceSchemas["imspolicy_access_analysis"].ValueType())
	blockList, blockType := mustNestedList(t, objectType, "must_not_allow")
	refType := objectType.AttributeTypes["reference"].(tftypes.Object)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	docs := func(ds ...string) tftypes.Value {
		vs := make([]tftypes.Value, len(ds))
		for i, d := range ds {
			vs[i] = str(d)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
	}
	const (
		read  = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"],"Resource":["*"]}]}`
		copy  = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:copyInRegion"],"Resource":["*"]}]}`
		share = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:addMember"],"Resource":["*"]}]}`
	)
	config := nullAttributes(objectType)
	config["identity_policies"] = docs(read, copy)
	ref := nullAttributes(refType)
	ref["identity_policies"] = docs(share)
	config["reference"] = tftypes.NewValue(refType, ref)
	var blocks []tftypes.Value
	for _, name := range []string{"share", "export", "delete"} {
		b := nullAttributes(blockType)
		b["name"], b["actions"] = str(name), docs("ims:images:"+map[string]string{"share": "share", "export": "export", "delete": "deleteImage"}[name])
		blocks = append(blocks, tftypes.NewValue(blockType, b))
	}
	config["must_not_allow"] = tftypes.NewValue(blockList, blocks)
	value, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, config))
	if err != nil {
		t.Fatal(err)
	}

	parsed, checked := policy.Counts()
	v, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "imspolicy_access_analysis", Config: &value})
	if err != nil || len(v.Diagnostics) > 0 {
		t.Fatalf("validate: %v %v", err, diagnosticsText(v.Diagnostics))
	}
	p, c := policy.Counts()
	if p-parsed != 3 || c-checked != 3 {
		t.Errorf("validation parsed %d and checked %d documents; want each of the 3 once", p-parsed, c-checked)
	}

	parsed, checked = p, c
	r, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "imspolicy_access_analysis", Config: &value})
	if err != nil || len(r.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, diagnosticsText(r.Diagnostics))
	}
	p, c = policy.Counts()
	if p-parsed != 3 || c-checked != 3 {
		t.Errorf("the read parsed %d and checked %d documents; want each of the 3 once", p-parsed, c-checked)
	}
}

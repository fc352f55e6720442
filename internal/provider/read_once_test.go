package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// TestAccessAnalysisReadsEachDocumentOnce: validating imspolicy_access_analysis parses and
// checks each document once (policy.Counts), and the read after it none again (they share
// policy.CheckText's cache), however many questions its gate asks: the analyser is given
// the policy sets built from the checked documents. It used to check the candidate again
// for every question (a gate with N forbidden accesses, N+2 times).
func TestAccessAnalysisReadsEachDocumentOnce(t *testing.T) {
	server, _ := simulationServer(t, "imspolicy_policy_simulation", 0)
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	objectType := objectTypeOf(t, schemas.DataSourceSchemas["imspolicy_access_analysis"].ValueType())
	blockList, blockType := mustNestedList(t, objectType, "must_not_allow")
	refType, ok := objectType.AttributeTypes["reference"].(tftypes.Object)
	if !ok {
		t.Fatalf("reference is not an object: %v", objectType.AttributeTypes["reference"])
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	docs := func(ds ...string) tftypes.Value {
		vs := make([]tftypes.Value, len(ds))
		for i, d := range ds {
			vs[i] = str(d)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
	}
	const (
		read    = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"],"Resource":["*"]}]}`
		copyDoc = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:copyInRegion"],"Resource":["*"]}]}`
		share   = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:addMember"],"Resource":["*"]}]}`
	)
	config := nullAttributes(objectType)
	config["identity_policies"] = docs(read, copyDoc)
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
	if p-parsed > 3 || c-checked > 3 {
		t.Errorf("validation parsed %d and checked %d documents; want each of the 3 once at most", p-parsed, c-checked)
	}

	parsed, checked = p, c
	r, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "imspolicy_access_analysis", Config: &value})
	if err != nil || len(r.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, diagnosticsText(r.Diagnostics))
	}
	p, c = policy.Counts()
	if p-parsed != 0 || c-checked != 0 {
		t.Errorf("the read after validation parsed %d and checked %d documents; want none read again", p-parsed, c-checked)
	}
}

// TestGrantsNoNewAccessReadsEachDocumentOnce: a call of grants_no_new_access parses and
// checks each document once: its parameter validators build the policy sets, and its run
// takes the checked documents from policy.CheckText's cache instead of reading them again.
func TestGrantsNoNewAccessReadsEachDocumentOnce(t *testing.T) {
	server, _ := simulationServer(t, "imspolicy_policy_simulation", 0)
	ctx := context.Background()
	listType := tftypes.List{ElementType: tftypes.String}
	arg := func(docs ...string) *tfprotov6.DynamicValue {
		vs := make([]tftypes.Value, len(docs))
		for i, d := range docs {
			vs[i] = tftypes.NewValue(tftypes.String, d)
		}
		v, err := tfprotov6.NewDynamicValue(listType, tftypes.NewValue(listType, vs))
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	const (
		candidate = `{"Version":"5.0","Statement":[{"Sid":"GrantsNoNewAccessOnce","Effect":"Allow","Action":["ims:images:list","ims:images:get"],"Resource":["*"]}]}`
		reference = `{"Version":"5.0","Statement":[{"Sid":"GrantsNoNewAccessOnce","Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`
	)
	parsed, checked := policy.Counts()
	r, err := server.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "grants_no_new_access", Arguments: []*tfprotov6.DynamicValue{arg(candidate), arg(reference)}})
	if err != nil || r.Error != nil {
		t.Fatalf("call: %v %v", err, r.Error)
	}
	if p, c := policy.Counts(); p-parsed > 2 || c-checked > 2 {
		t.Errorf("the call parsed %d and checked %d documents; want each of the 2 once at most", p-parsed, c-checked)
	}
}

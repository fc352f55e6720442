package policy

import (
	"errors"
	"testing"
)

func mustParseDoc(t *testing.T, src string) *Document {
	t.Helper()
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMerge(t *testing.T) {
	source := mustParseDoc(t, `{"Version":"5.0","Statement":[{"Sid":"Read","Effect":"Allow","Action":"ims:images:list"},{"Sid":"Quota","Effect":"Allow","Action":"ims:quotas:get"}]}`)
	override := mustParseDoc(t, `{"Version":"5.0","Statement":[{"Sid":"Quota","Effect":"Deny","Action":"ims:quotas:get"},{"Effect":"Allow","Action":"ims:images:getJob"}]}`)
	read := Statement{Sid: &Str{Value: "Read"}, Effect: &Str{Value: "Allow"}, Action: NewList("ims:images:list", "ims:images:get")}
	dup1 := Statement{Sid: &Str{Value: "Twice"}, Effect: &Str{Value: "Allow"}, Action: NewList("ims:images:upload")}
	dup2 := Statement{Sid: &Str{Value: "Twice"}, Effect: &Str{Value: "Allow"}, Action: NewList("ims:images:export")}

	doc, origins, err := Merge([]*Document{source}, []Statement{read, dup1, dup2}, []*Document{override})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"5.0","Statement":[` +
		`{"Sid":"Read","Effect":"Allow","Action":["ims:images:list","ims:images:get"]},` +
		`{"Sid":"Quota","Effect":"Deny","Action":["ims:quotas:get"]},` +
		`{"Sid":"Twice","Effect":"Allow","Action":["ims:images:upload"]},` +
		`{"Sid":"Twice","Effect":"Allow","Action":["ims:images:export"]},` +
		`{"Effect":"Allow","Action":["ims:images:getJob"]}]}`
	if got := string(doc.Minified()); got != want {
		t.Fatalf("merged\n%s\nwant\n%s", got, want)
	}
	wantOrigins := []Origin{{StatementLayer, 0}, {OverrideLayer, 0}, {StatementLayer, 1}, {StatementLayer, 2}, {OverrideLayer, 0}}
	for i, o := range origins {
		if o != wantOrigins[i] {
			t.Errorf("origin of statement %d: %+v, want %+v", i, o, wantOrigins[i])
		}
	}

	_, _, err = Merge([]*Document{source, source}, nil, nil)
	var dup *DuplicateSidError
	if !errors.As(err, &dup) || dup.Sid != "Read" || dup.Source != 1 {
		t.Fatalf("duplicate Sid in sources: %v", err)
	}
}

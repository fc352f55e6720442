package policy

import (
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// v3Doc builds a v3 document around one statement's inner JSON.
func v3Doc(stmt string) string { return `{"Version": "1.1", "Statement": [{` + stmt + `}]}` }

// TestV3PlantedMistakes plants one mistake of every v3 code in an otherwise clean v3
// document and checks the finding and its path; TestV3EveryCodeHasACase fails when a v3
// code has no row here.
var v3Planted = []struct {
	code, path, src string
}{
	{"malformed_json", "", `{"Version": "1.1", "Statement": [}`},
	{"wrong_type", "Statement[0].Action[0]", v3Doc(`"Effect": "Allow", "Action": [1]`)},
	{"v3_version", "Version", `{"Version": "1.2", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}`},
	{"v3_statement_count", "Statement", `{"Version": "1.1", "Statement": [` + strings.TrimSuffix(strings.Repeat(`{"Effect": "Allow", "Action": ["ims:images:list"]}, `, 9), ", ") + `]}`},
	{"v3_unknown_field", "Statement[0].NotResource", v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "NotResource": ["*"]`)},
	{"v3_not_a_list", `Statement[0].Condition["StringEquals"]["g:ProjectName"]`, v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEquals": {"g:ProjectName": "cn-north-4"}}`)},
	{"v3_depends", "Depends[0]", `{"Version": "1.0", "Statement": [{"Effect": "Allow", "Action": ["ims:*:*"]}], "Depends": [{"catalog": "BASE"}]}`},
	{"v3_document_too_large", "", v3TooLargeExample},
	{"v3_mixed_scope", "Statement", `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}, {"Effect": "Allow", "Action": ["cdn:*:*"]}]}`},
	{"v3_effect", "Statement[0]", v3Doc(`"Action": ["ims:images:list"]`)},
	{"v3_effect_case", "Statement[0].Effect", v3Doc(`"Effect": "DENY", "Action": ["ims:images:delete"]`)},
	{"v3_missing_action", "Statement[0]", v3Doc(`"Effect": "Deny"`)},
	{"v3_not_action", "Statement[0].NotAction", v3Doc(`"Effect": "Deny", "Action": ["ims:images:list"], "NotAction": ["ims:images:get"]`)},
	{"v3_action_count", "Statement[0].Action", v3Doc(`"Effect": "Allow", "Action": [` + strings.TrimSuffix(strings.Repeat(`"ims:images:list", `, 101), ", ") + `]`)},
	{"v3_action_too_long", "Statement[0].Action[1]", v3Doc(`"Effect": "Allow", "Action": ["ims:images:list", "ecs:servers:` + strings.Repeat("a", 117) + `"]`)},
	{"v3_action_format", "Statement[0].Action[0]", v3Doc(`"Effect": "Allow", "Action": ["ims:images:get!"]`)},
	{"v3_service_case", "Statement[0].Action[0]", v3Doc(`"Effect": "Allow", "Action": ["IMS:images:list"]`)},
	{"v3_action_question_mark", "Statement[0].Action[0]", v3Doc(`"Effect": "Allow", "Action": ["ims:images:?et"]`)},
	{"v3_unknown_action", "Statement[0].Action[0]", v3Doc(`"Effect": "Allow", "Action": ["ims:images:import"]`)},
	{"v3_resource", "Statement[0].Resource", v3Doc(`"Effect": "Allow", "Action": ["obs:bucket:*"], "Resource": {"uri": ["/iam/agencies/x"]}`)},
	{"v3_resource_too_long", "Statement[0].Resource[0]", v3Doc(`"Effect": "Allow", "Action": ["obs:bucket:*"], "Resource": ["obs:*:*:bucket:` + strings.Repeat("b", 114) + `"]`)},
	{"v3_ims_resource", "Statement[0].Resource[0]", v3Doc(`"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["obs:*:*:bucket:b"]`)},
	{"v3_condition_in_role", "Statement[0].Condition", `{"Version": "1.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"Bool": {"g:MFAPresent": ["true"]}}}]}`},
	{"v3_condition_limits", `Statement[0].Condition["StringEquals"]["g:UserName"][0]`, v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEquals": {"g:UserName": [""]}}`)},
	{"v3_unknown_operator", `Statement[0].Condition["NullIfExists"]`, v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"NullIfExists": {"g:UserName": ["true"]}}`)},
	{"v3_legacy_operator", `Statement[0].Condition["StringEndWithIfExists"]`, v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEndWithIfExists": {"g:UserName": ["-ops"]}}`)},
	{"v3_operator_type_mismatch", `Statement[0].Condition["BoolIfExists"]["g:UserName"]`, v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"BoolIfExists": {"g:UserName": ["true"]}}`)},
	{"v3_condition_value", `Statement[0].Condition["DateLessThan"]["g:CurrentTime"][0]`, v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"DateLessThan": {"g:CurrentTime": ["next week"]}}`)},
	{"v3_unknown_condition_key", `Statement[0].Condition["StringEquals"]["g:EnterpriseProjectId"]`, v3Doc(`"Effect": "Allow", "Action": ["ims:images:list"], "Condition": {"StringEquals": {"g:EnterpriseProjectId": ["0"]}}`)},
}

func TestV3PlantedMistakes(t *testing.T) {
	for _, tt := range v3Planted {
		t.Run(tt.code, func(t *testing.T) {
			fs := CheckV3Text([]byte(tt.src)).Findings()
			i := slices.IndexFunc(fs, func(f Finding) bool { return f.Code == tt.code })
			if i < 0 {
				t.Fatalf("findings %v, want %s", codes(fs), tt.code)
			}
			if fs[i].Path != tt.path {
				t.Errorf("path %q, want %q", fs[i].Path, tt.path)
			}
			if !fs[i].Pos.IsValid() {
				t.Errorf("finding %s has no position", fs[i])
			}
			if fs[i].Message == "" {
				t.Error("empty message")
			}
		})
	}
}

// Every code a v3 document can draw has a planted case above.
func TestV3EveryCodeHasACase(t *testing.T) {
	planted := map[string]bool{}
	for _, tt := range v3Planted {
		planted[tt.code] = true
	}
	for _, r := range Rules() {
		if r.Language == V3 && !planted[r.Code] {
			t.Errorf("v3 code %s has no planted case in v3Planted", r.Code)
		}
	}
}

// A clean v3 document draws nothing, and each v3 action (any case after the service) is known.
func TestV3CleanDocuments(t *testing.T) {
	var actions []string
	for _, a := range catalog.V3Actions() {
		actions = append(actions, `"`+a.Name+`"`, `"ims:`+strings.ToUpper(strings.TrimPrefix(a.Name, "ims:"))+`"`)
	}
	if len(actions) != 26 {
		t.Fatalf("%d v3 actions, want 13", len(actions)/2)
	}
	for _, src := range []string{
		v3Doc(`"Effect": "Allow", "Action": [` + strings.Join(actions, ", ") + `]`),
		v3Doc(`"Effect": "Deny", "Action": ["ims:images:delete"]`),
		v3Doc(`"Effect": "Allow", "Action": ["ims:*:*", "ims:*:get*", "ecs:*:list", "kms:*:*"], "Resource": ["*"]`),
		v3Doc(`"Effect": "Allow", "Action": ["obs:bucket:GetBucketAcl"], "Resource": ["obs:*:*:*:*/*", "obs:*:*:*:*"], "Condition": {"StringEquals": {"g:ProjectName": ["cn-north-4"]}, "ForAnyValue:StringMatch": {"g:UserName": ["dev-*"]}, "NumberLessThanIfExists": {"g:MFAAge": ["3600"]}, "DateGreaterThan": {"g:CurrentTime": ["2012-11-11T23:59:59Z"]}, "Null": {"g:UserId": ["false"]}}`),
		`{"Version": "1.0", "Statement": [{"Action": ["ims:*:*"], "Effect": "Allow"}], "Depends": [{"catalog": "BASE", "display_name": "Tenant Guest"}]}`,
	} {
		if fs := CheckV3Text([]byte(src)).Findings(); len(fs) != 0 {
			t.Errorf("%s: findings %v, want none", src, fs)
		}
	}
}

// ims:images:delete is a v3 action and is never a typo of the v5 deleteImage; the v5
// name, in a v3 document, is unknown with the v3 name suggested.
func TestV3DeleteIsNotATypo(t *testing.T) {
	if fs := CheckV3Text([]byte(v3Doc(`"Effect": "Deny", "Action": ["ims:images:delete"]`))).Findings(); len(fs) != 0 {
		t.Fatalf("ims:images:delete draws %v", fs)
	}
	fs := CheckV3Text([]byte(v3Doc(`"Effect": "Deny", "Action": ["ims:images:deleteImage", "ims:images:lst"]`))).Findings()
	if len(fs) != 2 || fs[0].Code != "v3_unknown_action" || !strings.Contains(fs[0].Message, `did you mean "ims:images:delete"?`) ||
		!strings.Contains(fs[0].Message, "IAM v5 action name") {
		t.Fatalf("findings %v", fs)
	}
	if !strings.Contains(fs[1].Message, `did you mean "ims:images:list"?`) || strings.Contains(fs[1].Message, "v5") {
		t.Errorf("ims:images:lst: %s", fs[1])
	}
	// A suggestion is always one of the 13 v3 names.
	for _, name := range []string{"ims:images:deleteImages", "ims:images:updateImage", "ims:images:getJob", "ims:serverImage:create"} {
		fs := CheckV3Text([]byte(v3Doc(`"Effect": "Deny", "Action": ["` + name + `"]`))).Findings()
		if len(fs) != 1 || fs[0].Code != "v3_unknown_action" {
			t.Fatalf("%s: %v", name, fs)
		}
		if _, s, ok := strings.Cut(fs[0].Message, "did you mean "); ok {
			s = strings.Trim(strings.TrimSuffix(s, "?"), `"`)
			if !slices.ContainsFunc(catalog.V3Actions(), func(a catalog.V3Action) bool { return a.Name == s }) {
				t.Errorf("%s: suggests %q, not a v3 action", name, s)
			}
		}
	}
}

// Findings carry the line and column of the element, as v5 findings do.
func TestV3FindingPositions(t *testing.T) {
	src := "{\"Version\": \"1.1\",\n \"Statement\": [{\"Effect\": \"Allow\",\n  \"Action\": [\"ims:images:list\", \"ims:images:lst\"]}]}"
	fs := CheckV3Text([]byte(src)).Findings()
	if len(fs) != 1 {
		t.Fatalf("findings %v", fs)
	}
	if got := fs[0].String(); !strings.HasPrefix(got, "line 3 col 33: Statement[0].Action[1]: error v3_unknown_action: ") {
		t.Errorf("got %s", got)
	}
}

// The operator and key tables are exported for the v3 evaluator: the union of the two
// documented sets, the 2022-only forms marked, and the eight v3 global keys.
func TestV3Tables(t *testing.T) {
	for base, want := range map[string]V3Operator{
		"StringEquals": {Type: "String"}, "StringMatch": {Type: "String"}, "StringStartWith": {Type: "String", Legacy: true},
		"StringEqualsAnyOf": {Type: "String", Legacy: true}, "NumberEqualsAnyOf": {Type: "Number", Legacy: true},
		"DateLessThan": {Type: "Date"}, "Bool": {Type: "Bool"}, "Null": {Type: "Bool"}, "IpAddress": {Type: "IP", Legacy: true},
		"IsNullOrEmpty": {Legacy: true},
	} {
		if got, ok := LookupV3Operator(base); !ok || got != want {
			t.Errorf("LookupV3Operator(%q) = %+v, %v; want %+v", base, got, ok, want)
		}
	}
	for _, base := range []string{"StringLikeAnyOf2", "ArnLike", "stringequals", "StringEqualsIfExists"} {
		if _, ok := LookupV3Operator(base); ok {
			t.Errorf("LookupV3Operator(%q) found", base)
		}
	}
	keys := V3GlobalKeys()
	if len(keys) != 8 || keys["g:MFAAge"] != "Number" || keys["g:CurrentTime"] != "Date" {
		t.Errorf("V3GlobalKeys() = %v", keys)
	}
	delete(keys, "g:UserId")
	if len(V3GlobalKeys()) != 8 {
		t.Error("V3GlobalKeys returns the table itself")
	}
}

package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// codes renders findings as "code@path" for comparison.
func codes(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Code + "@" + f.Path
	}
	return out
}

// TestRuleExamples checks every rule's example: it draws the rule's finding, with the
// rule's severity, and only for the purposes the rule is for.
func TestRuleExamples(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		t.Run(r.Code, func(t *testing.T) {
			if seen[r.Code] {
				t.Fatalf("code %s appears twice in the rules", r.Code)
			}
			seen[r.Code] = true
			if r.Summary == "" || r.Fix == "" || r.Example == "" {
				t.Fatalf("rule %s lacks a summary, fix or example", r.Code)
			}
			if r.Language == V3 {
				fs := CheckV3Text([]byte(r.Example)).Findings()
				i := slices.IndexFunc(fs, func(f Finding) bool { return f.Code == r.Code })
				if i < 0 {
					t.Fatalf("as v3, the example draws %v, not %s", codes(fs), r.Code)
				}
				if fs[i].Severity != r.Severity {
					t.Errorf("finding severity %s, rule says %s", fs[i].Severity, r.Severity)
				}
				if LanguageOf([]byte(r.Example)) != V3 && r.Code != "v3_version" {
					t.Errorf("the example of a v3 rule is not recognised as v3 by its Version")
				}
				return
			}
			for _, p := range []Purpose{Identity, SCP} {
				applies := (!r.SCPOnly || p == SCP) && (!r.IdentityOnly || p == Identity)
				_, fs := CheckJSON([]byte(r.Example), p)
				i := slices.IndexFunc(fs, func(f Finding) bool { return f.Code == r.Code })
				switch {
				case applies && i < 0:
					t.Errorf("as %s, the example draws %v, not %s", p, codes(fs), r.Code)
				case !applies && i >= 0:
					t.Errorf("as %s, the example draws %s, which is not for %s documents", p, r.Code, p)
				case i >= 0 && fs[i].Severity != r.Severity:
					t.Errorf("finding severity %s, rule says %s", fs[i].Severity, r.Severity)
				}
			}
		})
	}
}

// TestSeedPolicies checks the realistic policies under testdata: the findings each draws
// are the expected ones, and only those.
func TestSeedPolicies(t *testing.T) {
	want := map[string][]string{
		"conditions-every-type.json":  {"allow_all_write@Statement[0].Action", "deprecated_action@Statement[1].Action[0]"},
		"deny-cross-region-copy.json": nil,
		"deny-unencrypted.json":       nil,
		"ims-read-only.json":          nil,
		"mixed-services.json":         nil,
		"scp-deny-outside-regions.json": {
			`unknown_global_condition_key@Statement[0].Condition["StringNotEqualsIfExists"]["g:RequestedRegion"]`},
		"scp-full-access.json":  nil,
		"share-within-org.json": nil,
	}
	files, _ := filepath.Glob("testdata/policies/*.json")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p := Identity
			if strings.HasPrefix(name, "scp-") {
				p = SCP
			}
			_, fs := CheckJSON(src, p)
			if got := codes(fs); !slices.Equal(got, w) { // nil and empty are Equal
				t.Errorf("findings\n got: %q\nwant: %q\n%v", got, w, fs)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	const (
		v = `"Version": "5.0", `
	)
	tests := []struct {
		name    string
		purpose Purpose
		src     string
		want    []string // code@path, in order
		message string   // a substring of the first finding's message, when set
	}{
		// Actions.
		{name: "other services pass", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["obs:object:GetObject", "ecs:*:*", "obs:bucket:ListAllMyBuckets"], "Resource": ["*"]}]}`},
		{name: "action case does not matter", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["IMS:IMAGES:GET", "ims:Images:List"], "Resource": ["*"]}]}`},
		{name: "aliases and Table 2 names are known", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copy", "ims:images:update", "ims:images:deleteTags"], "Resource": ["*"]}]}`},
		{name: "an alias that grants more than its name", src: `{` + v + `"Statement": [{"Sid": "TagOnly", "Effect": "Allow", "Action": ["ims:images:update"], "Resource": ["*"]}]}`,
			want:    []string{"alias_grants_more@Statement[0].Action[0]"},
			message: `ims:images:update is an alias: allowing it also allows ims:images:deleteImage ("Deleting images", write) and ims:images:setTags ("Updating image tags", tagging), beyond what its name says (the vendor's Table 1 gives those actions the alias ims:images:update); that ims:images:deleteImage row is in doubt: the vendor's older (v3) permission tables give deleting an image the action ims:images:delete`},
		{name: "an alias allowed by an SCP", purpose: SCP, src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:update"], "Resource": ["*"]}]}`,
			want: []string{"alias_grants_more@Statement[0].Action[0]"}},
		{name: "a pattern matching an alias", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:get", "ims:images:upd*"], "Resource": ["*"]}]}`,
			want: []string{"alias_grants_more@Statement[0].Action[1]"}, message: `"ims:images:upd*" matches the alias ims:images:update: allowing it also allows ims:images:deleteImage (`},
		{name: "a pattern that matches deleteImage itself", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:*e"], "Resource": ["*"]}]}`,
			want: []string{"alias_grants_more@Statement[0].Action[0]"}, message: `"ims:images:*e" matches the alias ims:images:update: allowing it also allows ims:images:setTags (`},
		{name: "the actions the vendor recommends in place of an alias", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:share"], "Resource": ["*"]}]}`,
			want: []string{"deprecated_action@Statement[0].Action[0]"}},
		{name: "what the statement names outright is not beyond", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:update", "ims:images:deleteImage"], "Resource": ["*"]}]}`,
			want: []string{"alias_grants_more@Statement[0].Action[0]"}, message: `allowing it also allows ims:images:setTags ("Updating image tags", tagging), beyond what its name says (the vendor's Table 1 gives that action the alias ims:images:update); name`},
		{name: "aliases whose actions say their name, or only read", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:copy", "ims:images:list", "ims:images:cop*"], "Resource": ["*"]}]}`},
		{name: "a pattern matching the actions themselves", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:*"], "Resource": ["*"]}]}`},
		{name: "a read-only grant that exports", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:list", "ims:images:get", "ims:images:export", "ims:quotas:get"], "Resource": ["*"]}]}`,
			want: []string{"read_grant_includes_export@Statement[0].Action[2]"}, message: `this Allow statement grants only list and read actions (ims:images:list, ims:images:listOsVersion among them), but it names ims:images:export, which the vendor classes as read although it copies an image out to an OBS bucket`},
		{name: "a read-only pattern that exports", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:list*", "ims:*:ex*"], "Resource": ["*"]}]}`,
			want: []string{"read_grant_includes_export@Statement[0].Action[1]"}, message: `(ims:images:list, ims:images:listImageTags, ims:images:listOsVersion among them), but the pattern "ims:*:ex*" brings in ims:images:export`},
		{name: "export with get is an export grant", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:get", "ims:images:ex*"], "Resource": ["*"]}]}`},
		{name: "export with writes is not a read grant", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:list", "ims:images:export", "ims:images:create"], "Resource": ["*"]}]}`},
		{name: "a Deny of a read set with export", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:list", "ims:images:export"], "Resource": ["*"]}]}`},
		{name: "unknown action with suggestion", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:lst"]}]}`,
			want: []string{"unknown_action@Statement[0].Action[0]"}, message: `did you mean "ims:images:list"`},
		{name: "no suggestions for very long names", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:` + strings.Repeat("get", 100) + `"]}]}`,
			want: []string{"unknown_action@Statement[0].Action[0]"}, message: `; IMS actions are "ims:dataImages:*"`},
		{name: "IMS wildcard matching an alias only is fine", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:cop?"], "Resource": ["*"]}]}`},
		{name: "two-part pattern", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Resource": ["*"]}]}`},
		{name: "two-part name without wildcard", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images"]}]}`,
			want: []string{"malformed_action@Statement[0].Action[0]"}},
		{name: "empty action", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": [""]}]}`,
			want: []string{"malformed_action@Statement[0].Action[0]"}, message: "is empty"},
		{name: "a long s is not an s", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["imſ:images:share"]}]}`,
			want: []string{"malformed_action@Statement[0].Action[0]"}, message: "not ASCII"},
		{name: "the Kelvin sign is not a k in a pattern either", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ecs:\u212aeys:*"]}]}`,
			want: []string{"malformed_action@Statement[0].Action[0]"}, message: "not ASCII"},

		// Resources.
		{name: "alias of an action with a resource type takes a URN", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:list", "ims:images:copy"], "Resource": ["ims:cn-north-4:0a1b:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`},
		{name: "action without resource type named outright", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:get", "ims:images:create"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`,
			want: []string{"resource_not_supported@Statement[0].Action[1]"}, message: `move ims:images:create to a statement with "Resource": ["*"]`},
		{name: "wildcard warning leaves out actions named outright", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:get*", "ims:images:getJob"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`,
			want: []string{"wildcard_resource_not_supported@Statement[0].Action[0]", "resource_not_supported@Statement[0].Action[1]"}, message: `: ims:images:getTags; with`},
		{name: "no Resource means every resource", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:create"]}]}`},
		{name: "mixed services with their own URNs", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:export", "obs:object:PutObject"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f", "obs:*:*:object:exports/*"]}]}`},
		{name: "IMS URN with a wildcard type", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:*:*:*:abc"]}]}`},
		{name: "upper-case region", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:CN-North-4:0a1b:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`,
			want: []string{"malformed_urn@Statement[0].Resource[0]"}, message: "region"},
		{name: "NotResource URNs are checked too", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:deleteImage"], "NotResource": ["image-abc"]}]}`,
			want: []string{"malformed_urn@Statement[0].NotResource[0]"}},
		{name: "NotAction statements take any URN", src: `{` + v + `"Statement": [{"Effect": "Deny", "NotAction": ["ims:images:get"], "Resource": ["obs:*:*:bucket:x"]}]}`},
		{name: "star action takes any URN", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["obs:*:*:bucket:x"]}]}`},

		// Conditions.
		{name: "key associated by inference", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Resource": ["*"], "Condition": {"StringNotEquals": {"ims:Region": ["cn-north-4"]}}}]}`},
		{name: "key through an alias", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copy"], "Resource": ["*"], "Condition": {"StringNotEquals": {"ims:Region": ["cn-north-4"]}}}]}`},
		{name: "key not associated, stated", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:deleteImage"], "Condition": {"StringEquals": {"ims:Region": ["cn-north-4"]}}}]}`,
			want: []string{`unassociated_condition_key@Statement[0].Condition["StringEquals"]["ims:Region"]`}, message: "the condition is on ims:Region, which ims:images:deleteImage is not known to receive (stated: the vendor's table of actions lists no such key for it), so it is decided on an absent key"},
		{name: "key not associated, inferred", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:create"], "Condition": {"StringEquals": {"ims:Region": ["cn-north-4"]}}}]}`,
			want: []string{`unassociated_condition_key@Statement[0].Condition["StringEquals"]["ims:Region"]`}, message: "ims:Region, which ims:images:create is not known to receive (inferred: the seed lost the condition key cell of ims:images:create"},
		{name: "key with no IMS action", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["obs:object:GetObject"], "Condition": {"Bool": {"ims:Encrypted": ["false"]}}}]}`,
			want: []string{`unassociated_condition_key@Statement[0].Condition["Bool"]["ims:Encrypted"]`}, message: "ims:Encrypted, which only IMS actions are known to receive (stated: the vendor's page says ims: keys apply only to operations of IMS), and this statement has none"},
		{name: "NotAction covers the key's actions", src: `{` + v + `"Statement": [{"Effect": "Deny", "NotAction": ["ims:images:get"], "Condition": {"StringNotEquals": {"ims:Region": ["cn-north-4"]}}}]}`},
		{name: "global keys apply to every action", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:get"], "Condition": {"StringNotEquals": {"g:ResourceTag/team": ["images"], "g:PrincipalOrgPath": ["o-1/r-1/"]}, "Bool": {"g:MFAPresent": ["false"]}}}]}`},
		{name: "other services' keys pass", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["obs:object:GetObject"], "Condition": {"StringEquals": {"obs:prefix": ["x"]}}}]}`},
		{name: "qualifier on a single-valued key says what it is on an absent key", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"ForAnyValue:StringNotEquals": {"ims:Region": ["cn-north-4"]}}}]}`,
			want: []string{`qualifier_on_single_valued_key@Statement[0].Condition["ForAnyValue:StringNotEquals"]["ims:Region"]`}, message: `(ForAnyValue:StringNotEquals is false whenever the key is absent), StringNotEquals is true; write "StringNotEquals"`},
		{name: "ForAllValues on a single-valued key is true on an absent key", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"ForAllValues:StringEquals": {"ims:Region": ["cn-north-4"]}}}]}`,
			want: []string{`qualifier_on_single_valued_key@Statement[0].Condition["ForAllValues:StringEquals"]["ims:Region"]`}, message: `(ForAllValues:StringEquals is true whenever the key is absent), StringEquals is false`},
		{name: "qualifier on a multi-valued key", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:addMember"], "Resource": ["*"], "Condition": {"ForAllValues:StringStartWith": {"ims:TargetOrgPaths": ["o-1/"]}}}]}`},
		{name: "Null fits every key", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"Null": {"ims:Region": ["true"]}}}]}`},
		{name: "Null takes booleans", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"Null": {"ims:Region": ["maybe"]}}}]}`,
			want: []string{`invalid_condition_value@Statement[0].Condition["Null"]["ims:Region"][0]`}},
		{name: "NullIfExists", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:copyCrossRegion"], "Condition": {"NullIfExists": {"ims:Region": ["true"]}}}]}`,
			want: []string{`unknown_operator@Statement[0].Condition["NullIfExists"]`}, message: `write "Null"`},
		{name: "operator case", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Condition": {"stringEquals": {"g:UserName": ["a"]}}}]}`,
			want: []string{`unknown_operator@Statement[0].Condition["stringEquals"]`}, message: `did you mean "StringEquals"?`},
		{name: "misspelt qualifier and suffix", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Condition": {"ForAnyValues:StringEqualsifexists": {"g:TagKeys": ["a"]}}}]}`,
			want: []string{`unknown_operator@Statement[0].Condition["ForAnyValues:StringEqualsifexists"]`}, message: `did you mean "ForAnyValue:StringEqualsIfExists"?`},
		{name: "bad date, CIDR and number", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Condition": {"DateLessThan": {"g:CurrentTime": ["2026-13-01"]}, "IpAddress": {"g:SourceIp": ["10.0.0.0/33"]}, "NumberLessThan": {"obs:max-keys": ["ten"]}}}]}`,
			want: []string{`invalid_condition_value@Statement[0].Condition["DateLessThan"]["g:CurrentTime"][0]`, `invalid_condition_value@Statement[0].Condition["IpAddress"]["g:SourceIp"][0]`, `invalid_condition_value@Statement[0].Condition["NumberLessThan"]["obs:max-keys"][0]`}},
		{name: "IfExists and qualifiers on known operators", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Condition": {"DateGreaterThanIfExists": {"g:CurrentTime": ["2026-01-01T00:00:00Z"]}, "ForAnyValue:StringEqualsIgnoreCase": {"g:TagKeys": ["Owner"]}}}]}`},
		{name: "empty condition values", src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Condition": {"StringEquals": {"g:UserName": []}}}]}`,
			want: []string{`empty_list@Statement[0].Condition["StringEquals"]["g:UserName"]`}},

		// Statements and documents.
		{name: "effect case", src: `{` + v + `"Statement": [{"Effect": "DENY", "Action": ["ims:*"]}]}`,
			want: []string{"unknown_effect@Statement[0].Effect"}, message: `must be written "Deny"`},
		{name: "principal", src: `{` + v + `"Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["ims:*"]}]}`,
			want: []string{"unknown_field@Statement[0].Principal"}, message: "have no Principal"},
		{name: "top-level unknown field", src: `{"Id": "x", ` + v + `"statement": []}`,
			want: []string{"missing_statement@Statement", "unknown_field@Id", "unknown_field@statement"}},
		{name: "duplicate sids name the first", src: `{` + v + `"Statement": [{"Sid": "A", "Effect": "Deny", "Action": ["ims:*"]}, {"Sid": "B", "Effect": "Deny", "Action": ["ims:*"]}, {"Sid": "A", "Effect": "Deny", "Action": ["ims:*"]}]}`,
			want: []string{"duplicate_sid@Statement[2].Sid"}, message: "Statement[0]"},
		{name: "findings in document order", src: `{"Statement": [{"Effect": "Allow", "Action": ["ims:images:gett"], "NotAction": ["x:y:z"]}, {"Effect": "Maybe"}]}`,
			want: []string{"missing_version@", "unknown_action@Statement[0].Action[0]", "action_and_not_action@Statement[0].NotAction", "allow_not_action@Statement[0].NotAction", "missing_action@Statement[1]", "unknown_effect@Statement[1].Effect"}},

		// Purposes.
		{name: "full access SCP", purpose: SCP, src: `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`},
		{name: "full access identity policy", src: `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`,
			want: []string{"allow_all_write@Statement[0].Action"}},
		{name: "not every write action", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:*"], "Resource": ["*"]}]}`},
		{name: "SCP Allow without Resource", purpose: SCP, src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:*"]}]}`},
		{name: "SCP Deny with NotAction, Condition and URNs", purpose: SCP, src: `{` + v + `"Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "Resource": ["ims:*:*:image:*"], "Condition": {"StringNotEquals": {"g:PrincipalOrgPath": ["o-1/r-1/"]}}}]}`},
		{name: "a star among the resources covers actions without resource type", src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:images:*", "ims:quotas:get"], "Resource": ["ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f", "*"]}]}`},
		{name: "SCP Allow with many resources", purpose: SCP, src: `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["ims:*"], "Resource": ["*", "ims:*:*:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f"]}]}`,
			want: []string{"scp_allow_resource@Statement[0].Resource"}},
		{name: "SCP question mark before the end", purpose: SCP, src: `{` + v + `"Statement": [{"Effect": "Deny", "NotAction": ["ims:images:?et"]}]}`,
			want: []string{"scp_wildcard_position@Statement[0].NotAction[0]"}, message: `"ims:images:*"`},
		{name: "SCP trailing wildcards", purpose: SCP, src: `{` + v + `"Statement": [{"Effect": "Deny", "Action": ["ims:images:get*", "ims:images:get?*"]}]}`},
		{name: "SCP size limit", purpose: SCP, src: sized(5200),
			want: []string{"document_too_large@"}, message: "the limit for an scp document is 5,120"},
		{name: "identity size under the limit", src: sized(5200)},
		{name: "size counts no white space", src: sized(6000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, fs := CheckJSON([]byte(tt.src), tt.purpose)
			if got := codes(fs); !slices.Equal(got, tt.want) { // nil and empty are Equal
				t.Fatalf("findings\n got: %q\nwant: %q\n%s", got, tt.want, fs)
			}
			if tt.message != "" && !strings.Contains(fs[0].Message, tt.message) {
				t.Errorf("message %q does not contain %q", fs[0].Message, tt.message)
			}
		})
	}
}

// sized returns an identity policy of about n characters, not counting white space, with
// a lot of white space on top.
func sized(n int) string {
	var b strings.Builder
	b.WriteString(`{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": [`)
	for b.Len() < n+len("        ")*n/24 {
		b.WriteString(`"obs:object:GetObject",        `)
	}
	b.WriteString(`"obs:object:PutObject"]}]}`)
	return b.String()
}

func TestCheckJSONSyntaxError(t *testing.T) {
	d, fs := CheckJSON([]byte(`{"Version": "5.0", "Statement": [{}, {"Sid": "x", "Action": {}}]}`), Identity)
	if d != nil || len(fs) != 1 {
		t.Fatalf("got %v, %v", d, fs)
	}
	want := Finding{Severity: Error, Code: "wrong_type", At: StatementAt(1, ActionElement), Path: "Statement[1].Action",
		Pos: Pos{Offset: 60, Line: 1, Column: 61}, Message: `must be a string or a list of strings, ["...", ...], not an object`}
	if fs[0] != want {
		t.Errorf("got  %#v\nwant %#v", fs[0], want)
	}
	_, fs = CheckJSON([]byte(`{"Version": "5.0"`), SCP)
	if len(fs) != 1 || fs[0].Code != "malformed_json" || fs[0].At != DocumentAt(NoElement) {
		t.Errorf("got %v", fs)
	}
}

func TestFindingString(t *testing.T) {
	_, fs := CheckJSON([]byte("{\"Version\": \"5.0\",\n \"Statement\": [{\"Sid\": \"X\", \"Effect\": \"Allow\",\n  \"Action\": [\"ims:images:get\", \"ims:images:gte\"]}]}"), Identity)
	want := `line 3 col 32: Statement[0].Action[1] (Sid "X"): error unknown_action: "ims:images:gte" is not an IMS action; did you mean "ims:images:get"?`
	if len(fs) != 1 || fs[0].String() != want {
		t.Errorf("got  %v\nwant %s", fs, want)
	}
	doc := Finding{Severity: Warning, Code: "missing_version", At: DocumentAt(NoElement), Message: "m"}
	if got := doc.String(); got != "warning missing_version: m" {
		t.Errorf("got %q", got)
	}
}

func TestSuggestOperator(t *testing.T) {
	for name, want := range map[string]string{
		"StringEqual":                  "StringEquals",
		"stringequals":                 "StringEquals",
		"StringEqualsIfexists":         "StringEqualsIfExists",
		"ForAllValue:StringEquals":     "ForAllValues:StringEquals",
		"forAnyValue:StringStartsWith": "ForAnyValue:StringStartWith",
		"NullIfExists":                 "Null",
		"IpAddres":                     "IpAddress",
		"ArnEquals":                    "",
		"Foo:StringEquals":             "",
		"StringEquals":                 "",
	} {
		if got := suggestOperator(name); got != want {
			t.Errorf("suggestOperator(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPurpose(t *testing.T) {
	for _, p := range []Purpose{Identity, SCP} {
		got, err := ParsePurpose(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePurpose(%q) = %v, %v", p, got, err)
		}
	}
	if _, err := ParsePurpose("Identity"); err == nil || !strings.Contains(err.Error(), `write "identity" or "scp"`) {
		t.Errorf("ParsePurpose(Identity) error = %v", err)
	}
	if Identity.MaxChars() != 6144 || SCP.MaxChars() != 5120 {
		t.Error("size limits")
	}
	if fmt.Sprint(Purpose(7), Severity(0)) != "Purpose(7) Severity(0)" {
		t.Error("String of out-of-range values")
	}
}

func TestUnassociatedKeyWithoutAnyAction(t *testing.T) {
	_, findings := CheckJSON([]byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:export"],"Resource":["*"],"Condition":{"ForAnyValue:StringEquals":{"ims:TargetBucketOrgPaths":["o-1/r-1/"]}}}]}`), Identity)
	for _, f := range findings {
		if f.Code == "unassociated_condition_key" {
			if strings.Contains(f.Message, "use it with ,") || !strings.Contains(f.Message, "associates it with no IMS action") {
				t.Fatalf("message: %s", f.Message)
			}
			return
		}
	}
	t.Fatalf("no unassociated_condition_key finding: %v", findings)
}

// TestFindingLocations: a finding says where it is as data, and its path prints that.
func TestFindingLocations(t *testing.T) {
	src := `{"Version": "5.0", "Principal": "x", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["*"]},
	  {"Effect": "Allow", "Action": ["ims:images:gte"], "Resource": ["*"], "Condition": {"NumberLessThan": {"g:ImageSizeGB": ["1", "x"]}}}]}`
	_, fs := CheckJSON([]byte(src), Identity)
	got := map[string]Location{}
	for _, f := range fs {
		if f.Path != f.At.String() {
			t.Errorf("%s: path %q, location %+v", f.Code, f.Path, f.At)
		}
		got[f.Code] = f.At
	}
	want := map[string]Location{
		"unknown_field":           DocumentAt("Principal"),
		"unknown_action":          StatementAt(1, ActionElement).Item(0),
		"invalid_condition_value": StatementAt(1, ConditionElement).InCondition("NumberLessThan", "g:ImageSizeGB").Item(1),
	}
	for code, at := range want {
		if got[code] != at {
			t.Errorf("%s at %+v, want %+v", code, got[code], at)
		}
	}
	if s := want["invalid_condition_value"].String(); s != `Statement[1].Condition["NumberLessThan"]["g:ImageSizeGB"][1]` {
		t.Errorf("printed %s", s)
	}
	// Syntax errors too.
	_, fs = CheckJSON([]byte(`{"Version": "5.0", "Statement": [{"Effect": "Allow", "Condition": {"Bool": {"g:MFAPresent": [true]}}}]}`), Identity)
	if len(fs) != 1 || fs[0].At != StatementAt(0, ConditionElement).InCondition("Bool", "g:MFAPresent").Item(0) {
		t.Fatalf("syntax error findings %+v", fs)
	}
}

// A document that is not JSON says so; an IAM v3 document says what it is.
func TestCheckMessagesSayWhatTheDocumentIs(t *testing.T) {
	for _, tc := range []struct {
		src     string
		purpose Purpose
		code    string
		want    string
	}{
		{`{"Version": "5.0", `, Identity, "malformed_json", "the document is not valid JSON: "},
		{`{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}`, Identity, "wrong_version", `Version "1.1" is an IAM v3 custom policy (a role's document), not a v5 identity policy`},
		{`{"Version":"1.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`, SCP, "wrong_version", `Version "1.0" is an IAM v3 custom policy (a role's document), not a v5 service control policy`},
		{`{"Version":"4.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}`, Identity, "wrong_version", `Version "4.0" is not supported`},
	} {
		_, fs := CheckJSON([]byte(tc.src), tc.purpose)
		found := false
		for _, f := range fs {
			if f.Code == tc.code && strings.Contains(f.Message, tc.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %s saying %q, got %v", tc.src, tc.code, tc.want, fs)
		}
	}
}

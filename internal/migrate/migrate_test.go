package migrate

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

func migrateText(t *testing.T, text string) Result {
	t.Helper()
	return Migrate(policy.CheckV3Text([]byte(text)), analysis.Budget{})
}

// A migration that the v5 size limit does not hold is no document, with the checker's
// finding as the reason: 8 statements of 40 OBS actions fit v3's limits and not v5's
// 6,144 characters once every statement also gets the 20 v5 names of ims:*:*.
func TestMigrateSizeLimit(t *testing.T) {
	var sts []string
	for i := range 8 {
		var acts []string
		for j := range 12 {
			acts = append(acts, fmt.Sprintf(`"obs:object:Get%02d%02d"`, i, j))
		}
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":["ims:*:*",%s],"Condition":{"StringEquals":{"g:UserName":["u%d"]}}}`, strings.Join(acts, ","), i))
	}
	text := `{"Version":"1.1","Statement":[` + strings.Join(sts, ",") + `]}`
	if n := policy.Chars([]byte(text)); n > policy.MaxIdentityChars {
		t.Fatalf("the v3 document is %d characters: over the limit itself", n)
	}
	r := migrateText(t, text)
	if r.Document != "" || r.Verdict != apicall.Unknown || !slices.ContainsFunc(r.Problems, func(p string) bool { return strings.Contains(p, "document_too_large") }) {
		t.Errorf("document %d bytes, verdict %s, problems %v", len(r.Document), r.Verdict, r.Problems)
	}
}

// Conditions carry over as the v3 evaluator reads them, and the proof holds: StringLike
// becomes StringMatch, …AnyOf its base operator; g:MFAAge, which v5 does not have, is
// kept with a note and the checker's warning.
func TestMigrateConditions(t *testing.T) {
	r := migrateText(t, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:get"],
		"Condition":{"StringLike":{"g:UserName":["ops"]},"StringEqualsAnyOf":{"g:ProjectName":["cn-north-4","cn-east-3"]},"NumberLessThan":{"g:MFAAge":["300"]}}}]}`)
	if r.Verdict != apicall.Equivalent {
		t.Fatalf("%s %s %v", r.Verdict, r.Reason, r.Problems)
	}
	for _, want := range []string{`"StringMatch": {`, `"*ops*"`, `"StringEquals": {`, `"cn-east-3"`, `"NumberLessThan": {`} {
		if !strings.Contains(r.Document, want) {
			t.Errorf("the document lacks %s:\n%s", want, r.Document)
		}
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool {
		return strings.HasPrefix(n, "g:MFAAge is a v3 global condition key with no v5 counterpart")
	}) ||
		!slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "unknown_global_condition_key") }) {
		t.Errorf("notes: %v", r.Notes)
	}
}

// The wildcard is expanded before mapping: ims:images:* in v3 never becomes ims:images:*
// in v5, which would grant import and getJob.
func TestMigrateExpandsWildcards(t *testing.T) {
	r := migrateText(t, `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:*"]}]}`)
	for _, bad := range []string{`"ims:images:*"`, `"ims:images:import"`, `"ims:images:getJob"`, `"ims:serverImages:create"`} {
		if strings.Contains(r.Document, bad) {
			t.Errorf("the document has %s:\n%s", bad, r.Document)
		}
	}
	if !strings.Contains(r.Document, `"ims:images:copyInRegion"`) || !strings.Contains(r.Document, `"ims:images:deleteImage"`) {
		t.Errorf("document:\n%s", r.Document)
	}
}

// A 1.0 role with Depends (the vendor's example, reference notes §3.6): its own statements
// carry over, and the note says which roles it depends on.
func TestMigrateDepends(t *testing.T) {
	r := migrateText(t, `{"Version": "1.0", "Statement": [{"Action": ["WebScan:*:*"], "Effect": "Allow"}],
		"Depends": [{"catalog": "BASE", "display_name": "Server Administrator"}, {"catalog": "BASE", "display_name": "Tenant Guest"}]}`)
	if !strings.Contains(r.Document, `"WebScan:*:*"`) || !slices.ContainsFunc(r.Notes, func(n string) bool {
		return strings.HasPrefix(n, "the role depends on Server Administrator, Tenant Guest (Depends)")
	}) {
		t.Errorf("%s\n%v", r.Document, r.Notes)
	}
}

// An Effect that is neither Allow nor Deny, or a statement without Action, is not guessed.
func TestMigrateRefusesMalformed(t *testing.T) {
	for _, text := range []string{
		`{"Version":"1.1","Statement":[{"Effect":"Allows","Action":["ims:images:get"]}]}`,
		`{"Version":"1.1","Statement":[{"Effect":"Allow"}]}`,
	} {
		if r := migrateText(t, text); r.Document != "" || r.Verdict != apicall.Unknown || len(r.Problems) != 1 {
			t.Errorf("%s: %s %v", text, r.Verdict, r.Problems)
		}
	}
}

package catalog_test

// This test reads the vendor page the catalog was transcribed from (the "seed", a flattened
// text copy of Huawei Cloud's "IMS identity policy elements" page) and checks the catalog
// against it cell by cell wherever the seed has the cell, so that the two can never drift
// apart silently.
//
// The seed lives in the steering repository beside the clone:
// <repo>/../shared/seed/ims-identity-policy-elements.txt. CI has it; a user's clone does not,
// and there the test skips and says why. IMS_SEED_FILE overrides the location.
//
// The flattened text has one paragraph per table cell (paragraphs are separated by blank
// lines) and bullets start with "  • ". Some cells were lost in the flattening: in Table 1
// the lost cell is always the Condition Key (the other cells line up), so a row has six
// cells, or five when its Condition Key cell was lost. The ims:images:share row's
// Description cell is preceded by a "NOTE:" block with the deprecation note and a bullet list
// of the recommended actions. In Table 2 bullet lists of adjacent cells can run together
// without a blank line between them, so Table 2 is read line by line.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// seedEnv names the environment variable that overrides the seed's location.
const seedEnv = "IMS_SEED_FILE"

// defaultSeedPath is the seed's location relative to this package's directory (the test's
// working directory): the repository root is two levels up, and the steering repository's
// shared/ directory is beside the clone.
var defaultSeedPath = filepath.Join("..", "..", "..", "shared", "seed", "ims-identity-policy-elements.txt")

// seedTypos are the seed's known typos in Table 2's API methods and what the catalog writes
// instead. "OST /v2/cloudimages/quickimport/action" is POST.
var seedTypos = map[string]string{"OST": "POST"}

// readSeed returns the seed's text, or skips the test when the seed is not there.
func readSeed(t *testing.T) string {
	t.Helper()
	if path := os.Getenv(seedEnv); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading the seed (%s=%q): %v", seedEnv, path, err)
		}
		return string(b)
	}
	return readShared(t, defaultSeedPath, "seed file", "; set "+seedEnv+" to check the catalog against a copy of the seed")
}

// readShared returns the text of a file of the steering repository's shared/ directory, or
// skips the test when it is not beside the clone (CI has it, a user's clone does not).
func readShared(t *testing.T, path, what, hint string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		abs, _ := filepath.Abs(path)
		t.Skipf("%s %s is not there: it lives in the steering repository's shared/ directory beside the clone, which CI has and a user's clone does not%s", what, abs, hint)
	}
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return string(b)
}

// TestCatalogMatchesSeed compares every cell the seed has with the catalog.
func TestCatalogMatchesSeed(t *testing.T) {
	text := readSeed(t)
	problems := compareSeed(text)
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) == 0 {
		s, _ := parseSeed(text)
		t.Logf("catalog matches the seed: %d actions, %d API rows, %d resource types, %d condition keys",
			len(s.actions), len(s.apiRows), len(s.resources), len(s.keys))
	}

	t.Run("OST typo is POST", func(t *testing.T) {
		s, errs := parseSeed(text)
		if len(errs) > 0 {
			t.Skip("the seed did not parse; see the parent test")
		}
		const path = "/v2/cloudimages/quickimport/action"
		seedMethod := ""
		for _, row := range s.apiRows {
			if row.action != "ims:serverImages:create" {
				continue
			}
			for _, api := range row.apis {
				if api.Path == path {
					seedMethod = api.Method
				}
			}
		}
		switch seedMethod {
		case "OST":
		case "POST":
			t.Logf("the seed now writes POST %s in the ims:serverImages:create row: the OST typo is fixed", path)
		default:
			t.Fatalf("Table 2 row ims:serverImages:create: the seed has no OST/POST %s (method %q)", path, seedMethod)
		}
		found := false
		for _, row := range catalog.APIRows() {
			for _, api := range row.APIs {
				if api.Method == "OST" {
					t.Errorf("Table 2 row %s: the catalog keeps the seed's typo OST %s; it must be POST", row.Action, api.Path)
				}
				if row.Action == "ims:serverImages:create" && api.Path == path {
					found = true
					if api.Method != "POST" {
						t.Errorf("Table 2 row ims:serverImages:create, API %s: catalog method %q, want POST (the seed's OST is a typo)", path, api.Method)
					}
				}
			}
		}
		if !found {
			t.Errorf("Table 2 row ims:serverImages:create: the catalog lacks POST %s", path)
		}
	})
}

// TestSeedCheckerDetectsDrift feeds the comparison deliberately altered copies of the seed
// and asserts that it reports each alteration, naming the row and the cell: a checker that
// cannot fail would prove nothing.
func TestSeedCheckerDetectsDrift(t *testing.T) {
	text := readSeed(t)
	if problems := compareSeed(text); len(problems) > 0 {
		t.Skip("the unaltered seed does not match the catalog; see TestCatalogMatchesSeed")
	}
	cases := []struct {
		name     string
		old, new string
		// want are substrings that one reported problem must all contain; none means the
		// alteration must be accepted.
		want []string
	}{
		{"description", "\n\nViewing images\n\n", "\n\nViewing all images\n\n",
			[]string{"row ims:images:list", "Description", "Viewing all images"}},
		{"access level", "Updating image tags\n\ntagging\n", "Updating image tags\n\nwrite\n",
			[]string{"row ims:images:setTags", "Access Level"}},
		{"required resource type dropped", "Exporting images\n\nread\n\nimage *\n", "Exporting images\n\nread\n\n-\n",
			[]string{"row ims:images:export", "Resource Type"}},
		{"resource type no longer required", "Uploading images\n\nwrite\n\nimage *\n", "Uploading images\n\nwrite\n\nimage\n",
			[]string{"row ims:images:upload", "Resource Type"}},
		{"stated condition key", "\n\ng:EnterpriseProjectId\n\n", "\n\ng:EnterpriseProjectID\n\n",
			[]string{"row ims:images:list", "Condition Key"}},
		{"condition key added to a row that has none", "Querying the image quota\n\nread\n\n-\n\n-\n", "Querying the image quota\n\nread\n\n-\n\nims:Region\n",
			[]string{"row ims:quotas:get", "Condition Key"}},
		{"row loses its Condition Key cell", "Updating image information\n\nwrite\n\nimage *\n\n-\n\n-\n", "Updating image information\n\nwrite\n\nimage *\n\n-\n",
			[]string{"row ims:images:updateImage", "Condition Key", "lost"}},
		{"alias", "Querying progresses of asynchronous tasks\n\nread\n\n-\n\n-\n\nims:images:list\n", "Querying progresses of asynchronous tasks\n\nread\n\n-\n\n-\n\nims:images:get\n",
			[]string{"row ims:images:getJob", "Alias"}},
		{"recommended action dropped", "  • ims:images:deleteMember\n", "",
			[]string{"row ims:images:share", "recommended"}},
		{"deprecation note reworded", "The action ims:images:share is not recommended.", "The action ims:images:share is deprecated.",
			[]string{"row ims:images:share", "NOTE"}},
		{"row removed", "ims:images:listImageTags\n\nQuerying project tags\n\nlist\n\n-\n\n-\n\n-\n\n", "",
			[]string{"ims:images:listImageTags", "not in the seed"}},
		{"row added", "ims:images:listImageTags\n\nQuerying project tags\n", "ims:images:listMembers\n\nQuerying members\n\nlist\n\n-\n\n-\n\n-\n\nims:images:listImageTags\n\nQuerying project tags\n",
			[]string{"row ims:images:listMembers", "not in the catalog"}},
		{"Table 1 header", "\n\nAlias\n\n", "\n\nAliases\n\n",
			[]string{"Table 1", "header"}},
		{"API method", "GET /v1/cloudimages/quota\n", "POST /v1/cloudimages/quota\n",
			[]string{"(ims:quotas:get)", "cell API"}},
		{"API path", "GET /v1/cloudimages/os_version\n", "GET /v1/cloudimages/os_versions\n",
			[]string{"(ims:images:listOsVersion)", "cell API"}},
		{"API note", "(required only for enterprise project migration)", "(required only for migration)",
			[]string{"(ims:serverImages:create)", "note", "required only for migration"}},
		{"API added to a row", "PUT /v1/cloudimages/tags\n", "PUT /v1/cloudimages/tags\n\nPUT /v2/images/{image_id}/tags\n",
			[]string{"(ims:images:setTags)", "cell API"}},
		{"dependency", "  • obs:object:PutObject\n", "  • obs:object:PutObjectAcl\n",
			[]string{"(ims:images:export)", "cell Dependencies"}},
		{"dependency dropped", "ims:images:copyInRegion\n\nims:serverImages:create\n", "ims:images:copyInRegion\n\n-\n",
			[]string{"(ims:images:copyInRegion)", "cell Dependencies"}},
		{"Table 2 action", "GET /v1/cloudimages/job/{job_id}\n\nims:images:getJob\n", "GET /v1/cloudimages/job/{job_id}\n\nims:images:getJobs\n",
			[]string{"Table 2 row 18 (ims:images:getJobs), cell Action"}},
		{"Table 2 rows swapped", "GET /v1/cloudimages/tags\n\nims:images:getTags\n\n-\n\nDELETE /v2/images/{image_id}\n\nims:images:deleteImage\n",
			"DELETE /v2/images/{image_id}\n\nims:images:deleteImage\n\n-\n\nGET /v1/cloudimages/tags\n\nims:images:getTags\n",
			[]string{"Table 2", "order"}},
		{"unknown method typo", "GET /v1/cloudimages/tags\n", "ET /v1/cloudimages/tags\n",
			[]string{"(ims:images:getTags)", "method \"ET\""}},
		{"OST typo fixed in the seed", "\n  • OST /v2/cloudimages/quickimport/action", "\n  • POST /v2/cloudimages/quickimport/action",
			nil},
		{"URN format", "ims:<region>:<account-id>:image:<image-id>\n", "ims:<region>:<account-id>:image:<id>\n",
			[]string{"Table 3", "URN"}},
		{"resource type name", "\n\nImage\n\nims:<region>", "\n\nSnapshot\n\nims:<region>",
			[]string{"Table 3", "snapshot"}},
		{"Table 3 lost", "Table 3 Resource types supported by IMS\n", "Table 3 (moved)\n",
			[]string{"Table 3", "not found"}},
		{"key value type", "ims:Encrypted\n\nboolean\n", "ims:Encrypted\n\nstring\n",
			[]string{"row ims:Encrypted", "Value Type"}},
		{"key multivalued", "ims:Region\n\nstring\n\nSingle-valued\n", "ims:Region\n\nstring\n\nMultivalued\n",
			[]string{"row ims:Region", "Single-valued/Multivalued"}},
		{"key description", "Filters access based on the specified AZ.", "Filters access based on the specified availability zone.",
			[]string{"Table 4 row ims:SourceAvailabilityZone, cell Description"}},
		{"key description an inference quotes", "Controls cross-region replication based on", "Governs cross-region replication based on",
			[]string{"row ims:images:copyCrossRegion", "ims:Region", "Reason"}},
		{"key added", "ims:Region\n\nstring\n", "ims:Regions\n\nstring\n\nMultivalued\n\nRegions.\n\nims:Region\n\nstring\n",
			[]string{"row ims:Regions", "not in the catalog"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if n := strings.Count(text, tc.old); n != 1 {
				t.Fatalf("the alteration's old text occurs %d times in the seed, want exactly once: %q", n, tc.old)
			}
			problems := compareSeed(strings.Replace(text, tc.old, tc.new, 1))
			if tc.want == nil {
				for _, p := range problems {
					t.Errorf("unexpected problem: %s", p)
				}
				return
			}
			for _, p := range problems {
				if containsAll(p, tc.want) {
					t.Logf("reported: %s", p)
					return
				}
			}
			t.Errorf("no reported problem contains all of %q; problems:\n  %s", tc.want, strings.Join(problems, "\n  "))
		})
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------------------
// Parsing the seed

type seedAction struct {
	name        string
	description string
	accessLevel string
	resource    []string // the Resource Type cell's values, "image *" for a required image
	keys        []string // the Condition Key cell's values; nil with keysLost
	keysLost    bool     // the row lost its Condition Key cell
	aliases     []string
	note        string   // the NOTE: block's text before its bullets, empty without one
	recommended []string // the NOTE: block's bullets
}

type seedAPIRow struct {
	apis         []catalog.APIRef
	action       string
	dependencies []string
}

type seedResource struct{ name, urn string }

type seedKey struct{ name, valueType, valued, description string }

type seed struct {
	actions   []seedAction
	apiRows   []seedAPIRow
	resources []seedResource
	keys      []seedKey
}

var (
	actionNameRE = regexp.MustCompile(`^ims:[A-Za-z]+:[A-Za-z]+$`)
	anyActionRE  = regexp.MustCompile(`^[a-z][a-z0-9-]*:[A-Za-z]+:[A-Za-z]+$`)
	keyNameRE    = regexp.MustCompile(`^ims:[A-Za-z]+$`)
	apiRE        = regexp.MustCompile(`^([A-Z]+) (/\S*)(?: \((.+)\))?$`)
	urnRE        = regexp.MustCompile(`^[a-z]+:\S*<\S+>$`)
	reasonRE     = regexp.MustCompile(`Table 4: (\S+) "([^"]+)"`)
	httpMethods  = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
)

// paragraphs splits text at blank lines. Each paragraph keeps its lines, trimmed.
func paragraphs(text string) [][]string {
	var out [][]string
	var cur []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

const bullet = "• "

func isBullet(line string) bool { return strings.HasPrefix(line, bullet) }

func unbullet(line string) string { return strings.TrimSpace(strings.TrimPrefix(line, bullet)) }

func isBulletParagraph(p []string) bool {
	return !slices.ContainsFunc(p, func(l string) bool { return !isBullet(l) })
}

// joined is a paragraph as one string.
func joined(p []string) string { return strings.Join(p, " ") }

// values are a cell's values: its lines without bullets, or none for "-".
func values(p []string) []string {
	if len(p) == 1 && p[0] == "-" {
		return nil
	}
	out := make([]string, len(p))
	for i, l := range p {
		out[i] = unbullet(l)
	}
	return out
}

// section returns the paragraphs after the one titled title and before the first one
// that end reports, or false when the title is not there.
func section(ps [][]string, title string, end func(p []string) bool) ([][]string, bool) {
	start := slices.IndexFunc(ps, func(p []string) bool { return joined(p) == title })
	if start < 0 {
		return nil, false
	}
	rest := ps[start+1:]
	if i := slices.IndexFunc(rest, end); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}

// headers checks that a table's section starts with the given column headers and returns
// the paragraphs after them.
func headers(table string, ps [][]string, want []string) ([][]string, error) {
	if len(ps) < len(want) {
		return nil, fmt.Errorf("%s: header: the section has %d paragraphs, fewer than the %d column headers %q", table, len(ps), len(want), want)
	}
	for i, h := range want {
		if got := joined(ps[i]); got != h {
			return nil, fmt.Errorf("%s: header: column %d is %q, want %q (a changed column layout)", table, i+1, got, h)
		}
	}
	return ps[len(want):], nil
}

func mentions(s string) func(p []string) bool {
	return func(p []string) bool { return strings.Contains(joined(p), s) }
}

func is(s string) func(p []string) bool {
	return func(p []string) bool { return joined(p) == s }
}

func either(a, b func([]string) bool) func([]string) bool {
	return func(p []string) bool { return a(p) || b(p) }
}

// parseSeed reads the four tables. The errors say what could not be read.
func parseSeed(text string) (seed, []error) {
	var s seed
	var errs []error
	ps := paragraphs(text)

	if t1, ok := section(ps, "Table 1 Supported Actions", mentions("Table 2")); !ok {
		errs = append(errs, errors.New("Table 1: title \"Table 1 Supported Actions\" not found"))
	} else if body, err := headers("Table 1", t1, []string{"Action", "Description", "Access Level", "Resource Type (*: required)", "Condition Key", "Alias"}); err != nil {
		errs = append(errs, err)
	} else {
		var e []error
		s.actions, e = parseTable1(body)
		errs = append(errs, e...)
	}

	if t2, ok := section(ps, "Table 2 Actions and dependencies supported by IMS APIs", either(is("Resources"), mentions("Table 3"))); !ok {
		errs = append(errs, errors.New("Table 2: title \"Table 2 Actions and dependencies supported by IMS APIs\" not found"))
	} else if body, err := headers("Table 2", t2, []string{"API", "Action", "Dependencies"}); err != nil {
		errs = append(errs, err)
	} else {
		var e []error
		s.apiRows, e = parseTable2(body)
		errs = append(errs, e...)
	}

	if t3, ok := section(ps, "Table 3 Resource types supported by IMS", either(is("Conditions"), mentions("Table 4"))); !ok {
		errs = append(errs, errors.New("Table 3: title \"Table 3 Resource types supported by IMS\" not found"))
	} else if body, err := headers("Table 3", t3, []string{"Resource Type", "URN"}); err != nil {
		errs = append(errs, err)
	} else {
		for i := 0; i+1 < len(body); i++ {
			if len(body[i]) == 1 && len(body[i+1]) == 1 && urnRE.MatchString(body[i+1][0]) {
				s.resources = append(s.resources, seedResource{name: body[i][0], urn: body[i+1][0]})
				i++
			}
		}
		if len(s.resources) == 0 {
			errs = append(errs, errors.New("Table 3: no row (a resource type followed by a URN such as ims:<region>:...) found"))
		}
	}

	if t4, ok := section(ps, "Table 4 Service-specific condition keys supported by IMS", func([]string) bool { return false }); !ok {
		errs = append(errs, errors.New("Table 4: title \"Table 4 Service-specific condition keys supported by IMS\" not found"))
	} else if body, err := headers("Table 4", t4, []string{"Condition Key", "Value Type", "Single-valued/Multivalued", "Description"}); err != nil {
		errs = append(errs, err)
	} else {
		for i := 0; i < len(body); {
			name := joined(body[i])
			if !keyNameRE.MatchString(name) {
				errs = append(errs, fmt.Errorf("Table 4: paragraph %q where a row's Condition Key cell (ims:<Name>) should start", name))
				i++
				continue
			}
			if i+3 >= len(body) || slices.ContainsFunc(body[i+1:i+4], func(p []string) bool { return keyNameRE.MatchString(joined(p)) }) {
				errs = append(errs, fmt.Errorf("Table 4 row %s: fewer than 4 cells", name))
				i++
				continue
			}
			s.keys = append(s.keys, seedKey{name: name, valueType: joined(body[i+1]), valued: joined(body[i+2]), description: joined(body[i+3])})
			i += 4
		}
	}
	return s, errs
}

// parseTable1 reads Table 1's rows. A row starts at a paragraph that is an action name and
// is followed by a description or by a NOTE: block (an Alias cell such as ims:images:copy is
// an action name too, but the next row's name follows it, not a description).
func parseTable1(body [][]string) ([]seedAction, []error) {
	var errs []error
	isDescription := func(p []string) bool {
		s := joined(p)
		return s == "NOTE:" || (s != "" && s[0] >= 'A' && s[0] <= 'Z' && !anyActionRE.MatchString(s))
	}
	var starts []int
	for i := 0; i+1 < len(body); i++ {
		if len(body[i]) == 1 && actionNameRE.MatchString(body[i][0]) && isDescription(body[i+1]) {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 {
		return nil, []error{errors.New("Table 1: no row found")}
	}
	if starts[0] != 0 {
		errs = append(errs, fmt.Errorf("Table 1: paragraphs %q before the first row", body[:starts[0]]))
	}
	var out []seedAction
	for n, start := range starts {
		end := len(body)
		if n+1 < len(starts) {
			end = starts[n+1]
		}
		cells := body[start+1 : end]
		a := seedAction{name: body[start][0]}
		if joined(cells[0]) == "NOTE:" {
			cells = cells[1:]
			var note []string
			for len(cells) > 0 && !isBulletParagraph(cells[0]) {
				note = append(note, joined(cells[0]))
				cells = cells[1:]
			}
			for len(cells) > 0 && isBulletParagraph(cells[0]) {
				a.recommended = append(a.recommended, values(cells[0])...)
				cells = cells[1:]
			}
			if len(a.recommended) == 0 && len(note) > 1 {
				// No bullets: the last paragraph is the description.
				cells = append([][]string{{note[len(note)-1]}}, cells...)
				note = note[:len(note)-1]
			}
			a.note = strings.Join(note, " ")
			if a.note == "" || len(cells) == 0 {
				errs = append(errs, fmt.Errorf("Table 1 row %s: the NOTE: block before the Description cell could not be read", a.name))
				continue
			}
		}
		a.description = joined(cells[0])
		cells = cells[1:]
		switch len(cells) {
		case 4:
			a.accessLevel, a.resource, a.keys, a.aliases = joined(cells[0]), values(cells[1]), values(cells[2]), values(cells[3])
		case 3: // the Condition Key cell was lost; the others line up
			a.accessLevel, a.resource, a.keysLost, a.aliases = joined(cells[0]), values(cells[1]), true, values(cells[2])
		default:
			errs = append(errs, fmt.Errorf("Table 1 row %s: %d cells after the Description, want 4 (Access Level, Resource Type, Condition Key, Alias) or 3 when the Condition Key cell was lost: %q", a.name, len(cells), cells))
			continue
		}
		out = append(out, a)
	}
	return out, errs
}

// parseTable2 reads Table 2 line by line: a row is one or more API lines ("METHOD /path",
// with a note in parentheses), then the action, then "-" or the dependencies, up to the
// next API line.
func parseTable2(body [][]string) ([]seedAPIRow, []error) {
	var errs []error
	var out []seedAPIRow
	var cur *seedAPIRow
	state := "apis" // then "action", then "deps"
	for _, p := range body {
		for _, line := range p {
			item := unbullet(line)
			if m := apiRE.FindStringSubmatch(item); m != nil {
				if state == "deps" {
					out = append(out, *cur)
					cur = nil
				}
				if cur == nil {
					cur = &seedAPIRow{}
				}
				cur.apis = append(cur.apis, catalog.APIRef{Method: m[1], Path: m[2], Note: m[3]})
				state = "action"
				continue
			}
			switch {
			case cur == nil:
				errs = append(errs, fmt.Errorf("Table 2: %q before the first API", item))
			case state == "action" && anyActionRE.MatchString(item):
				cur.action, state = item, "deps"
			case state == "deps" && item == "-" && len(cur.dependencies) == 0:
			case state == "deps" && anyActionRE.MatchString(item):
				cur.dependencies = append(cur.dependencies, item)
			default:
				errs = append(errs, fmt.Errorf("Table 2 row after API %s %s: cannot read %q", cur.apis[0].Method, cur.apis[0].Path, item))
			}
		}
	}
	if cur != nil {
		if state == "deps" {
			out = append(out, *cur)
		} else {
			errs = append(errs, fmt.Errorf("Table 2: the last row (API %s %s) has no Action cell", cur.apis[0].Method, cur.apis[0].Path))
		}
	}
	if len(out) == 0 {
		errs = append(errs, errors.New("Table 2: no row found"))
	}
	return out, errs
}

// ---------------------------------------------------------------------------------------
// Comparing

// compareSeed returns every difference between the seed's cells and the catalog, each
// naming the table, the row and the cell.
func compareSeed(text string) []string {
	s, errs := parseSeed(text)
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, err := range errs {
		report("parsing the seed: %v", err)
	}

	seedKeyDesc := map[string]string{}
	for _, k := range s.keys {
		seedKeyDesc[k.name] = k.description
	}

	// Table 1.
	seen := map[string]bool{}
	for _, sa := range s.actions {
		row := "Table 1 row " + sa.name
		if seen[sa.name] {
			report("%s: the seed has the row twice", row)
			continue
		}
		seen[sa.name] = true
		a, ok := catalog.LookupAction(sa.name)
		if !ok {
			report("%s: the action is not in the catalog", row)
			continue
		}
		if a.Name != sa.name {
			report("%s, cell Action: catalog spells it %q", row, a.Name)
		}
		if a.Description != sa.description {
			report("%s, cell Description: seed %q, catalog %q", row, sa.description, a.Description)
		}
		if string(a.AccessLevel) != sa.accessLevel {
			report("%s, cell Access Level: seed %q, catalog %q", row, sa.accessLevel, a.AccessLevel)
		}
		var catRes []string
		for _, r := range a.ResourceTypes {
			v := r.Name
			if r.Required {
				v += " *"
			}
			catRes = append(catRes, v)
		}
		if !slices.Equal(sa.resource, catRes) {
			report("%s, cell Resource Type: seed %s, catalog %s", row, cell(sa.resource), cell(catRes))
		}
		compareConditionKeys(row, sa, a, seedKeyDesc, report)
		if !slices.Equal(sa.aliases, a.Aliases) {
			report("%s, cell Alias: seed %s, catalog %s", row, cell(sa.aliases), cell(a.Aliases))
		}
		switch {
		case sa.note == "" && a.Deprecation != nil:
			report("%s, cell Description: the seed has no NOTE: block, the catalog deprecates the action (%q)", row, a.Deprecation.Note)
		case sa.note != "" && a.Deprecation == nil:
			report("%s, cell Description: the seed's NOTE: block %q is not in the catalog (Deprecation is nil)", row, sa.note)
		case sa.note != "":
			if !strings.HasPrefix(a.Deprecation.Note, sa.note) {
				report("%s, cell Description, NOTE: block: seed %q, catalog note %q does not start with it", row, sa.note, a.Deprecation.Note)
			}
			if !slices.Equal(sa.recommended, a.Deprecation.Recommended) {
				report("%s, cell Description, NOTE: block's recommended actions: seed %s, catalog %s", row, cell(sa.recommended), cell(a.Deprecation.Recommended))
			}
			for _, r := range sa.recommended {
				if !strings.Contains(a.Deprecation.Note, r) {
					report("%s, cell Description, NOTE: block: the catalog's note %q does not name the recommended action %s", row, a.Deprecation.Note, r)
				}
			}
		}
	}
	if len(s.actions) > 0 {
		for _, a := range catalog.Actions() {
			if !seen[a.Name] {
				report("Table 1 row %s: the catalog has the action, it is not in the seed", a.Name)
			}
		}
		if n := len(catalog.Actions()); n != len(s.actions) {
			report("Table 1: the seed has %d actions, the catalog %d", len(s.actions), n)
		}
	}

	// Table 2. Each row has its own action, so rows are matched by action; APIRows keeps
	// the seed's order, which is checked too.
	rows := catalog.APIRows()
	catRow := map[string]catalog.APIRow{}
	for _, cr := range rows {
		if _, dup := catRow[cr.Action]; dup {
			report("Table 2 row %s: the catalog has two rows for the action", cr.Action)
		}
		catRow[cr.Action] = cr
	}
	seenRow := map[string]bool{}
	var seedOrder, catOrder []string
	for i, sr := range s.apiRows {
		row := fmt.Sprintf("Table 2 row %d (%s)", i+1, sr.action)
		if seenRow[sr.action] {
			report("%s, cell Action: the seed has a second row for the action", row)
			continue
		}
		seenRow[sr.action] = true
		seedOrder = append(seedOrder, sr.action)
		cr, ok := catRow[sr.action]
		if !ok {
			report("%s, cell Action: the catalog has no row for %s", row, sr.action)
			continue
		}
		seedAPIs := make([]string, len(sr.apis))
		for j, api := range sr.apis {
			if m, ok := seedTypos[api.Method]; ok {
				api.Method = m
			} else if !slices.Contains(httpMethods, api.Method) {
				report("%s, cell API: the seed's method %q of %s is neither an HTTP method nor a known typo", row, api.Method, api.Path)
			}
			seedAPIs[j] = apiString(api)
		}
		catAPIs := make([]string, len(cr.APIs))
		for j, api := range cr.APIs {
			catAPIs[j] = apiString(api)
		}
		if !slices.Equal(seedAPIs, catAPIs) {
			report("%s, cell API (method, path and note): seed %s, catalog %s", row, cell(seedAPIs), cell(catAPIs))
		}
		if !slices.Equal(sr.dependencies, cr.Dependencies) {
			report("%s, cell Dependencies: seed %s, catalog %s", row, cell(sr.dependencies), cell(cr.Dependencies))
		}
	}
	if len(s.apiRows) > 0 {
		for i, cr := range rows {
			if !seenRow[cr.Action] {
				report("Table 2 row %s: the catalog has the row (its row %d), it is not in the seed", cr.Action, i+1)
				continue
			}
			catOrder = append(catOrder, cr.Action)
		}
		if len(seedOrder) == len(catOrder) && !slices.Equal(seedOrder, catOrder) {
			report("Table 2: catalog.APIRows() is not in the seed's order: seed %q, catalog %q", seedOrder, catOrder)
		}
	}

	// Table 3.
	if len(s.resources) > 0 {
		cat := catalog.ResourceTypes()
		for _, sr := range s.resources {
			name := strings.ToLower(sr.name)
			row := "Table 3 row " + name
			rt, ok := catalog.LookupResourceType(name)
			if !ok {
				report("%s: the resource type is not in the catalog", row)
				continue
			}
			if rt.Name != name {
				report("%s, cell Resource Type: seed %q, catalog %q", row, sr.name, rt.Name)
			}
			if rt.URNFormat != sr.urn {
				report("%s, cell URN: seed %q, catalog %q", row, sr.urn, rt.URNFormat)
			}
			if service, _, _ := strings.Cut(sr.urn, ":"); rt.Service != service {
				report("%s, cell URN: the seed's URN is of service %q, the catalog's resource type of %q", row, service, rt.Service)
			}
		}
		if len(cat) != len(s.resources) {
			report("Table 3: the seed has %d resource types, the catalog %d", len(s.resources), len(cat))
		}
	}

	// Table 4.
	if len(s.keys) > 0 {
		seenKey := map[string]bool{}
		for _, sk := range s.keys {
			row := "Table 4 row " + sk.name
			seenKey[sk.name] = true
			k, ok := catalog.LookupConditionKey(sk.name)
			if !ok || k.Name != sk.name {
				report("%s: the key is not in the catalog", row)
				continue
			}
			if string(k.Type) != sk.valueType {
				report("%s, cell Value Type: seed %q, catalog %q", row, sk.valueType, k.Type)
			}
			if k.TypeSource != catalog.Stated {
				report("%s, cell Value Type: the seed states it, the catalog's TypeSource is %q", row, k.TypeSource)
			}
			switch sk.valued {
			case "Single-valued", "Multivalued":
				if want := sk.valued == "Multivalued"; k.MultiValued != want {
					report("%s, cell Single-valued/Multivalued: seed %q, catalog MultiValued=%t", row, sk.valued, k.MultiValued)
				}
			default:
				report("%s, cell Single-valued/Multivalued: cannot read %q", row, sk.valued)
			}
			if k.Description != sk.description {
				report("%s, cell Description: seed %q, catalog %q", row, sk.description, k.Description)
			}
			if k.Global {
				report("%s: a service-specific key, the catalog marks it global", row)
			}
		}
		for _, k := range catalog.ConditionKeys() {
			if !k.Global && !seenKey[k.Name] {
				report("Table 4 row %s: the catalog has the service-specific key, it is not in the seed", k.Name)
			}
		}
	}
	return problems
}

// compareConditionKeys checks the Condition Key cell: a stated cell must equal the
// catalog's stated keys (and the catalog may infer none); a lost cell must be marked lost
// in the catalog, with every key inferred, known and explained.
func compareConditionKeys(row string, sa seedAction, a catalog.Action, seedKeyDesc map[string]string, report func(string, ...any)) {
	var stated []string
	for _, r := range a.ConditionKeys {
		if r.Source == catalog.Stated {
			stated = append(stated, r.Name)
		}
	}
	if !sa.keysLost {
		if a.ConditionKeysLost {
			report("%s, cell Condition Key: the seed has the cell (%s), the catalog marks it lost", row, cell(sa.keys))
		}
		if !slices.Equal(sa.keys, stated) {
			report("%s, cell Condition Key: seed %s, catalog's stated keys %s", row, cell(sa.keys), cell(stated))
		}
		for _, r := range a.ConditionKeys {
			if r.Source != catalog.Stated {
				report("%s, cell Condition Key: the seed states the cell (%s), the catalog adds %s as %s", row, cell(sa.keys), r.Name, r.Source)
			}
		}
		return
	}
	if !a.ConditionKeysLost {
		report("%s, cell Condition Key: the seed lost the cell, the catalog does not mark it lost (ConditionKeysLost=false; stated keys %s)", row, cell(stated))
	}
	for _, r := range a.ConditionKeys {
		if r.Source != catalog.Inferred {
			report("%s, cell Condition Key: the seed lost the cell, yet the catalog has %s as %q; it must be inferred", row, r.Name, r.Source)
		}
		if strings.TrimSpace(r.Reason) == "" {
			report("%s, cell Condition Key: inferred key %s has no Reason", row, r.Name)
		}
		if _, ok := catalog.LookupConditionKey(r.Name); !ok {
			report("%s, cell Condition Key: inferred key %s is not a known condition key", row, r.Name)
		}
		// A reason that quotes Table 4 must quote the seed's description of the key.
		for _, m := range reasonRE.FindAllStringSubmatch(r.Reason, -1) {
			desc, ok := seedKeyDesc[m[1]]
			switch {
			case len(seedKeyDesc) == 0:
			case !ok:
				report("%s, cell Condition Key: inferred key %s: Reason cites Table 4 row %s, which the seed does not have", row, r.Name, m[1])
			case !strings.Contains(strings.ToLower(desc), strings.ToLower(m[2])):
				report("%s, cell Condition Key: inferred key %s: Reason quotes %q, which Table 4 row %s's Description %q does not contain", row, r.Name, m[2], m[1], desc)
			}
		}
	}
}

func apiString(a catalog.APIRef) string {
	s := a.Method + " " + a.Path
	if a.Note != "" {
		s += " (" + a.Note + ")"
	}
	return s
}

// cell renders a cell's values as the seed writes them.
func cell(vs []string) string {
	if len(vs) == 0 {
		return `"-"`
	}
	return fmt.Sprintf("%q", vs)
}

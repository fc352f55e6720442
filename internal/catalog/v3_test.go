package catalog_test

// These tests check the IAM v3 catalog (v3.go) against the reference notes' tables: always
// against the committed copy in testdata/iam-v3-ims-table.md, and against the notes themselves
// (<repo>/../shared/reference/iam-v3-ims.md) when the steering repository is beside the clone,
// as the seed test does.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

var (
	v3TestdataPath = filepath.Join("testdata", "iam-v3-ims-table.md")
	v3NotesPath    = filepath.Join("..", "..", "..", "shared", "reference", "iam-v3-ims.md")
)

// notesRow is one row of the notes' §1.2 table, cells as written.
type notesRow struct {
	num                     int
	method, path            string
	hw, otc, otcDeps, iamEP string
}

// parseNotesTable reads §1.1's action list and §1.2's table from the notes' text.
func parseNotesTable(t *testing.T, text string) ([]string, []notesRow) {
	t.Helper()
	start := strings.Index(text, "### 1.1")
	end := strings.Index(text, "\n| 44 |")
	if start < 0 || end < 0 {
		t.Fatal("the text has no §1.1 heading or no row 44 of the §1.2 table")
	}
	end += strings.Index(text[end+1:], "\n") + 1
	sec := text[start:end]
	list := sec[:strings.Index(sec, "No other")]
	var actions []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(list, -1) {
		actions = append(actions, m[1])
	}
	var rows []notesRow
	rowRE := regexp.MustCompile(`^\| (\d+)(?:–(\d+))? \|`)
	for _, line := range strings.Split(sec, "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 6 {
			t.Fatalf("row %s: %d cells, want 6: %q", m[1], len(cells), line)
		}
		method, paths, _ := strings.Cut(cells[1], " ")
		var first int
		if _, err := fmt.Sscan(m[1], &first); err != nil {
			t.Fatalf("row number %q: %v", m[1], err)
		}
		for i, p := range strings.Split(paths, ", ") {
			rows = append(rows, notesRow{num: first + i, method: method, path: p,
				hw: cells[2], otc: cells[3], otcDeps: cells[4], iamEP: cells[5]})
		}
	}
	return actions, rows
}

// Rendering of the catalog's cells in the notes' notation.

func renderHW(r catalog.V3APIRow) string {
	if r.Huawei == nil {
		return "—"
	}
	var names []string
	for _, it := range r.Huawei.Items {
		names = append(names, it.Action)
	}
	if r.OnlyIn == catalog.V3OTC { // the notes give S3's cell for a row S1 lacks
		return "— (S3 ae-ad-1: " + strings.Join(names, " ") + ")"
	}
	if len(r.Huawei.Items) == 0 {
		return "无"
	}
	var b strings.Builder
	for _, it := range r.Huawei.Items {
		b.WriteString(it.Action)
		if it.Only != "" {
			b.WriteString("（" + it.Only + "）")
		}
	}
	if r.OTC == nil {
		b.WriteString(" (HW-CN EP column: " + supportSymbol(r.EnterpriseProject) + ")")
	}
	return b.String()
}

func renderOTCItem(it catalog.V3Item) string {
	if it.Only == "" {
		return it.Action
	}
	return it.Action + " (" + it.Only + ")"
}

func renderOTC(r catalog.V3APIRow) string {
	switch {
	case r.OTC == nil:
		return "— (no cross-region replication in OTC)"
	case len(r.OTC.Items) == 0:
		return "N/A"
	case len(r.OTC.Items) == 1 && r.OTC.Items[0].Only == "":
		return r.OTC.Items[0].Action
	}
	var parts []string
	for _, it := range r.OTC.Items {
		parts = append(parts, "• "+renderOTCItem(it))
	}
	return strings.Join(parts, " ")
}

func supportSymbol(s catalog.Support) string {
	switch s {
	case catalog.Supported:
		return "Y"
	case catalog.Unsupported:
		return "x"
	}
	return "?"
}

func renderIAMEP(r catalog.V3APIRow) string {
	if r.OTC == nil {
		return "—"
	}
	return supportSymbol(r.IAMProject) + "/" + supportSymbol(r.EnterpriseProject)
}

// depsRE finds the ims: items of an OTC Dependencies cell, each with its proviso.
var depsRE = regexp.MustCompile(`(ims:[A-Za-z]+:[A-Za-z]+)(?: \(([^)]*)\))?`)

func notesDeps(row notesRow, otc string) []string {
	cell := row.otcDeps
	if cell == "same two items" {
		cell = otc
	}
	var out []string
	for _, m := range depsRE.FindAllStringSubmatch(cell, -1) {
		out = append(out, renderOTCItem(catalog.V3Item{Action: m[1], Only: m[2]}))
	}
	return out
}

func catalogDeps(r catalog.V3APIRow) []string {
	var out []string
	for _, it := range r.OTCDeps {
		out = append(out, renderOTCItem(it))
	}
	return out
}

// compareRow lists the differences between a catalog row and the notes' row.
func compareRow(r catalog.V3APIRow, n notesRow) []string {
	var diffs []string
	check := func(what, got, want string) {
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s: catalog %q, notes %q", what, got, want))
		}
	}
	check("API", r.Method+" "+r.Path, n.method+" "+n.path)
	check("HW-CN action (S1)", renderHW(r), n.hw)
	check("OTC Action (S2)", renderOTC(r), n.otc)
	check("OTC IMS deps (S2)", strings.Join(catalogDeps(r), " "), strings.Join(notesDeps(n, n.otc), " "))
	check("IAM/EP (S2)", renderIAMEP(r), n.iamEP)
	return diffs
}

// compareWithNotes checks every action and row of the catalog against the notes' text.
func compareWithNotes(t *testing.T, text string) {
	actions, rows := parseNotesTable(t, text)
	var names []string
	for _, a := range catalog.V3Actions() {
		names = append(names, a.Name)
	}
	if !slices.Equal(names, actions) {
		t.Errorf("v3 actions: catalog %q, notes §1.1 %q", names, actions)
	}
	got := catalog.V3APIs()
	if len(got) != len(rows) {
		t.Errorf("v3 API rows: catalog %d, notes §1.2 %d", len(got), len(rows))
	}
	for i, n := range rows {
		t.Run(fmt.Sprintf("%d %s %s", n.num, n.method, n.path), func(t *testing.T) {
			if i >= len(got) {
				t.Fatalf("the catalog lacks row %d", n.num)
			}
			if got[i].Num != n.num {
				t.Errorf("row number: catalog %d, notes %d", got[i].Num, n.num)
			}
			for _, d := range compareRow(got[i], n) {
				t.Error(d)
			}
		})
	}
}

// TestV3APIRows checks each of the 44 rows, by name, against the committed copy of the notes' table.
func TestV3APIRows(t *testing.T) {
	b, err := os.ReadFile(v3TestdataPath)
	if err != nil {
		t.Fatal(err)
	}
	_, rows := parseNotesTable(t, string(b))
	if len(rows) != 44 {
		t.Fatalf("the notes' table has %d rows, want the 44 the notes announce", len(rows))
	}
	compareWithNotes(t, string(b))
}

// TestV3MatchesReferenceNotes checks the catalog, and the committed copy, against the notes
// themselves; it skips when the steering repository is not beside the clone.
func TestV3MatchesReferenceNotes(t *testing.T) {
	notes := readShared(t, v3NotesPath, "reference notes", "")
	compareWithNotes(t, notes)
	copyText, err := os.ReadFile(v3TestdataPath)
	if err != nil {
		t.Fatal(err)
	}
	body := string(copyText)
	body = body[strings.Index(body, "-->\n")+len("-->\n"):]
	if !strings.Contains(notes, body) {
		t.Errorf("%s no longer equals §1.1–§1.2 of the notes: copy it again", v3TestdataPath)
	}
}

// TestV3Actions checks each of the 13 v3 actions: the rows that need it (the notes' §2.1,
// "APIs in the v3 table (row #)", read independently of §1.2) and its v5 counterpart.
func TestV3Actions(t *testing.T) {
	r := func(lo, hi int) []int {
		var out []int
		for i := lo; i <= hi; i++ {
			out = append(out, i)
		}
		return out
	}
	cat := func(parts ...[]int) []int { out := slices.Concat(parts...); slices.Sort(out); return out }
	want := map[string][]int{
		"ims:images:list":         {1, 2, 10, 17, 23, 24, 28, 29},
		"ims:images:get":          cat([]int{11, 18, 15}, r(20, 22), r(34, 38)),
		"ims:images:create":       {14},
		"ims:images:update":       cat([]int{3, 12, 15}, r(20, 22), r(25, 27)),
		"ims:images:delete":       {13, 19},
		"ims:images:upload":       {8, 15},
		"ims:images:export":       {9},
		"ims:images:share":        r(34, 41),
		"ims:images:copy":         {42, 43},
		"ims:serverImages:create": {3, 4, 5, 42},
		"ims:dataImages:create":   {5, 6},
		"ims:wholeImages:create":  {7},
		"ims:quotas:get":          {44},
	}
	// v3 names that survive in v5 only as aliases, or not at all (notes §2.1).
	notV5 := []string{"ims:images:update", "ims:images:copy", "ims:images:delete"}
	v5 := map[string]bool{}
	for _, a := range catalog.Actions() {
		v5[a.Name] = true
	}
	acts := catalog.V3Actions()
	if len(acts) != 13 {
		t.Errorf("%d v3 actions, want 13", len(acts))
	}
	for _, a := range acts {
		t.Run(a.Name, func(t *testing.T) {
			exp, ok := want[a.Name]
			if !ok {
				t.Fatalf("%s is not one of the 13 v3 IMS actions", a.Name)
			}
			var got []int
			for _, row := range catalog.V3APIs() {
				if slices.Contains(row.Actions(), a.Name) {
					got = append(got, row.Num)
				}
			}
			if !slices.Equal(got, exp) {
				t.Errorf("rows needing %s: %v, want %v", a.Name, got, exp)
			}
			if !slices.Equal(a.Sites, []catalog.V3Site{catalog.V3Huawei, catalog.V3OTC}) {
				t.Errorf("sites %v, want both", a.Sites)
			}
			if slices.Contains(notV5, a.Name) {
				if a.V5Name != "" || v5[a.Name] {
					t.Errorf("V5Name %q, v5 action %v: the v5 catalog has no action %s", a.V5Name, v5[a.Name], a.Name)
				}
			} else if a.V5Name != a.Name || !v5[a.V5Name] {
				t.Errorf("V5Name %q: want the v5 action of the same name", a.V5Name)
			}
		})
		delete(want, a.Name)
	}
	for name := range want {
		t.Errorf("the catalog lacks v3 action %s", name)
	}
}

// TestV3RowMarks checks what the rows record beyond the cells: the rows only one site has,
// every source cited, inferred cells marked, and the contradictions of the notes' §2.3.
func TestV3RowMarks(t *testing.T) {
	rows := catalog.V3APIs()
	wantNotes := map[string][]int{
		"C1": {13, 19},
		"C2": {3, 12},
		"C3": {25},
		"C4": {29},
		"C6": {5},
		"C7": {3, 4, 7, 8, 9, 12, 13, 42}, // the Paris variant's rows (notes §1.2)
	}
	gotNotes := map[string][]int{}
	var onlyOTC, onlyHW, epX, c8 []int
	for _, r := range rows {
		for _, n := range r.Notes {
			label, _, _ := strings.Cut(n, ":")
			gotNotes[label] = append(gotNotes[label], r.Num)
		}
		switch r.OnlyIn {
		case catalog.V3OTC:
			onlyOTC = append(onlyOTC, r.Num)
		case catalog.V3Huawei:
			onlyHW = append(onlyHW, r.Num)
		}
		if r.EnterpriseProject == catalog.Unsupported {
			epX = append(epX, r.Num)
		}
		if slices.ContainsFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, "C8:") }) {
			c8 = append(c8, r.Num)
		}
		for _, c := range []*catalog.V3Cell{r.Huawei, r.OTC} {
			if c != nil && !strings.HasPrefix(c.Source, "S1 ") && !strings.HasPrefix(c.Source, "S2 ") && !strings.HasPrefix(c.Source, "S3 ") {
				t.Errorf("row %d: cell source %q cites none of S1, S2, S3", r.Num, c.Source)
			}
		}
		hasOnly := false
		for _, c := range []*catalog.V3Cell{r.Huawei, r.OTC} {
			if c != nil {
				hasOnly = hasOnly || slices.ContainsFunc(c.Items, func(it catalog.V3Item) bool { return it.Only != "" })
			}
		}
		marked := func(prefix string) bool {
			return slices.ContainsFunc(r.Inferred, func(s string) bool { return strings.HasPrefix(s, prefix) })
		}
		if hasOnly && !marked("Only:") {
			t.Errorf("row %d has items needed only in some cases but does not mark their reading inferred", r.Num)
		}
		if r.Huawei != nil && len(r.Huawei.Items) > 1 && strings.HasPrefix(r.Huawei.Source, "S1 ") && !marked("Huawei:") {
			t.Errorf("row %d: S1's run-together items are split without marking the reading inferred", r.Num)
		}
		if len(r.Actions()) == 0 && !marked("EnterpriseProject:") {
			t.Errorf("row %d needs no action but does not mark its scope reading inferred", r.Num)
		}
		if r.IAMProject == catalog.SupportUnknown && !marked("IAMProject:") {
			t.Errorf("row %d: unknown IAM-project support not explained", r.Num)
		}
	}
	for label, want := range wantNotes {
		if !slices.Equal(gotNotes[label], want) {
			t.Errorf("rows noting %s: %v, want %v", label, gotNotes[label], want)
		}
	}
	if !slices.Equal(onlyOTC, []int{2}) || !slices.Equal(onlyHW, []int{43}) {
		t.Errorf("rows only OTC has %v (want [2]), only Huawei has %v (want [43]) (notes §2.2)", onlyOTC, onlyHW)
	}
	// The notes' C8: "v3 marks 31 of the 44 API rows (26 of them with an action) as not supported in enterprise projects".
	if len(epX) != 31 || len(c8) != 26 {
		t.Errorf("%d rows not supported in enterprise projects (want 31), %d with note C8 (want 26)", len(epX), len(c8))
	}
}

// TestV3TablesAreReadOnly checks that callers cannot change the catalog through the copies.
func TestV3TablesAreReadOnly(t *testing.T) {
	acts := catalog.V3Actions()
	acts[0].Name = "changed"
	acts[0].Sites[0] = "changed"
	rows := catalog.V3APIs()
	rows[2].Huawei.Items[0].Action = "changed"
	rows[2].OTC.Items[0].Action = "changed"
	rows[2].OTCDeps[0].Action = "changed"
	rows[2].Notes[0] = "changed"
	rows[2].Inferred[0] = "changed"
	a2, r2 := catalog.V3Actions(), catalog.V3APIs()
	if a2[0].Name != "ims:images:list" || a2[0].Sites[0] != catalog.V3Huawei {
		t.Errorf("V3Actions changed through a copy: %+v", a2[0])
	}
	r := r2[2]
	if r.Huawei.Items[0].Action != "ims:images:update" || r.OTC.Items[0].Action != "ims:images:update" ||
		r.OTCDeps[0].Action != "ims:serverImages:create" || r.Notes[0] == "changed" || r.Inferred[0] == "changed" {
		t.Errorf("V3APIs changed through a copy: %+v", r)
	}
}

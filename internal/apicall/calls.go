// Package apicall decides IMS API calls under IAM v3 ("Version": "1.1") and v5 policies,
// and compares policies of either language by what they let a caller do: which API call,
// on which resource, under which context. A v3 policy and a v5 policy share no action
// names that mean the same, so the API call is the only level at which they meet.
//
// The request universe is the union of both tables (Calls): the rows of the v3 API →
// action table (catalog.V3APIs, both sites' rows) and the APIs of v5's Table 2
// (catalog.Operations), one call where both list the same method and path template. A v3
// set decides a call through the v3 row (V3Permission) with the v3 rules
// (evaluator.NewV3PolicySet); a v5 set through Table 2 (catalog.LookupAPI) with the v5
// evaluator, aliases as the seed gives them. A call only one table lists is decided by
// that side alone; comparing it with the other side is a difference no document can
// avoid, which Compare lists apart (Unmatched), never drops.
//
// The package does not import Terraform.
package apicall

import (
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// Call is one kind of IMS API request of the union of both tables.
type Call struct {
	Method, Path string
	// Variant names the case of a v3 row whose actions are each "required only" in one case
	// (row 5, quick import: "system disk" or "data disk"); "" otherwise.
	Variant string
	// Image is set when the request's resource is an image URN: the v5 table's main action
	// for the API has the image resource type (or, for a call v5 does not list, the path
	// names an image). Otherwise the resource is "*".
	Image bool
	// V3 and V5 are what each table requires for the call; nil when the table does not
	// list it.
	V3, V5 *catalog.APIPermission
	// V3Row is the call's row number in the v3 table (catalog.V3APIRow.Num), 0 for none.
	V3Row int
	// Notes are the reference notes' contradictions (C1–C8) and inferences that concern the
	// call, from the v3 row, each with its source.
	Notes []string
}

// Name is "METHOD /path", with the variant in parentheses.
func (c Call) Name() string {
	n := c.Method + " " + c.Path
	if c.Variant != "" {
		n += " (" + c.Variant + ")"
	}
	return n
}

// KnownTo names the tables that list the call: "v3 and v5", "v3 only" or "v5 only".
func (c Call) KnownTo() string {
	switch {
	case c.V3 != nil && c.V5 != nil:
		return "v3 and v5"
	case c.V3 != nil:
		return "v3 only"
	}
	return "v5 only"
}

// Unmatched reports why a call only one table lists cannot be compared, citing the notes.
func (c Call) Unmatched() string {
	switch {
	case c.V3 != nil && c.V5 == nil:
		return "the v5 table (the seed's Table 2) does not list this API, so no v5 policy can allow or deny it; reference notes §2.2 (iam-v3-ims.md), \"In v3, not in v5\""
	case c.V5 != nil && c.V3 == nil:
		return "no v3 table (S1, S2) lists this API, so what v3 requires for it is undocumented; reference notes §2.2 and C5"
	}
	return ""
}

// Quick import's two cases (v3 row 5: "仅快速导入系统盘镜像需要", "仅快速导入数据盘镜像需要").
const (
	VariantSystemDisk = "system disk"
	VariantDataDisk   = "data disk"
)

// calls is the union, built once: v3 rows in the notes' order (shared ones carrying v5's
// permission), then the APIs only v5 lists, in the seed's order.
var calls = buildCalls()

// Calls returns the union of both tables' API calls; callers may change the copy.
func Calls() []Call {
	out := make([]Call, len(calls))
	for i, c := range calls {
		c.V3, c.V5 = clonePermission(c.V3), clonePermission(c.V5)
		c.Notes = slices.Clone(c.Notes)
		out[i] = c
	}
	return out
}

// Lookup finds a call by method, path template and variant.
func Lookup(method, path, variant string) (Call, bool) {
	for _, c := range Calls() {
		if strings.EqualFold(c.Method, method) && c.Path == path && c.Variant == variant {
			return c, true
		}
	}
	return Call{}, false
}

func buildCalls() []Call {
	v5 := map[string]catalog.APIPermission{}
	var v5Order []string
	for _, op := range catalog.Operations() {
		k := op.Method + " " + op.PathTemplate
		if _, ok := v5[k]; ok {
			continue
		}
		p, ok := catalog.LookupAPI(op.Method, op.PathTemplate)
		if !ok {
			continue // not reached: every Table 2 API is found (TestCallsUnion counts them)
		}
		v5[k] = p
		v5Order = append(v5Order, k)
	}
	used := map[string]bool{}
	var out []Call
	for _, row := range catalog.V3APIs() {
		k := row.Method + " " + row.Path
		base := Call{Method: row.Method, Path: row.Path, V3Row: row.Num, Notes: rowNotes(row)}
		if p, ok := v5[k]; ok {
			base.V5 = &p
			used[k] = true
		}
		base.Image = imageCall(base)
		for _, v := range V3Permission(row) {
			c := base
			c.V3 = &v.Permission
			c.Variant = v.Variant
			if c.V5 != nil {
				p := *c.V5
				c.V5 = clonePermission(&p)
			}
			out = append(out, c)
		}
	}
	for _, k := range v5Order {
		if used[k] {
			continue
		}
		p := v5[k]
		c := Call{Method: p.Method, Path: p.PathTemplate, V5: &p}
		c.Image = imageCall(c)
		out = append(out, c)
	}
	return out
}

// imageCall reports whether a call's resource is an image URN (see Call.Image).
func imageCall(c Call) bool {
	if c.V5 == nil {
		return strings.Contains(c.Path, "{image_id}")
	}
	for _, a := range c.V5.Actions {
		if !a.Required() {
			continue
		}
		act, ok := catalog.LookupAction(a.Action)
		return ok && slices.ContainsFunc(act.ResourceTypes, func(r catalog.ResourceTypeRef) bool { return r.Name == "image" })
	}
	return false
}

func rowNotes(row catalog.V3APIRow) []string {
	notes := slices.Clone(row.Notes)
	for _, inf := range row.Inferred {
		notes = append(notes, "inferred: "+inf)
	}
	return notes
}

// V3Variant is one case of a v3 row and what it requires.
type V3Variant struct {
	Variant    string
	Permission catalog.APIPermission
}

// V3Permission reads a v3 row as what a v3 policy must allow for the API. This is the one
// place where the v3 table's cells become requirements (inferred, reference notes §1.2,
// "How to read a row with several actions"):
//
//   - The actions and the IMS dependencies of both sites' cells are all required (a
//     conjunction: "需要将依赖的Action同时写入授权项"), the union over both sites, so that a
//     policy that works on either site is required; row 42's OTC dependency cell lists
//     ims:serverImages:create without a proviso, so copying requires it, as v5's
//     copyInRegion does.
//   - An item "required only" in a case is not required, like the v5 table's scenario
//     notes (evaluator.ActionResult.Required), when other items are required in every
//     case: the case is the enterprise-project one, which a document cannot express (C8).
//   - A row all of whose items are each required only in one case (row 5, quick import)
//     is one variant per case, each requiring its item.
//   - A row with no action ("无", "N/A") requires nothing: every caller may call it.
func V3Permission(row catalog.V3APIRow) []V3Variant {
	type item struct {
		name, only string
		dep        bool
	}
	var items []item
	add := func(it catalog.V3Item, dep bool) {
		for i := range items {
			if items[i].name != it.Action {
				continue
			}
			if it.Only == "" {
				items[i].only = "" // required by one site or cell: required
			}
			return
		}
		items = append(items, item{name: it.Action, only: it.Only, dep: dep})
	}
	for _, c := range []*catalog.V3Cell{row.Huawei, row.OTC} {
		if c == nil {
			continue
		}
		for _, it := range c.Items {
			add(it, false)
		}
	}
	for _, it := range row.OTCDeps {
		add(it, true)
	}
	perm := catalog.APIPermission{Method: row.Method, PathTemplate: row.Path}
	required := 0
	for _, it := range items {
		if it.only == "" {
			required++
		}
	}
	if required == 0 && len(items) > 1 {
		var out []V3Variant
		for _, it := range items {
			v := it.only // the site's own words, should another row come to have cases
			switch it.name {
			case "ims:serverImages:create":
				v = VariantSystemDisk
			case "ims:dataImages:create":
				v = VariantDataDisk
			}
			p := perm
			p.Actions = []catalog.APIAction{{Action: it.name}}
			out = append(out, V3Variant{Variant: v, Permission: p})
		}
		return out
	}
	for _, it := range items {
		if it.dep && it.only == "" {
			perm.Dependencies = append(perm.Dependencies, it.name)
		} else {
			perm.Actions = append(perm.Actions, catalog.APIAction{Action: it.name, Note: it.only})
		}
	}
	return []V3Variant{{Permission: perm}}
}

func clonePermission(p *catalog.APIPermission) *catalog.APIPermission {
	if p == nil {
		return nil
	}
	q := *p
	q.Actions = slices.Clone(p.Actions)
	q.Dependencies = slices.Clone(p.Dependencies)
	return &q
}

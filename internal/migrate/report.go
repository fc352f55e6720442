package migrate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
)

// Report is a migration as the command's JSON report and the provider's function give it.
type Report struct {
	Verdict string `json:"verdict"` // equivalent, differences or unknown
	Reason  string `json:"reason,omitempty"`
	// Document is the v5 document, indented; "" when there is none.
	Document    string           `json:"document"`
	Problems    []string         `json:"problems"`
	Differences []DifferenceJSON `json:"differences"`
	Unmatched   []UnmatchedJSON  `json:"unmatched"`
	Notes       []string         `json:"notes"`
	// Permissions are the effective permissions per API call of both policies.
	Permissions []PermissionJSON `json:"permissions"`
}

// PermissionJSON is how much of one API call each policy allows: none, partial or full;
// "not_listed" when that language's table does not list the call.
type PermissionJSON struct {
	API string `json:"api"`
	V3  string `json:"v3"`
	V5  string `json:"v5"`
}

// DifferenceJSON is a request the v3 document and its migration decide differently.
type DifferenceJSON struct {
	API      string              `json:"api"`
	Resource string              `json:"resource"`
	Context  map[string][]string `json:"context"`
	V3       string              `json:"v3_decision"`
	V5       string              `json:"v5_decision"`
	// V3Denied and V5Denied are the actions each table requires that its policy does not
	// allow on the request.
	V3Denied []string `json:"v3_denied"`
	V5Denied []string `json:"v5_denied"`
	// Notes are the reference notes' contradictions and inferences on the API.
	Notes []string `json:"notes"`
}

// UnmatchedJSON is an API only one table lists.
type UnmatchedJSON struct {
	API     string `json:"api"`
	KnownTo string `json:"known_to"`
	// Grant is how much of it the policy of that language allows: none, partial or full.
	Grant  string `json:"grant"`
	Reason string `json:"reason"`
}

// Report gives the result as the reports do.
func (r Result) Report() Report {
	out := Report{Verdict: string(r.Verdict), Reason: r.Reason, Document: r.Document,
		Problems: nonNil(r.Problems), Differences: []DifferenceJSON{}, Unmatched: []UnmatchedJSON{}, Notes: nonNil(r.Notes)}
	out.Permissions = []PermissionJSON{}
	if r.Comparison != nil {
		out.Differences = differencesJSON(r.Comparison.Differences)
		out.Unmatched = unmatchedJSON(r.Comparison.Unmatched)
		grant := func(p apicall.Permission) string {
			if !p.Known {
				return "not_listed"
			}
			return p.Grant.String()
		}
		for i, p := range r.Comparison.Old {
			out.Permissions = append(out.Permissions, PermissionJSON{API: p.Call.Name(), V3: grant(p), V5: grant(r.Comparison.New[i])})
		}
	}
	return out
}

func differencesJSON(ds []apicall.Difference) []DifferenceJSON {
	out := []DifferenceJSON{}
	for _, d := range ds {
		ctx := d.Context
		if ctx == nil {
			ctx = map[string][]string{}
		}
		out = append(out, DifferenceJSON{API: d.Call.Name(), Resource: d.Resource, Context: ctx, V3: d.Old.String(), V5: d.New.String(),
			V3Denied: nonNil(d.OldDenied), V5Denied: nonNil(d.NewDenied), Notes: nonNil(d.Call.Notes)})
	}
	return out
}

func unmatchedJSON(us []apicall.UnmatchedCall) []UnmatchedJSON {
	out := []UnmatchedJSON{}
	for _, u := range us {
		out = append(out, UnmatchedJSON{API: u.Call.Name(), KnownTo: string(u.KnownTo), Grant: u.Grant.String(), Reason: u.Reason})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// JSON is the report as indented JSON.
func (r Report) JSON() []byte {
	b, _ := json.MarshalIndent(r, "", "  ") // strings and maps of strings only: cannot fail
	return b
}

// Text writes the report for a reader: the verdict, the v5 document, each difference,
// the APIs only one table lists (grouped by what the policy allows of them), the notes.
func (r Report) Text(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", name, r.Verdict)
	if r.Reason != "" {
		fmt.Fprintf(&b, " (%s)", r.Reason)
	}
	b.WriteString("\n")
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  problem: %s\n", p)
	}
	if r.Document != "" {
		b.WriteString("  v5 document:\n")
		for _, l := range strings.Split(r.Document, "\n") {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	for _, d := range r.Differences {
		fmt.Fprintf(&b, "  difference: %s on %s, %s: v3 %s, v5 %s\n", d.API, d.Resource, contextText(d.Context), d.V3, d.V5)
		if len(d.V3Denied) > 0 {
			fmt.Fprintf(&b, "    v3 does not allow %s\n", strings.Join(d.V3Denied, ", "))
		}
		if len(d.V5Denied) > 0 {
			fmt.Fprintf(&b, "    v5 does not allow %s\n", strings.Join(d.V5Denied, ", "))
		}
		for _, n := range d.Notes {
			fmt.Fprintf(&b, "    note: %s\n", n)
		}
	}
	if len(r.Unmatched) > 0 {
		b.WriteString("  APIs only one table lists (no document can decide them alike; reference notes §2.2):\n")
		// Grouped by table and by what the policy of that table allows, in report order.
		var groups []string
		byGroup := map[string][]string{}
		for _, u := range r.Unmatched {
			g := fmt.Sprintf("%s only, the %s policy allows %s", u.KnownTo, u.KnownTo, grantWords(u.Grant))
			if _, ok := byGroup[g]; !ok {
				groups = append(groups, g)
			}
			byGroup[g] = append(byGroup[g], u.API)
		}
		for _, g := range groups {
			fmt.Fprintf(&b, "    %s: %s\n", g, strings.Join(byGroup[g], ", "))
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}

func grantWords(g string) string {
	switch g {
	case analysis.GrantFull.String():
		return "every request"
	case analysis.GrantPartial.String():
		return "some requests"
	}
	return "no request"
}

// contextText writes a context as "g:UserName=alice, g:MFAPresent absent" style words:
// "no context keys" when empty.
func contextText(ctx map[string][]string) string {
	if len(ctx) == 0 {
		return "no context keys"
	}
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strings.Join(ctx[k], ",")
		if len(ctx[k]) == 0 {
			parts[i] = k + " (given, no values)"
		}
	}
	return strings.Join(parts, " ")
}

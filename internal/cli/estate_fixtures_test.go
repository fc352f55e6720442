package cli

// The hand-built huaweicloud plans and states of testdata/estate stand for what
// `terraform show -json` writes for that provider's IAM and Organizations resources. These
// tests check each against the attribute tables of testdata/estate/HUAWEICLOUD-SCHEMAS.md (the
// notes taken from the provider's source): a fixture that drifts from the notes, or notes
// that lose a fixture, fail here.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

const estateDir = "testdata/estate"

// schemaAttr is one row of a resource's table in the notes.
type schemaAttr struct {
	typ  string // string, bool, number, object, list(T), set(T), map(T)
	kind string // required, optional, optional+computed, computed
}

// configurable reports whether the attribute may be set in configuration.
func (a schemaAttr) configurable() bool { return a.kind != "computed" }

type schemaNotes struct {
	resources map[string]map[string]schemaAttr
	fixtures  []string // the fixture files the notes' last table lists
}

var (
	reHeading  = regexp.MustCompile("^### (huaweicloud_[a-z0-9_]+)$")
	reAlias    = regexp.MustCompile(`^Alias of (huaweicloud_[a-z0-9_]+)\.$`)
	reAttrRow  = regexp.MustCompile("^\\| `([a-z0-9_]+)` \\| ([a-z()]+) \\| (required|optional|optional\\+computed|computed) \\| [^|]+ \\|$")
	reFixtRow  = regexp.MustCompile("^\\| `([a-z0-9-]+\\.json)` \\|")
	validTypes = regexp.MustCompile(`^(string|bool|number|object|(list|set|map)\((string|object)\))$`)
)

// readSchemaNotes parses the notes' tables.
func readSchemaNotes(t *testing.T) schemaNotes {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(estateDir, "HUAWEICLOUD-SCHEMAS.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := schemaNotes{resources: map[string]map[string]schemaAttr{}}
	aliases := map[string]string{}
	cur := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if m := reHeading.FindStringSubmatch(s); m != nil {
			cur = m[1]
			if n.resources[cur] != nil {
				t.Errorf("notes line %d: %s has two sections", line, cur)
			}
			n.resources[cur] = map[string]schemaAttr{}
			continue
		}
		if strings.HasPrefix(s, "## ") {
			cur = ""
		}
		if m := reAlias.FindStringSubmatch(s); m != nil && cur != "" {
			aliases[cur] = m[1]
			continue
		}
		if m := reFixtRow.FindStringSubmatch(s); m != nil && cur == "" {
			n.fixtures = append(n.fixtures, m[1])
			continue
		}
		if cur == "" || !strings.HasPrefix(s, "| `") {
			continue
		}
		m := reAttrRow.FindStringSubmatch(s)
		if m == nil {
			t.Errorf("notes line %d: a row of %s not in the form | `attr` | type | kind | note |: %s", line, cur, s)
			continue
		}
		if !validTypes.MatchString(m[2]) {
			t.Errorf("notes line %d: type %q of %s.%s", line, m[2], cur, m[1])
		}
		if _, dup := n.resources[cur][m[1]]; dup {
			t.Errorf("notes line %d: %s.%s listed twice", line, cur, m[1])
		}
		n.resources[cur][m[1]] = schemaAttr{typ: m[2], kind: m[3]}
	}
	for alias, of := range aliases {
		if len(n.resources[alias]) != 0 || n.resources[of] == nil {
			t.Errorf("notes: alias %s of %s: the alias has rows or the target has no section", alias, of)
		}
		n.resources[alias] = n.resources[of]
	}
	for r, attrs := range n.resources {
		if attrs["id"].kind != "computed" {
			t.Errorf("notes: %s has no computed id row", r)
		}
	}
	return n
}

// The notes cover every resource type the issue names, and every fixture they list
// exists, and every fixture is listed.
func TestEstateSchemaNotes(t *testing.T) {
	n := readSchemaNotes(t)
	want := []string{
		"huaweicloud_identityv5_policy", "huaweicloud_identity_policy", "huaweicloud_identityv5_policy_default_version",
		"huaweicloud_identityv5_policy_user_attach", "huaweicloud_identityv5_policy_group_attach",
		"huaweicloud_identityv5_policy_agency_attach", "huaweicloud_identityv5_group_membership",
		"huaweicloud_identityv5_user", "huaweicloud_identityv5_group", "huaweicloud_identity_agency",
		"huaweicloud_organizations_policy", "huaweicloud_organizations_policy_attach",
		"huaweicloud_organizations_organizational_unit", "huaweicloud_organizations_account",
		"huaweicloud_organizations_account_associate", "huaweicloud_organizations_organization",
		"huaweicloud_organizations_dry_run_policy", "huaweicloud_organizations_dry_run_policy_entity_attach",
		"huaweicloud_identity_role", "huaweicloud_identity_group_role_assignment", "huaweicloud_identity_user_role_assignment",
		"huaweicloud_identity_role_assignment", "huaweicloud_identity_role_assignment_v3",
		"huaweicloud_identity_group", "huaweicloud_identity_user", "huaweicloud_identity_group_membership",
	}
	for _, r := range want {
		if len(n.resources[r]) == 0 {
			t.Errorf("notes: no attribute table for %s", r)
		}
	}
	files, err := filepath.Glob(filepath.Join(estateDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, f := range files {
		have = append(have, filepath.Base(f))
	}
	listed := slices.Clone(n.fixtures)
	sort.Strings(listed)
	if !slices.Equal(have, listed) {
		t.Errorf("fixtures on disk %v, listed in the notes %v", have, listed)
	}
	if len(have) < 12 {
		t.Errorf("only %d fixtures", len(have))
	}
}

// Every fixture is a valid plan or state as terraform show -json writes them, and every
// resource in it matches the notes.
func TestEstateFixtures(t *testing.T) {
	n := readSchemaNotes(t)
	seen := map[string]bool{}
	for _, name := range n.fixtures {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(estateDir, name))
			if err != nil {
				t.Fatal(err)
			}
			v := fixtureChecker{t: t, notes: n, seen: seen}
			if strings.HasSuffix(name, "-state.json") {
				v.state(b)
			} else {
				v.plan(b)
			}
		})
	}
	// Every table of the notes is exercised by some fixture.
	for r := range n.resources {
		if !seen[r] {
			t.Errorf("no fixture holds a %s", r)
		}
	}
}

// A fixture that strays from the notes is caught: the checker is not vacuous.
func TestEstateFixtureCheckerCatches(t *testing.T) {
	n := readSchemaNotes(t)
	b, err := os.ReadFile(filepath.Join(estateDir, "iam-create-and-attach-plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	configured := func(p map[string]any) []any {
		return arr(obj(obj(p["configuration"])["root_module"])["resources"])
	}
	cases := map[string]func(map[string]any){
		"attribute not in the schema": func(p map[string]any) {
			obj(firstPlanned(p)["values"])["region"] = "cn-north-4"
		},
		"attribute missing": func(p map[string]any) {
			delete(obj(firstPlanned(p)["values"]), "name")
		},
		"wrong type": func(p map[string]any) {
			obj(firstPlanned(p)["values"])["enabled"] = "true"
		},
		"computed attribute configured": func(p map[string]any) {
			obj(obj(configured(p)[0])["expressions"])["urn"] = map[string]any{"constant_value": "x"}
		},
		"reference to nothing": func(p map[string]any) {
			res := configured(p)
			obj(obj(res[len(res)-1])["expressions"])["policy_id"] = map[string]any{
				"references": []any{"huaweicloud_identityv5_policy.gone.id", "huaweicloud_identityv5_policy.gone"}}
		},
		"unknown value also given": func(p map[string]any) {
			rcs := arr(p["resource_changes"])
			obj(obj(obj(rcs[len(rcs)-1])["change"])["after"])["policy_id"] = "x"
		},
	}
	for what, mutate := range cases {
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		mutate(p)
		mb, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		rec := &recordingT{}
		v := fixtureChecker{t: rec, notes: n}
		v.plan(mb)
		if len(rec.errs) == 0 {
			t.Errorf("%s: not caught", what)
		}
	}
}

// firstPlanned is the first planned resource: huaweicloud_identityv5_user.alice.
// A policy document the checker refuses fails the fixture (an SCP wildcard inside a
// string, which identity policies allow).
func TestEstateFixtureCheckerDocuments(t *testing.T) {
	n := readSchemaNotes(t)
	const doc = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:*:*"],"Resource":["*"]}]}`
	rec := &recordingT{}
	fixtureChecker{t: rec, notes: n}.document("x", "huaweicloud_organizations_dry_run_policy", map[string]any{"content": doc})
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "scp_wildcard_position") {
		t.Errorf("errors %v", rec.errs)
	}
	rec = &recordingT{}
	fixtureChecker{t: rec, notes: n}.document("x", "huaweicloud_identityv5_policy", map[string]any{"policy_document": doc})
	if len(rec.errs) != 0 {
		t.Errorf("identity policy: errors %v", rec.errs)
	}
}

func firstPlanned(p map[string]any) map[string]any {
	return obj(arr(obj(obj(p["planned_values"])["root_module"])["resources"])[0])
}

// obj and arr read decoded JSON whose shape the test knows; a surprise gives nil.
func obj(x any) map[string]any {
	m, _ := x.(map[string]any)
	return m
}

func arr(x any) []any {
	l, _ := x.([]any)
	return l
}

// failer is the part of testing.T the checker uses.
type failer interface {
	Helper()
	Errorf(format string, args ...any)
}

type recordingT struct{ errs []string }

func (r *recordingT) Helper() {}
func (r *recordingT) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

type fixtureChecker struct {
	t     failer
	notes schemaNotes
	seen  map[string]bool // resource types met, when not nil
}

func (v fixtureChecker) state(b []byte) {
	var s tfjson.State
	if err := json.Unmarshal(b, &s); err != nil { // Unmarshal validates the format version
		v.t.Errorf("not a state: %v", err)
		return
	}
	if s.Values == nil || s.Values.RootModule == nil || len(s.Values.RootModule.Resources) == 0 {
		v.t.Errorf("state without resources")
		return
	}
	for _, r := range s.Values.RootModule.Resources {
		v.values("state "+r.Address, r, r.AttributeValues, nil)
	}
}

func (v fixtureChecker) plan(b []byte) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		v.t.Errorf("not JSON: %v", err)
		return
	}
	for k := range top {
		if !planKeys[k] {
			v.t.Errorf("top-level member %q is not one a plan has", k)
		}
	}
	var p tfjson.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		v.t.Errorf("not a plan: %v", err)
		return
	}
	if p.PlannedValues == nil || p.PlannedValues.RootModule == nil || p.Config == nil || p.Config.RootModule == nil {
		v.t.Errorf("plan without planned_values or configuration")
		return
	}
	changes := map[string]*tfjson.ResourceChange{}
	for _, rc := range p.ResourceChanges {
		if changes[rc.Address] != nil {
			v.t.Errorf("%s: two resource changes", rc.Address)
		}
		changes[rc.Address] = rc
		v.change(rc)
	}
	prior := map[string]*tfjson.StateResource{}
	if p.PriorState != nil {
		if err := p.PriorState.Validate(); err != nil {
			v.t.Errorf("prior_state: %v", err)
		}
		for _, r := range p.PriorState.Values.RootModule.Resources {
			prior[r.Address] = r
			v.values("prior_state "+r.Address, r, r.AttributeValues, nil)
			if rc := changes[r.Address]; rc == nil || !jsonEqual(rc.Change.Before, r.AttributeValues) {
				v.t.Errorf("%s: prior_state and the change's before differ", r.Address)
			}
		}
	}
	planned := map[string]bool{}
	for _, r := range p.PlannedValues.RootModule.Resources {
		planned[r.Address] = true
		rc := changes[r.Address]
		if rc == nil {
			v.t.Errorf("%s: planned without a resource change", r.Address)
			continue
		}
		v.values("planned "+r.Address, r, r.AttributeValues, unknownKeys(rc.Change.AfterUnknown))
		if !jsonEqual(rc.Change.After, r.AttributeValues) {
			v.t.Errorf("%s: planned values and the change's after differ", r.Address)
		}
	}
	for a, rc := range changes {
		deleted := rc.Change.Actions.Delete()
		if deleted == planned[a] {
			v.t.Errorf("%s: actions %v, in planned_values: %v", a, rc.Change.Actions, planned[a])
		}
		if (rc.Change.Before == nil) != (prior[a] == nil) {
			v.t.Errorf("%s: before and prior_state disagree", a)
		}
	}
	v.configuration(p.Config.RootModule, planned)
}

// change checks one resource change's shape.
func (v fixtureChecker) change(rc *tfjson.ResourceChange) {
	c := rc.Change
	if rc.Mode != tfjson.ManagedResourceMode || rc.ProviderName != "registry.terraform.io/huaweicloud/huaweicloud" || c == nil {
		v.t.Errorf("%s: mode %q, provider %q", rc.Address, rc.Mode, rc.ProviderName)
		return
	}
	if want := rc.Type + "." + rc.Name; rc.Address != want {
		v.t.Errorf("%s: address is not %s", rc.Address, want)
	}
	a := c.Actions
	switch {
	case a.Create():
		if c.Before != nil || c.After == nil {
			v.t.Errorf("%s: create with before %v", rc.Address, c.Before)
		}
	case a.Delete():
		if c.Before == nil || c.After != nil {
			v.t.Errorf("%s: delete with after %v", rc.Address, c.After)
		}
	case a.Update(), a.NoOp():
		if c.Before == nil || c.After == nil {
			v.t.Errorf("%s: %v without before and after", rc.Address, a)
		}
		if a.NoOp() && !jsonEqual(c.Before, c.After) {
			v.t.Errorf("%s: no-op whose before and after differ", rc.Address)
		}
		if a.Update() && jsonEqual(c.Before, c.After) && len(unknownKeys(c.AfterUnknown)) == 0 {
			v.t.Errorf("%s: update that changes nothing", rc.Address)
		}
	default:
		v.t.Errorf("%s: actions %v", rc.Address, a)
	}
	if c.Before != nil {
		if m, ok := c.Before.(map[string]any); !ok {
			v.t.Errorf("%s: before is not an object", rc.Address)
		} else {
			v.attrs("before "+rc.Address, rc.Type, m, nil)
		}
	}
	if c.After != nil {
		if m, ok := c.After.(map[string]any); !ok {
			v.t.Errorf("%s: after is not an object", rc.Address)
		} else {
			v.attrs("after "+rc.Address, rc.Type, m, unknownKeys(c.AfterUnknown))
		}
	}
}

// unknownKeys are the attributes after_unknown marks unknown as a whole.
func unknownKeys(au any) map[string]bool {
	m, _ := au.(map[string]any)
	out := map[string]bool{}
	for k, x := range m {
		if x == true {
			out[k] = true
		}
	}
	return out
}

func (v fixtureChecker) values(where string, r *tfjson.StateResource, vals map[string]any, unknown map[string]bool) {
	if r.Mode != tfjson.ManagedResourceMode || r.ProviderName != "registry.terraform.io/huaweicloud/huaweicloud" || r.SchemaVersion != 0 {
		v.t.Errorf("%s: mode %q, provider %q, schema_version %d", where, r.Mode, r.ProviderName, r.SchemaVersion)
	}
	if want := r.Type + "." + r.Name; r.Address != want {
		v.t.Errorf("%s: address is not %s", where, want)
	}
	v.attrs(where, r.Type, vals, unknown)
}

// attrs checks a resource's values against its table: every attribute present unless
// unknown (absent then), none else, each of its type, required ones set.
func (v fixtureChecker) attrs(where, typ string, vals map[string]any, unknown map[string]bool) {
	if v.seen != nil {
		v.seen[typ] = true
	}
	schema := v.notes.resources[typ]
	if schema == nil {
		v.t.Errorf("%s: resource type %s is not in the notes", where, typ)
		return
	}
	for k := range unknown {
		if _, ok := schema[k]; !ok {
			v.t.Errorf("%s: unknown attribute %s not in the schema", where, k)
		}
		if _, ok := vals[k]; ok {
			v.t.Errorf("%s: %s is both unknown and given", where, k)
		}
	}
	for k, a := range schema {
		x, ok := vals[k]
		switch {
		case unknown[k]:
		case !ok:
			v.t.Errorf("%s: attribute %s missing", where, k)
		case x == nil && a.kind == "required":
			v.t.Errorf("%s: required attribute %s is null", where, k)
		case x != nil && !hasType(x, a.typ):
			v.t.Errorf("%s: %s = %v is not a %s", where, k, x, a.typ)
		}
	}
	for k := range vals {
		if _, ok := schema[k]; !ok {
			v.t.Errorf("%s: attribute %s is not in %s's schema", where, k, typ)
		}
	}
	v.document(where, typ, vals)
}

// documentAttrs are the attributes of the fixtures' types that hold a policy document,
// with the purpose it is checked for.
var documentAttrs = map[string]struct {
	attr    string
	purpose policy.Purpose
}{
	"huaweicloud_identityv5_policy":            {"policy_document", policy.Identity},
	"huaweicloud_identity_policy":              {"policy_document", policy.Identity},
	"huaweicloud_organizations_policy":         {"content", policy.SCP},
	"huaweicloud_organizations_dry_run_policy": {"content", policy.SCP},
}

// document checks a fixture's policy document: the gate's answers rest on it, so it must
// pass the checker with no error (an SCP with "ims:*:*" would not).
func (v fixtureChecker) document(where, typ string, vals map[string]any) {
	if typ == "huaweicloud_identity_role" {
		if text, _ := vals["policy"].(string); text != "" {
			if f := policy.CheckV3Text([]byte(text)).FirstError(); f != nil {
				v.t.Errorf("%s: policy: %s", where, f)
			}
		}
		return
	}
	d, ok := documentAttrs[typ]
	if !ok {
		return
	}
	text, _ := vals[d.attr].(string)
	if text == "" {
		return // unknown, or reported above
	}
	if f := policy.CheckText([]byte(text), d.purpose).FirstError(); f != nil {
		v.t.Errorf("%s: %s: %s", where, d.attr, f)
	}
}

func hasType(x any, typ string) bool {
	elem := func(t string) string { return t[strings.Index(t, "(")+1 : len(t)-1] }
	switch {
	case typ == "string":
		_, ok := x.(string)
		return ok
	case typ == "bool":
		_, ok := x.(bool)
		return ok
	case typ == "number":
		_, ok := x.(float64)
		return ok
	case typ == "object":
		_, ok := x.(map[string]any)
		return ok
	case strings.HasPrefix(typ, "map("):
		m, ok := x.(map[string]any)
		for _, e := range m {
			ok = ok && hasType(e, elem(typ))
		}
		return ok
	default: // list(T), set(T)
		l, ok := x.([]any)
		for _, e := range l {
			ok = ok && hasType(e, elem(typ))
		}
		return ok
	}
}

// configuration checks the configured resources: exactly the planned ones, only
// configurable attributes, required ones all set, references to configured resources'
// attributes.
func (v fixtureChecker) configuration(m *tfjson.ConfigModule, planned map[string]bool) {
	configured := map[string]string{}
	for _, r := range m.Resources {
		configured[r.Address] = r.Type
		if r.ProviderConfigKey != "huaweicloud" || r.Mode != tfjson.ManagedResourceMode {
			v.t.Errorf("configuration %s: provider_config_key %q, mode %q", r.Address, r.ProviderConfigKey, r.Mode)
		}
		if !planned[r.Address] {
			v.t.Errorf("configuration %s: not in planned_values", r.Address)
		}
	}
	if len(configured) != len(planned) {
		v.t.Errorf("configuration holds %d resources, planned_values %d", len(configured), len(planned))
	}
	for _, r := range m.Resources {
		schema := v.notes.resources[r.Type]
		for k, e := range r.Expressions {
			a, ok := schema[k]
			if !ok || !a.configurable() {
				v.t.Errorf("configuration %s: %s is not an argument of %s", r.Address, k, r.Type)
			}
			if e == nil || e.ExpressionData == nil {
				v.t.Errorf("configuration %s: %s has no expression", r.Address, k)
				continue
			}
			for _, ref := range e.References {
				v.reference(r.Address, ref, configured)
			}
			if len(e.References) == 0 && e.ConstantValue == nil {
				v.t.Errorf("configuration %s: %s is neither a constant nor references", r.Address, k)
			}
		}
		for k, a := range schema {
			if _, ok := r.Expressions[k]; a.kind == "required" && !ok {
				v.t.Errorf("configuration %s: required %s not set", r.Address, k)
			}
		}
	}
}

// reference checks one reference: <type>.<name> or <type>.<name>.<attribute>, of a
// configured resource.
func (v fixtureChecker) reference(from, ref string, configured map[string]string) {
	parts := strings.Split(ref, ".")
	if len(parts) < 2 || len(parts) > 3 {
		v.t.Errorf("configuration %s: reference %q", from, ref)
		return
	}
	typ, ok := configured[parts[0]+"."+parts[1]]
	if !ok {
		v.t.Errorf("configuration %s: reference %q to a resource not configured", from, ref)
		return
	}
	if len(parts) == 3 {
		if _, ok := v.notes.resources[typ][parts[2]]; !ok {
			v.t.Errorf("configuration %s: reference %q to an attribute %s lacks", from, ref, typ)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

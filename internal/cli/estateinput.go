package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// instance is one managed resource instance of a plan or a state, of a resource type the
// estate table (estateResources) reads.
type instance struct {
	source  string         // the file, as given on the command line
	address string         // module.x.type.name[0]
	typ     string         // the resource type
	values  map[string]any // the attributes; unknown ones are absent
	unknown map[string]bool
}

// str is a string attribute, "" when absent, unknown or not a string.
func (in *instance) str(attr string) string {
	s, _ := in.values[attr].(string)
	return s
}

// strs is a list-of-strings attribute, without empty strings (an id that is "" names
// nothing).
func (in *instance) strs(attr string) []string {
	list, _ := in.values[attr].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// isUnknown: the attribute is known only after apply.
func (in *instance) isUnknown(attr string) bool { return in.unknown[attr] }

// estateInput is what the command reads of a plan or a state for the estate: the
// instances before the plan (prior) and after it (planned; for a state, the same), and,
// for a plan, the configuration's references, which resolve values known only after
// apply.
type estateInput struct {
	source         string
	isPlan         bool
	prior, planned []instance
	references     map[string]map[string][]string // resource address (no instance key) -> attribute -> references
	// unread are the plan's changed documents of kinds the estate does not read but
	// that decide access (a trust policy, an IAM v3 role): each answer is unknown.
	unread           []comparison
	terraformVersion string
}

// jsonModule is a module of a plan's planned_values or prior_state, or of a state.
type jsonModule struct {
	Address   string `json:"address"`
	Resources []struct {
		Address string `json:"address"`
		Mode    string `json:"mode"`
		Type    string `json:"type"`
		// Values are decoded only for the types the estate reads.
		Values json.RawMessage `json:"values"`
	} `json:"resources"`
	ChildModules []jsonModule `json:"child_modules"`
}

type jsonValues struct {
	RootModule *jsonModule `json:"root_module"`
}

// jsonConfigModule is a module of a plan's configuration.
type jsonConfigModule struct {
	Resources []struct {
		Address string `json:"address"`
		Mode    string `json:"mode"`
		Type    string `json:"type"`
		// An expression is an object (with references); a nested block's is a list.
		Expressions map[string]json.RawMessage `json:"expressions"`
	} `json:"resources"`
	ModuleCalls map[string]struct {
		Module jsonConfigModule `json:"module"`
	} `json:"module_calls"`
}

// estateJSON is the part of a plan or state (terraform show -json) the estate is built
// from.
type estateJSON struct {
	FormatVersion    *string     `json:"format_version"`
	TerraformVersion string      `json:"terraform_version"`
	Values           *jsonValues `json:"values"` // a state
	PlannedValues    *jsonValues `json:"planned_values"`
	PriorState       *struct {
		Values *jsonValues `json:"values"`
	} `json:"prior_state"`
	ResourceChanges []struct {
		Address string `json:"address"`
		Mode    string `json:"mode"`
		Type    string `json:"type"`
		// Change is decoded only for the types the estate or the policy table reads.
		Change json.RawMessage `json:"change"`
	} `json:"resource_changes"`
	Configuration *struct {
		RootModule jsonConfigModule `json:"root_module"`
	} `json:"configuration"`
	// A raw state file (terraform.tfstate) has these instead (raw: encoding/json matches
	// names without case, and a policy document's "Version" is a string).
	Version json.RawMessage `json:"version"`
	Lineage json.RawMessage `json:"lineage"`
}

// readEstateInput reads a plan or a state (terraform show -json). wantPlan says which the
// flag asks for: a plan for --plan, either for access's PATHs (wantPlan nil).
func readEstateInput(path string, stdin io.Reader, wantPlan *bool) (*estateInput, error) {
	src, err := openSource(path, stdin)
	if err != nil {
		return nil, err
	}
	defer src.close()
	if err := recogniseInput(path, src.head, src.whole); err != nil {
		return nil, err
	}
	// An input too large to be a policy document must start as a plan or state does; it
	// is refused from its start, never read whole.
	if !src.whole && !startsLikePlan(src.head) {
		return nil, errors.New("not a plan or state (terraform show -json): it does not start as one")
	}
	r := &utf8Reader{r: src.reader()}
	dec := json.NewDecoder(r)
	var j estateJSON
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("not JSON from `terraform show -json`: %v", err)
	}
	switch after, err := afterObject(dec, r); {
	case err != nil:
		return nil, err
	case after == "":
	case strings.HasPrefix(after, "::"):
		return nil, errWrapper(inputName(path))
	default:
		return nil, errors.New("unexpected text after the JSON object of `terraform show -json`")
	}
	in := &estateInput{source: path, terraformVersion: j.TerraformVersion}
	isState := j.Values != nil
	in.isPlan = j.PlannedValues != nil || j.ResourceChanges != nil
	switch {
	case j.FormatVersion == nil && len(j.Version) > 0 && len(j.Lineage) > 0:
		return nil, errors.New("a raw state file (terraform.tfstate), not `terraform show -json` output: write it with `terraform show -json > state.json`")
	case j.FormatVersion == nil:
		return nil, errors.New("not a plan or state from `terraform show -json`: it has no format_version")
	case !in.isPlan && !isState:
		return nil, errors.New("neither a plan (planned_values, resource_changes) nor a state (values): write it with `terraform show -json plan.out` or `terraform show -json`")
	case wantPlan != nil && *wantPlan && !in.isPlan:
		return nil, errors.New("a state, not a plan: give a state with --state, and the plan (terraform show -json plan.out) with --plan")
	case wantPlan != nil && !*wantPlan && in.isPlan:
		return nil, errors.New("a plan, not a state: give the plan with --plan, and states (terraform show -json) with --state")
	}
	if !in.isPlan {
		if j.Values.RootModule != nil {
			var err error
			if in.prior, err = moduleInstances(path, j.Values.RootModule, nil); err != nil {
				return nil, fmt.Errorf("values: %w", err)
			}
		}
		in.planned = in.prior
		return in, nil
	}
	// resource_changes has every managed instance, its value before and after the plan
	// (after_unknown: known only after apply); planned_values and prior_state add the
	// instances a plan written some other way leaves out of it.
	seenPrior, seenPlanned := map[string]bool{}, map[string]bool{}
	for _, rc := range j.ResourceChanges {
		_, estateType := estateResources[rc.Type]
		_, policyType := attributesByType[rc.Type]
		if rc.Mode != "managed" || !estateType && !policyType {
			continue
		}
		var change struct {
			Actions      []string       `json:"actions"`
			Before       map[string]any `json:"before"`
			After        map[string]any `json:"after"`
			AfterUnknown map[string]any `json:"after_unknown"`
		}
		if err := json.Unmarshal(rc.Change, &change); err != nil {
			return nil, fmt.Errorf("resource_changes: %s: change: %w", rc.Address, err)
		}
		in.unread = append(in.unread, unreadDocuments(path, rc.Address, rc.Type, change.Actions, change.Before, change.After, change.AfterUnknown)...)
		if !estateType {
			continue
		}
		seenPrior[rc.Address], seenPlanned[rc.Address] = true, true
		if change.Before != nil {
			in.prior = append(in.prior, instance{source: path, address: rc.Address, typ: rc.Type, values: change.Before})
		}
		if change.After != nil || hasCreate(change.Actions) {
			values := change.After
			if values == nil {
				values = map[string]any{}
			}
			unknown := map[string]bool{}
			for k, v := range change.AfterUnknown {
				if v == true {
					unknown[k] = true
					delete(values, k)
				}
			}
			in.planned = append(in.planned, instance{source: path, address: rc.Address, typ: rc.Type, values: values, unknown: unknown})
		}
	}
	if j.PriorState != nil && j.PriorState.Values != nil && j.PriorState.Values.RootModule != nil {
		more, err := moduleInstances(path, j.PriorState.Values.RootModule, seenPrior)
		if err != nil {
			return nil, fmt.Errorf("prior_state: %w", err)
		}
		in.prior = append(in.prior, more...)
	}
	if j.PlannedValues != nil && j.PlannedValues.RootModule != nil {
		more, err := moduleInstances(path, j.PlannedValues.RootModule, seenPlanned)
		if err != nil {
			return nil, fmt.Errorf("planned_values: %w", err)
		}
		in.planned = append(in.planned, more...)
	}
	in.references = map[string]map[string][]string{}
	if j.Configuration != nil {
		configReferences(&j.Configuration.RootModule, "", in.references)
	}
	return in, nil
}

// unreadDocuments are the documents of a resource change that decide access but are not
// read (policyAttributes: not read, in scope), as diff-access OLD NEW would see them.
func unreadDocuments(source, address, typ string, actions []string, before, after, afterUnknown map[string]any) []comparison {
	if len(actions) == 1 && actions[0] == "no-op" || len(actions) == 0 {
		return nil
	}
	var out []comparison
	for _, a := range attributesByType[typ] {
		var c comparison
		if before != nil {
			c.old.document, c.old.present = a.document(source, address, before, func(string) bool { return false })
		}
		if after != nil {
			c.new.document, c.new.present = a.document(source, address, after, func(name string) bool { return afterUnknown[name] == true })
		}
		for _, sd := range []*side{&c.old, &c.new} {
			// An IAM v3 role (huaweicloud_identity_role) is read by the estate with its
			// role assignments; another v3 document (an Identity Center permission set's)
			// grants through what the estate does not read: its change is undecided,
			// never ignored.
			_, read := estateResources[typ]
			v3 := sd.present && sd.Unchecked == checked && sd.Language == policy.V3 && !read
			if v3 || sd.present && sd.Unchecked.notRead && !sd.Unchecked.outOfScope {
				c.status, c.reason = analysis.Unknown, sd.Unchecked.Text()
				if v3 {
					c.reason = iamV3Role
				}
				out = append(out, c)
				break
			}
		}
	}
	return out
}

func hasCreate(actions []string) bool {
	for _, a := range actions {
		if a == "create" {
			return true
		}
	}
	return false
}

// moduleInstances are the managed instances of m and its child modules whose type the
// estate table reads, leaving out the addresses in skip.
func moduleInstances(source string, m *jsonModule, skip map[string]bool) ([]instance, error) {
	var out []instance
	for _, r := range m.Resources {
		if r.Mode != "managed" || skip[r.Address] {
			continue
		}
		if _, ok := estateResources[r.Type]; !ok {
			continue
		}
		var values map[string]any
		if len(r.Values) > 0 {
			if err := json.Unmarshal(r.Values, &values); err != nil {
				return nil, fmt.Errorf("%s: values: %w", r.Address, err)
			}
		}
		if values == nil {
			values = map[string]any{}
		}
		out = append(out, instance{source: source, address: r.Address, typ: r.Type, values: values})
	}
	for i := range m.ChildModules {
		more, err := moduleInstances(source, &m.ChildModules[i], skip)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// configReferences records the references of each resource's expressions, by the
// resource's address (module.a.module.b.type.name), the references made absolute
// (prefixed with the module's address).
func configReferences(m *jsonConfigModule, prefix string, out map[string]map[string][]string) {
	for _, r := range m.Resources {
		if r.Mode != "managed" {
			continue
		}
		attrs := map[string][]string{}
		for name, raw := range r.Expressions {
			var e struct {
				References []string `json:"references"`
			}
			if json.Unmarshal(raw, &e) != nil {
				continue // a nested block: no attribute the estate reads
			}
			for _, ref := range e.References {
				attrs[name] = append(attrs[name], prefix+ref)
			}
		}
		out[prefix+r.Address] = attrs
	}
	names := make([]string, 0, len(m.ModuleCalls))
	for name := range m.ModuleCalls {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		mc := m.ModuleCalls[name]
		configReferences(&mc.Module, prefix+"module."+name+".", out)
	}
}

// resourceAddress is an instance address without its instance keys: the address the
// configuration's references use (module.a["x"].type.name[0] -> module.a.type.name).
func resourceAddress(address string) string { return stripInstanceKeys(address) }

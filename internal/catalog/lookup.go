package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// NameKind says what the catalog knows a policy action name as.
type NameKind int

const (
	// Unknown names are not in the catalog.
	Unknown NameKind = iota
	// TableAction names are rows of Table 1.
	TableAction
	// Alias names are listed in Table 1's Alias column and are not themselves table actions
	// (ims:images:copy, ims:images:update).
	Alias
	// Referenced names appear only as dependencies in Table 2 (ims:images:deleteTags,
	// obs:object:GetObject).
	Referenced
)

func (k NameKind) String() string {
	return [...]string{"unknown", "table action", "alias", "referenced"}[k]
}

// index is built once from the tables; every lookup reads it. Names are keyed and compared
// by the ASCII case rule of wildcard.EqualFold, as everywhere action names meet.
var index = buildIndex()

type catalogIndex struct {
	sorted  []Action          // Table 1 sorted byte-wise by name
	byLower map[string]int    // lower-cased table action name -> position in sorted
	names   map[string]string // lower-cased known name -> canonical spelling
	kinds   map[string]NameKind
	// keysByLength lists, by the length of their names, the positions of the condition
	// keys that are not templates; templates lists the templates' positions. A request
	// names a few keys each and a plan may hold thousands of requests: comparing the one
	// or two keys of a length costs a fraction of lowering and hashing the name.
	keysByLength [][]int
	templates    []int
	apis         []apiTemplate
	operations   []Operation
}

type apiTemplate struct {
	method   string
	template string
	segments []string
	rows     []int // positions in apiRows
}

func buildIndex() catalogIndex {
	ix := catalogIndex{
		sorted:  slices.Clone(actions),
		byLower: map[string]int{},
		names:   map[string]string{},
		kinds:   map[string]NameKind{},
	}
	slices.SortFunc(ix.sorted, func(a, b Action) int { return strings.Compare(a.Name, b.Name) })
	add := func(name string, kind NameKind) {
		l := wildcard.Lower(name)
		if _, ok := ix.kinds[l]; !ok {
			ix.kinds[l], ix.names[l] = kind, name
		}
	}
	for i, a := range ix.sorted {
		ix.byLower[wildcard.Lower(a.Name)] = i
		add(a.Name, TableAction)
	}
	for _, a := range ix.sorted {
		for _, alias := range a.Aliases {
			add(alias, Alias)
		}
	}
	for ri, row := range apiRows {
		for _, dep := range row.Dependencies {
			add(dep, Referenced)
		}
		for _, api := range row.APIs {
			at := slices.IndexFunc(ix.apis, func(t apiTemplate) bool { return t.method == api.Method && t.template == api.Path })
			if at < 0 {
				ix.apis = append(ix.apis, apiTemplate{method: api.Method, template: api.Path, segments: splitPath(api.Path)})
				at = len(ix.apis) - 1
			}
			ix.apis[at].rows = append(ix.apis[at].rows, ri)
		}
	}
	for i, k := range conditionKeys {
		if isTemplate(k.Name) {
			ix.templates = append(ix.templates, i)
			continue
		}
		for len(ix.keysByLength) <= len(k.Name) {
			ix.keysByLength = append(ix.keysByLength, nil)
		}
		ix.keysByLength[len(k.Name)] = append(ix.keysByLength[len(k.Name)], i)
	}
	ix.operations = buildOperations(ix.apis)
	return ix
}

// Actions returns every action of Table 1, sorted byte-wise by name.
func Actions() []Action { return filter(func(Action) bool { return true }) }

// clone returns a deep copy of an action, so that callers cannot change the catalog.
func (a Action) clone() Action {
	a.ResourceTypes = slices.Clone(a.ResourceTypes)
	a.ConditionKeys = slices.Clone(a.ConditionKeys)
	a.Aliases = slices.Clone(a.Aliases)
	if a.Deprecation != nil {
		d := *a.Deprecation
		d.Recommended = slices.Clone(d.Recommended)
		a.Deprecation = &d
	}
	return a
}

// LookupAction finds a table action by name, ignoring ASCII case.
func LookupAction(name string) (Action, bool) {
	i, ok := index.byLower[wildcard.Lower(name)]
	if !ok {
		return Action{}, false
	}
	return index.sorted[i].clone(), true
}

// Kind says what the catalog knows name as, ignoring case. A name that is both a table
// action and an alias (ims:images:list) is a TableAction.
func Kind(name string) NameKind {
	// Lowered on the stack, longer than every catalog name: a lookup by string(bytes)
	// does not allocate.
	var buf [128]byte
	return index.kinds[string(wildcard.LowerInto(buf[:], name))]
}

// CanonicalName returns the catalog's spelling of a known name.
func CanonicalName(name string) (string, bool) {
	n, ok := index.names[wildcard.Lower(name)]
	return n, ok
}

// KnownNames returns every name the catalog knows (table actions, aliases and names Table 2
// references), sorted byte-wise.
func KnownNames() []string {
	out := make([]string, 0, len(index.names))
	for _, n := range index.names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Granted returns the table actions that a statement naming name grants or denies: the
// action itself if it is a table action, and every action that lists name as an alias
// (Grants for a name; nothing for a pattern).
func Granted(name string) []Action {
	if wildcard.HasWildcard(name) {
		return nil
	}
	var out []Action
	for _, g := range Grants(name) {
		out = append(out, g.Action)
	}
	return out
}

// Names returns the names a statement may use to grant or deny the action: its own name,
// then its aliases. This is the one rule by which Action and NotAction patterns reach
// table actions, in the evaluator, the analyser and the checker alike.
func (a Action) Names() []string { return append([]string{a.Name}, a.Aliases...) }

// Grant is a table action that a policy action name or pattern grants or denies.
type Grant struct {
	Action
	// Alias is the alias through which the pattern reaches the action when it does not
	// match the action's own name (ims:images:update for ims:images:deleteImage); "" when
	// it does.
	Alias string
}

// Grants returns the table actions that a statement naming pattern (a name or a wildcard
// pattern, ignoring case) grants or denies, by Names, sorted byte-wise.
func Grants(pattern string) []Grant {
	var out []Grant
	for _, a := range index.sorted {
		for i, n := range a.Names() {
			if wildcard.Match(pattern, n) {
				g := Grant{Action: a.clone()}
				if i > 0 {
					g.Alias = n
				}
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// BeyondAliases returns the grants of pattern (see Grants) that reach beyond what an alias's
// name says (see Grant.BeyondAlias), sorted byte-wise; nil, without allocating, for the many
// names and patterns that reach nothing so.
func BeyondAliases(pattern string) []Grant {
	var out []Grant
	for i := range index.sorted {
		a := &index.sorted[i]
		if len(a.Aliases) == 0 || wildcard.Match(pattern, a.Name) {
			continue
		}
		for _, alias := range a.Aliases {
			if wildcard.Match(pattern, alias) {
				if g := (Grant{Action: *a, Alias: alias}); g.BeyondAlias() {
					g.Action = a.clone()
					out = append(out, g)
				}
				break
			}
		}
	}
	return out
}

// BeyondAlias reports whether the action is reached through an alias and goes beyond what
// the alias's name says: its operation does not begin with the alias's (ims:images:copy
// reaching copyInRegion says what it does; ims:images:update reaching deleteImage does not),
// it does more than list or read (ims:images:list reaching getJob only reads), and it is
// not one the vendor recommends in place of the alias (ims:images:share's member actions).
func (g Grant) BeyondAlias() bool {
	if g.Alias == "" || g.AccessLevel == List || g.AccessLevel == Read {
		return false
	}
	if i, ok := index.byLower[wildcard.Lower(g.Alias)]; ok {
		if d := index.sorted[i].Deprecation; d != nil && slices.Contains(d.Recommended, g.Name) {
			return false
		}
	}
	return !wildcard.HasPrefixFold(operation(g.Name), operation(g.Alias))
}

// operation is the last part of an action name: deleteImage of ims:images:deleteImage.
func operation(name string) string { return name[strings.LastIndexByte(name, ':')+1:] }

// Match returns the table actions whose names match the wildcard pattern (`*`, `?`),
// ignoring case, sorted byte-wise.
func Match(pattern string) []Action {
	return filter(func(a Action) bool { return wildcard.Match(pattern, a.Name) })
}

// MatchNames returns every known name (see KnownNames) the pattern matches.
func MatchNames(pattern string) []string {
	var out []string
	for _, n := range KnownNames() {
		if wildcard.Match(pattern, n) {
			out = append(out, n)
		}
	}
	return out
}

// ByAccessLevel returns the table actions at any of the given levels.
func ByAccessLevel(levels ...AccessLevel) []Action {
	return filter(func(a Action) bool { return slices.Contains(levels, a.AccessLevel) })
}

// ByResourceType returns the table actions that support the resource type.
func ByResourceType(name string) []Action {
	return filter(func(a Action) bool {
		return slices.ContainsFunc(a.ResourceTypes, func(r ResourceTypeRef) bool { return wildcard.EqualFold(r.Name, name) })
	})
}

// ByConditionKey returns the table actions associated with the key, stated or inferred.
// A global key applies to every action. Keys of a template (g:RequestTag/env) match it.
func ByConditionKey(key string) []Action {
	k, ok := LookupConditionKey(key)
	if !ok {
		return nil
	}
	if k.Global {
		return Actions()
	}
	return filter(func(a Action) bool {
		_, ok := a.KeyRef(k.Name)
		return ok
	})
}

// KeyRef returns the action's association with a condition key, if it has one. A
// concrete key of a template (g:RequestTag/team) finds the template's association.
func (a Action) KeyRef(key string) (KeyRef, bool) {
	if k, ok := LookupConditionKey(key); ok {
		key = k.Name
	}
	for _, r := range a.ConditionKeys {
		if wildcard.EqualFold(keyPrefix(r.Name), keyPrefix(key)) {
			return r, true
		}
	}
	return KeyRef{}, false
}

func filter(keep func(Action) bool) []Action {
	var out []Action
	for _, a := range index.sorted {
		if keep(a) {
			out = append(out, a.clone())
		}
	}
	return out
}

// AccessLevelOf parses an access level name.
func AccessLevelOf(s string) (AccessLevel, bool) {
	for _, l := range AccessLevels {
		if wildcard.EqualFold(string(l), s) {
			return l, true
		}
	}
	return "", false
}

// ResourceTypes returns Table 3.
func ResourceTypes() []ResourceType { return slices.Clone(resourceTypes) }

// LookupResourceType finds a resource type by name, ignoring case.
func LookupResourceType(name string) (ResourceType, bool) {
	i := slices.IndexFunc(resourceTypes, func(r ResourceType) bool { return wildcard.EqualFold(r.Name, name) })
	if i < 0 {
		return ResourceType{}, false
	}
	return resourceTypes[i], true
}

// ConditionKeys returns Table 4 and the global keys, sorted byte-wise by name.
func ConditionKeys() []ConditionKey {
	out := slices.Clone(conditionKeys)
	slices.SortFunc(out, func(a, b ConditionKey) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LookupConditionKey finds a condition key, ignoring case. A concrete key of a template
// (g:ResourceTag/env for g:ResourceTag/<tag-key>) finds the template.
func LookupConditionKey(name string) (ConditionKey, bool) {
	if i := conditionKeyAt(name); i >= 0 {
		return conditionKeys[i], true
	}
	return ConditionKey{}, false
}

// ConditionKeyType is the type of the condition key LookupConditionKey finds, without
// copying the key: a request's values are read by it, thousands of times in a plan.
func ConditionKeyType(name string) (ValueType, bool) {
	if i := conditionKeyAt(name); i >= 0 {
		return conditionKeys[i].Type, true
	}
	return "", false
}

// conditionKeyAt is the position in conditionKeys of the key LookupConditionKey finds,
// or -1.
func conditionKeyAt(name string) int {
	if len(name) < len(index.keysByLength) {
		candidates := index.keysByLength[len(name)]
		for _, i := range candidates { // the catalog's spelling first, as requests mostly write it
			if conditionKeys[i].Name == name {
				return i
			}
		}
		for _, i := range candidates {
			if wildcard.EqualFold(conditionKeys[i].Name, name) {
				return i
			}
		}
	}
	for _, i := range index.templates {
		// A template's prefix ends at its only slash: g:ResourceTag/ of g:ResourceTag/<tag-key>.
		if prefix := keyPrefix(conditionKeys[i].Name); len(name) > len(prefix) && wildcard.HasPrefixFold(name, prefix) {
			return i
		}
	}
	return -1
}

// KeysFor returns the condition keys usable with an action name: the global keys and the
// keys associated, stated or inferred, with any table action the name grants (see
// Granted), sorted byte-wise. It reports false for a name that grants no table action.
func KeysFor(name string) ([]ConditionKey, bool) {
	granted := Granted(name)
	if len(granted) == 0 {
		return nil, false
	}
	var out []ConditionKey
	for _, k := range ConditionKeys() {
		assoc := slices.ContainsFunc(granted, func(a Action) bool { _, ok := a.KeyRef(k.Name); return ok })
		if k.Global || assoc {
			out = append(out, k)
		}
	}
	return out, true
}

func isTemplate(name string) bool { return strings.Contains(name, "<") }

// keyPrefix reduces a template key to the part before its placeholder.
func keyPrefix(name string) string {
	if i := strings.IndexByte(name, '<'); i >= 0 {
		return name[:i]
	}
	return name
}

// APIRows returns Table 2 in the seed's order.
func APIRows() []APIRow {
	out := make([]APIRow, len(apiRows))
	for i, r := range apiRows {
		r.APIs = slices.Clone(r.APIs)
		r.Dependencies = slices.Clone(r.Dependencies)
		out[i] = r
	}
	return out
}

// APIPermission is what one API needs: every action of every Table 2 row that lists it,
// with the row's scenario note, and the union of those rows' dependencies.
type APIPermission struct {
	Method       string
	PathTemplate string
	Actions      []APIAction
	Dependencies []string
}

// APIAction is an action an API needs; Note is the seed's scenario note ("required only
// for ...") or empty when the action is always required.
type APIAction struct {
	Action string
	Note   string
}

// Required reports whether the action is needed in every scenario of the API.
func (a APIAction) Required() bool { return a.Note == "" }

// LookupAPI finds the API for a method and a path, which may be a template
// (/v2/images/{image_id}/file) or a concrete path (/v2/images/9f1c.../file). A query
// string and a trailing slash are ignored; the method ignores case.
func LookupAPI(method, path string) (APIPermission, bool) {
	segs := splitPath(path)
	for _, t := range index.apis {
		if !wildcard.EqualFold(t.method, method) || !segmentsMatch(t.segments, segs) {
			continue
		}
		p := APIPermission{Method: t.method, PathTemplate: t.template}
		for _, ri := range t.rows {
			row := apiRows[ri]
			api := row.APIs[slices.IndexFunc(row.APIs, func(a APIRef) bool { return a.Method == t.method && a.Path == t.template })]
			p.Actions = append(p.Actions, APIAction{Action: row.Action, Note: api.Note})
			for _, d := range row.Dependencies {
				if !slices.Contains(p.Dependencies, d) {
					p.Dependencies = append(p.Dependencies, d)
				}
			}
		}
		return p, true
	}
	return APIPermission{}, false
}

// MatchPath reports whether path, a template or a concrete path, is an instance of the
// template, as LookupAPI matches them.
func MatchPath(template, path string) bool {
	return segmentsMatch(splitPath(template), splitPath(path))
}

func splitPath(path string) []string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	return strings.Split(strings.Trim(path, "/"), "/")
}

func segmentsMatch(template, segs []string) bool {
	if len(template) != len(segs) {
		return false
	}
	for i, t := range template {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if t != segs[i] {
			return false
		}
	}
	return true
}

// SuggestAPIs returns up to three known APIs ("METHOD /template") closest to the given
// method and path, for "did you mean" messages.
func SuggestAPIs(method, path string) []string {
	segs := splitPath(path)
	query := strings.ToUpper(method) + " " + strings.Join(segs, "/")
	candidates := make([]scored, 0, len(index.apis))
	for _, t := range index.apis {
		// Fill the template's placeholders with the caller's segments so that concrete IDs
		// do not count as differences.
		filled := slices.Clone(t.segments)
		for i, s := range filled {
			if strings.HasPrefix(s, "{") && i < len(segs) {
				filled[i] = segs[i]
			}
		}
		d := distance(query, t.method+" "+strings.Join(filled, "/"))
		candidates = append(candidates, scored{name: t.method + " " + t.template, dist: d})
	}
	return best(candidates, 3, len(query)/2+2)
}

// SuggestActions returns up to three known IMS names closest to a misspelt one.
func SuggestActions(name string) []string {
	var candidates []scored
	query := wildcard.Lower(name)
	for l, n := range index.names {
		if !strings.HasPrefix(l, "ims:") {
			continue
		}
		d := distance(query, l)
		if strings.HasPrefix(l, query) {
			d = min(d, 1) // a name cut short ("ims:images:delet") is one step from its ends
		}
		candidates = append(candidates, scored{name: n, dist: d})
	}
	return best(candidates, 3, max(3, len(name)/4))
}

// SuggestConditionKeys returns up to three condition keys closest to a misspelt one. For
// a template such as g:RequestTag/<tag-key>, the suggestion keeps the caller's tag key.
func SuggestConditionKeys(name string) []string {
	var candidates []scored
	for _, k := range conditionKeys {
		candidate, query := k.Name, name
		if isTemplate(k.Name) {
			if slash := strings.IndexByte(name, '/'); slash >= 0 {
				candidate, query = keyPrefix(k.Name)+name[slash+1:], name
			}
		}
		candidates = append(candidates, scored{name: candidate, dist: distance(wildcard.Lower(query), wildcard.Lower(candidate))})
	}
	return best(candidates, 3, max(3, len(name)/4))
}

type scored struct {
	name string
	dist int
}

func best(candidates []scored, n, maxDist int) []string {
	slices.SortFunc(candidates, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.name, b.name))
	})
	var out []string
	for _, c := range candidates {
		if len(out) == n || c.dist > maxDist {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// APIsOf returns the APIs that Table 2 lists for a table action, with their notes, in the
// seed's order.
func APIsOf(action string) []APIRef {
	var out []APIRef
	for _, row := range apiRows {
		if wildcard.EqualFold(row.Action, action) {
			out = append(out, row.APIs...)
		}
	}
	return out
}

// Operations returns every API of Table 2 once, in the seed's order, as the authorization
// schema's operations.
func Operations() []Operation {
	out := make([]Operation, len(index.operations))
	for i, op := range index.operations {
		op.DependentActions = slices.Clone(op.DependentActions)
		out[i] = op
	}
	return out
}

// PermissionOnly reports whether the action authorises no API of Table 2 (the schema's
// permission_only: "a permission point that corresponds to no operation"; inferred from
// Table 2, which is the only list of the APIs).
func (a Action) PermissionOnly() bool {
	return !slices.ContainsFunc(index.operations, func(op Operation) bool { return wildcard.EqualFold(op.Action, a.Name) })
}

// buildOperations derives the operations from the APIs of Table 2 (ix.apis).
func buildOperations(apis []apiTemplate) []Operation {
	out := make([]Operation, 0, len(apis))
	for _, t := range apis {
		op := Operation{ID: operationID(t.method, t.template), IDSource: Inferred, Method: t.method, PathTemplate: t.template}
		var scenario []string
		for _, ri := range t.rows {
			row := apiRows[ri]
			api := row.APIs[slices.IndexFunc(row.APIs, func(a APIRef) bool { return a.Method == t.method && a.Path == t.template })]
			if api.Note == "" && op.Action == "" {
				op.Action = row.Action
			} else {
				scenario = append(scenario, row.Action)
			}
			for _, d := range row.Dependencies {
				op.DependentActions = appendNew(op.DependentActions, d)
			}
		}
		for _, a := range scenario {
			op.DependentActions = appendNew(op.DependentActions, a)
		}
		op.DependentActions = slices.DeleteFunc(op.DependentActions, func(d string) bool { return d == op.Action })
		out = append(out, op)
	}
	return out
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// operationID derives an operation identifier from an API (inferred: Table 2 gives none):
// the method, then each path segment, each capitalised with the characters other than
// letters and digits dropped and the letter after them capitalised, so that
// "POST /v1/cloudimages/{image_id}/cross_region_copy" is
// "PostV1CloudimagesImageIdCrossRegionCopy". Distinct APIs give distinct identifiers.
func operationID(method, path string) string {
	var b strings.Builder
	upper := true
	for _, r := range strings.ToLower(method) + "/" + strings.Trim(path, "/") {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if upper {
				b.WriteString(strings.ToUpper(string(r)))
			} else {
				b.WriteRune(r)
			}
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}

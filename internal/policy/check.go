package policy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Finding is one problem the checker found.
type Finding struct {
	Severity Severity
	Code     string // stable; see Rules
	// At is the element; At.Statement is -1 when the finding is about the whole
	// document. Sid is that statement's Sid, if it has one.
	At  Location
	Sid string
	// Path prints At, as in `Statement[1].Action[0]`, for messages; Pos is where the
	// element starts (the zero Pos for documents built in code).
	Path    string
	Pos     Pos
	Message string // what is wrong and what to write instead
}

// String gives "line 7 col 9: Statement[1].Action[0] (Sid "X"): error unknown_action: ...".
func (f Finding) String() string {
	var b strings.Builder
	if f.Pos.IsValid() {
		b.WriteString(f.Pos.String())
		b.WriteString(": ")
	}
	if f.Path != "" {
		b.WriteString(f.Path)
		if f.Sid != "" {
			fmt.Fprintf(&b, " (Sid %q)", f.Sid)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s: %s", f.Severity, f.Code, f.Message)
	return b.String()
}

// CheckJSON parses src and checks it. When src does not parse, the document is nil and
// the one finding says why (malformed_json or wrong_type).
func CheckJSON(src []byte, p Purpose) (*Document, []Finding) {
	d, err := Parse(src)
	if err != nil {
		c := &checker{purpose: p}
		c.reportSyntax(err, "document_too_large")
		return nil, c.findings
	}
	return d, check(d, p, src)
}

// Check reports what is wrong with a parsed document used for purpose p, in document
// order: findings about the whole document first, then each statement's.
//
// The size limit is counted on the document's canonical form (Minified), the largest text
// it prints as: Indented adds only white space, and Normal only leaves things out. CheckJSON
// counts the text it is given instead, which is the text sent.
func Check(d *Document, p Purpose) []Finding { return check(d, p, d.Minified()) }

// check checks d, parsed from text or printed as text: the size limit counts text.
func check(d *Document, p Purpose, text []byte) []Finding {
	checks.Add(1)
	c := &checker{purpose: p, stmt: -1}
	c.document(d)
	c.size(d, text)
	sids := make(map[string]int)
	for i := range d.Statements {
		s := &d.Statements[i]
		c.stmt, c.sid = i, s.Sid.value()
		if c.sid != "" {
			if first, ok := sids[c.sid]; ok {
				c.report("duplicate_sid", c.at(SidElement), s.Sid.Pos, "Sid %q is also the Sid of Statement[%d]; give each statement its own Sid", c.sid, first)
			} else {
				sids[c.sid] = i
			}
		}
		c.statement(s)
	}
	slices.SortStableFunc(c.findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.At.Statement, b.At.Statement), cmp.Compare(a.Pos.Offset, b.Pos.Offset))
	})
	return c.findings
}

type checker struct {
	purpose  Purpose
	findings []Finding
	stmt     int                                  // the statement being checked, or -1
	sid      string                               // its Sid
	grants   map[string]map[string]catalog.Action // see granted
	writes   []string                             // the IMS write actions, read once
}

func (c *checker) report(code string, at Location, pos Pos, format string, args ...any) {
	r, ok := rulesByCode[code]
	if !ok {
		panic("policy: finding code without a rule: " + code)
	}
	c.findings = append(c.findings, Finding{
		Severity: r.Severity, Code: code, At: at, Sid: c.sid,
		Path: at.String(), Pos: pos, Message: fmt.Sprintf(format, args...),
	})
}

// at is the location of an element of the current statement.
func (c *checker) at(e Element) Location { return StatementAt(c.stmt, e) }

func (c *checker) document(d *Document) {
	switch {
	case d.Version == nil:
		c.report("missing_version", DocumentAt(NoElement), d.Pos, `the document has no Version; add "Version": "5.0"`)
	case d.Version.Value == "1.0" || d.Version.Value == "1.1":
		// IAM v3's custom policy grammar (a role's document, huaweicloud_identity_role), not
		// the v5 grammar of identity policies and SCPs: say what the document is.
		c.report("wrong_version", DocumentAt(VersionElement), d.Version.Pos, `Version %q is an IAM v3 custom policy (a role's document), not a v5 %s; `+
			`write it in the v5 grammar with "Version": "5.0"`, d.Version.Value, c.purpose.documentName())
	case d.Version.Value != "5.0":
		if h, ok := AWSHabit(HabitVersion, d.Version.Value); ok {
			c.report("wrong_version", DocumentAt(VersionElement), d.Version.Pos, `%s; write "Version": "5.0"`, h.Message())
			break
		}
		c.report("wrong_version", DocumentAt(VersionElement), d.Version.Pos, `Version %q is not supported; write "Version": "5.0"`, d.Version.Value)
	}
	if len(d.Statements) == 0 {
		pos := d.StatementPos
		if !pos.IsValid() {
			pos = d.Pos
		}
		c.report("missing_statement", DocumentAt(StatementElement), pos, `the document has no statements; add "Statement": [{"Effect": "Allow", "Action": [...], "Resource": ["*"]}]`)
	}
	for _, f := range d.Unknown {
		c.unknownField(f, documentFields, "a policy document has only Version and Statement")
	}
}

var (
	documentFields  = []string{"Version", "Statement"}
	statementFields = []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

func (c *checker) unknownField(f Field, known []string, has string) {
	at := DocumentAt(Element(f.Name))
	if c.stmt >= 0 {
		at = c.at(Element(f.Name))
	}
	switch f.Name {
	case "Principal", "NotPrincipal":
		c.report("unknown_field", at, f.Pos, "identity policies and SCPs have no %s: they apply to whoever they are attached to; remove it", f.Name)
	default:
		hint := "remove it"
		if s := closest(f.Name, known, 2); s != "" {
			hint = fmt.Sprintf("did you mean %q? Field names are case-sensitive", s)
		}
		c.report("unknown_field", at, f.Pos, "unknown field %q (%s); %s", f.Name, has, hint)
	}
}

// statement checks one statement.
func (c *checker) statement(s *Statement) {
	for _, f := range s.Unknown {
		c.unknownField(f, statementFields, "a statement has only "+strings.Join(statementFields, ", "))
	}
	allow := false
	switch {
	case s.Effect == nil:
		c.report("missing_effect", c.at(NoElement), s.Pos, `the statement has no Effect; add "Effect": "Allow" or "Effect": "Deny"`)
	case s.Effect.Value == "Allow":
		allow = true
	case s.Effect.Value == "Deny":
	case strings.EqualFold(s.Effect.Value, "Allow"), strings.EqualFold(s.Effect.Value, "Deny"):
		c.report("unknown_effect", c.at(EffectElement), s.Effect.Pos, `Effect %q must be written %q: the case matters`, s.Effect.Value, capitalize(s.Effect.Value))
	default:
		c.report("unknown_effect", c.at(EffectElement), s.Effect.Pos, `Effect %q is not valid; write "Allow" or "Deny"`, s.Effect.Value)
	}

	switch {
	case s.Action != nil && s.NotAction != nil:
		c.report("action_and_not_action", c.at(NotActionElement), s.NotAction.Pos, "the statement has both Action and NotAction; keep one of them, or split the statement in two")
	case s.Action == nil && s.NotAction == nil:
		c.report("missing_action", c.at(NoElement), s.Pos, `the statement has neither Action nor NotAction; add "Action": [...] with the actions it allows or denies`)
	}
	if s.Resource != nil && s.NotResource != nil {
		c.report("resource_and_not_resource", c.at(NotResourceElement), s.NotResource.Pos, "the statement has both Resource and NotResource; keep one of them, or split the statement in two")
	}
	for _, l := range []struct {
		name Element
		list *List
	}{{ActionElement, s.Action}, {NotActionElement, s.NotAction}, {ResourceElement, s.Resource}, {NotResourceElement, s.NotResource}} {
		if l.list != nil && len(l.list.Items) == 0 {
			c.report("empty_list", c.at(l.name), l.list.Pos, "%s is an empty list and matches nothing; list at least one value, or remove %s", l.name, l.name)
		}
	}

	c.actions(ActionElement, s.Action)
	c.actions(NotActionElement, s.NotAction)
	c.resources(s)
	c.conditions(s)

	if allow {
		c.aliasGrantsMore(s)
		c.readGrantIncludesExport(s)
	}
	if c.purpose == SCP {
		c.scpRules(s, allow)
	} else if allow {
		c.broadAllow(s)
	}
}

func capitalize(s string) string {
	s = strings.ToLower(s)
	return strings.ToUpper(s[:1]) + s[1:]
}

// actions checks each name of an Action or NotAction list against the catalog.
func (c *checker) actions(field Element, l *List) {
	if l == nil {
		return
	}
	for i, it := range l.Items {
		at := c.at(field).Item(i)
		name := it.Value
		if code, message := ActionProblem(name); code != "" {
			c.report(code, at, it.Pos, "%s", message)
			continue
		}
		if !catalog.IsIMS(name) || wildcard.HasWildcard(name) {
			continue // other services' actions pass: the catalog covers IMS only
		}
		if a, ok := catalog.LookupAction(name); ok && a.Deprecated() {
			c.report("deprecated_action", at, it.Pos, "%s is not recommended by the vendor; use %s instead", a.Name, quoteList(a.Deprecation.Recommended))
		}
	}
}

// ActionProblem is the one rule for an action name or pattern, as an Action list and
// imspolicy_access_analysis's must_not_allow take them: the code of the error finding it
// deserves (malformed_action, no_matching_action, unknown_action) and its message, or ""
// when there is none. Other services' names pass when well formed: the catalog covers IMS
// only.
func ActionProblem(name string) (code, message string) {
	if problem := actionShape(name); problem != "" {
		return "malformed_action", fmt.Sprintf("action %q %s; write service:resourceType:operation, such as ims:images:get, or a wildcard pattern such as ims:images:*", name, problem)
	}
	switch {
	case !catalog.IsIMS(name):
		return "", ""
	case wildcard.HasWildcard(name):
		if len(catalog.MatchNames(name)) == 0 {
			return "no_matching_action", fmt.Sprintf("%q matches no IMS action; %s", name, actionHint(name))
		}
	case catalog.UnknownIMSAction(name):
		return "unknown_action", fmt.Sprintf("%q is not an IMS action; %s", name, actionHint(name))
	}
	return "", ""
}

// actionShape says what is wrong with the form of an action name, or "".
func actionShape(name string) string {
	switch {
	case name == "":
		return "is empty"
	case strings.ContainsFunc(name, unicode.IsSpace):
		return "contains white space"
	case strings.ContainsFunc(name, func(r rune) bool { return r >= utf8.RuneSelf }):
		// Action names are ASCII and ignore ASCII case only (wildcard.EqualFold): "imſ:..."
		// is no spelling of "ims:...", and no service's action.
		return "contains a character that is not ASCII (action names are ASCII)"
	case name == "*":
		return ""
	}
	parts := strings.Split(name, ":")
	if len(parts) > 3 || (len(parts) < 3 && !wildcard.HasWildcard(name)) || slices.Contains(parts, "") {
		return "is not of the form service:resourceType:operation"
	}
	return ""
}

// actionHint suggests what to write for an unknown IMS action or pattern.
func actionHint(name string) string {
	if len(name) <= maxSuggest {
		if s := catalog.SuggestActions(name); len(s) > 0 {
			return "did you mean " + quoteList(s) + "?"
		}
	}
	// Name the resource-type prefixes the catalog has, so that a pattern can be fixed.
	var prefixes []string
	for _, n := range catalog.KnownNames() {
		if parts := strings.Split(n, ":"); len(parts) == 3 && catalog.IsIMS(n) {
			if p := parts[0] + ":" + parts[1] + ":*"; !slices.Contains(prefixes, p) {
				prefixes = append(prefixes, p)
			}
		}
	}
	return "IMS actions are " + quoteList(prefixes) + " (the imspolicy_actions data source lists them all)"
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// granted returns the IMS table actions that an action name or pattern grants (aliases
// grant the actions that list them), by name. Results are kept for the rest of the check:
// statements repeat names, and catalog lookups copy their rows. Callers must not change
// the map.
func (c *checker) granted(name string) map[string]catalog.Action {
	key := wildcard.Lower(name)
	if g, ok := c.grants[key]; ok {
		return g
	}
	if c.grants == nil {
		c.grants = make(map[string]map[string]catalog.Action)
	}
	g := grantedBy(name)
	c.grants[key] = g
	return g
}

func grantedBy(name string) map[string]catalog.Action {
	out := make(map[string]catalog.Action)
	for _, g := range catalog.Grants(name) {
		out[g.Name] = g.Action
	}
	return out
}

// statementActions returns the IMS table actions the statement is about: those its Action
// names grant, or for NotAction every table action its names do not grant.
func (c *checker) statementActions(s *Statement) map[string]catalog.Action {
	out := make(map[string]catalog.Action)
	switch {
	case s.Action != nil:
		for _, it := range s.Action.Items {
			for n, a := range c.granted(it.Value) {
				out[n] = a
			}
		}
	case s.NotAction != nil:
		for _, a := range catalog.Actions() {
			out[a.Name] = a
		}
		for _, it := range s.NotAction.Items {
			for n := range c.granted(it.Value) {
				delete(out, n)
			}
		}
	}
	return out
}

func sortedNames(m map[string]catalog.Action) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// resources checks URNs, and that the statement's actions can take them.
func (c *checker) resources(s *Statement) {
	var specific []string // Resource values other than "*"
	for _, l := range []struct {
		field Element
		list  *List
	}{{ResourceElement, s.Resource}, {NotResourceElement, s.NotResource}} {
		if l.list == nil {
			continue
		}
		for i, it := range l.list.Items {
			if it.Value == "*" {
				continue
			}
			at := c.at(l.field).Item(i)
			if l.field == ResourceElement {
				specific = append(specific, it.Value)
			}
			u, ok := c.urn(at, it)
			if ok && l.field == ResourceElement && s.Action != nil && !c.fitsAnyAction(u, s.Action) {
				c.report("resource_type_mismatch", at, it.Pos, "%q is a %s URN of service %s, but none of the statement's actions (%s) takes it; %s",
					it.Value, u.Type, u.Service, strings.Join(s.Action.Values(), ", "), urnHint(s.Action, u))
			}
		}
	}
	// Actions without resource-level permissions need "*" among the resources.
	if len(specific) == 0 || s.Action == nil || slices.Contains(s.Resource.Values(), "*") {
		return
	}
	named := make(map[string]bool) // table actions named outright
	for i, it := range s.Action.Items {
		if !catalog.IsIMS(it.Value) || wildcard.HasWildcard(it.Value) {
			continue
		}
		g := c.granted(it.Value)
		for n := range g {
			named[n] = true
		}
		if len(g) > 0 && !anySupportsResources(g) {
			c.report("resource_not_supported", c.at(ActionElement).Item(i), it.Pos,
				`%s does not support resource-level permissions, so it needs "Resource": ["*"], but this statement names %s; move %s to a statement with "Resource": ["*"]`,
				it.Value, quoteList(specific), it.Value)
		}
	}
	for i, it := range s.Action.Items {
		if !catalog.IsIMS(it.Value) || !wildcard.HasWildcard(it.Value) {
			continue
		}
		var unsupported []string
		g := c.granted(it.Value)
		for _, n := range sortedNames(g) {
			if !g[n].SupportsResources() && !named[n] {
				unsupported = append(unsupported, n)
			}
		}
		if len(unsupported) > 0 {
			c.report("wildcard_resource_not_supported", c.at(ActionElement).Item(i), it.Pos,
				`%q brings in actions that do not support resource-level permissions and need "Resource": ["*"]: %s; with the specific resources of this statement they are not granted; add a statement with "Resource": ["*"] for those you need`,
				it.Value, strings.Join(unsupported, ", "))
		}
	}
}

func anySupportsResources(m map[string]catalog.Action) bool {
	for _, a := range m {
		if a.SupportsResources() {
			return true
		}
	}
	return false
}

// urn parses and checks a URN, reporting what is wrong with it.
func (c *checker) urn(at Location, it Str) (catalog.URN, bool) {
	if h, ok := AWSHabit(HabitARN, it.Value); ok {
		c.report("malformed_urn", at, it.Pos, "%q: %s, such as %q, or \"*\"", it.Value, h.Message(), "ims:cn-north-4:<account-id>:image:*")
		return catalog.URN{}, false
	}
	u, err := catalog.ParseURN(it.Value)
	if err != nil {
		c.report("malformed_urn", at, it.Pos, "%v", err)
		return u, false
	}
	if !wildcard.EqualFold(u.Service, "ims") {
		return u, true
	}
	types := imsResourceTypes()
	if !slices.ContainsFunc(types, func(rt catalog.ResourceType) bool { return wildcard.Match(u.Type, rt.Name) }) {
		var names []string
		for _, rt := range types {
			names = append(names, rt.Name)
		}
		c.report("unknown_resource_type", at, it.Pos, "IMS has no resource type %q (it has %s); write %s", u.Type, quoteList(names), urnFormats(types))
		return u, false
	}
	if wildcard.EqualFold(u.Type, "image") { // the one IMS type whose URN parts the catalog checks
		if _, err := catalog.ImageURN(u.Region, u.Account, u.Path); err != nil {
			c.report("malformed_urn", at, it.Pos, "in URN %q, %v", it.Value, err)
			return u, false
		}
		if awsAccountID(u.Account) {
			c.report("aws_account_id", at, it.Pos, "in URN %q, the account id %s has 12 digits, the form of an AWS account id; a Huawei Cloud account id (domain id) is 32 hexadecimal characters, such as d78cbac186b744899480f25bd022f468: write yours (My Credentials, API Credentials, Account ID), or \"*\"", it.Value, u.Account)
		}
		if !catalog.ImageIDCanMatch(u.Path) {
			hint := catalog.ImageIDHint
			if lower := strings.ToLower(u.Path); catalog.ImageIDCanMatch(lower) {
				hint = fmt.Sprintf("image ids are lower case and URNs are matched case-sensitively: write %q", lower)
			}
			effect := "names no image" // in Resource
			if at.Element == NotResourceElement {
				effect = "excludes no image"
			}
			c.report("image_id_matches_nothing", at, it.Pos, "in URN %q, the image id part %q matches no image id, so this %s %s; %s", it.Value, u.Path, at.Element, effect, hint)
		}
	}
	return u, true
}

// fitsAnyAction reports whether some action of the list can take a URN: its service
// matches the URN's, and for IMS actions that support resources, so does the type.
func (c *checker) fitsAnyAction(u catalog.URN, actions *List) bool {
	for _, it := range actions.Items {
		service, _, _ := strings.Cut(it.Value, ":")
		if !wildcard.Match(service, u.Service) && !wildcard.Match(u.Service, service) {
			continue
		}
		if !catalog.IsIMS(it.Value) {
			return true // other services' resource types are not in the catalog
		}
		g := c.granted(it.Value)
		if len(g) == 0 || !anySupportsResources(g) {
			return true // unknown names and actions without resource types are reported on their own
		}
		for _, a := range g {
			for _, rt := range a.ResourceTypes {
				if wildcard.Match(u.Type, rt.Name) {
					return true
				}
			}
		}
	}
	return false
}

// urnHint says what to write instead of a URN that fits none of the actions.
func urnHint(actions *List, u catalog.URN) string {
	if slices.ContainsFunc(actions.Items, func(it Str) bool { return catalog.IsIMS(it.Value) }) {
		return fmt.Sprintf("IMS actions take URNs such as %s: write such a URN, or move this one to a statement with %s actions", urnFormats(imsResourceTypes()), u.Service)
	}
	return fmt.Sprintf("move it to a statement with %s actions", u.Service)
}

// imsResourceTypes returns the resource types of Table 3.
func imsResourceTypes() []catalog.ResourceType {
	var out []catalog.ResourceType
	for _, rt := range catalog.ResourceTypes() {
		if wildcard.EqualFold(rt.Service, "ims") {
			out = append(out, rt)
		}
	}
	return out
}

func urnFormats(types []catalog.ResourceType) string {
	formats := make([]string, len(types))
	for i, rt := range types {
		formats[i] = rt.URNFormat
	}
	return strings.Join(formats, " or ")
}

// conditions checks the Condition block: operators, keys, value types and which actions
// the keys apply to.
func (c *checker) conditions(s *Statement) {
	if s.Condition == nil {
		return
	}
	var actions map[string]catalog.Action // computed when first needed
	for _, op := range s.Condition.Ops {
		opAt := c.at(ConditionElement).InCondition(op.Name, "")
		o := op.Operator()
		base, known := condition.Lookup(o.Base)
		switch {
		case !known:
			hint := "use one of " + strings.Join(condition.Names(), ", ")
			if h, sug, ok := awsOperator(op.Name); ok {
				hint = fmt.Sprintf("%s: write %q", h.Message(), sug)
			} else if sug := suggestOperator(op.Name); sug != "" {
				hint = fmt.Sprintf("did you mean %q?", sug)
			}
			c.report("unknown_operator", opAt, op.Pos, "%q is not a condition operator (operators are case-sensitive); %s", op.Name, hint)
		case base.Name == condition.Null && o.IfExists:
			known = false
			c.report("unknown_operator", opAt, op.Pos, "Null cannot take IfExists: it already tests whether the key exists; write %q", Operator{Qualifier: o.Qualifier, Base: condition.Null}.String())
		}
		for _, k := range op.Keys {
			keyAt := c.at(ConditionElement).InCondition(op.Name, k.Name)
			if len(k.Values.Items) == 0 {
				c.report("empty_list", keyAt, k.Values.Pos, "the condition key %s has no values, so the condition never matches; list at least one value", k.Name)
			}
			if known {
				for j, v := range k.Values.Items {
					if _, err := condition.Parse(base.Type, v.Value); err != nil {
						c.report("invalid_condition_value", keyAt.Item(j), v.Pos, "%s compares %s values: %v", o.Base, base.Type, err)
					}
				}
			}
			key, found := c.conditionKey(keyAt, k)
			if !found {
				continue
			}
			if known && !base.Fits(key.Type) {
				if key.TypeSource == catalog.Inferred {
					c.report("operator_type_unverified", keyAt, k.Pos, "%s compares %s values but %s holds %s values (inferred, not stated by the vendor); if so, the condition can never match; prefer %s",
						o.Base, base.Type, key.Name, key.Type, operatorsFor(key.Type))
				} else {
					c.report("operator_type_mismatch", keyAt, k.Pos, "%s compares %s values but %s holds %s values, so the condition can never match; use %s",
						o.Base, base.Type, key.Name, key.Type, operatorsFor(key.Type))
				}
			}
			if o.Qualifier != NoQualifier && !key.MultiValued {
				plain := Operator{Base: o.Base, IfExists: o.IfExists}
				c.report("qualifier_on_single_valued_key", keyAt, k.Pos, "%s: is for multi-valued keys and %s is single-valued (%s)%s; write %q",
					o.Qualifier, key.Name, absentKeyReading(base, o), absentKeyDifference(base, o, plain), plain.String())
			}
			if !key.Global {
				if actions == nil {
					actions = c.statementActions(s)
				}
				c.keyAssociation(keyAt, k, key, actions)
			}
		}
	}
}

// absentKeyReading says what a qualified condition is on an absent key, by the
// evaluator's rule (condition.Operator.HoldsWhenAbsent, which cites its source).
func absentKeyReading(base *condition.Operator, o Operator) string {
	if base == nil || base.Name == condition.Null {
		return "Null tests presence either way"
	}
	return fmt.Sprintf("%s is %v whenever the key is absent", o.String(), base.HoldsWhenAbsent(o.Qualifier.Set(), o.IfExists))
}

// absentKeyDifference notes when dropping the qualifier changes that.
func absentKeyDifference(base *condition.Operator, o, plain Operator) string {
	if base == nil || base.Name == condition.Null || base.HoldsWhenAbsent(o.Qualifier.Set(), o.IfExists) == base.HoldsWhenAbsent(plain.Qualifier.Set(), plain.IfExists) {
		return ""
	}
	return fmt.Sprintf(", %s is %v", plain.String(), base.HoldsWhenAbsent(plain.Qualifier.Set(), plain.IfExists))
}

// conditionKey looks up a key: ims: keys must be in Table 4, g: keys should be among the
// global keys, other services' keys pass. It reports whether the key was found.
func (c *checker) conditionKey(at Location, k ConditionKey) (catalog.ConditionKey, bool) {
	key, ok := catalog.LookupConditionKey(k.Name)
	if ok {
		return key, true
	}
	if code, msg := UnknownConditionKey(k.Name); code != "" {
		c.report(code, at, k.Pos, "%s", msg)
	}
	return key, false
}

// UnknownConditionKey says what is wrong with a condition key the catalog does not know:
// the finding's code (unknown_condition_key for ims: keys, unknown_global_condition_key
// for g: keys) and a message with a did-you-mean. Keys the catalog knows, and other
// services' keys, give "". The simulator reports a request's context keys with it too.
func UnknownConditionKey(name string) (code, message string) {
	if _, ok := catalog.LookupConditionKey(name); ok {
		return "", ""
	}
	prefix, _, _ := strings.Cut(wildcard.Lower(name), ":")
	code = map[string]string{"ims": "unknown_condition_key", "g": "unknown_global_condition_key"}[prefix]
	if code == "" {
		return "", ""
	}
	hint := "the imspolicy_condition_keys data source lists the keys"
	if len(name) <= maxSuggest {
		if s := catalog.SuggestConditionKeys(name); len(s) > 0 {
			hint = "did you mean " + quoteList(s) + "?"
		}
	}
	what := "an IMS condition key"
	if prefix == "g" {
		what = "a global condition key the reference notes list"
	}
	return code, fmt.Sprintf("%q is not %s; %s", name, what, hint)
}

// SeverityOf is the severity of the rule with the code (0 for a code without a rule).
func SeverityOf(code string) Severity {
	if r, ok := rulesByCode[code]; ok {
		return r.Severity
	}
	return 0
}

// operatorsFor names operators of a value type, for "use ..." hints.
func operatorsFor(t catalog.ValueType) string {
	var names []string
	for _, op := range condition.Operators() {
		if op.Type == t && op.Name != condition.Null {
			names = append(names, op.Name)
		}
	}
	if len(names) > 3 {
		names = append(names[:3], "...")
	}
	return strings.Join(names, ", ")
}

// keyAssociation warns when none of the statement's actions is associated with an ims: key,
// in the catalog's sentence (catalog.Unreceived), which says whether that is stated or
// inferred.
func (c *checker) keyAssociation(at Location, k ConditionKey, key catalog.ConditionKey, actions map[string]catalog.Action) {
	use := func() string {
		var users []string
		for _, a := range catalog.ByConditionKey(key.Name) {
			users = append(users, a.Name)
		}
		if len(users) == 0 {
			return "the catalog associates it with no IMS action (the vendor's table states none for the actions it would fit), so drop the condition unless you know the API sends it"
		}
		return "use it with " + strings.Join(users, ", ") + ", or drop the condition"
	}
	names := sortedNames(actions)
	table := make([]catalog.Action, len(names))
	for i, n := range names {
		table[i] = actions[n]
	}
	u, ok := catalog.NotReceived(key.Name, table)
	if !ok {
		return
	}
	if len(actions) == 0 {
		c.report("unassociated_condition_key", at, k.Pos, "the condition is on %s, and this statement has none; %s", u, use())
		return
	}
	c.report("unassociated_condition_key", at, k.Pos, "the condition is on %s, so it is decided on an absent key (positive operators never hold, negated ones always do); %s",
		u, use())
}

// scpRules applies the rules that only SCPs have.
func (c *checker) scpRules(s *Statement, allow bool) {
	if s.NotResource != nil {
		c.report("scp_not_resource", c.at(NotResourceElement), s.NotResource.Pos, "SCPs do not support NotResource; use Resource")
	}
	if allow {
		if s.NotAction != nil {
			c.report("scp_allow_not_action", c.at(NotActionElement), s.NotAction.Pos, "an SCP Allow statement may only use Action; list the actions in Action, or make the statement a Deny")
		}
		if s.Condition != nil {
			c.report("scp_allow_condition", c.at(ConditionElement), s.Condition.Pos, "an SCP Allow statement may not have a Condition; remove it, or express the rule as a Deny statement with the opposite condition")
		}
		if s.Resource != nil && (len(s.Resource.Items) != 1 || s.Resource.Items[0].Value != "*") {
			c.report("scp_allow_resource", c.at(ResourceElement), s.Resource.Pos, `an SCP Allow statement must have "Resource": ["*"]; write that, and restrict resources with a Deny statement`)
		}
	}
	for _, l := range []struct {
		field Element
		list  *List
	}{{ActionElement, s.Action}, {NotActionElement, s.NotAction}} {
		if l.list == nil {
			continue
		}
		for i, it := range l.list.Items {
			if inner := strings.TrimRight(it.Value, "*?"); wildcard.HasWildcard(inner) {
				c.report("scp_wildcard_position", c.at(l.field).Item(i), it.Pos, "%q has a wildcard before its end, and in SCP actions a wildcard stands alone or ends the string; move it to the end (such as %q) or list the actions",
					it.Value, inner[:strings.IndexAny(inner, "*?")]+"*")
			}
		}
	}
}

// broadAllow warns about identity Allow statements that grant more than they seem to.
func (c *checker) broadAllow(s *Statement) {
	if s.NotAction != nil {
		c.report("allow_not_action", c.at(NotActionElement), s.NotAction.Pos, "Allow with NotAction grants every action not listed, of every service, including actions added later; list the actions to allow in Action instead")
		return
	}
	if s.Action == nil {
		return
	}
	byWildcards := make(map[string]bool)
	for _, it := range s.Action.Items {
		if wildcard.HasWildcard(it.Value) {
			for n := range c.granted(it.Value) {
				byWildcards[n] = true
			}
		}
	}
	if c.writes == nil {
		for _, a := range catalog.ByAccessLevel(catalog.Write) {
			c.writes = append(c.writes, a.Name)
		}
	}
	for _, n := range c.writes {
		if !byWildcards[n] {
			return
		}
	}
	c.report("allow_all_write", c.at(ActionElement), s.Action.Pos, "this Allow statement's wildcards grant every IMS write action (%s), deleting images included; list the write actions the principal needs instead",
		strings.Join(c.writes, ", "))
}

// aliasGrantsMore warns, for each Action item of an Allow statement, about the table
// actions it reaches only through an alias and beyond what the alias's name says
// (catalog.Grant.BeyondAlias), unless an item of the statement names them by their own
// name: ims:images:update allows ims:images:deleteImage.
func (c *checker) aliasGrantsMore(s *Statement) {
	if s.Action == nil {
		return
	}
	for i, it := range s.Action.Items {
		grants := catalog.BeyondAliases(it.Value)
		if len(grants) == 0 {
			continue
		}
		var aliases []string
		beyond := make(map[string][]catalog.Action) // by alias
		for _, g := range grants {
			if slices.ContainsFunc(s.Action.Items, func(other Str) bool { return wildcard.Match(other.Value, g.Name) }) {
				continue // named by its own name in this statement
			}
			if _, ok := beyond[g.Alias]; !ok {
				aliases = append(aliases, g.Alias)
			}
			beyond[g.Alias] = append(beyond[g.Alias], g.Action)
		}
		if len(aliases) == 0 {
			continue
		}
		slices.Sort(aliases)
		var b strings.Builder
		if !wildcard.HasWildcard(it.Value) {
			fmt.Fprintf(&b, "%s is an alias", aliases[0])
		} else {
			fmt.Fprintf(&b, "%q matches the alias%s %s", it.Value, plural(len(aliases), "", "es"), andList(aliases))
		}
		for j, alias := range aliases {
			acts := beyond[alias]
			// Deleting first: it is the grant a reader least expects from a name.
			slices.SortStableFunc(acts, func(a, b catalog.Action) int {
				return cmp.Compare(deleteRank(a.Name), deleteRank(b.Name))
			})
			described := make([]string, len(acts))
			for k, a := range acts {
				described[k] = fmt.Sprintf("%s (%q, %s)", a.Name, a.Description, a.AccessLevel)
			}
			subject := "it"
			if len(aliases) > 1 {
				subject = alias
			}
			if j > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, ": allowing %s also allows %s, beyond what its name says (the vendor's Table 1 gives %s the alias %s)",
				subject, andList(described), plural(len(acts), "that action", "those actions"), alias)
			for _, a := range acts {
				if a.AliasDoubt != "" {
					fmt.Fprintf(&b, "; that %s row is in doubt: %s", a.Name, a.AliasDoubt)
				}
			}
		}
		b.WriteString("; name the actions meant instead (the imspolicy_actions data source lists them), or deny the ones not meant in a Deny statement")
		c.report("alias_grants_more", c.at(ActionElement).Item(i), it.Pos, "%s", b.String())
	}
}

func deleteRank(name string) int {
	if strings.HasPrefix(name[strings.LastIndexByte(name, ':')+1:], "delete") {
		return 0
	}
	return 1
}

// andList joins "a", "b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// exportAction copies an image out to an OBS bucket (Table 2: POST
// /v1/cloudimages/{image_id}/file, which depends on obs:object:PutObject), though Table 1
// classes it as read.
const exportAction = "ims:images:export"

// exportNames are the names that reach exportAction (catalog.Action.Names).
var exportNames = func() []string {
	a, _ := catalog.LookupAction(exportAction)
	return a.Names()
}()

func reachesExport(pattern string) bool {
	return slices.ContainsFunc(exportNames, func(n string) bool { return wildcard.Match(pattern, n) })
}

// readGrantIncludesExport warns when an Allow statement grants only list and read IMS
// actions, ims:images:export and a list action among them: a browsing, read-only grant (what
// access_levels = ["list", "read"] gives) that also copies images out. A statement that
// grants export with get alone, or with write actions, is taken as meant.
func (c *checker) readGrantIncludesExport(s *Statement) {
	if s.Action == nil {
		return
	}
	if !slices.ContainsFunc(s.Action.Items, func(it Str) bool { return reachesExport(it.Value) }) {
		return // the usual case, decided without building the statement's set
	}
	granted := c.statementActions(s)
	var lists []string
	for _, n := range sortedNames(granted) {
		switch granted[n].AccessLevel {
		case catalog.List:
			lists = append(lists, n)
		case catalog.Read:
		default:
			return
		}
	}
	if len(lists) == 0 {
		return
	}
	for i, it := range s.Action.Items {
		if !reachesExport(it.Value) {
			continue
		}
		what := fmt.Sprintf("it names %s", exportAction)
		if wildcard.HasWildcard(it.Value) {
			what = fmt.Sprintf("the pattern %q brings in %s", it.Value, exportAction)
		}
		c.report("read_grant_includes_export", c.at(ActionElement).Item(i), it.Pos,
			"this Allow statement grants only list and read actions (%s among them), but %s, which the vendor classes as read although it copies an image out to an OBS bucket "+
				"(POST /v1/cloudimages/{image_id}/file); leave it out of a read-only grant (drop it from an access_levels = [\"list\", \"read\"] list), or give it a statement of its own if exporting is meant",
			strings.Join(lists, ", "), what)
		return
	}
}

// reportSyntax reports why a text did not parse, for both languages' checkers: wrong_type,
// malformed_json, or tooLarge (the language's code for a text over MaxDocumentBytes).
func (c *checker) reportSyntax(err error, tooLarge string) {
	var se *SyntaxError
	if !errors.As(err, &se) { // the readers return only *SyntaxError; never panic on it
		se = &SyntaxError{Pos: Pos{Line: 1, Column: 1}, At: DocumentAt(NoElement), Msg: err.Error()}
	}
	code, msg := "wrong_type", se.Msg
	switch {
	case se.TooLarge:
		code = tooLarge
	case se.At == DocumentAt(NoElement):
		code, msg = "malformed_json", "the document is not valid JSON: "+se.Msg
	}
	c.stmt = se.At.Statement
	c.report(code, se.At, se.Pos, "%s", msg)
}

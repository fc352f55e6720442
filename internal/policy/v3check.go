package policy

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// The checker of IAM v3 documents (v3.go). Its findings have codes of their own (v3_…)
// in the one rules table (rules.go), with the same locations as v5 findings. Every limit
// and list below is from the reference notes on IAM v3 (iam-v3-ims.md §3), which cite the
// vendor: the error codes IAM.10xx are Huawei's and OTC's IAM API error tables, the
// limits are the "创建云服务自定义策略" API page and the SDK's model_policy_statement.go.
// What the notes mark as inferred is said so in the finding's message.

// V3 limits (notes §3.1).
const (
	v3MaxStatements    = 8    // IAM.1028
	v3MaxActions       = 100  // IAM.1033
	v3MaxActionChars   = 128  // IAM.1034
	v3MaxResources     = 10   // IAM.1040
	v3MaxResourceChars = 128  // S6/S8; IAM.1042 says 1,500: open
	v3MaxOperators     = 10   // IAM.1050
	v3MaxKeys          = 10   // IAM.1054
	v3MaxValueChars    = 1024 // IAM.1056
	v3MaxDepends       = 20   // IAM.1058
	// V3MaxChars is the size limit of a v3 document (IAM.1021 "exceeds 6,144
	// characters"), counted as Chars counts v5 documents: that v3 counts the same way
	// (white space not counted) is inferred.
	V3MaxChars = MaxIdentityChars
)

// v3GlobalKeys are the v3 global condition keys (notes §3.4, S6 and S7 Table 1) and the
// type of their values.
var v3GlobalKeys = map[string]string{
	"g:CurrentTime": "Date", "g:DomainName": "String", "g:MFAPresent": "Bool", "g:MFAAge": "Number",
	"g:ProjectName": "String", "g:ServiceName": "String", "g:UserId": "String", "g:UserName": "String",
}

// v3Operators are the condition operators of the two sets the vendor documented (notes
// §3.3): legacy marks those only the 2022 text has. kind is the type of their values.
var v3Operators = func() map[string]v3Operator {
	m := map[string]v3Operator{}
	add := func(kind string, legacy bool, names ...string) {
		for _, n := range names {
			m[n] = v3Operator{kind: kind, legacy: legacy}
		}
	}
	add("String", false, "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase")
	add("String", false, "StringMatch", "StringNotMatch") // 2023 only
	add("Number", false, "NumberEquals", "NumberNotEquals", "NumberLessThan", "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals")
	add("Date", false, "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals")
	add("Bool", false, "Bool", "Null") // Null: 2023 only
	legacyStrings := []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
		"StringLike", "StringNotLike", "StringStartWith", "StringEndWith", "StringNotStartWith", "StringNotEndWith"}
	for _, n := range legacyStrings[4:] {
		add("String", true, n)
	}
	for _, n := range legacyStrings {
		add("String", true, n+"AnyOf")
	}
	add("Number", true, "NumberEqualsAnyOf", "NumberNotEqualsAnyOf")
	add("IP", true, "IpAddress", "NotIpAddress")
	add("", true, "IsNullOrEmpty", "IsNull", "IsNotNull")
	return m
}()

type v3Operator struct {
	kind   string // String, Number, Date, Bool, IP, or "" (values unchecked)
	legacy bool   // only in the 2022 text
}

// V3Operator is what the notes say of a v3 condition operator's base name (without
// ForAnyValue:/ForAllValues: and IfExists): the type of its values (String, Number, Date,
// Bool, IP, or "" for IsNull, IsNotNull and IsNullOrEmpty, whose values the notes do not
// describe) and whether only the vendor's 2022 list has it. Null's values are "true" or
// "false" (type Bool) whatever the key's type.
type V3Operator struct {
	Type   string
	Legacy bool
}

// LookupV3Operator returns a base operator of the union of the two documented v3 sets.
func LookupV3Operator(base string) (V3Operator, bool) {
	o, ok := v3Operators[base]
	return V3Operator{Type: o.kind, Legacy: o.legacy}, ok
}

// V3GlobalKeys returns the v3 global condition keys (notes §3.4) and their value types
// (String, Number, Date, Bool); callers may change the copy.
func V3GlobalKeys() map[string]string { return maps.Clone(v3GlobalKeys) }

// v3GlobalServices are services whose actions a v3 policy may not mix with project-level
// services' (notes §3.1: "一个自定义策略role.policy.Statement不能同时包含项目级服务和全局服务的action").
// The list is inferred: the notes name no global services; OBS is one in IAM v3 (the
// vendor's newer IMS example moves "OBS:*:*" into a policy of its own, OTC
// creating_a_custom_policy.rst), and so is CDN.
var v3GlobalServices = []string{"obs", "cdn"}

// V3Checked is a v3 document read and checked: what CheckV3Text returns.
type V3Checked struct {
	doc      *V3Document
	findings []Finding
}

// Document is the parsed document; nil when the text did not parse (Findings says why).
func (c *V3Checked) Document() *V3Document { return c.doc }

// Findings are everything the checker reported, in document order.
func (c *V3Checked) Findings() []Finding { return c.findings }

// FirstError is the first error finding, or nil.
func (c *V3Checked) FirstError() *Finding {
	for i := range c.findings {
		if c.findings[i].Severity == Error {
			return &c.findings[i]
		}
	}
	return nil
}

// CheckV3Text parses text as a v3 document and checks it. A text that does not parse
// has one finding (malformed_json, wrong_type or v3_document_too_large) and no document.
func CheckV3Text(text []byte) *V3Checked {
	d, err := ParseV3(text)
	c := &v3checker{checker: checker{purpose: Identity, stmt: -1}}
	if err != nil {
		c.reportSyntax(err, "v3_document_too_large")
		return &V3Checked{findings: c.findings}
	}
	checks.Add(1)
	c.document(d, text)
	slices.SortStableFunc(c.findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.At.Statement, b.At.Statement), cmp.Compare(a.Pos.Offset, b.Pos.Offset))
	})
	return &V3Checked{doc: d, findings: c.findings}
}

type v3checker struct {
	checker
}

func (c *v3checker) document(d *V3Document, text []byte) {
	switch {
	case d.Version == nil:
		c.report("v3_version", DocumentAt(NoElement), d.Pos, `the document has no Version; add "Version": "1.1" (a custom policy)`)
	case d.Version.Value == "5.0":
		c.report("v3_version", DocumentAt(VersionElement), d.Version.Pos, `Version "5.0" is an IAM v5 identity policy, not an IAM v3 custom policy (a role's document); write it in the v3 grammar with "Version": "1.1", or use a v5 resource`)
	case !IsV3Version(d.Version.Value):
		c.report("v3_version", DocumentAt(VersionElement), d.Version.Pos, `Version %q is not a version of IAM v3 policies; write "Version": "1.1" (IAM.1024, IAM.1026)`, d.Version.Value)
	}
	role := d.Version != nil && d.Version.Value == V3RoleVersion
	if n := len(d.Statements); n == 0 || n > v3MaxStatements {
		pos := d.StatementPos
		if !pos.IsValid() {
			pos = d.Pos
		}
		c.report("v3_statement_count", DocumentAt(StatementElement), pos, "the document has %d statements; a v3 policy has 1 to %d (IAM.1028): %s", n, v3MaxStatements,
			map[bool]string{true: `add "Statement": [{"Effect": "Allow", "Action": [...]}]`, false: "merge statements of the same Effect and Condition, or split the document into several policies"}[n == 0])
	}
	for _, f := range d.Unknown {
		c.unknownV3Field(f, []string{"Version", "Statement", "Depends"}, "a v3 policy document has only Version, Statement and (for 1.0 roles) Depends")
	}
	for _, s := range d.Scalars {
		c.stmt = s.At.Statement
		c.report("v3_not_a_list", s.At, s.Pos, "%s is a single string; IAM v3 takes a JSON array here (IAM.1030, IAM.1053), and huaweicloud_identity_role cannot read it: write [\"...\"]", s.At)
	}
	c.stmt = -1
	c.depends(d, role)
	if n, limit := Chars(text), V3MaxChars; n > limit {
		c.report("v3_document_too_large", DocumentAt(NoElement), d.Pos,
			"the document has %s characters as written (white space not counted, as for v5 documents: inferred) and the limit of a v3 policy is %s (IAM.1021); shorten it (wildcards such as ims:images:* instead of long lists) or split it into several policies",
			thousands(n), thousands(limit))
	}
	var global, project []string // services of each kind, for the scope rule
	for i := range d.Statements {
		s := &d.Statements[i]
		c.stmt, c.sid = i, ""
		c.statement(s, role)
		for _, name := range s.Actions() {
			svc, _, _ := strings.Cut(name, ":")
			svc = strings.ToLower(svc)
			switch {
			case svc == "*" || svc == "" || strings.ContainsAny(svc, "*?"):
			case slices.Contains(v3GlobalServices, svc):
				global = appendOnce(global, svc)
			default:
				project = appendOnce(project, svc)
			}
		}
	}
	c.stmt = -1
	if len(global) > 0 && len(project) > 0 {
		c.report("v3_mixed_scope", DocumentAt(StatementElement), d.StatementPos,
			"the document mixes actions of global services (%s) with actions of project-level services (%s); a v3 custom policy may not (\"一个自定义策略…不能同时包含项目级服务和全局服务的action\"), its type is AX (global) or XA (projects): put the global services' actions in a policy of their own (which services are global is inferred)",
			strings.Join(global, ", "), strings.Join(project, ", "))
	}
}

func appendOnce(l []string, s string) []string {
	if slices.Contains(l, s) {
		return l
	}
	return append(l, s)
}

func (c *v3checker) unknownV3Field(f Field, known []string, has string) {
	at := DocumentAt(Element(f.Name))
	if c.stmt >= 0 {
		at = c.at(Element(f.Name))
	}
	hint := "remove it"
	switch f.Name {
	case "Sid":
		hint = "remove it, or keep the note in the role's description"
	case "NotResource", "Principal", "NotPrincipal":
		hint = "remove it: v5 policies have it, v3 custom policies do not"
	default:
		if s := closest(f.Name, known, 2); s != "" {
			hint = fmt.Sprintf("did you mean %q? Field names are case-sensitive", s)
		}
	}
	c.report("v3_unknown_field", at, f.Pos, "%q is not a field of IAM v3 policies (%s); IAM refuses unknown keys (IAM.1059 \"Invalid key\": inferred) and huaweicloud_identity_role drops them silently; %s", f.Name, has, hint)
}

func (c *v3checker) depends(d *V3Document, role bool) {
	if d.Depends == nil {
		return
	}
	at := DocumentAt(DependsElement)
	if !role {
		c.report("v3_depends", at, d.Depends.Pos, "only 1.0 roles have Depends; a 1.1 policy has none (IAM.1025 \"Fine-grained policies do not need depends.\"): remove Depends, and grant the roles it names separately")
		return
	}
	if n := len(d.Depends.Items); n > v3MaxDepends {
		c.report("v3_depends", at, d.Depends.Pos, "Depends names %d roles; at most %d (IAM.1058)", n, v3MaxDepends)
	}
	for i, it := range d.Depends.Items {
		if it.DisplayName == nil || it.DisplayName.Value == "" {
			c.report("v3_depends", at.Item(i), it.Pos, `the dependency has no display_name; write {"catalog": "BASE", "display_name": "Tenant Guest"}`)
		}
		for _, f := range it.Unknown {
			c.report("v3_depends", at.Item(i), f.Pos, "%q is not a field of a dependency; a dependency has only catalog and display_name (SDK model_policy_depends.go)", f.Name)
		}
	}
}

func (c *v3checker) statement(s *V3Statement, role bool) {
	for _, f := range s.Unknown {
		c.unknownV3Field(f, []string{"Effect", "Action", "Resource", "Condition"}, "a v3 statement has only Effect, Action, Resource and Condition")
	}
	switch {
	case s.Effect == nil:
		c.report("v3_effect", c.at(NoElement), s.Pos, `the statement has no Effect; add "Effect": "Allow" or "Effect": "Deny"`)
	case s.Effect.Value == "Allow", s.Effect.Value == "Deny":
	case strings.EqualFold(s.Effect.Value, "Allow"), strings.EqualFold(s.Effect.Value, "Deny"):
		c.report("v3_effect_case", c.at(EffectElement), s.Effect.Pos, `Effect %q: every vendor example writes %q, and IAM.1029's message writes 'allow'/'deny', so whether other cases are accepted is open; write %q`, s.Effect.Value, capitalize(s.Effect.Value), capitalize(s.Effect.Value))
	default:
		c.report("v3_effect", c.at(EffectElement), s.Effect.Pos, `Effect %q is not valid; write "Allow" or "Deny" (IAM.1029)`, s.Effect.Value)
	}
	switch {
	case s.Action != nil && s.NotAction != nil:
		c.report("v3_not_action", c.at(NotActionElement), s.NotAction.Pos, "the statement has both Action and NotAction, which IAM refuses (IAM.1031); keep Action")
	case s.NotAction != nil:
		c.report("v3_not_action", c.at(NotActionElement), s.NotAction.Pos, "NotAction is not in the documented grammar of v3 custom policies (IAM's validator knows it: IAM.1031, IAM.1032), so whether IAM accepts it here is open; list the actions in Action instead")
	case s.Action == nil:
		c.report("v3_missing_action", c.at(NoElement), s.Pos, `the statement has no Action; add "Action": [...] with the actions it allows or denies`)
	}
	for _, l := range []struct {
		field Element
		list  *List
	}{{ActionElement, s.Action}, {NotActionElement, s.NotAction}} {
		if l.list == nil {
			continue
		}
		if n := len(l.list.Items); n == 0 || n > v3MaxActions {
			c.report("v3_action_count", c.at(l.field), l.list.Pos, "%s has %d actions; a v3 statement has 1 to %d (IAM.1033)", l.field, n, v3MaxActions)
		}
		for i, it := range l.list.Items {
			c.action(c.at(l.field).Item(i), it)
		}
	}
	c.resources(s)
	c.v3conditions(s, role)
}

// action checks one action name or pattern.
func (c *v3checker) action(at Location, it Str) {
	name := it.Value
	if n := len([]rune(name)); n > v3MaxActionChars {
		c.report("v3_action_too_long", at, it.Pos, "the action has %d characters; at most %d (IAM.1034)", n, v3MaxActionChars)
		return
	}
	parts := strings.Split(name, ":")
	if len(parts) != 3 || slices.Contains(parts, "") {
		hint := "write service:resourceType:action, such as ims:images:get, or a pattern such as ims:images:*"
		if name == "*" {
			hint = `write "*:*:*" for every action`
		}
		c.report("v3_action_format", at, it.Pos, "action %q is not of the form service:resourceType:action; %s", name, hint)
		return
	}
	if i := strings.IndexFunc(name, func(r rune) bool { return !v3ActionChar(r) }); i >= 0 {
		c.report("v3_action_format", at, it.Pos, "action %q contains %q, which IAM refuses (IAM.1035): actions are letters, digits and the wildcard *", name, name[i:i+1])
		return
	}
	if strings.Contains(name, "?") {
		c.report("v3_action_question_mark", at, it.Pos, "action %q uses ?, which no vendor source mentions for v3 actions (only * is documented): whether IAM reads it as a wildcard is open; use *", name)
	}
	if svc := parts[0]; svc != strings.ToLower(svc) {
		c.report("v3_service_case", at, it.Pos, "the service name %q is not lower case; the grammar says \"Only lowercase letters are allowed\" (OTC policy_syntax.rst, SDK), although vendor examples write KMS:*:* and OBS:*:*: write %q", svc, strings.ToLower(svc)+":"+parts[1]+":"+parts[2])
	}
	if !strings.EqualFold(parts[0], "ims") {
		return // other services' actions pass: the v3 catalog covers IMS only
	}
	names := v3ActionNames()
	if wildcard.HasWildcard(name) {
		for _, n := range names {
			if wildcard.Match(name, n) {
				return
			}
		}
		c.report("v3_unknown_action", at, it.Pos, "%q matches none of the 13 IMS actions of IAM v3 (%s)", name, strings.Join(names, ", "))
		return
	}
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return
		}
	}
	msg := fmt.Sprintf("%q is not one of the 13 IMS actions of IAM v3 (IAM.1036 \"has not been registered\")", name)
	if _, ok := catalog.LookupAction(name); ok || catalog.Kind(name) != catalog.Unknown {
		msg += "; it is an IAM v5 action name, and v3 and v5 do not share action names"
	}
	if s := closest(name, names, max(3, len(name)/4)); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; v3 IMS actions are " + strings.Join(names, ", ")
	}
	c.report("v3_unknown_action", at, it.Pos, "%s", msg)
}

func v3ActionChar(r rune) bool {
	return r == ':' || r == '*' || r == '?' || r == '-' || r == '_' ||
		('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

// v3ActionNames are the 13 v3 IMS action names.
func v3ActionNames() []string {
	acts := catalog.V3Actions()
	names := make([]string, len(acts))
	for i, a := range acts {
		names[i] = a.Name
	}
	return names
}

// resources checks a statement's Resource (notes §3.1): up to 10 five-part URNs, and for
// IMS, which has no resource-level authorization in v3, only "*".
func (c *v3checker) resources(s *V3Statement) {
	if s.ResourceObject != nil {
		c.report("v3_resource", c.at(ResourceElement), s.ResourceObject.Pos, `Resource written as an object is the form of agency policies ({"uri": ["/iam/agencies/..."]}, IAM.1037); a policy for services writes a list of URNs, or leaves Resource out`)
	}
	if s.Resource == nil {
		return
	}
	if n := len(s.Resource.Items); n == 0 || n > v3MaxResources {
		c.report("v3_resource", c.at(ResourceElement), s.Resource.Pos, "Resource has %d items; a v3 statement has 1 to %d (IAM.1040), or leaves Resource out for every resource", n, v3MaxResources)
	}
	imsOnly := s.Action != nil && len(s.Action.Items) > 0
	for _, name := range s.Actions() {
		if svc, _, _ := strings.Cut(name, ":"); !strings.EqualFold(svc, "ims") {
			imsOnly = false
		}
	}
	for i, it := range s.Resource.Items {
		at := c.at(ResourceElement).Item(i)
		v := it.Value
		switch {
		case v == "" || strings.ContainsAny(v, " \t\r\n"):
			c.report("v3_resource", at, it.Pos, "the resource %q is blank or contains spaces (IAM.1041)", v)
			continue
		case v == "*":
			continue
		case len(strings.Split(v, ":")) < 5:
			c.report("v3_resource", at, it.Pos, "the resource %q is not a five-part URN, <service>:<region>:<account-id>:<resource-type>:<resource-path>, such as obs:*:*:bucket:my-bucket", v)
			continue
		}
		if n := len([]rune(v)); n > v3MaxResourceChars {
			c.report("v3_resource_too_long", at, it.Pos, "the resource has %d characters; the API reference and the SDK allow %d (IAM.1042's message says 1,500: which one holds is open)", n, v3MaxResourceChars)
		}
		if svc, _, _ := strings.Cut(v, ":"); strings.EqualFold(svc, "ims") || imsOnly {
			c.report("v3_ims_resource", at, it.Pos, "IMS has no resource-level authorization in IAM v3 (it is not among the services of \"支持IAM资源粒度授权的云服务\", iam_01_0610, and its v3 action tables have no resource column), so this resource narrows nothing or is refused (inferred); leave Resource out or write \"*\", and use a v5 identity policy to grant per image")
		}
	}
}

// v3conditions checks a statement's Condition block (notes §3.1, §3.3, §3.4).
func (c *v3checker) v3conditions(s *V3Statement, role bool) {
	cond := s.Condition
	if cond == nil {
		return
	}
	at := c.at(ConditionElement)
	if role {
		c.report("v3_condition_in_role", at, cond.Pos, "a 1.0 role cannot have conditions (IAM.1039 \"Old policies do not support conditions.\"); write the document as a 1.1 custom policy")
	}
	if n := len(cond.Ops); n == 0 || n > v3MaxOperators {
		c.report("v3_condition_limits", at, cond.Pos, "Condition has %d operators; a v3 statement has 1 to %d (IAM.1050), or leaves Condition out", n, v3MaxOperators)
	}
	for _, op := range cond.Ops {
		opAt := at.InCondition(op.Name, "")
		kind, ok := c.v3operator(opAt, op)
		if n := len(op.Keys); n == 0 || n > v3MaxKeys {
			c.report("v3_condition_limits", opAt, op.Pos, "operator %s has %d condition keys; 1 to %d (IAM.1051, IAM.1054)", op.Name, n, v3MaxKeys)
		}
		for _, k := range op.Keys {
			keyAt := at.InCondition(op.Name, k.Name)
			c.v3key(keyAt, k)
			if keyType, global := v3GlobalKeys[k.Name]; global && ok && kind != keyType && ParseOperator(op.Name).Base != "Null" {
				c.report("v3_operator_type_mismatch", keyAt, k.Pos, "%s compares %s values, but %s is a %s key (S6, S7 Table 1), so the condition can never match; use a %s operator", op.Name, kind, k.Name, keyType, keyType)
			}
			if len(k.Values.Items) == 0 {
				c.report("v3_condition_limits", keyAt, k.Values.Pos, "the key %s has no values; list at least one (IAM.1053)", k.Name)
			}
			for i, v := range k.Values.Items {
				if n := len([]rune(v.Value)); n == 0 || n > v3MaxValueChars {
					c.report("v3_condition_limits", keyAt.Item(i), v.Pos, "a condition value has %d characters; 1 to %d (IAM.1056)", n, v3MaxValueChars)
					continue
				}
				if ok {
					if problem := v3ValueProblem(kind, v.Value); problem != "" {
						c.report("v3_condition_value", keyAt.Item(i), v.Pos, "%q is not a value of %s: %s", v.Value, op.Name, problem)
					}
				}
			}
		}
	}
}

// v3operator checks an operator's name; it returns the type of its values and whether
// they can be checked.
func (c *v3checker) v3operator(at Location, op ConditionOp) (string, bool) {
	o := ParseOperator(op.Name)
	def, known := v3Operators[o.Base]
	switch {
	case !known:
		msg := fmt.Sprintf("%q is not a condition operator of IAM v3 (neither of the vendor's two documented sets; operators are case-sensitive)", op.Name)
		if s := closest(o.Base, v3OperatorNames(), max(2, len(o.Base)/4)); s != "" {
			o.Base = s
			msg += fmt.Sprintf("; did you mean %q?", o.String())
		}
		c.report("v3_unknown_operator", at, op.Pos, "%s", msg)
		return "", false
	case o.Base == "Null" && o.IfExists:
		c.report("v3_unknown_operator", at, op.Pos, "IfExists applies to every operator but Null (S6: \"除Null运算符以外\"); write Null")
		return "", false
	case def.legacy:
		c.report("v3_legacy_operator", at, op.Pos, "%s is in the vendor's 2022 list of v3 operators but not in the current one (which has StringMatch, Null, ForAnyValue/ForAllValues instead of the *With, *Like, *AnyOf, IpAddress and IsNull forms), although vendor examples still use it: which set IAM accepts today is open", op.Name)
	}
	if o.Qualifier != NoQualifier && def.legacy {
		c.report("v3_legacy_operator", at, op.Pos, "%s: prefixes are only in the current set, %s only in the 2022 one", op.Name, o.Base)
	}
	return def.kind, def.kind != ""
}

func v3OperatorNames() []string {
	names := make([]string, 0, len(v3Operators))
	for n := range v3Operators {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// v3key checks a condition key: the v3 global keys are listed, other g: keys are not.
func (c *v3checker) v3key(at Location, k ConditionKey) {
	if k.Name == "" || strings.ContainsAny(k.Name, " \t\r\n") {
		c.report("v3_condition_limits", at, k.Pos, "the condition key %q is blank or has spaces (IAM.1052)", k.Name)
		return
	}
	if !strings.HasPrefix(strings.ToLower(k.Name), "g:") {
		return // service keys pass: the notes list none for IMS in v3
	}
	if _, ok := v3GlobalKeys[k.Name]; ok {
		return
	}
	keys := make([]string, 0, len(v3GlobalKeys))
	for n := range v3GlobalKeys {
		keys = append(keys, n)
	}
	slices.Sort(keys)
	msg := fmt.Sprintf("%q is not among the v3 global condition keys (%s)", k.Name, strings.Join(keys, ", "))
	if s := closest(k.Name, keys, 3); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; the vendor mentions other global keys that services supply without listing them"
	}
	c.report("v3_unknown_condition_key", at, k.Pos, "%s", msg)
}

// v3ValueProblem says what is wrong with a value of an operator of type kind, or "".
func v3ValueProblem(kind, v string) string {
	switch kind {
	case "Number":
		if _, err := strconv.ParseFloat(v, 64); err != nil || strings.ContainsAny(v, "xXeEpP_") {
			return "write a decimal number such as 42"
		}
	case "Date":
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return "write an ISO 8601 time such as 2012-11-11T23:59:59Z"
		}
	case "Bool":
		if v != "true" && v != "false" {
			return `write "true" or "false"`
		}
	case "IP":
		if _, err := netip.ParsePrefix(v); err != nil {
			if _, err := netip.ParseAddr(v); err != nil {
				return "write an IP address or a CIDR block such as 192.0.2.0/24"
			}
		}
	}
	return ""
}

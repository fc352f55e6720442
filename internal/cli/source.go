package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Locating a plan's results in the Terraform configuration that made the plan (--config):
// each resource instance of the plan is the resource block of its module, found by its
// address without instance keys, through the local module calls; a finding in a document
// written inline (jsonencode({...}) or an imspolicy_policy_document data source) is the
// expression of its element, and one in file("x.json") is its line in that file.

// srcPos is a place in a configuration file: the path (the --config directory joined
// with the file's path in it) and the line and column (from 1). The zero value is none.
type srcPos struct {
	File         string
	Line, Column int
}

func (p srcPos) valid() bool { return p.File != "" && p.Line > 0 }

func (p srcPos) String() string {
	if p.Column > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

func rangePos(r hcl.Range) srcPos {
	return srcPos{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
}

// maxModuleDepth bounds how deep local module calls are followed: a module that calls
// itself (which Terraform refuses) must not recurse forever.
const maxModuleDepth = 32

// hclModule is one module directory of the configuration.
type hclModule struct {
	dir  string                      // the directory, as files are named (the --config directory joined with the calls' sources)
	data map[string]*hclsyntax.Block // imspolicy_policy_document data blocks, by name
}

// hclResource is a resource block and the module it is in.
type hclResource struct {
	block  *hclsyntax.Block
	module *hclModule
}

// configIndex is a configuration's resource blocks by their plan address without instance
// keys (module.x.type.name).
type configIndex struct {
	dir       string
	resources map[string]hclResource
	files     map[string]*policyFile // the JSON files file() reads, read once each
}

// policyFile is a JSON file that file() reads, and its findings by grammar and purpose
// (checked again only when the plan's text is not the file's).
type policyFile struct {
	text     []byte
	findings map[checkKind][]policy.Finding
}

// checkKind is how a document is checked.
type checkKind struct {
	language policy.Language
	purpose  policy.Purpose
}

// maxPolicyFileBytes bounds what a file() call is read for: a policy document is at most
// policy.MaxDocumentBytes, and a larger file is no document's source (the plan's document
// would be over the limit too), however much white space the provider trimmed.
const maxPolicyFileBytes = 16 * policy.MaxDocumentBytes

// loadConfig reads the .tf files of dir and of the local modules it calls. A file that is
// not valid HCL is passed over (terraform plan would not have run on it): its resources
// are not found, and their results fall back to the plan.
func loadConfig(dir string) (*configIndex, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--config %s: %w: give the directory of the plan's root module (where terraform plan ran)", dir, unwrapPathError(err))
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("--config %s is not a directory: give the directory of the plan's root module (where terraform plan ran)", dir)
	}
	c := &configIndex{dir: dir, resources: map[string]hclResource{}, files: map[string]*policyFile{}}
	c.loadModule(dir, "", 0)
	return c, nil
}

func (c *configIndex) loadModule(dir, prefix string, depth int) {
	if depth > maxModuleDepth {
		return
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	sort.Strings(names)
	m := &hclModule{dir: dir, data: map[string]*hclsyntax.Block{}}
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			continue
		}
		body, _ := f.Body.(*hclsyntax.Body)
		for _, b := range body.Blocks {
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				c.resources[prefix+b.Labels[0]+"."+b.Labels[1]] = hclResource{block: b, module: m}
			case b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "imspolicy_policy_document":
				m.data[b.Labels[1]] = b
			case b.Type == "module" && len(b.Labels) == 1:
				if source := literalString(b.Body.Attributes["source"]); strings.HasPrefix(source, "./") || strings.HasPrefix(source, "../") {
					c.loadModule(filepath.Join(dir, filepath.FromSlash(source)), prefix+"module."+b.Labels[0]+".", depth+1)
				}
			}
		}
	}
}

// literalString is an attribute's value when it is a literal string, else "".
func literalString(a *hclsyntax.Attribute) string {
	if a == nil {
		return ""
	}
	return exprString(a.Expr)
}

func exprString(e hcl.Expression) string {
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// stripInstanceKeys drops the count and for_each keys of a plan address:
// module.a["x"].module.b[0].t.n[1] is module.a.module.b.t.n. A key is a number or a
// quoted string, which may hold brackets and escaped quotes.
func stripInstanceKeys(address string) string {
	var b strings.Builder
	for i := 0; i < len(address); i++ {
		if address[i] != '[' {
			b.WriteByte(address[i])
			continue
		}
		for inString := false; i < len(address); i++ {
			switch c := address[i]; {
			case inString && c == '\\':
				i++
			case c == '"':
				inString = !inString
			case !inString && c == ']':
				goto closed
			}
		}
	closed:
	}
	return b.String()
}

// resource is the resource block of a plan address; ok is false when the configuration
// has none.
func (c *configIndex) resource(address string) (hclResource, bool) {
	if c == nil {
		return hclResource{}, false
	}
	r, ok := c.resources[stripInstanceKeys(address)]
	return r, ok
}

// matches reports whether the configuration declares any of the documents' resources:
// the test of whether a directory is the plan's root module.
func (c *configIndex) matches(docs []document) bool {
	for _, d := range docs {
		if _, ok := c.resource(d.Address); d.InPlan() && ok {
			return true
		}
	}
	return false
}

// locateDocument is where a plan document's resource block starts.
func (c *configIndex) locateDocument(d *document) (srcPos, bool) {
	r, ok := c.resource(d.Address)
	if !ok {
		return srcPos{}, false
	}
	return rangePos(r.block.DefRange()), true
}

// locateFinding is where a finding of a plan document is: its element's expression when
// the document is written inline, its line in the JSON file file() reads, else the
// attribute that holds the document, else the resource block.
func (c *configIndex) locateFinding(d *document, f policy.Finding) (srcPos, bool) {
	r, ok := c.resource(d.Address)
	if !ok {
		return srcPos{}, false
	}
	attr := r.block.Body.Attributes[d.Attribute]
	if attr == nil {
		return rangePos(r.block.DefRange()), true
	}
	expr := attr.Expr
	if w, ok := expr.(*hclsyntax.TemplateWrapExpr); ok { // "${...}"
		expr = w.Wrapped
	}
	switch e := expr.(type) {
	case *hclsyntax.FunctionCallExpr:
		switch {
		case e.Name == "jsonencode" && len(e.Args) == 1:
			return rangePos(jsonExprAt(e.Args[0], f.At).Range()), true
		case e.Name == "file" && len(e.Args) == 1:
			if p, ok := c.inFile(r.module, e.Args[0], d, f); ok {
				return p, true
			}
		}
	case *hclsyntax.ScopeTraversalExpr:
		if name, ok := policyDocumentRef(e.Traversal); ok {
			if data := r.module.data[name]; data != nil {
				return dataBlockAt(data, f), true
			}
		}
	}
	return rangePos(attr.SrcRange), true
}

// policyDocumentRef is the name of the imspolicy_policy_document a traversal reads the
// json of (data.imspolicy_policy_document.NAME.json).
func policyDocumentRef(t hcl.Traversal) (string, bool) {
	if len(t) != 4 || t.RootName() != "data" {
		return "", false
	}
	typ, ok1 := t[1].(hcl.TraverseAttr)
	name, ok2 := t[2].(hcl.TraverseAttr)
	attr, ok3 := t[3].(hcl.TraverseAttr)
	// minified_json sorts the statements: its indexes are not the blocks'.
	if !ok1 || !ok2 || !ok3 || typ.Name != "imspolicy_policy_document" || attr.Name != "json" {
		return "", false
	}
	return name.Name, true
}

// jsonExprAt is the expression of jsonencode's argument that writes the element at, or
// the deepest one on its way that the configuration writes literally.
func jsonExprAt(root hcl.Expression, at policy.Location) hcl.Expression {
	cur := root
	step := func(next hcl.Expression) bool {
		if next == nil {
			return false
		}
		cur = next
		return true
	}
	if at.Statement >= 0 {
		if !step(objectMember(cur, string(policy.StatementElement))) {
			return cur
		}
		if t, ok := cur.(*hclsyntax.TupleConsExpr); ok {
			if at.Statement >= len(t.Exprs) {
				return cur
			}
			cur = t.Exprs[at.Statement]
		}
	}
	if at.Element == policy.NoElement || !step(objectMember(cur, string(at.Element))) {
		return cur
	}
	if at.Element == policy.ConditionElement {
		if at.Operator == "" || !step(objectMember(cur, at.Operator)) || at.Key == "" || !step(objectMember(cur, at.Key)) {
			return cur
		}
	}
	if t, ok := cur.(*hclsyntax.TupleConsExpr); ok && at.Index >= 0 && at.Index < len(t.Exprs) {
		cur = t.Exprs[at.Index]
	}
	return cur
}

// objectMember is the value of an object constructor's member key, or nil.
func objectMember(e hcl.Expression, key string) hcl.Expression {
	obj, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	for _, item := range obj.Items {
		k, ok := item.KeyExpr.(*hclsyntax.ObjectConsKeyExpr)
		if !ok {
			continue
		}
		name := hcl.ExprAsKeyword(k.Wrapped)
		if name == "" {
			name = exprString(k.Wrapped)
		}
		if name == key {
			return item.ValueExpr
		}
	}
	return nil
}

// statementArguments are a statement block's arguments by the elements they write (as
// the data source maps them).
var statementArguments = map[policy.Element]string{
	policy.SidElement: "sid", policy.EffectElement: "effect", policy.ActionElement: "actions", policy.NotActionElement: "not_actions",
	policy.ResourceElement: "resources", policy.NotResourceElement: "not_resources",
}

// dataBlockAt is where an imspolicy_policy_document block writes a finding's element. Its
// json holds the source documents' statements, then the statement blocks (replacing those
// with their Sid), then the override documents': with none of those documents, statement
// i is block i; with them, a statement is the block with its Sid, or, when no block has
// it (it came from a document), the data block.
func dataBlockAt(data *hclsyntax.Block, f policy.Finding) srcPos {
	whole := rangePos(data.DefRange())
	if f.At.Statement < 0 {
		return whole
	}
	var statements []*hclsyntax.Block
	for _, b := range data.Body.Blocks {
		if b.Type == "statement" {
			statements = append(statements, b)
		}
	}
	var st *hclsyntax.Block
	_, sources := data.Body.Attributes["source_policy_documents"]
	_, overrides := data.Body.Attributes["override_policy_documents"]
	if f.Sid != "" {
		for _, b := range statements {
			if literalString(b.Body.Attributes["sid"]) == f.Sid {
				st = b
			}
		}
	}
	if st == nil && !sources && !overrides && f.At.Statement < len(statements) {
		st = statements[f.At.Statement] // a Sid written otherwise than as a literal
	}
	if st == nil {
		return whole
	}
	if f.At.Element == policy.ConditionElement {
		return conditionAt(st, f.At)
	}
	a := st.Body.Attributes[statementArguments[f.At.Element]]
	if a == nil {
		return rangePos(st.DefRange())
	}
	if t, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok && f.At.Index >= 0 && f.At.Index < len(t.Exprs) {
		return rangePos(t.Exprs[f.At.Index].Range())
	}
	return rangePos(a.Expr.Range())
}

// conditionAt is the condition block (and argument) of a statement block that writes a
// Condition location: blocks with the same operator and key add their values to one list,
// so a value's index counts across them.
func conditionAt(st *hclsyntax.Block, at policy.Location) srcPos {
	offset := 0
	for _, c := range st.Body.Blocks {
		if c.Type != "condition" || literalString(c.Body.Attributes["operator"]) != at.Operator ||
			at.Key != "" && literalString(c.Body.Attributes["key"]) != at.Key {
			continue
		}
		arg := func(name string) srcPos {
			if a := c.Body.Attributes[name]; a != nil {
				return rangePos(a.Expr.Range())
			}
			return rangePos(c.DefRange())
		}
		values, _ := exprOf(c.Body.Attributes["values"]).(*hclsyntax.TupleConsExpr)
		switch {
		case at.Key == "":
			return arg("operator")
		case at.Index < 0:
			return arg("key")
		case values == nil:
			return arg("values")
		case at.Index < offset+len(values.Exprs):
			return rangePos(values.Exprs[at.Index-offset].Range())
		}
		if values != nil {
			offset += len(values.Exprs)
		}
	}
	return rangePos(st.DefRange())
}

func exprOf(a *hclsyntax.Attribute) hcl.Expression {
	if a == nil {
		return nil
	}
	return a.Expr
}

// inFile is a finding's line and column in the JSON file a file() call reads: the path
// is relative to the root module (the --config directory), as Terraform reads it, and
// path.module is the module's directory relative to it (path.root and path.cwd are "."). The
// finding's position holds when the plan's document is the file's text; otherwise the
// file is checked again and the finding with the same code and element gives it.
func (c *configIndex) inFile(m *hclModule, arg hcl.Expression, d *document, f policy.Finding) (srcPos, bool) {
	module, err := filepath.Rel(c.dir, m.dir)
	if err != nil {
		return srcPos{}, false
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"path": cty.ObjectVal(map[string]cty.Value{
		"module": cty.StringVal(filepath.ToSlash(module)), "root": cty.StringVal("."), "cwd": cty.StringVal("."),
	})}}
	v, diags := arg.Value(ctx)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return srcPos{}, false
	}
	name := filepath.FromSlash(v.AsString())
	if !filepath.IsAbs(name) {
		name = filepath.Join(c.dir, name)
	}
	pf := c.readPolicyFile(name)
	if pf == nil {
		return srcPos{}, false
	}
	pos := f.Pos
	if !bytes.Equal(pf.text, d.Text) {
		pos = policy.Pos{}
		kind := checkKind{d.Language, d.Purpose}
		again, ok := pf.findings[kind]
		if !ok {
			again = findingsOf(pf.text, d.Language, d.Purpose)
			pf.findings[kind] = again
		}
		for _, g := range again {
			if g.Code == f.Code && g.Path == f.Path {
				pos = g.Pos
				break
			}
		}
	}
	if !pos.IsValid() {
		return srcPos{File: name, Line: 1}, true
	}
	return srcPos{File: name, Line: pos.Line, Column: pos.Column}, true
}

// readPolicyFile reads a file that file() reads, once; nil when it cannot be read or is
// too large to be a policy document's source.
func (c *configIndex) readPolicyFile(name string) *policyFile {
	if pf, ok := c.files[name]; ok {
		return pf
	}
	var pf *policyFile
	if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxPolicyFileBytes {
		if text, err := os.ReadFile(name); err == nil {
			pf = &policyFile{text: text, findings: map[checkKind][]policy.Finding{}}
		}
	}
	c.files[name] = pf
	return pf
}

// openConfig is the configuration in dir (--config), or, when dir is "", the working
// directory if it is the plan's root module (it declares some of the documents'
// resources); nil when there is none.
func openConfig(docs []document, dir string) (*configIndex, error) {
	if dir != "" {
		return loadConfig(dir)
	}
	if wd, err := loadConfig("."); err == nil && wd.matches(docs) {
		return wd, nil
	}
	return nil, nil
}

// leftOnPlan is the note, said once, on the results left pointing at the plan: n of
// them, the first of example's resource; "" when there are none.
func leftOnPlan(c *configIndex, dir string, n int, example string) string {
	if n == 0 {
		return ""
	}
	where := "no Terraform configuration in the working directory declares the plan's resources (give the plan's root module with --config DIR)"
	if c != nil {
		where = fmt.Sprintf("--config %s has no resource block for %s (is it the plan's root module?)", dir, example)
	}
	return fmt.Sprintf("%s point at the plan file, with the resource address, not at a .tf line: %s", plural(n, "result"), where)
}

// locateInConfig finds each plan document's resource block, and each of its findings, in
// the configuration (openConfig). It returns the note on the results left pointing at the
// plan, or "" when there are none.
func locateInConfig(docs []document, dir string) (string, error) {
	inPlan := false
	for i := range docs {
		inPlan = inPlan || docs[i].InPlan()
	}
	if !inPlan {
		return "", nil
	}
	c, err := openConfig(docs, dir)
	if err != nil {
		return "", err
	}
	left, example := 0, ""
	for i := range docs {
		d := &docs[i]
		if !d.InPlan() {
			continue
		}
		var ok bool
		if d.Src, ok = c.locateDocument(d); !ok {
			results := len(d.Findings)
			if d.Unchecked != checked {
				results++
			}
			if results > 0 && example == "" {
				example = d.Address
			}
			left += results
			continue
		}
		d.FindingSrc = make([]srcPos, len(d.Findings))
		for j, f := range d.Findings {
			d.FindingSrc[j], _ = c.locateFinding(d, f)
		}
	}
	return leftOnPlan(c, dir, left, example), nil
}

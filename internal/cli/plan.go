package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"
)

// isPlan tells a plan (terraform show -json) from a policy document: a plan has
// format_version and planned_values or resource_changes. An object with format_version
// and neither is some other Terraform JSON (state, providers schema): an error. src is a
// whole input of at most policy.MaxDocumentBytes; a larger one is a plan or nothing
// (startsLikePlan).
func isPlan(src []byte) (bool, error) {
	// Anything but a JSON object is a policy document, for the checker to judge.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(src, &top); err != nil || top == nil {
		return false, nil //nolint:nilerr // not JSON is malformed_json, the checker's finding
	}
	if _, ok := top["format_version"]; !ok {
		return false, nil
	}
	_, planned := top["planned_values"]
	_, changes := top["resource_changes"]
	if !planned && !changes {
		return false, errNotAPlan
	}
	return true, nil
}

var errNotAPlan = errors.New("not a plan: it has format_version but neither planned_values nor resource_changes " +
	"(write the plan with `terraform show -json plan.out`, not state or a schema)")

// planKeys are the members of a plan's top-level object: terraform-json's Plan, and
// applyable and errored, which Terraform writes and terraform-json does not read.
var planKeys = func() map[string]bool {
	keys := map[string]bool{"applyable": true, "errored": true}
	t := reflect.TypeFor[tfjson.Plan]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}()

// startsLikePlan reports whether head, the start of an input too large to be a policy
// document, starts as a plan does: an object whose first member is one a plan has (in
// any order: jq -S sorts them). A policy document starts with Version or Statement.
func startsLikePlan(head []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(head))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	key, err := dec.Token()
	name, _ := key.(string)
	return err == nil && planKeys[name]
}

// planChange is a managed resource instance's change, for one policy attribute of its
// resource type (a type with two has two).
type planChange struct {
	address string
	attr    policyAttribute
	change  tfjson.Change
}

// plannedResource is a managed resource instance of planned_values, for a resource type
// whose policy attribute this command reads.
type plannedResource struct {
	address string
	attr    policyAttribute
	values  map[string]any
}

// plan is what the command reads of a plan.
type plan struct {
	changes []planChange      // resource_changes, in order
	planned []plannedResource // planned_values, every module, in order
}

// readPlan reads a plan from r as a stream: it decodes only the policy resources of
// resource_changes and planned_values, one resource at a time, and passes over the rest
// (prior_state, configuration, other resources' values) without building it, so that
// its memory stays far below the plan's size however many resources the plan has. It
// refuses text that is not UTF-8, which encoding/json would read as U+FFFD.
func readPlan(r io.Reader) (*plan, error) {
	dec := json.NewDecoder(&utf8Reader{r: r})
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a plan (terraform show -json plan.out): it is not a JSON object")
	}
	var p plan
	var formatVersion *string
	var planned, changes bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		switch key {
		case "format_version":
			formatVersion = new(string)
			err = dec.Decode(formatVersion)
		case "resource_changes":
			changes = true
			err = p.readChanges(dec)
		case "planned_values":
			planned = true
			err = walkObject(dec, 0, func(key string) (bool, error) {
				if key != "root_module" {
					return false, nil
				}
				return true, p.readModule(dec)
			})
		default:
			err = skip(dec, 0)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	switch after, err := afterObject(dec, r); {
	case err != nil:
		return nil, err
	case after == "":
	case strings.HasPrefix(after, "::"):
		return nil, errWrapper("the plan")
	default:
		return nil, errors.New("unexpected text after the plan's JSON object")
	}
	switch {
	case formatVersion == nil:
		return nil, errors.New("not a plan (terraform show -json plan.out): it has no format_version")
	case !planned && !changes:
		return nil, errNotAPlan
	}
	if err := (&tfjson.Plan{FormatVersion: *formatVersion}).Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// afterObject is the start (up to two bytes) of the text after white space that follows
// the value dec read last: what dec buffered, then the rest of r. It is empty at the end.
func afterObject(dec *json.Decoder, r io.Reader) (string, error) {
	src := io.MultiReader(dec.Buffered(), r)
	var rest []byte
	buf := make([]byte, 512)
	for len(rest) < 2 {
		n, err := src.Read(buf)
		chunk := buf[:n]
		if len(rest) == 0 {
			chunk = bytes.TrimLeft(chunk, " \t\r\n")
		}
		rest = append(rest, chunk...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return string(rest[:min(2, len(rest))]), nil
}

// reusedRaw holds a value's JSON text in a buffer reused from one resource to the next
// (json.RawMessage would allocate a copy of every resource).
type reusedRaw []byte

func (r *reusedRaw) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// readChanges reads resource_changes, keeping the changes of policy resources.
func (p *plan) readChanges(dec *json.Decoder) error {
	var rc struct {
		Address string    `json:"address"`
		Mode    string    `json:"mode"`
		Type    string    `json:"type"`
		Change  reusedRaw `json:"change"`
	}
	return eachElement(dec, func() error {
		rc.Address, rc.Mode, rc.Type, rc.Change = "", "", "", rc.Change[:0]
		if err := dec.Decode(&rc); err != nil {
			return err
		}
		attrs, ok := attributesByType[rc.Type]
		if !ok || rc.Mode != string(tfjson.ManagedResourceMode) || len(rc.Change) == 0 || string(rc.Change) == "null" {
			return nil
		}
		var change tfjson.Change
		if err := json.Unmarshal(rc.Change, &change); err != nil {
			return fmt.Errorf("%s: change: %w", rc.Address, err)
		}
		for _, a := range attrs {
			p.changes = append(p.changes, planChange{address: rc.Address, attr: a, change: change})
		}
		return nil
	})
}

// readModule reads a module of planned_values, and its child modules, keeping the values
// of policy resources.
func (p *plan) readModule(dec *json.Decoder) error {
	var r struct {
		Address string    `json:"address"`
		Mode    string    `json:"mode"`
		Type    string    `json:"type"`
		Values  reusedRaw `json:"values"`
	}
	return walkObject(dec, 1, func(key string) (bool, error) {
		switch key {
		case "resources":
			return true, eachElement(dec, func() error {
				r.Address, r.Mode, r.Type, r.Values = "", "", "", r.Values[:0]
				if err := dec.Decode(&r); err != nil {
					return err
				}
				attrs, ok := attributesByType[r.Type]
				if !ok || r.Mode != string(tfjson.ManagedResourceMode) {
					return nil
				}
				var values map[string]any
				if len(r.Values) > 0 {
					if err := json.Unmarshal(r.Values, &values); err != nil {
						return fmt.Errorf("%s: values: %w", r.Address, err)
					}
				}
				for _, a := range attrs {
					p.planned = append(p.planned, plannedResource{address: r.Address, attr: a, values: values})
				}
				return nil
			})
		case "child_modules":
			return true, eachElement(dec, func() error { return p.readModule(dec) })
		}
		return false, nil
	})
}

// eachElement calls read for each element of a list (read decodes it); null is an empty
// list.
func eachElement(dec *json.Decoder, read func() error) error {
	t, err := dec.Token()
	switch {
	case err != nil:
		return err
	case t == nil:
		return nil
	case t != json.Delim('['):
		return fmt.Errorf("want a list, not %v", t)
	}
	for dec.More() {
		if err := read(); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// walkObject calls member with the key of each member of an object (or of none, for
// null), depth levels below the plan's top; member reads the value and returns true, or
// returns false to have it passed over.
func walkObject(dec *json.Decoder, depth int, member func(key string) (bool, error)) error {
	t, err := dec.Token()
	switch {
	case err != nil:
		return err
	case t == nil:
		return nil
	case t != json.Delim('{'):
		return fmt.Errorf("want an object, not %v", t)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := k.(string)
		read, err := member(key)
		if err == nil && !read {
			err = skip(dec, depth+1)
		}
		if err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// skipDepth is how deep skip walks a value token by token; from there down, a value is
// decoded whole into nothing. A plan's bulk is lists of resources a few levels down
// (prior_state.values.root_module.resources): walking to them keeps the decoder's buffer
// to one resource, while each resource is passed over at the scanner's speed.
const skipDepth = 4

// discard decodes a value into nothing.
type discard struct{}

func (*discard) UnmarshalJSON([]byte) error { return nil }

// skip passes over the next value, depth levels below the plan's top.
func skip(dec *json.Decoder, depth int) error {
	if depth >= skipDepth {
		return dec.Decode(&discard{})
	}
	t, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := t.(json.Delim)
	if !ok {
		return nil // a scalar: read
	}
	for dec.More() {
		if delim == '{' {
			if _, err := dec.Token(); err != nil { // the member's key
				return err
			}
		}
		if err := skip(dec, depth+1); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// planDocuments reads every policy document of a plan: each managed resource instance of
// the root module and every child module, from resource_changes (after the change), and
// from planned_values for instances resource_changes does not list.
func planDocuments(source string, r io.Reader) ([]document, error) {
	p, err := readPlan(r)
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	var docs []document
	seen := map[string]bool{}
	for _, rc := range p.changes {
		if rc.change.After == nil {
			continue
		}
		seen[rc.address+"."+rc.attr.attribute] = true
		after, _ := rc.change.After.(map[string]any)
		unknown, _ := rc.change.AfterUnknown.(map[string]any)
		if d, ok := rc.attr.document(source, rc.address, after, func(name string) bool { return unknown[name] == true }); ok {
			docs = append(docs, d)
		}
	}
	for _, r := range p.planned {
		if seen[r.address+"."+r.attr.attribute] {
			continue
		}
		seen[r.address+"."+r.attr.attribute] = true
		// planned_values leaves unknown values out.
		if d, ok := r.attr.document(source, r.address, r.values, func(name string) bool {
			_, known := r.values[name]
			return !known
		}); ok {
			docs = append(docs, d)
		}
	}
	return docs, nil
}

// utf8Reader passes its reader's bytes on, and fails at the first that is not UTF-8.
type utf8Reader struct {
	r       io.Reader
	off     int64   // the offset of the next byte to check
	pending [4]byte // the start of a sequence the last read cut short
	n       int     // how many bytes pending holds
}

func (u *utf8Reader) Read(b []byte) (int, error) {
	n, err := u.r.Read(b)
	i := 0
	// First finish a sequence the last read cut short.
	for ; u.n > 0 && i < n; i++ {
		u.pending[u.n] = b[i]
		u.n++
		if utf8.FullRune(u.pending[:u.n]) {
			if r, size := utf8.DecodeRune(u.pending[:u.n]); r == utf8.RuneError && size == 1 {
				return 0, u.invalid(u.pending[0])
			}
			u.off += int64(u.n)
			u.n = 0
		}
	}
	start := i
	for i < n {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:n])
		if r == utf8.RuneError && size == 1 {
			u.off += int64(i - start)
			if utf8.FullRune(b[i:n]) {
				return 0, u.invalid(b[i])
			}
			u.n = copy(u.pending[:], b[i:n]) // cut short by this read: checked with the next
			break
		}
		i += size
	}
	if u.n == 0 {
		u.off += int64(i - start)
	}
	if err == io.EOF && u.n > 0 {
		return 0, u.invalid(u.pending[0])
	}
	return n, err
}

func (u *utf8Reader) invalid(c byte) error {
	return fmt.Errorf("byte 0x%02x at offset %d is not UTF-8 (terraform show -json writes UTF-8: was the file converted?)", c, u.off)
}

// document reads the attribute of one resource instance; ok is false when the instance
// holds no document (a null attribute, or none a computed attribute of a type not read
// shows). A document of a kind this command does not check
// is returned with the reason, so that it is reported, not passed over.
func (a policyAttribute) document(source, address string, values map[string]any, isUnknown func(string) bool) (document, bool) {
	if a.serviceWritten {
		return document{}, false
	}
	d := document{Source: source, Address: address, ResourceType: a.resourceType, Attribute: a.attribute, Purpose: a.purpose, Language: a.language, Unchecked: a.notRead}
	if a.typeIs != "" {
		switch t, _ := values["type"].(string); {
		case isUnknown("type"):
			d.Unchecked = unknownValue
			return d, true
		case t != a.typeIs:
			d.Unchecked = a.otherType
		}
	}
	switch text, isString := values[a.attribute].(string); {
	case isUnknown(a.attribute):
		if a.computed && a.notRead != checked {
			return document{}, false // the provider's to fill in: maybe no document
		}
		if d.Unchecked == checked {
			d.Unchecked = unknownValue
		}
	case !isString, a.computed && a.notRead != checked && strings.TrimSpace(text) == "":
		return document{}, false
	default:
		d.Text = []byte(text)
	}
	return d, true
}

// wrapperPrefix starts the output of hashicorp/setup-terraform's wrapper script (its
// default, terraform_wrapper: true): @actions/exec echoes the command line as
// "[command]/home/runner/work/_temp/<id>/terraform-bin show -json plan.out" before
// Terraform's own output, and older versions end it with workflow commands
// ("::debug::Terraform exited with code 0.", "::set-output name=stdout::..."). Sources:
// github.com/hashicorp/setup-terraform, wrapper/terraform.js, and the "[command]" line
// of @actions/exec (github.com/actions/toolkit, packages/exec/src/toolrunner.ts).
const wrapperPrefix = "[command]"

// errWrapper is the error for the wrapper's output. It does not quote the echoed command
// line, which may hold -var values.
func errWrapper(where string) error {
	return fmt.Errorf("%s is the output of hashicorp/setup-terraform's wrapper, not Terraform's JSON: it starts "+
		"with the wrapper's `[command]...terraform-bin show -json ...` line (or ends with its `::debug::` lines); "+
		"set `terraform_wrapper: false` in the setup-terraform step, or run `terraform-bin show -json plan.out > plan.json`", where)
}

// inputName is how messages name an input: the file, or standard input.
func inputName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return "the file"
}

// recogniseInput refuses, before anything reads it as a policy or a plan, an input that
// is neither: an empty one (terraform show -json failed, or its output went elsewhere),
// and the wrapper's output around a plan, which is not JSON. head is the input's start;
// whole says it is all of it.
func recogniseInput(path string, head []byte, whole bool) error {
	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	switch {
	case whole && len(text) == 0:
		return fmt.Errorf("%s is empty: `terraform show -json` failed or wrote nothing (a policy file holds one JSON document)", inputName(path))
	case bytes.HasPrefix(text, []byte(wrapperPrefix)):
		return errWrapper(inputName(path))
	case whole && endsWithWorkflowCommand(text):
		return errWrapper(inputName(path))
	}
	return nil
}

// endsWithWorkflowCommand reports whether text is a JSON value followed by a GitHub
// Actions workflow command ("::debug::...", "::set-output ..."), as the wrapper writes
// after Terraform's output.
func endsWithWorkflowCommand(text []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(text))
	var v json.RawMessage
	if dec.Decode(&v) != nil {
		return false
	}
	rest := bytes.TrimLeft(text[dec.InputOffset():], " \t\r\n")
	return bytes.HasPrefix(rest, []byte("::"))
}

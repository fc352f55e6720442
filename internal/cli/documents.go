// Package cli is the imspolicy command: it finds the policy documents in policy files and
// in Terraform or OpenTofu plans (terraform show -json), checks them with the policy
// package and reports in text, JSON or SARIF. cmd/imspolicy only calls Run.
package cli

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// unchecked says why a document was not checked; the zero value means it was. name is
// the reason's stable name (JSON, SARIF), text its sentence (text output); notRead marks
// a document of a kind this command does not check (policyAttributes), which has no
// purpose.
type unchecked struct {
	name, text string
	notRead    bool
	// outOfScope: the document is a policy of another kind (a tag, bucket, trust or VPC
	// endpoint policy), which grants no identity-based access to IMS: it is listed, but
	// --strict does not fail on it and diff-access does not compare it.
	outOfScope bool
}

var (
	checked      = unchecked{}
	unknownValue = unchecked{name: "unknown_value", text: "the value is known only after apply (computed)"}
)

func (u unchecked) String() string { return u.name }

// Text is the reason as a sentence.
func (u unchecked) Text() string { return u.text }

// document is one policy document found in the input.
type document struct {
	// Source is the PATH as given on the command line ("-" for standard input).
	Source string
	// For a document in a plan: the resource instance address (module.x.type.name[0]),
	// the resource type and the attribute that holds the document. Empty for files.
	Address, ResourceType, Attribute string
	Purpose                          policy.Purpose
	// Language is the document's grammar: from the resource type in a plan, from its
	// Version (or --language) in a file.
	Language  policy.Language
	Unchecked unchecked
	Text      []byte
	Findings  []policy.Finding // after --ignore
	// For a document in a plan, where its resource block is in the configuration
	// (--config), and where each finding is (by index; the zero srcPos where unknown).
	Src        srcPos
	FindingSrc []srcPos
}

// findingsOf checks a document's text in its grammar: the one place check's results
// come from, for the report and for locating findings in the configuration.
func findingsOf(text []byte, lang policy.Language, p policy.Purpose) []policy.Finding {
	if lang == policy.V3 {
		return policy.CheckV3Text(text).Findings()
	}
	_, findings := policy.CheckJSON(text, p)
	return findings
}

// InPlan reports whether the document came from a plan.
func (d *document) InPlan() bool { return d.Address != "" }

// Where names the document: the file, or for a plan the file and the attribute's address.
func (d *document) Where() string {
	source := d.Source
	if source == "-" {
		source = "<stdin>"
	}
	if d.InPlan() {
		return source + ": " + d.Address + "." + d.Attribute
	}
	return source
}

// location is where a finding points, as the outputs print it.
type location struct {
	path      string     // the element, as in Statement[1].Action[0]
	pos       policy.Pos // where it starts in the document's text
	statement int        // the statement's index, or -1 for the whole document
	sid       string     // that statement's Sid, if it has one
}

// findingAt is where a finding points. Every output format reads a finding's location
// through here only.
func findingAt(f policy.Finding) location {
	return location{path: f.Path, pos: f.Pos, statement: f.At.Statement, sid: f.Sid}
}

// findingSrc is where finding j of d is in the configuration, if it was found there.
func (d *document) findingSrc(j int) srcPos {
	if j < len(d.FindingSrc) {
		return d.FindingSrc[j]
	}
	return srcPos{}
}

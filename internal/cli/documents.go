// Package cli is the imspolicy command: it finds the policy documents in policy files and
// in Terraform or OpenTofu plans (terraform show -json), checks them with the policy
// package and reports in text, JSON or SARIF. cmd/imspolicy only calls Run.
package cli

import (
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// Unchecked says why a document was not checked; the zero value means it was.
type Unchecked int

const (
	Checked      Unchecked = iota
	UnknownValue           // the plan knows the value only after apply (computed)
	IAMv3                  // an IAM v3 (Version 1.1) role document, a grammar this command does not check
)

// unchecked holds each reason's stable name (JSON, SARIF) and its sentence (text).
var unchecked = []struct{ name, text string }{
	Checked:      {"", ""},
	UnknownValue: {"unknown_value", "the value is known only after apply (computed)"},
	IAMv3:        {"iam_v3", "an IAM v3 (Version 1.1) document; this command checks IAM v5 identity policies and SCPs"},
}

func (u Unchecked) String() string { return unchecked[u].name }

// Text is the reason as a sentence.
func (u Unchecked) Text() string { return unchecked[u].text }

// Document is one policy document found in the input.
type Document struct {
	// Source is the PATH as given on the command line ("-" for standard input).
	Source string
	// For a document in a plan: the resource instance address (module.x.type.name[0]),
	// the resource type and the attribute that holds the document. Empty for files.
	Address, ResourceType, Attribute string
	Purpose                          policy.Purpose
	Unchecked                        Unchecked
	Text                             []byte
	Findings                         []policy.Finding // after --ignore
}

// InPlan reports whether the document came from a plan.
func (d *Document) InPlan() bool { return d.Address != "" }

// Where names the document: the file, or for a plan the file and the attribute's address.
func (d *Document) Where() string {
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

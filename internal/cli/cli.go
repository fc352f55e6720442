package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit statuses. ExitFindings is exported for the provider's tests, which run the
// command on the plans they make; the others serve this package only.
const (
	exitOK       = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on (or, under --strict, documents not checked)
	exitUsage    = 2 // bad usage or unreadable input
)

// help is the command's --help text; the "Checking policies in CI" guide quotes it, and
// a test keeps the two in step.
const help = `Usage: imspolicy <command> [flags] ARGS...
       imspolicy --version

Checks IMS identity policies and Organizations SCPs offline, against the IMS catalog and
the vendor's grammar and limits, as the imspolicy Terraform provider does.

Commands:

  check [flags] PATH...
      Check each PATH: a policy JSON file, - for standard input, or a Terraform or
      OpenTofu plan in JSON (terraform show -json plan.out). From a plan it checks
      every policy document of every module and every count/for_each instance:
        imspolicy_identity_policy.policy                              identity policy
        imspolicy_service_control_policy.content                      SCP
        huaweicloud_identityv5_policy.policy_document                 identity policy
        huaweicloud_identity_policy.policy_document                   identity policy
        huaweicloud_identitycenter_custom_policy_attachment.custom_policy
                                                                      identity policy
        huaweicloud_organizations_policy.content                      SCP (type
                                                                      service_control_policy)
        huaweicloud_organizations_dry_run_policy.content              SCP (type
                                                                      service_control_policy)
        huaweicloud_identity_role.policy                              IAM v3 policy
        huaweicloud_identitycenter_custom_role_attachment.custom_role IAM v3 policy
      A policy file whose Version is "1.1" or "1.0" is an IAM v3 custom policy or
      role, and is checked as one (codes v3_...). Values known only after apply are
      computed: they are reported as not checked, never as clean; so are the other
      kinds of policy the guide lists (OBS bucket policies, trust policies, tag
      policies).

Flags of check:

  --purpose identity|scp   what policy files are (default identity); plans say it
                           per resource
  --language auto|v5|v3    the grammar of policy files: auto (default) reads
                           "Version" ("1.1"/"1.0": IAM v3, else v5); plans say it
                           per resource
  --format FORMAT          text (default), json, sarif (GitHub code scanning) or
                           gitlab (a GitLab Code Quality report)
  --fail-on error|warning  the least severity that fails the run (default error)
  --ignore CODE,...        leave out findings with these warning codes (error codes
                           cannot be ignored)
  --strict                 documents that could not be checked fail the run too
  --baseline FILE          FILE is the --format json report of an earlier run: its
                           findings are marked "in baseline" and do not fail the run
                           (matched by fingerprint, not by line)
  --write-baseline FILE    also write this run's --format json report to FILE
  --base DIR               SARIF and GitLab paths are relative to DIR (default: the
                           repository root, the nearest directory up from here with
                           .git; else the working directory)
  --config DIR             the plan's root module (where terraform plan ran): plan
                           results point at the line of the .tf file (or of the JSON
                           file file() reads) that writes them (default: the working
                           directory, when it declares the plan's resources)

Exit status of check: 0 nothing at or above --fail-on that is not in the baseline; 1
findings at or above --fail-on (or, under --strict, documents not checked) that are
not; 2 bad usage or unreadable input (a file over 64 KiB that is not a plan, a plan
that is not UTF-8, a baseline that is not a JSON report of check; with --format sarif,
a SARIF log of the failed run is still written).

  diff-access [flags] OLD NEW
      The access NEW grants that OLD does not, and the access it removes, as witness
      requests (an action, a resource and the context keys) from the access analyser.
      An SCP is compared by what it permits.

  diff-access [flags] --plan PLAN [--state STATE]... [--org-path PATH]
      Who can do what they could not before the plan, per principal: the estate (the
      identity policies and their attachments to users, groups and agencies, group
      membership, the organisation tree, SCPs and their attachments) before the plan
      against the estate after it. A document grants nothing until it is attached, and an
      SCP restricts only the root, OU or account it is attached to: a changed document
      attached to nothing is reported as such. When the SCPs over a principal's account
      are not in the inputs, its identity side is answered alone ("before SCPs"); when an
      SCP change affects an OU or account, the answer names it too ("every principal
      in OU ...": the inputs rarely hold all of them). The analyser proves its answers over
      every request; when it cannot (a value known only after apply that the plan's
      configuration does not resolve, a document with errors, a trust policy, a question
      beyond --budget), the answer is unknown.

Flags of diff-access:

  --purpose identity|scp   what OLD and NEW are (default identity)
  --format FORMAT          text (default), json, sarif or gitlab (new access and
                           unknown answers as Code Quality issues)
  --plan PLAN              a plan (terraform show -json plan.out; - for standard input)
  --state STATE            with --plan, repeatable: a state (terraform show -json) that
                           holds what the plan does not (the organisation, another
                           account's IAM); what the plan says of a part wins
  --org-path PATH          with --plan: where the plan's principals' account is,
                           [o-<org-id>/]r-<root-id>/ou-<ou-id>/.../<account-id> (the
                           form of g:PrincipalOrgPath), when no input says it
  --budget N               the work each comparison may take, in representative
                           requests (default 200000, about a second of CPU at
                           worst; at most 20000000); beyond it the answer is unknown
  --base DIR               SARIF and GitLab paths are relative to DIR (as for check)
  --config DIR             not used: --plan's per-principal results point at the
                           plan file (a note says so)

Exit status of diff-access: 0 nothing new is granted; 1 something is (to some
principal); 2 bad usage, unreadable input or a file with errors; 3 the answer is
unknown.

  access [flags] PLAN|STATE...
      The effective permissions of every principal of an estate (of a plan: after it),
      from plans (terraform show -json plan.out) and states (terraform show -json): per
      user, group (standing for any member) and agency, each IMS action it may send
      (full or partial), and the statements that allow it.

Flags of access:

  --format text|json       text (default: a table per principal) or json
  --org-path PATH          as for diff-access
  --must-not-allow RULE    repeatable: no principal may send these requests, written
                           'ACTION[,ACTION...] [on RESOURCE[,...]] [except URN[,...]]',
                           URNs being g:PrincipalUrn patterns with * and ?, e.g.
                           'ims:images:share on * except iam::*:group:image-admins'
  --budget N               as for diff-access

Exit status of access: 0 every rule holds; 1 a rule is violated; 2 bad usage or
unreadable input; 3 an answer is unknown.

` + migrateHelp + `
Every finding code, with an example and the fix:
https://registry.terraform.io/providers/imspolicy/imspolicy/latest/docs/guides/validation-rules
`

// Version is the command's version: GoReleaser sets it through cmd/imspolicy (ldflags
// -X main.version={{ .Version }}); "dev" in a build without it. `imspolicy --version`
// prints it, and SARIF logs give it as the tool's version.
var Version = "dev"

// Run runs the command with its arguments (without the program name) and returns the
// exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, help)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, help)
		return exitOK
	case "-version", "--version", "version":
		fmt.Fprintf(stdout, "imspolicy %s\n", Version)
		return exitOK
	case "check":
		return runCheck(args[1:], stdin, stdout, stderr)
	case "diff-access":
		return runDiffAccess(args[1:], stdin, stdout, stderr)
	case "access":
		return runAccess(args[1:], stdin, stdout, stderr)
	case "migrate":
		return runMigrate(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "imspolicy: unknown command %q: the commands are check, diff-access, access and migrate (imspolicy --help)\n", args[0])
	return exitUsage
}

// parseInterspersed parses flags wherever they are among the arguments, as Go's flag
// package does not: `check plan.json --format sarif` works. After "--" every argument is
// a PATH.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if consumed := len(args) - len(left); consumed > 0 && args[consumed-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// choice is a flag that takes one of a few words.
type choice struct {
	value string
	words []string
}

func (c *choice) String() string { return c.value }

func (c *choice) Set(s string) error {
	for _, w := range c.words {
		if s == w {
			c.value = s
			return nil
		}
	}
	return fmt.Errorf("write one of %s", strings.Join(c.words, ", "))
}

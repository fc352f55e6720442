package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/estate"
)

// runAccess is `imspolicy access`: the effective permissions of every principal of an
// estate, and --must-not-allow checks across them.
func runAccess(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("access", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := &choice{value: "text", words: []string{"text", "json"}}
	fs.Var(format, "format", "")
	budget := fs.Int("budget", analysis.DefaultBudget.Requests, "")
	orgPathFlag := fs.String("org-path", "", "")
	var rulesFlag stringList
	fs.Var(&rulesFlag, "must-not-allow", "")
	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return exitOK
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imspolicy access: "+format+"\n(imspolicy --help shows the flags)\n", a...)
		return exitUsage
	}
	if err != nil {
		return usage("%v", err)
	}
	if problem := budgetProblem(*budget); problem != "" {
		return usage("%s", problem)
	}
	if len(paths) == 0 {
		return usage("give one or more plans or states (terraform show -json plan.out, terraform show -json)")
	}
	var rules []mustNotAllowRule
	for _, s := range rulesFlag {
		r, err := parseMustNotAllow(s)
		if err != nil {
			return usage("%v", err)
		}
		rules = append(rules, r)
	}
	in := &estateInputs{}
	stdinUsed := false
	for _, p := range paths {
		if p == "-" {
			if stdinUsed {
				return usage("- (standard input) can be given once only: write the others to files")
			}
			stdinUsed = true
		}
		x, err := readEstateInput(p, stdin, nil)
		if err != nil {
			return usage("%s: %v", p, err)
		}
		if x.isPlan {
			in.plans = append(in.plans, x)
		} else {
			in.states = append(in.states, x)
		}
	}
	if *orgPathFlag != "" {
		if in.orgPath, err = parseOrgPath(*orgPathFlag); err != nil {
			return usage("%v", err)
		}
	}
	_, candFacts, _ := in.sides()
	e := candFacts.estate(in.account())
	b := analysis.Budget{Requests: *budget, HowToRaise: fmt.Sprintf("raise it with --budget (up to %d)", analysis.MaxBudget)}
	perms, err := estate.EffectivePermissions(e, b)
	if err != nil {
		return usage("%v", err)
	}
	r := newAccessReport(paths, *orgPathFlag, e, perms)
	if len(rules) > 0 {
		forbidden := make([]estate.Forbidden, len(rules))
		for i, rule := range rules {
			forbidden[i] = rule.forbidden
			forbidden[i].Name = rule.text
		}
		res, err := estate.MustNotAllow(e, forbidden, b)
		if err != nil {
			return usage("%v", err)
		}
		r.addChecks(e, rules, res)
	}
	var out bytes.Buffer
	if format.value == "json" {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	} else {
		r.writeText(&out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imspolicy access: writing the %s report: %v\n", format.value, err)
		return exitUsage
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "imspolicy access: %v\n", err)
		return exitUsage
	}
	return r.exit
}

// mustNotAllowRule is a --must-not-allow rule as written, and as the engine takes it.
type mustNotAllowRule struct {
	text      string
	forbidden estate.Forbidden
}

// parseMustNotAllow reads 'ACTION[,ACTION...] [on RESOURCE[,RESOURCE...]] [except
// PRINCIPAL[,PRINCIPAL...]]': actions and resources as a policy writes them (with * and
// ?), principals as g:PrincipalUrn values (iam::<account-id>:user:<name>,
// ...:group:<name>, ...:agency:<name>) with * and ?. Resources default to *.
func parseMustNotAllow(s string) (mustNotAllowRule, error) {
	bad := func(why string) (mustNotAllowRule, error) {
		return mustNotAllowRule{}, fmt.Errorf("--must-not-allow %q: %s; write 'ACTION[,ACTION...] [on RESOURCE[,...]] [except PRINCIPAL-URN[,...]]', "+
			"e.g. 'ims:images:share on * except iam::*:group:image-admins'", s, why)
	}
	fields := strings.Fields(s)
	var actions, resources, except []string
	target := &actions
	seen := map[string]bool{}
	for _, f := range fields {
		switch f {
		case "on", "except":
			if seen[f] || f == "on" && seen["except"] {
				return bad(fmt.Sprintf("%q in the wrong place", f))
			}
			seen[f] = true
			target = &resources
			if f == "except" {
				target = &except
			}
			continue
		}
		for _, part := range strings.Split(f, ",") {
			if part != "" {
				*target = append(*target, part)
			}
		}
	}
	switch {
	case len(actions) == 0:
		return bad("no action")
	case seen["on"] && len(resources) == 0:
		return bad("no resource after on")
	case seen["except"] && len(except) == 0:
		return bad("no principal after except")
	}
	for _, a := range actions {
		if strings.Count(a, ":") < 1 {
			return bad(fmt.Sprintf("%q is not an action (service:resource:verb, e.g. ims:images:share)", a))
		}
	}
	for _, p := range except {
		if !strings.HasPrefix(p, "iam::") && !strings.HasPrefix(p, "sts::") && p != "*" {
			return bad(fmt.Sprintf("%q is not a g:PrincipalUrn pattern (iam::<account-id>:group:<name>, with * and ?)", p))
		}
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	return mustNotAllowRule{text: s, forbidden: estate.Forbidden{Actions: actions, Resources: resources, ExceptPrincipals: except}}, nil
}

// accessReport is the report of `imspolicy access`.
type accessReport struct {
	FormatVersion string              `json:"format_version"`
	Inputs        []string            `json:"inputs"`
	OrgPath       string              `json:"org_path,omitempty"`
	Subjects      []jsonPermissions   `json:"subjects"`
	MustNotAllow  []jsonMustNotAllow  `json:"must_not_allow"`
	Unknowns      []string            `json:"unknowns"`
	Summary       accessReportSummary `json:"summary"`

	exit int
}

type accessReportSummary struct {
	Subjects int `json:"subjects"`
	// DistinctConfigurations: subjects with equal effective configurations share one
	// analysis.
	DistinctConfigurations int `json:"distinct_configurations"`
	Unknown                int `json:"unknown"`
	BeforeSCPs             int `json:"before_scps"`
	Violations             int `json:"violations"`
}

type jsonPermissions struct {
	Subject              jsonSubject      `json:"subject"`
	BeforeSCPs           bool             `json:"before_scps"`
	Status               string           `json:"status"`
	Reason               string           `json:"reason,omitempty"`
	Actions              []jsonPermission `json:"actions"`
	OtherServicesAllowed bool             `json:"other_services_allowed"`
}

type jsonPermission struct {
	Action      string        `json:"action"`
	AccessLevel string        `json:"access_level"`
	Grant       string        `json:"grant"`
	AllowedBy   []jsonStmtRef `json:"allowed_by"`
	Witness     *jsonWitness  `json:"witness,omitempty"`
}

type jsonStmtRef struct {
	Policy     string `json:"policy"`
	PolicyName string `json:"policy_name,omitempty"`
	Statement  int    `json:"statement"`
	Sid        string `json:"sid,omitempty"`
}

type jsonMustNotAllow struct {
	Rule       string              `json:"rule"`
	Status     string              `json:"status"`
	Reason     string              `json:"reason,omitempty"`
	Passed     bool                `json:"passed"`
	Violations []jsonSubjectAccess `json:"violations"`
}

type jsonSubjectAccess struct {
	Subject    jsonSubject   `json:"subject"`
	BeforeSCPs bool          `json:"before_scps"`
	Witnesses  []jsonWitness `json:"witnesses"`
}

func newAccessReport(inputs []string, orgPath string, e *estate.Estate, p estate.Permissions) *accessReport {
	r := &accessReport{FormatVersion: principalFormatVersion, Inputs: inputs, OrgPath: orgPath,
		Subjects: []jsonPermissions{}, MustNotAllow: []jsonMustNotAllow{}, Unknowns: append([]string{}, e.Unknowns...)}
	r.Summary.DistinctConfigurations = p.Distinct
	for _, s := range p.Subjects {
		jp := jsonPermissions{Subject: subjectJSON(e, s.Subject), BeforeSCPs: s.BeforeSCPs, Status: s.Status.String(), Reason: s.Reason,
			Actions: []jsonPermission{}, OtherServicesAllowed: s.OtherServicesAllowed}
		for _, a := range s.Actions {
			ja := jsonPermission{Action: a.Action, AccessLevel: string(a.AccessLevel), Grant: a.Grant.String(), AllowedBy: []jsonStmtRef{}}
			for _, ref := range a.AllowedBy {
				ja.AllowedBy = append(ja.AllowedBy, jsonStmtRef{Policy: ref.Policy, PolicyName: e.IdentityPolicies[ref.Policy].Name, Statement: ref.Statement, Sid: ref.Sid})
			}
			if a.Witness != nil {
				w := witnesses([]analysis.Witness{*a.Witness})[0]
				ja.Witness = &w
			}
			jp.Actions = append(jp.Actions, ja)
		}
		r.Summary.Subjects++
		if s.Status == analysis.Unknown {
			r.Summary.Unknown++
		}
		if s.BeforeSCPs {
			r.Summary.BeforeSCPs++
		}
		r.Subjects = append(r.Subjects, jp)
	}
	if r.Summary.Unknown > 0 || len(r.Unknowns) > 0 {
		r.exit = exitUnknown
	}
	return r
}

// writeText writes, per subject, the IMS actions it may send, as a table.
func (r *accessReport) writeText(w io.Writer) {
	for _, s := range r.Subjects {
		status := ""
		if s.Status == analysis.Unknown.String() {
			status = ": unknown: " + s.Reason
		}
		fmt.Fprintf(w, "%s%s%s\n", s.Subject.Display, beforeSCPsNote(s.BeforeSCPs), status)
		tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
		none := 0
		for _, a := range s.Actions {
			if a.Grant == analysis.GrantNone.String() {
				none++
				continue
			}
			var by []string
			for _, ref := range a.AllowedBy {
				name := ref.PolicyName
				if name == "" {
					name = ref.Policy
				}
				by = append(by, fmt.Sprintf("%s#%d", name, ref.Statement))
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Action, a.AccessLevel, a.Grant, strings.Join(by, " "))
		}
		_ = tw.Flush()
		other := "no other service's action"
		if s.OtherServicesAllowed {
			other = "some other service's actions"
		}
		fmt.Fprintf(w, "  (%s not allowed; %s)\n", plural(none, "IMS action"), other)
	}
	for _, u := range r.Unknowns {
		fmt.Fprintf(w, "unknown: %s\n", u)
	}
	for _, m := range r.MustNotAllow {
		switch {
		case !m.Passed:
			fmt.Fprintf(w, "must not allow %s: violated:\n", m.Rule)
		case m.Status == analysis.Unknown.String():
			fmt.Fprintf(w, "must not allow %s: unknown: %s\n", m.Rule, m.Reason)
		default:
			fmt.Fprintf(w, "must not allow %s: holds\n", m.Rule)
		}
		for _, v := range m.Violations {
			fmt.Fprintf(w, "  %s%s:\n", v.Subject.Display, beforeSCPsNote(v.BeforeSCPs))
			for _, x := range v.Witnesses {
				fmt.Fprintf(w, "    + %s\n", witnessText(x))
			}
		}
	}
	s := r.Summary
	fmt.Fprintf(w, "%s (%d distinct configurations), %d unknown, %d before SCPs", plural(s.Subjects, "principal"), s.DistinctConfigurations, s.Unknown, s.BeforeSCPs)
	if len(r.MustNotAllow) > 0 {
		fmt.Fprintf(w, "; %s, %d violated", plural(len(r.MustNotAllow), "must-not-allow rule"), s.Violations)
	}
	fmt.Fprintln(w)
}

// addChecks adds the answers of the --must-not-allow rules.
func (r *accessReport) addChecks(e *estate.Estate, rules []mustNotAllowRule, res estate.MustNotAllowResult) {
	for i, rr := range res.Rules {
		jm := jsonMustNotAllow{Rule: rules[i].text, Status: rr.Status.String(), Reason: rr.Reason, Passed: rr.Passed, Violations: []jsonSubjectAccess{}}
		for _, v := range rr.Violations {
			if len(v.Witnesses) == 0 {
				continue // an unknown answer: the rule's reason says it
			}
			jm.Violations = append(jm.Violations, jsonSubjectAccess{Subject: subjectJSON(e, v.Subject), BeforeSCPs: v.BeforeSCPs, Witnesses: witnesses(v.Witnesses)})
		}
		switch {
		case len(jm.Violations) > 0:
			r.Summary.Violations++
			r.exit = ExitFindings
		case rr.Status == analysis.Unknown && r.exit != ExitFindings:
			r.exit = exitUnknown
		}
		r.MustNotAllow = append(r.MustNotAllow, jm)
	}
}

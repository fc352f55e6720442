package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/migrate"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// migrateHelp is the migrate command's part of --help.
const migrateHelp = `  migrate [flags] FILE...
      Turn each FILE, an IAM v3 custom policy ("Version": "1.1"; - for standard
      input), into the IAM v5 identity policy that allows the same IMS API calls,
      and prove it: both are compared over every API call, resource and context,
      and the answer is equivalent, the differences (each a request, with both
      decisions), or unknown with the reason. APIs only one of the two tables
      lists are listed apart: no document can decide them alike.

Flags of migrate:

  --format text|json       text (default) or json
  --budget N               the work each proof may take, as for diff-access

Exit status of migrate: 0 every FILE migrates to an equivalent v5 policy; 1 some
migration has differences; 2 bad usage or unreadable input; 3 some proof is unknown
(a FILE with errors, or no v5 document could be written) and none has differences.
`

// migrateJSON is the migrate command's JSON report.
type migrateJSON struct {
	FormatVersion string          `json:"format_version"`
	Migrations    []migrateResult `json:"migrations"`
}

type migrateResult struct {
	File string `json:"file"`
	migrate.Report
}

func runMigrate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := &choice{value: "text", words: []string{"text", "json"}}
	fs.Var(format, "format", "")
	budget := fs.Int("budget", analysis.DefaultBudget.Requests, "")
	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return exitOK
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imspolicy migrate: "+format+"\n(imspolicy --help shows the flags)\n", a...)
		return exitUsage
	}
	if err != nil {
		return usage("%v", err)
	}
	if len(paths) == 0 {
		return usage("give one or more IAM v3 policy files (- for standard input)")
	}
	if problem := budgetProblem(*budget); problem != "" {
		return usage("%s", problem)
	}
	b := analysis.Budget{Requests: *budget, HowToRaise: fmt.Sprintf("raise it with --budget (up to %d)", analysis.MaxBudget)}
	out := migrateJSON{FormatVersion: jsonFormatVersion, Migrations: []migrateResult{}}
	for _, path := range paths {
		d, err := readV3(path, stdin)
		if err != nil {
			return usage("%s: %v", path, err)
		}
		out.Migrations = append(out.Migrations, migrateResult{File: path, Report: migrate.Migrate(d, b).Report()})
	}
	exit := exitOK
	for _, m := range out.Migrations {
		switch m.Verdict {
		case string(apicall.Different):
			exit = ExitFindings
		case string(apicall.Unknown):
			if exit == exitOK {
				exit = exitUnknown
			}
		}
	}
	var buf bytes.Buffer
	if format.value == "json" {
		b, _ := json.MarshalIndent(out, "", "  ") // strings, slices and maps only: cannot fail
		buf.Write(append(b, '\n'))
	} else {
		for _, m := range out.Migrations {
			buf.WriteString(m.Text(m.File))
		}
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "imspolicy migrate: %v\n", err)
		return exitUsage
	}
	return exit
}

// readV3 reads and checks an IAM v3 document from PATH (- for standard input).
func readV3(path string, stdin io.Reader) (*policy.V3Checked, error) {
	src, err := openSource(path, stdin)
	if err != nil {
		return nil, err
	}
	defer src.close()
	if !src.whole {
		return nil, src.tooLarge()
	}
	if policy.LanguageOf(src.head) != policy.V3 {
		return nil, errors.New(`not an IAM v3 document: its "Version" must be "1.1" (custom policies) or "1.0" (roles); v5 documents ("5.0") need no migration`)
	}
	c := policy.CheckV3Text(src.head)
	if c.Document() == nil {
		return nil, errors.New(c.Findings()[0].String()) // CheckV3Text says why in its one finding
	}
	return c, nil
}

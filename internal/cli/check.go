package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// checkOptions are check's flags.
type checkOptions struct {
	purpose policy.Purpose
	// language is --language for policy files; nil reads each file's Version.
	language *policy.Language
	format   string
	failOn   policy.Severity
	ignore   policy.Ignore
	strict   bool
	base     string // the absolute directory SARIF and GitLab paths are relative to (--base)
	config   string // --config DIR: the plan's root module; "" to look in the working directory

	baselineFile  string          // --baseline FILE
	baseline      map[string]bool // its fingerprints
	writeBaseline string          // --write-baseline FILE
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, paths, err := parseCheckFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return exitOK
	}
	sarifOut := opts.format == "sarif" || err != nil && sarifFormatRequested(args)
	fail := func(format string, a ...any) int {
		return usageFailure(stdout, stderr, sarifOut, checkSARIFRules(opts.strict), fmt.Sprintf("imspolicy check: "+format+"\n", a...))
	}
	if err != nil {
		return fail("%v\n(imspolicy --help shows the flags)", err)
	}
	if opts.baselineFile != "" {
		if opts.baseline, err = readBaseline(opts.baselineFile); err != nil {
			return fail("%v", err)
		}
	}
	var docs []document
	var notes []string
	for _, p := range paths {
		found, err := readInput(p, opts.purpose, stdin)
		if err != nil {
			return fail("%s: %v", p, err)
		}
		if found.plan && len(found.docs) == 0 {
			notes = append(notes, fmt.Sprintf("%s: the plan has no policy documents this command reads", p))
		}
		docs = append(docs, found.docs...)
	}
	for i := range docs {
		d := &docs[i]
		if d.Unchecked != checked {
			continue
		}
		if !d.InPlan() {
			d.Language = policy.LanguageOf(d.Text)
			if opts.language != nil {
				d.Language = *opts.language
			}
		}
		d.Findings = opts.ignore.Apply(findingsOf(d.Text, d.Language, d.Purpose))
	}
	located, err := locateInConfig(docs, opts.config)
	if err != nil {
		return fail("%v", err)
	}
	if located != "" {
		notes = append(notes, located)
	}
	r := newReport(docs, opts)
	r.sourceNote = located
	for _, n := range notes {
		fmt.Fprintln(stderr, "imspolicy check: note: "+n)
	}
	var out bytes.Buffer
	switch opts.format {
	case "json":
		err = r.writeJSON(&out)
	case "sarif":
		err = r.writeSARIF(&out)
	case "gitlab":
		err = r.writeGitLab(&out)
	default:
		r.writeText(&out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imspolicy check: writing the %s report: %v\n", opts.format, err)
		return exitUsage
	}
	if opts.writeBaseline != "" {
		if err := r.writeBaseline(opts.writeBaseline); err != nil {
			return fail("%v", err)
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "imspolicy check: %v\n", err)
		return exitUsage
	}
	if r.Summary.Failed {
		return ExitFindings
	}
	return exitOK
}

func parseCheckFlags(args []string) (checkOptions, []string, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	purpose := &choice{value: "identity", words: []string{"identity", "scp"}}
	format := &choice{value: "text", words: []string{"text", "json", "sarif", "gitlab"}}
	failOn := &choice{value: "error", words: []string{"error", "warning"}}
	language := &choice{value: "auto", words: []string{"auto", "v5", "v3"}}
	fs.Var(purpose, "purpose", "")
	fs.Var(language, "language", "")
	fs.Var(format, "format", "")
	fs.Var(failOn, "fail-on", "")
	ignore := fs.String("ignore", "", "")
	strict := fs.Bool("strict", false, "")
	base := fs.String("base", "", "")
	config := fs.String("config", "", "")
	baseline := fs.String("baseline", "", "")
	writeBaseline := fs.String("write-baseline", "", "")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return checkOptions{}, nil, err
	}
	opts := checkOptions{format: format.value, strict: *strict, failOn: policy.Error, baselineFile: *baseline, writeBaseline: *writeBaseline, config: *config}
	if opts.base, err = resolveBase(*base); err != nil {
		return opts, nil, err
	}
	opts.purpose, _ = policy.ParsePurpose(purpose.value)
	if language.value != "auto" {
		l, _ := policy.ParseLanguage(language.value)
		opts.language = &l
	}
	if failOn.value == "warning" {
		opts.failOn = policy.Warning
	}
	if opts.ignore, err = policy.ParseIgnore(strings.Split(*ignore, ",")); err != nil {
		return checkOptions{}, nil, fmt.Errorf("--ignore: %w", err)
	}
	if len(paths) == 0 {
		return checkOptions{}, nil, errors.New("no PATH: name policy files, - for standard input, or plans (terraform show -json)")
	}
	return opts, paths, nil
}

// input is what one PATH held.
type input struct {
	plan bool
	docs []document
}

// readInput reads a PATH: a plan yields its documents, anything else is one policy
// document of the given purpose (text that is not JSON is the checker's malformed_json).
// It reads a document whole only up to policy.MaxDocumentBytes: a larger input is read
// on only if it is a plan, as a stream.
func readInput(path string, purpose policy.Purpose, stdin io.Reader) (input, error) {
	src, err := openSource(path, stdin)
	if err != nil {
		return input{}, err
	}
	defer src.close()
	if src.whole {
		plan, err := isPlan(src.head)
		if err != nil {
			return input{}, err
		}
		if !plan {
			return input{docs: []document{{Source: path, Purpose: purpose, Text: src.head}}}, nil
		}
	} else if !startsLikePlan(src.head) {
		return input{}, src.tooLarge()
	}
	docs, err := planDocuments(path, src.reader())
	if err != nil {
		return input{}, err
	}
	return input{plan: true, docs: docs}, nil
}

// source is an input opened for reading, its start read.
type source struct {
	head  []byte    // the first policy.MaxDocumentBytes+1 bytes, or all of it
	whole bool      // head is all of it
	rest  io.Reader // what follows head
	size  int64     // the file's size, or -1 when it is not known (a pipe)
	close func()
}

// openSource opens PATH (- for stdin) and reads its start.
func openSource(path string, stdin io.Reader) (*source, error) {
	s := &source{rest: stdin, size: -1, close: func() {}}
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read it: %w", unwrapPathError(err))
		}
		s.rest, s.close = f, func() { _ = f.Close() }
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			s.size = fi.Size()
		}
	}
	head, err := io.ReadAll(io.LimitReader(s.rest, policy.MaxDocumentBytes+1))
	if err != nil {
		s.close()
		return nil, fmt.Errorf("cannot read it: %w", unwrapPathError(err))
	}
	s.head, s.whole = head, len(head) <= policy.MaxDocumentBytes
	if err := recogniseInput(path, s.head, s.whole); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// reader reads the whole input, from its start.
func (s *source) reader() io.Reader { return io.MultiReader(bytes.NewReader(s.head), s.rest) }

// tooLarge is the error for an input over policy.MaxDocumentBytes that is not a plan.
func (s *source) tooLarge() error {
	n, atLeast := s.size, false
	if n < 0 {
		n, atLeast = policy.MaxDocumentBytes, true
	}
	return errors.New(policy.TooLargeMessage(n, atLeast) + " (a plan, from terraform show -json, may be larger)")
}

// unwrapPathError drops the path from an *os.PathError: the message names it already.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

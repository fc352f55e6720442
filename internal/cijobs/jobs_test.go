package cijobs

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

const (
	githubFile = "examples/ci/github-workflow.yml"
	gitlabFile = "examples/ci/gitlab-ci.yml"
	guideTmpl  = "templates/guides/checking-policies-in-ci.md.tmpl"
	guideDoc   = "docs/guides/checking-policies-in-ci.md"
	// The example planned: offline, with its resources on (apply_to_cloud), so that the
	// plan holds an identity policy and an SCP, created.
	example = "examples/demo"
)

// root is the repository root: tests run in internal/cijobs.
func root(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root(t), file))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalWithOptions(src, v, yaml.Strict()); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

type ghWorkflow struct {
	Name        string            `yaml:"name"`
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]ghJob  `yaml:"jobs"`
}

type ghJob struct {
	RunsOn string            `yaml:"runs-on"`
	Env    map[string]string `yaml:"env"`
	Steps  []ghStep          `yaml:"steps"`
}

type ghStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	With map[string]any    `yaml:"with"`
	Env  map[string]string `yaml:"env"`
	Run  string            `yaml:"run"`
}

type glJob struct {
	Stage string `yaml:"stage"`
	Image struct {
		Name       string   `yaml:"name"`
		Entrypoint []string `yaml:"entrypoint"`
	} `yaml:"image"`
	Variables map[string]string `yaml:"variables"`
	Script    []string          `yaml:"script"`
	Artifacts struct {
		When    string            `yaml:"when"`
		Reports map[string]string `yaml:"reports"`
	} `yaml:"artifacts"`
}

func githubJob(t *testing.T) (ghWorkflow, ghJob) {
	t.Helper()
	var w ghWorkflow
	readYAML(t, githubFile, &w)
	if len(w.Jobs) != 1 {
		t.Fatalf("%s: %d jobs, want 1", githubFile, len(w.Jobs))
	}
	for _, j := range w.Jobs {
		return w, j
	}
	panic("unreachable")
}

func gitlabJob(t *testing.T) (string, glJob) {
	t.Helper()
	var jobs map[string]glJob
	readYAML(t, gitlabFile, &jobs)
	if len(jobs) != 1 {
		t.Fatalf("%s: %d jobs, want 1", gitlabFile, len(jobs))
	}
	for name, j := range jobs {
		return name, j
	}
	panic("unreachable")
}

// isInstall says whether a step installs imspolicy from its release: the test replaces
// it with the locally built bin/imspolicy.
func isInstall(run string) bool { return strings.Contains(run, "/releases/download/") }

// The workflow has what a run on GitHub needs (actionlint, in make test, checks the
// rest of its syntax): the permission to upload, Terraform without the wrapper, and two
// uploads of the current major version, each with its own category and if: always().
func TestGitHubWorkflowKeys(t *testing.T) {
	w, j := githubJob(t)
	if w.Permissions["security-events"] != "write" || w.Permissions["contents"] != "read" {
		t.Errorf("permissions %v: want security-events: write (upload-sarif) and contents: read (checkout)", w.Permissions)
	}
	var checkout, wrapperOff, install bool
	categories := map[string]string{}
	for _, s := range j.Steps {
		switch {
		case strings.HasPrefix(s.Uses, "actions/checkout@"):
			checkout = true
		case strings.HasPrefix(s.Uses, "hashicorp/setup-terraform@"):
			wrapperOff = s.With["terraform_wrapper"] == false
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif"):
			if s.Uses != "github/codeql-action/upload-sarif@v4" {
				t.Errorf("%s: want github/codeql-action/upload-sarif@v4, the current major version", s.Uses)
			}
			if !strings.Contains(s.If, "always()") {
				t.Errorf("the upload of %v runs only when the steps before pass (if: %q)", s.With["sarif_file"], s.If)
			}
			cat, _ := s.With["category"].(string)
			file, _ := s.With["sarif_file"].(string)
			if cat == "" || categories[cat] != "" {
				t.Errorf("the upload of %s has category %q, not one of its own: one upload would replace the other", file, cat)
			}
			categories[cat] = file
		case isInstall(s.Run):
			install = strings.Contains(s.Run, "sha256sum -c -") && strings.Contains(s.Run, `>> "$GITHUB_PATH"`)
		}
	}
	if !checkout || !wrapperOff || !install {
		t.Errorf("checkout %v, setup-terraform with terraform_wrapper: false %v, install checked by sha256sum onto GITHUB_PATH %v: want all", checkout, wrapperOff, install)
	}
	if len(categories) != 2 {
		t.Errorf("uploads %v: want check's and diff-access's", categories)
	}
}

// The GitLab job has the keys GitLab needs and publishes what check writes as its
// codequality report, even when the job fails, from Terraform's own image (no wrapper)
// with imspolicy installed from its release archive after checking its checksum.
func TestGitLabJobKeys(t *testing.T) {
	name, j := gitlabJob(t)
	script := strings.Join(j.Script, "\n") + "\n"
	report := j.Artifacts.Reports["codequality"]
	if report == "" || !strings.Contains(script, "imspolicy check --format gitlab plan.json > "+report+"\n") {
		t.Errorf("job %s does not publish check's GitLab report as codequality (%q)", name, report)
	}
	if j.Artifacts.When != "always" {
		t.Errorf("job %s publishes the report only when it passes (artifacts: when: %q)", name, j.Artifacts.When)
	}
	if j.Stage == "" || len(j.Script) == 0 {
		t.Errorf("job %s has no stage or no script", name)
	}
	if !strings.HasPrefix(j.Image.Name, "hashicorp/terraform:") || len(j.Image.Entrypoint) != 1 || j.Image.Entrypoint[0] != "" {
		t.Errorf("job %s does not run in Terraform's image with its entrypoint cleared", name)
	}
	for _, step := range []string{"sha256sum -c -", "unzip -o", "terraform show -json plan.out > plan.json"} {
		if !strings.Contains(script, step) {
			t.Errorf("job %s has no step %q", name, step)
		}
	}
}

// Both jobs install the same release the same way: the same variable, archive, checksum
// file and check.
func TestJobsInstallAlike(t *testing.T) {
	_, gh := githubJob(t)
	_, gl := gitlabJob(t)
	var ghInstall string
	for _, s := range gh.Steps {
		if isInstall(s.Run) {
			ghInstall = s.Run
		}
	}
	if gh.Env["IMSPOLICY_VERSION"] == "" || gh.Env["IMSPOLICY_VERSION"] != gl.Variables["IMSPOLICY_VERSION"] {
		t.Errorf("IMSPOLICY_VERSION: GitHub %q, GitLab %q", gh.Env["IMSPOLICY_VERSION"], gl.Variables["IMSPOLICY_VERSION"])
	}
	for _, line := range gl.Script {
		for _, v := range []string{"base=", "zip=", "sums=", "grep "} {
			if strings.HasPrefix(line, v) && !strings.Contains(ghInstall, line+"\n") {
				t.Errorf("the GitHub install step lacks the GitLab job's line %q", line)
			}
		}
	}
}

// The guide includes both files, and docs/ is rendered from them.
func TestGuideIncludesJobs(t *testing.T) {
	tmpl, err := os.ReadFile(filepath.Join(root(t), guideTmpl))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root(t), guideDoc))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{githubFile, gitlabFile} {
		if !bytes.Contains(tmpl, []byte(`{{ codefile "yaml" "`+file+`" }}`)) {
			t.Errorf("%s does not include %s with codefile", guideTmpl, file)
		}
		src, err := os.ReadFile(filepath.Join(root(t), file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(doc, append([]byte("```yaml\n"), src...)) {
			t.Errorf("%s does not show %s as it is: run make docs", guideDoc, file)
		}
	}
	if bytes.Contains(tmpl, []byte("```yaml")) {
		t.Errorf("%s has YAML of its own: jobs belong in examples/ci, where they are tested", guideTmpl)
	}
}

// binaries returns bin/, with what the runs need: Terraform, the provider and its
// dev_overrides, and imspolicy. Missing, the test is skipped, except in CI.
func binaries(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(root(t), "bin")
	var missing []string
	for _, f := range []string{"terraform", "terraform-provider-imspolicy", "dev.tfrc", "imspolicy"} {
		if _, err := os.Stat(filepath.Join(bin, f)); err != nil {
			missing = append(missing, "bin/"+f)
		}
	}
	if len(missing) > 0 {
		msg := strings.Join(missing, ", ") + " missing: run make install-terraform build dev-tfrc"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (CI cannot skip the jobs' steps)", msg)
		}
		t.Skip(msg)
	}
	return bin
}

// workspace copies the example's configuration into a new directory, the checkout, and
// returns it with the environment the steps run in: bin/terraform and bin/imspolicy first
// on PATH (in place of setup-terraform and of the install step), bin/dev.tfrc's
// dev_overrides, the example's resources turned on, and credentials that are no one's
// with endpoints where nothing listens and a proxy that refuses: the plan is offline.
func workspace(t *testing.T, bin string) (string, []string) {
	t.Helper()
	dir, tools := t.TempDir(), t.TempDir()
	src := filepath.Join(root(t), example)
	tfs, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(tfs) == 0 {
		t.Fatalf("%s: no configuration (%v)", example, err)
	}
	for _, f := range tfs {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range []string{"terraform", "imspolicy"} {
		if err := os.Symlink(filepath.Join(bin, tool), filepath.Join(tools, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, append(offlineEnv(bin),
		"PATH="+tools+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TF_CLI_ARGS_plan=-var=apply_to_cloud=true",
	)
}

// offlineEnv is the environment of an offline plan: the process's without its TF_, HW_
// and PATH variables, plus bin/dev.tfrc's dev_overrides and credentials that are no one's
// with endpoints where nothing listens and a proxy that refuses.
func offlineEnv(bin string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "TF_") && !strings.HasPrefix(k, "HW_") && k != "PATH" {
			env = append(env, kv)
		}
	}
	nowhere := "http://127.0.0.1:9"
	return append(env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(bin, "dev.tfrc"),
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"HW_ACCESS_KEY=offline", "HW_SECRET_KEY=offline", "HW_DOMAIN_ID=0123456789abcdef0123456789abcdef",
		"HW_IAM_ENDPOINT="+nowhere, "HW_ORGANIZATIONS_ENDPOINT="+nowhere,
		"HTTP_PROXY="+nowhere, "HTTPS_PROXY="+nowhere,
	)
}

// skipped says whether a line of a job is replaced by the set-up of workspace: the
// install of imspolicy, and terraform init, which dev_overrides make unneeded (it would
// ask the registry).
func skipped(line string) bool {
	return isInstall(line) || strings.TrimSpace(line) == "terraform init -input=false"
}

// shell runs script with the shell and flags the CI system uses and returns its exit
// status and output.
func shell(t *testing.T, dir string, env []string, script string, argv ...string) (int, string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], append(argv[1:], f)...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	t.Fatalf("%v: %v", argv, err)
	return 0, ""
}

var outcomeTest = regexp.MustCompile(`^steps\.([A-Za-z0-9_-]+)\.outcome == '(success|failure|skipped)'$`)

// runs evaluates a step's if: as GitHub does, for the forms the workflow uses: no if
// (success()), always(), and steps.ID.outcome tests joined by &&.
func runs(t *testing.T, cond string, failed bool, outcomes map[string]string) bool {
	t.Helper()
	cond = strings.TrimSpace(cond)
	if cond == "" {
		return !failed
	}
	status, ok := false, true
	for _, term := range strings.Split(cond, "&&") {
		term = strings.TrimSpace(term)
		if term == "always()" {
			status = true
		} else if m := outcomeTest.FindStringSubmatch(term); m != nil {
			ok = ok && outcomes[m[1]] == m[2]
		} else {
			t.Fatalf("if: %q: this test does not evaluate %q; teach it, or use the forms it knows", cond, term)
		}
	}
	// Without a status function, GitHub implies success().
	return ok && (status || !failed)
}

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name string `json:"name"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
		} `json:"invocations"`
		Results []struct {
			RuleID string `json:"ruleId"`
		} `json:"results"`
	} `json:"runs"`
}

func readSARIF(t *testing.T, file string) sarifLog {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the upload's sarif_file: %v", err)
	}
	var log sarifLog
	if err := json.Unmarshal(b, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "imspolicy" || len(log.Runs[0].Invocations) != 1 {
		t.Fatalf("%s is not one run of imspolicy in SARIF 2.1.0 (%v):\n%s", filepath.Base(file), err, b)
	}
	return log
}

// githubRun is what a run of the workflow's steps did: each step's outcome by its id,
// the output of each shell step by its name (or command), and the logs each upload
// found, by file.
type githubRun struct {
	outcomes map[string]string
	outputs  map[string]string
	uploads  map[string]sarifLog
	failed   bool
}

// runGitHub runs the workflow's shell steps as written by bash -e (GitHub's shell for
// run: on Linux), one after the other with GitHub's if: rules, against a plan of
// examples/demo. With wrapper, terraform on PATH is a stand-in for setup-terraform's
// default wrapper, which writes a [command] line before what Terraform writes.
func runGitHub(t *testing.T, wrapper bool) githubRun {
	t.Helper()
	_, j := githubJob(t)
	bin := binaries(t)
	dir, env := workspace(t, bin)
	if wrapper {
		shim := filepath.Join(t.TempDir(), "terraform")
		script := "#!/bin/sh\necho \"[command]" + filepath.Join(bin, "terraform") + " $*\"\nexec " + filepath.Join(bin, "terraform") + " \"$@\"\n"
		if err := os.WriteFile(shim, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		env = append(env, "PATH="+filepath.Dir(shim)+string(os.PathListSeparator)+pathOf(env))
	}
	temp := t.TempDir()
	env = append(env, "GITHUB_WORKSPACE="+dir, "RUNNER_TEMP="+temp, "GITHUB_PATH="+filepath.Join(temp, "path"), "GITHUB_ENV="+filepath.Join(temp, "env"))
	for k, v := range j.Env {
		env = append(env, k+"="+v)
	}
	r := githubRun{outcomes: map[string]string{}, outputs: map[string]string{}, uploads: map[string]sarifLog{}}
	for _, s := range j.Steps {
		what := s.Name
		if what == "" {
			what = s.Uses + s.Run
		}
		outcome := "skipped"
		switch {
		case s.Uses != "" && !strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			// checkout and setup-terraform: done by workspace.
			outcome = "success"
		case !runs(t, s.If, r.failed, r.outcomes):
		case s.Uses != "":
			file, _ := s.With["sarif_file"].(string)
			r.uploads[file] = readSARIF(t, filepath.Join(dir, file))
			outcome = "success"
		case skipped(s.Run):
			outcome = "success"
		default:
			stepEnv := env
			for k, v := range s.Env {
				stepEnv = append(stepEnv, k+"="+v)
			}
			exit, out := shell(t, dir, stepEnv, s.Run, "bash", "--noprofile", "--norc", "-e")
			r.outputs[what] = out
			outcome = "success"
			if exit != 0 {
				outcome, r.failed = "failure", true
				t.Logf("step %s: exit status %d:\n%s", what, exit, out)
			}
		}
		if s.ID != "" {
			r.outcomes[s.ID] = outcome
		}
	}
	if len(r.outputs) < 4 {
		t.Errorf("%d shell steps ran: want plan, show, check and diff-access", len(r.outputs))
	}
	return r
}

// pathOf is the last PATH of env, the one a command sees.
func pathOf(env []string) string {
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	return path
}

// The workflow against a plan of examples/demo: every step passes, diff-access warns of
// the new access the created resources grant, and each upload finds a SARIF log of its
// command.
func TestGitHubWorkflowRuns(t *testing.T) {
	r := runGitHub(t, false)
	if r.failed {
		t.Fatal("a step failed (logged above)")
	}
	var warned bool
	for _, out := range r.outputs {
		warned = warned || strings.Contains(out, "::warning::this change grants new access")
	}
	if !warned {
		t.Errorf("no step warned of the new access the plan's created policies grant")
	}
	check, access := r.uploads["imspolicy.sarif"], r.uploads["access.sarif"]
	if len(r.uploads) != 2 || len(check.Runs) != 1 || len(access.Runs) != 1 {
		t.Fatalf("uploaded %d logs: want imspolicy.sarif and access.sarif", len(r.uploads))
	}
	if !check.Runs[0].Invocations[0].ExecutionSuccessful || len(check.Runs[0].Results) != 0 {
		t.Errorf("check's log: %+v; want a successful run without results (the demo's policies are clean)", check.Runs[0])
	}
	newAccess := 0
	for _, r := range access.Runs[0].Results {
		if r.RuleID == "new_access" {
			newAccess++
		}
	}
	if newAccess == 0 {
		t.Errorf("diff-access's log has no new_access result: the demo's plan creates an identity policy and an SCP")
	}
}

// The workflow when check fails, here with setup-terraform's wrapper left on: check and
// diff-access fail (exit status 2), the job fails, and both logs are still uploaded, each
// a failed run that says why.
func TestGitHubWorkflowUploadsWhenCheckFails(t *testing.T) {
	r := runGitHub(t, true)
	if !r.failed || r.outcomes["show"] != "success" {
		t.Fatalf("with the wrapper: job failed %v, show %q; want show to pass and check to fail", r.failed, r.outcomes["show"])
	}
	if len(r.uploads) != 2 {
		t.Fatalf("uploaded %d logs when check failed: want imspolicy.sarif and access.sarif", len(r.uploads))
	}
	for file, log := range r.uploads {
		if log.Runs[0].Invocations[0].ExecutionSuccessful {
			t.Errorf("%s: a successful run; want the failed run with the wrapper's message", file)
		}
	}
}

// The GitLab job's script, run as written by sh -e (the image is Alpine's, without bash;
// GitLab stops at the first line that fails) against a plan of examples/demo: it passes
// and writes the Code Quality report the job publishes.
func TestGitLabJobRuns(t *testing.T) {
	name, j := gitlabJob(t)
	bin := binaries(t)
	dir, env := workspace(t, bin)
	for k, v := range j.Variables {
		env = append(env, k+"="+v)
	}
	// The install is every line before the first terraform command.
	first := 0
	for first < len(j.Script) && !strings.HasPrefix(j.Script[first], "terraform ") {
		first++
	}
	if install := strings.Join(j.Script[:first], "\n"); !isInstall(install) || !strings.Contains(install, "sha256sum -c -") {
		t.Fatalf("job %s: the lines before terraform's do not install imspolicy from its release, checked by sha256sum:\n%s", name, install)
	}
	var script []string
	for _, line := range j.Script[first:] {
		if !skipped(line) {
			script = append(script, line)
		}
	}
	if len(script) < 3 {
		t.Fatalf("job %s: %d lines left to run: want plan, show and check", name, len(script))
	}
	exit, out := shell(t, dir, env, strings.Join(script, "\n")+"\n", "sh", "-e")
	if exit != 0 {
		t.Fatalf("job %s: exit status %d:\n%s", name, exit, out)
	}
	report, err := os.ReadFile(filepath.Join(dir, j.Artifacts.Reports["codequality"]))
	if err != nil {
		t.Fatal(err)
	}
	var issues []map[string]any
	if err := json.Unmarshal(report, &issues); err != nil {
		t.Errorf("job %s: the codequality report is not a JSON array (%v):\n%s", name, err, report)
	}
}

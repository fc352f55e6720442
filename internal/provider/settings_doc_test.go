package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

// The settings table of the index page is generated from the provider's schema and from
// what Configure resolves, so that the defaults it states are the code's: `make docs` runs
// TestProviderSettingsTable with UPDATE_GUIDES=1 to rewrite it, between these markers (template
// comments: they leave no trace in docs/).
const (
	indexTemplate       = "../../templates/index.md.tmpl"
	settingsTableBegin  = "{{/* The table below is generated from the provider's schema by TestProviderSettingsTable: run `make docs`. */}}\n"
	settingsTableEnd    = "{{- /* End of the generated table. */}}"
	templatesDir        = "../../templates"
	settingsTableHeader = "| Argument | Environment variable | Default |\n|---|---|---|\n"
)

var (
	settingEnvRE     = regexp.MustCompile("Environment variable: `([A-Z][A-Z0-9_]*)`")
	settingDefaultRE = regexp.MustCompile("Default `([^`]*)`")
	settingRangeRE   = regexp.MustCompile(`[Ff]rom (\d+) to (\d+)`)
	settingAtMostRE  = regexp.MustCompile("At most `([^`]+)`")
)

// setting is one provider argument as the docs state it and as the code resolves it.
type setting struct {
	name        string
	env         string // from the description; "" when it names none
	stated      string // the description's "Default `...`"; "" when it states none
	bound       string // the description's range, e.g. "0 to 100"
	field       string // the providerConfig field Configure resolves it into
	codeDefault string // what Configure resolves with nothing set
}

// providerSettings lists the provider's arguments in providerModel's order.
func providerSettings(t *testing.T) []setting {
	t.Helper()
	p := &imsPolicyProvider{version: "test"}
	var sresp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &sresp)
	unset := map[string]string{}
	for _, a := range sresp.Schema.Attributes {
		if m := settingEnvRE.FindStringSubmatch(a.GetMarkdownDescription()); m != nil {
			unset[m[1]] = ""
		}
	}
	defaults := configureWithEnv(t, sresp.Schema, unset)
	var out []setting
	mt := reflect.TypeOf(providerModel{})
	for i := 0; i < mt.NumField(); i++ {
		f := mt.Field(i)
		name := f.Tag.Get("tfsdk")
		a, ok := sresp.Schema.Attributes[name]
		if !ok {
			t.Fatalf("providerModel.%s (%q) is not a provider argument", f.Name, name)
		}
		desc := a.GetMarkdownDescription()
		s := setting{name: name, field: f.Name}
		if m := settingEnvRE.FindStringSubmatch(desc); m != nil {
			s.env = m[1]
		}
		if m := settingDefaultRE.FindStringSubmatch(desc); m != nil {
			s.stated = m[1]
		}
		if m := settingRangeRE.FindStringSubmatch(desc); m != nil {
			s.bound = m[1] + " to " + m[2]
		} else if m := settingAtMostRE.FindStringSubmatch(desc); m != nil {
			s.bound = "at most `" + m[1] + "`"
		}
		v := reflect.ValueOf(defaults).FieldByName(f.Name)
		if !v.IsValid() {
			t.Fatalf("provider argument %q resolves into no providerConfig field: name that field %s, as providerModel does", name, f.Name)
		}
		s.codeDefault = settingValue(v)
		out = append(out, s)
	}
	if len(out) != len(sresp.Schema.Attributes) {
		t.Fatalf("the provider has %d arguments and providerModel %d fields", len(sresp.Schema.Attributes), len(out))
	}
	return out
}

// configureWithEnv runs Configure with every argument unset and env set (t.Setenv; "" unsets
// the variable: one set but empty may be an error), and returns what it resolved.
func configureWithEnv(t *testing.T, s schema.Schema, env map[string]string) providerConfig {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v) // restores the value after the test
		if v == "" {
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx := context.Background()
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema is not an object: %v", s.Type())
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	p := &imsPolicyProvider{version: "test"}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, vals)}}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure with %v: %v", env, resp.Diagnostics)
	}
	data, ok := resp.ResourceData.(*providerData)
	if !ok {
		t.Fatalf("Configure gave resources %T, not *providerData", resp.ResourceData)
	}
	return data.config
}

func settingValue(v reflect.Value) string {
	if d, ok := v.Interface().(time.Duration); ok {
		return validators.ShortDuration(d)
	}
	return fmt.Sprint(v.Interface())
}

// TestProviderSettingsDocumented: each argument's description states the default that
// Configure applies (or none when there is none), and the environment variable it names is
// the one Configure reads.
func TestProviderSettingsDocumented(t *testing.T) {
	p := &imsPolicyProvider{version: "test"}
	var sresp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &sresp)
	settings := providerSettings(t)
	for _, s := range settings {
		if s.stated != s.codeDefault {
			t.Errorf("%s: the description says Default `%s`, but Configure resolves %q when it is unset", s.name, s.stated, s.codeDefault)
		}
		if s.env == "" {
			continue
		}
		env := map[string]string{}
		for _, o := range settings {
			if o.env != "" {
				env[o.env] = ""
			}
		}
		// A value of the setting's kind that differs from its default.
		var sample string
		switch reflect.ValueOf(providerConfig{}).FieldByName(s.field).Interface().(type) {
		case string:
			sample = "from-env"
			if strings.HasPrefix(s.codeDefault, "http") {
				sample = "http://127.0.0.1:1"
			}
		case int:
			sample = "3"
		case time.Duration:
			sample = "7s"
		case bool:
			sample = fmt.Sprint(s.codeDefault != "true")
		default:
			t.Fatalf("%s: no sample value for its kind", s.name)
		}
		env[s.env] = sample
		got := settingValue(reflect.ValueOf(configureWithEnv(t, sresp.Schema, env)).FieldByName(s.field))
		if got != sample {
			t.Errorf("%s: with %s=%s Configure resolved %q: the description names an environment variable Configure does not read", s.name, s.env, sample, got)
		}
	}
}

func renderSettingsTable(t *testing.T) string {
	var b strings.Builder
	b.WriteString(settingsTableHeader)
	for _, s := range providerSettings(t) {
		env, def := "", ""
		if s.env != "" {
			env = "`" + s.env + "`"
		}
		if s.codeDefault != "" {
			def = "`" + s.codeDefault + "`"
		}
		if s.bound != "" {
			def = strings.TrimSpace(def + " (" + s.bound + ")")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.name, env, def)
	}
	return b.String()
}

// TestProviderSettingsTable keeps the index page's settings table in step with the schema
// and Configure. `make docs` runs it with UPDATE_GUIDES=1 to rewrite the table.
func TestProviderSettingsTable(t *testing.T) {
	raw, err := os.ReadFile(indexTemplate)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i, j := strings.Index(text, settingsTableBegin), strings.Index(text, settingsTableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers of the settings table: %q ... %q", indexTemplate, settingsTableBegin, settingsTableEnd)
	}
	want := text[:i+len(settingsTableBegin)] + renderSettingsTable(t) + text[j:]
	if os.Getenv("UPDATE_GUIDES") == "1" {
		if err := os.WriteFile(indexTemplate, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(raw, []byte(want)) {
		t.Fatalf("the settings table of %s is stale: run `make docs`", indexTemplate)
	}
}

var (
	// statedDefaultRE finds "default 5", "default `25`", "default is 30s" or "25 by default"
	// in the sentence that names a setting, after its name.
	statedDefaultRE = regexp.MustCompile("^[^.]{0,60}?(?:\\b[Dd]efault(?: is)?:?\\s+`?([^`\\s,;)]+?)`?[\\s,;).]|\\s`?([^`\\s,;(]+?)`? by default\\b)")
	// statedTimeoutRE finds "`create` 10m" in a sentence about the timeouts block.
	statedTimeoutRE = regexp.MustCompile("`(create|read|update|delete)`\\s+(\\d+[smh])\\b")
)

// TestGuidesStateCodeDefaults: wherever the templates (the guides, the index) or the README
// name a provider argument and then a default ("`max_retries`, default 5"), the default is
// the code's; wherever they give a timeouts block's default ("`create` 10m"), it is the
// code's too.
func TestGuidesStateCodeDefaults(t *testing.T) {
	settings := providerSettings(t)
	files := []string{"../../README.md"}
	err := filepath.WalkDir(templatesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tmpl") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(raw)), " ")
		for _, s := range settings {
			for _, at := range regexp.MustCompile("`"+regexp.QuoteMeta(s.name)+"`").FindAllStringIndex(text, -1) {
				m := statedDefaultRE.FindStringSubmatch(text[at[1]:])
				if m == nil {
					continue
				}
				checked++
				if stated := m[1] + m[2]; stated != s.codeDefault {
					t.Errorf("%s: %q states the default of %s as %s; the code's is %q", file, text[at[0]:at[1]+len(m[0])], s.name, stated, s.codeDefault)
				}
			}
		}
		for _, m := range statedTimeoutRE.FindAllStringSubmatch(text, -1) {
			checked++
			for o := opCreate; o <= opDelete; o++ {
				if o.String() == m[1] && m[2] != validators.ShortDuration(defaultTimeouts[o]) {
					t.Errorf("%s: %q states the default %s timeout as %s; the code's is %s", file, m[0], m[1], m[2], validators.ShortDuration(defaultTimeouts[o]))
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no stated default found: the patterns no longer match the docs")
	}
}

// TestIndexOffersEverything: the index page's "What it offers" table (and the README) names
// every resource, data source and function the provider serves, and the imspolicy command.
func TestIndexOffersEverything(t *testing.T) {
	raw, err := os.ReadFile(indexTemplate)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i := strings.Index(text, "## What it offers")
	if i < 0 {
		t.Fatalf("%s has no \"What it offers\" section", indexTemplate)
	}
	offers := text[i:]
	if j := strings.Index(offers[2:], "\n## "); j >= 0 {
		offers = offers[:j+2]
	}
	ctx := context.Background()
	p := &imsPolicyProvider{version: "test"}
	var names []string
	for _, r := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		r().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "imspolicy"}, &resp)
		names = append(names, resp.TypeName)
	}
	for _, d := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		d().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "imspolicy"}, &resp)
		names = append(names, resp.TypeName)
	}
	for _, f := range p.Functions(ctx) {
		var resp function.MetadataResponse
		f().Metadata(ctx, function.MetadataRequest{}, &resp)
		names = append(names, resp.Name)
	}
	names = append(names, "imspolicy check", "imspolicy diff-access")
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !strings.Contains(offers, "`"+n+"`") {
			t.Errorf("the \"What it offers\" table of %s does not name `%s`", indexTemplate, n)
		}
		if !strings.Contains(string(readme), "`"+n+"`") {
			t.Errorf("README.md does not name `%s`", n)
		}
	}
}

// Package provider adapts the catalog, the policy language and the API client to
// terraform-plugin-framework. It holds glue only: one file per resource, data source or
// function.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

const (
	defaultIAMEndpoint           = client.DefaultIAMEndpoint
	defaultOrganizationsEndpoint = client.DefaultOrganizationsEndpoint
	defaultMaxRetries            = client.DefaultMaxRetries
	defaultRequestTimeout        = client.DefaultRequestTimeout
	// maxRequestTimeout bounds request_timeout: one attempt longer than the
	// shortest default operation timeout could never be retried.
	maxRequestTimeout = 5 * time.Minute
)

var (
	_ provider.Provider              = (*imsPolicyProvider)(nil)
	_ provider.ProviderWithFunctions = (*imsPolicyProvider)(nil)
)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &imsPolicyProvider{version: version} }
}

type imsPolicyProvider struct {
	version string
	// clientOptions adjusts the API client's configuration; tests use it for fast
	// backoff. Nil in production.
	clientOptions func(*client.Config)
}

type providerModel struct {
	Region                types.String `tfsdk:"region"`
	AccessKey             types.String `tfsdk:"access_key"`
	SecretKey             types.String `tfsdk:"secret_key"`
	SecurityToken         types.String `tfsdk:"security_token"`
	AccountID             types.String `tfsdk:"account_id"`
	IAMEndpoint           types.String `tfsdk:"iam_endpoint"`
	OrganizationsEndpoint types.String `tfsdk:"organizations_endpoint"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	RequestTimeout        types.String `tfsdk:"request_timeout"`
	WarnOnNewAccess       types.Bool   `tfsdk:"warn_on_new_access"`
	AnalysisBudget        types.Int64  `tfsdk:"analysis_budget"`
}

// providerConfig is the resolved configuration: attributes first, then environment
// variables, then defaults. Credentials may be empty: only resources and API-backed data
// sources need them, and they say so when they are planned.
type providerConfig struct {
	Region                string
	AccessKey             string
	SecretKey             string
	SecurityToken         string
	AccountID             string
	IAMEndpoint           string
	OrganizationsEndpoint string
	EmptyEndpoints        []endpointSetting // see endpointSetting
	MaxRetries            int
	RequestTimeout        time.Duration
	// WarnOnNewAccess: a plan that changes a policy document warns when the change grants
	// new access.
	WarnOnNewAccess bool
	// CredentialsUnknown: a credential argument is known only after apply (set from a
	// resource's output), so missing credentials are not reported at plan time.
	CredentialsUnknown bool
	// AnalysisBudget bounds each access question of the plan's warning and of
	// imspolicy_access_analysis, in representative requests (analysis.Budget).
	AnalysisBudget int
}

func (p *imsPolicyProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "imspolicy"
	resp.Version = p.version
}

func (p *imsPolicyProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Validates, manages and simulates Huawei Cloud identity policies and " +
			"Organizations service control policies for the Image Management Service (IMS). " +
			"Every argument is optional: the catalog, document and simulation data sources and " +
			"all functions work offline without credentials.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Region name, for example `cn-north-4`. Environment variable: `HW_REGION_NAME`.",
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Access key (AK). Environment variable: `HW_ACCESS_KEY`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Secret key (SK). Environment variable: `HW_SECRET_KEY`.",
			},
			"security_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Security token of temporary credentials. Environment variable: `HW_SECURITY_TOKEN`.",
			},
			"account_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Account (domain) ID, sent as `X-Domain-Id` to the global IAM and Organizations services. Environment variable: `HW_DOMAIN_ID`.",
			},
			"iam_endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "IAM endpoint, an `http` or `https` URL. Default `" + defaultIAMEndpoint + "`. Environment variable: `HW_IAM_ENDPOINT`. " +
					"An empty value, in the argument or in the variable, is an error, never the default: leave the argument out and the variable unset to use the default.",
				Validators: []validator.String{validators.Endpoint()},
			},
			"organizations_endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Organizations endpoint, an `http` or `https` URL. Default `" + defaultOrganizationsEndpoint + "`. Environment variable: `HW_ORGANIZATIONS_ENDPOINT`. " +
					"An empty value, in the argument or in the variable, is an error, never the default: leave the argument out and the variable unset to use the default.",
				Validators: []validator.String{validators.Endpoint()},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a throttled or failed API call is retried, from 0 to %d. Default `%d` (as the AWS provider). "+
					"Retries back off exponentially (1 s doubling to 30 s, with jitter, or as long as a `Retry-After` asks, up to 2 minutes), "+
					"and never past the operation's timeout (each resource's `timeouts` block). Environment variable: `HW_MAX_RETRIES`.",
					client.MaxMaxRetries, defaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, client.MaxMaxRetries)},
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How long one attempt of an API call may take, from sending it to reading the whole answer, body included, "+
					"as a duration such as `30s`; an attempt that takes longer is retried. After %d attempts in a row that got no whole answer in time "+
					"(an endpoint that hangs, or stalls or drips while sending its answer), the provider stops waiting on that endpoint for the run, "+
					"probing it once per `request_timeout`. At most `%s`. Default `%s`. Environment variable: `HW_REQUEST_TIMEOUT`.",
					client.SilenceLimit, validators.ShortDuration(maxRequestTimeout), validators.ShortDuration(defaultRequestTimeout)),
				Validators: []validator.String{validators.Duration(maxRequestTimeout)},
			},
			"warn_on_new_access": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether a plan that changes `imspolicy_identity_policy.policy` or `imspolicy_service_control_policy.content` " +
					"warns, on that attribute, when the change grants new access, with example requests by action (see the Gating policy changes guide). " +
					"Default `true`. Environment variable: `IMSPOLICY_WARN_ON_NEW_ACCESS`.",
			},
			"analysis_budget": analysisBudgetAttribute(),
		},
	}
}

func (p *imsPolicyProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}

	cfg := providerConfig{
		Region:                stringSetting(model.Region, "HW_REGION_NAME", ""),
		AccessKey:             stringSetting(model.AccessKey, "HW_ACCESS_KEY", ""),
		SecretKey:             stringSetting(model.SecretKey, "HW_SECRET_KEY", ""),
		SecurityToken:         stringSetting(model.SecurityToken, "HW_SECURITY_TOKEN", ""),
		AccountID:             stringSetting(model.AccountID, "HW_DOMAIN_ID", ""),
		IAMEndpoint:           iamEndpointSetting.def, // resolved with the checks below
		OrganizationsEndpoint: orgsEndpointSetting.def,
		MaxRetries:            defaultMaxRetries,
		RequestTimeout:        defaultRequestTimeout,
		CredentialsUnknown: model.AccessKey.IsUnknown() || model.SecretKey.IsUnknown() ||
			model.SecurityToken.IsUnknown() || model.AccountID.IsUnknown(),
	}

	switch {
	case !model.MaxRetries.IsNull() && !model.MaxRetries.IsUnknown():
		cfg.MaxRetries = int(model.MaxRetries.ValueInt64())
	case os.Getenv("HW_MAX_RETRIES") != "":
		n, err := strconv.Atoi(os.Getenv("HW_MAX_RETRIES"))
		if err != nil || n < 0 || n > client.MaxMaxRetries {
			resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid HW_MAX_RETRIES",
				fmt.Sprintf("HW_MAX_RETRIES must be a whole number from 0 to %d, got %q. Set it to, for example, %d.",
					client.MaxMaxRetries, os.Getenv("HW_MAX_RETRIES"), defaultMaxRetries))
			return
		}
		cfg.MaxRetries = n
	}
	if cfg.MaxRetries < 0 || cfg.MaxRetries > client.MaxMaxRetries {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
			fmt.Sprintf("max_retries must be from 0 to %d, got %d.", client.MaxMaxRetries, cfg.MaxRetries))
		return
	}
	if raw := stringSetting(model.RequestTimeout, "HW_REQUEST_TIMEOUT", ""); raw != "" {
		d, err := validators.ParseDuration(raw, maxRequestTimeout)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout (or HW_REQUEST_TIMEOUT) %s. Set it to, for example, %q.", err, validators.ShortDuration(defaultRequestTimeout)))
			return
		}
		cfg.RequestTimeout = d
	}
	cfg.WarnOnNewAccess = true
	switch {
	case !model.WarnOnNewAccess.IsNull() && !model.WarnOnNewAccess.IsUnknown():
		cfg.WarnOnNewAccess = model.WarnOnNewAccess.ValueBool()
	case os.Getenv("IMSPOLICY_WARN_ON_NEW_ACCESS") != "":
		b, err := strconv.ParseBool(os.Getenv("IMSPOLICY_WARN_ON_NEW_ACCESS"))
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("warn_on_new_access"), "Invalid IMSPOLICY_WARN_ON_NEW_ACCESS",
				fmt.Sprintf("IMSPOLICY_WARN_ON_NEW_ACCESS must be true or false, got %q.", os.Getenv("IMSPOLICY_WARN_ON_NEW_ACCESS")))
			return
		}
		cfg.WarnOnNewAccess = b
	}
	if cfg.AnalysisBudget = analysisBudgetSetting(model.AnalysisBudget, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	// Endpoints from the environment are checked here; configured ones were
	// checked by their validators already, and are again here for unknown values.
	// One set empty in the environment fails only where an API client is needed.
	for _, e := range []struct {
		endpointSetting
		model types.String
		value *string
	}{
		{iamEndpointSetting, model.IAMEndpoint, &cfg.IAMEndpoint},
		{orgsEndpointSetting, model.OrganizationsEndpoint, &cfg.OrganizationsEndpoint},
	} {
		var emptyEnv bool
		if *e.value, emptyEnv = e.resolve(e.model); emptyEnv {
			cfg.EmptyEndpoints = append(cfg.EmptyEndpoints, e.endpointSetting)
			continue
		}
		if err := client.CheckEndpoint(*e.value); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(e.attr), "Invalid "+e.attr,
				fmt.Sprintf("%s (or %s): %s. Leave it out to use the default.", e.attr, e.env, err))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{config: cfg, version: p.version, clientOptions: p.clientOptions}
	resp.DataSourceData = data
	resp.ResourceData = data
}

// providerData is what resources and data sources receive from Configure. The API client
// is made on first use, so that a configuration without credentials works offline and
// fails only where an API is needed.
type providerData struct {
	config        providerConfig
	version       string
	clientOptions func(*client.Config)

	once   sync.Once
	client *client.Client
	err    error
}

// Client returns the API client, or an error that names the settings to fix.
func (d *providerData) Client() (*client.Client, diag.Diagnostics) {
	if len(d.config.EmptyEndpoints) > 0 {
		var diags diag.Diagnostics
		for _, e := range d.config.EmptyEndpoints {
			e.emptyEndpointError(&diags)
		}
		return nil, diags
	}
	d.once.Do(func() {
		cfg := client.Config{
			IAMEndpoint:           d.config.IAMEndpoint,
			OrganizationsEndpoint: d.config.OrganizationsEndpoint,
			Credentials: signer.Credentials{
				AccessKey:     d.config.AccessKey,
				SecretKey:     d.config.SecretKey,
				SecurityToken: d.config.SecurityToken,
				DomainID:      d.config.AccountID,
			},
			// The client reads 0 as its default; the user's 0 means no retries.
			MaxRetries:     d.config.MaxRetries,
			RequestTimeout: d.config.RequestTimeout,
			UserAgent:      "terraform-provider-imspolicy/" + d.version,
		}
		if cfg.MaxRetries == 0 {
			cfg.MaxRetries = -1
		}
		if d.clientOptions != nil {
			d.clientOptions(&cfg)
		}
		d.client, d.err = client.New(cfg)
	})
	var diags diag.Diagnostics
	switch {
	case errors.Is(d.err, client.ErrMissingCredentials):
		diags.AddError("Missing credentials",
			"The resources and the API data sources of this provider call the Huawei Cloud IAM and Organizations APIs, which need an access key and a secret key. "+
				"Set access_key and secret_key in the provider block, or the HW_ACCESS_KEY and HW_SECRET_KEY environment variables "+
				"(with security_token / HW_SECURITY_TOKEN for temporary credentials, and account_id / HW_DOMAIN_ID).")
	case d.err != nil:
		diags.AddError("Invalid provider configuration", d.err.Error())
	}
	return d.client, diags
}

// apiClient returns the provider's API client, or nil with an error diagnostic that names
// the settings to fix (missing credentials, or an unconfigured provider).
func apiClient(data *providerData, diags *diag.Diagnostics) *client.Client {
	if data == nil {
		diags.AddError("Unconfigured provider",
			"The provider was not configured before this resource was used; please report this issue.")
		return nil
	}
	c, d := data.Client()
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	return c
}

// addAPIError adds one error for a failed API call; doing says what the provider was
// doing ("creating identity policy \"x\""). See apiError.
func addAPIError(diags *diag.Diagnostics, doing string, err error) {
	diags.AddError(apiError(doing, err))
}

// apiError is the summary and detail of a failed API call. Rejected credentials and denied
// calls name the settings to fix; secrets never appear (API errors do not carry them).
func apiError(doing string, err error) (summary, detail string) {
	var taken *client.NameTakenError
	switch {
	case errors.As(err, &taken):
		return "Name already taken", nameTakenDetail(doing, taken)
	case client.IsStalled(err):
		return "API endpoint stalled", fmt.Sprintf("Error %s: the endpoint stalled while sending its answer: it sent the start of "+
			"an answer and then not the rest within request_timeout (default %s), attempt after attempt, so the provider stopped "+
			"waiting on it for this run. Check that iam_endpoint and organizations_endpoint are the right URLs and that nothing "+
			"between (a proxy, a firewall) holds answers back, then run again.\n\n%v",
			doing, validators.ShortDuration(defaultRequestTimeout), err)
	case client.IsSilent(err):
		return "API endpoint not answering", fmt.Sprintf("Error %s: the endpoint took connections but answered nothing, attempt after "+
			"attempt, so the provider stopped waiting on it for this run (each attempt waits request_timeout, default %s). Check "+
			"that iam_endpoint and organizations_endpoint are the right URLs and that the service is up, then run again.\n\n%v",
			doing, validators.ShortDuration(defaultRequestTimeout), err)
	case client.IsTimeout(err):
		return "API call timed out", fmt.Sprintf("Error %s: it did not finish within the operation's timeout. Each resource has a "+
			"timeouts block (create %s, read %s, update %s and delete %s by default) and each attempt of a call is bounded by the "+
			"provider's request_timeout (default %s). Check that iam_endpoint and organizations_endpoint answer, or give the "+
			"operation more time.\n\n%v", doing, validators.ShortDuration(defaultTimeouts[opCreate]), validators.ShortDuration(defaultTimeouts[opRead]),
			validators.ShortDuration(defaultTimeouts[opUpdate]), validators.ShortDuration(defaultTimeouts[opDelete]), validators.ShortDuration(defaultRequestTimeout), err)
	case client.IsUnauthorized(err):
		return "Invalid credentials", fmt.Sprintf("The API rejected the provider's credentials while %s. Check access_key and secret_key in the "+
			"provider block, or the HW_ACCESS_KEY and HW_SECRET_KEY environment variables (with temporary credentials "+
			"also security_token / HW_SECURITY_TOKEN; account_id / HW_DOMAIN_ID, when set, must be the account of the "+
			"access key).\n\nThe API said: %v", doing, err)
	case client.IsForbidden(err):
		return "Access denied", fmt.Sprintf("The API denied the call while %s: the user or agency of access_key (HW_ACCESS_KEY) lacks the "+
			"permission for it (IAM permissions for identity policies; Organizations permissions in the management account "+
			"for service control policies). Grant it, or use other credentials.\n\nThe API said: %v", doing, err)
	default:
		return "API call failed", fmt.Sprintf("Error %s: %v", doing, err)
	}
}

// resourceTypeOf names the resource that manages each kind of object the client creates.
var resourceTypeOf = map[client.ObjectKind]string{
	client.KindIdentityPolicy:       "imspolicy_identity_policy",
	client.KindServiceControlPolicy: "imspolicy_service_control_policy",
}

// nameTakenDetail says which object holds the name and how to adopt it deliberately.
func nameTakenDetail(doing string, taken *client.NameTakenError) string {
	var b strings.Builder
	rt := resourceTypeOf[taken.Kind]
	if taken.Renaming != "" {
		fmt.Fprintf(&b, "Error %s: %v.\n\nChoose another name, or rename or delete %s first.", doing, taken, taken.ID)
		if rt != "" {
			fmt.Fprintf(&b, " To manage %s with Terraform as well, import it into another resource (with Terraform 1.5 or later, an "+
				"import block; replace <other> with that resource's name):\n\nimport {\n  to = %s.<other>\n  id = %q\n}", taken.ID, rt, taken.ID)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "Error %s: %v.\n\nTerraform never takes over an object that it cannot prove this apply created.", doing, taken)
	if taken.ID == "" || rt == "" {
		b.WriteString(" Choose another name, or find the object that holds this one and import it.")
		return b.String()
	}
	fmt.Fprintf(&b, " To manage %s with this resource, import it (with Terraform 1.5 or later, an import block; "+
		"replace <name> with this resource's name):\n\nimport {\n  to = %s.<name>\n  id = %q\n}\n\n"+
		"or: terraform import %s.<name> %s\n\nOtherwise choose another name.", taken.ID, rt, taken.ID, rt, taken.ID)
	return b.String()
}

// providerDataFrom reads the provider's data in a resource's or data source's Configure.
// It is nil until the provider is configured (during validation).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; please report this issue", data))
	}
	return pd
}

// stringSetting returns the configured value, else the environment variable, else def.
// An unknown value (known only after apply) is treated as unset for now: no offline data
// source depends on it.
func stringSetting(v types.String, env, def string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	if e := os.Getenv(env); e != "" {
		return e
	}
	return def
}

// endpointSetting is an endpoint's argument, its environment variable and its default.
// providerConfig.EmptyEndpoints are those whose environment variable is set but empty
// (with no argument in the provider block): building an API client fails, naming them,
// rather than calling production. Offline data sources and functions never build one.
type endpointSetting struct{ attr, env, def string }

var (
	iamEndpointSetting  = endpointSetting{"iam_endpoint", "HW_IAM_ENDPOINT", defaultIAMEndpoint}
	orgsEndpointSetting = endpointSetting{"organizations_endpoint", "HW_ORGANIZATIONS_ENDPOINT", defaultOrganizationsEndpoint}
)

// resolve returns the configured value, else the environment variable's, else the
// default; emptyEnv is set when the variable is set but empty (say, from an unset shell
// variable), which is never taken for the default. os.LookupEnv tells it from unset.
func (e endpointSetting) resolve(v types.String) (value string, emptyEnv bool) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString(), false
	}
	switch env, ok := os.LookupEnv(e.env); {
	case !ok:
		return e.def, false
	case strings.TrimSpace(env) == "":
		return "", true
	default:
		return env, false
	}
}

// emptyEndpointError is the error for an endpoint variable that is set but empty.
func (e endpointSetting) emptyEndpointError(diags *diag.Diagnostics) {
	diags.AddError("Empty "+e.env,
		fmt.Sprintf("The environment variable %s is set but empty, and an empty endpoint is never taken for the production one (%s): "+
			"the provider sends no request. Set %s to the endpoint's URL (http(s)://host[:port]), set %s in the provider block "+
			"(it takes precedence), or unset the variable (unset %s) to use %s.", e.env, e.def, e.env, e.attr, e.env, e.def))
}

func (p *imsPolicyProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewIdentityPolicyAttachmentResource,
		NewIdentityPolicyResource,
		NewSCPEnablementResource,
		NewServiceControlPolicyAttachmentResource,
		NewServiceControlPolicyResource,
	}
}

func (p *imsPolicyProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAccessAnalysisDataSource,
		NewActionsDataSource,
		NewAPIPermissionsDataSource,
		NewConditionKeysDataSource,
		NewIdentityPolicyDataSource,
		NewPolicyDocumentDataSource,
		NewPolicySimulationDataSource,
		NewServiceControlPolicyDataSource,
	}
}

func (p *imsPolicyProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewEffectivePermissionsFunction,
		NewEffectiveAPIPermissionsFunction,
		NewExpandActionsFunction,
		NewGrantsNoNewAccessFunction,
		NewImageURNFunction,
		NewIsAllowedFunction,
		NewMigrateV3PolicyFunction,
		NewNormalizePolicyFunction,
	}
}

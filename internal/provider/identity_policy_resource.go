package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var (
	_ resource.Resource                = (*identityPolicyResource)(nil)
	_ resource.ResourceWithConfigure   = (*identityPolicyResource)(nil)
	_ resource.ResourceWithImportState = (*identityPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*identityPolicyResource)(nil)
)

var identityPolicyNameRE = regexp.MustCompile(`^[A-Za-z0-9_+=.@-]{1,128}$`)

// identityPolicyPathRE is the vendor's path grammar: segments each ending in "/". A
// segment of only dots ("./", "../") is refused (inferred: a path is a name, and
// relative segments are what a path check exists to stop).
var identityPolicyPathRE = regexp.MustCompile(`^(([A-Za-z0-9.,+@=_-]*[A-Za-z0-9,+@=_-][A-Za-z0-9.,+@=_-]*)/)+$`)

// NewIdentityPolicyResource returns the imspolicy_identity_policy resource.
func NewIdentityPolicyResource() resource.Resource { return &identityPolicyResource{} }

type identityPolicyResource struct{ data *providerData }

type identityPolicyModel struct {
	ID               types.String   `tfsdk:"id"`
	Name             types.String   `tfsdk:"name"`
	Path             types.String   `tfsdk:"path"`
	Description      types.String   `tfsdk:"description"`
	Policy           policyJSON     `tfsdk:"policy"`
	URN              types.String   `tfsdk:"urn"`
	DefaultVersionID types.String   `tfsdk:"default_version_id"`
	VersionIDs       types.List     `tfsdk:"version_ids"`
	AttachmentCount  types.Int64    `tfsdk:"attachment_count"`
	CreatedAt        types.String   `tfsdk:"created_at"`
	UpdatedAt        types.String   `tfsdk:"updated_at"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (r *identityPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity_policy"
}

func (r *identityPolicyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A custom identity policy (IAM v5). The document is checked at plan time against the IMS " +
			"catalog and the vendor's grammar: errors fail the plan, warnings show in it. A change of the document " +
			"creates a new default version; the vendor keeps at most 5 versions, so the oldest version that is not " +
			"the default is deleted first when there are 5. Attach the policy with `imspolicy_identity_policy_attachment`. " +
			"System policies cannot be managed (importing one fails): read them with the `imspolicy_identity_policy` data source. " +
			"A change of the document that grants new access shows as a warning in the plan, with a request for each action " +
			"newly allowed (the provider's `warn_on_new_access`).\n\n" +
			"**Creating never takes over a policy.** When a policy holds the name (names are compared ignoring case), the " +
			"create fails with its id and the `import` block that brings it under this resource. When the answer to a create " +
			"is lost (a dropped connection, a timeout, a 5xx, a cut answer, a success without an id) and a policy then holds " +
			"the name, it is not recorded either: it may be the one the lost attempt made, or one another apply made at the same " +
			"moment, and nothing in an IAM v5 create tells two identical creations apart (the AWS provider does the same for " +
			"IAM policies). The apply fails with its id and the `import` block: import it if it is this configuration's.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy's id.",
				PlanModifiers:       keep,
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name, unique in the account: 1 to 128 letters, digits or `_+=.@-`. Changing it replaces the policy.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{stringvalidator.RegexMatches(identityPolicyNameRE,
					"must be 1 to 128 letters, digits or the characters _+=.@-")},
			},
			"path": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(client.RootPath),
				MarkdownDescription: "Path, for organising policies: `/` (the default: no path) or segments each ending in `/`, " +
					"like `images/builders/`. The API itself has no `/` (it answers a bare `/` with 400 and reports no path as `\"\"`): " +
					"for `/` the provider sends no path. Changing it replaces the policy.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthAtMost(512),
					stringvalidator.Any(
						stringvalidator.OneOf(client.RootPath),
						stringvalidator.RegexMatches(identityPolicyPathRE, "must be segments of letters, digits or .,+@=_- each ending in /, none of them . or .."),
					),
				},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				MarkdownDescription: "Description, up to 1000 characters. Updated in place.",
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(1000)},
			},
			"policy": schema.StringAttribute{
				Required:   true,
				CustomType: policyJSONType{},
				MarkdownDescription: "The policy document (JSON), for example from `imspolicy_policy_document` or `jsonencode`. " +
					"Checked at plan time as an identity policy. A document with the same normal form (`normalize_policy`: white " +
					"space, key, list and statement order, action and key case, a value's spelling) makes no diff. Changing it creates a new default version. " +
					"It is sent as written, and its size counted on that text, as the service counts it: " + policy.Identity.SizeRule() + ".",
				Validators:    []validator.String{validators.PolicyDocument(policy.Identity)},
				PlanModifiers: []planmodifier.String{keepEquivalentPolicy{}},
			},
			"urn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy's URN, `iam::<account-id>:policy:<name>`.",
				PlanModifiers:       keep,
			},
			"default_version_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The default version, `v<N>`: the one in force.",
			},
			"version_ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Every version the policy keeps, oldest first (at most 5).",
			},
			"attachment_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many users, groups and agencies the policy is attached to.",
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the policy was created (UTC).",
				PlanModifiers:       keep,
			},
			"updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the policy's default version last changed (UTC).",
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

func (r *identityPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports missing credentials at plan time, warns when a change of the
// document grants new access, and keeps the version attributes when the document does not
// change.
func (r *identityPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !checkCredentialsAtPlan(r.data, &resp.Diagnostics) || req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return // no credentials, a destroy or a create
	}
	var plan, state identityPolicyModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	warnOnNewAccess(r.data, path.Root("policy"), policy.Identity, state.Policy, plan.Policy, &resp.Diagnostics)
	if plan.Policy.IsUnknown() || !policyDocumentsEqual(plan.Policy.ValueString(), state.Policy.ValueString()) {
		return
	}
	plan.DefaultVersionID, plan.VersionIDs = state.DefaultVersionID, state.VersionIDs
	if plan.Description.Equal(state.Description) {
		// Only the document's form changed (the framework marked the computed attributes
		// unknown before the policy's plan modifier kept the prior document): no change.
		plan.UpdatedAt, plan.AttachmentCount = state.UpdatedAt, state.AttachmentCount
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *identityPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan identityPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := apiClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts, opCreate, &resp.Diagnostics)
	defer cancel()
	name := plan.Name.ValueString()
	in := client.CreatePolicyInput{
		Name:        name,
		Path:        plan.Path.ValueString(),
		Document:    plan.Policy.ValueString(),
		Description: plan.Description.ValueString(),
	}
	created, err := c.CreatePolicy(ctx, in)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("creating identity policy %q", name), err)
		return
	}
	tflog.Info(ctx, "created identity policy", map[string]any{"policy_id": created.PolicyID, "name": name})

	p, versions, err := readIdentityPolicy(ctx, c, created.PolicyID)
	if err != nil {
		// The policy exists and holds what was planned: record it from the create's answer
		// (a new policy has one version and no attachments), so that it is neither
		// orphaned nor tainted; the next refresh reads it.
		resp.Diagnostics.AddWarning("Identity policy created, reading it back failed",
			fmt.Sprintf("Identity policy %q (%s) was created; reading it back failed, so its attributes are recorded from the create's "+
				"answer and the next refresh reads them. The API said: %v", name, created.PolicyID, err))
		p = created
		versions = []client.PolicyVersion{{VersionID: created.DefaultVersionID, IsDefault: true}}
	}
	resp.Diagnostics.Append(plan.fill(ctx, p, versions)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *identityPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state identityPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := apiClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, opRead, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()

	var p *client.Policy
	var v *client.PolicyVersion
	get := func(ctx context.Context) error {
		var err error
		p, v, err = c.GetPolicyDocument(ctx, id)
		return err
	}
	err := c.WithPolicy(ctx, id, get)
	if errors.Is(err, client.ErrPolicyGone) {
		tflog.Warn(ctx, "identity policy deleted outside Terraform; removing it from state", map[string]any{"policy_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("reading identity policy %s", id), err)
		return
	}
	if p.IsSystem() {
		resp.Diagnostics.AddError("System policy",
			fmt.Sprintf("%s (%s) is a system identity policy: it cannot be changed or deleted, so Terraform cannot manage it. "+
				"Read it with the imspolicy_identity_policy data source instead (and attach it with "+
				"imspolicy_identity_policy_attachment).", p.PolicyID, p.PolicyName))
		return
	}
	versions, err := c.ListPolicyVersions(ctx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("listing the versions of identity policy %s", id), err)
		return
	}
	// The document in force is the default version's. Keep the configuration's form when
	// it means the same; otherwise the change outside Terraform shows as an update.
	if state.Policy.IsNull() || state.Policy.IsUnknown() || !policyDocumentsEqual(state.Policy.ValueString(), v.Document) {
		state.Policy = newPolicyJSON(v.Document)
	}
	resp.Diagnostics.Append(state.fill(ctx, p, versions)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *identityPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state identityPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := apiClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts, opUpdate, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()
	plan.ID = state.ID

	setDescription := func() bool {
		err := c.UpdatePolicyDescription(ctx, id, plan.Description.ValueString())
		switch {
		case client.IsAPINotServed(err):
			// UpdatePolicyV5 is in the vendor's API reference but not in its SDK: an
			// endpoint may not serve it. The policy is untouched and stays in state.
			resp.Diagnostics.AddAttributeError(path.Root("description"), "Description cannot be changed in place here",
				fmt.Sprintf("The IAM endpoint does not serve UpdatePolicyV5 (PUT /v5/policies/{policy_id}), the call that changes an "+
					"identity policy's description in place, so the description of %s (%q) cannot be changed. Keep the description "+
					"as it is, or replace the policy to change it: terraform apply -replace=<this resource's address> (the policy is "+
					"deleted and created again; detach it first if it is attached outside Terraform).\n\nThe API said: %v",
					id, state.Name.ValueString(), err))
			return false
		case err != nil:
			addAPIError(&resp.Diagnostics, fmt.Sprintf("updating the description of identity policy %s", id), err)
			return false
		}
		return true
	}
	if !plan.Description.Equal(state.Description) && !setDescription() {
		return
	}
	if !policyDocumentsEqual(plan.Policy.ValueString(), state.Policy.ValueString()) {
		v, err := c.CreateDefaultPolicyVersion(ctx, id, plan.Policy.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("creating a new version of identity policy %s", id), err)
			return
		}
		tflog.Info(ctx, "new default version of identity policy", map[string]any{"policy_id": id, "version_id": v.VersionID})
	}

	p, versions, err := readIdentityPolicy(ctx, c, id)
	if err == nil && p.Description != plan.Description.ValueString() {
		// Changed outside Terraform since the plan: the plan says what it must be.
		tflog.Warn(ctx, "identity policy description changed outside Terraform during the update; setting the planned one", map[string]any{"policy_id": id})
		if !setDescription() {
			return
		}
		p.Description = plan.Description.ValueString()
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("reading identity policy %s after updating it", id), err)
		return
	}
	resp.Diagnostics.Append(plan.fill(ctx, p, versions)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *identityPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state identityPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := apiClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, opDelete, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()
	err := c.DeletePolicy(ctx, id)
	switch {
	case err == nil, client.IsNotFound(err):
		return
	case client.IsConflict(err):
		resp.Diagnostics.AddError("Identity policy still attached",
			fmt.Sprintf("Identity policy %q (%s) cannot be deleted while it is attached to %s. "+
				"Terraform detaches only the attachments it manages (imspolicy_identity_policy_attachment): "+
				"detach the others, or bring them under Terraform, then destroy again.\n\nThe API said: %v",
				state.Name.ValueString(), id, describeIdentityPolicyAttachments(ctx, c, id), err))
	default:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("deleting identity policy %s", id), err)
	}
}

func (r *identityPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if id == "" || strings.ContainsAny(id, "/?#") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import an identity policy by its policy ID, as the imspolicy_identity_policy data source or the console shows it; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// fill sets the attributes the service owns from what it answered.
func (m *identityPolicyModel) fill(ctx context.Context, p *client.Policy, versions []client.PolicyVersion) diag.Diagnostics {
	m.ID = types.StringValue(p.PolicyID)
	m.Name = types.StringValue(p.PolicyName)
	m.Path = types.StringValue(p.PathOrRoot())
	m.Description = types.StringValue(p.Description)
	m.URN = types.StringValue(p.URN)
	m.DefaultVersionID = types.StringValue(p.DefaultVersionID)
	m.AttachmentCount = types.Int64Value(int64(p.AttachmentCount))
	m.CreatedAt = types.StringValue(p.CreatedAt)
	m.UpdatedAt = types.StringValue(p.UpdatedAt)
	ids := make([]string, 0, len(versions))
	for _, v := range versions {
		ids = append(ids, v.VersionID)
	}
	slices.SortFunc(ids, func(a, b string) int { return client.VersionNumber(a) - client.VersionNumber(b) })
	var diags diag.Diagnostics
	m.VersionIDs, diags = types.ListValueFrom(ctx, types.StringType, ids)
	return diags
}

// readIdentityPolicy reads a policy and its versions right after a write, waiting while
// reads answer 404 (they may for a while after a create).
func readIdentityPolicy(ctx context.Context, c *client.Client, id string) (*client.Policy, []client.PolicyVersion, error) {
	p, err := c.WaitForPolicy(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var versions []client.PolicyVersion
	err = c.RetryWhileNotFound(ctx, func(ctx context.Context) error {
		var e error
		versions, e = c.ListPolicyVersions(ctx, id)
		return e
	})
	return p, versions, err
}

// describeIdentityPolicyAttachments names the principals a policy is attached to, for error messages.
func describeIdentityPolicyAttachments(ctx context.Context, c *client.Client, id string) string {
	es, err := c.ListPolicyEntities(ctx, id, "")
	if err != nil {
		return "users, groups or agencies"
	}
	var names []string
	for _, pt := range []client.PrincipalType{client.PrincipalUser, client.PrincipalGroup, client.PrincipalAgency} {
		for _, e := range es.Of(pt) {
			names = append(names, fmt.Sprintf("%s %s", pt, e.ID))
		}
	}
	switch {
	case len(names) == 0:
		return "users, groups or agencies"
	case len(names) > 10:
		return strings.Join(names[:10], ", ") + fmt.Sprintf(" and %d more", len(names)-10)
	}
	return strings.Join(names, ", ")
}

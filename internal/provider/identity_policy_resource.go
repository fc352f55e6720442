package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

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

// identityPolicyPathRE is the vendor's path grammar: segments each ending in "/".
var identityPolicyPathRE = regexp.MustCompile(`^([A-Za-z0-9.,+@=_-]+/)+$`)

// NewIdentityPolicyResource returns the imspolicy_identity_policy resource.
func NewIdentityPolicyResource() resource.Resource { return &identityPolicyResource{} }

type identityPolicyResource struct{ data *providerData }

type identityPolicyModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Path             types.String `tfsdk:"path"`
	Description      types.String `tfsdk:"description"`
	Policy           policyJSON   `tfsdk:"policy"`
	URN              types.String `tfsdk:"urn"`
	DefaultVersionID types.String `tfsdk:"default_version_id"`
	VersionIDs       types.List   `tfsdk:"version_ids"`
	AttachmentCount  types.Int64  `tfsdk:"attachment_count"`
	CreatedAt        types.String `tfsdk:"created_at"`
	UpdatedAt        types.String `tfsdk:"updated_at"`
}

func (r *identityPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity_policy"
}

func (r *identityPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A custom identity policy (IAM v5). The document is checked at plan time against the IMS " +
			"catalog and the vendor's grammar: errors fail the plan, warnings show in it. A change of the document " +
			"creates a new default version; the vendor keeps at most 5 versions, so the oldest version that is not " +
			"the default is deleted first when there are 5. Attach the policy with `imspolicy_identity_policy_attachment`.",
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
				MarkdownDescription: "Path, for organising policies: `/` (the default) or segments each ending in `/`, " +
					"like `images/builders/`. Changing it replaces the policy.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthAtMost(512),
					stringvalidator.Any(
						stringvalidator.OneOf(client.RootPath),
						stringvalidator.RegexMatches(identityPolicyPathRE, "must be segments of letters, digits or .,+@=_- each ending in /"),
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
					"Checked at plan time as an identity policy. A document that means the same (white space, key order, a " +
					"string for a list of one, list order, action case) makes no diff. Changing it creates a new default version.",
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
	}
}

func (r *identityPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports missing credentials at plan time, and keeps the version attributes
// when the document does not change.
func (r *identityPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if apiClient(r.data, &resp.Diagnostics) == nil || req.State.Raw.IsNull() {
		return
	}
	var plan, state identityPolicyModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
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
		// The policy exists: keep it in state (tainted), so that it is not orphaned.
		addAPIError(&resp.Diagnostics, fmt.Sprintf("reading identity policy %q (%s) after creating it", name, created.PolicyID), err)
		plan.ID = types.StringValue(created.PolicyID)
		plan.URN = types.StringValue(created.URN)
		plan.DefaultVersionID = types.StringValue(created.DefaultVersionID)
		plan.VersionIDs = types.ListNull(types.StringType)
		plan.AttachmentCount = types.Int64Null()
		plan.CreatedAt = types.StringValue(created.CreatedAt)
		plan.UpdatedAt = types.StringValue(created.UpdatedAt)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
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
	id := state.ID.ValueString()
	plan.ID = state.ID

	if !plan.Description.Equal(state.Description) {
		if err := c.UpdatePolicyDescription(ctx, id, plan.Description.ValueString()); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("updating the description of identity policy %s", id), err)
			return
		}
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
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
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

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
	_ resource.Resource                = (*serviceControlPolicyResource)(nil)
	_ resource.ResourceWithConfigure   = (*serviceControlPolicyResource)(nil)
	_ resource.ResourceWithImportState = (*serviceControlPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*serviceControlPolicyResource)(nil)
)

// NewServiceControlPolicyResource returns the imspolicy_service_control_policy resource.
func NewServiceControlPolicyResource() resource.Resource { return &serviceControlPolicyResource{} }

type serviceControlPolicyResource struct{ data *providerData }

type serviceControlPolicyModel struct {
	ID          types.String   `tfsdk:"id"`
	URN         types.String   `tfsdk:"urn"`
	Name        types.String   `tfsdk:"name"`
	Description types.String   `tfsdk:"description"`
	Content     policyJSON     `tfsdk:"content"`
	Tags        types.Map      `tfsdk:"tags"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// ModifyPlan reports missing credentials at plan time and warns when a change of the
// content grants new access.
func (r *serviceControlPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !checkCredentialsAtPlan(r.data, &resp.Diagnostics) || req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return // no credentials, a destroy or a create
	}
	var plan, state policyJSON
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("content"), &plan)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("content"), &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	warnOnNewAccess(r.data, path.Root("content"), policy.SCP, state, plan, &resp.Diagnostics)
}

func (r *serviceControlPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_control_policy"
}

func (r *serviceControlPolicyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages an Organizations service control policy (SCP). The content is checked at plan " +
			"time with the SCP rules (see the Validation rules guide); name, description and content change in place. " +
			"Attach it with `imspolicy_service_control_policy_attachment`. A change of the content that lets through a request " +
			"it blocked shows as a warning in the plan, with a request for each action newly allowed (the provider's `warn_on_new_access`).\n\n" +
			"**Creating never takes over another SCP.** When an SCP holds the name (names are compared ignoring case), the " +
			"create fails with its id and the `import` block that brings it under this resource. Each create tags the SCP it " +
			"makes with `" + client.CreateTokenTagKey + "`, a random token of that create (see `tags`): when the answer to a " +
			"create is lost (a dropped connection, a timeout, a 5xx, a cut answer, a success without an id), the SCP holding " +
			"the name is recorded only if it carries that token; any other (another apply's, made at the same moment) fails " +
			"the create with its id and the `import` block. A rename to a name another SCP holds fails the same way, with that SCP's id.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy ID, e.g. `p-…`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"urn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy URN.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: fmt.Sprintf("The policy name, 1 to %d characters (not bytes), not only white space and without control characters, unique in the organisation. Changes in place.", client.MaxSCPNameLength),
				Validators:          []validator.String{validators.Text(1, client.MaxSCPNameLength, true)},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				MarkdownDescription: fmt.Sprintf("A description, up to %d characters (not bytes). Changes in place.", client.MaxSCPDescriptionLength),
				Validators:          []validator.String{validators.Text(0, client.MaxSCPDescriptionLength, false)},
			},
			"content": schema.StringAttribute{
				Required:   true,
				CustomType: policyJSONType{},
				MarkdownDescription: "The policy document (JSON), e.g. from `jsonencode` or `imspolicy_policy_document` with " +
					"`purpose = \"scp\"`. Checked at plan time as an SCP. A document with the same normal form " +
					"(`normalize_policy`: white space, key, list and statement order, a value's spelling) is no change. Changes in place. It is sent as written, and its size counted on that text, as the service counts it: " + policy.SCP.SizeRule() + ".",
				Validators:    []validator.String{validators.PolicyDocument(policy.SCP)},
				PlanModifiers: []planmodifier.String{keepEquivalentPolicy{}},
			},
			"tags": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: fmt.Sprintf("Tags of the policy, at most %d: keys of 1 to %d characters, values of up to %d "+
					"(limits inferred from the vendor's tag service; neither the API reference nor the SDK states them). Changed in "+
					"place through the Organizations tag API; tags changed outside Terraform show as a change to undo. The provider "+
					"also tags every SCP it creates with `%s` (a random token per create, which tells the SCP a create made from "+
					"another apply's after a lost answer): that tag takes one of the policy's %d tags, is never shown here nor "+
					"changed, and the key is refused in this map.",
					client.MaxUserTags, client.MaxTagKeyLength, client.MaxTagValueLength, client.CreateTokenTagKey, client.MaxTagsPerResource),
				Validators: []validator.Map{validators.Tags()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

func (r *serviceControlPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *serviceControlPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan serviceControlPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := apiClient(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts, opCreate, &resp.Diagnostics)
	defer cancel()
	tags := map[string]string{}
	if !plan.Tags.IsNull() {
		resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &tags, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	created, err := c.CreateSCP(ctx, client.CreateSCPInput{
		Name:        plan.Name.ValueString(),
		Description: plan.Description.ValueString(),
		Content:     plan.Content.ValueString(),
		Tags:        tags,
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "creating the service control policy", err)
		return
	}
	plan.ID = types.StringValue(created.ID)
	plan.URN = types.StringValue(created.URN)

	got, err := c.WaitForSCP(ctx, created.ID)
	if err != nil {
		// The policy exists and holds what was planned: record it from the create's answer,
		// neither orphaned nor tainted; the next refresh reads it.
		resp.Diagnostics.AddWarning("Service control policy created, reading it back failed",
			fmt.Sprintf("The service control policy %s was created; reading it back failed, so it is recorded from the create's "+
				"answer and the next refresh reads it. The API said: %v", created.ID, err))
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if got.URN != "" {
		plan.URN = types.StringValue(got.URN)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *serviceControlPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state serviceControlPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := apiClient(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, opRead, &resp.Diagnostics)
	defer cancel()
	got, err := c.GetSCP(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "the service control policy no longer exists; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the service control policy", err)
		return
	}
	if got.Type != "" && got.Type != client.PolicyTypeServiceControl {
		resp.Diagnostics.AddError("Not a service control policy",
			fmt.Sprintf("The Organizations policy %s is a %s, not a service control policy.", got.ID, got.Type))
		return
	}
	if got.IsBuiltin {
		resp.Diagnostics.AddError("System policy",
			fmt.Sprintf("%s (%s) is a system SCP: it cannot be changed or deleted, so Terraform cannot manage it. "+
				"Read it with the imspolicy_service_control_policy data source instead.", got.ID, got.Name))
		return
	}
	tags, err := c.ListResourceTags(ctx, got.ID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the tags of the service control policy", err)
		return
	}
	state.URN = types.StringValue(got.URN)
	state.Name = types.StringValue(got.Name)
	state.Description = types.StringValue(got.Description)
	// No tags and none configured stay null; otherwise the tags as they are.
	if len(tags) > 0 || !state.Tags.IsNull() {
		var diags diag.Diagnostics
		state.Tags, diags = types.MapValueFrom(ctx, types.StringType, tags)
		resp.Diagnostics.Append(diags...)
	}
	// A document that means the same as the one in state keeps the state's bytes
	// (policyJSON's semantic equality).
	state.Content = newPolicyJSON(got.Content)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *serviceControlPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state serviceControlPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := apiClient(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts, opUpdate, &resp.Diagnostics)
	defer cancel()
	var in client.UpdateSCPInput
	changed := false
	if !plan.Name.Equal(state.Name) {
		in.Name, changed = plan.Name.ValueStringPointer(), true
	}
	if !plan.Description.Equal(state.Description) {
		in.Description, changed = plan.Description.ValueStringPointer(), true
	}
	if !policyDocumentsEqual(plan.Content.ValueString(), state.Content.ValueString()) {
		in.Content, changed = plan.Content.ValueStringPointer(), true
	}
	if changed {
		updated, err := c.UpdateSCP(ctx, state.ID.ValueString(), in)
		if err != nil {
			addAPIError(&resp.Diagnostics, "updating the service control policy", err)
			return
		}
		if updated.URN != "" {
			plan.URN = types.StringValue(updated.URN)
		}
	}
	if !plan.Tags.Equal(state.Tags) {
		var want, have map[string]string
		resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &want, false)...)
		resp.Diagnostics.Append(state.Tags.ElementsAs(ctx, &have, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		set, unset := client.TagChanges(have, want)
		id := state.ID.ValueString()
		if err := c.UntagResource(ctx, id, unset); err != nil {
			addAPIError(&resp.Diagnostics, "removing tags of the service control policy", err)
			return
		}
		if err := c.TagResource(ctx, id, set); err != nil {
			addAPIError(&resp.Diagnostics, "tagging the service control policy", err)
			return
		}
	}
	plan.ID = state.ID
	if plan.URN.IsUnknown() {
		plan.URN = state.URN
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *serviceControlPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state serviceControlPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := apiClient(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, opDelete, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()
	err := c.DeleteSCP(ctx, id)
	switch {
	case err == nil, client.IsNotFound(err):
		return
	case client.IsConflict(err):
		detail := err.Error() + "\n\nA service control policy can only be deleted once it is attached nowhere."
		if es, lerr := c.ListSCPEntities(ctx, id); lerr == nil && len(es) > 0 {
			names := make([]string, 0, len(es))
			for _, e := range es {
				names = append(names, fmt.Sprintf("%s (%s)", e.ID, e.Type))
			}
			detail += " It is attached to " + strings.Join(names, ", ") + ": detach it (remove those " +
				"imspolicy_service_control_policy_attachment resources, or detach it outside Terraform) and try again."
		}
		resp.Diagnostics.AddError("Deleting the service control policy failed", detail)
	default:
		addAPIError(&resp.Diagnostics, "deleting the service control policy", err)
	}
}

func (r *serviceControlPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if id == "" || strings.Contains(id, "/") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a service control policy by its policy ID, such as \"p-0123456789abcdef\"; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

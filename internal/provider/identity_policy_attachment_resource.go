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
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
)

var (
	_ resource.Resource                = (*identityPolicyAttachmentResource)(nil)
	_ resource.ResourceWithConfigure   = (*identityPolicyAttachmentResource)(nil)
	_ resource.ResourceWithImportState = (*identityPolicyAttachmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*identityPolicyAttachmentResource)(nil)
)

// identityPolicyAttachmentIDPartRE: ids of policies and principals, which the
// attachment's id joins with "/".
var identityPolicyAttachmentIDPartRE = regexp.MustCompile(`^[^/\s]+$`)

var identityPolicyPrincipalTypes = []string{string(client.PrincipalUser), string(client.PrincipalGroup), string(client.PrincipalAgency)}

// NewIdentityPolicyAttachmentResource returns the imspolicy_identity_policy_attachment resource.
func NewIdentityPolicyAttachmentResource() resource.Resource {
	return &identityPolicyAttachmentResource{}
}

type identityPolicyAttachmentResource struct{ data *providerData }

type identityPolicyAttachmentModel struct {
	ID            types.String   `tfsdk:"id"`
	PolicyID      types.String   `tfsdk:"policy_id"`
	PrincipalType types.String   `tfsdk:"principal_type"`
	PrincipalID   types.String   `tfsdk:"principal_id"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (r *identityPolicyAttachmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity_policy_attachment"
}

func (r *identityPolicyAttachmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	idPart := stringvalidator.RegexMatches(identityPolicyAttachmentIDPartRE, "must be an id: not empty, without / or white space")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Attaches an identity policy to an IAM user, user group or agency. Every argument " +
			"replaces the attachment when it changes. Destroying it detaches the policy.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<policy_id>/<principal_type>/<principal_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"policy_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The identity policy's id, e.g. `imspolicy_identity_policy.example.id`.",
				PlanModifiers:       replace,
				Validators:          []validator.String{idPart},
			},
			"principal_type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "What the policy attaches to: `user`, `group` or `agency`.",
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.OneOf(identityPolicyPrincipalTypes...)},
			},
			"principal_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the user, group or agency.",
				PlanModifiers:       replace,
				Validators:          []validator.String{idPart},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, false)},
	}
}

func (r *identityPolicyAttachmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports missing credentials at plan time.
func (r *identityPolicyAttachmentResource) ModifyPlan(_ context.Context, _ resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkCredentialsAtPlan(r.data, &resp.Diagnostics)
}

func (r *identityPolicyAttachmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan identityPolicyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := apiClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts, opCreate, &resp.Diagnostics)
	defer cancel()
	policyID, pt, principalID := plan.PolicyID.ValueString(), client.PrincipalType(plan.PrincipalType.ValueString()), plan.PrincipalID.ValueString()
	doing := fmt.Sprintf("attaching identity policy %s to %s %s", policyID, pt, principalID)

	attach := func(ctx context.Context) error { return c.AttachPolicy(ctx, policyID, pt, principalID) }
	err := c.WithPolicy(ctx, policyID, attach)
	if errors.Is(err, client.ErrPolicyGone) {
		resp.Diagnostics.AddAttributeError(path.Root("policy_id"), "Identity policy not found",
			fmt.Sprintf("There is no custom identity policy with id %q in the account, so it cannot be attached to %s %s.", policyID, pt, principalID))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, doing, err)
		return
	}
	plan.ID = types.StringValue(identityPolicyAttachmentID(policyID, string(pt), principalID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *identityPolicyAttachmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state identityPolicyAttachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := apiClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, opRead, &resp.Diagnostics)
	defer cancel()
	policyID, pt, principalID := state.PolicyID.ValueString(), client.PrincipalType(state.PrincipalType.ValueString()), state.PrincipalID.ValueString()

	var attached bool
	check := func(ctx context.Context) error {
		var err error
		attached, err = c.IsPolicyAttached(ctx, policyID, pt, principalID)
		return err
	}
	err := c.WithPolicy(ctx, policyID, check)
	if errors.Is(err, client.ErrPolicyGone) {
		tflog.Warn(ctx, "identity policy deleted outside Terraform; removing its attachment from state", map[string]any{"policy_id": policyID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("reading the attachment of identity policy %s to %s %s", policyID, pt, principalID), err)
		return
	}
	if !attached {
		tflog.Warn(ctx, "identity policy detached outside Terraform; removing the attachment from state",
			map[string]any{"policy_id": policyID, "principal_type": string(pt), "principal_id": principalID})
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(identityPolicyAttachmentID(policyID, string(pt), principalID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes only timeouts: every other argument replaces the attachment.
func (r *identityPolicyAttachmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Only timeouts change in place: nothing to call.
	var plan identityPolicyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *identityPolicyAttachmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state identityPolicyAttachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := apiClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, opDelete, &resp.Diagnostics)
	defer cancel()
	policyID, pt, principalID := state.PolicyID.ValueString(), client.PrincipalType(state.PrincipalType.ValueString()), state.PrincipalID.ValueString()
	err := c.DetachPolicy(ctx, policyID, pt, principalID)
	if err != nil && !client.IsNotFound(err) { // 404: the policy or the attachment is gone already
		addAPIError(&resp.Diagnostics, fmt.Sprintf("detaching identity policy %s from %s %s", policyID, pt, principalID), err)
	}
}

func (r *identityPolicyAttachmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	policyID, pt, principalID, err := parseIdentityPolicyAttachmentID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	for attr, v := range map[string]string{
		"id": identityPolicyAttachmentID(policyID, pt, principalID), "policy_id": policyID,
		"principal_type": pt, "principal_id": principalID,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}

func identityPolicyAttachmentID(policyID, principalType, principalID string) string {
	return policyID + "/" + principalType + "/" + principalID
}

// parseIdentityPolicyAttachmentID splits "<policy_id>/<principal_type>/<principal_id>".
func parseIdentityPolicyAttachmentID(id string) (policyID, principalType, principalID string, err error) {
	parts := strings.Split(id, "/")
	bad := func(why string) error {
		return fmt.Errorf("expected an ID of the form <policy_id>/<principal_type>/<principal_id>, with principal_type one of "+
			"user, group or agency (e.g. 0b3c.../user/07a1...), got %q: %s", id, why)
	}
	if len(parts) != 3 {
		return "", "", "", bad(fmt.Sprintf("it has %d part(s) separated by /, not 3", len(parts)))
	}
	for i, what := range []string{"policy_id", "principal_type", "principal_id"} {
		if !identityPolicyAttachmentIDPartRE.MatchString(parts[i]) {
			return "", "", "", bad(what + " is empty or has white space")
		}
	}
	if !slices.Contains(identityPolicyPrincipalTypes, parts[1]) {
		return "", "", "", bad(fmt.Sprintf("principal_type %q is not user, group or agency", parts[1]))
	}
	return parts[0], parts[1], parts[2], nil
}

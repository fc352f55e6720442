package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
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
	_ resource.Resource                = (*serviceControlPolicyAttachmentResource)(nil)
	_ resource.ResourceWithConfigure   = (*serviceControlPolicyAttachmentResource)(nil)
	_ resource.ResourceWithImportState = (*serviceControlPolicyAttachmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*serviceControlPolicyAttachmentResource)(nil)
)

// NewServiceControlPolicyAttachmentResource returns the
// imspolicy_service_control_policy_attachment resource.
func NewServiceControlPolicyAttachmentResource() resource.Resource {
	return &serviceControlPolicyAttachmentResource{}
}

type serviceControlPolicyAttachmentResource struct{ data *providerData }

type serviceControlPolicyAttachmentModel struct {
	ID       types.String   `tfsdk:"id"`
	PolicyID types.String   `tfsdk:"policy_id"`
	TargetID types.String   `tfsdk:"target_id"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *serviceControlPolicyAttachmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_control_policy_attachment"
}

func (r *serviceControlPolicyAttachmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Attaches a service control policy to the organisation's root, an organisational unit or " +
			"an account. SCPs must be enabled for the organisation first: manage that with `imspolicy_scp_enablement` " +
			"and add it to the attachment's `depends_on`. A root, OU or account holds at most 5 SCPs, the system " +
			"`FullAccess` included, and always keeps at least one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<policy_id>/<target_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"policy_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The SCP's ID, e.g. `imspolicy_service_control_policy.example.id`. Changing it replaces the attachment.",
				Validators:          []validator.String{scpAttachmentIDPart},
				PlanModifiers:       replace,
			},
			"target_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ID of the root (`r-…`), organisational unit (`ou-…`) or account to attach the SCP to. Changing it replaces the attachment.",
				Validators:          []validator.String{scpAttachmentIDPart},
				PlanModifiers:       replace,
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, false)},
	}
}

func (r *serviceControlPolicyAttachmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports missing credentials at plan time.
func (r *serviceControlPolicyAttachmentResource) ModifyPlan(_ context.Context, _ resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkCredentialsAtPlan(r.data, &resp.Diagnostics)
}

// scpAttachmentIDPart: policy and target IDs make up the attachment's ID, joined by a slash.
var scpAttachmentIDPart = stringvalidator.RegexMatches(regexp.MustCompile(`^[^/\s]+$`), "must be an ID, without slashes or white space")

func scpAttachmentID(policyID, targetID string) string { return policyID + "/" + targetID }

func (r *serviceControlPolicyAttachmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan serviceControlPolicyAttachmentModel
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
	policyID, targetID := plan.PolicyID.ValueString(), plan.TargetID.ValueString()
	if err := c.AttachSCP(ctx, policyID, targetID); err != nil {
		summary, detail := scpAttachFailure(ctx, c, policyID, targetID, err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	plan.ID = types.StringValue(scpAttachmentID(policyID, targetID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// scpAttachFailure explains a failed attach: SCPs not enabled, already attached, or the
// API's own answer.
func scpAttachFailure(ctx context.Context, c *client.Client, policyID, targetID string, err error) (string, string) {
	const doing = "attaching the service control policy"
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode < 400 || ae.StatusCode >= 500 ||
		ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden {
		return apiError(doing, err)
	}
	// Are SCPs enabled? The root says so (the error code for "not enabled" is not documented).
	if roots, rerr := c.ListRoots(ctx); rerr == nil {
		for _, root := range roots {
			st := root.PolicyTypeStatus(client.PolicyTypeServiceControl)
			if st == client.PolicyTypeStatusEnabled {
				continue
			}
			if st == "" {
				st = client.PolicyTypeStatusDisabled
			}
			return "Service control policies are not enabled", fmt.Sprintf(
				"Service control policies are not enabled for the organisation: its root %s reports them as %q, so "+
					"%s cannot be attached to %s.\n\nEnable them with an imspolicy_scp_enablement resource for the root, "+
					"and make the attachment wait for it:\n\n"+
					"  resource \"imspolicy_scp_enablement\" \"this\" {\n    root_id = %q\n  }\n\n"+
					"  resource \"imspolicy_service_control_policy_attachment\" \"...\" {\n    ...\n"+
					"    depends_on = [imspolicy_scp_enablement.this]\n  }\n\nThe API answered: %s",
				root.ID, st, policyID, targetID, root.ID, err)
		}
	} else {
		tflog.Warn(ctx, "listing the organisation's roots after a failed attach failed", map[string]any{"error": rerr.Error()})
	}
	if ae.StatusCode == http.StatusConflict {
		if attached, aerr := c.IsSCPAttached(ctx, policyID, targetID); aerr == nil && attached {
			return "Service control policy already attached", fmt.Sprintf(
				"%s is already attached to %s (by another resource, or outside Terraform). To manage that attachment here, import it:\n\n"+
					"  terraform import imspolicy_service_control_policy_attachment.<name> %s\n\nThe API answered: %s",
				policyID, targetID, scpAttachmentID(policyID, targetID), err)
		}
		summary, detail := apiError(doing, err)
		return summary, detail + "\n\nA root, OU or account holds at most 5 service control policies, the system " +
			"FullAccess included: detach one, or attach a broader policy instead."
	}
	return apiError(doing, err)
}

func (r *serviceControlPolicyAttachmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state serviceControlPolicyAttachmentModel
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
	policyID, targetID := state.PolicyID.ValueString(), state.TargetID.ValueString()
	attached, err := c.IsSCPAttached(ctx, policyID, targetID)
	if client.IsNotFound(err) || (err == nil && !attached) {
		tflog.Warn(ctx, "the service control policy is no longer attached; removing the attachment from state",
			map[string]any{"policy_id": policyID, "target_id": targetID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the service control policy attachment", err)
		return
	}
	state.ID = types.StringValue(scpAttachmentID(policyID, targetID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called: every argument replaces the attachment.
func (r *serviceControlPolicyAttachmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan serviceControlPolicyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *serviceControlPolicyAttachmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state serviceControlPolicyAttachmentModel
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
	policyID, targetID := state.PolicyID.ValueString(), state.TargetID.ValueString()
	err := c.DetachSCP(ctx, policyID, targetID)
	switch {
	case err == nil, client.IsNotFound(err):
		// Not found: the policy or the attachment is gone already (disabling SCPs
		// detaches every policy).
		return
	case client.IsConflict(err):
		resp.Diagnostics.AddError("Detaching the service control policy failed", fmt.Sprintf(
			"%s\n\nEvery root, OU and account keeps at least one service control policy: attach another one to %s "+
				"(for example the system FullAccess policy) before detaching %s.", err, targetID, policyID))
	default:
		addAPIError(&resp.Diagnostics, "detaching the service control policy", err)
	}
}

func (r *serviceControlPolicyAttachmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	policyID, targetID, ok := strings.Cut(req.ID, "/")
	if !ok || policyID == "" || targetID == "" || strings.Contains(targetID, "/") ||
		strings.TrimSpace(policyID) != policyID || strings.TrimSpace(targetID) != targetID {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf(
			"Import a service control policy attachment as <policy_id>/<target_id>, such as "+
				"\"p-0123456789abcdef/ou-ab12-cd34ef56\" (the target is a root, OU or account ID); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("policy_id"), policyID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("target_id"), targetID)...)
}

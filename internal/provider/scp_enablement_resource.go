package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

var (
	_ resource.Resource                 = (*scpEnablementResource)(nil)
	_ resource.ResourceWithConfigure    = (*scpEnablementResource)(nil)
	_ resource.ResourceWithImportState  = (*scpEnablementResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*scpEnablementResource)(nil)
	_ resource.ResourceWithUpgradeState = (*scpEnablementResource)(nil)
)

// scpEnablementTimeout, when positive, bounds the wait for the root to report SCPs enabled
// (or disabled) instead of the operation's timeout: tests shorten it.
var scpEnablementTimeout time.Duration

// scpEnablementWait is how long to wait for the root's status: what is left of the
// operation's timeout (the timeouts block), so that the docs' one figure is the true one.
func scpEnablementWait(ctx context.Context) time.Duration {
	if scpEnablementTimeout > 0 {
		return scpEnablementTimeout
	}
	if dl, ok := ctx.Deadline(); ok {
		return time.Until(dl)
	}
	return defaultTimeouts[opCreate]
}

// NewSCPEnablementResource returns the imspolicy_scp_enablement resource.
func NewSCPEnablementResource() resource.Resource { return &scpEnablementResource{} }

type scpEnablementResource struct{ data *providerData }

type scpEnablementModel struct {
	ID                    types.String   `tfsdk:"id"`
	RootID                types.String   `tfsdk:"root_id"`
	Status                types.String   `tfsdk:"status"`
	DisableOnDestroy      types.Bool     `tfsdk:"disable_on_destroy"`
	EnabledByThisResource types.Bool     `tfsdk:"enabled_by_this_resource"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

// scpEnablementModelV0 is the state of schema version 0, whose disable_on_destroy
// defaulted to true and which did not record who enabled SCPs.
type scpEnablementModelV0 struct {
	ID               types.String   `tfsdk:"id"`
	RootID           types.String   `tfsdk:"root_id"`
	Status           types.String   `tfsdk:"status"`
	DisableOnDestroy types.Bool     `tfsdk:"disable_on_destroy"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (r *scpEnablementResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scp_enablement"
}

func (r *scpEnablementResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = scpEnablementSchema(ctx)
}

// scpEnablementDisableWarning is the consequence of disabling SCPs, as the docs and the
// plan's warning say it.
const scpEnablementDisableWarning = "Disabling service control policies detaches **every** SCP from every root, OU and " +
	"account of the organisation, including attachments made outside Terraform, and lifts every guard rail they held."

func scpEnablementSchema(ctx context.Context) schema.Schema {
	s := scpEnablementSchemaV0(ctx)
	s.Version = 1
	s.MarkdownDescription = "Enables service control policies for the organisation's root and waits (up to the create " +
		"timeout, " + validators.ShortDuration(defaultTimeouts[opCreate]) + " by default) until the root reports them enabled. Enabling attaches the system `FullAccess` SCP " +
		"to the root and to every OU and account. Attachments of SCPs fail until SCPs are enabled: give each " +
		"`imspolicy_service_control_policy_attachment` a `depends_on` on this resource.\n\n" +
		"Destroying this resource, or removing it from the configuration, **leaves SCPs enabled** unless the " +
		"configuration sets `disable_on_destroy = true`. " + scpEnablementDisableWarning + " A plan that will disable " +
		"them says so in a warning.\n\n" +
		"If SCPs are already enabled, creating the resource takes the setting over (with a warning) without a change, " +
		"and `enabled_by_this_resource` is `false`."
	s.Attributes["disable_on_destroy"] = schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(false),
		MarkdownDescription: "Whether destroying this resource disables SCPs for the organisation, detaching every " +
			"SCP everywhere. Default `false`: SCPs stay enabled. Changes in place.",
	}
	s.Attributes["enabled_by_this_resource"] = schema.BoolAttribute{
		Computed: true,
		MarkdownDescription: "Whether this resource's create enabled SCPs: `false` when they were already enabled " +
			"(the resource took the setting over) and after an import.",
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}
	return s
}

// scpEnablementSchemaV0 is the schema of version 0, kept for its state upgrader.
func scpEnablementSchemaV0(ctx context.Context) schema.Schema {
	return schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The root ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"root_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The organisation's root ID (`r-…`). Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The status of the SCP policy type the root reports: `enabled` once applied (`pending_enable` or `pending_disable` while the service changes it).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"disable_on_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

// UpgradeState carries version 0 states over. Their disable_on_destroy = true may be the
// old default rather than the configuration's word, and the provider cannot tell which:
// it becomes false, so that no destroy disables SCPs on a default. A configuration that
// does set true plans an in-place update back to true, visible in the plan.
func (r *scpEnablementResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	v0 := scpEnablementSchemaV0(ctx)
	return map[int64]resource.StateUpgrader{
		0: {
			PriorSchema: &v0,
			StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
				var old scpEnablementModelV0
				resp.Diagnostics.Append(req.State.Get(ctx, &old)...)
				if resp.Diagnostics.HasError() {
					return
				}
				resp.Diagnostics.Append(resp.State.Set(ctx, scpEnablementModel{
					ID: old.ID, RootID: old.RootID, Status: old.Status, Timeouts: old.Timeouts,
					DisableOnDestroy:      types.BoolValue(false),
					EnabledByThisResource: types.BoolNull(),
				})...)
			},
		},
	}
}

// ModifyPlan reports missing credentials at plan time, and warns when applying the plan
// will disable SCPs: a destroy, or a replacement (another root_id), of an enablement whose
// state says disable_on_destroy = true.
func (r *scpEnablementResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !checkCredentialsAtPlan(r.data, &resp.Diagnostics) || req.State.Raw.IsNull() {
		return // no credentials, or a create
	}
	var state scpEnablementModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.DisableOnDestroy.ValueBool() {
		return
	}
	how := "Destroying"
	if !req.Plan.Raw.IsNull() {
		var plan scpEnablementModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		if resp.Diagnostics.HasError() || plan.RootID.Equal(state.RootID) {
			return
		}
		how = "Replacing"
	}
	detail := fmt.Sprintf("%s %s disables service control policies for the organisation of root %s, because its "+
		"disable_on_destroy is true. %s", how, "imspolicy_scp_enablement", state.RootID.ValueString(),
		strings.ReplaceAll(scpEnablementDisableWarning, "**", ""))
	if !state.EnabledByThisResource.ValueBool() {
		detail += " SCPs were not enabled by this resource: it took the setting over (or was imported)."
	}
	detail += "\n\nTo leave SCPs enabled, set disable_on_destroy = false and apply before destroying."
	resp.Diagnostics.AddWarning("This plan disables service control policies for the whole organisation", detail)
}

func (r *scpEnablementResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// scpRoot reads a root, adding an error that lists the organisation's roots when there is
// no such root.
func scpRoot(ctx context.Context, c *client.Client, rootID string, diags *diag.Diagnostics) *client.Root {
	root, err := c.GetRoot(ctx, rootID)
	if err == nil {
		return root
	}
	if client.IsNotFound(err) {
		var ids []string
		if roots, lerr := c.ListRoots(ctx); lerr == nil {
			for _, r := range roots {
				ids = append(ids, r.ID)
			}
		}
		diags.AddAttributeError(path.Root("root_id"), "Unknown organisation root", fmt.Sprintf(
			"The organisation has no root %q. Its roots: %s.", rootID, strings.Join(ids, ", ")))
		return nil
	}
	addAPIError(diags, "reading the organisation's root", err)
	return nil
}

func scpStatus(root *client.Root) string {
	if st := root.PolicyTypeStatus(client.PolicyTypeServiceControl); st != "" {
		return st
	}
	return client.PolicyTypeStatusDisabled
}

func (r *scpEnablementResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scpEnablementModel
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
	rootID := plan.RootID.ValueString()
	root := scpRoot(ctx, c, rootID, &resp.Diagnostics)
	if root == nil {
		return
	}
	plan.EnabledByThisResource = types.BoolValue(false)
	switch st := scpStatus(root); st {
	case client.PolicyTypeStatusEnabled, client.PolicyTypeStatusPendingEnable:
		msg := fmt.Sprintf("Service control policies were already %s on root %s; Terraform now manages the setting.", strings.ReplaceAll(st, "_", " "), rootID)
		if plan.DisableOnDestroy.ValueBool() {
			msg += " Its disable_on_destroy = true makes destroying this resource disable them and detach every SCP, " +
				"including attachments made outside Terraform; set disable_on_destroy = false to leave them enabled."
		} else {
			msg += " Destroying this resource leaves them enabled."
		}
		resp.Diagnostics.AddWarning("Service control policies already enabled", msg)
	default:
		if err := c.EnablePolicyType(ctx, rootID, client.PolicyTypeServiceControl); err != nil {
			addAPIError(&resp.Diagnostics, "enabling service control policies", err)
			return
		}
		plan.EnabledByThisResource = types.BoolValue(true)
	}
	root, err := c.WaitForPolicyTypeStatus(ctx, rootID, client.PolicyTypeServiceControl, client.PolicyTypeStatusEnabled, scpEnablementWait(ctx))
	if err != nil {
		// Nothing is saved: the next apply enables (adopts) and waits again, where a
		// tainted resource would be replaced, which disables SCPs.
		summary, detail := apiError("waiting for service control policies to be enabled", err)
		resp.Diagnostics.AddError(summary, detail+"\n\nThe request to enable them was accepted; apply again to keep waiting.")
		return
	}
	plan.ID = types.StringValue(rootID)
	plan.Status = types.StringValue(scpStatus(root))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *scpEnablementResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scpEnablementModel
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
	rootID := state.RootID.ValueString()
	if rootID == "" {
		rootID = state.ID.ValueString()
	}
	root, err := c.GetRoot(ctx, rootID)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "the organisation root no longer exists; removing the SCP enablement from state", map[string]any{"root_id": rootID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the organisation's root", err)
		return
	}
	st := scpStatus(root)
	if st == client.PolicyTypeStatusDisabled || st == client.PolicyTypeStatusPendingDisable {
		tflog.Warn(ctx, "service control policies were disabled outside Terraform; removing the SCP enablement from state",
			map[string]any{"root_id": rootID, "status": st})
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(rootID)
	state.RootID = types.StringValue(rootID)
	state.Status = types.StringValue(st)
	if state.DisableOnDestroy.IsNull() {
		state.DisableOnDestroy = types.BoolValue(false) // imported: the default
	}
	if state.EnabledByThisResource.IsNull() {
		state.EnabledByThisResource = types.BoolValue(false) // imported, or upgraded from version 0: not known to have enabled them
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes disable_on_destroy only (root_id replaces the resource).
func (r *scpEnablementResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scpEnablementModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.Status, plan.EnabledByThisResource = state.ID, state.Status, state.EnabledByThisResource
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *scpEnablementResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scpEnablementModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rootID := state.RootID.ValueString()
	// Only a configuration's explicit true disables (the default, and states of version 0,
	// are false: see UpgradeState).
	if !state.DisableOnDestroy.ValueBool() {
		tflog.Info(ctx, "disable_on_destroy is false: leaving service control policies enabled", map[string]any{"root_id": rootID})
		return
	}
	c := apiClient(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, opDelete, &resp.Diagnostics)
	defer cancel()
	err := c.DisablePolicyType(ctx, rootID, client.PolicyTypeServiceControl)
	if client.IsNotFound(err) {
		return // the root is gone
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "disabling service control policies", err)
		return
	}
	if _, err := c.WaitForPolicyTypeStatus(ctx, rootID, client.PolicyTypeServiceControl, client.PolicyTypeStatusDisabled, scpEnablementWait(ctx)); err != nil {
		addAPIError(&resp.Diagnostics, "waiting for service control policies to be disabled", err)
	}
}

func (r *scpEnablementResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" || strings.TrimSpace(id) != id || strings.Contains(id, "/") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import the SCP enablement by the organisation's root ID, such as \"r-ab12\"; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("root_id"), id)...)
}

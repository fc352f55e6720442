package emulator

// These tests drive the emulator with the vendor's own Go SDK (huaweicloud-sdk-go-v3
// v0.1.207, a test-only dependency): its IAM v5 and Organizations clients sign, send and
// decode every call the provider's client makes (internal/client: iam.go, organizations.go,
// tags.go), and the answers are checked field by field in the SDK's response structs. The
// SDK and the reference notes (shared/reference/huawei-iam-v5.md) agree on every call
// checked here; where the notes say less (the schema's description objects and operations,
// Organizations' next_marker null, which the SDK's PageInfoDto reads as ""), the SDK's
// model is followed. The description update, which the SDK does not define, is sent as a
// plain signed request and answered as the vendor's API reference documents it.

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdktime"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5"
	iamm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"
	orgs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/organizations/v1"
	orgm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/organizations/v1/model"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// sdkEnv is an emulator on the real clock (the SDK signs with time.Now) and the SDK's
// clients for it.
type sdkEnv struct {
	*testEnv
	iam  *iam.IamClient
	orgs *orgs.OrganizationsClient
}

func startSDK(t *testing.T, cfg Config) sdkEnv {
	t.Helper()
	cfg.Now = time.Now
	e := start(t, cfg)
	cred, err := global.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithDomainId(e.srv.Config().AccountID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	// No retries: every answer the tests see is the emulator's first.
	hc := config.DefaultHttpConfig().WithTimeout(10 * time.Second)
	ic, err := iam.IamClientBuilder().WithEndpoints([]string{e.url}).WithCredential(cred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	oc, err := orgs.OrganizationsClientBuilder().WithEndpoints([]string{e.url}).WithCredential(cred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return sdkEnv{testEnv: e, iam: iam.NewIamClient(ic), orgs: orgs.NewOrganizationsClient(oc)}
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// wantSDKError checks that err is the service's answer, as the SDK decodes it.
func wantSDKError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("%s: %v (%T), want a ServiceResponseError %d %s", what, err, err, status, code)
	}
	if se.StatusCode != status || se.ErrorCode != code || se.ErrorMessage == "" || se.RequestId == "" {
		t.Errorf("%s: %d %q %q (request %q), want %d %s with a message and a request id", what, se.StatusCode, se.ErrorCode, se.ErrorMessage, se.RequestId, status, code)
	}
}

func set(t *sdktime.SdkTime) bool { return t != nil && !time.Time(*t).IsZero() }

func ptr[T any](v T) *T { return &v }

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// wantPolicy checks the fields of an SDK Policy the provider reads.
func wantPolicy(t *testing.T, what string, p *iamm.Policy, id, name, typ, path, desc, defaultVersion string, attached int32) {
	t.Helper()
	if p == nil {
		t.Fatalf("%s: no policy", what)
	}
	if (id != "" && p.PolicyId != id) || p.PolicyId == "" || p.PolicyName != name || p.PolicyType == nil || p.PolicyType.Value() != typ ||
		p.Path != path || p.Description == nil || *p.Description != desc || p.DefaultVersionId != defaultVersion ||
		p.AttachmentCount != attached || p.Urn == "" || !set(p.CreatedAt) || !set(p.UpdatedAt) {
		t.Errorf("%s: %s", what, p)
	}
}

func TestSDKIdentityPolicies(t *testing.T) {
	e := startSDK(t, Config{})
	docV1 := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`
	docV2 := `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`

	created := must[*iamm.CreatePolicyV5Response](t, "CreatePolicyV5")(e.iam.CreatePolicyV5(&iamm.CreatePolicyV5Request{Body: &iamm.CreatePolicyReqBody{
		PolicyName: "sdk-made", PolicyDocument: docV1, Path: ptr("team/"), Description: ptr("by the SDK"),
	}}))
	// The SDK does not check the status; the emulator answers 200 (inferred: 201 is stated
	// for SCPs only).
	wantPolicy(t, "CreatePolicyV5", created.Policy, "", "sdk-made", "custom", "team/", "by the SDK", "v1", 0)
	id := created.Policy.PolicyId
	if want := "iam::" + e.srv.Config().AccountID + ":policy:sdk-made"; created.Policy.Urn != want {
		t.Errorf("urn %s, want %s", created.Policy.Urn, want)
	}
	_, err := e.iam.CreatePolicyV5(&iamm.CreatePolicyV5Request{Body: &iamm.CreatePolicyReqBody{PolicyName: "SDK-MADE", PolicyDocument: docV1}})
	wantSDKError(t, "CreatePolicyV5 with a taken name", err, 409, errIAMDuplicateName.Code)

	got := must[*iamm.GetPolicyV5Response](t, "GetPolicyV5")(e.iam.GetPolicyV5(&iamm.GetPolicyV5Request{PolicyId: id}))
	wantPolicy(t, "GetPolicyV5", got.Policy, id, "sdk-made", "custom", "team/", "by the SDK", "v1", 0)
	_, err = e.iam.GetPolicyV5(&iamm.GetPolicyV5Request{PolicyId: "00000000-0000-4000-8000-00000000dead"})
	wantSDKError(t, "GetPolicyV5 of an unknown id", err, 404, errIAMNotFound.Code)

	// Lists, paged through next_marker as the provider pages them.
	for range 2 {
		must[*iamm.CreatePolicyV5Response](t, "CreatePolicyV5")(e.iam.CreatePolicyV5(&iamm.CreatePolicyV5Request{Body: &iamm.CreatePolicyReqBody{
			PolicyName: "filler-" + time.Now().Format("150405.000000000"), PolicyDocument: docV1,
		}}))
	}
	var names []string
	custom := iamm.GetListPoliciesV5RequestPolicyTypeEnum().CUSTOM
	for marker, pages := (*string)(nil), 0; ; pages++ {
		l := must[*iamm.ListPoliciesV5Response](t, "ListPoliciesV5")(e.iam.ListPoliciesV5(&iamm.ListPoliciesV5Request{Limit: ptr(int32(2)), Marker: marker, PolicyType: &custom}))
		if l.PageInfo == nil || int(l.PageInfo.CurrentCount) != len(deref(l.Policies)) {
			t.Fatalf("ListPoliciesV5 page_info %v for %d policies", l.PageInfo, len(deref(l.Policies)))
		}
		for _, p := range deref(l.Policies) {
			names = append(names, p.PolicyName)
			if p.PolicyType.Value() != "custom" {
				t.Errorf("a custom list holds %s", p.String())
			}
		}
		if l.PageInfo.NextMarker == nil {
			if pages != 1 {
				t.Errorf("3 policies by 2 came in %d pages", pages+1)
			}
			break
		}
		marker = l.PageInfo.NextMarker
	}
	if len(names) != 3 || names[0] != "sdk-made" {
		t.Errorf("custom policies %v", names)
	}
	system := iamm.GetListPoliciesV5RequestPolicyTypeEnum().SYSTEM
	sl := must[*iamm.ListPoliciesV5Response](t, "ListPoliciesV5 system")(e.iam.ListPoliciesV5(&iamm.ListPoliciesV5Request{PolicyType: &system}))
	if ps := deref(sl.Policies); len(ps) != len(SystemPolicies) {
		t.Errorf("system policies %v", sl)
	} else {
		for i, p := range ps {
			wantPolicy(t, "system policy", &p, SystemPolicies[i].ID, SystemPolicies[i].Name, "system", "", SystemPolicies[i].Description, "v1", 0)
		}
	}
	att := must[*iamm.ListPoliciesV5Response](t, "ListPoliciesV5 only attached")(e.iam.ListPoliciesV5(&iamm.ListPoliciesV5Request{OnlyAttached: ptr(true), PathPrefix: ptr("team/")}))
	if n := len(deref(att.Policies)); n != 0 {
		t.Errorf("only_attached before any attachment: %d policies", n)
	}

	// Versions.
	v2 := must[*iamm.CreatePolicyVersionV5Response](t, "CreatePolicyVersionV5")(e.iam.CreatePolicyVersionV5(&iamm.CreatePolicyVersionV5Request{
		PolicyId: id, Body: &iamm.CreatePolicyVersionReqBody{PolicyDocument: docV2, SetAsDefault: ptr(true)},
	}))
	if v := v2.PolicyVersion; v == nil || v.VersionId != "v2" || !v.IsDefault || v.Document != docV2 || !set(v.CreatedAt) {
		t.Errorf("CreatePolicyVersionV5: %v", v2)
	}
	vs := must[*iamm.ListPolicyVersionsV5Response](t, "ListPolicyVersionsV5")(e.iam.ListPolicyVersionsV5(&iamm.ListPolicyVersionsV5Request{PolicyId: id, Limit: ptr(int32(10))}))
	if l := deref(vs.Versions); len(l) != 2 || l[0].VersionId != "v2" || !l[0].IsDefault || l[1].VersionId != "v1" || l[1].IsDefault ||
		l[1].Document != docV1 || vs.PageInfo == nil || vs.PageInfo.CurrentCount != 2 || vs.PageInfo.NextMarker != nil {
		t.Errorf("ListPolicyVersionsV5 (newest first): %v", vs)
	}
	v1 := must[*iamm.GetPolicyVersionV5Response](t, "GetPolicyVersionV5")(e.iam.GetPolicyVersionV5(&iamm.GetPolicyVersionV5Request{PolicyId: id, VersionId: "v1"}))
	if v := v1.PolicyVersion; v == nil || v.VersionId != "v1" || v.IsDefault || v.Document != docV1 || !set(v.CreatedAt) {
		t.Errorf("GetPolicyVersionV5: %v", v1)
	}
	_, err = e.iam.DeletePolicyVersionV5(&iamm.DeletePolicyVersionV5Request{PolicyId: id, VersionId: "v2"})
	wantSDKError(t, "DeletePolicyVersionV5 of the default", err, 409, errIAMDeleteDefault.Code)
	must[*iamm.SetDefaultPolicyVersionV5Response](t, "SetDefaultPolicyVersionV5")(e.iam.SetDefaultPolicyVersionV5(&iamm.SetDefaultPolicyVersionV5Request{PolicyId: id, VersionId: "v1"}))
	got = must[*iamm.GetPolicyV5Response](t, "GetPolicyV5")(e.iam.GetPolicyV5(&iamm.GetPolicyV5Request{PolicyId: id}))
	wantPolicy(t, "after SetDefaultPolicyVersionV5", got.Policy, id, "sdk-made", "custom", "team/", "by the SDK", "v1", 0)
	if d := must[*iamm.DeletePolicyVersionV5Response](t, "DeletePolicyVersionV5")(e.iam.DeletePolicyVersionV5(&iamm.DeletePolicyVersionV5Request{PolicyId: id, VersionId: "v2"})); d.HttpStatusCode != http.StatusNoContent {
		t.Errorf("DeletePolicyVersionV5: status %d", d.HttpStatusCode)
	}
	_, err = e.iam.GetPolicyVersionV5(&iamm.GetPolicyVersionV5Request{PolicyId: id, VersionId: "v2"})
	wantSDKError(t, "GetPolicyVersionV5 of a deleted version", err, 404, errIAMVersionNotFound.Code)

	// Attachments to a user, a group and an agency.
	must[*iamm.AttachUserPolicyV5Response](t, "AttachUserPolicyV5")(e.iam.AttachUserPolicyV5(&iamm.AttachUserPolicyV5Request{PolicyId: id, Body: &iamm.AttachUserPolicyReqBody{UserId: "u-1"}}))
	must[*iamm.AttachGroupPolicyV5Response](t, "AttachGroupPolicyV5")(e.iam.AttachGroupPolicyV5(&iamm.AttachGroupPolicyV5Request{PolicyId: id, Body: &iamm.AttachGroupPolicyReqBody{GroupId: "g-1"}}))
	must[*iamm.AttachAgencyPolicyV5Response](t, "AttachAgencyPolicyV5")(e.iam.AttachAgencyPolicyV5(&iamm.AttachAgencyPolicyV5Request{PolicyId: id, Body: &iamm.AttachAgencyPolicyReqBody{AgencyId: "a-1"}}))
	ents := must[*iamm.ListEntitiesForPolicyV5Response](t, "ListEntitiesForPolicyV5")(e.iam.ListEntitiesForPolicyV5(&iamm.ListEntitiesForPolicyV5Request{PolicyId: id}))
	if u, g, a := deref(ents.PolicyUsers), deref(ents.PolicyGroups), deref(ents.PolicyAgencies); len(u) != 1 || u[0].UserId != "u-1" || !set(u[0].AttachedAt) ||
		len(g) != 1 || g[0].GroupId != "g-1" || !set(g[0].AttachedAt) || len(a) != 1 || a[0].AgencyId != "a-1" || !set(a[0].AttachedAt) ||
		ents.PageInfo == nil || ents.PageInfo.CurrentCount != 3 {
		t.Errorf("ListEntitiesForPolicyV5: %v", ents)
	}
	users := iamm.GetListEntitiesForPolicyV5RequestEntityTypeEnum().USER
	ents = must[*iamm.ListEntitiesForPolicyV5Response](t, "ListEntitiesForPolicyV5 users")(e.iam.ListEntitiesForPolicyV5(&iamm.ListEntitiesForPolicyV5Request{PolicyId: id, EntityType: &users}))
	if len(deref(ents.PolicyUsers)) != 1 || len(deref(ents.PolicyGroups)) != 0 || len(deref(ents.PolicyAgencies)) != 0 {
		t.Errorf("ListEntitiesForPolicyV5 entity_type=user: %v", ents)
	}
	wantAttached := func(what string, l *[]iamm.AttachedPolicy) {
		t.Helper()
		if ps := deref(l); len(ps) != 1 || ps[0].PolicyId != id || ps[0].PolicyName != "sdk-made" || ps[0].Urn != created.Policy.Urn || !set(ps[0].AttachedAt) {
			t.Errorf("%s: %v", what, ps)
		}
	}
	wantAttached("ListAttachedUserPoliciesV5", must[*iamm.ListAttachedUserPoliciesV5Response](t, "ListAttachedUserPoliciesV5")(
		e.iam.ListAttachedUserPoliciesV5(&iamm.ListAttachedUserPoliciesV5Request{UserId: "u-1"})).AttachedPolicies)
	wantAttached("ListAttachedGroupPoliciesV5", must[*iamm.ListAttachedGroupPoliciesV5Response](t, "ListAttachedGroupPoliciesV5")(
		e.iam.ListAttachedGroupPoliciesV5(&iamm.ListAttachedGroupPoliciesV5Request{GroupId: "g-1"})).AttachedPolicies)
	wantAttached("ListAttachedAgencyPoliciesV5", must[*iamm.ListAttachedAgencyPoliciesV5Response](t, "ListAttachedAgencyPoliciesV5")(
		e.iam.ListAttachedAgencyPoliciesV5(&iamm.ListAttachedAgencyPoliciesV5Request{AgencyId: "a-1"})).AttachedPolicies)
	got = must[*iamm.GetPolicyV5Response](t, "GetPolicyV5")(e.iam.GetPolicyV5(&iamm.GetPolicyV5Request{PolicyId: id}))
	wantPolicy(t, "attached", got.Policy, id, "sdk-made", "custom", "team/", "by the SDK", "v1", 3)
	att = must[*iamm.ListPoliciesV5Response](t, "ListPoliciesV5 only attached")(e.iam.ListPoliciesV5(&iamm.ListPoliciesV5Request{OnlyAttached: ptr(true), PathPrefix: ptr("team/")}))
	if ps := deref(att.Policies); len(ps) != 1 || ps[0].PolicyId != id {
		t.Errorf("only_attached: %v", att)
	}
	_, err = e.iam.DeletePolicyV5(&iamm.DeletePolicyV5Request{PolicyId: id})
	wantSDKError(t, "DeletePolicyV5 of an attached policy", err, 409, errIAMPolicyAttached.Code)
	must[*iamm.DetachUserPolicyV5Response](t, "DetachUserPolicyV5")(e.iam.DetachUserPolicyV5(&iamm.DetachUserPolicyV5Request{PolicyId: id, Body: &iamm.DetachUserPolicyReqBody{UserId: "u-1"}}))
	must[*iamm.DetachGroupPolicyV5Response](t, "DetachGroupPolicyV5")(e.iam.DetachGroupPolicyV5(&iamm.DetachGroupPolicyV5Request{PolicyId: id, Body: &iamm.DetachGroupPolicyReqBody{GroupId: "g-1"}}))
	must[*iamm.DetachAgencyPolicyV5Response](t, "DetachAgencyPolicyV5")(e.iam.DetachAgencyPolicyV5(&iamm.DetachAgencyPolicyV5Request{PolicyId: id, Body: &iamm.DetachAgencyPolicyReqBody{AgencyId: "a-1"}}))
	_, err = e.iam.DetachUserPolicyV5(&iamm.DetachUserPolicyV5Request{PolicyId: id, Body: &iamm.DetachUserPolicyReqBody{UserId: "u-1"}})
	wantSDKError(t, "DetachUserPolicyV5 of a detached policy", err, 404, errIAMNotAttached.Code)
	ents = must[*iamm.ListEntitiesForPolicyV5Response](t, "ListEntitiesForPolicyV5")(e.iam.ListEntitiesForPolicyV5(&iamm.ListEntitiesForPolicyV5Request{PolicyId: id}))
	if n := len(deref(ents.PolicyUsers)) + len(deref(ents.PolicyGroups)) + len(deref(ents.PolicyAgencies)); n != 0 {
		t.Errorf("entities after detaching: %v", ents)
	}

	// The description update, which the SDK does not define.
	r := e.plain(t, http.MethodPut, "/v5/policies/"+id, `{"description":"changed in place"}`)
	if r.status != http.StatusNoContent || len(r.raw) != 0 {
		t.Errorf("UpdatePolicyV5: %d %q, want 204 with no body", r.status, r.raw)
	}
	got = must[*iamm.GetPolicyV5Response](t, "GetPolicyV5")(e.iam.GetPolicyV5(&iamm.GetPolicyV5Request{PolicyId: id}))
	wantPolicy(t, "after UpdatePolicyV5", got.Policy, id, "sdk-made", "custom", "team/", "changed in place", "v1", 0)
	if r := e.plain(t, http.MethodPut, "/v5/policies/"+id, `{"new_description":"x"}`); r.status != 400 || r.code() != errIAMInvalidParam.Code {
		t.Errorf("UpdatePolicyV5 with new_description: %d %s", r.status, r.raw)
	}

	if d := must[*iamm.DeletePolicyV5Response](t, "DeletePolicyV5")(e.iam.DeletePolicyV5(&iamm.DeletePolicyV5Request{PolicyId: id})); d.HttpStatusCode != http.StatusNoContent {
		t.Errorf("DeletePolicyV5: status %d", d.HttpStatusCode)
	}
	_, err = e.iam.GetPolicyV5(&iamm.GetPolicyV5Request{PolicyId: id})
	wantSDKError(t, "GetPolicyV5 of a deleted policy", err, 404, errIAMNotFound.Code)
}

// System policies through the SDK: read and attached, every change refused.
func TestSDKSystemPolicies(t *testing.T) {
	e := startSDK(t, Config{})
	sp := SystemPolicies[0]
	got := must[*iamm.GetPolicyV5Response](t, "GetPolicyV5")(e.iam.GetPolicyV5(&iamm.GetPolicyV5Request{PolicyId: sp.ID}))
	wantPolicy(t, "GetPolicyV5 of a system policy", got.Policy, sp.ID, sp.Name, "system", "", sp.Description, "v1", 0)
	v := must[*iamm.GetPolicyVersionV5Response](t, "GetPolicyVersionV5")(e.iam.GetPolicyVersionV5(&iamm.GetPolicyVersionV5Request{PolicyId: sp.ID, VersionId: "v1"}))
	if v.PolicyVersion == nil || v.PolicyVersion.Document != sp.Document || !v.PolicyVersion.IsDefault {
		t.Errorf("GetPolicyVersionV5 of a system policy: %v", v)
	}
	must[*iamm.AttachGroupPolicyV5Response](t, "AttachGroupPolicyV5")(e.iam.AttachGroupPolicyV5(&iamm.AttachGroupPolicyV5Request{PolicyId: sp.ID, Body: &iamm.AttachGroupPolicyReqBody{GroupId: "g-1"}}))
	l := must[*iamm.ListAttachedGroupPoliciesV5Response](t, "ListAttachedGroupPoliciesV5")(e.iam.ListAttachedGroupPoliciesV5(&iamm.ListAttachedGroupPoliciesV5Request{GroupId: "g-1"}))
	if ps := deref(l.AttachedPolicies); len(ps) != 1 || ps[0].PolicyId != sp.ID || ps[0].Urn != "iam::system:policy:"+sp.Name {
		t.Errorf("ListAttachedGroupPoliciesV5: %v", l)
	}
	_, err := e.iam.DeletePolicyV5(&iamm.DeletePolicyV5Request{PolicyId: sp.ID})
	wantSDKError(t, "DeletePolicyV5 of a system policy", err, 403, errIAMSystemPolicy.Code)
	_, err = e.iam.CreatePolicyVersionV5(&iamm.CreatePolicyVersionV5Request{PolicyId: sp.ID, Body: &iamm.CreatePolicyVersionReqBody{PolicyDocument: sp.Document}})
	wantSDKError(t, "CreatePolicyVersionV5 of a system policy", err, 403, errIAMSystemPolicy.Code)
	_, err = e.iam.SetDefaultPolicyVersionV5(&iamm.SetDefaultPolicyVersionV5Request{PolicyId: sp.ID, VersionId: "v1"})
	wantSDKError(t, "SetDefaultPolicyVersionV5 of a system policy", err, 403, errIAMSystemPolicy.Code)
	_, err = e.iam.DeletePolicyVersionV5(&iamm.DeletePolicyVersionV5Request{PolicyId: sp.ID, VersionId: "v1"})
	wantSDKError(t, "DeletePolicyVersionV5 of a system policy", err, 403, errIAMSystemPolicy.Code)
	if r := e.plain(t, http.MethodPut, "/v5/policies/"+sp.ID, `{"description":"mine"}`); r.status != 403 || r.code() != errIAMSystemPolicy.Code {
		t.Errorf("UpdatePolicyV5 of a system policy: %d %s", r.status, r.raw)
	}
}

// The authorization schema decodes into the SDK's model with every field set from the
// catalog: actions with their access levels, resources with their keys by the seed's rule,
// conditions with the SDK's value types, and Table 2's operations.
func TestSDKAuthorizationSchema(t *testing.T) {
	e := startSDK(t, Config{})
	s := must[*iamm.GetAuthorizationSchemaV5Response](t, "GetAuthorizationSchemaV5")(e.iam.GetAuthorizationSchemaV5(&iamm.GetAuthorizationSchemaV5Request{ServiceCode: "ims"}))
	if s.Version == nil || *s.Version == "" {
		t.Errorf("no version")
	}
	levels := iamm.GetActionAccessLevelEnum()
	validLevels := []string{levels.LIST.Value(), levels.READ.Value(), levels.WRITE.Value(), levels.PERMISSION_MANAGEMENT.Value(), levels.TAGGING.Value()}
	actions := deref(s.Actions)
	if len(actions) != len(catalog.Actions()) {
		t.Errorf("%d actions, the catalog has %d", len(actions), len(catalog.Actions()))
	}
	for _, a := range actions {
		ca, ok := catalog.LookupAction(a.Name)
		if !ok || ca.Name != a.Name {
			t.Errorf("action %s is not the catalog's", a.Name)
			continue
		}
		if !slices.Contains(validLevels, a.AccessLevel.Value()) || a.AccessLevel.Value() != string(ca.AccessLevel) {
			t.Errorf("%s: access level %q", a.Name, a.AccessLevel.Value())
		}
		if a.Description == nil || a.Description.EnUS != ca.Description || a.PermissionOnly != ca.PermissionOnly() {
			t.Errorf("%s: description %v, permission_only %v", a.Name, a.Description, a.PermissionOnly)
		}
		if !slices.Equal(deref(a.Aliases), ca.Aliases) && len(ca.Aliases)+len(deref(a.Aliases)) > 0 {
			t.Errorf("%s: aliases %v, want %v", a.Name, deref(a.Aliases), ca.Aliases)
		}
		var keys []string
		for _, k := range ca.ConditionKeys {
			keys = append(keys, k.Name)
		}
		res := deref(a.Resources)
		if len(res) != len(ca.ResourceTypes) {
			t.Errorf("%s: %d resources, want %d", a.Name, len(res), len(ca.ResourceTypes))
			continue
		}
		for i, r := range res {
			rt, _ := catalog.LookupResourceType(ca.ResourceTypes[i].Name)
			if r.UrnTemplate != rt.URNFormat || r.Required != ca.ResourceTypes[i].Required {
				t.Errorf("%s: resource %v", a.Name, r)
			}
			if got := deref(r.ConditionKeys); !slices.Equal(got, keys) && len(got)+len(keys) > 0 {
				t.Errorf("%s: the keys of resource %s are %v, want the action's %v (it has resource types)", a.Name, r.UrnTemplate, got, keys)
			}
		}
		want := keys
		if len(res) > 0 {
			want = nil
		}
		if got := deref(a.ConditionKeys); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Errorf("%s: action keys %v, want %v", a.Name, got, want)
		}
	}
	if r := deref(s.Resources); len(r) != 1 || r[0].TypeName != "image" || r[0].UrnTemplate != "ims:<region>:<account-id>:image:<image-id>" {
		t.Errorf("resources %v", r)
	}
	types := iamm.GetConditionValueTypeEnum()
	validTypes := []string{types.STRING.Value(), types.NUMERIC.Value(), types.DATE.Value(), types.BOOLEAN.Value(), types.IP_ADDRESS.Value()}
	conds := deref(s.Conditions)
	if len(conds) != len(catalog.ConditionKeys()) {
		t.Errorf("%d conditions, the catalog has %d", len(conds), len(catalog.ConditionKeys()))
	}
	for _, c := range conds {
		ck, ok := catalog.LookupConditionKey(c.Key)
		if !ok || !slices.Contains(validTypes, c.ValueType.Value()) || c.ValueType.Value() != string(ck.Type) || c.MultiValued != ck.MultiValued || c.Description == nil {
			t.Errorf("condition %s", c.String())
		}
	}
	ops := deref(s.Operations)
	cops := catalog.Operations()
	if len(ops) != len(cops) {
		t.Fatalf("%d operations, the catalog has %d", len(ops), len(cops))
	}
	for i, op := range ops {
		if op.OperationId != cops[i].ID || op.OperationAction != cops[i].Action || !slices.Equal(deref(op.DependentActions), cops[i].DependentActions) && len(cops[i].DependentActions) > 0 {
			t.Errorf("operation %s, want %+v", op.String(), cops[i])
		}
	}
	_, err := e.iam.GetAuthorizationSchemaV5(&iamm.GetAuthorizationSchemaV5Request{ServiceCode: "ecs"})
	wantSDKError(t, "GetAuthorizationSchemaV5 of another service", err, 404, errIAMUnknownService.Code)
}

func TestSDKOrganizations(t *testing.T) {
	e := startSDK(t, Config{})
	root := e.srv.Config().RootID
	content := `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`

	roots := must[*orgm.ListRootsResponse](t, "ListRoots")(e.orgs.ListRoots(&orgm.ListRootsRequest{}))
	rs := deref(roots.Roots)
	if len(rs) != 1 || rs[0].Id != root || rs[0].Urn == "" || rs[0].Name == "" || !set(rs[0].CreatedAt) || len(rs[0].PolicyTypes) != 0 {
		t.Errorf("ListRoots: %v", roots)
	}
	// Organizations sends next_marker null on the last page; the SDK's PageInfoDto reads it as "".
	if roots.PageInfo == nil || roots.PageInfo.NextMarker != "" || roots.PageInfo.CurrentCount == nil || *roots.PageInfo.CurrentCount != 1 {
		t.Errorf("ListRoots page_info: %v", roots.PageInfo)
	}
	scpType := orgm.GetPolicyTypeReqBodyPolicyTypeEnum().SERVICE_CONTROL_POLICY
	en := must[*orgm.EnablePolicyTypeResponse](t, "EnablePolicyType")(e.orgs.EnablePolicyType(&orgm.EnablePolicyTypeRequest{Body: &orgm.PolicyTypeReqBody{PolicyType: scpType, RootId: root}}))
	if en.HttpStatusCode != http.StatusAccepted || en.Root == nil || en.Root.Id != root || len(en.Root.PolicyTypes) != 1 ||
		en.Root.PolicyTypes[0].Type != "service_control_policy" || en.Root.PolicyTypes[0].Status != StatusEnabled {
		t.Errorf("EnablePolicyType: %v", en)
	}
	_, err := e.orgs.EnablePolicyType(&orgm.EnablePolicyTypeRequest{Body: &orgm.PolicyTypeReqBody{PolicyType: scpType, RootId: root}})
	wantSDKError(t, "EnablePolicyType twice", err, 409, errOrgTypeAlreadyEnabled.Code)

	cr := must[*orgm.CreatePolicyResponse](t, "CreatePolicy")(e.orgs.CreatePolicy(&orgm.CreatePolicyRequest{Body: &orgm.CreatePolicyReqBody{
		Name: "no-deletes", Description: "keeps images", Content: content, Type: orgm.GetCreatePolicyReqBodyTypeEnum().SERVICE_CONTROL_POLICY,
		Tags: &[]orgm.TagDto{{Key: "team", Value: "platform"}},
	}}))
	wantSCP := func(what string, p *orgm.PolicyDto, name, desc, content string) {
		t.Helper()
		if p == nil || p.PolicySummary == nil {
			t.Fatalf("%s: no policy", what)
		}
		s := p.PolicySummary
		if p.Content != content || s.Id == "" || s.Urn == "" || s.Name != name || s.Description != desc || s.Type != "service_control_policy" || s.IsBuiltin {
			t.Errorf("%s: %v", what, p)
		}
	}
	if cr.HttpStatusCode != http.StatusCreated {
		t.Errorf("CreatePolicy: status %d", cr.HttpStatusCode)
	}
	wantSCP("CreatePolicy", cr.Policy, "no-deletes", "keeps images", content)
	id := cr.Policy.PolicySummary.Id
	_, err = e.orgs.CreatePolicy(&orgm.CreatePolicyRequest{Body: &orgm.CreatePolicyReqBody{
		Name: "NO-DELETES", Content: content, Type: orgm.GetCreatePolicyReqBodyTypeEnum().SERVICE_CONTROL_POLICY,
	}})
	wantSDKError(t, "CreatePolicy with a taken name", err, 409, errOrgDuplicateName.Code)

	sh := must[*orgm.ShowPolicyResponse](t, "ShowPolicy")(e.orgs.ShowPolicy(&orgm.ShowPolicyRequest{PolicyId: id}))
	wantSCP("ShowPolicy", sh.Policy, "no-deletes", "keeps images", content)
	full := must[*orgm.ShowPolicyResponse](t, "ShowPolicy FullAccess")(e.orgs.ShowPolicy(&orgm.ShowPolicyRequest{PolicyId: FullAccessID}))
	if s := full.Policy.PolicySummary; s == nil || !s.IsBuiltin || s.Name != FullAccessName || full.Policy.Content != FullAccessContent {
		t.Errorf("ShowPolicy FullAccess: %v", full)
	}
	content2 := strings.Replace(content, "deleteImage", "updateImage", 1)
	up := must[*orgm.UpdatePolicyResponse](t, "UpdatePolicy")(e.orgs.UpdatePolicy(&orgm.UpdatePolicyRequest{PolicyId: id, Body: &orgm.UpdatePolicyReqBody{
		Name: ptr("no-changes"), Description: ptr("keeps images as they are"), Content: &content2,
	}}))
	wantSCP("UpdatePolicy", up.Policy, "no-changes", "keeps images as they are", content2)
	_, err = e.orgs.UpdatePolicy(&orgm.UpdatePolicyRequest{PolicyId: FullAccessID, Body: &orgm.UpdatePolicyReqBody{Description: ptr("x")}})
	wantSDKError(t, "UpdatePolicy of FullAccess", err, 400, errOrgBuiltin.Code)

	// Lists, paged: FullAccess, then the SCP.
	var ids []string
	for marker, pages := (*string)(nil), 0; pages < 5; pages++ {
		l := must[*orgm.ListPoliciesResponse](t, "ListPolicies")(e.orgs.ListPolicies(&orgm.ListPoliciesRequest{Limit: ptr(int32(1)), Marker: marker}))
		for _, p := range deref(l.Policies) {
			ids = append(ids, p.Id)
		}
		if l.PageInfo == nil || l.PageInfo.NextMarker == "" {
			break
		}
		marker = &l.PageInfo.NextMarker
	}
	if !slices.Equal(ids, []string{FullAccessID, id}) {
		t.Errorf("ListPolicies by pages of 1: %v", ids)
	}

	must[*orgm.AttachPolicyResponse](t, "AttachPolicy")(e.orgs.AttachPolicy(&orgm.AttachPolicyRequest{PolicyId: id, Body: &orgm.PolicyTachReqBody{EntityId: root}}))
	_, err = e.orgs.AttachPolicy(&orgm.AttachPolicyRequest{PolicyId: id, Body: &orgm.PolicyTachReqBody{EntityId: root}})
	wantSDKError(t, "AttachPolicy twice", err, 409, errOrgDuplicateAttachment.Code)
	ents := must[*orgm.ListEntitiesForPolicyResponse](t, "ListEntitiesForPolicy")(e.orgs.ListEntitiesForPolicy(&orgm.ListEntitiesForPolicyRequest{PolicyId: id}))
	if es := deref(ents.AttachedEntities); len(es) != 1 || es[0].Id != root || es[0].Type != "root" || es[0].Name == "" {
		t.Errorf("ListEntitiesForPolicy: %v", ents)
	}
	onRoot := must[*orgm.ListPoliciesResponse](t, "ListPolicies attached")(e.orgs.ListPolicies(&orgm.ListPoliciesRequest{AttachedEntityId: &root}))
	if n := len(deref(onRoot.Policies)); n != 2 {
		t.Errorf("ListPolicies attached_entity_id=root: %d policies, want FullAccess and the SCP", n)
	}
	_, err = e.orgs.DeletePolicy(&orgm.DeletePolicyRequest{PolicyId: id})
	wantSDKError(t, "DeletePolicy of an attached SCP", err, 409, errOrgPolicyInUse.Code)
	must[*orgm.DetachPolicyResponse](t, "DetachPolicy")(e.orgs.DetachPolicy(&orgm.DetachPolicyRequest{PolicyId: id, Body: &orgm.PolicyTachReqBody{EntityId: root}}))
	_, err = e.orgs.DetachPolicy(&orgm.DetachPolicyRequest{PolicyId: FullAccessID, Body: &orgm.PolicyTachReqBody{EntityId: root}})
	wantSDKError(t, "DetachPolicy of the last SCP", err, 409, errOrgLastPolicy.Code)

	// Tags: the six calls.
	tagMap := func(l *[]orgm.TagDto) map[string]string {
		m := map[string]string{}
		for _, tg := range deref(l) {
			m[tg.Key] = tg.Value
		}
		return m
	}
	wantTags := func(what string, got map[string]string, want string) {
		t.Helper()
		var kv []string
		for k, v := range got {
			kv = append(kv, k+"="+v)
		}
		slices.Sort(kv)
		if strings.Join(kv, ",") != want {
			t.Errorf("%s: tags %v, want %s", what, kv, want)
		}
	}
	lt := must[*orgm.ListTagsForResourceResponse](t, "ListTagsForResource")(e.orgs.ListTagsForResource(&orgm.ListTagsForResourceRequest{ResourceId: id}))
	wantTags("ListTagsForResource after create", tagMap(lt.Tags), "team=platform")
	must[*orgm.TagResourceResponse](t, "TagResource")(e.orgs.TagResource(&orgm.TagResourceRequest{ResourceId: id, Body: &orgm.TagResourceReqBody{
		Tags: []orgm.TagDto{{Key: "team", Value: "security"}, {Key: "env", Value: "prod"}},
	}}))
	lt = must[*orgm.ListTagsForResourceResponse](t, "ListTagsForResource")(e.orgs.ListTagsForResource(&orgm.ListTagsForResourceRequest{ResourceId: id}))
	wantTags("ListTagsForResource after TagResource", tagMap(lt.Tags), "env=prod,team=security")
	must[*orgm.UntagResourceResponse](t, "UntagResource")(e.orgs.UntagResource(&orgm.UntagResourceRequest{ResourceId: id, Body: &orgm.UntagResourceReqBody{TagKeys: []string{"env"}}}))
	policies := orgm.GetListTagResourcesRequestResourceTypeEnum().ORGANIZATIONSPOLICIES
	ltr := must[*orgm.ListTagResourcesResponse](t, "ListTagResources")(e.orgs.ListTagResources(&orgm.ListTagResourcesRequest{ResourceType: policies, ResourceId: id}))
	wantTags("ListTagResources after UntagResource", tagMap(ltr.Tags), "team=security")
	must[*orgm.CreateTagResourceResponse](t, "CreateTagResource")(e.orgs.CreateTagResource(&orgm.CreateTagResourceRequest{
		ResourceType: orgm.GetCreateTagResourceRequestResourceTypeEnum().ORGANIZATIONSPOLICIES, ResourceId: id,
		Body: &orgm.TagResourceReqBody{Tags: []orgm.TagDto{{Key: "cost", Value: "42"}, {Key: "owner", Value: "me"}}},
	}))
	// Paged by one: every tag once.
	paged := map[string]string{}
	for marker, pages := (*string)(nil), 0; pages < 5; pages++ {
		l := must[*orgm.ListTagResourcesResponse](t, "ListTagResources")(e.orgs.ListTagResources(&orgm.ListTagResourcesRequest{ResourceType: policies, ResourceId: id, Limit: ptr(int32(1)), Marker: marker}))
		for k, v := range tagMap(l.Tags) {
			paged[k] = v
		}
		if l.PageInfo == nil || l.PageInfo.NextMarker == "" {
			break
		}
		marker = &l.PageInfo.NextMarker
	}
	wantTags("ListTagResources by pages of 1", paged, "cost=42,owner=me,team=security")
	must[*orgm.DeleteTagResourceResponse](t, "DeleteTagResource")(e.orgs.DeleteTagResource(&orgm.DeleteTagResourceRequest{
		ResourceType: orgm.GetDeleteTagResourceRequestResourceTypeEnum().ORGANIZATIONSPOLICIES, ResourceId: id,
		Body: &orgm.TagResourceReqBody{Tags: []orgm.TagDto{{Key: "cost", Value: "42"}}},
	}))
	lt = must[*orgm.ListTagsForResourceResponse](t, "ListTagsForResource")(e.orgs.ListTagsForResource(&orgm.ListTagsForResourceRequest{ResourceId: id}))
	wantTags("ListTagsForResource after DeleteTagResource", tagMap(lt.Tags), "owner=me,team=security")
	_, err = e.orgs.ListTagsForResource(&orgm.ListTagsForResourceRequest{ResourceId: "p-unknown"})
	wantSDKError(t, "ListTagsForResource of an unknown policy", err, 404, errOrgEntityNotFound.Code)

	if d := must[*orgm.DeletePolicyResponse](t, "DeletePolicy")(e.orgs.DeletePolicy(&orgm.DeletePolicyRequest{PolicyId: id})); d.HttpStatusCode != http.StatusNoContent {
		t.Errorf("DeletePolicy: status %d", d.HttpStatusCode)
	}
	_, err = e.orgs.ShowPolicy(&orgm.ShowPolicyRequest{PolicyId: id})
	wantSDKError(t, "ShowPolicy of a deleted SCP", err, 404, errOrgPolicyNotFound.Code)

	dis := must[*orgm.DisablePolicyTypeResponse](t, "DisablePolicyType")(e.orgs.DisablePolicyType(&orgm.DisablePolicyTypeRequest{Body: &orgm.PolicyTypeReqBody{PolicyType: scpType, RootId: root}}))
	if dis.Root == nil || dis.Root.Id != root || len(dis.Root.PolicyTypes) != 0 {
		t.Errorf("DisablePolicyType: %v", dis)
	}
}

// plain sends a request the SDK does not define, signed as the SDK signs (package signer is
// checked against the SDK byte for byte), on the real clock.
func (e sdkEnv) plain(t *testing.T, method, path, body string) resp {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if err := signer.Sign(req, []byte(body), e.creds, time.Now()); err != nil {
		t.Fatal(err)
	}
	hr, err := e.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	raw, _ := io.ReadAll(hr.Body)
	r := resp{status: hr.StatusCode, header: hr.Header, raw: raw}
	if len(raw) > 0 {
		r.body = map[string]any{}
		_ = decodeBody(raw, &r.body)
	}
	return r
}

// The SDK is a test-only dependency: nothing of it is in the provider's binary.
func TestSDKNotInProviderBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps .: %v", err)
	}
	if !bytes.Contains(out, []byte("github.com/imspolicy/terraform-provider-imspolicy/internal/provider")) {
		t.Fatalf("go list -deps . does not list the provider package; is ../.. the repository root?\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "huaweicloud-sdk-go-v3") {
			t.Errorf("the provider binary depends on %s", line)
		}
	}
}

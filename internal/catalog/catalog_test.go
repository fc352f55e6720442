package catalog_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/lookalike"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// names returns the actions' names in order.
func names(actions []catalog.Action) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.Name
	}
	return out
}

func TestLookupAction(t *testing.T) {
	cases := []struct {
		in   string
		want string // "" for not found
	}{
		{"ims:images:list", "ims:images:list"},
		{"IMS:IMAGES:LIST", "ims:images:list"},
		{"ims:Images:GET", "ims:images:get"},
		{"ims:serverimages:create", "ims:serverImages:create"},
		{"ims:quotas:get", "ims:quotas:get"},
		{"ims:images:copy", ""},       // an alias, not a table action
		{"ims:images:update", ""},     // an alias, not a table action
		{"ims:images:deleteTags", ""}, // a referenced name, not a table action
		{"obs:object:GetObject", ""},
		{"ims:images:lis", ""},
		{"ims:images:list ", ""},
		{"", ""},
	}
	for _, tc := range cases {
		a, ok := catalog.LookupAction(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("LookupAction(%q) = %s, want not found", tc.in, a.Name)
			}
			continue
		}
		if !ok || a.Name != tc.want {
			t.Errorf("LookupAction(%q) = %q, %t; want %q", tc.in, a.Name, ok, tc.want)
		}
	}

	share, _ := catalog.LookupAction("ims:images:share")
	if !share.Deprecated() || !slices.Equal(share.Deprecation.Recommended, []string{"ims:images:addMember", "ims:images:deleteMember", "ims:images:updateMemberStatus"}) {
		t.Errorf("ims:images:share: Deprecation = %+v, want the three member actions recommended", share.Deprecation)
	}
	if get, _ := catalog.LookupAction("ims:images:get"); get.Deprecated() || !get.SupportsResources() {
		t.Errorf("ims:images:get: Deprecated() = %t, SupportsResources() = %t; want false, true", get.Deprecated(), get.SupportsResources())
	}
	if list, _ := catalog.LookupAction("ims:images:list"); list.SupportsResources() {
		t.Errorf("ims:images:list: SupportsResources() = true, want false (Resource Type \"-\")")
	}
}

func TestKind(t *testing.T) {
	cases := []struct {
		in   string
		want catalog.NameKind
	}{
		{"ims:images:list", catalog.TableAction}, // a table action and an alias: the table wins
		{"ims:images:share", catalog.TableAction},
		{"IMS:IMAGES:GET", catalog.TableAction},
		{"ims:serverImages:create", catalog.TableAction}, // also a Table 2 dependency
		{"ims:images:copy", catalog.Alias},
		{"ims:images:update", catalog.Alias}, // also a Table 2 dependency
		{"IMS:Images:Copy", catalog.Alias},
		{"ims:images:deleteTags", catalog.Referenced},
		{"obs:object:GetObject", catalog.Referenced},
		{"obs:object:PutObject", catalog.Referenced},
		{"OBS:OBJECT:getobject", catalog.Referenced},
		{"ims:images:nope", catalog.Unknown},
		{"obs:object:DeleteObject", catalog.Unknown},
		{"ims:images:*", catalog.Unknown},
		{"", catalog.Unknown},
	}
	for _, tc := range cases {
		if got := catalog.Kind(tc.in); got != tc.want {
			t.Errorf("Kind(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for kind, want := range map[catalog.NameKind]string{
		catalog.Unknown: "unknown", catalog.TableAction: "table action", catalog.Alias: "alias", catalog.Referenced: "referenced",
	} {
		if got := kind.String(); got != want {
			t.Errorf("NameKind(%d).String() = %q, want %q", kind, got, want)
		}
	}
	if got, ok := catalog.CanonicalName("OBS:OBJECT:GETOBJECT"); !ok || got != "obs:object:GetObject" {
		t.Errorf("CanonicalName(OBS:OBJECT:GETOBJECT) = %q, %t; want obs:object:GetObject", got, ok)
	}
}

func TestGranted(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"ims:images:update", []string{"ims:images:deleteImage", "ims:images:setTags"}},
		{"IMS:IMAGES:UPDATE", []string{"ims:images:deleteImage", "ims:images:setTags"}},
		{"ims:images:list", []string{
			"ims:images:getJob", "ims:images:getTags", "ims:images:list",
			"ims:images:listImagesByTag", "ims:images:listOsVersion", "ims:images:showImageTags",
		}},
		{"ims:images:copy", []string{"ims:images:copyCrossRegion", "ims:images:copyInRegion"}},
		{"ims:images:share", []string{"ims:images:addMember", "ims:images:deleteMember", "ims:images:share", "ims:images:updateMemberStatus"}},
		{"ims:images:get", []string{"ims:images:get"}},
		{"ims:images:deleteTags", nil}, // referenced only: grants no table action
		{"obs:object:GetObject", nil},
		{"ims:images:nope", nil},
	}
	for _, tc := range cases {
		if got := names(catalog.Granted(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("Granted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern string
		want    []string
	}{
		{"ims:images:get*", []string{"ims:images:get", "ims:images:getJob", "ims:images:getTags"}},
		{"IMS:*:create", []string{"ims:dataImages:create", "ims:images:create", "ims:serverImages:create", "ims:wholeImages:create"}},
		{"ims:images:?et", []string{"ims:images:get"}},
		{"ims:images:*Member*", []string{"ims:images:addMember", "ims:images:deleteMember", "ims:images:updateMemberStatus"}},
		{"ims:quotas:get", []string{"ims:quotas:get"}},
		{"ims:images:copy", nil}, // an alias: Match covers table actions only
		{"nope*", nil},
		{"", nil},
	}
	for _, tc := range cases {
		if got := names(catalog.Match(tc.pattern)); !slices.Equal(got, tc.want) {
			t.Errorf("Match(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
	if got := catalog.Match("*"); len(got) != 26 {
		t.Errorf("Match(*) has %d actions, want 26", len(got))
	}
	if got := catalog.MatchNames("obs:*"); !slices.Equal(got, []string{"obs:object:GetObject", "obs:object:PutObject"}) {
		t.Errorf("MatchNames(obs:*) = %q, want the two referenced OBS names", got)
	}
}

func TestByAccessLevel(t *testing.T) {
	cases := []struct {
		levels []catalog.AccessLevel
		want   []string
	}{
		{[]catalog.AccessLevel{catalog.List}, []string{"ims:images:list", "ims:images:listImageTags", "ims:images:listOsVersion"}},
		{[]catalog.AccessLevel{catalog.PermissionManagement}, []string{"ims:images:share"}},
		{[]catalog.AccessLevel{catalog.Tagging}, []string{"ims:images:setTags"}},
		{[]catalog.AccessLevel{catalog.Read}, []string{
			"ims:images:export", "ims:images:get", "ims:images:getJob", "ims:images:getTags",
			"ims:images:listImagesByTag", "ims:images:showImageTags", "ims:quotas:get",
		}},
		{[]catalog.AccessLevel{catalog.Tagging, catalog.PermissionManagement}, []string{"ims:images:setTags", "ims:images:share"}},
		{nil, nil},
		{[]catalog.AccessLevel{"admin"}, nil},
	}
	for _, tc := range cases {
		if got := names(catalog.ByAccessLevel(tc.levels...)); !slices.Equal(got, tc.want) {
			t.Errorf("ByAccessLevel(%q) = %q, want %q", tc.levels, got, tc.want)
		}
	}
	total := 0
	for _, l := range catalog.AccessLevels {
		total += len(catalog.ByAccessLevel(l))
	}
	if total != 26 || len(catalog.ByAccessLevel(catalog.AccessLevels...)) != 26 {
		t.Errorf("the access levels partition %d actions, want 26", total)
	}
	for in, want := range map[string]catalog.AccessLevel{"list": catalog.List, "Permission_Management": catalog.PermissionManagement, "TAGGING": catalog.Tagging} {
		if got, ok := catalog.AccessLevelOf(in); !ok || got != want {
			t.Errorf("AccessLevelOf(%q) = %q, %t; want %q", in, got, ok, want)
		}
	}
	if got, ok := catalog.AccessLevelOf("admin"); ok {
		t.Errorf("AccessLevelOf(admin) = %q, want not found", got)
	}
}

func TestByResourceType(t *testing.T) {
	want := []string{
		"ims:images:addMember", "ims:images:copyCrossRegion", "ims:images:copyInRegion", "ims:images:deleteImage",
		"ims:images:deleteMember", "ims:images:export", "ims:images:get", "ims:images:setTags", "ims:images:share",
		"ims:images:showImageTags", "ims:images:updateImage", "ims:images:updateMemberStatus", "ims:images:upload",
	}
	for _, in := range []string{"image", "Image"} {
		got := catalog.ByResourceType(in)
		if !slices.Equal(names(got), want) {
			t.Errorf("ByResourceType(%q) = %q, want %q", in, names(got), want)
		}
		for _, a := range got {
			if len(a.ResourceTypes) != 1 || !a.ResourceTypes[0].Required {
				t.Errorf("ByResourceType(%q): %s has resource types %+v, want image required", in, a.Name, a.ResourceTypes)
			}
		}
	}
	if got := catalog.ByResourceType("vault"); len(got) != 0 {
		t.Errorf("ByResourceType(vault) = %q, want none", names(got))
	}
	rt, ok := catalog.LookupResourceType("IMAGE")
	if !ok || rt.Name != "image" || rt.URNFormat != "ims:<region>:<account-id>:image:<image-id>" {
		t.Errorf("LookupResourceType(IMAGE) = %+v, %t", rt, ok)
	}
}

func TestByConditionKey(t *testing.T) {
	cases := []struct {
		key  string
		want []string // nil with all set: every action
		all  bool
	}{
		{key: "ims:Region", want: []string{"ims:images:copyCrossRegion"}},
		{key: "IMS:REGION", want: []string{"ims:images:copyCrossRegion"}},
		{key: "ims:TargetOrgPaths", want: []string{"ims:images:addMember", "ims:images:share"}},
		{key: "ims:InstanceId", want: []string{"ims:wholeImages:create"}},
		{key: "ims:TargetBucketOrgPaths", want: nil}, // associated with no action
		{key: "g:ResourceTag/env", all: true},
		{key: "g:RequestTag/team", all: true},
		{key: "g:EnterpriseProjectId", all: true},
		{key: "g:ResourceTag/", want: nil},
		{key: "ims:Nope", want: nil},
	}
	for _, tc := range cases {
		got := names(catalog.ByConditionKey(tc.key))
		want := tc.want
		if tc.all {
			want = names(catalog.Actions())
		}
		if !slices.Equal(got, want) {
			t.Errorf("ByConditionKey(%q) = %q, want %q", tc.key, got, want)
		}
	}
	a, _ := catalog.LookupAction("ims:images:copyCrossRegion")
	ref, ok := a.KeyRef("ims:Region")
	if !ok || ref.Source != catalog.Inferred || ref.Reason == "" {
		t.Errorf("ims:images:copyCrossRegion's ims:Region association = %+v, %t; want inferred with a reason", ref, ok)
	}
	list, _ := catalog.LookupAction("ims:images:list")
	if ref, ok := list.KeyRef("g:EnterpriseProjectId"); !ok || ref.Source != catalog.Stated {
		t.Errorf("ims:images:list's g:EnterpriseProjectId association = %+v, %t; want stated", ref, ok)
	}
	ums, _ := catalog.LookupAction("ims:images:updateMemberStatus")
	// KeyRef takes the catalog's name of the key (a template's, for tag keys); resolve a
	// concrete key with LookupConditionKey first.
	if ref, ok := ums.KeyRef("g:RequestTag/<tag-key>"); !ok || ref.Name != "g:RequestTag/<tag-key>" || ref.Source != catalog.Stated {
		t.Errorf("ims:images:updateMemberStatus's g:RequestTag/<tag-key> association = %+v, %t; want stated", ref, ok)
	}
}

func TestLookupConditionKey(t *testing.T) {
	cases := []struct {
		in       string
		want     string // "" for not found
		typ      catalog.ValueType
		multi    bool
		isGlobal bool
	}{
		{"ims:Region", "ims:Region", catalog.String, false, false},
		{"ims:region", "ims:Region", catalog.String, false, false},
		{"ims:Encrypted", "ims:Encrypted", catalog.Boolean, false, false},
		{"ims:VolumeId", "ims:VolumeId", catalog.String, true, false},
		{"g:RequestTag/team", "g:RequestTag/<tag-key>", catalog.String, false, true},
		{"G:REQUESTTAG/team", "g:RequestTag/<tag-key>", catalog.String, false, true},
		{"g:ResourceTag/env", "g:ResourceTag/<tag-key>", catalog.String, false, true},
		{"g:RequestTag/<tag-key>", "g:RequestTag/<tag-key>", catalog.String, false, true},
		{"g:TagKeys", "g:TagKeys", catalog.String, true, true},
		{"g:SourceIp", "g:SourceIp", catalog.IPAddress, false, true},
		{"g:CurrentTime", "g:CurrentTime", catalog.Date, false, true},
		{"g:RequestTag/", "", "", false, false},
		{"g:RequestTag", "", "", false, false},
		{"g:EnterpriseProjectId/x", "", "", false, false},
		{"ims:Regoin", "", "", false, false},
		{"", "", "", false, false},
	}
	for _, tc := range cases {
		k, ok := catalog.LookupConditionKey(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("LookupConditionKey(%q) = %s, want not found", tc.in, k.Name)
			}
			continue
		}
		if !ok || k.Name != tc.want || k.Type != tc.typ || k.MultiValued != tc.multi || k.Global != tc.isGlobal {
			t.Errorf("LookupConditionKey(%q) = %+v, %t; want %s (%s, multi-valued %t, global %t)", tc.in, k, ok, tc.want, tc.typ, tc.multi, tc.isGlobal)
		}
	}
	keys := catalog.ConditionKeys()
	if !slices.IsSortedFunc(keys, func(a, b catalog.ConditionKey) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("ConditionKeys() is not sorted byte-wise by name")
	}
	ims := 0
	for _, k := range keys {
		if !k.Global {
			ims++
		}
	}
	if ims != 10 {
		t.Errorf("ConditionKeys() has %d service-specific keys, want Table 4's 10", ims)
	}
}

func TestKeysFor(t *testing.T) {
	var globals []string
	for _, k := range catalog.ConditionKeys() {
		if k.Global {
			globals = append(globals, k.Name)
		}
	}
	cases := []struct {
		action string
		ims    []string // the service-specific keys besides the global ones
	}{
		{"ims:images:copyCrossRegion", []string{"ims:Encrypted", "ims:Region", "ims:VaultId"}},
		{"IMS:IMAGES:COPYCROSSREGION", []string{"ims:Encrypted", "ims:Region", "ims:VaultId"}},
		{"ims:wholeImages:create", []string{"ims:BackupId", "ims:InstanceId", "ims:SourceAvailabilityZone", "ims:VaultId"}},
		{"ims:images:get", nil},
		{"ims:images:list", nil}, // its stated key g:EnterpriseProjectId is global
	}
	for _, tc := range cases {
		keys, ok := catalog.KeysFor(tc.action)
		if !ok {
			t.Errorf("KeysFor(%q) not found", tc.action)
			continue
		}
		var gotGlobal, gotIMS []string
		for _, k := range keys {
			if k.Global {
				gotGlobal = append(gotGlobal, k.Name)
			} else {
				gotIMS = append(gotIMS, k.Name)
			}
		}
		if !slices.Equal(gotIMS, tc.ims) || !slices.Equal(gotGlobal, globals) {
			t.Errorf("KeysFor(%q) = service-specific %q and global %q; want %q and every global key %q", tc.action, gotIMS, gotGlobal, tc.ims, globals)
		}
		if !slices.IsSortedFunc(keys, func(a, b catalog.ConditionKey) int { return strings.Compare(a.Name, b.Name) }) {
			t.Errorf("KeysFor(%q) is not sorted byte-wise", tc.action)
		}
	}
	for _, name := range []string{"ims:images:nope", "ims:images:deleteTags", "obs:object:GetObject", ""} {
		if keys, ok := catalog.KeysFor(name); ok {
			t.Errorf("KeysFor(%q) = %d keys, want not found", name, len(keys))
		}
	}
}

func TestLookupAPI(t *testing.T) {
	type act = catalog.APIAction
	cases := []struct {
		method, path string
		template     string // "" for not found
		actions      []act
		deps         []string
	}{
		{"PUT", "/v2/images/9f1c0000-aaaa/file", "/v2/images/{image_id}/file",
			[]act{{Action: "ims:images:upload"}}, []string{"ims:images:get", "ims:images:update"}},
		{"put", "/v2/images/{image_id}/file", "/v2/images/{image_id}/file",
			[]act{{Action: "ims:images:upload"}}, []string{"ims:images:get", "ims:images:update"}},
		{"PUT", "/v1/cloudimages/abc/upload", "/v1/cloudimages/{image_id}/upload",
			[]act{{Action: "ims:images:upload"}}, []string{"ims:images:get", "ims:images:update"}},
		{"POST", "/v2/cloudimages/quickimport/action", "/v2/cloudimages/quickimport/action",
			[]act{
				{Action: "ims:dataImages:create", Note: "required only for quickly importing a data disk image"},
				{Action: "ims:serverImages:create", Note: "required only for quickly importing a system disk image"},
				{Action: "ims:images:import"},
			}, []string{"ims:dataImages:create", "ims:serverImages:create"}},
		{"PATCH", "/v2/cloudimages/{image_id}", "/v2/cloudimages/{image_id}",
			[]act{
				{Action: "ims:serverImages:create", Note: "required only for enterprise project migration"},
				{Action: "ims:images:updateImage"},
			}, nil},
		{"POST", "/v1/cloudimages/abc/copy", "/v1/cloudimages/{image_id}/copy",
			[]act{
				{Action: "ims:images:copyInRegion"},
				{Action: "ims:serverImages:create", Note: "required only by enterprise project users"},
			}, []string{"ims:serverImages:create"}},
		{"GET", "/v2/proj123/images/tags", "/v2/{project_id}/images/tags",
			[]act{{Action: "ims:images:listImageTags"}}, nil},
		{"GET", "/v2/proj123/images/img1/tags", "/v2/{project_id}/images/{image_id}/tags",
			[]act{{Action: "ims:images:showImageTags"}}, nil},
		{"POST", "/v2/proj123/images/img1/tags/action", "/v2/{project_id}/images/{image_id}/tags/action",
			[]act{{Action: "ims:images:setOrDeleteTags"}}, []string{"ims:images:setTags", "ims:images:deleteTags"}},
		{"POST", "/v1/cloudimages/img1/file", "/v1/cloudimages/{image_id}/file",
			[]act{{Action: "ims:images:export"}}, []string{"obs:object:GetObject", "obs:object:PutObject"}},
		{"GET", "/v2/images/abc", "/v2/images/{image_id}", []act{{Action: "ims:images:get"}}, nil},
		{"DELETE", "/v2/images/abc", "/v2/images/{image_id}", []act{{Action: "ims:images:deleteImage"}}, nil},
		{"GET", "/v2/images/abc?fields=name", "/v2/images/{image_id}", []act{{Action: "ims:images:get"}}, nil},
		{"GET", "/v2/images/abc/", "/v2/images/{image_id}", []act{{Action: "ims:images:get"}}, nil},
		{"PUT", "/v2/images/abc/file/?x=1", "/v2/images/{image_id}/file",
			[]act{{Action: "ims:images:upload"}}, []string{"ims:images:get", "ims:images:update"}},
		{"GET", "/v1/cloudimages/job/job-1", "/v1/cloudimages/job/{job_id}", []act{{Action: "ims:images:getJob"}}, nil},
		{"GET", "/v1/cloudimages/quota", "/v1/cloudimages/quota", []act{{Action: "ims:quotas:get"}}, nil},
		// Not found.
		{"GET", "/v2/images/abc/file", "", nil, nil}, // wrong method
		{"POST", "/v2/images/abc", "", nil, nil},     // wrong method
		{"OST", "/v2/cloudimages/quickimport/action", "", nil, nil},
		{"PUT", "/v2/images//file", "", nil, nil},       // empty placeholder
		{"GET", "/v2/images/abc/extra/x", "", nil, nil}, // too many segments
		{"GET", "/v3/cloudimages", "", nil, nil},
		{"GET", "", "", nil, nil},
	}
	for _, tc := range cases {
		p, ok := catalog.LookupAPI(tc.method, tc.path)
		if tc.template == "" {
			if ok {
				t.Errorf("LookupAPI(%s %s) = %s %s, want not found", tc.method, tc.path, p.Method, p.PathTemplate)
			}
			continue
		}
		if !ok {
			t.Errorf("LookupAPI(%s %s) not found, want %s", tc.method, tc.path, tc.template)
			continue
		}
		if p.Method != strings.ToUpper(tc.method) || p.PathTemplate != tc.template {
			t.Errorf("LookupAPI(%s %s) = %s %s, want %s %s", tc.method, tc.path, p.Method, p.PathTemplate, strings.ToUpper(tc.method), tc.template)
		}
		if !slices.Equal(p.Actions, tc.actions) {
			t.Errorf("LookupAPI(%s %s).Actions = %+v, want %+v", tc.method, tc.path, p.Actions, tc.actions)
		}
		if !slices.Equal(p.Dependencies, tc.deps) {
			t.Errorf("LookupAPI(%s %s).Dependencies = %q, want %q", tc.method, tc.path, p.Dependencies, tc.deps)
		}
		for _, a := range p.Actions {
			if a.Required() != (a.Note == "") {
				t.Errorf("LookupAPI(%s %s): %s Required() = %t with note %q", tc.method, tc.path, a.Action, a.Required(), a.Note)
			}
		}
	}

	// The import API always needs ims:images:import; the other two only in their scenario.
	p, _ := catalog.LookupAPI("POST", "/v2/cloudimages/quickimport/action")
	for _, a := range p.Actions {
		if want := a.Action == "ims:images:import"; a.Required() != want {
			t.Errorf("POST /v2/cloudimages/quickimport/action: %s Required() = %t, want %t", a.Action, a.Required(), want)
		}
	}

	// Every API of Table 2 is found by its own template.
	for _, row := range catalog.APIRows() {
		for _, api := range row.APIs {
			p, ok := catalog.LookupAPI(api.Method, api.Path)
			if !ok || !slices.ContainsFunc(p.Actions, func(a catalog.APIAction) bool { return a.Action == row.Action && a.Note == api.Note }) {
				t.Errorf("LookupAPI(%s %s) = %+v, %t; want it to list %s (note %q)", api.Method, api.Path, p, ok, row.Action, api.Note)
			}
		}
	}
}

func TestSuggestAPIs(t *testing.T) {
	cases := []struct {
		method, path string
		want         string // must be the first suggestion
	}{
		{"PUT", "/v2/image/9f1c/file", "PUT /v2/images/{image_id}/file"},
		{"GET", "/v2/cloudimage", "GET /v2/cloudimages"},
		{"GET", "/v1/cloudimages/quotas", "GET /v1/cloudimages/quota"},
		{"POST", "/v2/cloudimages/quickimport/actions", "POST /v2/cloudimages/quickimport/action"},
		{"DELETE", "/v2/images/abc/file", "DELETE /v2/images/{image_id}"},
	}
	for _, tc := range cases {
		got := catalog.SuggestAPIs(tc.method, tc.path)
		if len(got) == 0 || got[0] != tc.want || len(got) > 3 {
			t.Errorf("SuggestAPIs(%s %s) = %q, want %q first and at most 3", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestSuggestActions(t *testing.T) {
	cases := []struct {
		in   string
		want string // must be among the suggestions; "" for none at all
	}{
		{"ims:images:getTag", "ims:images:getTags"},
		{"IMS:IMAGES:GETTAG", "ims:images:getTags"},
		{"ims:image:lst", "ims:images:list"},
		{"ims:images:shar", "ims:images:share"},
		{"ims:images:deleteTag", "ims:images:deleteTags"}, // a referenced name is a valid suggestion
		{"ims:images:cpy", "ims:images:copy"},             // so is an alias
		{"zzz", ""},
	}
	for _, tc := range cases {
		got := catalog.SuggestActions(tc.in)
		if len(got) > 3 {
			t.Errorf("SuggestActions(%q) = %q, want at most 3", tc.in, got)
		}
		if tc.want == "" {
			if len(got) != 0 {
				t.Errorf("SuggestActions(%q) = %q, want none", tc.in, got)
			}
			continue
		}
		if !slices.Contains(got, tc.want) {
			t.Errorf("SuggestActions(%q) = %q, want it to contain %q", tc.in, got, tc.want)
		}
	}
}

func TestSuggestConditionKeys(t *testing.T) {
	cases := []struct {
		in   string
		want string // the first suggestion; "" for none
	}{
		{"ims:Regoin", "ims:Region"},
		{"ims:region", "ims:Region"},
		{"ims:Encripted", "ims:Encrypted"},
		{"g:SourceIP", "g:SourceIp"},
		{"zzzz", ""},
	}
	for _, tc := range cases {
		got := catalog.SuggestConditionKeys(tc.in)
		if tc.want == "" {
			if len(got) != 0 {
				t.Errorf("SuggestConditionKeys(%q) = %q, want none", tc.in, got)
			}
			continue
		}
		if len(got) == 0 || got[0] != tc.want || len(got) > 3 {
			t.Errorf("SuggestConditionKeys(%q) = %q, want %q first and at most 3", tc.in, got, tc.want)
		}
	}
}

func TestImageURN(t *testing.T) {
	cases := []struct {
		region, account, image string
		want                   string // "" for an error
		errMentions            string
	}{
		{"cn-north-4", "0123456789abcdef", "9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f", "ims:cn-north-4:0123456789abcdef:image:9f1c1c8e-1234-4cde-8f00-1a2b3c4d5e6f", ""},
		{"*", "*", "*", "ims:*:*:image:*", ""},
		{"cn-north-4", "acc1", "*", "ims:cn-north-4:acc1:image:*", ""},
		{"cn-*", "acc1", "img.v1_2-x", "ims:cn-*:acc1:image:img.v1_2-x", ""},
		{"ap-southeast-1", "ACC1", "Image_1", "ims:ap-southeast-1:ACC1:image:Image_1", ""},
		{"", "acc1", "img", "", "region"},
		{"CN-NORTH-4", "acc1", "img", "", "region"},
		{"-cn", "acc1", "img", "", "region"},
		{"cn north", "acc1", "img", "", "region"},
		{"cn:north", "acc1", "img", "", "region"},
		{"cn-north-4", "", "img", "", "account_id"},
		{"cn-north-4", "acc-1", "img", "", "account_id"},
		{"cn-north-4", "acc1", "", "", "image_id"},
		{"cn-north-4", "acc1", "-img", "", "image_id"},
		{"cn-north-4", "acc1", "img:1", "", "image_id"},
		{"cn-north-4", "acc1", "img/1", "", "image_id"},
	}
	for _, tc := range cases {
		got, err := catalog.ImageURN(tc.region, tc.account, tc.image)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ImageURN(%q, %q, %q) = %q, want an error about %s", tc.region, tc.account, tc.image, got, tc.errMentions)
			} else if !strings.Contains(err.Error(), tc.errMentions) {
				t.Errorf("ImageURN(%q, %q, %q) error %q does not mention %s", tc.region, tc.account, tc.image, err, tc.errMentions)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ImageURN(%q, %q, %q) = %q, %v; want %q", tc.region, tc.account, tc.image, got, err, tc.want)
			continue
		}
		u, err := catalog.ParseURN(got)
		if err != nil || u.Service != "ims" || u.Region != tc.region || u.Account != tc.account || u.Type != "image" || u.Path != tc.image {
			t.Errorf("ParseURN(ImageURN(...)) = %+v, %v; want the parts back", u, err)
		}
	}
}

func TestParseURN(t *testing.T) {
	cases := []struct {
		in          string
		want        catalog.URN
		errMentions string // non-empty for an error
	}{
		{"ims:cn-north-4:acc1:image:img1", catalog.URN{Service: "ims", Region: "cn-north-4", Account: "acc1", Type: "image", Path: "img1"}, ""},
		{"ims:*:*:image:*", catalog.URN{Service: "ims", Region: "*", Account: "*", Type: "image", Path: "*"}, ""},
		{"iam::acc1:user:alice", catalog.URN{Service: "iam", Region: "", Account: "acc1", Type: "user", Path: "alice"}, ""},
		{"obs:cn-north-4:acc1:object:bucket/a:b:c", catalog.URN{Service: "obs", Region: "cn-north-4", Account: "acc1", Type: "object", Path: "bucket/a:b:c"}, ""},
		{"ims:cn-north-4:acc1:image", catalog.URN{}, "4 of the 5 parts"},
		{"*", catalog.URN{}, "1 of the 5 parts"},
		{"", catalog.URN{}, "of the 5 parts"},
		{"ims:cn-north-4:acc1::img1", catalog.URN{}, "empty resource type"},
		{":cn-north-4:acc1:image:img1", catalog.URN{}, "empty service"},
		{"ims:cn-north-4:acc1:image:", catalog.URN{}, "empty resource path"},
		{"ims:cn-north-4:acc1:image:img 1", catalog.URN{}, "white space"},
	}
	for _, tc := range cases {
		got, err := catalog.ParseURN(tc.in)
		if tc.errMentions != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errMentions) {
				t.Errorf("ParseURN(%q) = %+v, %v; want an error mentioning %q", tc.in, got, err, tc.errMentions)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseURN(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if s := got.String(); s != tc.in {
			t.Errorf("ParseURN(%q).String() = %q, want the input back", tc.in, s)
		}
	}
}

func TestActionsSortedAndCopied(t *testing.T) {
	actions := catalog.Actions()
	if len(actions) != 26 {
		t.Fatalf("Actions() has %d actions, want Table 1's 26", len(actions))
	}
	if !slices.IsSortedFunc(actions, func(a, b catalog.Action) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("Actions() is not sorted byte-wise: %q", names(actions))
	}
	// Byte-wise, not case-folded: ims:dataImages sorts before ims:images.
	if actions[0].Name != "ims:dataImages:create" {
		t.Errorf("Actions()[0] = %s, want ims:dataImages:create", actions[0].Name)
	}
	before := names(actions)
	first := actions[0]
	actions[0] = catalog.Action{Name: "ims:images:hijacked"}
	actions[1].Name = "ims:images:renamed"
	actions[2].Description = "changed"
	if got := names(catalog.Actions()); !slices.Equal(got, before) {
		t.Errorf("mutating Actions()'s result changed the catalog: %q", got)
	}
	if a, ok := catalog.LookupAction(first.Name); !ok || a.Description != first.Description {
		t.Errorf("mutating Actions()'s result changed LookupAction(%s): %+v, %t", first.Name, a, ok)
	}
	if _, ok := catalog.LookupAction("ims:images:hijacked"); ok {
		t.Error("mutating Actions()'s result added an action to the catalog")
	}
	if again := catalog.Actions(); again[2].Description == "changed" {
		t.Error("mutating Actions()'s result changed a description in the catalog")
	}

	rows := catalog.APIRows()
	rows[0].Action = "changed"
	if catalog.APIRows()[0].Action == "changed" {
		t.Error("mutating APIRows()'s result changed the catalog")
	}
	keys := catalog.ConditionKeys()
	keys[0].Name = "changed"
	if catalog.ConditionKeys()[0].Name == "changed" {
		t.Error("mutating ConditionKeys()'s result changed the catalog")
	}
}

// TestCatalogConsistency checks that the tables agree with one another.
func TestCatalogConsistency(t *testing.T) {
	inTable2 := map[string]bool{}
	for i, row := range catalog.APIRows() {
		inTable2[row.Action] = true
		if catalog.Kind(row.Action) != catalog.TableAction {
			t.Errorf("Table 2 row %d: action %s is not a Table 1 action", i+1, row.Action)
		}
		for _, d := range row.Dependencies {
			if catalog.Kind(d) == catalog.Unknown {
				t.Errorf("Table 2 row %d (%s): dependency %s is not a known name", i+1, row.Action, d)
			}
		}
		for _, api := range row.APIs {
			if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, api.Method) {
				t.Errorf("Table 2 row %d (%s): API %s %s has no HTTP method", i+1, row.Action, api.Method, api.Path)
			}
		}
	}
	for _, a := range catalog.Actions() {
		if !inTable2[a.Name] {
			t.Errorf("%s: no Table 2 row lists an API for it", a.Name)
		}
		if _, ok := catalog.AccessLevelOf(string(a.AccessLevel)); !ok {
			t.Errorf("%s: access level %q is not one of %q", a.Name, a.AccessLevel, catalog.AccessLevels)
		}
		for _, r := range a.ResourceTypes {
			if _, ok := catalog.LookupResourceType(r.Name); !ok {
				t.Errorf("%s: resource type %s is not in Table 3", a.Name, r.Name)
			}
		}
		for _, alias := range a.Aliases {
			if k := catalog.Kind(alias); k != catalog.Alias && k != catalog.TableAction {
				t.Errorf("%s: alias %s is known as %v", a.Name, alias, k)
			}
		}
		for _, k := range a.ConditionKeys {
			key, ok := catalog.LookupConditionKey(k.Name)
			if !ok || key.Name != k.Name {
				t.Errorf("%s: condition key %s is not a catalog key", a.Name, k.Name)
			}
			switch k.Source {
			case catalog.Stated:
				if a.ConditionKeysLost || k.Reason != "" {
					t.Errorf("%s: stated key %s in a row whose cell was lost or with a reason (%q)", a.Name, k.Name, k.Reason)
				}
			case catalog.Inferred:
				if !a.ConditionKeysLost || k.Reason == "" {
					t.Errorf("%s: inferred key %s in a row whose cell was not lost or without a reason", a.Name, k.Name)
				}
			default:
				t.Errorf("%s: key %s has source %q", a.Name, k.Name, k.Source)
			}
		}
		if a.Deprecated() {
			for _, r := range a.Deprecation.Recommended {
				if catalog.Kind(r) != catalog.TableAction {
					t.Errorf("%s: recommended action %s is not a table action", a.Name, r)
				}
			}
		}
	}
}

func TestReturnedActionsAreDeepCopies(t *testing.T) {
	a := catalog.Actions()
	for i := range a {
		if len(a[i].ResourceTypes) > 0 {
			a[i].ResourceTypes[0].Required = false
		}
		if a[i].Deprecation != nil {
			a[i].Deprecation.Recommended[0] = "changed"
		}
	}
	upload, _ := catalog.LookupAction("ims:images:upload")
	if !upload.ResourceTypes[0].Required {
		t.Error("changing a returned action's resource types changed the catalog")
	}
	share, _ := catalog.LookupAction("ims:images:share")
	if share.Deprecation.Recommended[0] != "ims:images:addMember" {
		t.Error("changing a returned deprecation changed the catalog")
	}
	rows := catalog.APIRows()
	rows[0].APIs[0].Path = "/changed"
	if catalog.APIRows()[0].APIs[0].Path == "/changed" {
		t.Error("changing a returned API row changed the catalog")
	}
}

func TestKeyRefWithConcreteTagKey(t *testing.T) {
	a, _ := catalog.LookupAction("ims:images:updateMemberStatus")
	if _, ok := a.KeyRef("g:RequestTag/team"); !ok {
		t.Error("KeyRef(g:RequestTag/team) should find the g:RequestTag/<tag-key> association")
	}
}

func TestSuggestConditionKeysKeepsTagKey(t *testing.T) {
	got := catalog.SuggestConditionKeys("g:RequestTg/team")
	if len(got) == 0 || got[0] != "g:RequestTag/team" {
		t.Errorf("SuggestConditionKeys(g:RequestTg/team) = %v, want g:RequestTag/team first", got)
	}
}

// TestNamesFoldASCIIOnly: the catalog ignores ASCII case in names and nothing else, so
// that a name with a non-ASCII look-alike of a letter is a name the catalog does not know,
// under every lookup, and no catalog pattern reaches it.
func TestNamesFoldASCIIOnly(t *testing.T) {
	variants := 0
	for _, name := range catalog.KnownNames() {
		if catalog.Kind(strings.ToUpper(name)) == catalog.Unknown || catalog.Kind(strings.ToLower(name)) == catalog.Unknown {
			t.Errorf("%s is not found in another ASCII case", name)
		}
		for _, v := range lookalike.Variants(name) {
			variants++
			if k := catalog.Kind(v); k != catalog.Unknown {
				t.Errorf("catalog.Kind(%q) = %v, want unknown", v, k)
			}
			if n, ok := catalog.CanonicalName(v); ok {
				t.Errorf("catalog.CanonicalName(%q) = %q", v, n)
			}
			if _, ok := catalog.LookupAction(v); ok {
				t.Errorf("catalog.LookupAction(%q) found an action", v)
			}
			if g := catalog.Granted(v); len(g) > 0 {
				t.Errorf("catalog.Granted(%q) = %d actions", v, len(g))
			}
			if m := catalog.MatchNames(v); len(m) > 0 {
				t.Errorf("catalog.MatchNames(%q) = %q", v, m)
			}
		}
	}
	for _, k := range catalog.ConditionKeys() {
		name := strings.ReplaceAll(strings.ReplaceAll(k.Name, "<", ""), ">", "")
		for _, v := range lookalike.Variants(name) {
			variants++
			if _, ok := catalog.LookupConditionKey(v); ok && !strings.Contains(k.Name, "<") {
				t.Errorf("catalog.LookupConditionKey(%q) found a key", v)
			}
		}
	}
	if variants < 100 {
		t.Fatalf("only %d variants: the test proves little", variants)
	}
}

// Every API of Table 2 is one operation, authorised by the action of the one row that lists
// it without a scenario note, needing the other rows' actions and every row's dependencies.
func TestOperations(t *testing.T) {
	ops := catalog.Operations()
	ids := map[string]bool{}
	type api struct{ method, path string }
	byAPI := map[api]catalog.Operation{}
	for _, op := range ops {
		if op.IDSource != catalog.Inferred || op.ID == "" {
			t.Errorf("%s %s: id %q (%s), want a derived id marked inferred", op.Method, op.PathTemplate, op.ID, op.IDSource)
		}
		if ids[op.ID] {
			t.Errorf("operation id %s is given twice", op.ID)
		}
		ids[op.ID] = true
		if _, ok := catalog.LookupAction(op.Action); !ok {
			t.Errorf("%s: action %q is not in Table 1", op.ID, op.Action)
		}
		if slices.Contains(op.DependentActions, op.Action) {
			t.Errorf("%s depends on its own action %s", op.ID, op.Action)
		}
		byAPI[api{op.Method, op.PathTemplate}] = op
	}
	for _, row := range catalog.APIRows() {
		for _, a := range row.APIs {
			op, ok := byAPI[api{a.Method, a.Path}]
			if !ok {
				t.Errorf("%s %s is no operation", a.Method, a.Path)
				continue
			}
			if a.Note == "" && op.Action != row.Action {
				t.Errorf("%s: action %s, want %s (the row that lists it without a note)", op.ID, op.Action, row.Action)
			}
			if a.Note != "" && !slices.Contains(op.DependentActions, row.Action) {
				t.Errorf("%s: %s (%s) is not among its dependent actions %v", op.ID, row.Action, a.Note, op.DependentActions)
			}
			for _, d := range row.Dependencies {
				if d != op.Action && !slices.Contains(op.DependentActions, d) {
					t.Errorf("%s: dependency %s is not among its dependent actions %v", op.ID, d, op.DependentActions)
				}
			}
		}
	}
	if len(byAPI) != len(ops) {
		t.Errorf("%d operations for %d APIs", len(ops), len(byAPI))
	}
	if got := byAPI[api{"POST", "/v1/cloudimages/{image_id}/cross_region_copy"}].ID; got != "PostV1CloudimagesImageIdCrossRegionCopy" {
		t.Errorf("the id of POST /v1/cloudimages/{image_id}/cross_region_copy: %s", got)
	}
	// Every action of Table 1 authorises an API of Table 2, so none is permission-only.
	for _, a := range catalog.Actions() {
		if a.PermissionOnly() {
			t.Errorf("%s is permission-only: no API of Table 2 is authorised by it", a.Name)
		}
	}
}

// The seed's rule: keys of an action with resource types take effect for those types only.
func TestKeysScopedToResources(t *testing.T) {
	get, _ := catalog.LookupAction("ims:images:get")
	list, _ := catalog.LookupAction("ims:images:list")
	if !get.KeysScopedToResources() || list.KeysScopedToResources() {
		t.Errorf("ims:images:get (image *) scoped %v, ims:images:list (-) scoped %v", get.KeysScopedToResources(), list.KeysScopedToResources())
	}
}

// The condition key index finds exactly what reading the table row by row finds, on
// generated spellings: every key in random ASCII case, with a character changed, added or
// cut, and concrete keys of the templates with any tag key.
func TestLookupConditionKeyAgreesWithTheTable(t *testing.T) {
	keys := catalog.ConditionKeys()
	lower := func(s string) string { // ASCII letters only: the case rule of keys
		return strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}, s)
	}
	scan := func(name string) (string, bool) {
		for _, k := range keys {
			if prefix, template := strings.CutSuffix(k.Name, "<tag-key>"); template {
				if len(name) > len(prefix) && lower(name[:len(prefix)]) == lower(prefix) {
					return k.Name, true
				}
			} else if lower(name) == lower(k.Name) {
				return k.Name, true
			}
		}
		return "", false
	}
	r := rand.New(rand.NewPCG(4, 8))
	alphabet := []string{"a", "b", "X", "Z", ":", "/", "<", ">", "-", "_", "0", "é", "\u212a", "ſ"} // Kelvin sign and long s fold to k and s in Unicode only
	mutate := func(s string) string {
		b := []byte(s)
		for i := range b {
			if r.IntN(2) == 0 && 'a' <= b[i]|0x20 && b[i]|0x20 <= 'z' {
				b[i] ^= 0x20 // flip the ASCII case
			}
		}
		s = string(b)
		at := r.IntN(len(s) + 1)
		switch r.IntN(5) {
		case 0: // add a character
			s = s[:at] + alphabet[r.IntN(len(alphabet))] + s[at:]
		case 1: // cut one
			if at < len(s) {
				s = s[:at] + s[at+1:]
			}
		case 2: // change one
			if at < len(s) {
				s = s[:at] + alphabet[r.IntN(len(alphabet))] + s[at+1:]
			}
		}
		return s
	}
	found, tried := 0, 0
	for range 20000 {
		k := keys[r.IntN(len(keys))]
		name := k.Name
		if prefix, template := strings.CutSuffix(name, "<tag-key>"); template && r.IntN(2) == 0 {
			name = prefix + []string{"", "team", "a/b", "<tag-key>", "é"}[r.IntN(5)]
		}
		name = mutate(name)
		tried++
		want, wantOK := scan(name)
		got, ok := catalog.LookupConditionKey(name)
		typ, typeOK := catalog.ConditionKeyType(name)
		if ok != wantOK || got.Name != want || typeOK != ok || typ != got.Type {
			t.Fatalf("LookupConditionKey(%q) = %q, %t and ConditionKeyType = %q, %t; the table gives %q, %t", name, got.Name, ok, typ, typeOK, want, wantOK)
		}
		if ok {
			found++
		}
	}
	if found < tried/4 || found > tried*9/10 {
		t.Fatalf("%d of %d generated names are keys: the generator tests too little of one side", found, tried)
	}
}

// Grants says how a name or pattern reaches each action, and which of those reach beyond
// what an alias's name says.
func TestGrants(t *testing.T) {
	type reach struct{ action, alias string }
	cases := []struct {
		in     string
		want   []reach
		beyond []string
	}{
		{"ims:images:update", []reach{{"ims:images:deleteImage", "ims:images:update"}, {"ims:images:setTags", "ims:images:update"}},
			[]string{"ims:images:deleteImage", "ims:images:setTags"}},
		{"ims:images:upd*", []reach{
			{"ims:images:deleteImage", "ims:images:update"}, {"ims:images:setTags", "ims:images:update"},
			{"ims:images:updateImage", ""}, {"ims:images:updateMemberStatus", ""}},
			[]string{"ims:images:deleteImage", "ims:images:setTags"}},
		{"ims:images:copy", []reach{{"ims:images:copyCrossRegion", "ims:images:copy"}, {"ims:images:copyInRegion", "ims:images:copy"}}, nil},
		{"ims:images:list", []reach{
			{"ims:images:getJob", "ims:images:list"}, {"ims:images:getTags", "ims:images:list"}, {"ims:images:list", ""},
			{"ims:images:listImagesByTag", "ims:images:list"}, {"ims:images:listOsVersion", "ims:images:list"},
			{"ims:images:showImageTags", "ims:images:list"}}, nil},
		{"ims:images:*Member", []reach{{"ims:images:addMember", ""}, {"ims:images:deleteMember", ""}}, nil},
		// The vendor recommends the member actions in place of ims:images:share.
		{"ims:images:share", []reach{{"ims:images:addMember", "ims:images:share"}, {"ims:images:deleteMember", "ims:images:share"},
			{"ims:images:share", ""}, {"ims:images:updateMemberStatus", "ims:images:share"}}, nil},
		{"ims:images:deleteTags", nil, nil},
	}
	for _, tc := range cases {
		var got []reach
		var beyond []string
		for _, g := range catalog.Grants(tc.in) {
			got = append(got, reach{g.Name, g.Alias})
			if g.BeyondAlias() {
				beyond = append(beyond, g.Name)
			}
		}
		if !slices.Equal(got, tc.want) || !slices.Equal(beyond, tc.beyond) {
			t.Errorf("Grants(%q) = %v (beyond its alias: %q), want %v (%q)", tc.in, got, beyond, tc.want, tc.beyond)
		}
	}
	// BeyondAliases is Grants filtered by BeyondAlias.
	for _, p := range append(catalog.KnownNames(), "*", "ims:images:*", "ims:images:upd*", "ims:images:*e", "ims:*:?????") {
		var want []catalog.Grant
		for _, g := range catalog.Grants(p) {
			if g.BeyondAlias() {
				want = append(want, g)
			}
		}
		got := catalog.BeyondAliases(p)
		if len(got) != len(want) || !slices.EqualFunc(got, want, func(a, b catalog.Grant) bool { return a.Name == b.Name && a.Alias == b.Alias }) {
			t.Errorf("BeyondAliases(%q) = %v, want %v", p, got, want)
		}
	}
	if d := catalog.Grants("ims:images:update")[0].AliasDoubt; !strings.Contains(d, "ims:images:delete") {
		t.Errorf("the deleteImage row carries no doubt about its alias: %q", d)
	}
}

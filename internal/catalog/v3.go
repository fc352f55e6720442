package catalog

import "slices"

// This file holds IAM v3 ("Version": "1.1") custom-policy facts for IMS beside the v5
// catalog: the 13 v3 IMS actions and the v3 API → action table. Both are transcribed from
// the project's reference notes on IAM v3 (shared/reference/iam-v3-ims.md, §1.1 and §1.2; a
// copy of the table is in testdata/iam-v3-ims-table.md), which quote two vendor sites:
//
//   - S1, Huawei Cloud (China site, zh-cn): huaweicloudDocs/ims @ 530b5c741f813f8bcbbfbf56cc5ee05c49b5d71a,
//     cn.zh-cn/API参考/权限及授权项说明.md (ims_03_appendix_04) and its pages 镜像管理.md,
//     镜像标签-0.md, 镜像视图.md, 镜像共享-1.md, 镜像复制-2.md, 镜像配额-3.md.
//   - S2, Open Telekom Cloud: opentelekomcloud-docs/image-management-service @ 7f136da472e76282533d2a9d870481e723bd5100,
//     api-ref/source/permissions_and_supported_actions/*.rst, published at
//     https://docs.otc.t-systems.com/image-management-service/api-ref/permissions_and_supported_actions/image_management.html
//   - S3, Huawei intl region pages (search excerpts), for the rows one of the above lacks:
//     https://support.huaweicloud.com/intl/en-us/ae-ad-1-api-ims/en-us_topic_0125866390.html (os_version)
//     and https://support.huaweicloud.com/intl/ja-jp/my-kualalumpur-1-api-ims/en-us_topic_0125866394.html
//     (cross-region copy).
//
// The table is the union of both sites' rows; a row only one site has says so (OnlyIn).
// Facts that are the notes' reading rather than a vendor statement are listed in a row's
// Inferred field. Contradictions between the tables (C1–C8 of the notes, §2.3) are kept on
// the rows they concern (Notes), not resolved here.

// V3Site names a vendor documentation site of the v3 table.
type V3Site string

// The two sites whose v3 tables are merged.
const (
	V3Huawei V3Site = "huawei"
	V3OTC    V3Site = "otc"
)

// V3Action is one of the 13 IMS actions of IAM v3 custom policies (notes §1.1).
type V3Action struct {
	Name string
	// Sites lists the sites whose tables name the action.
	Sites []V3Site
	// V5Name is the v5 action of the same name, or "" when v5 has none: update and copy
	// survive in v5 only as aliases, delete not at all (notes §2.1, C1).
	V5Name string
}

// V3Item is one action in a cell of the v3 table.
type V3Item struct {
	Action string
	// Only is the site's proviso, verbatim in the site's language ("仅企业项目迁移需要",
	// "only for migration to enterprise projects"); empty when the action is always needed.
	Only string
}

// V3Cell is one site's action cell of a row.
type V3Cell struct {
	// Source cites the page the cell is read from.
	Source string
	// Items are empty when the site says the API needs no action (S1 "无", S2 "N/A").
	Items []V3Item
}

// Support says whether the site lists an API as usable in a scope.
type Support string

// The values of the IAM-project and enterprise-project columns.
const (
	Supported   Support = "yes"
	Unsupported Support = "no"
	// SupportUnknown: no source gives the cell.
	SupportUnknown Support = "unknown"
)

// V3APIRow is one API of the v3 table (notes §1.2).
type V3APIRow struct {
	// Num is the row number of the notes' table; rows 30–33 share a line there and are
	// separate rows here.
	Num    int
	Method string
	Path   string
	// Huawei is S1's cell (or S3's, when S1 lacks the row); nil when no Huawei source lists it.
	Huawei *V3Cell
	// OTC is S2's Action cell; nil when S2 lacks the row.
	OTC *V3Cell
	// OTCDeps are the ims: items of S2's Dependencies cell (the other services' items are
	// in the notes' Appendix A).
	OTCDeps []V3Item
	// IAMProject and EnterpriseProject are S2's "IAM projects"/"Enterprise projects"
	// columns (S1's for a row S2 lacks).
	IAMProject        Support
	EnterpriseProject Support
	// OnlyIn is the one site whose table has the row; empty when both have it.
	OnlyIn V3Site
	// Inferred lists the row's facts that are the notes' reading, each with its reason.
	Inferred []string
	// Notes are the contradictions of the notes' §2.3 that concern the row (C1–C8),
	// recorded, not resolved.
	Notes []string
}

// Actions returns the union of both sites' action names of the row, in table order, each once.
func (r V3APIRow) Actions() []string {
	var out []string
	for _, c := range []*V3Cell{r.Huawei, r.OTC} {
		if c == nil {
			continue
		}
		for _, it := range c.Items {
			if !slices.Contains(out, it.Action) {
				out = append(out, it.Action)
			}
		}
	}
	return out
}

// Sources of the cells. The page of each row follows the page topics of S1 and S2
// (management, tagging, schema, sharing, replication, quota).
const (
	s1Manage  = "S1 huaweicloudDocs/ims cn.zh-cn/API参考/镜像管理.md (ims_03_appendix_05)"
	s1Tags    = "S1 huaweicloudDocs/ims cn.zh-cn/API参考/镜像标签-0.md (ims_03_appendix_06)"
	s1Schema  = "S1 huaweicloudDocs/ims cn.zh-cn/API参考/镜像视图.md (ims_03_appendix_07)"
	s1Share   = "S1 huaweicloudDocs/ims cn.zh-cn/API参考/镜像共享-1.md (ims_03_appendix_08)"
	s1Copy    = "S1 huaweicloudDocs/ims cn.zh-cn/API参考/镜像复制-2.md (ims_03_appendix_09)"
	s1Quota   = "S1 huaweicloudDocs/ims cn.zh-cn/API参考/镜像配额-3.md (ims_03_appendix_10)"
	s2Manage  = "S2 opentelekomcloud-docs/image-management-service permissions_and_supported_actions/image_management.rst"
	s2Tags    = "S2 opentelekomcloud-docs/image-management-service permissions_and_supported_actions/image_tagging.rst"
	s2Schema  = "S2 opentelekomcloud-docs/image-management-service permissions_and_supported_actions/image_schema.rst"
	s2Share   = "S2 opentelekomcloud-docs/image-management-service permissions_and_supported_actions/image_sharing.rst"
	s2Copy    = "S2 opentelekomcloud-docs/image-management-service permissions_and_supported_actions/image_replication.rst"
	s2Quota   = "S2 opentelekomcloud-docs/image-management-service permissions_and_supported_actions/image_quota.rst"
	s3OSVer   = "S3 https://support.huaweicloud.com/intl/en-us/ae-ad-1-api-ims/en-us_topic_0125866390.html (S1 lacks the row)"
	s3XRegion = "S3 https://support.huaweicloud.com/intl/ja-jp/my-kualalumpur-1-api-ims/en-us_topic_0125866394.html"
)

// Provisos, verbatim.
const (
	zhEPMigration = "仅企业项目迁移需要"
	zhQuickSys    = "仅快速导入系统盘镜像需要"
	zhQuickData   = "仅快速导入数据盘镜像需要"
	zhEPUsers     = "仅开通企业项目用户需要"
	enEPMigration = "only for migration to enterprise projects"
	enQuickSys    = "required only for quickly importing system disk images"
	enQuickData   = "required only for quickly importing data disk images"
	enEPUsers     = "required only for users who have enabled enterprise projects"
)

// Contradictions of the notes' §2.3, as recorded on the rows they concern.
const (
	noteC1 = "C1: v3 (S1, S2) needs ims:images:delete here, but the v5 seed gives deleteImage the alias ims:images:update and no v5 row names ims:images:delete (notes §2.3)"
	noteC2 = "C2: v3 needs ims:images:update here; the v5 seed's ims:images:updateImage has no alias"
	noteC3 = "C3: v3 needs ims:images:update here; the v5 seed's setOrDeleteTags has no alias and its dependency ims:images:deleteTags is not a v5 catalog action"
	noteC4 = "C4: v3 needs ims:images:list here; the v5 seed's listImageTags has no alias, although showImageTags and listImagesByTag have ims:images:list"
	noteC6 = "C6: v3 needs serverImages:create (system disk) or dataImages:create (data disk); the v5 seed also lists this API as the primary API of ims:images:import, without saying whether v5 requires import as well"
	noteC8 = "C8: not supported in enterprise projects in v3 (EP = x); in v3 the enterprise-project scope is part of the assignment, not of the document, so it cannot be migrated from the document alone (inferred)"
	// C7: the Paris (eu-west-0) variant of the table needs more actions; each row quotes it.
	noteC7Patch     = "C7: the Paris (eu-west-0) variant (S3 en-us_topic_0107282312) needs ims:images:get ims:images:update"
	noteC7Delete    = "C7: the Paris (eu-west-0) variant (S3 en-us_topic_0107282312) needs ims:images:get ims:images:delete"
	noteC7Action    = "C7: the Paris (eu-west-0) variant (S3 en-us_topic_0107282312) needs ims:images:get ims:images:update ims:images:upload ims:images:create ims:serverImages:create"
	noteC7Whole     = "C7: the Paris (eu-west-0) variant (S3 en-us_topic_0107282312) needs ims:images:get ims:images:update ims:images:upload ims:images:create ims:wholeImages:create"
	noteC7Upload    = "C7: the Paris (eu-west-0) variant (S3 en-us_topic_0107282312) needs ims:images:get ims:images:update ims:images:upload ims:images:create"
	noteC7Export    = "C7: the Paris (eu-west-0) variant (S3 en-us_topic_0107282312) needs ims:images:get ims:images:export"
	noteC7Copy      = "C7: the Paris (eu-west-0) variant (S3 en-us_topic_0107282310) needs ims:images:get ims:images:update ims:images:upload ims:images:create ims:images:copy"
	inferScenario   = "Only: whether an item marked \"only for …\" is needed depends on the request (system or data disk, enterprise project or not), which a static evaluator cannot tell apart (inferred, notes §1.2)"
	inferNoActionEP = "EnterpriseProject: the row needs no action, so the scope column constrains nothing (inferred)"
	// inferSplit marks a Huawei cell of several items: S1's Markdown runs them together
	// ("ims:images:getims:images:update"); they are split where one action name ends, as the
	// HTML version of S1 (599ac07, 2020-04-30) shows its items separately (notes §0, S1).
	inferSplit = "Huawei: S1's Markdown runs the cell's items together (ims:images:getims:images:update); they are split at action-name boundaries, as S1's HTML version (599ac07) and S2 list them (inferred)"
)

// Cell constructors, to keep the table below one line per fact.
func v3hw(src string, items ...V3Item) *V3Cell  { return &V3Cell{Source: src, Items: items} }
func v3otc(src string, items ...V3Item) *V3Cell { return &V3Cell{Source: src, Items: items} }
func v3a(name string) V3Item                    { return V3Item{Action: name} }
func v3only(name, proviso string) V3Item        { return V3Item{Action: name, Only: proviso} }

// v3Actions is §1.1, in the notes' order.
var v3Actions = []V3Action{
	{Name: "ims:images:list", V5Name: "ims:images:list"},
	{Name: "ims:images:get", V5Name: "ims:images:get"},
	{Name: "ims:images:create", V5Name: "ims:images:create"},
	{Name: "ims:images:update"},
	{Name: "ims:images:delete"},
	{Name: "ims:images:upload", V5Name: "ims:images:upload"},
	{Name: "ims:images:export", V5Name: "ims:images:export"},
	{Name: "ims:images:share", V5Name: "ims:images:share"},
	{Name: "ims:images:copy"},
	{Name: "ims:serverImages:create", V5Name: "ims:serverImages:create"},
	{Name: "ims:dataImages:create", V5Name: "ims:dataImages:create"},
	{Name: "ims:wholeImages:create", V5Name: "ims:wholeImages:create"},
	{Name: "ims:quotas:get", V5Name: "ims:quotas:get"},
}

// Action names, for the table below.
const (
	v3List   = "ims:images:list"
	v3Get    = "ims:images:get"
	v3Create = "ims:images:create"
	v3Update = "ims:images:update"
	v3Delete = "ims:images:delete"
	v3Upload = "ims:images:upload"
	v3Export = "ims:images:export"
	v3Share  = "ims:images:share"
	v3Copy   = "ims:images:copy"
	v3Server = "ims:serverImages:create"
	v3Data   = "ims:dataImages:create"
	v3Whole  = "ims:wholeImages:create"
	v3Quota  = "ims:quotas:get"
)

// v3same builds a row that both sites have with the same single action.
func v3same(num int, method, path, s1, s2 string, action string, ep Support, notes ...string) V3APIRow {
	r := V3APIRow{Num: num, Method: method, Path: path,
		Huawei: v3hw(s1, v3a(action)), OTC: v3otc(s2, v3a(action)),
		IAMProject: Supported, EnterpriseProject: ep, Notes: notes}
	if ep == Unsupported {
		r.Notes = append(r.Notes, noteC8)
	}
	return r
}

// v3both builds a row that both sites have with the same several actions.
func v3both(num int, method, path, s1, s2 string, ep Support, actions ...string) V3APIRow {
	var items []V3Item
	for _, n := range actions {
		items = append(items, v3a(n))
	}
	r := V3APIRow{Num: num, Method: method, Path: path,
		Huawei: v3hw(s1, items...), OTC: v3otc(s2, slices.Clone(items)...),
		IAMProject: Supported, EnterpriseProject: ep}
	if len(items) > 1 {
		r.Inferred = append(r.Inferred, inferSplit)
	}
	if ep == Unsupported {
		r.Notes = append(r.Notes, noteC8)
	}
	return r
}

// v3none builds a row that both sites list with no action.
func v3none(num int, method, path, s1, s2 string) V3APIRow {
	return V3APIRow{Num: num, Method: method, Path: path, Huawei: v3hw(s1), OTC: v3otc(s2),
		IAMProject: Supported, EnterpriseProject: Unsupported, Inferred: []string{inferNoActionEP}}
}

func v3withDeps(r V3APIRow, deps ...V3Item) V3APIRow { r.OTCDeps = deps; return r }
func v3withNotes(r V3APIRow, notes ...string) V3APIRow {
	r.Notes = append(notes, r.Notes...)
	return r
}

// y and x are the notes' Y and x of the IAM/EP columns.
const y, x = Supported, Unsupported

// v3APIRows is §1.2: the union of S1's and S2's rows, in the notes' order.
var v3APIRows = []V3APIRow{
	v3same(1, "GET", "/v2/cloudimages", s1Manage, s2Manage, v3List, y),
	{Num: 2, Method: "GET", Path: "/v1/cloudimages/os_version",
		Huawei: v3hw(s3OSVer, v3a(v3List)), OTC: v3otc(s2Manage, v3a(v3List)),
		IAMProject: y, EnterpriseProject: x, OnlyIn: V3OTC, Notes: []string{noteC8}},
	{Num: 3, Method: "PATCH", Path: "/v2/cloudimages/{image_id}",
		Huawei:     v3hw(s1Manage, v3a(v3Update), v3only(v3Server, zhEPMigration)),
		OTC:        v3otc(s2Manage, v3a(v3Update), v3only(v3Server, enEPMigration)),
		OTCDeps:    []V3Item{v3only(v3Server, enEPMigration)},
		IAMProject: y, EnterpriseProject: y, Inferred: []string{inferScenario, inferSplit}, Notes: []string{noteC2, noteC7Patch}},
	v3withNotes(v3same(4, "POST", "/v2/cloudimages/action", s1Manage, s2Manage, v3Server, y), noteC7Action),
	{Num: 5, Method: "POST", Path: "/v2/cloudimages/quickimport/action",
		Huawei:     v3hw(s1Manage, v3only(v3Server, zhQuickSys), v3only(v3Data, zhQuickData)),
		OTC:        v3otc(s2Manage, v3only(v3Server, enQuickSys), v3only(v3Data, enQuickData)),
		OTCDeps:    []V3Item{v3only(v3Server, enQuickSys), v3only(v3Data, enQuickData)},
		IAMProject: y, EnterpriseProject: y, Inferred: []string{inferScenario, inferSplit}, Notes: []string{noteC6}},
	v3same(6, "POST", "/v1/cloudimages/dataimages/action", s1Manage, s2Manage, v3Data, y),
	v3withNotes(v3same(7, "POST", "/v1/cloudimages/wholeimages/action", s1Manage, s2Manage, v3Whole, y), noteC7Whole),
	v3withNotes(v3withDeps(v3same(8, "PUT", "/v1/cloudimages/{image_id}/upload", s1Manage, s2Manage, v3Upload, y), v3a(v3Get), v3a(v3Update)), noteC7Upload),
	v3withNotes(v3same(9, "POST", "/v1/cloudimages/{image_id}/file", s1Manage, s2Manage, v3Export, y), noteC7Export),
	v3same(10, "GET", "/v2/images", s1Manage, s2Manage, v3List, x),
	v3same(11, "GET", "/v2/images/{image_id}", s1Manage, s2Manage, v3Get, y),
	v3same(12, "PATCH", "/v2/images/{image_id}", s1Manage, s2Manage, v3Update, y, noteC2, noteC7Patch),
	v3same(13, "DELETE", "/v2/images/{image_id}", s1Manage, s2Manage, v3Delete, y, noteC1, noteC7Delete),
	v3same(14, "POST", "/v2/images", s1Manage, s2Manage, v3Create, x),
	v3withDeps(v3both(15, "PUT", "/v2/images/{image_id}/file", s1Manage, s2Manage, x, v3Get, v3Update, v3Upload), v3a(v3Upload)),
	v3none(16, "GET", "/", s1Manage, s2Manage),
	v3same(17, "GET", "/v1.1/images/detail", s1Manage, s2Manage, v3List, x),
	v3same(18, "HEAD", "/v1/images/{image_id}", s1Manage, s2Manage, v3Get, x),
	v3same(19, "DELETE", "/v1.1/images/{image_id}", s1Manage, s2Manage, v3Delete, x, noteC1),
	v3both(20, "PUT", "/v2/images/{image_id}/tags/{tag}", s1Tags, s2Tags, x, v3Get, v3Update),
	v3both(21, "DELETE", "/v2/images/{image_id}/tags/{tag}", s1Tags, s2Tags, x, v3Get, v3Update),
	v3both(22, "PUT", "/v1/cloudimages/tags", s1Tags, s2Tags, x, v3Get, v3Update),
	v3same(23, "GET", "/v1/cloudimages/tags", s1Tags, s2Tags, v3List, x),
	v3same(24, "POST", "/v2/{project_id}/images/resource_instances/action", s1Tags, s2Tags, v3List, x),
	v3same(25, "POST", "/v2/{project_id}/images/{image_id}/tags/action", s1Tags, s2Tags, v3Update, x, noteC3),
	v3same(26, "POST", "/v2/{project_id}/images/{image_id}/tags", s1Tags, s2Tags, v3Update, x),
	v3same(27, "DELETE", "/v2/{project_id}/images/{image_id}/tags/{key}", s1Tags, s2Tags, v3Update, x),
	v3same(28, "GET", "/v2/{project_id}/images/{image_id}/tags", s1Tags, s2Tags, v3List, x),
	v3same(29, "GET", "/v2/{project_id}/images/tags", s1Tags, s2Tags, v3List, x, noteC4),
	v3none(30, "GET", "/v2/schemas/image", s1Schema, s2Schema),
	v3none(31, "GET", "/v2/schemas/images", s1Schema, s2Schema),
	v3none(32, "GET", "/v2/schemas/member", s1Schema, s2Schema),
	v3none(33, "GET", "/v2/schemas/members", s1Schema, s2Schema),
	v3both(34, "POST", "/v2/images/{image_id}/members", s1Share, s2Share, x, v3Get, v3Share),
	v3both(35, "PUT", "/v2/images/{image_id}/members/{member_id}", s1Share, s2Share, x, v3Get, v3Share),
	v3both(36, "GET", "/v2/images/{image_id}/members/{member_id}", s1Share, s2Share, x, v3Get, v3Share),
	v3both(37, "GET", "/v2/images/{image_id}/members", s1Share, s2Share, x, v3Get, v3Share),
	v3both(38, "DELETE", "/v2/images/{image_id}/members/{member_id}", s1Share, s2Share, x, v3Get, v3Share),
	v3same(39, "POST", "/v1/cloudimages/members", s1Share, s2Share, v3Share, x),
	v3same(40, "PUT", "/v1/cloudimages/members", s1Share, s2Share, v3Share, x),
	v3same(41, "DELETE", "/v1/cloudimages/members", s1Share, s2Share, v3Share, x),
	{Num: 42, Method: "POST", Path: "/v1/cloudimages/{image_id}/copy",
		Huawei:     v3hw(s1Copy, v3a(v3Copy), v3only(v3Server, zhEPUsers)),
		OTC:        v3otc(s2Copy, v3a(v3Copy), v3only(v3Server, enEPUsers)),
		OTCDeps:    []V3Item{v3a(v3Copy), v3a(v3Server), v3only(v3Server, enEPUsers)},
		IAMProject: y, EnterpriseProject: y,
		Inferred: []string{inferScenario, inferSplit,
			"OTCDeps: S2's cell lists ims:serverImages:create twice, once without and once with the enterprise-project proviso; both are kept as written"},
		Notes: []string{noteC7Copy}},
	{Num: 43, Method: "POST", Path: "/v1/cloudimages/{image_id}/cross_region_copy",
		Huawei:     v3hw(s1Copy+"; also "+s3XRegion, v3a(v3Copy)),
		IAMProject: SupportUnknown, EnterpriseProject: x, OnlyIn: V3Huawei,
		Inferred: []string{"IAMProject: S2 lacks the row (no cross-region replication in OTC) and the notes give only S1's EP column, so IAM-project support is unknown"},
		Notes:    []string{noteC8}},
	v3same(44, "GET", "/v1/cloudimages/quota", s1Quota, s2Quota, v3Quota, y),
}

// V3Actions returns the 13 IMS actions of IAM v3 custom policies; callers may change the copy.
func V3Actions() []V3Action {
	out := make([]V3Action, len(v3Actions))
	for i, act := range v3Actions {
		// §1.1: S1 and S2 both name every one of the 13 actions.
		act.Sites = []V3Site{V3Huawei, V3OTC}
		out[i] = act
	}
	return out
}

// V3APIs returns the rows of the v3 API → action table; callers may change the copy.
func V3APIs() []V3APIRow {
	out := make([]V3APIRow, len(v3APIRows))
	for i, r := range v3APIRows {
		r.Huawei = r.Huawei.clone()
		r.OTC = r.OTC.clone()
		r.OTCDeps = slices.Clone(r.OTCDeps)
		r.Inferred = slices.Clone(r.Inferred)
		r.Notes = slices.Clone(r.Notes)
		out[i] = r
	}
	return out
}

func (c *V3Cell) clone() *V3Cell {
	if c == nil {
		return nil
	}
	d := *c
	d.Items = slices.Clone(c.Items)
	return &d
}

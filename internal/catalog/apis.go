package catalog

// Notes the seed attaches to APIs in Table 2.
const (
	noteQuickImportData  = "required only for quickly importing a data disk image"
	noteQuickImportSys   = "required only for quickly importing a system disk image"
	noteEPMigration      = "required only for enterprise project migration"
	noteEnterpriseProjct = "required only by enterprise project users"
)

// apiRows is Table 2, in the seed's order. The seed's "OST /v2/cloudimages/quickimport/action"
// is a typo for POST and is written as POST here.
var apiRows = []APIRow{
	{APIs: []APIRef{{Method: "GET", Path: "/v2/cloudimages"}}, Action: "ims:images:list"},
	{APIs: []APIRef{{Method: "GET", Path: "/v2/images/{image_id}"}}, Action: "ims:images:get"},
	{APIs: []APIRef{{Method: "POST", Path: "/v2/images"}}, Action: "ims:images:create"},
	{APIs: []APIRef{{Method: "POST", Path: "/v2/images/{image_id}/members"}}, Action: "ims:images:share",
		Dependencies: []string{"ims:images:get"}},
	{APIs: []APIRef{{Method: "POST", Path: "/v1/cloudimages/{image_id}/copy"}}, Action: "ims:images:copyInRegion",
		Dependencies: []string{"ims:serverImages:create"}},
	{APIs: []APIRef{{Method: "POST", Path: "/v1/cloudimages/{image_id}/cross_region_copy"}}, Action: "ims:images:copyCrossRegion"},
	{APIs: []APIRef{{Method: "GET", Path: "/v1/cloudimages/quota"}}, Action: "ims:quotas:get"},
	{APIs: []APIRef{
		{Method: "PUT", Path: "/v1/cloudimages/{image_id}/upload"},
		{Method: "PUT", Path: "/v2/images/{image_id}/file"},
	}, Action: "ims:images:upload", Dependencies: []string{"ims:images:get", "ims:images:update"}},
	{APIs: []APIRef{{Method: "POST", Path: "/v1/cloudimages/wholeimages/action"}}, Action: "ims:wholeImages:create"},
	{APIs: []APIRef{{Method: "POST", Path: "/v1/cloudimages/{image_id}/file"}}, Action: "ims:images:export",
		Dependencies: []string{"obs:object:GetObject", "obs:object:PutObject"}},
	{APIs: []APIRef{
		{Method: "POST", Path: "/v2/cloudimages/quickimport/action", Note: noteQuickImportData},
		{Method: "POST", Path: "/v1/cloudimages/dataimages/action"},
	}, Action: "ims:dataImages:create"},
	{APIs: []APIRef{
		{Method: "PATCH", Path: "/v2/cloudimages/{image_id}", Note: noteEPMigration},
		{Method: "POST", Path: "/v2/cloudimages/action"},
		{Method: "POST", Path: "/v2/cloudimages/quickimport/action", Note: noteQuickImportSys},
		{Method: "POST", Path: "/v1/cloudimages/{image_id}/copy", Note: noteEnterpriseProjct},
	}, Action: "ims:serverImages:create"},
	{APIs: []APIRef{{Method: "PUT", Path: "/v1/cloudimages/tags"}}, Action: "ims:images:setTags"},
	{APIs: []APIRef{{Method: "GET", Path: "/v1/cloudimages/tags"}}, Action: "ims:images:getTags"},
	{APIs: []APIRef{{Method: "DELETE", Path: "/v2/images/{image_id}"}}, Action: "ims:images:deleteImage"},
	{APIs: []APIRef{
		{Method: "PATCH", Path: "/v2/cloudimages/{image_id}"},
		{Method: "PATCH", Path: "/v2/images/{image_id}"},
	}, Action: "ims:images:updateImage"},
	{APIs: []APIRef{{Method: "GET", Path: "/v1/cloudimages/os_version"}}, Action: "ims:images:listOsVersion"},
	{APIs: []APIRef{{Method: "GET", Path: "/v1/cloudimages/job/{job_id}"}}, Action: "ims:images:getJob"},
	{APIs: []APIRef{{Method: "POST", Path: "/v2/cloudimages/quickimport/action"}}, Action: "ims:images:import",
		Dependencies: []string{"ims:dataImages:create", "ims:serverImages:create"}},
	{APIs: []APIRef{{Method: "POST", Path: "/v2/{project_id}/images/{image_id}/tags/action"}}, Action: "ims:images:setOrDeleteTags",
		Dependencies: []string{"ims:images:setTags", "ims:images:deleteTags"}},
	{APIs: []APIRef{
		{Method: "PUT", Path: "/v1/cloudimages/members"},
		{Method: "PUT", Path: "/v2/images/{image_id}/members/{member_id}"},
	}, Action: "ims:images:updateMemberStatus"},
	{APIs: []APIRef{{Method: "POST", Path: "/v1/cloudimages/members"}}, Action: "ims:images:addMember"},
	{APIs: []APIRef{{Method: "DELETE", Path: "/v1/cloudimages/members"}}, Action: "ims:images:deleteMember"},
	{APIs: []APIRef{{Method: "POST", Path: "/v2/{project_id}/images/resource_instances/action"}}, Action: "ims:images:listImagesByTag"},
	{APIs: []APIRef{{Method: "GET", Path: "/v2/{project_id}/images/{image_id}/tags"}}, Action: "ims:images:showImageTags"},
	{APIs: []APIRef{{Method: "GET", Path: "/v2/{project_id}/images/tags"}}, Action: "ims:images:listImageTags"},
}

package catalog

// image is the only IMS resource type; every action that supports resources requires it.
var image = []ResourceTypeRef{{Name: "image", Required: true}}

// inferredKey associates a Table 4 key with an action whose Condition Key cell was lost.
func inferredKey(name, reason string) KeyRef {
	return KeyRef{Name: name, Source: Inferred, Reason: reason}
}

// Reasons for the inferred key associations, each from Table 4's description of the key.
const (
	whyEncrypted = `Table 4: ims:Encrypted "controls operations such as image import and replication"`
	whyRegion    = `Table 4: ims:Region "controls cross-region replication"`
	whyVault     = `Table 4: ims:VaultId "controls creation and cross-region replication of full-ECS images"`
	whyInstance  = `Table 4: ims:InstanceId "controls full-ECS image creation"`
	whyBackup    = `Table 4: ims:BackupId "controls full-ECS image creation"`
	whyVolume    = `Table 4: ims:VolumeId "controls image creation based on the specified volume ID"`
	whyAZ        = `Table 4: ims:SourceAvailabilityZone "filters access based on the specified AZ" of the source`
	whyTargetOrg = `Table 4: ims:TargetOrgPaths "filters access based on the Organizations Path of the specified sharing account"`
	whyOriginOrg = `Table 4: ims:OriginBucketOrgPaths "filters access based on the Organizations Path of the specified source bucket owner account"`
	shareNote    = "The action ims:images:share is not recommended. Instead, the following actions are recommended for sharing images: ims:images:addMember, ims:images:deleteMember, ims:images:updateMemberStatus."
	aliasCopy    = "ims:images:copy"
	aliasUpdate  = "ims:images:update"
	aliasList    = "ims:images:list"
	aliasShare   = "ims:images:share"
	globalEPKey  = "g:EnterpriseProjectId"
	// doubtDeleteAlias is contradiction C1 of the reference notes on IAM v3 policies: the
	// vendor's v3 permission tables give DELETE /v2/images/{image_id} the action
	// ims:images:delete and PATCH the action ims:images:update (huaweicloudDocs/ims,
	// cn.zh-cn/API参考/权限及授权项说明.md; Open Telekom Cloud's IMS API reference,
	// "Permissions and Supported Actions", image_management.rst).
	doubtDeleteAlias = "the vendor's older (v3) permission tables give deleting an image the action ims:images:delete " +
		"and updating one ims:images:update, so this cell may have slipped one row (updateImage has no alias); " +
		"until the vendor corrects or confirms it, the provider applies the table as published"
	globalTagKey = "g:RequestTag/<tag-key>"
)

// actions is Table 1, in the seed's order. Rows whose Condition Key cell the flattened seed
// lost have ConditionKeysLost set; their keys are inferred from Table 4 and say why.
var actions = []Action{
	{Name: "ims:images:list", Description: "Viewing images", AccessLevel: List,
		ConditionKeys: []KeyRef{{Name: globalEPKey, Source: Stated}}},
	{Name: "ims:images:get", Description: "Viewing details about a specified image", AccessLevel: Read,
		ResourceTypes: image},
	{Name: "ims:images:create", Description: "Creating image metadata", AccessLevel: Write,
		ConditionKeysLost: true},
	{Name: "ims:images:share", Description: "Sharing images", AccessLevel: PermissionManagement,
		ResourceTypes: image, ConditionKeysLost: true,
		ConditionKeys: []KeyRef{inferredKey("ims:TargetOrgPaths", whyTargetOrg)},
		Deprecation: &Deprecation{Note: shareNote,
			Recommended: []string{"ims:images:addMember", "ims:images:deleteMember", "ims:images:updateMemberStatus"}}},
	{Name: "ims:images:copyInRegion", Description: "Replicating images within a region", AccessLevel: Write,
		ResourceTypes: image, ConditionKeysLost: true, Aliases: []string{aliasCopy},
		ConditionKeys: []KeyRef{inferredKey("ims:Encrypted", whyEncrypted)}},
	{Name: "ims:images:copyCrossRegion", Description: "Replicating images across regions", AccessLevel: Write,
		ResourceTypes: image, ConditionKeysLost: true, Aliases: []string{aliasCopy},
		ConditionKeys: []KeyRef{
			inferredKey("ims:Encrypted", whyEncrypted),
			inferredKey("ims:Region", whyRegion),
			inferredKey("ims:VaultId", whyVault),
		}},
	{Name: "ims:quotas:get", Description: "Querying the image quota", AccessLevel: Read},
	{Name: "ims:images:upload", Description: "Uploading images", AccessLevel: Write,
		ResourceTypes: image},
	{Name: "ims:wholeImages:create", Description: "Creating full-ECS images", AccessLevel: Write,
		ConditionKeysLost: true,
		ConditionKeys: []KeyRef{
			inferredKey("ims:BackupId", whyBackup),
			inferredKey("ims:InstanceId", whyInstance),
			inferredKey("ims:SourceAvailabilityZone", whyAZ),
			inferredKey("ims:VaultId", whyVault),
		}},
	{Name: "ims:images:export", Description: "Exporting images", AccessLevel: Read,
		ResourceTypes: image},
	{Name: "ims:dataImages:create", Description: "Creating data disk images from external image files", AccessLevel: Write,
		ConditionKeysLost: true,
		ConditionKeys: []KeyRef{
			inferredKey("ims:Encrypted", whyEncrypted),
			inferredKey("ims:OriginBucketOrgPaths", whyOriginOrg),
		}},
	{Name: "ims:serverImages:create", Description: "Creating images", AccessLevel: Write,
		ConditionKeysLost: true,
		ConditionKeys: []KeyRef{
			inferredKey("ims:Encrypted", whyEncrypted),
			inferredKey("ims:OriginBucketOrgPaths", whyOriginOrg),
			inferredKey("ims:SourceAvailabilityZone", whyAZ),
			inferredKey("ims:VolumeId", whyVolume),
		}},
	{Name: "ims:images:setTags", Description: "Updating image tags", AccessLevel: Tagging,
		ResourceTypes: image, ConditionKeysLost: true, Aliases: []string{aliasUpdate}},
	{Name: "ims:images:getTags", Description: "Querying image tags", AccessLevel: Read,
		ConditionKeysLost: true, Aliases: []string{aliasList}},
	{Name: "ims:images:deleteImage", Description: "Deleting images", AccessLevel: Write,
		ResourceTypes: image, Aliases: []string{aliasUpdate}, AliasDoubt: doubtDeleteAlias},
	{Name: "ims:images:updateImage", Description: "Updating image information", AccessLevel: Write,
		ResourceTypes: image},
	{Name: "ims:images:listOsVersion", Description: "Querying OSs supported by images", AccessLevel: List,
		Aliases: []string{aliasList}},
	{Name: "ims:images:getJob", Description: "Querying progresses of asynchronous tasks", AccessLevel: Read,
		Aliases: []string{aliasList}},
	{Name: "ims:images:import", Description: "Importing images", AccessLevel: Write,
		ConditionKeysLost: true,
		ConditionKeys: []KeyRef{
			inferredKey("ims:Encrypted", whyEncrypted),
			inferredKey("ims:OriginBucketOrgPaths", whyOriginOrg),
		}},
	{Name: "ims:images:setOrDeleteTags", Description: "Adding or deleting image tags in a batch", AccessLevel: Write,
		ConditionKeysLost: true},
	{Name: "ims:images:updateMemberStatus", Description: "Updating the status of members who can use shared images", AccessLevel: Write,
		ResourceTypes: image, Aliases: []string{aliasShare},
		ConditionKeys: []KeyRef{{Name: globalTagKey, Source: Stated}}},
	{Name: "ims:images:addMember", Description: "Adding a tenant that can use a shared image", AccessLevel: Write,
		ResourceTypes: image, ConditionKeysLost: true, Aliases: []string{aliasShare},
		ConditionKeys: []KeyRef{inferredKey("ims:TargetOrgPaths", whyTargetOrg)}},
	{Name: "ims:images:deleteMember", Description: "Deleting a tenant from the group where the members can use a shared image", AccessLevel: Write,
		ResourceTypes: image, ConditionKeysLost: true, Aliases: []string{aliasShare}},
	{Name: "ims:images:listImagesByTag", Description: "Querying images by tag", AccessLevel: Read,
		Aliases: []string{aliasList}},
	{Name: "ims:images:showImageTags", Description: "Querying tags of an image", AccessLevel: Read,
		ResourceTypes: image, ConditionKeysLost: true, Aliases: []string{aliasList}},
	{Name: "ims:images:listImageTags", Description: "Querying project tags", AccessLevel: List},
}

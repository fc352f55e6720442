# The migration's proof, run by `terraform test`: plans only, offline, no credentials.

run "read_only_migrates_exactly" {
  command = plan

  assert {
    condition     = output.verdict == "equivalent"
    error_message = "The v5 policy differs: ${join("; ", output.differences)}"
  }
  assert {
    condition     = jsondecode(output.v5_policy).Statement[0].Action == ["ims:images:get", "ims:images:list", "ims:images:listImageTags", "ims:quotas:get"]
    error_message = "Unexpected v5 policy: ${output.v5_policy}"
  }
}

run "uploaders_keep_uploads_only_with_deletion" {
  command = plan

  variables {
    v3_policy_file = "policies/image-uploaders.json"
  }

  # v5's upload APIs need ims:images:update, which in v5 is also the alias of deleteImage
  # (C1): the migration leaves it out rather than allow deleting images, and says so.
  assert {
    condition     = output.verdict == "differences"
    error_message = "Expected the upload differences."
  }
  assert {
    condition = output.differences == [
      "PUT /v1/cloudimages/{image_id}/upload: v3 allow, v5 implicit_deny",
      "PUT /v2/images/{image_id}/file: v3 allow, v5 implicit_deny",
    ]
    error_message = "Unexpected differences: ${join("; ", output.differences)}"
  }
}

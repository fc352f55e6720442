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

run "image_builders_lose_quick_import" {
  command = plan

  variables {
    v3_policy_file = "policies/image-builders.json"
  }

  # The vendor's own example: v5 needs ims:images:import for quick import as well (C6).
  assert {
    condition     = output.verdict == "differences"
    error_message = "Expected the quick-import difference."
  }
  assert {
    condition     = output.differences == ["POST /v2/cloudimages/quickimport/action (system disk): v3 allow, v5 implicit_deny"]
    error_message = "Unexpected differences: ${join("; ", output.differences)}"
  }
}

# The gate, run by `terraform test`: plans only (nothing is applied, no credentials), and
# every answer is a proof over all requests, not a sample.

run "grants_no_new_access" {
  command = plan

  assert {
    condition     = data.imspolicy_access_analysis.builders.status == "complete"
    error_message = "The analysis could not decide: ${data.imspolicy_access_analysis.builders.status_reason}"
  }
  assert {
    condition     = data.imspolicy_access_analysis.builders.no_new_access == true
    error_message = "The proposed policy grants new access: ${join("; ", local.new_access)}"
  }
  assert {
    # Narrowing copies to cn-north-4 removes access, which the gate allows.
    condition     = output.removed_access == ["ims:images:copyCrossRegion", "ims:images:copyInRegion"]
    error_message = "Unexpected removed access: ${join(", ", output.removed_access)}"
  }
}

run "forbidden_access_is_not_granted" {
  command = plan

  assert {
    condition     = data.imspolicy_access_analysis.builders.all_passed == true
    error_message = "A gate failed."
  }
}

run "effective_permissions" {
  command = plan

  assert {
    condition     = output.effective_permissions["ims:images:get"] == "full" && output.effective_permissions["ims:images:copyInRegion"] == "partial"
    error_message = "Unexpected permissions: ${jsonencode(output.effective_permissions)}"
  }
  assert {
    condition     = !contains(keys(output.effective_permissions), "ims:images:deleteImage")
    error_message = "Builders must not delete images."
  }
  assert {
    condition     = jsonencode(provider::imspolicy::effective_permissions([local.proposed])) == jsonencode({ for p in data.imspolicy_access_analysis.builders.permissions : p.action => p.grant })
    error_message = "The function and the data source disagree."
  }
}

# A widened policy is caught: ims:images:update is an alias that grants setTags and
# deleteImage (on every image but the golden one).
run "a_widening_is_caught" {
  command = plan

  variables {
    proposed_file = "policies/widened.json"
  }

  assert {
    condition     = data.imspolicy_access_analysis.builders.no_new_access == false
    error_message = "The widening was not caught."
  }
  assert {
    condition     = [for w in data.imspolicy_access_analysis.builders.new_access : w.action] == ["ims:images:deleteImage", "ims:images:setTags"]
    error_message = "Unexpected new access: ${join("; ", local.new_access)}"
  }
  assert {
    # No statement names either action: both are reached through the alias.
    condition     = [for w in data.imspolicy_access_analysis.builders.new_access : w.through_alias] == ["ims:images:update", "ims:images:update"]
    error_message = "The new access does not say it comes through the alias ims:images:update."
  }
  assert {
    condition     = !provider::imspolicy::grants_no_new_access([local.proposed], [local.deployed])
    error_message = "The function does not see the widening."
  }
  assert {
    # The witnesses are real requests: the simulator allows the first one and the deployed policy does not.
    condition     = provider::imspolicy::is_allowed([local.proposed], "ims:images:deleteImage", data.imspolicy_access_analysis.builders.new_access[0].resource) && !provider::imspolicy::is_allowed([local.deployed], "ims:images:deleteImage", data.imspolicy_access_analysis.builders.new_access[0].resource)
    error_message = "The witness does not replay."
  }
  assert {
    condition     = data.imspolicy_access_analysis.builders.must_not_allow_results[2].passed == true
    error_message = "The golden image must stay protected."
  }
}

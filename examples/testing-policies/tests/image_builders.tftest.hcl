# Unit tests of the image builders' access: `terraform test` plans the configuration
# (nothing is applied) and asserts on the simulator's results.

run "builders_read_images" {
  command = plan

  assert {
    condition     = data.imspolicy_policy_simulation.image_builders.results[0].allowed
    error_message = "Builders must be able to read images: ${data.imspolicy_policy_simulation.image_builders.results[0].explanation}"
  }
}

run "golden_image_cannot_be_deleted" {
  command = plan

  assert {
    condition     = local.decisions["delete the golden image"] == "explicit_deny"
    error_message = "The golden image must be protected by an explicit deny."
  }
  assert {
    condition     = data.imspolicy_policy_simulation.image_builders.results[1].decided_by == "identity"
    error_message = "The protection must come from the identity policy, not only from an SCP."
  }
}

run "copies_stay_in_china_north" {
  command = plan

  assert {
    condition     = local.decisions["copy to cn-north-4"] == "allow"
    error_message = "Copies within cn-north-4 must be allowed."
  }
  assert {
    condition     = local.decisions["copy abroad"] == "explicit_deny" && data.imspolicy_policy_simulation.image_builders.results[3].decided_by == "scp:ou-prod"
    error_message = "The production OU's SCP must stop copies to other regions."
  }
}

run "another_account_gets_nothing_extra" {
  command = plan

  variables {
    account_id = "fedcba9876543210fedcba9876543210"
  }

  assert {
    condition     = data.imspolicy_policy_simulation.image_builders.results[0].allowed
    error_message = "Reading stays allowed whatever the account."
  }
}

locals {
  # The policy as it is deployed, and the change a pull request proposes.
  deployed = jsonencode({
    Version   = "5.0"
    Statement = [{ Sid = "Read", Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }]
  })
  proposed = jsonencode({
    Version = "5.0"
    Statement = [
      { Sid = "Read", Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] },
      { Sid = "TeamCopy", Effect = "Allow", Action = ["ims:images:copyInRegion"],
      Condition = { StringEquals = { "g:ResourceTag/team" = ["build"] } } },
    ]
  })
  full_access = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["*"], Resource = ["*"] }] })
}

data "imspolicy_access_analysis" "proposed" {
  identity_policies = [local.proposed]
  scp_level {
    name     = "root"
    policies = [local.full_access]
  }

  reference {
    identity_policies = [local.deployed]
    scp_level {
      name     = "root"
      policies = [local.full_access]
    }
  }

  # ims:images:share is an alias: it covers addMember, deleteMember and updateMemberStatus.
  must_not_allow {
    name    = "no sharing"
    actions = ["ims:images:share"]
  }
  must_not_allow {
    name    = "no export"
    actions = ["ims:images:export"]
  }
}

# What the change grants, one request for each action newly allowed.
output "new_access" {
  value = [for w in data.imspolicy_access_analysis.proposed.new_access : "${w.action} on ${w.resource} with ${jsonencode(w.context)}"]
}

# Fail the plan's checks when a forbidden access is granted.
check "no_forbidden_access" {
  assert {
    condition = alltrue([for r in data.imspolicy_access_analysis.proposed.must_not_allow_results : r.passed == true])
    error_message = join("; ", [for r in data.imspolicy_access_analysis.proposed.must_not_allow_results :
    "${r.name}: ${join(", ", [for w in r.witnesses : w.action])}" if r.passed != true])
  }
}

# What each action is allowed for: full, partial or none.
output "grants" {
  value = { for p in data.imspolicy_access_analysis.proposed.permissions : p.action => p.grant if p.grant != "none" }
}

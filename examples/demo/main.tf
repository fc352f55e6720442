# The demo `make demo` plans: what the provider knows about IMS, offline, with no
# credentials. Run it yourself with the CLI configuration `make demo` writes:
#   TF_CLI_CONFIG_FILE=bin/dev.tfrc bin/terraform -chdir=examples/demo plan
terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

provider "imspolicy" {}

# The whole catalog, and the parts a reviewer asks about most.
data "imspolicy_actions" "all" {}

data "imspolicy_actions" "writes_on_images" {
  resource_type = "image"
  access_levels = ["write", "tagging", "permission_management"]
}

data "imspolicy_condition_keys" "cross_region_copy" {
  action = "ims:images:copyCrossRegion"
}

# What uploading an image file needs.
data "imspolicy_api_permissions" "upload" {
  method = "PUT"
  path   = "/v2/images/9f1c0000-aaaa-bbbb-cccc-000000000001/file"
}

locals {
  account_id = "0123456789abcdef0123456789abcdef"
}

output "actions_by_access_level" {
  description = "Every IMS action, grouped by access level."
  value = {
    for a in data.imspolicy_actions.all.actions : a.access_level => a.name...
  }
}

output "actions_needing_star_resource" {
  description = "Actions without resource-level permissions: statements using them must name the resource \"*\"."
  value       = [for a in data.imspolicy_actions.all.actions : a.name if length(a.resource_types) == 0]
}

output "write_actions_on_images" {
  value = data.imspolicy_actions.writes_on_images.names
}

output "deprecated" {
  description = "Deprecated actions and what the vendor recommends instead."
  value = {
    for a in data.imspolicy_actions.all.actions : a.name => a.recommended_actions if a.deprecated
  }
}

output "aliases" {
  description = "Alias names a policy may use, and the actions each one grants."
  value = transpose({
    for a in data.imspolicy_actions.all.actions : a.name => a.aliases
  })
}

output "cross_region_copy_condition_keys" {
  value = { for k in data.imspolicy_condition_keys.cross_region_copy.keys : k.name => k.type if !k.global }
}

output "upload_image_file_needs" {
  value = {
    template     = data.imspolicy_api_permissions.upload.path_template
    actions      = [for a in data.imspolicy_api_permissions.upload.actions : a.action]
    dependencies = data.imspolicy_api_permissions.upload.dependencies
  }
}

output "golden_image_urn" {
  value = provider::imspolicy::image_urn("cn-north-4", local.account_id, "9f1c0000-aaaa-bbbb-cccc-000000000001")
}

output "sharing_actions" {
  value = provider::imspolicy::expand_actions("ims:images:*Member*")
}

# ---------------------------------------------------------------------------------------
# Policy documents, checked at plan time against the catalog.

data "imspolicy_policy_document" "readers" {
  statement {
    sid     = "ReadImages"
    actions = ["ims:images:list", "ims:images:get", "ims:quotas:get"]
  }
}

data "imspolicy_policy_document" "builders" {
  source_policy_documents = [data.imspolicy_policy_document.readers.json]

  statement {
    sid       = "BuildAndCopyOwnImages"
    actions   = ["ims:serverImages:create", "ims:images:copyInRegion", "ims:images:copyCrossRegion", "ims:images:setTags"]
    resources = ["*"]
  }
  statement {
    # Image ids are UUIDs, not names: golden images are picked out by their tag.
    sid       = "ProtectGoldenImages"
    effect    = "Deny"
    actions   = ["ims:images:deleteImage", "ims:images:updateImage"]
    resources = ["*"]
    condition {
      operator = "StringEquals"
      key      = "g:ResourceTag/tier"
      values   = ["golden"]
    }
  }
}

data "imspolicy_policy_document" "admins" {
  statement {
    sid     = "AllImages"
    actions = ["ims:*"]
  }
}

# An SCP for the production OU: image copies stay in cn-north-4.
data "imspolicy_policy_document" "stay_in_region" {
  purpose = "scp"
  statement {
    sid     = "StayInChinaNorth"
    effect  = "Deny"
    actions = ["ims:images:copyCrossRegion"]
    condition {
      operator = "StringNotEquals"
      key      = "ims:Region"
      values   = ["cn-north-4"]
    }
  }
}

data "imspolicy_policy_document" "full_access" {
  purpose = "scp"
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

output "builders_policy" {
  description = "The builders' identity policy, canonical."
  value       = data.imspolicy_policy_document.builders.json
}

output "stay_in_region_scp" {
  value = data.imspolicy_policy_document.stay_in_region.minified_json
}

# ---------------------------------------------------------------------------------------
# Who can do what: an access matrix from the simulator, under the production OU's SCPs.

locals {
  # The golden image, and its tag as IAM sees it in the request's context.
  golden_image = provider::imspolicy::image_urn("cn-north-4", local.account_id, "9f1c0000-aaaa-bbbb-cccc-000000000001")
  golden_tag   = { "g:ResourceTag/tier" = "golden" }
  personas = {
    readers  = data.imspolicy_policy_document.readers.json
    builders = data.imspolicy_policy_document.builders.json
    admins   = data.imspolicy_policy_document.admins.json
  }
  questions = {
    "get golden image"    = { action = "ims:images:get", context = local.golden_tag }
    "delete golden image" = { action = "ims:images:deleteImage", context = local.golden_tag }
    "copy to cn-north-4"  = { action = "ims:images:copyCrossRegion", context = merge(local.golden_tag, { "ims:Region" = "cn-north-4" }) }
    "copy abroad"         = { action = "ims:images:copyCrossRegion", context = merge(local.golden_tag, { "ims:Region" = "ap-southeast-1" }) }
  }
}

# The organisation path the questions are asked under: FullAccess at the root, and the
# region guardrail beside it on the production OU.
locals {
  org_path = [
    { name = "root", policies = [data.imspolicy_policy_document.full_access.json] },
    { name = "ou-prod", policies = [data.imspolicy_policy_document.full_access.json, data.imspolicy_policy_document.stay_in_region.json] },
  ]
}

data "imspolicy_policy_simulation" "matrix" {
  for_each          = local.personas
  identity_policies = [each.value]

  dynamic "scp_level" {
    for_each = local.org_path
    content {
      name     = scp_level.value.name
      policies = scp_level.value.policies
    }
  }

  dynamic "request" {
    for_each = local.questions
    content {
      name     = request.key
      action   = request.value.action
      resource = local.golden_image
      dynamic "context" {
        for_each = request.value.context
        content {
          key    = context.key
          values = [context.value]
        }
      }
    }
  }
}

output "access_matrix" {
  description = "persona => question => decision"
  value = {
    for persona, sim in data.imspolicy_policy_simulation.matrix :
    persona => { for r in sim.results : r.name => r.decision }
  }
}

# ---------------------------------------------------------------------------------------
# What each persona can do, proven over every request (not only the questions above), and
# a gate on a change: the builders' policy grants nothing the admins' does not.

data "imspolicy_access_analysis" "personas" {
  for_each          = local.personas
  identity_policies = [each.value]

  dynamic "scp_level" {
    for_each = local.org_path
    content {
      name     = scp_level.value.name
      policies = scp_level.value.policies
    }
  }

  must_not_allow {
    name    = "no sharing"
    actions = ["ims:images:share"]
  }
}

output "effective_permissions" {
  description = "action => persona => full, partial or none (under the production OU's SCPs)."
  value = {
    for action in sort(distinct(flatten([for a in data.imspolicy_access_analysis.personas : [for p in a.permissions : p.action]]))) :
    action => { for persona, a in data.imspolicy_access_analysis.personas : persona => one([for p in a.permissions : p.grant if p.action == action]) }
  }
}

output "who_can_share" {
  description = "Personas allowed to share images, with an example request each."
  value = {
    for persona, a in data.imspolicy_access_analysis.personas :
    persona => [for w in a.must_not_allow_results[0].witnesses : "${w.action} on ${w.resource}"] if a.must_not_allow_results[0].passed == false
  }
}

check "builders_grant_nothing_beyond_admins" {
  assert {
    condition     = provider::imspolicy::grants_no_new_access([data.imspolicy_policy_document.builders.json], [data.imspolicy_policy_document.admins.json])
    error_message = "The builders' policy grants access the admins' does not."
  }
}

locals {
  account_id = "0123456789abcdef0123456789abcdef"
  image      = provider::imspolicy::image_urn("cn-north-4", local.account_id, "9f1c0000-aaaa-bbbb-cccc-000000000001")

  image_builders = jsonencode({
    Version = "5.0"
    Statement = [
      { Sid = "Read", Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] },
      { Sid = "Copy", Effect = "Allow", Action = ["ims:images:copy"], Resource = ["ims:*:${local.account_id}:image:*"] },
      { Sid = "NoDelete", Effect = "Deny", Action = ["ims:images:deleteImage"] },
    ]
  })

  full_access = jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ["*"], Resource = ["*"] }]
  })

  stay_in_china_north = jsonencode({
    Version = "5.0"
    Statement = [{
      Effect    = "Deny"
      Action    = ["ims:images:copyCrossRegion"]
      Resource  = ["*"]
      Condition = { StringNotEquals = { "ims:Region" = ["cn-north-4"] } }
    }]
  })
}

data "imspolicy_policy_simulation" "image_builders" {
  identity_policies = [local.image_builders]

  # The organisation path, root first.
  scp_level {
    name     = "root"
    policies = [local.full_access]
  }
  scp_level {
    name     = "ou-prod"
    policies = [local.full_access, local.stay_in_china_north]
  }

  request {
    name     = "read an image"
    action   = "ims:images:get"
    resource = local.image
  }

  request {
    name     = "copy to another region"
    action   = "ims:images:copyCrossRegion"
    resource = local.image
    context {
      key    = "ims:Region"
      values = ["ap-southeast-1"]
    }
  }

  # An API call is allowed only when its action and every dependency are.
  request {
    name     = "upload an image file"
    resource = local.image
    api {
      method = "PUT"
      path   = "/v2/images/9f1c0000-aaaa-bbbb-cccc-000000000001/file"
    }
  }
}

output "decisions" {
  value = { for r in data.imspolicy_policy_simulation.image_builders.results : r.name => r.decision }
}

output "why" {
  value = { for r in data.imspolicy_policy_simulation.image_builders.results : r.name => r.explanation }
}

# IAM v3 custom policies ("Version": "1.1") may be mixed with v5 identity policies
# (without scp_level). How the two combine is inferred: see the guide "Migrating IAM v3
# policies to v5".
data "imspolicy_policy_simulation" "v3_estate" {
  identity_policies = [
    local.image_builders,
    jsonencode({
      Version   = "1.1"
      Statement = [{ Effect = "Allow", Action = ["ims:images:list", "ims:images:update"] }]
    }),
  ]

  # The v3 grant of ims:images:update reaches image deletion through its v5 alias, and
  # the v5 policy's Deny of deleteImage still wins.
  request {
    name     = "delete an image"
    resource = local.image
    api {
      method = "DELETE"
      path   = "/v2/images/9f1c0000-aaaa-bbbb-cccc-000000000001"
    }
  }

  # An IAM v3 action that v5 does not know is decided by the v3 policies alone.
  request {
    name   = "v3 delete"
    action = "ims:images:delete"
  }

  # Quick import needs a different v3 action for each kind of disk.
  request {
    name = "quick import of a data disk"
    api {
      method  = "POST"
      path    = "/v2/cloudimages/quickimport/action"
      variant = "data disk"
    }
  }
}

output "v3_decisions" {
  value = { for r in data.imspolicy_policy_simulation.v3_estate.results : r.name => r.decision }
}

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

terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

# Every argument is optional. The catalog, policy-document and simulation features work
# offline, without credentials; only resources that call the real IAM and Organizations
# APIs need them. Prefer environment variables to literals for secrets:
#
#   HW_REGION_NAME     region
#   HW_ACCESS_KEY      access_key
#   HW_SECRET_KEY      secret_key
#   HW_SECURITY_TOKEN  security_token (temporary credentials)
#   HW_DOMAIN_ID       account_id
provider "imspolicy" {
  region = "cn-north-4"
}

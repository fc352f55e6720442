# Placeholder so that `make demo` has something to plan; replaced by the real demo.
terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

provider "imspolicy" {}

terraform {
  required_providers {
    imspolicy = {
      source = "imspolicy/imspolicy"
    }
  }
}

variable "name" {
  type = string
}

# A file beside the module: Statement[0].Action[1] is deprecated.
resource "imspolicy_identity_policy" "team" {
  name   = "team-${var.name}"
  policy = file("${path.module}/team.json")
}

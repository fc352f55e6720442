locals {
  builders = [jsonencode({
    Version = "5.0"
    Statement = [
      { Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] },
      { Effect = "Allow", Action = ["ims:images:copyInRegion"], Resource = ["ims:*:0123456789abcdef0123456789abcdef:image:*"] },
    ]
  })]
}

# Every action the policies allow, and how much: "full" or "partial".
output "builders_can" {
  value = { for action, grant in provider::imspolicy::effective_permissions(local.builders) : action => grant if grant != "none" }
}

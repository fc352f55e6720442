# Two spellings of one policy normalise to the same bytes.
locals {
  handwritten = <<-EOT
    {
      "Statement": [{ "Effect": "Allow", "Action": "ims:images:list", "Resource": "*" }],
      "Version": "5.0"
    }
  EOT
}

output "normalized" {
  value = provider::imspolicy::normalize_policy(local.handwritten)
}

output "same_policy" {
  value = provider::imspolicy::normalize_policy(local.handwritten) == provider::imspolicy::normalize_policy(jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ["ims:images:list"], Resource = ["*"] }]
  }))
}

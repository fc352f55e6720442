# A read-only IMS policy, written with imspolicy_policy_document: the document is checked
# against the IMS catalog at plan time, and a change of layout alone plans nothing.
data "imspolicy_policy_document" "image_readers" {
  statement {
    sid     = "ReadImages"
    actions = ["ims:images:list", "ims:images:get", "ims:images:getTags", "ims:images:listOsVersion"]
  }
  statement {
    sid     = "ReadQuotas"
    actions = ["ims:quotas:get"]
  }
}

resource "imspolicy_identity_policy" "example" {
  name        = "image-readers"
  description = "Read images, their tags and the IMS quotas."
  policy      = data.imspolicy_policy_document.image_readers.json
}

# Every change of the document makes a new default version; the oldest versions are
# deleted as needed to stay within the vendor's limit of 5.
output "image_readers_version" {
  value = imspolicy_identity_policy.example.default_version_id
}

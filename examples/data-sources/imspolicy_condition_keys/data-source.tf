# The keys a statement about cross-region replication can test: the global g: keys
# and the ims: keys associated with ims:images:copyCrossRegion.
data "imspolicy_condition_keys" "cross_region_copy" {
  action = "ims:images:copyCrossRegion"
}

output "service_keys" {
  value = {
    for k in data.imspolicy_condition_keys.cross_region_copy.keys : k.name => k.type
    if !k.global
  }
}

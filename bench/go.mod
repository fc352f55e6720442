module github.com/imspolicy/terraform-provider-imspolicy/bench

go 1.26.8

replace github.com/imspolicy/terraform-provider-imspolicy => ../

require (
	github.com/cedar-policy/cedar-go v1.9.1
	github.com/imspolicy/terraform-provider-imspolicy v0.0.0-00010101000000-000000000000
)

require (
	github.com/agnivade/levenshtein v1.2.1 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	golang.org/x/exp v0.0.0-20220921023135-46d9e7742f1e // indirect
)

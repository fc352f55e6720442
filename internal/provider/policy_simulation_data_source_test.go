package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
)

// simulationPolicies is a small organisation: a developer policy, a root with FullAccess,
// and a production OU that forbids cross-region copies outside cn-north-4.
const simulationPolicies = `
locals {
  developer = jsonencode({
    Version = "5.0"
    Statement = [
      { Sid = "ReadImages", Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] },
      { Sid = "CopyImages", Effect = "Allow", Action = ["ims:images:copy"], Resource = ["ims:*:acct:image:*"] },
      { Sid = "UploadImages", Effect = "Allow", Action = ["ims:images:upload", "ims:images:update"] },
      { Sid = "NoDelete", Effect = "Deny", Action = ["ims:images:deleteImage"] },
    ]
  })
  full_access = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["*"], Resource = ["*"] }] })
  prod_guard = jsonencode({
    Version = "5.0"
    Statement = [
      { Effect = "Allow", Action = ["*"], Resource = ["*"] },
      { Sid = "StayInRegion", Effect = "Deny", Action = ["ims:images:copyCrossRegion"],
        Condition = { StringNotEquals = { "ims:Region" = ["cn-north-4"] } } },
    ]
  })
  image = provider::imspolicy::image_urn("cn-north-4", "acct", "img-1")
}
`

func TestAccPolicySimulationDataSource(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simulationPolicies + `
data "imspolicy_policy_simulation" "test" {
  identity_policies = [local.developer]
  scp_level {
    name     = "root"
    policies = [local.full_access]
  }
  scp_level {
    name     = "ou-prod"
    policies = [local.prod_guard]
  }
  request {
    name     = "get"
    action   = "ims:images:get"
    resource = local.image
  }
  request {
    name     = "delete"
    action   = "ims:images:deleteImage"
    resource = local.image
  }
  request {
    name   = "quota"
    action = "ims:quotas:get"
  }
  request {
    name     = "copy to cn-east-3"
    action   = "ims:images:copyCrossRegion"
    resource = local.image
    context {
      key    = "ims:Region"
      values = ["cn-east-3"]
    }
  }
  request {
    name     = "copy without region"
    action   = "ims:images:copyInRegion"
    resource = local.image
  }
  request {
    name     = "upload"
    resource = local.image
    api {
      method = "PUT"
      path   = "/v2/images/img-1/file"
    }
  }
  request {
    name     = "get with a region"
    action   = "ims:images:get"
    resource = local.image
    context {
      key    = "ims:Region"
      values = ["cn-east-3"]
    }
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":       knownvalue.StringExact("get"),
					"decision":   knownvalue.StringExact("allow"),
					"allowed":    knownvalue.Bool(true),
					"decided_by": knownvalue.StringExact("identity"),
					"matched_statements": knownvalue.ListExact([]knownvalue.Check{
						matchCheck("identity[0]", 0, "ReadImages", "Allow"),
						matchCheck("scp[root][0]", 0, "", "Allow"),
						matchCheck("scp[ou-prod][0]", 0, "", "Allow"),
					}),
					"explanation": knownvalue.StringRegexp(regexp.MustCompile(`^Allowed: ims:images:get on "ims:cn-north-4:acct:image:img-1" is granted by identity\[0\] statement 0 \(Sid "ReadImages"\) and permitted by the SCPs of every level \(root, ou-prod\)\.$`)),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"decision":    knownvalue.StringExact("explicit_deny"),
					"decided_by":  knownvalue.StringExact("identity"),
					"explanation": knownvalue.StringRegexp(regexp.MustCompile(`Explicitly denied.*Sid "NoDelete"`)),
					// The upload grant of ims:images:update (an alias of deleteImage) matched too.
					"matched_statements": knownvalue.ListExact([]knownvalue.Check{
						matchCheck("identity[0]", 2, "UploadImages", "Allow"),
						matchCheck("identity[0]", 3, "NoDelete", "Deny"),
						matchCheck("scp[root][0]", 0, "", "Allow"),
						matchCheck("scp[ou-prod][0]", 0, "", "Allow"),
					}),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(2), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"resource":    knownvalue.StringExact("*"),
					"decision":    knownvalue.StringExact("implicit_deny"),
					"decided_by":  knownvalue.StringExact("identity"),
					"explanation": knownvalue.StringExact(`Implicitly denied: no identity policy statement allows ims:quotas:get on "*".`),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(3), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"decision":   knownvalue.StringExact("explicit_deny"),
					"decided_by": knownvalue.StringExact("scp:ou-prod"),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(4), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"decision": knownvalue.StringExact("allow"),
					// The SCP's condition on ims:Region only applies to cross-region copies.
					"missing_context_keys": knownvalue.ListSizeExact(0),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(5), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"action":   knownvalue.StringExact("ims:images:upload"),
					"api":      knownvalue.StringExact("PUT /v2/images/{image_id}/file"),
					"decision": knownvalue.StringExact("allow"),
					"evaluated_actions": knownvalue.ListExact([]knownvalue.Check{
						evaluatedCheck("ims:images:upload", "allow", true),
						evaluatedCheck("ims:images:get", "allow", true),
						evaluatedCheck("ims:images:update", "allow", true),
					}),
					"explanation": knownvalue.StringExact(`Allowed: PUT /v2/images/{image_id}/file on "ims:cn-north-4:acct:image:img-1" needs ims:images:upload, ims:images:get, ims:images:update, and every one is allowed.`),
					"warnings": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("ims:images:update is an alias: allowing it also allows ims:images:deleteImage, ims:images:setTags"),
					}),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(3).AtMapKey("warnings"), knownvalue.ListExact(nil)),
				// A request the service presumably never sends: the report says so, in the
				// checker's and the analyser's sentence.
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(6).AtMapKey("warnings"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("the request gives ims:Region, which ims:images:get is not known to receive (stated: the vendor's table of actions lists no such key for it)"),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("all_allowed"), knownvalue.Bool(false)),
			},
		}},
	})
}

func matchCheck(policy string, statement int64, sid, effect string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"policy":    knownvalue.StringExact(policy),
		"statement": knownvalue.Int64Exact(statement),
		"sid":       knownvalue.StringExact(sid),
		"effect":    knownvalue.StringExact(effect),
	})
}

func evaluatedCheck(action, decision string, required bool) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"action":   knownvalue.StringExact(action),
		"decision": knownvalue.StringExact(decision),
		"required": knownvalue.Bool(required),
	})
}

func TestAccPolicySimulationDataSource_missingContextAndImplicitSCPDeny(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
locals {
  allow_in_region = jsonencode({ Version = "5.0", Statement = [{
    Effect = "Allow", Action = ["ims:images:copyCrossRegion"],
    Condition = { StringEquals = { "ims:Region" = ["cn-north-4"] } }
  }] })
  ecs_only = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ecs:*"], Resource = ["*"] }] })
}
data "imspolicy_policy_simulation" "test" {
  identity_policies = [local.allow_in_region]
  request { action = "ims:images:copyCrossRegion" }
}
data "imspolicy_policy_simulation" "scp" {
  identity_policies = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:*"] }] })]
  scp_level {
    name     = "root"
    policies = [local.ecs_only]
  }
  request { action = "ims:images:list" }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.test", tfjsonpath.New("results").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":                 knownvalue.StringExact("request[0]"),
					"decision":             knownvalue.StringExact("implicit_deny"),
					"missing_context_keys": stringList("ims:Region"),
				})),
				statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.scp", tfjsonpath.New("results").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"decision":    knownvalue.StringExact("implicit_deny"),
					"decided_by":  knownvalue.StringExact("scp:root"),
					"explanation": knownvalue.StringExact(`Implicitly denied: no SCP at level "root" permits ims:images:list on "*".`),
				})),
			},
		}},
	})
}

func TestAccPolicySimulationDataSource_errors(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "imspolicy_policy_simulation" "test" {
  identity_policies = ["{\"Version\": \"5.0\", \"Statement\": ["]
  request { action = "ims:images:get" }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid identity policy: malformed_json.*unexpected end of input`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {
  request {
    action = "ims:images:get"
    context {
      key    = "g:SourceIp"
      values = ["localhost"]
    }
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid context value.*g:SourceIp is a ip_address key:\s+"localhost"\s+is\s+not\s+a\s+valid\s+ip_address\s+value`),
			},
			{
				// A request comes from one address: a CIDR is refused, not read as its base.
				Config: `
data "imspolicy_policy_simulation" "test" {
  request {
    action = "ims:images:get"
    context {
      key    = "g:SourceIp"
      values = ["10.0.0.0/8"]
    }
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid context value.*g:SourceIp is a ip_address key:\s+"10.0.0.0/8"\s+is\s+not\s+a\s+valid\s+ip_address\s+value:\s+write\s+one\s+IP\s+address`),
			},
			{
				// A key the catalog does not know is read as the operators applied to it:
				// NaN is no number.
				Config: `
data "imspolicy_policy_simulation" "test" {
  identity_policies = [jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ["*"], Condition = { NumberLessThan = { "ecs:DiskSize" = ["100"] } } }]
  })]
  request {
    action = "ims:images:get"
    context {
      key    = "ecs:DiskSize"
      values = ["NaN"]
    }
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid context value.*ecs:DiskSize is compared as a numeric value \(by\s+NumberLessThan\):\s+"NaN"\s+is\s+not\s+a\s+valid\s+numeric\s+value`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {
  request {
    action   = "ims:images:get"
    resource = "ims:cn-north-4:image:img-1"
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Malformed resource URN.*has 4 of the 5 parts`),
			},
			{
				// A misspelt context key is absent to every condition: it is refused with a
				// did-you-mean on the key, as a misspelt action is.
				Config: `
data "imspolicy_policy_simulation" "test" {
  request {
    action = "ims:images:copyCrossRegion"
    context {
      key    = "ims:Regoin"
      values = ["cn-north-4"]
    }
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Unknown condition key.*key\s+= "ims:Regoin".*No condition can match this key: "ims:Regoin" is\s+not\s+an\s+IMS\s+condition\s+key;\s+did\s+you\s+mean\s+"ims:Region"\?`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {
  request { action = "ims:images:getTag" }
}`,
				ExpectError: regexp.MustCompile(`"ims:images:getTag" is not an IMS action.\s+Did\s+you\s+mean\s+"ims:images:getTags"`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {
  request {
    api {
      method = "PUT"
      path   = "/v2/images/abc/files"
    }
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)PUT /v2/images/abc/files is not in the IMS API table.\s+Did\s+you\s+mean\s+PUT\s+/v2/images/\{image_id\}/file`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {
  request {
    action = "ims:images:get"
    api {
      method = "GET"
      path   = "/v2/images/abc"
    }
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*names exactly one of "action" and "api"; this\s+one\s+names\s+both`),
			},
			{
				Config: `
data "imspolicy_policy_simulation" "test" {
  request { resource = "*" }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*this\s+one\s+names\s+neither`),
			},
		},
	})
}

// TestAccPolicySimulationDataSource_rules walks the evaluation rules of the simulator
// through Terraform, one request per rule.
func TestAccPolicySimulationDataSource_rules(t *testing.T) {
	type rule struct {
		name, action, resource, context, want string
	}
	rules := []rule{
		{"wildcards ignore case", "ims:images:getJob", "*", "", "allow"},
		{"? matches one character", "ims:images:upload", "*", "", "allow"},
		{"NotAction matches what it does not list", "ims:quotas:get", "*", "", "allow"},
		{"alias grants", "ims:images:setTags", "ims:cn-north-4:acct:image:a", "", "allow"},
		{"alias denies", "ims:images:addMember", "ims:cn-north-4:acct:image:a", "", "explicit_deny"},
		{"resource * is literal", "ims:images:updateImage", "*", "", "implicit_deny"},
		{"resource pattern", "ims:images:updateImage", "ims:cn-north-4:acct:image:team-1", "", "allow"},
		{"NotResource", "ims:images:copyInRegion", "ims:cn-north-4:acct:image:b", "", "allow"},
		{"NotResource excludes", "ims:images:copyInRegion", "ims:cn-north-4:acct:image:golden", "", "implicit_deny"},
		{"string condition", "ims:images:copyCrossRegion", "*", `{ key = "ims:Region", values = ["cn-east-3"] }`, "allow"},
		{"string conditions are case-sensitive", "ims:images:copyCrossRegion", "*", `{ key = "ims:Region", values = ["CN-EAST-3"] }`, "implicit_deny"},
		{"absent key: positive operator false", "ims:images:copyCrossRegion", "*", "", "implicit_deny"},
		{"absent key: IfExists true", "ims:wholeImages:create", "*", "", "allow"},
		{"present key: IfExists applies", "ims:wholeImages:create", "*", `{ key = "ims:Encrypted", values = ["false"] }`, "implicit_deny"},
		{"absent key: negated operator true, so the Deny applies", "ims:images:import", "*", "", "explicit_deny"},
		{"negated operator on a listed value", "ims:images:import", "*", `{ key = "g:SourceVpce", values = ["vpce-1"] }`, "allow"},
		{"ForAllValues: every value listed", "ims:serverImages:create", "*", `{ key = "ims:VolumeId", values = ["v1", "v2"] }`, "allow"},
		{"ForAllValues: one value not listed", "ims:serverImages:create", "*", `{ key = "ims:VolumeId", values = ["v1", "v9"] }`, "implicit_deny"},
		{"ForAllValues: absent key true (AWS's rule)", "ims:serverImages:create", "*", "", "allow"},
		{"ForAllValues: key with no values is present and empty", "ims:serverImages:create", "*", `{ key = "ims:VolumeId", values = [] }`, "allow"},
		{"ForAnyValue: one value listed", "ims:dataImages:create", "*", `{ key = "ims:OriginBucketOrgPaths", values = ["o-1/r-1/ou-9/", "o-1/r-1/ou-prod/"] }`, "allow"},
		{"Null: key absent", "ims:images:listImageTags", "*", "", "allow"},
		{"Null: key present", "ims:images:listImageTags", "*", `{ key = "g:SourceVpce", values = ["vpce-1"] }`, "implicit_deny"},
		{"numbers (on a key the catalog does not type)", "ims:images:listImagesByTag", "*", `{ key = "g:ImageSizeGB", values = ["9"] }`, "allow"},
		{"dates", "ims:images:listOsVersion", "*", `{ key = "g:CurrentTime", values = ["2026-11-25T10:00:00Z"] }`, "allow"},
		{"IP addresses", "ims:images:showImageTags", "*", `{ key = "g:SourceIp", values = ["192.0.2.7"] }`, "allow"},
		{"an IPv4-mapped IPv6 address is IPv4", "ims:images:showImageTags", "*", `{ key = "g:SourceIp", values = ["::ffff:192.0.2.7"] }`, "allow"},
		{"IP addresses outside the CIDR", "ims:images:showImageTags", "*", `{ key = "g:SourceIp", values = ["198.51.100.7"] }`, "implicit_deny"},
	}
	policy := `jsonencode({ Version = "5.0", Statement = [
    { Effect = "Allow", Action = ["IMS:Images:GET*", "ims:images:upl?ad"] },
    { Effect = "Allow", NotAction = ["ims:images:*", "ims:wholeImages:*", "ims:serverImages:*", "ims:dataImages:*"] },
    { Effect = "Allow", Action = ["ims:images:update", "ims:images:share"], Resource = ["ims:*:acct:image:*"] },
    { Effect = "Deny", Action = ["ims:images:share"] },
    { Effect = "Allow", Action = ["ims:images:updateImage"], Resource = ["ims:*:acct:image:team-*"] },
    { Effect = "Allow", Action = ["ims:images:copyInRegion"], NotResource = ["ims:*:acct:image:golden"] },
    { Effect = "Allow", Action = ["ims:images:copyCrossRegion"], Condition = { StringEquals = { "ims:Region" = ["cn-east-3"] } } },
    { Effect = "Allow", Action = ["ims:wholeImages:create"], Condition = { BoolIfExists = { "ims:Encrypted" = ["true"] } } },
    { Effect = "Allow", Action = ["ims:images:import"] },
    { Effect = "Deny", Action = ["ims:images:import"], Condition = { StringNotEquals = { "g:SourceVpce" = ["vpce-1"] } } },
    { Effect = "Allow", Action = ["ims:serverImages:create"], Condition = { "ForAllValues:StringEquals" = { "ims:VolumeId" = ["v1", "v2"] } } },
    { Effect = "Allow", Action = ["ims:dataImages:create"], Condition = { "ForAnyValue:StringStartWith" = { "ims:OriginBucketOrgPaths" = ["o-1/r-1/ou-prod/"] } } },
    { Effect = "Allow", Action = ["ims:images:listImageTags"], Condition = { Null = { "g:SourceVpce" = ["true"] } } },
    { Effect = "Allow", Action = ["ims:images:listImagesByTag"], Condition = { NumberLessThan = { "g:ImageSizeGB" = ["10"] } } },
    { Effect = "Allow", Action = ["ims:images:listOsVersion"], Condition = { DateLessThan = { "g:CurrentTime" = ["2027-01-01T00:00:00Z"] } } },
    { Effect = "Allow", Action = ["ims:images:showImageTags"], Condition = { IpAddress = { "g:SourceIp" = ["192.0.2.0/24"] } } },
  ] })`
	var requests strings.Builder
	var checks []statecheck.StateCheck
	for i, r := range rules {
		fmt.Fprintf(&requests, "  request {\n    name     = %q\n    action   = %q\n    resource = %q\n", r.name, r.action, r.resource)
		if r.context != "" {
			fmt.Fprintf(&requests, "    context %s\n", strings.NewReplacer("{ key", "{\n      key", ", values", "\n      values", "] }", "]\n    }").Replace(r.context))
		}
		requests.WriteString("  }\n")
		checks = append(checks, statecheck.ExpectKnownValue("data.imspolicy_policy_simulation.rules",
			tfjsonpath.New("results").AtSliceIndex(i), knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"name":     knownvalue.StringExact(r.name),
				"decision": knownvalue.StringExact(r.want),
			})))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            "data \"imspolicy_policy_simulation\" \"rules\" {\n  identity_policies = [" + policy + "]\n" + requests.String() + "}\n",
			ConfigStateChecks: checks,
		}},
	})
}

// TestPolicySimulationDataSource_validateEachRequest: "exactly one of action and api" is
// checked on each request on its own, and a request whose action or api is not known yet
// is checked once it is.
func TestPolicySimulationDataSource_validateEachRequest(t *testing.T) {
	server, _ := simulationServer(t, "imspolicy_policy_simulation", 0)
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	objectType := objectTypeOf(t, schemas.DataSourceSchemas["imspolicy_policy_simulation"].ValueType())
	requestList, requestType := mustNestedList(t, objectType, "request")
	apiType := objectTypeOf(t, requestType.AttributeTypes["api"])
	api := tftypes.NewValue(apiType, map[string]tftypes.Value{
		"method": tftypes.NewValue(tftypes.String, "GET"), "path": tftypes.NewValue(tftypes.String, "/v2/images/abc"), "variant": tftypes.NewValue(tftypes.String, nil),
	})
	action := tftypes.NewValue(tftypes.String, "ims:images:get")
	unknownAction := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	request := func(action, api tftypes.Value) tftypes.Value {
		r := nullAttributes(requestType)
		r["action"], r["api"] = action, api
		return tftypes.NewValue(requestType, r)
	}
	null := func(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, nil) }
	config := nullAttributes(objectType)
	config["request"] = tftypes.NewValue(requestList, []tftypes.Value{
		request(action, null(apiType)),                                                 // fine
		request(action, api),                                                           // both
		request(null(tftypes.String), null(apiType)),                                   // neither
		request(unknownAction, null(apiType)),                                          // decided later
		request(null(tftypes.String), tftypes.NewValue(apiType, tftypes.UnknownValue)), // decided later
		request(null(tftypes.String), api),                                             // fine
	})
	value, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, config))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateDataResourceConfig(context.Background(), &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "imspolicy_policy_simulation", Config: &value})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range resp.Diagnostics {
		got = append(got, fmt.Sprintf("%s: %s: %s", d.Attribute, d.Summary, d.Detail))
	}
	want := []string{
		`AttributeName("request").ElementKeyInt(1): Invalid Attribute Combination: A request names exactly one of "action" and "api"; this one names both.`,
		`AttributeName("request").ElementKeyInt(2): Invalid Attribute Combination: A request names exactly one of "action" and "api"; this one names neither.`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSimulateUnknownGlobalContextKey: a g: key the reference notes do not list is a
// warning with a did-you-mean on the key (the list is not complete), and the request is
// still simulated.
func TestSimulateUnknownGlobalContextKey(t *testing.T) {
	set, findings, err := apicall.NewSimulator(nil, nil)
	if len(findings) != 0 || err != nil {
		t.Fatal(findings, err)
	}
	r := simRequestModel{Action: types.StringValue("ims:images:get"), Resource: types.StringNull(),
		Context: []simContextModel{{Key: "ims:Region", Values: []string{"cn-north-4"}}, {Key: "g:SourceVpc", Values: []string{"vpce-1"}}}}
	out, diags := simulate(set, r, path.Root("request").AtListIndex(0))
	if diags.HasError() || len(diags) != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	d := diags[0]
	wd, ok := d.(diag.DiagnosticWithPath)
	if d.Severity() != diag.SeverityWarning || !ok || !wd.Path().Equal(path.Root("request").AtListIndex(0).AtName("context").AtListIndex(1).AtName("key")) ||
		!strings.Contains(d.Detail(), `"g:SourceVpc" is not a global condition key the reference notes list; did you mean "g:SourceVpce"`) {
		t.Fatalf("diagnostic %s %q at %v", d.Severity(), d.Detail(), wd)
	}
	if out.Decision != "implicit_deny" {
		t.Errorf("decision %s, want the request simulated (implicit_deny)", out.Decision)
	}
}

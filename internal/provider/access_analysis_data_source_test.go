package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// analysisPolicies: a builder that reads images, shares images of its own account and
// copies images tagged for its team; the reference reads only. The root's SCPs let
// everything through but updateMemberStatus.
const analysisPolicies = `
locals {
  builder = jsonencode({
    Version = "5.0"
    Statement = [
      { Sid = "Read", Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] },
      { Sid = "Share", Effect = "Allow", Action = ["ims:images:share"], Resource = ["ims:*:acct:image:*"] },
      { Sid = "TeamCopy", Effect = "Allow", Action = ["ims:images:copyInRegion"],
        Condition = { StringEquals = { "g:ResourceTag/team" = ["build"] } } },
    ]
  })
  reader = jsonencode({
    Version   = "5.0"
    Statement = [{ Sid = "Read", Effect = "Allow", Action = ["ims:images:list", "ims:images:get"] }]
  })
  full_access = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["*"], Resource = ["*"] }] })
  no_status   = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:updateMemberStatus"] }] })
}
`

const analysisAddr = "data.imspolicy_access_analysis.test"

func permission(action, level, grant string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"action": knownvalue.StringExact(action), "access_level": knownvalue.StringExact(level), "grant": knownvalue.StringExact(grant),
	})
}

func TestAccAccessAnalysisDataSource(t *testing.T) {
	at := func(p ...any) tfjsonpath.Path {
		out := tfjsonpath.New(asString(p[0]))
		for _, s := range p[1:] {
			switch s := s.(type) {
			case string:
				out = out.AtMapKey(s)
			case int:
				out = out.AtSliceIndex(s)
			}
		}
		return out
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: analysisPolicies + `
data "imspolicy_access_analysis" "test" {
  identity_policies = [local.builder]
  scp_level {
    name     = "root"
    policies = [local.full_access, local.no_status]
  }
  reference {
    identity_policies = [local.reader]
    scp_level {
      name     = "root"
      policies = [local.full_access, local.no_status]
    }
  }
  must_not_allow {
    name    = "no sharing"
    actions = ["ims:images:share"]
  }
  must_not_allow {
    name    = "no deletes"
    actions = ["ims:images:deleteImage", "ims:images:update"]
  }
  must_not_allow {
    name      = "no sharing of other accounts' images"
    actions   = ["ims:images:share"]
    resources = ["ims:*:other:image:*"]
  }
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					replayWitnesses(analysisAddr),
					statecheck.ExpectKnownValue(analysisAddr, at("status"), knownvalue.StringExact("complete")),
					statecheck.ExpectKnownValue(analysisAddr, at("status_reason"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions"), knownvalue.ListSizeExact(26)),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 0), permission("ims:dataImages:create", "write", "none")),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 0, "witness"), knownvalue.Null()),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"action": knownvalue.StringExact("ims:images:addMember"), "grant": knownvalue.StringExact("partial"),
						"allowed_by": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"policy": knownvalue.StringExact("identity[0]"), "statement": knownvalue.Int64Exact(1), "sid": knownvalue.StringExact("Share"),
						})}),
					})),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 3), permission("ims:images:copyInRegion", "write", "partial")),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 8), permission("ims:images:get", "read", "full")),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 9), permission("ims:images:getJob", "read", "full")),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 21), permission("ims:images:updateMemberStatus", "write", "none")),
					statecheck.ExpectKnownValue(analysisAddr, at("other_services_allowed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(analysisAddr, at("no_new_access"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(analysisAddr, at("new_access"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue(analysisAddr, at("new_access", 0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"action": knownvalue.StringExact("ims:images:addMember"), "decision": knownvalue.StringExact("allow"),
						"reference_decision": knownvalue.StringExact("implicit_deny"),
						// The Share statement names ims:images:share, addMember's alias, and not addMember.
						"through_alias": knownvalue.StringExact("ims:images:share"),
					})),
					statecheck.ExpectKnownValue(analysisAddr, at("new_access", 1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"action":        knownvalue.StringExact("ims:images:copyInRegion"),
						"through_alias": knownvalue.Null(),
						"context":       knownvalue.MapExact(map[string]knownvalue.Check{"g:ResourceTag/team": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("build")})}),
					})),
					statecheck.ExpectKnownValue(analysisAddr, at("removed_access"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(analysisAddr, at("must_not_allow_results"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("no sharing"), "passed": knownvalue.Bool(false),
							// The alias covers addMember and deleteMember, and share itself; the SCP denies updateMemberStatus.
							"witnesses": knownvalue.ListExact([]knownvalue.Check{
								witnessAction("ims:images:addMember"), witnessAction("ims:images:deleteMember"), witnessAction("ims:images:share"),
							}),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("no deletes"), "passed": knownvalue.Bool(true), "witnesses": knownvalue.ListExact(nil),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("no sharing of other accounts' images"), "passed": knownvalue.Bool(true),
						}),
					})),
					statecheck.ExpectKnownValue(analysisAddr, at("all_passed"), knownvalue.Bool(false)),
				},
			},
			{
				// Without a reference: no comparison; max_witnesses bounds each list.
				Config: analysisPolicies + `
data "imspolicy_access_analysis" "test" {
  identity_policies = [local.builder]
  max_witnesses     = 1
  must_not_allow {
    name    = "no sharing"
    actions = ["IMS:Images:Share"]
  }
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					replayWitnesses(analysisAddr),
					statecheck.ExpectKnownValue(analysisAddr, at("no_new_access"), knownvalue.Null()),
					statecheck.ExpectKnownValue(analysisAddr, at("new_access"), knownvalue.Null()),
					statecheck.ExpectKnownValue(analysisAddr, at("removed_access"), knownvalue.Null()),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 21), permission("ims:images:updateMemberStatus", "write", "partial")),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 21, "witness", "reference_decision"), knownvalue.Null()),
					statecheck.ExpectKnownValue(analysisAddr, at("must_not_allow_results", 0, "passed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(analysisAddr, at("must_not_allow_results", 0, "witnesses"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue(analysisAddr, at("all_passed"), knownvalue.Bool(false)),
				},
			},
			{
				// The same policy as a reference grants nothing new; without blocks, all pass.
				Config: analysisPolicies + `
data "imspolicy_access_analysis" "test" {
  identity_policies = [local.reader]
  reference {
    identity_policies = [local.reader]
  }
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(analysisAddr, at("no_new_access"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(analysisAddr, at("new_access"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(analysisAddr, at("must_not_allow_results"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(analysisAddr, at("all_passed"), knownvalue.Bool(true)),
				},
			},
			{
				// Allowed only when g:TagKeys is given with no values: the witness says so
				// with an empty list, and leaves out every key it does not give.
				Config: `
data "imspolicy_access_analysis" "test" {
  identity_policies = [jsonencode({
    Version = "5.0"
    Statement = [
      { Effect = "Allow", Action = ["ims:images:create"], Condition = { Null = { "g:TagKeys" = ["false"] } } },
      { Effect = "Deny", Action = ["ims:images:create"], Condition = { "ForAnyValue:StringMatch" = { "g:TagKeys" = ["*"] } } },
    ]
  })]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					replayWitnesses(analysisAddr),
					statecheck.ExpectKnownValue(analysisAddr, at("permissions", 4), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"action": knownvalue.StringExact("ims:images:create"), "grant": knownvalue.StringExact("partial"),
						"witness": knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"resource": knownvalue.StringExact("*"),
							"context":  knownvalue.MapExact(map[string]knownvalue.Check{"g:TagKeys": knownvalue.ListExact(nil)}),
						}),
					})),
				},
			},
			{
				// ims:images:get is allowed only through ims:Region, which its requests are not
				// known to carry: the witness says so. deleteImage is allowed through
				// g:MFAPresent too: its witness is that request, with no such key.
				Config: `
data "imspolicy_access_analysis" "test" {
  identity_policies = [jsonencode({
    Version = "5.0"
    Statement = [
      { Effect = "Allow", Action = ["ims:images:get", "ims:images:deleteImage"], Resource = ["*"], Condition = { StringEquals = { "ims:Region" = ["cn-north-4"] } } },
      { Effect = "Allow", Action = ["ims:images:deleteImage"], Resource = ["*"], Condition = { Bool = { "g:MFAPresent" = ["true"] } } },
    ]
  })]
  reference {
    identity_policies = []
  }
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					replayWitnesses(analysisAddr),
					statecheck.ExpectKnownValue(analysisAddr, at("new_access"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"action":                  knownvalue.StringExact("ims:images:deleteImage"),
							"context":                 knownvalue.MapExact(map[string]knownvalue.Check{"g:MFAPresent": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("true")})}),
							"unassociated_keys":       knownvalue.ListExact(nil),
							"unassociated_unsearched": knownvalue.Bool(false),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"action":                  knownvalue.StringExact("ims:images:get"),
							"unassociated_keys":       knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("ims:Region")}),
							"unassociated_unsearched": knownvalue.Bool(false),
						}),
					})),
				},
			},
		},
	})
}

func witnessAction(action string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{"action": knownvalue.StringExact(action), "decision": knownvalue.StringExact("allow")})
}

// TestAccAccessAnalysisDataSource_unknown: a key compared as a string and as a number
// cannot be decided exactly: the status says so, and nothing is claimed.
func TestAccAccessAnalysisDataSource_unknown(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: analysisPolicies + `
data "imspolicy_access_analysis" "test" {
  identity_policies = [jsonencode({
    Version = "5.0"
    Statement = [{ Effect = "Allow", Action = ["ims:images:get"],
      Condition = { StringEquals = { "x:k" = ["10"] }, NumberEquals = { "x:k" = ["10"] } } }]
  })]
  reference {
    identity_policies = [local.reader]
  }
  must_not_allow {
    name    = "no sharing"
    actions = ["ims:images:share"]
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				// The corner is found before any request is decided: there is no witness.
				statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("permissions"), knownvalue.ListExact(nil)),
				statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("status"), knownvalue.StringExact("unknown")),
				statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("status_reason"), knownvalue.StringRegexp(regexp.MustCompile(`x:k`))),
				statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("no_new_access"), knownvalue.Null()),
				statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("must_not_allow_results").AtSliceIndex(0).AtMapKey("passed"), knownvalue.Null()),
				statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("all_passed"), knownvalue.Null()),
				statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("other_services_allowed"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccAccessAnalysisDataSource_errors(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: analysisPolicies + `
data "imspolicy_access_analysis" "test" {
  identity_policies = [local.reader]
  reference {
    identity_policies = [jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:gett"] }] })]
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid identity policy: unknown_action.*in data "imspolicy_access_analysis" "test":.*identity_policies = \[jsonencode.*"ims:images:gett" is not an IMS action`),
			},
			{
				Config: analysisPolicies + `
data "imspolicy_access_analysis" "test" {
  identity_policies = [local.reader]
  must_not_allow {
    name    = "a"
    actions = ["ims:images:shar"]
  }
  must_not_allow {
    name    = "a"
    actions = ["ims:images:share"]
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid must_not_allow action: unknown_action.*"ims:images:shar"\s+is\s+not\s+an\s+IMS\s+action;\s+did\s+you\s+mean\s+"ims:images:share".*Duplicate must_not_allow name.*must_not_allow\[0\] is named "a" too`),
			},
		},
	})
}

// replayWitnesses replays every witness of an analysis in state through the simulator,
// on the configuration and, for a comparison, on the reference: each must get the
// decisions it states.
func replayWitnesses(address string) statecheck.StateCheck { return witnessReplay{address} }

type witnessReplay struct{ address string }

func (c witnessReplay) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var attrs map[string]any
	if req.State != nil && req.State.Values != nil {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address == c.address {
				attrs = r.AttributeValues
			}
		}
	}
	if attrs == nil {
		resp.Error = fmt.Errorf("%s is not in state", c.address)
		return
	}
	candidate, err := replaySet(attrs)
	if err != nil {
		resp.Error = err
		return
	}
	var reference *evaluator.PolicySet
	if ref, ok := attrs["reference"].(map[string]any); ok && ref != nil {
		if reference, err = replaySet(ref); err != nil {
			resp.Error = err
			return
		}
	}
	// Only the comparison's witnesses carry the reference's decision.
	type replay struct {
		witness  map[string]any
		compared bool
	}
	var witnesses []replay
	add := func(v any, compared bool) {
		if w, ok := v.(map[string]any); ok && w != nil {
			witnesses = append(witnesses, replay{w, compared})
		}
	}
	for _, p := range asList(attrs["permissions"]) {
		add(asMap(p)["witness"], false)
	}
	for _, w := range asList(attrs["new_access"]) {
		add(w, true)
	}
	for _, w := range asList(attrs["removed_access"]) {
		add(w, true)
	}
	for _, r := range asList(attrs["must_not_allow_results"]) {
		for _, w := range asList(asMap(r)["witnesses"]) {
			add(w, false)
		}
	}
	if len(witnesses) == 0 {
		resp.Error = fmt.Errorf("%s has no witness to replay", c.address)
		return
	}
	for _, r := range witnesses {
		ref := reference
		if !r.compared {
			ref = nil
		}
		if err := replayWitness(r.witness, candidate, ref); err != nil {
			resp.Error = err
			return
		}
	}
}

func replaySet(attrs map[string]any) (*evaluator.PolicySet, error) {
	var src evaluator.Sources
	for _, p := range asList(attrs["identity_policies"]) {
		src.Identity = append(src.Identity, policy.CheckText([]byte(asString(p)), policy.Identity))
	}
	for _, lv := range asList(attrs["scp_level"]) {
		m := asMap(lv)
		level := evaluator.SCPLevel{Name: asString(m["name"])}
		for _, p := range asList(m["policies"]) {
			level.Policies = append(level.Policies, policy.CheckText([]byte(asString(p)), policy.SCP))
		}
		src.SCPLevels = append(src.SCPLevels, level)
	}
	set, findings := evaluator.NewPolicySet(src)
	if len(findings) > 0 {
		return nil, fmt.Errorf("%s", findings[0])
	}
	return set, nil
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func replayWitness(w map[string]any, candidate, reference *evaluator.PolicySet) error {
	req := evaluator.SimulationRequest{Action: asString(w["action"]), Resource: asString(w["resource"])}
	ctx, _ := w["context"].(map[string]any)
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		entry := evaluator.ContextEntry{Key: k, Values: []string{}}
		for _, v := range asList(ctx[k]) {
			entry.Values = append(entry.Values, asString(v))
		}
		req.Context = append(req.Context, entry)
	}
	check := func(set *evaluator.PolicySet, field string) error {
		rep := set.Simulate(&req)
		if len(rep.Problems) > 0 {
			return fmt.Errorf("witness %v: the simulator refuses it: %s", w, rep.Problems[0].Detail)
		}
		if got := rep.Decision.String(); got != w[field] {
			return fmt.Errorf("witness %v: the simulator's %s is %s", w, field, got)
		}
		return nil
	}
	if err := check(candidate, "decision"); err != nil {
		return err
	}
	if reference == nil {
		if w["reference_decision"] != nil {
			return fmt.Errorf("witness %v has a reference decision without a reference", w)
		}
		return nil
	}
	return check(reference, "reference_decision")
}

// TestAccessAnalysisDataSource_validateEachBlock: each must_not_allow block is checked on
// its own (a name used before, an IMS pattern that matches nothing), and values not known
// yet are checked once they are.
func TestAccessAnalysisDataSource_validateEachBlock(t *testing.T) {
	server, _ := simulationServer(t, "imspolicy_policy_simulation", 0)
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	objectType := objectTypeOf(t, schemas.DataSourceSchemas["imspolicy_access_analysis"].ValueType())
	blockList, blockType := mustNestedList(t, objectType, "must_not_allow")
	str := func(s any) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	block := func(name tftypes.Value, actions ...tftypes.Value) tftypes.Value {
		b := nullAttributes(blockType)
		b["name"], b["actions"] = name, tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, actions)
		return tftypes.NewValue(blockType, b)
	}
	config := nullAttributes(objectType)
	config["must_not_allow"] = tftypes.NewValue(blockList, []tftypes.Value{
		block(str("a"), str("ims:images:get")),                                  // fine
		block(str("b"), str("ims:images:shar"), str(tftypes.UnknownValue)),      // typo; decided later
		block(str("a"), str("*"), str("IMS:Images:Share"), str("obs:object:*")), // name used before
		block(str("c"), str("ims images:get"), str("ims:image:*")),              // malformed; matches nothing
		block(str(tftypes.UnknownValue), str("ims:images:list")),                // decided later
	})
	value, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, config))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateDataResourceConfig(context.Background(), &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "imspolicy_access_analysis", Config: &value})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range resp.Diagnostics {
		got = append(got, fmt.Sprintf("%s: %s: %s", d.Attribute, d.Summary, d.Detail))
	}
	// The checker's rule and wording for an Action list's names (policy.ActionProblem).
	const vacuous = "\n\nA must_not_allow pattern that matches no action would pass whatever the policies allow."
	want := []string{
		`AttributeName("must_not_allow").ElementKeyInt(1).AttributeName("actions").ElementKeyInt(0): Invalid must_not_allow action: unknown_action: "ims:images:shar" is not an IMS action; did you mean "ims:images:share"?` + vacuous,
		`AttributeName("must_not_allow").ElementKeyInt(2).AttributeName("name"): Duplicate must_not_allow name: must_not_allow[0] is named "a" too; give each block its own name.`,
		`AttributeName("must_not_allow").ElementKeyInt(3).AttributeName("actions").ElementKeyInt(0): Invalid must_not_allow action: malformed_action: action "ims images:get" contains white space; ` +
			`write service:resourceType:operation, such as ims:images:get, or a wildcard pattern such as ims:images:*` + vacuous,
		`AttributeName("must_not_allow").ElementKeyInt(3).AttributeName("actions").ElementKeyInt(1): Invalid must_not_allow action: no_matching_action: "ims:image:*" matches no IMS action; ` +
			`IMS actions are "ims:dataImages:*", "ims:images:*", "ims:quotas:*", "ims:serverImages:*" or "ims:wholeImages:*" (the imspolicy_actions data source lists them all)` + vacuous,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAccAccessAnalysisDataSource_budget: each question runs within the provider's
// analysis_budget: beyond it the status is unknown, the reason says how to raise it, and
// nothing is claimed; the default decides the same configuration.
func TestAccAccessAnalysisDataSource_budget(t *testing.T) {
	data := `
data "imspolicy_access_analysis" "test" {
  identity_policies = [local.builder]
  reference {
    identity_policies = [local.reader]
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: "provider \"imspolicy\" {\n  analysis_budget = 5\n}\n" + analysisPolicies + data,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("status"), knownvalue.StringExact("unknown")),
					statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("status_reason"), knownvalue.StringRegexp(regexp.MustCompile(
						`^the question needs more than its budget of 5 representative requests .*; raise the provider's analysis_budget \(or IMSPOLICY_ANALYSIS_BUDGET\), up to 20000000$`))),
					statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("no_new_access"), knownvalue.Null()),
					statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("all_passed"), knownvalue.Null()),
				},
			},
			{
				Config: analysisPolicies + data,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("status"), knownvalue.StringExact("complete")),
					statecheck.ExpectKnownValue(analysisAddr, tfjsonpath.New("no_new_access"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

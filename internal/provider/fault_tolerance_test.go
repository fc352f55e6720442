package provider

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// faultConfig declares 30 identity policies attached to 30 groups, and 10 SCPs attached
// two by two to five OUs (the vendor allows five SCPs per target, FullAccess included).
func faultConfig(url string) string {
	return acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "many" {
  count       = 30
  name        = "fault-policy-${count.index}"
  description = "policy ${count.index}"
  policy = jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Allow", Action = ["ims:images:get", "ims:images:list"] }]
  })
}

resource "imspolicy_identity_policy_attachment" "many" {
  count          = 30
  policy_id      = imspolicy_identity_policy.many[count.index].id
  principal_type = "group"
  principal_id   = format("group%028d", count.index)
}

resource "imspolicy_scp_enablement" "root" {
  root_id = "` + acctest.RootID + `"
}

resource "imspolicy_service_control_policy" "many" {
  count = 10
  name  = "fault-scp-${count.index}"
  content = jsonencode({
    Version   = "5.0"
    Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["ims:*:*:image:locked-${count.index}"] }]
  })
  depends_on = [imspolicy_scp_enablement.root]
}

resource "imspolicy_service_control_policy_attachment" "many" {
  count     = 10
  policy_id = imspolicy_service_control_policy.many[count.index].id
  target_id = "ou-fault-${count.index % 5}"
}
`
}

// TestAccFaultTolerance applies 30 policies, 10 SCPs and their attachments while the
// emulator fails 30% of calls (429/500/503) and drops 10% of connections after acting.
// Afterwards the emulator must hold exactly the declared objects, none missing and none
// twice, and a second plan must be empty.
func TestAccFaultTolerance(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{
		Seed: 42,
		Faults: emulator.Faults{FailRate: 0.3, DropRate: 0.1,
			// A dropped identity-policy create is never taken over (nothing tells it from another
			// apply's; TestAccFaultSafety_lostIdentityPolicyCreate): it fails the apply by design, so
			// drops spare those creates here.
			NoDrop: []string{"POST /v5/policies"}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: faultConfig(url),
				Check:  checkExactlyDeclared(srv),
			},
			{
				Config: faultConfig(url),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkExactlyDeclared(srv),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			srv.SetFaults(emulator.Faults{})
			if n := len(srv.Policies()); n != 0 {
				return fmt.Errorf("after destroy the emulator still holds %d identity policies", n)
			}
			for _, p := range srv.SCPs() {
				if !p.Builtin {
					return fmt.Errorf("after destroy the emulator still holds SCP %s", p.Name)
				}
			}
			return nil
		},
	})
	stats := srv.Stats()
	t.Logf("emulator: %+v", stats)
	if stats.Failed == 0 || stats.Dropped == 0 {
		t.Fatalf("no fault was injected (%+v): the test proves nothing", stats)
	}
}

func checkExactlyDeclared(srv *emulator.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var problems []string
		count := map[string]int{}
		for _, p := range srv.Policies() {
			count[p.Name]++
		}
		for i := 0; i < 30; i++ {
			if n := count[fmt.Sprintf("fault-policy-%d", i)]; n != 1 {
				problems = append(problems, fmt.Sprintf("identity policy fault-policy-%d is there %d times", i, n))
			}
		}
		if len(count) != 30 {
			problems = append(problems, fmt.Sprintf("%d identity policies, want 30", len(count)))
		}
		attached := map[string]int{}
		for _, a := range srv.PolicyAttachments() {
			attached[a.PolicyName+"->"+a.PrincipalID]++
		}
		for i := 0; i < 30; i++ {
			key := fmt.Sprintf("fault-policy-%d->group%028d", i, i)
			if attached[key] != 1 {
				problems = append(problems, fmt.Sprintf("attachment %s is there %d times", key, attached[key]))
			}
		}
		if len(attached) != 30 {
			problems = append(problems, fmt.Sprintf("%d identity policy attachments, want 30", len(attached)))
		}
		scps := map[string]int{}
		for _, p := range srv.SCPs() {
			if !p.Builtin {
				scps[p.Name]++
			}
		}
		for i := 0; i < 10; i++ {
			if n := scps[fmt.Sprintf("fault-scp-%d", i)]; n != 1 {
				problems = append(problems, fmt.Sprintf("SCP fault-scp-%d is there %d times", i, n))
			}
		}
		if len(scps) != 10 {
			problems = append(problems, fmt.Sprintf("%d custom SCPs, want 10", len(scps)))
		}
		targets := map[string]int{}
		for _, a := range srv.SCPAttachments() {
			if !a.Builtin {
				targets[a.PolicyName+"->"+a.TargetID]++
			}
		}
		for i := 0; i < 10; i++ {
			key := fmt.Sprintf("fault-scp-%d->ou-fault-%d", i, i%5)
			if targets[key] != 1 {
				problems = append(problems, fmt.Sprintf("SCP attachment %s is there %d times", key, targets[key]))
			}
		}
		if len(targets) != 10 {
			problems = append(problems, fmt.Sprintf("%d custom SCP attachments, want 10", len(targets)))
		}
		sort.Strings(problems)
		if len(problems) > 0 {
			return fmt.Errorf("the emulator does not hold exactly what was declared:\n%s", strings.Join(problems, "\n"))
		}
		return nil
	}
}

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"

	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// theirDocument is what the objects that exist before the apply hold: something the
// configuration does not say, which an adoption would hide.
const theirDocument = `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:deleteImage"]}]}`

// TestAccFaultTolerance_neverAdoptsPreexisting declares 20 identity policies and 10 SCPs
// whose names are taken by objects that existed before the apply (someone else's), beside
// 5 and 2 free names, while the emulator fails half the calls and drops a tenth of the
// connections after acting. The taken names must fail with the holder's id and the import
// block; the free ones are created once; and the pre-existing objects must survive the
// destroy as they were (an adopted one would be destroyed with the rest).
func TestAccFaultTolerance_neverAdoptsPreexisting(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{Seed: 7})
	c := scpTestClient(t, url)
	ctx := context.Background()
	theirs := map[string]string{} // name -> id
	for i := range 20 {
		p, err := c.CreatePolicy(ctx, client.CreatePolicyInput{Name: fmt.Sprintf("taken-%d", i), Document: theirDocument, Description: "theirs"})
		if err != nil {
			t.Fatal(err)
		}
		theirs[p.PolicyName] = p.PolicyID
	}
	for i := range 10 {
		s, err := c.CreateSCP(ctx, client.CreateSCPInput{Name: fmt.Sprintf("taken-scp-%d", i), Content: scpTestDenyCopy, Description: "theirs"})
		if err != nil {
			t.Fatal(err)
		}
		theirs[s.Name] = s.ID
	}
	config := acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "taken" {
  count  = 20
  name   = "taken-${count.index}"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}

resource "imspolicy_identity_policy" "free" {
  count  = 5
  name   = "free-${count.index}"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}

resource "imspolicy_service_control_policy" "taken" {
  count   = 10
  name    = "taken-scp-${count.index}"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}

resource "imspolicy_service_control_policy" "free" {
  count   = 2
  name    = "free-scp-${count.index}"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}
`
	checkTheirsIntact := func(*terraform.State) error {
		srv.SetFaults(emulator.Faults{})
		for name, id := range theirs {
			if strings.HasPrefix(name, "taken-scp-") {
				s, ok := srv.SCP(id)
				if !ok || s.Name != name || s.Description != "theirs" || !policyDocumentsEqual(s.Content, scpTestDenyCopy) {
					return fmt.Errorf("the pre-existing SCP %s (%s) was taken over: %+v", name, id, s)
				}
				continue
			}
			p, ok := srv.Policy(id)
			if !ok || p.Name != name || p.Description != "theirs" || !policyDocumentsEqual(p.DefaultDocument(), theirDocument) || len(p.Versions) != 1 {
				return fmt.Errorf("the pre-existing identity policy %s (%s) was taken over: %+v", name, id, p)
			}
		}
		if n := len(srv.Policies()); n != 20 {
			return fmt.Errorf("%d identity policies after destroy, want the 20 pre-existing ones", n)
		}
		custom := 0
		for _, s := range srv.SCPs() {
			if !s.Builtin {
				custom++
			}
		}
		if custom != 10 {
			return fmt.Errorf("%d custom SCPs after destroy, want the 10 pre-existing ones", custom)
		}
		return nil
	}
	// A dropped create of a free identity policy is never taken over either (see
	// TestAccFaultSafety_lostIdentityPolicyCreate), so drops spare those creates here.
	srv.SetFaults(emulator.Faults{FailRate: 0.5, DropRate: 0.1, NoDrop: []string{"POST /v5/policies"}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			// Each taken name fails with its holder's id and the import block.
			ExpectError: regexp.MustCompile(`(?s)Name already taken.*already taken by\s+(p-|[0-9a-f]).*import \{.*to = imspolicy_(identity_policy|service_control_policy)\.<name>`),
			Check: func(*terraform.State) error {
				count := map[string]int{}
				for _, p := range srv.Policies() {
					count[p.Name]++
				}
				for _, s := range srv.SCPs() {
					count[s.Name]++
				}
				for name, n := range count {
					if n != 1 {
						return fmt.Errorf("%s is there %d times", name, n)
					}
				}
				return nil
			},
		}},
		CheckDestroy: checkTheirsIntact,
	})
	stats := srv.Stats()
	t.Logf("emulator: %+v", stats)
	if stats.Failed == 0 || stats.Dropped == 0 {
		t.Fatalf("no fault was injected (%+v): the test proves nothing", stats)
	}
}

// spoiledAnswerConfig is one identity policy and one SCP through the proxy at url.
func spoiledAnswerConfig(url, extra string) string {
	return acctest.ProviderBlock(url, extra) + `
resource "imspolicy_identity_policy" "cut" {
  name   = "cut-answer"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}

resource "imspolicy_service_control_policy" "cut" {
  name    = "cut-answer-scp"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}
`
}

// checkOneOfEach checks that the emulator holds exactly one identity policy and one custom
// SCP of the spoiled-answer configuration, and that the proxy spoiled both creates.
func checkOneOfEach(srv *emulator.Server, proxy *acctest.FaultProxy) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if ps := srv.Policies(); len(ps) != 1 || ps[0].Name != "cut-answer" {
			return fmt.Errorf("the emulator holds %d identity policies, want exactly cut-answer", len(ps))
		}
		custom := 0
		for _, s := range srv.SCPs() {
			if !s.Builtin {
				custom++
			}
		}
		if custom != 1 {
			return fmt.Errorf("the emulator holds %d custom SCPs, want 1", custom)
		}
		if proxy.Spoiled("POST", "/v5/policies") != 1 || proxy.Spoiled("POST", "/v1/organizations/policies") != 1 {
			return fmt.Errorf("the proxy did not spoil both creates: the test proves nothing")
		}
		return nil
	}
}

// lostIdentityPolicyError is the error of an identity policy found after a lost answer:
// its id, why it is not taken over, and the import advice.
var lostIdentityPolicyError = regexp.MustCompile(`(?s)Name already taken.*identity\s+policy\s+name\s+"cut-answer"\s+is\s+already\s+taken\s+by\s+[0-9a-f-]+.*` +
	`nothing\s+tells\s+two\s+identical\s+creations\s+apart.*AWS\s+provider\s+does\s+the\s+same.*import \{.*to = imspolicy_identity_policy\.<name>`)

// emulatorPolicyID is a configuration variable: the id of the identity policy the emulator
// holds under name, read when the step writes its variables (after the steps before it).
type emulatorPolicyID struct {
	srv  *emulator.Server
	name string
}

func (v emulatorPolicyID) MarshalJSON() ([]byte, error) {
	p, ok := v.srv.PolicyByName(v.name)
	if !ok {
		return nil, fmt.Errorf("the emulator holds no identity policy %s", v.name)
	}
	return json.Marshal(p.ID)
}

// importIdentityPolicyStep applies config with the import blocks the import advice prints,
// one per address (to) for the identity policy the emulator holds under its name; the
// apply imports them, and the plan after it must be empty.
func importIdentityPolicyStep(srv *emulator.Server, config string, imports ...[2]string) resource.TestStep {
	vars := tfconfig.Variables{}
	for i, im := range imports {
		v := fmt.Sprintf("import_%d", i)
		config += fmt.Sprintf("\nvariable %q {\n  type = string\n}\n\nimport {\n  to = %s\n  id = var.%s\n}\n", v, im[0], v)
		vars[v] = emulatorPolicyID{srv: srv, name: im[1]}
	}
	return resource.TestStep{Config: config, ConfigVariables: vars}
}

// spoiledAnswerSteps: the apply whose create answers were spoiled records the SCP (it
// carries this create's token) and refuses the identity policy with its id and the import
// advice (nothing tells it from another apply's); imported as advised, the next plan is
// empty, and nothing was created twice.
func spoiledAnswerSteps(srv *emulator.Server, proxy *acctest.FaultProxy, purl, extra string) []resource.TestStep {
	config := spoiledAnswerConfig(purl, extra)
	return []resource.TestStep{
		{Config: config, ExpectError: lostIdentityPolicyError},
		importIdentityPolicyStep(srv, config, [2]string{"imspolicy_identity_policy.cut", "cut-answer"}),
		{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            checkOneOfEach(srv, proxy),
		},
	}
}

// TestAccFaultTolerance_cutCreateAnswers: the 2xx answers of both creates are cut in half
// (a proxy closing the connection mid-body). The server acted, so the provider looks the
// objects up: see spoiledAnswerSteps.
func TestAccFaultTolerance_cutCreateAnswers(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	proxy, purl := acctest.StartFaultProxy(t, url)
	proxy.Add(&acctest.ProxyRule{Method: "POST", Path: "/v5/policies", Times: 1, Spoil: acctest.CutAnswer})
	proxy.Add(&acctest.ProxyRule{Method: "POST", Path: "/v1/organizations/policies", Times: 1, Spoil: acctest.CutAnswer})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps:                    spoiledAnswerSteps(srv, proxy, purl, ""),
		CheckDestroy: func(*terraform.State) error {
			if err := checkNoIdentityPolicies(srv)(nil); err != nil {
				return err
			}
			return scpTestCheckNoCustomSCPs(srv)(nil)
		},
	})
}

// TestAccFaultTolerance_stalledCreateAnswers: the answers of both creates stall half-way
// through the body; request_timeout ends the attempt, and the objects are looked up as
// after a cut answer.
func TestAccFaultTolerance_stalledCreateAnswers(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	proxy, purl := acctest.StartFaultProxy(t, url)
	proxy.Add(&acctest.ProxyRule{Method: "POST", Path: "/v5/policies", Times: 1, Spoil: acctest.StallAnswer})
	proxy.Add(&acctest.ProxyRule{Method: "POST", Path: "/v1/organizations/policies", Times: 1, Spoil: acctest.StallAnswer})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps:                    spoiledAnswerSteps(srv, proxy, purl, `  request_timeout = "1s"`),
		CheckDestroy:             checkNoIdentityPolicies(srv),
	})
}

// TestAccFaultSafety_lostIdentityPolicyCreate and the SCP beside it: the emulator acts on
// the first create of each and drops the connection. The SCP carries this create's token:
// it is recorded, with the user's tags only, and the next plan is empty. The identity
// policy cannot be told from another apply's: the apply fails with its id and the import
// advice; imported as advised, the next plan is empty. Nothing exists twice.
func TestAccFaultSafety_lostIdentityPolicyCreate(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{Faults: emulator.Faults{OnCreate: func(c emulator.CreateRequest) emulator.CreateFault {
		return emulator.CreateFault{Drop: c.N == 1}
	}}})
	config := acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "cut" {
  name   = "cut-answer"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}

resource "imspolicy_service_control_policy" "lost" {
  name    = "lost-scp"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
  tags    = { team = "platform" }
}
`
	checkOnce := func(*terraform.State) error {
		if ps := srv.Policies(); len(ps) != 1 {
			return fmt.Errorf("%d identity policies, want 1", len(ps))
		}
		s, ok := srv.SCPByName("lost-scp")
		if !ok || len(srv.SCPs()) != 2 {
			return fmt.Errorf("the SCP is not there once (%d SCPs with FullAccess)", len(srv.SCPs()))
		}
		keys := []string{}
		for _, tag := range s.Tags {
			keys = append(keys, tag.Key)
		}
		if strings.Join(keys, ",") != "team,"+client.CreateTokenTagKey && strings.Join(keys, ",") != client.CreateTokenTagKey+",team" {
			return fmt.Errorf("the SCP's tags are %v, want team and the create token", keys)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: lostIdentityPolicyError},
			importIdentityPolicyStep(srv, config, [2]string{"imspolicy_identity_policy.cut", "cut-answer"}),
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(checkOnce,
					resource.TestCheckResourceAttr("imspolicy_service_control_policy.lost", "tags.%", "1"),
					resource.TestCheckResourceAttr("imspolicy_service_control_policy.lost", "tags.team", "platform")),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if err := checkNoIdentityPolicies(srv)(nil); err != nil {
				return err
			}
			return scpTestCheckNoCustomSCPs(srv)(nil)
		},
	})
	if st := srv.Stats(); st.Dropped != 2 {
		t.Fatalf("the emulator dropped %d answers, want the two first creates: the test proves nothing", st.Dropped)
	}
}

// TestAccFaultSafety_unusableCreateAnswers: each create is answered 2xx with a body that
// names no object: empty, {}, {"policy":null} or a blank id. Each is a lost answer: the
// SCPs are recorded by their token, the identity policies refused with their ids and the
// import advice (never a plain error that leaves them behind unnamed); imported as advised,
// the next plan is empty.
func TestAccFaultSafety_unusableCreateAnswers(t *testing.T) {
	names := []string{"empty", "braces", "null", "blank-id"}
	bodies := map[string][2]string{ // name -> identity policy's answer, SCP's answer
		"empty":    {"", ""},
		"braces":   {"{}", "{}"},
		"null":     {`{"policy":null}`, `{"policy":null}`},
		"blank-id": {`{"policy":{"policy_id":"","policy_name":"blank-id"}}`, `{"policy":{"content":"{}","policy_summary":{"id":"","name":"blank-id"}}}`},
	}
	srv, url := acctest.StartEmulator(t, emulator.Config{Faults: emulator.Faults{OnCreate: func(c emulator.CreateRequest) emulator.CreateFault {
		b, ok := bodies[c.Name]
		if !ok || c.N != 1 {
			return emulator.CreateFault{}
		}
		if c.Kind == emulator.KindSCP {
			return emulator.CreateFault{Replace: true, Body: b[1]}
		}
		return emulator.CreateFault{Replace: true, Body: b[0]}
	}}})
	config := acctest.ProviderBlock(url) + `
locals {
  names = ["empty", "braces", "null", "blank-id"]
}

resource "imspolicy_identity_policy" "p" {
  count  = length(local.names)
  name   = local.names[count.index]
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}

resource "imspolicy_service_control_policy" "s" {
  count   = length(local.names)
  name    = local.names[count.index]
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}
`
	steps := []resource.TestStep{{
		Config:      config,
		ExpectError: regexp.MustCompile(`(?s)(Name already taken.*identity\s+policy\s+name\s+"[a-z-]+"\s+is\s+already\s+taken\s+by\s+[0-9a-f-]+.*import \{.*){4}`),
	}}
	var imports [][2]string
	for i, name := range names {
		imports = append(imports, [2]string{fmt.Sprintf("imspolicy_identity_policy.p[%d]", i), name})
	}
	steps = append(steps, importIdentityPolicyStep(srv, config, imports...))
	steps = append(steps, resource.TestStep{
		Config:           config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		Check: func(*terraform.State) error {
			if n, m := len(srv.Policies()), len(srv.SCPs()); n != 4 || m != 5 {
				return fmt.Errorf("%d identity policies and %d SCPs (FullAccess included), want 4 and 5", n, m)
			}
			return nil
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps:                    steps,
		CheckDestroy: func(*terraform.State) error {
			if err := checkNoIdentityPolicies(srv)(nil); err != nil {
				return err
			}
			return scpTestCheckNoCustomSCPs(srv)(nil)
		},
	})
}

// TestAccFaultSafety_nameTakenUnderOtherCase: Team-Readers and Team-Guard exist; a
// configuration declaring team-readers and team-guard fails with the holders' ids and the
// import advice (names are unique ignoring case), not a bare 409, and the holders survive.
func TestAccFaultSafety_nameTakenUnderOtherCase(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	c := scpTestClient(t, url)
	ctx := context.Background()
	p, err := c.CreatePolicy(ctx, client.CreatePolicyInput{Name: "Team-Readers", Document: theirDocument})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.CreateSCP(ctx, client.CreateSCPInput{Name: "Team-Guard", Content: scpTestDenyCopy})
	if err != nil {
		t.Fatal(err)
	}
	config := acctest.ProviderBlock(url) + `
resource "imspolicy_identity_policy" "readers" {
  name   = "team-readers"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}
`
	scpConfig := acctest.ProviderBlock(url) + `
resource "imspolicy_service_control_policy" "guard" {
  name    = "team-guard"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}
`
	taken := func(kind, name, held, id, rt string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)Name already taken.*` + kind + `\s+name\s+"` + name + `"\s+is\s+already\s+taken\s+by\s+` + regexp.QuoteMeta(id) +
			`\s+\(named\s+"` + held + `":\s+names\s+are\s+unique\s+ignoring\s+case\).*import \{\s+to = ` + rt + `\.<name>\s+id = "` + regexp.QuoteMeta(id) + `"`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: taken(`identity\s+policy`, "team-readers", "Team-Readers", p.PolicyID, "imspolicy_identity_policy")},
			{Config: scpConfig, ExpectError: taken(`service\s+control\s+policy`, "team-guard", "Team-Guard", s.ID, "imspolicy_service_control_policy")},
		},
		CheckDestroy: func(*terraform.State) error {
			if ps := srv.Policies(); len(ps) != 1 || ps[0].ID != p.PolicyID {
				return fmt.Errorf("the identity policies are %+v, want only Team-Readers", ps)
			}
			if got, ok := srv.SCP(s.ID); !ok || got.Name != "Team-Guard" || len(srv.SCPs()) != 2 {
				return fmt.Errorf("Team-Guard is gone or another SCP was made (%d SCPs)", len(srv.SCPs()))
			}
			return nil
		},
	})
}

// TestAccFaultTolerance_hungEndpoint: an endpoint that accepts connections and never
// answers. After a few attempts that each wait out request_timeout, a create and a refresh
// fail, saying that the endpoint does not answer; they do not wait out every retry.
func TestAccFaultTolerance_hungEndpoint(t *testing.T) {
	hung := acctest.StartSilentListener(t)
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	extra := `  request_timeout = "500ms"`
	withTimeouts := func(endpoint, timeouts string) string {
		return acctest.ProviderBlock(endpoint, extra) + fmt.Sprintf(`
resource "imspolicy_identity_policy" "test" {
  name   = "hung"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
  timeouts {
    %s
  }
}
`, timeouts)
	}
	// Each failing step is timed from its PreConfig to the Check of the step after it,
	// which runs against the emulator and takes a second or two.
	var began time.Time
	start := func() { began = time.Now() }
	tookAtMost := func(limit time.Duration) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if d := time.Since(began); d > limit {
				return fmt.Errorf("the step against the hung endpoint took %s, more than %s", d, limit)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   start,
				Config:      withTimeouts(hung, `create = "1m"`),
				ExpectError: regexp.MustCompile(`(?s)API endpoint not answering.*creating identity policy.*no\s+usable\s+answer\s+after\s+3\s+attempt\(s\)\s+in.*got\s+no\s+answer\s+within\s+request_timeout\s+\(500ms\)`),
			},
			{
				// The policy is created against the emulator; then the endpoint hangs.
				Config: withTimeouts(url, `read = "3s"`),
				Check:  tookAtMost(time.Minute),
			},
			{
				PreConfig:   start,
				Config:      withTimeouts(hung, `read = "1m"`),
				ExpectError: regexp.MustCompile(`(?s)API endpoint not answering.*reading\s+identity\s+policy`),
			},
			{
				// Back to the emulator, so that the destroy works.
				Config: withTimeouts(url, `read = "3s"`),
				Check:  tookAtMost(time.Minute),
			},
		},
		CheckDestroy: checkNoIdentityPolicies(srv),
	})
}

// TestAccIdentityPolicyResource_descriptionChangedDuringUpdate: someone changes the description
// while Terraform is creating a new version. The update ends with the planned description
// (no "inconsistent result"), and the next plan is empty.
func TestAccIdentityPolicyResource_descriptionChangedDuringUpdate(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	proxy, purl := acctest.StartFaultProxy(t, url)
	proxy.Add(&acctest.ProxyRule{Method: "POST", Path: "/v5/policies/*", Times: 1, Before: func() {
		if p, ok := srv.PolicyByName("racy"); ok {
			_ = srv.SetPolicyDescription(p.ID, "changed meanwhile")
		}
	}})
	config := func(action string) string {
		return identityPolicyConfig(purl, "racy", "planned", identityPolicyDoc(action))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("ims:images:get")},
			{
				Config: config("ims:images:list"),
				Check: checkEmulatorIdentityPolicy(srv, "racy", func(p emulator.Policy) error {
					if p.Description != "planned" {
						return fmt.Errorf("description %q, want the planned one", p.Description)
					}
					return nil
				}),
			},
			{
				Config:           config("ims:images:list"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
		CheckDestroy: checkNoIdentityPolicies(srv),
	})
}

// TestAccIdentityPolicyResource_importNeedsAnID: an empty import id is an "Invalid import ID".
func TestAccIdentityPolicyResource_importNeedsAnID(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{Config: identityPolicyConfig(url, "imported", "", identityPolicyDoc("ims:images:get"))},
			{
				ResourceName:  identityPolicyAddr,
				ImportState:   true,
				ImportStateId: " ",
				ExpectError:   regexp.MustCompile(`Invalid import ID`),
			},
		},
		CheckDestroy: checkNoIdentityPolicies(srv),
	})
}

// TestAccProvider_invalidSettingsFailThePlan: each bad provider setting fails the plan
// with an error on its attribute that names the fix; an empty endpoint never means the
// production one.
func TestAccProvider_invalidSettingsFailThePlan(t *testing.T) {
	_, url := acctest.StartEmulator(t, emulator.Config{})
	withSetting := func(setting string) string {
		return acctest.ProviderBlock(url, "  "+setting) + `
resource "imspolicy_identity_policy" "test" {
  name   = "settings"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}
`
	}
	var steps []resource.TestStep
	for _, tc := range []struct{ setting, want string }{
		{`max_retries = 1000`, `(?s)max_retries.*between 0 and 100`},
		{`max_retries = -1`, `(?s)max_retries.*between 0 and 100`},
		{`request_timeout = "soon"`, `(?s)request_timeout is not a duration`},
		{`request_timeout = "1h"`, `(?s)request_timeout must be at most 5m`},
	} {
		steps = append(steps, resource.TestStep{Config: withSetting(tc.setting), PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)})
	}
	// The endpoints come last in the block, so a bad one replaces the emulator's.
	for _, tc := range []struct{ setting, want string }{
		{`iam_endpoint = ""`, `(?s)Invalid endpoint.*iam_endpoint: the endpoint is empty.*Leave the\s+argument\s+out`},
		{`organizations_endpoint = "ftp://example.com"`, `(?s)Invalid endpoint.*organizations_endpoint: invalid endpoint`},
	} {
		cfg := strings.Replace(withSetting(""), fmt.Sprintf("iam_endpoint           = %q", url), "", 1)
		cfg = strings.Replace(cfg, fmt.Sprintf("organizations_endpoint = %q", url), "", 1)
		cfg = strings.Replace(cfg, "  \n}\n", "  "+tc.setting+"\n}\n", 1)
		steps = append(steps, resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: fastProviderFactories, Steps: steps})
}

// TestAccFaultTolerance_unavailableEndpoint: an endpoint that answers every call with 503.
// With a short Retry-After the create retries until timeouts.create passes and then says it
// timed out; a Retry-After longer than the time left fails at once, saying so, instead of
// holding the resource.
func TestAccFaultTolerance_unavailableEndpoint(t *testing.T) {
	retryAfter := "1"
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error_code":"APIGW.0503","error_msg":"service unavailable"}`))
	}))
	t.Cleanup(unavailable.Close)
	config := acctest.ProviderBlock(unavailable.URL) + `
resource "imspolicy_identity_policy" "test" {
  name   = "unavailable"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
  timeouts {
    create = "3s"
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)API call timed out.*creating identity policy.*HTTP\s+503.*\(after\s+\d+\s+attempts\s+in\s+\d`),
			},
			{
				PreConfig:   func() { retryAfter = "600" },
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)HTTP\s+503.*the\s+server\s+asked\s+to\s+retry\s+after\s+10m0s,\s+past\s+the\s+operation's\s+deadline`),
			},
		},
	})
}

// TestAccFaultSafety_concurrentApplies: two configurations declaring the same identity
// policy and SCP (same documents) are applied at the same moment by two Terraform CLIs
// against one emulator. For each name, the first create to arrive waits in the emulator
// until the other apply's create of that name has acted, and is then answered 503 before
// acting: both name checks saw the name free, one create won, and the loser's answer is
// one the service may have acted on. The loser must not record the winner's object: it
// fails with the holder's id and the import advice, saying why; every object is in exactly
// one state, and destroying one configuration leaves the other's objects alone.
func TestAccFaultSafety_concurrentApplies(t *testing.T) {
	acctest.ClearCredentialEnv(t)
	tfs := []*acctest.TerraformCLI{acctest.NewTerraformCLI(t)}
	tfs = append(tfs, tfs[0].Another())
	won := map[string]chan struct{}{"race-policy": make(chan struct{}), "race-scp": make(chan struct{})}
	var lost atomic.Int32
	srv, url := acctest.StartEmulator(t, emulator.Config{Faults: emulator.Faults{OnCreate: func(c emulator.CreateRequest) emulator.CreateFault {
		ch, ok := won[c.Name]
		switch {
		case !ok:
			return emulator.CreateFault{}
		case c.N == 1:
			// The first create of the name is the loser's: it waits for the winner's
			// (necessarily the other apply's: this one's apply sends nothing else for the name
			// while it waits).
			select {
			case <-ch:
			case <-time.After(45 * time.Second):
			}
			lost.Add(1)
			return emulator.CreateFault{Status: http.StatusServiceUnavailable}
		case c.N == 2:
			return emulator.CreateFault{Then: func() { close(ch) }}
		}
		return emulator.CreateFault{}
	}}})
	config := acctest.ProviderBlock(url, `request_timeout = "60s"`) + `
resource "imspolicy_identity_policy" "race" {
  name   = "race-policy"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
}

resource "imspolicy_service_control_policy" "race" {
  name    = "race-scp"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}
`
	type result struct {
		errs   []acctest.PlanDiagnostic
		failed bool
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i, tf := range tfs {
		wg.Go(func() {
			errs, failed, err := tf.Apply(config, nil)
			if err != nil {
				t.Errorf("apply %d: %v", i, err)
			}
			results[i] = result{errs, failed}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if n := lost.Load(); n != 2 {
		t.Fatalf("%d creates lost the race, want 2: the test proves nothing", n)
	}
	p, ok := srv.PolicyByName("race-policy")
	s, ok2 := srv.SCPByName("race-scp")
	if !ok || !ok2 || len(srv.Policies()) != 1 || len(srv.SCPs()) != 2 {
		t.Fatalf("the emulator holds %d identity policies and %d SCPs (FullAccess included), want one of each", len(srv.Policies()), len(srv.SCPs()))
	}
	states := make([]map[string]string, 2)
	for i, tf := range tfs {
		ids, err := tf.StateIDs()
		if err != nil {
			t.Fatal(err)
		}
		states[i] = ids
	}
	for _, o := range []struct{ addr, rt, id, why string }{
		{"imspolicy_identity_policy.race", "imspolicy_identity_policy", p.ID, "nothing tells two identical creations apart"},
		{"imspolicy_service_control_policy.race", "imspolicy_service_control_policy", s.ID, "does not carry that create's marker tag"},
	} {
		holders := 0
		loser := -1
		for i := range states {
			switch states[i][o.addr] {
			case o.id:
				holders++
			case "":
				loser = i
			default:
				t.Errorf("apply %d recorded %s as %s, which the emulator does not hold", i, o.addr, states[i][o.addr])
			}
		}
		if holders != 1 || loser < 0 {
			t.Fatalf("%s (%s) is in %d states, want exactly one: %v", o.addr, o.id, holders, states)
		}
		found := false
		for _, d := range results[loser].errs {
			if d.Summary == "Name already taken" && d.Address == o.addr {
				found = true
				for _, want := range []string{"already taken by " + o.id, o.why, "import {\n  to = " + o.rt + ".<name>\n  id = \"" + o.id + "\"\n}", "terraform import " + o.rt + ".<name> " + o.id} {
					if !strings.Contains(d.Detail, want) {
						t.Errorf("the loser's error for %s does not say %q:\n%s", o.addr, want, d.Detail)
					}
				}
			}
		}
		if !found || !results[loser].failed {
			t.Errorf("apply %d, which lost %s, did not fail with Name already taken: %+v", loser, o.addr, results[loser].errs)
		}
	}
	// Destroying one configuration leaves the objects the other holds.
	tfs[0].Destroy(nil)
	for addr, id := range states[1] {
		_, isPolicy := srv.Policy(id)
		_, isSCP := srv.SCP(id)
		if !isPolicy && !isSCP {
			t.Errorf("destroying the first configuration deleted %s (%s), which the second holds", addr, id)
		}
	}
	tfs[1].Destroy(nil)
	if len(srv.Policies()) != 0 || len(srv.SCPs()) != 1 {
		t.Errorf("after both destroys the emulator holds %d identity policies and %d SCPs (FullAccess included)", len(srv.Policies()), len(srv.SCPs()))
	}
}

package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/acctest"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

// TestAccProvider_emptyEndpointVariable: an endpoint variable that is set but empty (say,
// HW_IAM_ENDPOINT="$UNSET") is never taken for the production endpoint. A resource fails,
// naming the variable and the fix, and sends nothing (not even to the other endpoint,
// which here is the emulator); offline data sources and functions still work; an empty
// HW_SECURITY_TOKEN stays normal.
func TestAccProvider_emptyEndpointVariable(t *testing.T) {
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	acctest.ClearCredentialEnv(t)
	t.Setenv("HW_ACCESS_KEY", acctest.AccessKey)
	t.Setenv("HW_SECRET_KEY", acctest.SecretKey)
	t.Setenv("HW_DOMAIN_ID", acctest.AccountID)
	t.Setenv("HW_SECURITY_TOKEN", "")
	endpoints := func(iam, orgs string) func() {
		return func() {
			t.Setenv("HW_IAM_ENDPOINT", iam)
			t.Setenv("HW_ORGANIZATIONS_ENDPOINT", orgs)
		}
	}
	const scp = `
resource "imspolicy_service_control_policy" "test" {
  name    = "empty-endpoint"
  content = jsonencode({ Version = "5.0", Statement = [{ Effect = "Deny", Action = ["ims:images:deleteImage"], Resource = ["*"] }] })
}
`
	policy := `
resource "imspolicy_identity_policy" "test" {
  name   = "empty-endpoint"
  policy = ` + identityPolicyDoc("ims:images:list") + `
}
`
	const offline = `
data "imspolicy_actions" "quota" { match = "ims:quotas:*" }
output "urn" { value = provider::imspolicy::image_urn("cn-north-4", "*", "*") }
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				// The SCP would go to the Organizations endpoint, the emulator: it is the
				// client that is refused, whichever endpoint a resource calls.
				PreConfig:   endpoints("", url),
				Config:      scp,
				ExpectError: regexp.MustCompile(`(?s)Empty HW_IAM_ENDPOINT.*HW_IAM_ENDPOINT\s+is\s+set\s+but\s+empty.*never\s+taken\s+for\s+the\s+production\s+one.*unset\s+HW_IAM_ENDPOINT`),
			},
			{
				PreConfig:   endpoints(url, " "),
				Config:      policy,
				ExpectError: regexp.MustCompile(`(?s)Empty HW_ORGANIZATIONS_ENDPOINT.*HW_ORGANIZATIONS_ENDPOINT\s+is\s+set\s+but\s+empty.*organizations_endpoint`),
			},
			{
				PreConfig: endpoints("", ""),
				Config:    offline,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.imspolicy_actions.quota", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("ims:quotas:get")})),
					statecheck.ExpectKnownOutputValue("urn", knownvalue.StringExact("ims:cn-north-4:*:image:*")),
				},
				Check: func(*terraform.State) error {
					if n := srv.Stats().Requests; n != 0 {
						return fmt.Errorf("%d requests reached the emulator while an endpoint variable was empty", n)
					}
					return nil
				},
			},
			{
				// The endpoints set, an empty HW_SECURITY_TOKEN is no token.
				PreConfig: endpoints(url, url),
				Config:    policy,
				Check:     checkEmulatorIdentityPolicy(srv, "empty-endpoint", func(emulator.Policy) error { return nil }),
			},
		},
		CheckDestroy: checkNoIdentityPolicies(srv),
	})
}

// TestAccFaultTolerance_drippingEndpoint: an endpoint that sends its status line and
// headers at once and then a byte of the body every 200 ms. request_timeout bounds the
// whole answer, and such answers count toward giving up on the endpoint like silence: a
// create and a refresh fail within seconds, saying the endpoint stalled while sending its
// answer, instead of waiting out every retry of every call.
func TestAccFaultTolerance_drippingEndpoint(t *testing.T) {
	drip := acctest.StartDrippingEndpoint(t, 200*time.Millisecond, 30*time.Second)
	srv, url := acctest.StartEmulator(t, emulator.Config{})
	config := func(endpoint, timeouts string) string {
		return acctest.ProviderBlock(endpoint, `request_timeout = "1s"`) + fmt.Sprintf(`
resource "imspolicy_identity_policy" "test" {
  name   = "dripping"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
  timeouts {
    %s
  }
}
`, timeouts)
	}
	var began time.Time
	var requests int
	start := func() { began, requests = time.Now(), drip.Requests() }
	// A failing step is timed from its PreConfig to the Check of the next step, which runs
	// against the emulator and takes a second or two.
	tookAtMost := func(limit time.Duration, most int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if d := time.Since(began); d > limit {
				return fmt.Errorf("the step against the dripping endpoint took %s, more than %s", d, limit)
			}
			if n := drip.Requests() - requests; n > most {
				return fmt.Errorf("the step sent %d requests to the dripping endpoint, want at most %d", n, most)
			}
			return nil
		}
	}
	stalled := `(?s)API endpoint stalled.*%s.*stalled\s+while\s+sending\s+its\s+answer.*no\s+whole\s+answer\s+within\s+request_timeout\s+\(1s\)`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fastProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   start,
				Config:      config(drip.URL, `create = "5m"`),
				ExpectError: regexp.MustCompile(fmt.Sprintf(stalled, `creating\s+identity\s+policy`)),
			},
			{
				// The policy is created against the emulator; then the endpoint drips.
				Config: config(url, `read = "5m"`),
				Check:  tookAtMost(20*time.Second, 4),
			},
			{
				PreConfig:   start,
				Config:      config(drip.URL, `read = "5m"`),
				ExpectError: regexp.MustCompile(fmt.Sprintf(stalled, `reading\s+identity\s+policy`)),
			},
			{
				// Back to the emulator, so that the destroy works.
				Config: config(url, `read = "5m"`),
				Check:  tookAtMost(20*time.Second, 4),
			},
		},
		CheckDestroy: checkNoIdentityPolicies(srv),
	})
}

// TestAccFaultTolerance_retryAfterBeyondDuration: a Retry-After too large for a
// time.Duration (18446744074 seconds overflowed to 0.29 s: 26 requests in 7 s) is read as
// at least a day, past the create's timeout: the create fails after one request, saying so.
func TestAccFaultTolerance_retryAfterBeyondDuration(t *testing.T) {
	var requests atomic.Int64
	throttling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Retry-After", "18446744074")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error_code":"APIGW.0308","error_msg":"throttled"}`))
	}))
	t.Cleanup(throttling.Close)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(throttling.URL) + `
resource "imspolicy_identity_policy" "test" {
  name   = "throttled"
  policy = jsonencode({ Version = "5.0", Statement = [{ Effect = "Allow", Action = ["ims:images:get"] }] })
  timeouts {
    create = "10s"
  }
}
`,
			ExpectError: regexp.MustCompile(`(?s)HTTP\s+429.*the\s+server\s+asked\s+to\s+retry\s+after\s+at\s+least\s+24h0m0s,\s+past\s+the\s+operation's\s+deadline`),
		}},
	})
	if n := requests.Load(); n != 1 {
		t.Fatalf("%d requests reached the throttling endpoint, want 1", n)
	}
}

package provider

import "os"

// QuietUnheardLogs turns the plugin SDK's and the framework's logs off when the CLI that
// runs the provider would drop them. Terraform and OpenTofu keep a provider's logs at the
// level of TF_LOG_PROVIDER, else TF_LOG, and drop them all when both are unset; but the
// SDK logs at TRACE unless TF_LOG_SDK says otherwise, and the framework writes a JSON line
// for every attribute it compares, which the CLI then reads and drops. For a simulation
// of 8,000 requests that was about a third of the provider's CPU and of Terraform's own.
// A TF_LOG_SDK the user set is kept. Call it before serving, and not for a provider run
// by hand (-debug), which prints its logs itself.
func QuietUnheardLogs() {
	for _, heard := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK"} {
		if os.Getenv(heard) != "" {
			return
		}
	}
	_ = os.Setenv("TF_LOG_SDK", "off") // fails only on a malformed name
}

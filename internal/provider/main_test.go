package provider

import (
	"fmt"
	"os"
	"testing"
)

// TestMain refuses to run acceptance tests without a CLI: terraform-plugin-testing would
// download Terraform from releases.hashicorp.com when TF_ACC is set and
// TF_ACC_TERRAFORM_PATH is not, and nothing here may download. `make gotest` builds
// Terraform from the Go module proxy and sets both; without TF_ACC (as `make unit` runs)
// the acceptance tests skip.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		fmt.Fprintln(os.Stderr, "TF_ACC is set but TF_ACC_TERRAFORM_PATH is not, so terraform-plugin-testing would download "+
			"Terraform. Run `make gotest` (it builds Terraform 1.8.5 from the Go module proxy into bin/), or set "+
			"TF_ACC_TERRAFORM_PATH to a Terraform or OpenTofu binary.")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

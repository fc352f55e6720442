// Command imspolicy checks IMS identity policies and SCPs, in policy files and in
// Terraform or OpenTofu plans, for CI pipelines: imspolicy --help.
package main

import (
	"os"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/cli"
)

func main() { os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

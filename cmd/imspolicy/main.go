// Command imspolicy checks IMS identity policies and SCPs, in policy files and in
// Terraform or OpenTofu plans, for CI pipelines: imspolicy --help.
package main

import (
	"os"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/cli"
)

// version is set by GoReleaser (.goreleaser.yml: -X main.version={{ .Version }}); empty
// in a build without it, which keeps cli.Version's "dev".
var version string

func main() {
	if version != "" {
		cli.Version = version
	}
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Command terraform-provider-imspolicy serves the imspolicy Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/provider"
)

// version is set by goreleaser at build time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		provider.QuietUnheardLogs()
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/imspolicy/imspolicy",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

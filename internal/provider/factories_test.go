package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
)

// The provider served in-process for the acceptance tests; everything else they share is
// in package acctest.

// protoV6ProviderFactories serve the provider as it is built.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"imspolicy": providerserver.NewProtocol6WithError(New("test")()),
}

// fastProviderFactories serve the provider with short backoff bounds, so that tests of
// retries run in seconds.
var fastProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"imspolicy": providerserver.NewProtocol6WithError(&imsPolicyProvider{
		version: "test",
		clientOptions: func(c *client.Config) {
			c.MinBackoff = 5 * time.Millisecond
			c.MaxBackoff = 50 * time.Millisecond
			c.MaxRetryAfter = 100 * time.Millisecond
			c.ReadAfterWriteTimeout = 10 * time.Second
		},
	}),
}

// Command terraform-provider-kore serves the Kore.ai provider to Terraform and OpenTofu.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/kore-community/terraform-provider-kore/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	debug := flag.Bool("debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	// go-plugin ignores SIGINT in the provider, and Terraform does not stop the reads of an apply's plan phase:
	// the provider cancels its reads itself on the first SIGINT or SIGTERM.
	provider.CancelReadsOnSignals()

	newServer := provider.NewProtocol6Server(version)
	server, err := newServer()
	if err != nil {
		log.Fatal(err)
	}

	var opts []tf6server.ServeOpt
	if *debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(provider.ProviderAddress, func() tfprotov6.ProviderServer { return server }, opts...); err != nil {
		log.Fatal(err)
	}
}

package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// ProviderAddress is where registries publish the provider.
const ProviderAddress = "registry.terraform.io/kore-community/kore"

// providerTypeName prefixes the provider's data sources and names its functions' namespace.
const providerTypeName = "kore"

// NewProtocol6Server returns a factory of the provider's protocol 6 server: the framework's server, except that
// ReadDataSource of every data source that implements tfwire.StateEncoder, and CallFunction of groups_by_name and
// effective_members, are answered straight from and into Terraform's wire format (internal/tfwire). Schemas,
// validation, configuration and every other call stay with the framework, so each data source keeps one definition.
//
// A data source opts in when its state can grow with the account (lists of groups, users, roles, bots); one whose
// state is a handful of values stays with the framework. See DESIGN.md.
func NewProtocol6Server(version string) func() (tfprotov6.ProviderServer, error) {
	return newProtocol6Server(version, os.LookupEnv)
}

// newProtocol6Server lets tests give the provider an environment of its own.
func newProtocol6Server(version string, lookupEnv lookupEnvFunc) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &koreProvider{version: version, lookupEnv: lookupEnv}
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		ctx := context.Background()
		return tfwire.NewServer(ctx, framework, tfwire.Options{
			ProviderTypeName: providerTypeName,
			DataSources:      p.DataSources(ctx),
			Functions:        directFunctions,
			Redact:           p.redact,
		})
	}
}

// redact passes diagnostics through the configured client's redactor (logging.go), whichever path serves the read.
func (p *koreProvider) redact(diags diag.Diagnostics) diag.Diagnostics {
	return redactDiagnostics(diags, p.configuredClient())
}

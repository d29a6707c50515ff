package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ProviderAddress is where registries publish the provider.
const ProviderAddress = "registry.terraform.io/kore-community/kore"

// NewProtocol6Server returns a factory of the provider's protocol 6 server. It is the framework's server, with one
// change: ReadDataSource of kore_groups and kore_group is answered here with state encoded by state_encoding.go.
// The framework would decode that state into a value tree, walk it for semantic equality and null blocks, and
// encode it again, which for 200,000 users takes far longer than reading them. Schemas, validation, configuration
// and every other call stay with the framework, so the data sources keep one definition.
func NewProtocol6Server(version string) func() (tfprotov6.ProviderServer, error) {
	return newProtocol6Server(version, os.LookupEnv)
}

// newProtocol6Server lets tests give the provider an environment of its own.
func newProtocol6Server(version string, lookupEnv lookupEnvFunc) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		ctx := context.Background()
		p := &koreProvider{version: version, lookupEnv: lookupEnv}
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		s := &server{ProviderServer: framework, provider: p, direct: map[string]directDataSource{}}
		for _, newDataSource := range p.DataSources(ctx) {
			ds := newDataSource()
			reader, ok := ds.(directStateReader)
			if !ok {
				continue
			}
			var meta datasource.MetadataResponse
			ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "kore"}, &meta)
			var sch datasource.SchemaResponse
			ds.Schema(ctx, datasource.SchemaRequest{}, &sch)
			if sch.Diagnostics.HasError() {
				return nil, fmt.Errorf("schema of %s: %v", meta.TypeName, sch.Diagnostics)
			}
			s.direct[meta.TypeName] = directDataSource{
				reader: reader,
				schema: sch.Schema,
				typ:    sch.Schema.Type().TerraformType(ctx),
			}
		}
		return s, nil
	}
}

type directDataSource struct {
	reader directStateReader
	schema fwschema.Schema
	typ    tftypes.Type
}

type server struct {
	tfprotov6.ProviderServer
	provider *koreProvider
	direct   map[string]directDataSource
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ds, ok := s.direct[req.TypeName]
	if !ok {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	resp := &tfprotov6.ReadDataSourceResponse{}
	if req.Config == nil {
		resp.Diagnostics = toProtocolDiagnostics(errorDiagnostics("Missing Data Source Configuration",
			"Terraform sent no configuration for "+req.TypeName+". This is a bug; please report it."))
		return resp, nil
	}
	config, err := req.Config.Unmarshal(ds.typ)
	if err != nil {
		resp.Diagnostics = toProtocolDiagnostics(errorDiagnostics("Cannot Decode the Data Source Configuration", err.Error()))
		return resp, nil
	}
	client := s.provider.configuredClient()
	state, diags := ds.reader.readState(ctx, client, tfsdk.Config{Raw: config, Schema: ds.schema})
	resp.Diagnostics = toProtocolDiagnostics(redactDiagnostics(diags, client))
	if !diags.HasError() {
		resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	}
	return resp, nil
}

func errorDiagnostics(summary, detail string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError(summary, detail)
	return diags
}

func toProtocolDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  d.Summary(),
			Detail:   d.Detail(),
		}
		if d.Severity() == diag.SeverityWarning {
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = toAttributePath(withPath.Path())
		}
		out = append(out, pd)
	}
	return out
}

func toAttributePath(p path.Path) *tftypes.AttributePath {
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(s))
		default:
			return ap // a set element cannot be named without its value; the enclosing attribute is precise enough
		}
	}
	return ap
}

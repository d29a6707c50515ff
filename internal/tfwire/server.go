package tfwire

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// StateEncoder is a data source that opts into the direct ReadDataSource path: it encodes its whole state itself,
// from an object description, and the server hands that encoding to Terraform as it is.
//
// The framework would decode the state into a value tree, walk it for semantic equality and null blocks, and
// encode it again; for states that grow with an account that costs seconds to minutes. A data source whose state is
// a handful of values stays with the framework.
type StateEncoder interface {
	datasource.DataSource
	// EncodeState reads what config asks for and returns the state, MessagePack-encoded against the schema's type.
	// It must be safe for concurrent use: the server keeps one instance per type.
	EncodeState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics)
	// StateDescription is the description EncodeState writes from, checked against the schema at start.
	StateDescription() Described
}

// DirectFunction answers a call of a provider function straight from its MessagePack arguments, or returns nil to
// leave the call to the framework (for arguments it does not read itself, such as unknown values). The arguments
// it is given are well-formed MessagePack (Validate).
type DirectFunction func(ctx context.Context, req *tfprotov6.CallFunctionRequest) *tfprotov6.CallFunctionResponse

// Options say what a Server answers itself.
type Options struct {
	// ProviderTypeName is the provider's type name, the prefix of its data sources' (such as "kore").
	ProviderTypeName string
	// DataSources are the provider's data sources; those that implement StateEncoder are read directly.
	DataSources []func() datasource.DataSource
	// Functions are the functions answered directly, by name.
	Functions map[string]DirectFunction
	// Redact passes over the diagnostics of every direct read before they leave, as the provider's last guard
	// against secrets in text; nil leaves them as they are.
	Redact func(diag.Diagnostics) diag.Diagnostics
}

// Server is a protocol 6 provider server that answers ReadDataSource of every StateEncoder and CallFunction of every
// DirectFunction itself, and leaves every other call (schemas, validation, configuration) to the framework's server
// it wraps, so that each data source keeps one definition.
type Server struct {
	tfprotov6.ProviderServer
	dataSources map[string]directDataSource
	functions   map[string]DirectFunction
	redact      func(diag.Diagnostics) diag.Diagnostics
}

type directDataSource struct {
	encoder StateEncoder
	schema  fwschema.Schema
	typ     tftypes.Type
}

// NewServer wraps framework, the framework's server of the same provider. It checks every StateEncoder's
// description against its schema, so that a description and a schema that disagree stop the provider at start,
// naming the attribute.
func NewServer(ctx context.Context, framework tfprotov6.ProviderServer, opts Options) (*Server, error) {
	direct, err := directDataSources(ctx, opts.ProviderTypeName, opts.DataSources)
	if err != nil {
		return nil, err
	}
	redact := opts.Redact
	if redact == nil {
		redact = func(d diag.Diagnostics) diag.Diagnostics { return d }
	}
	return &Server{ProviderServer: framework, dataSources: direct, functions: opts.Functions, redact: redact}, nil
}

// DirectDataSources lists the type names of the data sources that implement StateEncoder, after checking each one's
// description against its schema as NewServer does.
func DirectDataSources(ctx context.Context, providerTypeName string, dataSources []func() datasource.DataSource) ([]string, error) {
	direct, err := directDataSources(ctx, providerTypeName, dataSources)
	names := make([]string, 0, len(direct))
	for name := range direct {
		names = append(names, name)
	}
	return names, err
}

func directDataSources(ctx context.Context, providerTypeName string, dataSources []func() datasource.DataSource) (map[string]directDataSource, error) {
	direct := map[string]directDataSource{}
	for _, newDataSource := range dataSources {
		encoder, ok := newDataSource().(StateEncoder)
		if !ok {
			continue
		}
		var meta datasource.MetadataResponse
		encoder.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
		var sch datasource.SchemaResponse
		encoder.Schema(ctx, datasource.SchemaRequest{}, &sch)
		if sch.Diagnostics.HasError() {
			return nil, fmt.Errorf("schema of %s: %v", meta.TypeName, sch.Diagnostics)
		}
		typ := sch.Schema.Type().TerraformType(ctx)
		if err := Check(encoder.StateDescription(), typ); err != nil {
			return nil, fmt.Errorf("%s: %w", meta.TypeName, err)
		}
		direct[meta.TypeName] = directDataSource{encoder: encoder, schema: sch.Schema, typ: typ}
	}
	return direct, nil
}

// ReadDataSource answers a read of a StateEncoder with the state it encodes; any other goes to the framework.
func (s *Server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ds, ok := s.dataSources[req.TypeName]
	if !ok {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	resp := &tfprotov6.ReadDataSourceResponse{}
	if req.Config == nil {
		resp.Diagnostics = ToProtocolDiagnostics(ErrorDiagnostics("Missing Data Source Configuration",
			"Terraform sent no configuration for "+req.TypeName+". This is a bug; please report it."))
		return resp, nil
	}
	config, err := unmarshal(req.Config, ds.typ)
	if err != nil {
		resp.Diagnostics = ToProtocolDiagnostics(ErrorDiagnostics("Cannot Decode the Data Source Configuration", err.Error()))
		return resp, nil
	}
	state, diags := ds.encoder.EncodeState(ctx, tfsdk.Config{Raw: config, Schema: ds.schema})
	diags = s.redact(diags)
	resp.Diagnostics = ToProtocolDiagnostics(diags)
	if !diags.HasError() {
		resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	}
	return resp, nil
}

// unmarshal decodes a value that terraform-plugin-go would size its slices for from the length headers alone: those
// are checked first.
func unmarshal(v *tfprotov6.DynamicValue, typ tftypes.Type) (tftypes.Value, error) {
	if v.MsgPack != nil {
		if err := Validate(v.MsgPack); err != nil {
			return tftypes.Value{}, err
		}
	}
	return v.Unmarshal(typ)
}

// CallFunction answers a call of a DirectFunction, unless it leaves the call to the framework. Every argument in
// MessagePack is checked first, for every function: the framework's decoder sizes its slices from length headers,
// so five bytes could claim four billion elements and end the process.
func (s *Server) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	for i, arg := range req.Arguments {
		if arg == nil || arg.MsgPack == nil {
			continue
		}
		if err := Validate(arg.MsgPack); err != nil {
			position := int64(i)
			return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{
				Text: fmt.Sprintf("Terraform sent argument %d of %s in a form that cannot be read: %v. This is a "+
					"bug in Terraform or in a tool between it and the provider; please report it.", i, req.Name, err),
				FunctionArgument: &position,
			}}, nil
		}
	}
	if direct, ok := s.functions[req.Name]; ok {
		if resp := direct(ctx, req); resp != nil {
			return resp, nil
		}
	}
	return s.ProviderServer.CallFunction(ctx, req)
}

// ReadThroughFramework answers the framework's Read of a StateEncoder, which the framework still calls when the
// provider is served without a Server (and which tests compare with the direct path): the same encoded state,
// decoded into the framework's value tree. redact is the provider's, as in Options; nil leaves diagnostics as they
// are.
func ReadThroughFramework(ctx context.Context, e StateEncoder, redact func(diag.Diagnostics) diag.Diagnostics,
	req datasource.ReadRequest, resp *datasource.ReadResponse) {
	encoded, diags := e.EncodeState(ctx, req.Config)
	if redact != nil {
		diags = redact(diags)
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	value, err := (&tfprotov6.DynamicValue{MsgPack: encoded}).Unmarshal(resp.State.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Cannot Decode the Data Source State", err.Error())
		return
	}
	resp.State.Raw = value
}

package tfwire

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// framework stands for the framework's server: it records the calls it is handed.
type framework struct {
	tfprotov6.ProviderServer
	reads, calls []string
}

func (f *framework) ReadDataSource(_ context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	f.reads = append(f.reads, req.TypeName)
	return &tfprotov6.ReadDataSourceResponse{}, nil
}

func (f *framework) CallFunction(_ context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	f.calls = append(f.calls, req.Name)
	return &tfprotov6.CallFunctionResponse{}, nil
}

// greeting is the state of the test data source: its one argument, and what it says.
type greeting struct{ name, text string }

var greetingObject = NewObject(
	ArgumentField("name", schema.StringAttribute{Optional: true}, func(w *Writer, g *greeting) { w.String(g.name) }),
	StringField("text", "", "What it says.", func(g *greeting) string { return g.text }),
)

// greetings is a data source on the direct path; its name argument chooses what it answers.
type greetings struct {
	typeSuffix  string
	description Described
	schemaDiags diag.Diagnostics
}

func (g greetings) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + g.typeSuffix
}

func (g greetings) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: greetingObject.Attributes()}
	resp.Diagnostics = g.schemaDiags
}

func (g greetings) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ReadThroughFramework(ctx, g, redactSecret, req, resp)
}

func (g greetings) StateDescription() Described {
	if g.description != nil {
		return g.description
	}
	return greetingObject
}

func (g greetings) EncodeState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var name types.String
	diags := config.GetAttribute(ctx, path.Root("name"), &name)
	switch name.ValueString() {
	case "fail":
		diags.AddAttributeError(path.Root("name"), "Failed", "the secret is out")
		return []byte{0xc1}, diags
	case "garbage":
		return []byte{0xc1}, diags
	}
	diags.AddWarning("Note", "a secret note")
	w := NewWriter(0)
	greetingObject.Write(w, &greeting{name: name.ValueString(), text: "hello " + name.ValueString()})
	state, err := w.Bytes()
	if err != nil {
		diags.AddError("Cannot Encode", err.Error())
	}
	return state, diags
}

// plain is a data source that stays with the framework.
type plain struct{ greetings }

func (plain) EncodeState() {}

func redactSecret(diags diag.Diagnostics) diag.Diagnostics {
	out := diag.Diagnostics{}
	for _, d := range diags {
		detail := strings.ReplaceAll(d.Detail(), "secret", "***")
		if d.Severity() == diag.SeverityWarning {
			out.AddWarning(d.Summary(), detail)
		} else {
			out.AddError(d.Summary(), detail)
		}
	}
	return out
}

func newTestServer(t *testing.T, redact func(diag.Diagnostics) diag.Diagnostics, functions map[string]DirectFunction) (*Server, *framework) {
	t.Helper()
	fw := &framework{}
	s, err := NewServer(context.Background(), fw, Options{
		ProviderTypeName: "test",
		DataSources: []func() datasource.DataSource{
			func() datasource.DataSource { return greetings{typeSuffix: "_greetings"} },
			func() datasource.DataSource { return plain{greetings{typeSuffix: "_plain"}} },
		},
		Functions: functions,
		Redact:    redact,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, fw
}

var greetingType = schema.Schema{Attributes: greetingObject.Attributes()}.Type().TerraformType(context.Background())

func greetingConfig(t *testing.T, name string) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(greetingType, tftypes.NewValue(greetingType, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, name), "text": tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func TestServer_readsStateEncodersDirectly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, fw := newTestServer(t, redactSecret, nil)

	resp, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "test_greetings", Config: greetingConfig(t, "ann")})
	if err != nil {
		t.Fatal(err)
	}
	state, err := resp.State.Unmarshal(greetingType)
	if err != nil {
		t.Fatal(err)
	}
	want := tftypes.NewValue(greetingType, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "ann"), "text": tftypes.NewValue(tftypes.String, "hello ann"),
	})
	if !state.Equal(want) {
		t.Errorf("state %v, want %v", state, want)
	}
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Detail != "a *** note" ||
		resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Errorf("want the warning redacted, got %+v", resp.Diagnostics)
	}

	resp, _ = s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "test_greetings", Config: greetingConfig(t, "fail")})
	if resp.State != nil || len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Detail != "the *** is out" {
		t.Errorf("a failed read: state %v, diagnostics %+v", resp.State, resp.Diagnostics)
	}

	resp, _ = s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "test_greetings"})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Missing Data Source Configuration" ||
		!strings.Contains(resp.Diagnostics[0].Detail, "test_greetings") || resp.State != nil {
		t.Errorf("no configuration: %+v", resp.Diagnostics)
	}
	resp, _ = s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "test_greetings",
		Config: &tfprotov6.DynamicValue{MsgPack: []byte{0xdf, 0xff, 0xff, 0xff, 0xff}}})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Cannot Decode the Data Source Configuration" ||
		!strings.Contains(resp.Diagnostics[0].Detail, "larger than the bytes left") || resp.State != nil {
		t.Errorf("a configuration whose length header lies: %+v", resp.Diagnostics)
	}
	resp, _ = s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "test_greetings",
		Config: &tfprotov6.DynamicValue{JSON: []byte(`{"name": "bo", "text": null}`)}})
	if state, err := resp.State.Unmarshal(greetingType); err != nil || hasErrorDiagnostic(resp.Diagnostics) ||
		!strings.Contains(state.String(), "hello bo") {
		t.Errorf("a configuration in JSON: %v, %v, %+v", state, err, resp.Diagnostics)
	}

	if _, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "test_plain"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fw.reads, []string{"test_plain"}) {
		t.Errorf("handed to the framework: %v, want only test_plain", fw.reads)
	}
}

func hasErrorDiagnostic(diags []*tfprotov6.Diagnostic) bool {
	return slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityError })
}

// Without a redaction hook, diagnostics leave as they are.
func TestServer_withoutRedactLeavesDiagnostics(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, nil, nil)
	resp, _ := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "test_greetings", Config: greetingConfig(t, "ann")})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Detail != "a secret note" {
		t.Errorf("got %+v", resp.Diagnostics)
	}
}

// The start-up check: a description that disagrees with its schema, or a schema that fails, stops the server.
func TestNewServer_refusesDataSourcesItCannotServe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	names, err := DirectDataSources(ctx, "test", []func() datasource.DataSource{
		func() datasource.DataSource { return greetings{typeSuffix: "_greetings"} },
		func() datasource.DataSource { return plain{greetings{typeSuffix: "_plain"}} },
	})
	if err != nil || !slices.Equal(names, []string{"test_greetings"}) {
		t.Errorf("direct data sources %v, %v", names, err)
	}
	for _, tc := range []struct {
		source greetings
		want   string
	}{
		{greetings{typeSuffix: "_odd", description: NewObject(greetingObject.Fields()[0])},
			"test_odd: the state description and the schema disagree:\n  - text: in the schema, but not described"},
		{greetings{typeSuffix: "_broken", schemaDiags: ErrorDiagnostics("Bad Schema", "broken")},
			"schema of test_broken: "},
	} {
		_, err := NewServer(ctx, &framework{}, Options{ProviderTypeName: "test",
			DataSources: []func() datasource.DataSource{func() datasource.DataSource { return tc.source }}})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
		if _, err := DirectDataSources(ctx, "test", []func() datasource.DataSource{func() datasource.DataSource { return tc.source }}); err == nil {
			t.Errorf("DirectDataSources accepted %s", tc.source.typeSuffix)
		}
	}
}

// CallFunction refuses a malformed argument of any function, lets a direct function answer, and hands the framework
// what no direct function answers.
func TestServer_callFunction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var direct []string
	s, fw := newTestServer(t, nil, map[string]DirectFunction{
		"direct": func(_ context.Context, req *tfprotov6.CallFunctionRequest) *tfprotov6.CallFunctionResponse {
			direct = append(direct, req.Name)
			if len(req.Arguments) == 0 {
				return nil // the framework's
			}
			return &tfprotov6.CallFunctionResponse{Result: req.Arguments[0]}
		},
	})
	good := &tfprotov6.DynamicValue{MsgPack: []byte{0x90}}
	lying := &tfprotov6.DynamicValue{MsgPack: []byte{0xdd, 0xff, 0xff, 0xff, 0xff}}
	for _, name := range []string{"direct", "other"} {
		resp, err := s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: name,
			Arguments: []*tfprotov6.DynamicValue{good, nil, {JSON: []byte("[]")}, lying}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 3 ||
			!strings.Contains(resp.Error.Text, "argument 3 of "+name+" in a form that cannot be read: MessagePack at "+
				"byte 0: a length header is larger than the bytes left") {
			t.Errorf("%s: want argument 3 refused, got %+v", name, resp.Error)
		}
	}
	if len(direct) != 0 || len(fw.calls) != 0 {
		t.Fatalf("a malformed argument reached %v and %v", direct, fw.calls)
	}

	resp, _ := s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "direct", Arguments: []*tfprotov6.DynamicValue{good}})
	if resp.Result != good || len(fw.calls) != 0 {
		t.Errorf("the direct answer: %+v, framework calls %v", resp, fw.calls)
	}
	_, _ = s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "direct"})
	_, _ = s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "other", Arguments: []*tfprotov6.DynamicValue{good}})
	if !slices.Equal(direct, []string{"direct", "direct"}) || !slices.Equal(fw.calls, []string{"direct", "other"}) {
		t.Errorf("direct calls %v, framework calls %v", direct, fw.calls)
	}
}

// ReadThroughFramework gives the framework's Read the same state and redacted diagnostics.
func TestReadThroughFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sch := schema.Schema{Attributes: greetingObject.Attributes()}
	read := func(name string, redact func(diag.Diagnostics) diag.Diagnostics) *datasource.ReadResponse {
		config := tftypes.NewValue(greetingType, map[string]tftypes.Value{
			"name": tftypes.NewValue(tftypes.String, name), "text": tftypes.NewValue(tftypes.String, nil),
		})
		resp := &datasource.ReadResponse{State: tfsdk.State{Schema: sch, Raw: tftypes.NewValue(greetingType, nil)}}
		g := greetings{typeSuffix: "_greetings"}
		ReadThroughFramework(ctx, g, redact, datasource.ReadRequest{Config: tfsdk.Config{Schema: sch, Raw: config}}, resp)
		return resp
	}
	resp := read("ann", redactSecret)
	if !strings.Contains(resp.State.Raw.String(), "hello ann") || len(resp.Diagnostics) != 1 ||
		resp.Diagnostics[0].Detail() != "a *** note" {
		t.Errorf("state %v, diagnostics %v", resp.State.Raw, resp.Diagnostics)
	}
	if resp := read("ann", nil); len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Detail() != "a secret note" {
		t.Errorf("without redaction: %v", resp.Diagnostics)
	}
	resp = read("fail", redactSecret)
	if !resp.State.Raw.IsNull() || !resp.Diagnostics.HasError() || resp.Diagnostics[0].Detail() != "the *** is out" {
		t.Errorf("a failed read: state %v, diagnostics %v", resp.State.Raw, resp.Diagnostics)
	}
	resp = read("garbage", nil)
	if !resp.State.Raw.IsNull() || len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary() != "Cannot Decode the Data Source State" {
		t.Errorf("undecodable state: %v, %v", resp.State.Raw, resp.Diagnostics)
	}
}

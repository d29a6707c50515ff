package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// protocolHarness drives the provider's protocol 6 server the way Terraform does, without the CLI, for tests that
// compare the two read paths and for benchmarks of the whole ReadDataSource call.
type protocolHarness struct {
	server  *tfwire.Server
	schemas *tfprotov6.GetProviderSchemaResponse
}

func newProtocolHarness(tb testing.TB, url string, providerArgs map[string]tftypes.Value) *protocolHarness {
	tb.Helper()
	h := newUnconfiguredHarness(tb)
	args := map[string]tftypes.Value{
		"host":          tftypes.NewValue(tftypes.String, url),
		"client_id":     tftypes.NewValue(tftypes.String, testClientID),
		"client_secret": tftypes.NewValue(tftypes.String, testClientSecret),
	}
	for k, v := range providerArgs {
		args[k] = v
	}
	config := objectValue(tb, h.schemas.Provider.ValueType(), args)
	resp, err := h.server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config})
	if err != nil || hasErrors(resp.Diagnostics) {
		tb.Fatalf("ConfigureProvider: %v %s", err, describeDiagnostics(resp.Diagnostics))
	}
	return h
}

// newUnconfiguredHarness is a provider server that has given its schemas but not been configured.
func newUnconfiguredHarness(tb testing.TB) *protocolHarness {
	tb.Helper()
	ctx := context.Background()
	ps, err := newProtocol6Server("test", envOf(nil))()
	if err != nil {
		tb.Fatal(err)
	}
	srv, ok := ps.(*tfwire.Server)
	if !ok {
		tb.Fatalf("NewProtocol6Server returned %T", ps)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		tb.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	return &protocolHarness{server: srv, schemas: schemas}
}

// objectValue builds a config object of the given type: the named attributes set, every other one null.
func objectValue(tb testing.TB, typ tftypes.Type, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	tb.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		tb.Fatalf("schema type %s is not an object", typ)
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			values[name] = v
			continue
		}
		values[name] = tftypes.NewValue(attrType, nil)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

func (h *protocolHarness) dataSourceType(typeName string) tftypes.Type {
	return h.schemas.DataSourceSchemas[typeName].ValueType()
}

func (h *protocolHarness) readRequest(tb testing.TB, typeName string, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceRequest {
	return &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: objectValue(tb, h.dataSourceType(typeName), args)}
}

func hasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func describeDiagnostics(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Severity.String() + ": " + d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

// The direct ReadDataSource path skips the framework's processing of a Read's result (semantic equality, null
// blocks, re-encoding); this holds that the skip changes nothing: for the same config the framework's Read answers
// the same state and the same diagnostics. The state must also decode against the schema's type, so a key the
// encoder misspells fails here. The values themselves are checked against the fixtures by the acceptance tests.
func TestServer_directReadMatchesTheFrameworkRead(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	twin := groups[10] // another group of the same name: both are kept, sorted by ID
	twin.ID = "e-twin-of-group-10"
	groups = append(groups, twin)
	access := fakekore.GenerateAccess(groups, 5)
	// A user with many admin roles and no bot roles: more than the state writer's first guess of the size holds.
	manyAdminRoles := fakekore.UserRoles{ID: "u-many-admin-roles", Username: "many.admin.roles@example.com",
		AccountID: access.Users[0].AccountID, BotRoles: []fakekore.BotRoleGrant{}}
	for i := range 24 {
		manyAdminRoles.AdminRoles = append(manyAdminRoles.AdminRoles, fakekore.AdminRoleGrant{
			RoleID: fmt.Sprintf("a-%02d", i), RoleName: fmt.Sprintf("Admin role %02d", i), Groups: []string{}})
	}
	access.Users = append(access.Users, manyAdminRoles)
	activity := fakekore.GenerateActivity(access, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	s := newTestServer(t, groups, func(o *fakekore.Options) { o.Access = access; o.Activity = activity })
	h := newProtocolHarness(t, s.URL, nil)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	cases := []struct {
		name     string
		typeName string
		args     map[string]tftypes.Value
	}{
		{"every group", "kore_groups", nil},
		{"without users, small pages", "kore_groups", map[string]tftypes.Value{
			"include_users": tftypes.NewValue(tftypes.Bool, false),
			"page_size":     tftypes.NewValue(tftypes.Number, 9),
		}},
		{"filtered by names and regex with a timeouts block", "kore_groups", map[string]tftypes.Value{
			"names":          tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("Audit"), str("RiskManagement"), str("Nobody")}),
			"ignore_missing": tftypes.NewValue(tftypes.Bool, true),
			"name_regex":     str("^R"),
			"timeouts": tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"read": tftypes.String}},
				map[string]tftypes.Value{"read": str("2m")}),
		}},
		{"one group by name", "kore_group", map[string]tftypes.Value{"name": str("Audit")}},
		{"one group by id, without users", "kore_group", map[string]tftypes.Value{
			"id":            str(groups[40].ID),
			"include_users": tftypes.NewValue(tftypes.Bool, false),
		}},
		{"a missing name", "kore_groups", map[string]tftypes.Value{
			"names": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("Nobody")}),
		}},
		{"every user, small pages", "kore_users", map[string]tftypes.Value{
			"page_size": tftypes.NewValue(tftypes.Number, 9),
		}},
		{"every user with their activity", "kore_users", map[string]tftypes.Value{
			"include_activity": tftypes.NewValue(tftypes.Bool, true),
		}},
		{"the user with many admin roles", "kore_users", map[string]tftypes.Value{
			"emails": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
				[]tftypes.Value{str(manyAdminRoles.Username)}),
		}},
		{"users by email with a timeouts block", "kore_users", map[string]tftypes.Value{
			"emails": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
				[]tftypes.Value{str("sample1@example.com"), str("account.owner@example.com"), str("nobody@example.com")}),
			"ignore_missing": tftypes.NewValue(tftypes.Bool, true),
			"timeouts": tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"read": tftypes.String}},
				map[string]tftypes.Value{"read": str("2m")}),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			req := h.readRequest(t, tc.typeName, tc.args)
			direct, err := h.server.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			framework, err := h.server.ProviderServer.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := describeDiagnostics(direct.Diagnostics), describeDiagnostics(framework.Diagnostics); got != want {
				t.Fatalf("diagnostics differ:\ndirect:\n%s\nframework:\n%s", got, want)
			}
			if hasErrors(direct.Diagnostics) {
				return // Terraform ignores the state of a failed read
			}
			typ := h.dataSourceType(tc.typeName)
			got, err := direct.State.Unmarshal(typ)
			if err != nil {
				t.Fatalf("the direct state does not decode against the schema: %v", err)
			}
			want, err := framework.State.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				diffs, _ := got.Diff(want)
				t.Fatalf("states differ in %d places, first: %v", len(diffs), diffs[0])
			}
		})
	}
}

// configureWith configures a fresh provider server with the given provider block, as Terraform would.
func configureWith(t *testing.T, args map[string]tftypes.Value) *tfprotov6.ConfigureProviderResponse {
	t.Helper()
	ctx := context.Background()
	ps, err := newProtocol6Server("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := ps.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ps.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: objectValue(t, schemas.Provider.ValueType(), args)})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestServer_configureWarnsAboutTransportThatExposesTheToken(t *testing.T) {
	t.Parallel()
	cases := []struct {
		host     string
		insecure bool
		want     string // the warning's summary, "" for none
	}{
		{host: "https://kore.example.com", insecure: true, want: "TLS Verification Is Off"},
		{host: "https://kore.example.com", want: ""},
		{host: "http://kore.example.com:8080", want: "Unencrypted Kore.ai Host"},
		{host: "http://127.0.0.1:8080", want: ""},
		{host: "http://localhost:8080", want: ""},
		{host: "http://[::1]:8080", want: ""},
	}
	for _, tc := range cases {
		resp := configureWith(t, map[string]tftypes.Value{
			"host":     tftypes.NewValue(tftypes.String, tc.host),
			"jwt":      tftypes.NewValue(tftypes.String, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
			"insecure": tftypes.NewValue(tftypes.Bool, tc.insecure),
		})
		if hasErrors(resp.Diagnostics) {
			t.Fatalf("%s: ConfigureProvider: %s", tc.host, describeDiagnostics(resp.Diagnostics))
		}
		var warnings []string
		for _, d := range resp.Diagnostics {
			warnings = append(warnings, d.Summary)
		}
		switch {
		case tc.want == "" && len(warnings) > 0:
			t.Errorf("host %s, insecure %t: unexpected warnings %q", tc.host, tc.insecure, warnings)
		case tc.want != "" && (len(warnings) != 1 || warnings[0] != tc.want):
			t.Errorf("host %s, insecure %t: warnings %q, want %q", tc.host, tc.insecure, warnings, tc.want)
		}
	}
}

func TestServer_configureRefusesACACertificateThatIsNotPEM(t *testing.T) {
	t.Parallel()
	resp := configureWith(t, map[string]tftypes.Value{
		"host":           tftypes.NewValue(tftypes.String, "https://kore.example.com"),
		"jwt":            tftypes.NewValue(tftypes.String, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
		"ca_certificate": tftypes.NewValue(tftypes.String, "not a certificate"),
	})
	if text := describeDiagnostics(resp.Diagnostics); !hasErrors(resp.Diagnostics) || !strings.Contains(text, "Cannot Configure the Kore.ai Client") {
		t.Fatalf("want a configuration error for a CA certificate that is not PEM, got:\n%s", text)
	}
}

func TestServer_userAgentNamesTheProviderAndTerraform(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	userAgents := map[string]bool{}
	s := newTestServer(t, fakekore.SampleGroups(), func(o *fakekore.Options) {
		o.Intercept = func(_ int, _ http.ResponseWriter, r *http.Request) bool {
			mu.Lock()
			defer mu.Unlock()
			userAgents[r.UserAgent()] = true
			return false
		}
	})
	h := newProtocolHarness(t, s.URL, nil)
	resp, err := h.server.ReadDataSource(context.Background(), h.readRequest(t, "kore_groups", nil))
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("read failed: %v %s", err, describeDiagnostics(resp.Diagnostics))
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "terraform-provider-kore/test Terraform/1.11.4"; len(userAgents) != 1 || !userAgents[want] {
		t.Fatalf("User-Agent headers seen: %v, want only %q", userAgents, want)
	}
}

// A failed read on the direct path keeps the attribute its diagnostic is about, as the framework would, so that
// Terraform points at the line of the configuration at fault.
func TestServer_directPathKeepsAttributePathsInDiagnostics(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())
	h := newProtocolHarness(t, s.URL, nil)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	cases := []struct {
		typeName string
		args     map[string]tftypes.Value
		summary  string
		path     *tftypes.AttributePath
	}{
		{"kore_groups", map[string]tftypes.Value{
			"names": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("Nobody")}),
		}, "Kore.ai Groups Not Found", tftypes.NewAttributePath().WithAttributeName("names")},
		{"kore_group", map[string]tftypes.Value{"name": str("Nobody")},
			"Kore.ai Group Not Found", tftypes.NewAttributePath().WithAttributeName("name")},
		{"kore_group", map[string]tftypes.Value{"id": str("e-nobody")},
			"Kore.ai Group Not Found", tftypes.NewAttributePath().WithAttributeName("id")},
		{"kore_users", map[string]tftypes.Value{
			"emails": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("nobody@example.com")}),
		}, "Kore.ai Users Not Found", tftypes.NewAttributePath().WithAttributeName("emails")},
	}
	for _, tc := range cases {
		resp, err := h.server.ReadDataSource(context.Background(), h.readRequest(t, tc.typeName, tc.args))
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != tc.summary {
			t.Fatalf("%s: want one %q diagnostic, got:\n%s", tc.typeName, tc.summary, describeDiagnostics(resp.Diagnostics))
		}
		if got := resp.Diagnostics[0].Attribute; got == nil || !got.Equal(tc.path) {
			t.Errorf("%s: %q is about attribute %v, want %v", tc.typeName, tc.summary, got, tc.path)
		}
	}
}

// Every data source reaches the client through its provider: before Configure there is none, and the read says so
// instead of failing on a nil client.
func TestServer_readBeforeConfigureSaysTheProviderIsNotConfigured(t *testing.T) {
	t.Parallel()
	h := newUnconfiguredHarness(t)
	for _, typeName := range []string{"kore_groups", "kore_group", "kore_users"} {
		args := map[string]tftypes.Value{}
		if typeName == "kore_group" {
			args["name"] = tftypes.NewValue(tftypes.String, "Audit")
		}
		req := h.readRequest(t, typeName, args)
		for name, read := range map[string]func(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error){
			"direct": h.server.ReadDataSource, "framework": h.server.ProviderServer.ReadDataSource,
		} {
			resp, err := read(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Provider Not Configured" {
				t.Errorf("%s, %s path: got\n%s", typeName, name, describeDiagnostics(resp.Diagnostics))
			}
		}
	}
}

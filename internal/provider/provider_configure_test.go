package provider

import (
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func envOf(vars map[string]string) lookupEnvFunc {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func nullModel() providerModel {
	return providerModel{
		Host: types.StringNull(), ClientID: types.StringNull(), ClientSecret: types.StringNull(), JWT: types.StringNull(),
		MaxRetries: types.NumberNull(), RequestsPerMinute: types.NumberNull(), RequestTimeout: types.StringNull(),
		Insecure: types.BoolNull(), CACertificate: types.StringNull(), MaxConcurrency: types.NumberNull(),
	}
}

func TestResolveClientConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		model     func(*providerModel)
		env       map[string]string
		wantError string // a phrase of the error's summary or detail; "" for success
		check     func(t *testing.T, host, id, secret, token string, retries, rpm, concurrency int, timeout time.Duration, insecure bool)
	}{
		{
			name: "everything comes from the environment",
			env: map[string]string{envHost: "de-platform.kore.ai", envClientID: "id-env", envClientSecret: "secret-env",
				envMaxRetries: "2", envRequestsPerMinute: "30", envMaxConcurrency: "8", envRequestTimeout: "5s", envInsecure: "true"},
			check: func(t *testing.T, host, id, secret, token string, retries, rpm, concurrency int, timeout time.Duration, insecure bool) {
				if host != "de-platform.kore.ai" || id != "id-env" || secret != "secret-env" || token != "" {
					t.Errorf("credentials = %q %q %q %q", host, id, secret, token)
				}
				if retries != 2 || rpm != 30 || concurrency != 8 || timeout != 5*time.Second || !insecure {
					t.Errorf("settings = %d %d %d %s %t", retries, rpm, concurrency, timeout, insecure)
				}
			},
		},
		{
			name: "the provider block wins over the environment, attribute by attribute",
			model: func(m *providerModel) {
				m.Host = types.StringValue("platform.kore.ai")
				m.ClientID = types.StringValue("id-hcl")
				m.MaxRetries = types.NumberValue(big.NewFloat(0))
			},
			env: map[string]string{envHost: "jp-platform.kore.ai", envClientID: "id-env", envClientSecret: "secret-env",
				envMaxRetries: "9"},
			check: func(t *testing.T, host, id, secret, _ string, retries, rpm, concurrency int, timeout time.Duration, _ bool) {
				if host != "platform.kore.ai" || id != "id-hcl" || secret != "secret-env" {
					t.Errorf("got host %q, id %q, secret from env %t", host, id, secret == "secret-env")
				}
				if retries != 0 {
					t.Errorf("max_retries = 0 in HCL must disable retries, got %d", retries)
				}
				if rpm != kore.DefaultRequestsPerMinute || concurrency != kore.DefaultMaxConcurrency || timeout != kore.DefaultRequestTimeout {
					t.Errorf("defaults = %d %d %s", rpm, concurrency, timeout)
				}
			},
		},
		{
			name: "a ready-made token alone is enough",
			env:  map[string]string{envHost: "platform.kore.ai", envJWT: "eyJhbGciOiJIUzI1NiJ9.e30.sig"},
			check: func(t *testing.T, _, id, secret, token string, _, _, _ int, _ time.Duration, _ bool) {
				if token != "eyJhbGciOiJIUzI1NiJ9.e30.sig" || id != "" || secret != "" {
					t.Errorf("token %q, id %q", token, id)
				}
			},
		},
		{
			name:      "no host anywhere",
			env:       map[string]string{envClientID: "id", envClientSecret: "secret"},
			wantError: "Missing Kore.ai Host",
		},
		{
			name:      "a host with a scheme other than http or https",
			env:       map[string]string{envHost: "ftp://platform.kore.ai", envClientID: "id", envClientSecret: "secret"},
			wantError: "Invalid Kore.ai Host",
		},
		{
			name:      "no credentials anywhere",
			env:       map[string]string{envHost: "platform.kore.ai"},
			wantError: "Admin Console",
		},
		{
			name:      "a client id without its secret",
			env:       map[string]string{envHost: "platform.kore.ai", envClientID: "id"},
			wantError: "Missing Kore.ai Client Secret",
		},
		{
			name:      "a secret without its client id",
			env:       map[string]string{envHost: "platform.kore.ai", envClientSecret: "secret"},
			wantError: "Missing Kore.ai Client ID",
		},
		{
			name: "a token in the environment contradicts app credentials in HCL, naming both sources",
			model: func(m *providerModel) {
				m.ClientID = types.StringValue("id")
				m.ClientSecret = types.StringValue("secret")
			},
			env:       map[string]string{envHost: "platform.kore.ai", envJWT: "eyJhbGciOiJIUzI1NiJ9.e30.sig"},
			wantError: "(KORE_JWT) and so were app credentials (the provider block's client_id)",
		},
		{
			name:      "a concurrency outside 1..16 in the environment",
			env:       map[string]string{envHost: "platform.kore.ai", envJWT: "t", envMaxConcurrency: "17"},
			wantError: "KORE_MAX_CONCURRENCY=\"17\" must be a whole number between 1 and 16",
		},
		{
			name: "the lowest concurrency and retries in the environment are allowed",
			env:  map[string]string{envHost: "platform.kore.ai", envJWT: "t", envMaxConcurrency: "1", envMaxRetries: "0"},
			check: func(t *testing.T, _, _, _, _ string, retries, _, concurrency int, _ time.Duration, _ bool) {
				if concurrency != 1 || retries != 0 {
					t.Errorf("max_concurrency, max_retries = %d, %d; want 1, 0", concurrency, retries)
				}
			},
		},
		{
			name: "the highest concurrency in the environment is allowed",
			env:  map[string]string{envHost: "platform.kore.ai", envJWT: "t", envMaxConcurrency: "16"},
			check: func(t *testing.T, _, _, _, _ string, _, _, concurrency int, _ time.Duration, _ bool) {
				if concurrency != 16 {
					t.Errorf("max_concurrency = %d, want 16", concurrency)
				}
			},
		},
		{
			name:      "a request timeout of zero",
			env:       map[string]string{envHost: "platform.kore.ai", envJWT: "t", envRequestTimeout: "0s"},
			wantError: "\"0s\" (from KORE_REQUEST_TIMEOUT) is not a positive Go duration",
		},
		{
			name:      "a request timeout that is not a duration",
			env:       map[string]string{envHost: "platform.kore.ai", envJWT: "t", envRequestTimeout: "30"},
			wantError: "not a positive Go duration",
		},
		{
			name:      "KORE_INSECURE that is not a boolean",
			env:       map[string]string{envHost: "platform.kore.ai", envJWT: "t", envInsecure: "maybe"},
			wantError: "KORE_INSECURE=\"maybe\" is not a boolean",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := nullModel()
			if tc.model != nil {
				tc.model(&m)
			}
			cfg, diags := resolveClientConfig(m, envOf(tc.env))
			if tc.wantError != "" {
				if !diags.HasError() {
					t.Fatalf("want an error containing %q, got none", tc.wantError)
				}
				var all []string
				for _, d := range diags {
					all = append(all, d.Summary()+": "+d.Detail())
				}
				if text := strings.Join(all, "\n"); !strings.Contains(text, tc.wantError) {
					t.Fatalf("want an error containing %q, got:\n%s", tc.wantError, text)
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("unexpected errors: %v", diags)
			}
			tc.check(t, cfg.Host, cfg.ClientID, cfg.ClientSecret, cfg.JWT, cfg.MaxRetries, cfg.RequestsPerMinute,
				cfg.MaxConcurrency, cfg.RequestTimeout, cfg.Insecure)
		})
	}
}

func TestAccProvider_readsCredentialsFromTheEnvironment(t *testing.T) {
	clearKoreEnv(t)
	groups := testAccountGroups()
	s := newTestServer(t, groups)
	t.Setenv(envHost, s.URL+"/")
	t.Setenv(envClientID, testClientID)
	t.Setenv(envClientSecret, testClientSecret)
	t.Setenv(envMaxConcurrency, "2")

	acceptanceTest(t, resource.TestCase{
		// The provider as released, reading the process environment.
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){"kore": NewProtocol6Server("test")},
		Steps: []resource.TestStep{{
			Config: `
provider "kore" {}

data "kore_groups" "all" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("total"), knownvalue.Int64Exact(123)),
				expectGroupsState("data.kore_groups.all", groups, true),
			},
		}},
	})
	if n := s.MaxInFlight(); n > 2 {
		t.Errorf("KORE_MAX_CONCURRENCY=2 but %d requests were in flight at once", n)
	}
}

func TestAccProvider_acceptsAReadyMadeTokenFromTheEnvironment(t *testing.T) {
	t.Parallel()
	const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBJZCI6InJlYWR5In0.c2lnbmF0dXJl"
	s := newTestServer(t, fakekore.SampleGroups(), func(o *fakekore.Options) {
		o.ClientSecret = ""
		o.AcceptJWT = token
	})

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{envHost: s.URL, envJWT: token}),
		Steps: []resource.TestStep{{
			Config: `data "kore_groups" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectGroupsState("data.kore_groups.all", fakekore.SampleGroups(), true),
			},
		}},
	})
	for _, got := range s.ReceivedTokens() {
		if got != token {
			t.Fatalf("the ready-made token must be sent as is; the server received another one")
		}
	}
}

func TestAccProvider_configurationErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.SampleGroups())
	cases := map[string]struct {
		provider string
		want     *regexp.Regexp
	}{
		"no host": {
			provider: `provider "kore" {
  client_id     = "id"
  client_secret = "secret"
}`,
			want: phrase("Missing Kore.ai Host"),
		},
		"no credentials": {
			provider: `provider "kore" {
  host = "` + s.URL + `"
}`,
			want: regexp.MustCompile(`Missing Kore.ai Credentials[\s\S]*Admin\s+Console`),
		},
		"a token and app credentials in the same block": {
			provider: `provider "kore" {
  host          = "` + s.URL + `"
  jwt           = "eyJhbGciOiJIUzI1NiJ9.e30.sig"
  client_id     = "id"
  client_secret = "secret"
}`,
			want: phrase("Invalid Attribute Combination"),
		},
		"a host that is not a URL": {
			provider: `provider "kore" {
  host          = "https://user:pw@platform.kore.ai"
  client_id     = "id"
  client_secret = "secret"
}`,
			want: phrase("Invalid Kore.ai Host"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.provider + "\ndata \"kore_groups\" \"all\" {}\n",
					ExpectError: tc.want,
				}},
			})
		})
	}
	if n := s.Requests(); n != 0 {
		t.Errorf("a provider that cannot be configured must send nothing; the server answered %d requests", n)
	}
}

func TestAccGroupsDataSource_apiFailuresEndInClearErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		fault fakekore.Interceptor
		want  *regexp.Regexp
	}{
		"a token that is not a JWT": {
			fault: fakekore.Unauthorized("Invalid JWT token"),
			want:  regexp.MustCompile(`Kore.ai Refused the Token[\s\S]*HTTP 401[\s\S]*Invalid\s+JWT\s+token[\s\S]*not\s+a\s+JWT[\s\S]*HS256`),
		},
		"credentials of no app of the host's account": {
			fault: fakekore.Unauthorized(fakekore.MsgInvalidCredentials),
			want: regexp.MustCompile(`Kore.ai Refused the Credentials[\s\S]*Invalid\s+SDK\s+credentials[\s\S]*client_id\s+and\s+client_secret` +
				`[\s\S]*region[\s\S]*eu-bots\.kore\.ai`),
		},
		"a wrong scope": {
			fault: fakekore.MissingScope(fakekore.GroupsPath),
			want: regexp.MustCompile(`Kore.ai App Lacks an API Scope[\s\S]*Scope\s+is\s+incorrect[\s\S]*credentials\s+are\s+right` +
				`[\s\S]*kore_groups\s+and\s+kore_group\s+needs:\s+Profile\s+Management\s+>\s+Role\s+Management`),
		},
		"a body that is not JSON": {
			fault: fakekore.InvalidJSON(),
			want:  regexp.MustCompile(`Kore.ai Sent an Unreadable Answer[\s\S]*HTTP 200[\s\S]*a\s+body\s+of\s+\d+\s+bytes`),
		},
		"an account whose hour is spent": {
			fault: fakekore.RateLimitedText(-1, http.StatusBadRequest, fakekore.MsgHourlyRateLimited),
			want: regexp.MustCompile(`Kore.ai Hourly Rate Limit Reached[\s\S]*hourly\s+rate\s+limit[\s\S]*1,800\s+requests\s+an\s+hour` +
				`[\s\S]*every\s+tool\s+that\s+uses\s+the\s+account`),
		},
		"pages that never end": {
			fault: fakekore.StuckPagination(),
			want:  phrase("Kore.ai Returned Inconsistent Pages"),
		},
		"a page larger than asked for": {
			fault: fakekore.OversizedPage(),
			want:  phrase("Kore.ai Returned Inconsistent Pages"),
		},
		"a server error with the API's own message": {
			fault: fakekore.ServerErrors(1000, 404),
			want:  regexp.MustCompile(`Kore.ai API Error[\s\S]*HTTP 404`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) { o.Intercept = tc.fault })
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(s) + `data "kore_groups" "all" {}`,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// A provider block whose settings are not known at plan time is refused before any request, one error per unknown
// setting, each on its attribute, in the same order on every run.
func TestConfigure_refusesUnknownSettingsInAStableOrder(t *testing.T) {
	t.Parallel()
	order := []string{"host", "client_id", "client_secret", "jwt", "max_retries", "requests_per_minute",
		"request_timeout", "insecure", "ca_certificate", "max_concurrency", "allow_inexact_reads"}
	typeOf := map[string]tftypes.Type{"max_retries": tftypes.Number, "requests_per_minute": tftypes.Number,
		"max_concurrency": tftypes.Number, "insecure": tftypes.Bool, "allow_inexact_reads": tftypes.Bool}
	args := map[string]tftypes.Value{}
	for _, name := range order {
		typ, ok := typeOf[name]
		if !ok {
			typ = tftypes.String
		}
		args[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	resp := configureWith(t, args)
	if len(resp.Diagnostics) != len(order) {
		t.Fatalf("want %d errors, one per unknown setting, got:\n%s", len(order), describeDiagnostics(resp.Diagnostics))
	}
	for i, d := range resp.Diagnostics {
		want := tftypes.NewAttributePath().WithAttributeName(order[i])
		if d.Severity != tfprotov6.DiagnosticSeverityError || d.Summary != "Unknown Kore.ai Provider Setting" ||
			d.Attribute == nil || !d.Attribute.Equal(want) || !strings.Contains(d.Detail, `"`+order[i]+`"`) {
			t.Errorf("error %d: %s %q on %v (%s), want the unknown-setting error on %s", i, d.Severity, d.Summary,
				d.Attribute, d.Detail, order[i])
		}
	}

	// One unknown setting among known ones is refused alone.
	resp = configureWith(t, map[string]tftypes.Value{
		"host": tftypes.NewValue(tftypes.String, "https://kore.example.com"),
		"jwt":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Unknown Kore.ai Provider Setting" ||
		!resp.Diagnostics[0].Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("jwt")) {
		t.Errorf("an unknown jwt: got\n%s", describeDiagnostics(resp.Diagnostics))
	}
}

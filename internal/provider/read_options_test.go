package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

func TestResolveClientConfig_allowInexactReads(t *testing.T) {
	t.Parallel()
	credentials := map[string]string{envHost: "platform.kore.ai", envJWT: "t"}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range credentials {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	cases := []struct {
		name      string
		attribute types.Bool
		env       map[string]string
		want      bool
		wantError string
	}{
		{name: "off by default", attribute: types.BoolNull(), env: with(nil), want: false},
		{name: "the attribute turns it on", attribute: types.BoolValue(true), env: with(nil), want: true},
		{name: "the environment turns it on", attribute: types.BoolNull(),
			env: with(map[string]string{envAllowInexactReads: " true "}), want: true},
		{name: "the attribute wins over the environment", attribute: types.BoolValue(false),
			env: with(map[string]string{envAllowInexactReads: "true"}), want: false},
		{name: "a value that is not a boolean is refused", attribute: types.BoolNull(),
			env:       with(map[string]string{envAllowInexactReads: "sometimes"}),
			wantError: `KORE_ALLOW_INEXACT_READS="sometimes" is not a boolean`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := nullModel()
			m.AllowInexactReads = tc.attribute
			cfg, diags := resolveClientConfig(m, envOf(tc.env))
			if tc.wantError != "" {
				if !diags.HasError() || !regexp.MustCompile(regexp.QuoteMeta(tc.wantError)).MatchString(diags[0].Detail()) {
					t.Errorf("diagnostics = %v, want %q", diags, tc.wantError)
				}
				return
			}
			if diags.HasError() || cfg.AllowInexactReads != tc.want {
				t.Errorf("AllowInexactReads = %t (%v), want %t", cfg.AllowInexactReads, diags, tc.want)
			}
		})
	}
}

// A page that holds fewer groups than its total fails the plan, and passes with a warning once
// allow_inexact_reads is set.
func TestAccGroupsDataSource_aPartialReadFailsUnlessInexactReadsAreAllowed(t *testing.T) {
	t.Parallel()
	partial := func(_ int, w http.ResponseWriter, _ *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"total":3,"availableMore":false,"groups":[{"_id":"g-1","gN":"One","userCount":0,` +
			`"users":[]},{"_id":"g-2","gN":"Two","userCount":0,"users":[]}]}`))
		return true
	}
	s := newTestServer(t, nil, func(o *fakekore.Options) { o.Intercept = partial })
	block := `data "kore_groups" "all" {}`
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(s) + block,
				ExpectError: phrase("its total is 3 groups, but the pages held 2; a second read from the start did not add up either"),
			},
			{
				Config: providerConfigWith(s, "allow_inexact_reads = true") + block,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"),
						knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
}

// A read that runs out of time says which page it was waiting for and after how many attempts.
func TestAccGroupDataSource_aTimedOutReadNamesThePage(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.GenerateGroups(120, 1), func(o *fakekore.Options) {
		o.Intercept = func(_ int, _ http.ResponseWriter, r *http.Request) bool {
			if r.URL.Query().Get("offset") != "2" {
				return false
			}
			<-r.Context().Done()
			return true
		}
	})
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_group" "x" {
  name = "nobody"
  timeouts {
    read = "300ms"
  }
}`,
			ExpectError: phrase("reading groups page 2 from the Kore.ai API ran out of time after 1 attempt"),
		}},
	})
}

// providerConfigWith is providerConfig with more provider settings.
func providerConfigWith(s *fakekore.Server, settings string) string {
	return fmt.Sprintf(`
provider "kore" {
  host          = %q
  client_id     = %q
  client_secret = %q
  max_retries   = 0
  %s
}
`, s.URL, testClientID, testClientSecret, settings)
}

// With allow_inexact_reads, what did not add up reaches the user as a warning on the read that succeeds.
func TestRead_allowInexactReadsWarns(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil, func(o *fakekore.Options) {
		o.Intercept = func(_ int, w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"total":2,"availableMore":false,"groups":[{"_id":"g-1","gN":"One","userCount":1,` +
				`"users":[null]}]}`))
			return true
		}
	})
	h := newProtocolHarness(t, s.URL, map[string]tftypes.Value{
		"allow_inexact_reads": tftypes.NewValue(tftypes.Bool, true),
	})
	resp := readOnce(t, h, "kore_groups", nil)
	if hasErrors(resp.Diagnostics) || resp.State == nil {
		t.Fatalf("the read must succeed, got:\n%s", describeDiagnostics(resp.Diagnostics))
	}
	want := []string{`group "g-1": element 0 of 1 of its "users" is null`, "its total is 2 groups, but the pages held 1"}
	for _, part := range want {
		found := false
		for _, d := range resp.Diagnostics {
			found = found || (d.Severity == tfprotov6.DiagnosticSeverityWarning &&
				d.Summary == "Kore.ai Groups May Be Inexact" && strings.Contains(d.Detail, part) &&
				strings.Contains(d.Detail, "inexact reads are allowed"))
		}
		if !found {
			t.Errorf("no warning says %q:\n%s", part, describeDiagnostics(resp.Diagnostics))
		}
	}
}

// include_users = false reads only what the block needs: kore_group no member at all, kore_groups members' emails
// (for group_names_by_email). A read that keeps less cannot answer a block that needs more, so each step below
// that needs more reads again, and a block that needs less is answered from what was read.
func TestRead_includeUsersFalseKeepsOnlyWhatTheBlockNeeds(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.SampleGroups()) // one page
	h := newProtocolHarness(t, s.URL, nil)
	without := tftypes.NewValue(tftypes.Bool, false)
	steps := []struct {
		typeName  string
		args      map[string]tftypes.Value
		wantReads int
	}{
		{"kore_group", map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "Audit"), "include_users": without}, 1},
		{"kore_groups", map[string]tftypes.Value{"include_users": without}, 2},
		{"kore_group", map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "Audit"), "include_users": without}, 2},
		{"kore_group", map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "Audit")}, 3},
		{"kore_groups", map[string]tftypes.Value{"include_users": without}, 3},
	}
	for i, step := range steps {
		resp := readOnce(t, h, step.typeName, step.args)
		if hasErrors(resp.Diagnostics) {
			t.Fatalf("step %d: %s", i, describeDiagnostics(resp.Diagnostics))
		}
		if got := s.Requests(); got != step.wantReads {
			t.Errorf("step %d (%s): %d requests, want %d reads of one page", i, step.typeName, got, step.wantReads)
		}
	}
}

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// botAppSecrets is every app client secret of access; the test fails if there are none to look for.
func botAppSecrets(t *testing.T, access fakekore.Access) []string {
	t.Helper()
	var secrets []string
	for _, b := range access.Bots {
		for _, a := range b.JWTApps {
			if !strings.HasPrefix(a.ClientSecret, fakekore.BotSecretPrefix) {
				t.Fatalf("app %s's secret %q lacks the prefix the tests search for", a.ClientID, a.ClientSecret)
			}
			secrets = append(secrets, a.ClientSecret)
		}
	}
	if len(secrets) < 3 {
		t.Fatalf("the fixture has %d app secrets; the test needs several", len(secrets))
	}
	return secrets
}

// botAppClientIDs is every app client ID of access: what must be there, next to the secrets that must not.
func botAppClientIDs(access fakekore.Access) []string {
	var ids []string
	for _, b := range access.Bots {
		for _, a := range b.JWTApps {
			ids = append(ids, a.ClientID)
		}
	}
	return ids
}

// assertNoBotSecret fails when text holds a bot app secret, or anything starting like one.
func assertNoBotSecret(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, secret := range append(secrets, fakekore.BotSecretPrefix) {
		if i := strings.Index(text, secret); i >= 0 {
			t.Errorf("%s holds a bot app secret: …%s…", what, text[max(i-200, 0):min(i+40, len(text))])
			return
		}
	}
}

// stateHoldsNoBotSecret checks the whole state, outputs included, and that the apps' client IDs are in it: a state
// without the apps would hold no secret either, and prove nothing.
type stateHoldsNoBotSecret struct {
	t        *testing.T
	secrets  []string
	clientID string
}

func (c stateHoldsNoBotSecret) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	state, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if !bytes.Contains(state, []byte(c.clientID)) {
		resp.Error = fmt.Errorf("the state does not hold app %s", c.clientID)
		return
	}
	for _, secret := range append(c.secrets, fakekore.BotSecretPrefix) {
		if bytes.Contains(state, []byte(secret)) {
			resp.Error = fmt.Errorf("the state holds a bot app secret")
			return
		}
	}
}

// A read of kore_bots at TF_LOG=TRACE, whose apps are shown in an output, leaves no app secret in state or in
// Terraform's log or the provider's; nor does a read that fails on a page whose app carries a secret.
func TestAccBotsDataSource_traceLogAndStateHoldNoAppSecret(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))

	access := rolesBotsAccess()
	secrets := botAppSecrets(t, access)
	s := newRolesBotsServer(t, access)
	const hostileSecret = fakekore.BotSecretPrefix + "on-a-page-that-does-not-decode"
	hostile := newRolesBotsServer(t, access, func(o *fakekore.Options) {
		o.Intercept = func(_ int, w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"total":1,"availableMore":false,"bots":[{"_id":"st-1","name":"B","jwtApps":[`+
				`{"clientId":"cs-1","clientSecret":%q,"jtiClaimEnforced":"%s"}]}]}`, hostileSecret, hostileSecret)
			return true
		}
	})

	config := func(s *fakekore.Server) string {
		return providerConfig(s) + `
data "kore_bots" "all" {}

output "bots" {
  value = data.kore_bots.all.bots
}
`
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(s),
				ConfigStateChecks: []statecheck.StateCheck{stateHoldsNoBotSecret{t: t, secrets: secrets, clientID: access.Bots[0].JWTApps[0].ClientID}},
			},
			{
				Config:      config(hostile),
				ExpectError: regexp.MustCompile(`Kore.ai Sent an Unreadable Answer[\s\S]*jtiClaimEnforced`),
			},
		},
	})

	entries, err := os.ReadDir(logDir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("no log was written to %s: %v", logDir, err)
	}
	var log strings.Builder
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(logDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		log.Write(b)
	}
	text := log.String()
	// The log must really hold the reads of the bots and what they found, or the absence of secrets proves nothing.
	for _, want := range []string{"/api/public/bots", "ReadDataSource", access.Bots[0].JWTApps[0].ClientID, "jtiClaimEnforced"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the TRACE log (%d bytes) does not hold %q", len(text), want)
		}
	}
	assertNoBotSecret(t, "the TRACE log", text, append(secrets, hostileSecret))
}

// The kore_roles and kore_bots examples, applied by the CLI at TF_LOG=TRACE: they show what they promise, and no
// app secret reaches the CLI's output, its log or the state file.
func TestAccExamples_rolesAndBots(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	secrets := botAppSecrets(t, access)
	s := newRolesBotsServer(t, access)
	env := map[string]string{envHost: s.URL, envClientID: testClientID, envClientSecret: testClientSecret}

	outputs := applyExample(t, filepath.Join("data-sources", "kore_roles"), env)
	var adminNames []string
	outputValue(t, outputs, "admin_role_names", &adminNames)
	if want := []string{"Audit Viewer", "Billing Admin", "Bot Admin", "Master Admin", "Security Admin", "User Admin"}; !equalStrings(adminNames, want) {
		t.Errorf("admin_role_names = %q, want %q", adminNames, want)
	}
	var adminIDs map[string]string
	outputValue(t, outputs, "admin_role_ids", &adminIDs)
	if want := *exportedRoleID(t, access, fakekore.RoleMasterAdmin); len(adminIDs) != 6 || adminIDs["Master Admin"] != want {
		t.Errorf("admin_role_ids = %q, want six, Master Admin's %q", adminIDs, want)
	}
	var userManagers []string
	outputValue(t, outputs, "admin_roles_granting_user_management", &userManagers)
	if want := []string{"Master Admin", "User Admin"}; !equalStrings(userManagers, want) {
		t.Errorf("admin_roles_granting_user_management = %q, want %q", userManagers, want)
	}
	var botRoles map[string]struct {
		Name        string              `json:"name"`
		Permissions map[string][]string `json:"permissions"`
	}
	outputValue(t, outputs, "bot_roles_by_id", &botRoles)
	tester := botRoles[*roleID(t, access, fakekore.RoleBotTester)]
	if got := tester.Permissions["Test & Train"]; tester.Name != "Bot Tester" || !equalStrings(got, []string{"VIEW", "TEST"}) {
		t.Errorf(`bot_roles_by_id of Bot Tester = %+v, want its "Test & Train" to be ["VIEW" "TEST"]`, tester)
	}
	if len(botRoles) != 7 { // the eight bot roles but the one without an ID
		t.Errorf("bot_roles_by_id has %d roles, want 7", len(botRoles))
	}

	logPath := filepath.Join(t.TempDir(), "terraform.log")
	var cliOutput bytes.Buffer
	var workDir string
	outputs = applyExampleWith(t, filepath.Join("data-sources", "kore_bots"), env, func(tf *tfexec.Terraform) {
		tf.SetStdout(&cliOutput)
		tf.SetStderr(&cliOutput)
		if err := tf.SetLog("TRACE"); err != nil {
			t.Fatal(err)
		}
		if err := tf.SetLogPath(logPath); err != nil {
			t.Fatal(err)
		}
		workDir = tf.WorkingDir()
	})
	var appIDs map[string][]string
	outputValue(t, outputs, "jwt_app_client_ids", &appIDs)
	if got := appIDs["Customer Support Assistant"]; len(got) != 2 {
		t.Errorf("jwt_app_client_ids of the first bot = %q, want its two apps", got)
	}
	var withoutJTI []string
	outputValue(t, outputs, "apps_without_jti", &withoutJTI)
	var wantWithoutJTI []string
	for _, b := range access.Bots {
		for _, a := range b.JWTApps {
			if !a.JTIClaimEnforced {
				wantWithoutJTI = append(wantWithoutJTI, a.ClientID)
			}
		}
	}
	if len(wantWithoutJTI) == 0 || len(withoutJTI) != len(wantWithoutJTI) {
		t.Errorf("apps_without_jti = %q, want the %d apps that do not enforce jti", withoutJTI, len(wantWithoutJTI))
	}
	var desks []string
	outputValue(t, outputs, "desk_bots", &desks)
	if want := []string{"IT Service Desk", "Travel Desk"}; !equalStrings(desks, want) {
		t.Errorf("desk_bots = %q, want %q", desks, want)
	}

	state, err := os.ReadFile(filepath.Join(workDir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// Each must show the read, or the absence of the secrets proves nothing: the output and the state hold the apps'
	// client IDs; Terraform's own log holds no state values, but must hold the read.
	if !strings.Contains(string(log), "ReadDataSource") || !strings.Contains(string(log), "data.kore_bots.all") {
		t.Errorf("the TRACE log (%d bytes) does not show the read of data.kore_bots.all", len(log))
	}
	for what, text := range map[string]string{"the CLI's output": cliOutput.String(), "the state file": string(state)} {
		for _, id := range botAppClientIDs(access) {
			if !strings.Contains(text, id) {
				t.Errorf("%s (%d bytes) does not hold app %s", what, len(text), id)
				break
			}
		}
	}
	for what, text := range map[string]string{"the CLI's output": cliOutput.String(), "the state file": string(state),
		"the TRACE log": string(log)} {
		assertNoBotSecret(t, what, text, secrets)
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

// The provider's own encoding of kore_bots state holds every app's client ID and no secret, on the direct path
// and the framework's alike; and a page that does not decode is reported without the secret it carries.
func TestBotsDataSource_encodedStateHoldsNoAppSecret(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	secrets := botAppSecrets(t, access)
	s := newRolesBotsServer(t, access)
	h := newProtocolHarness(t, s.URL, nil)
	ctx := context.Background()
	req := h.readRequest(t, "kore_bots", nil)

	direct, err := h.server.ReadDataSource(ctx, req)
	if err != nil || hasErrors(direct.Diagnostics) {
		t.Fatalf("ReadDataSource: %v %s", err, describeDiagnostics(direct.Diagnostics))
	}
	framework, err := h.server.ProviderServer.ReadDataSource(ctx, req)
	if err != nil || hasErrors(framework.Diagnostics) {
		t.Fatalf("the framework's ReadDataSource: %v %s", err, describeDiagnostics(framework.Diagnostics))
	}
	for what, state := range map[string][]byte{"the direct state": direct.State.MsgPack, "the framework's state": framework.State.MsgPack} {
		for _, id := range botAppClientIDs(access) {
			if !bytes.Contains(state, []byte(id)) {
				t.Fatalf("%s does not hold app %s", what, id)
			}
		}
		assertNoBotSecret(t, what, string(state), secrets)
	}

	const secret = fakekore.BotSecretPrefix + "in-an-answer-that-does-not-decode"
	for name, body := range map[string]string{
		"a wrong type after the secret": `{"total":1,"availableMore":false,"bots":[{"_id":"st-1","name":"B","jwtApps":[` +
			`{"clientId":"cs-1","clientSecret":"` + secret + `","createdOn":["` + secret + `"]}]}]}`,
		"JSON cut off after the secret": `{"total":1,"availableMore":false,"bots":[{"_id":"st-1","name":"B","jwtApps":[` +
			`{"clientId":"cs-1","clientSecret":"` + secret + `"`,
		"a null app beside one with a secret": `{"total":2,"availableMore":false,"bots":[{"_id":"st-1","name":"B",` +
			`"jwtApps":[{"clientId":"cs-1","clientSecret":"` + secret + `"},null]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bad := newRolesBotsServer(t, access, func(o *fakekore.Options) {
				o.Intercept = func(_ int, w http.ResponseWriter, _ *http.Request) bool {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(body))
					return true
				}
			})
			h := newProtocolHarness(t, bad.URL, map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 0)})
			resp, err := h.server.ReadDataSource(ctx, h.readRequest(t, "kore_bots", nil))
			if err != nil {
				t.Fatal(err)
			}
			if !hasErrors(resp.Diagnostics) {
				t.Fatalf("the read succeeded: %s", describeDiagnostics(resp.Diagnostics))
			}
			assertNoBotSecret(t, "the diagnostics", describeDiagnostics(resp.Diagnostics), []string{secret})
		})
	}
}

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// ephemeralVersionChecks skip a test of kore_token on a CLI without ephemeral resources: Terraform before 1.10,
// OpenTofu before 1.11. OpenTofu reports its own version to the checks, so the product is told from the CLI itself.
func ephemeralVersionChecks(t *testing.T) []tfversion.TerraformVersionCheck {
	t.Helper()
	return []tfversion.TerraformVersionCheck{
		tfversion.SkipBelow(tfversion.Version1_10_0),
		openTofuSkipBelow{isOpenTofu: isOpenTofu(t, terraformCLI(t)), minimum: version.Must(version.NewVersion("1.11.0"))},
	}
}

// isOpenTofu tells OpenTofu from Terraform by the line of `version` that names it ("OpenTofu v1.12.6"), which
// warnings about the CLI configuration may precede.
func isOpenTofu(t *testing.T, cli string) bool {
	t.Helper()
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	return openTofuVersionLine.Match(out)
}

var openTofuVersionLine = regexp.MustCompile(`(?m)^OpenTofu v`)

type openTofuSkipBelow struct {
	isOpenTofu bool
	minimum    *version.Version
}

func (c openTofuSkipBelow) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if c.isOpenTofu && req.TerraformVersion.LessThan(c.minimum) {
		resp.Skip = fmt.Sprintf("OpenTofu %s has no ephemeral resources; they need OpenTofu %s or later",
			req.TerraformVersion, c.minimum)
	}
}

// withEcho adds terraform-plugin-testing's echo provider, which copies an ephemeral value into the state of a test
// resource so that a test can look at it.
func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := factoriesWithEnv(nil)
	factories["echo"] = echoprovider.NewProviderServer()
	return factories
}

// tokenClaims verifies a token the way the test server does (HS256 with the test app's secret) and returns its claims.
func tokenClaims(token string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuedAt(), jwt.WithExpirationRequired()).
		ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return []byte(testClientSecret), nil })
	return claims, err
}

// echoedToken checks the token that the echo resource holds: signed for the test app, living lifetime, its expiry
// given as expires_at.
type echoedToken struct {
	address  string
	lifetime time.Duration
}

func (c echoedToken) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := stateAttributes(req.State, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	data, ok := attrs["data"].(map[string]any)
	if !ok {
		resp.Error = fmt.Errorf("%s data is %T, want an object", c.address, attrs["data"])
		return
	}
	token, _ := data["token"].(string)
	claims, err := tokenClaims(token)
	if err != nil {
		resp.Error = fmt.Errorf("the token does not verify with the test app's secret: %w", err)
		return
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	jti, _ := claims["jti"].(string)
	switch {
	case claims["appId"] != testClientID:
		resp.Error = fmt.Errorf("appId = %v, want %q", claims["appId"], testClientID)
	case len(jti) != 32:
		resp.Error = fmt.Errorf("jti = %q, want 32 hex digits", jti)
	case iat == nil || exp == nil || exp.Sub(iat.Time) != c.lifetime:
		resp.Error = fmt.Errorf("the token lives from %v to %v, want %s", iat, exp, c.lifetime)
	case data["expires_at"] != exp.UTC().Format(time.RFC3339):
		resp.Error = fmt.Errorf("expires_at = %v, want the exp claim %s", data["expires_at"], exp.UTC().Format(time.RFC3339))
	case data["lifetime"] != nil && data["lifetime"] != c.lifetime.String() && data["lifetime"] != shortDuration(c.lifetime):
		resp.Error = fmt.Errorf("lifetime = %v, want %s", data["lifetime"], c.lifetime)
	}
}

func TestAccTokenEphemeralResource_signedWithoutARequest(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: withEcho(),
		TerraformVersionChecks:   ephemeralVersionChecks(t),
		Steps: []resource.TestStep{
			{
				Config: providerConfig(s) + `
ephemeral "kore_token" "this" {}

provider "echo" {
  data = ephemeral.kore_token.this
}

resource "echo" "token" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{echoedToken{address: "echo.token", lifetime: 15 * time.Minute}},
				Check:             requestCount(s, 0),
			},
			{
				Config: providerConfig(s) + `
ephemeral "kore_token" "this" {
  lifetime = "1h"
}

provider "echo" {
  data = ephemeral.kore_token.this
}

# A new resource: the echo resource keeps the data it was created with.
resource "echo" "hour" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{echoedToken{address: "echo.hour", lifetime: time.Hour}},
				Check:             requestCount(s, 0),
			},
		},
	})
}

// tokenNotInState fails when the state holds any token the server received, or anything shaped like a JWT.
type tokenNotInState struct{ server *fakekore.Server }

var jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ`)

func (c tokenNotInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	state, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	tokens := c.server.ReceivedTokens()
	if len(tokens) != 1 {
		resp.Error = fmt.Errorf("the server received %d tokens, want the provisioner's one", len(tokens))
		return
	}
	if strings.Contains(string(state), tokens[0]) || jwtShape.Match(state) {
		resp.Error = fmt.Errorf("the state holds the token")
	}
}

// A provisioner calls the API with the token: the server accepts it (curl -f fails the apply on any other status),
// the provider made no request of its own, and the token is in neither the state nor the CLI's output.
func TestAccTokenEphemeralResource_acceptedByTheAPI(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl on PATH for the provisioner")
	}
	s := newTestServer(t, testAccountGroups())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   ephemeralVersionChecks(t),
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + fmt.Sprintf(`
ephemeral "kore_token" "this" {
  lifetime = "5m"
}

resource "terraform_data" "call" {
  provisioner "local-exec" {
    command = "curl -sSf -o /dev/null -H \"auth: $KORE_TOKEN\" '%s/api/public/groups?offset=0&limit=1'"
    environment = {
      KORE_TOKEN = ephemeral.kore_token.this.token
    }
  }
}
`, s.URL),
			ConfigStateChecks: []statecheck.StateCheck{tokenNotInState{server: s}},
			Check: func(st *terraform.State) error {
				if err := requestCount(s, 1)(st); err != nil {
					return fmt.Errorf("%w: only the provisioner's call was expected", err)
				}
				_, err := tokenClaims(s.ReceivedTokens()[0])
				return err
			},
		}},
	})
}

func TestAccTokenEphemeralResource_lifetimeRefusedAtValidation(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())
	step := func(lifetime, want string) resource.TestStep {
		return resource.TestStep{
			Config: providerConfig(s) + fmt.Sprintf(`
ephemeral "kore_token" "this" {
  lifetime = %q
}

provider "echo" {
  data = ephemeral.kore_token.this
}

resource "echo" "token" {}
`, lifetime),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: withEcho(),
		TerraformVersionChecks:   ephemeralVersionChecks(t),
		Steps: []resource.TestStep{
			step("2h", `(?s)Invalid Token Lifetime.*lifetime = "2h" is outside 1s to 1h`),
			step("1h0m1s", `(?s)Invalid Token Lifetime.*"1h0m1s" is outside`),
			step("0s", `(?s)Invalid Token Lifetime.*"0s" is outside`),
			step("a while", `(?s)Invalid Token Lifetime.*"a while" is not a Go duration`),
			{
				Config:   providerConfig(s),
				PlanOnly: true,
				Check:    requestCount(s, 0),
			},
		},
	})
}

func TestAccTokenEphemeralResource_readyMadeJWTCannotSign(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: withEcho(),
		TerraformVersionChecks:   ephemeralVersionChecks(t),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "kore" {
  host        = %q
  jwt         = "eyJhbGciOiJIUzI1NiJ9.eyJhcHBJZCI6ImNzLXJlYWR5In0.c2lnbmF0dXJl"
  max_retries = 0
}

ephemeral "kore_token" "this" {}

provider "echo" {
  data = ephemeral.kore_token.this
}

resource "echo" "token" {}
`, s.URL),
			ExpectError: regexp.MustCompile(`(?s)Cannot Sign a Kore.ai Token.*ready-made jwt.*Configure the provider with client_id and\s+client_secret`),
		}},
	})
}

func TestParseTokenLifetime(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		problem string
	}{
		{in: "1s", want: time.Second},
		{in: "15m", want: 15 * time.Minute},
		{in: "1h", want: time.Hour},
		{in: "59m59.5s", want: 59*time.Minute + 59500*time.Millisecond},
		{in: "999ms", problem: `lifetime = "999ms" is outside 1s to 1h`},
		{in: "1h0m0.000000001s", problem: `lifetime = "1h0m0.000000001s" is outside 1s to 1h`},
		{in: "-5m", problem: `is outside 1s to 1h`},
		{in: "15", problem: `lifetime = "15" is not a Go duration`},
		{in: "", problem: `lifetime = "" is not a Go duration`},
	} {
		got, problem := parseTokenLifetime(tc.in)
		if got != tc.want || (tc.problem == "") != (problem == "") || !strings.Contains(problem, tc.problem) {
			t.Errorf("parseTokenLifetime(%q) = %s, %q; want %s, a problem containing %q", tc.in, got, problem, tc.want,
				tc.problem)
		}
	}
}

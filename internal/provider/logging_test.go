package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// A run at TF_LOG=TRACE, both reading and failing on a refused token, must leave neither the client secret nor any
// token the server received in Terraform's log or the provider's.
func TestAccProvider_traceLogHoldsNoSecret(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))

	s := newTestServer(t, testAccountGroups())
	refused := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) {
		o.Intercept = fakekore.Unauthorized("Invalid JWT token")
	})

	hostOnly := func(s *fakekore.Server) string {
		return "provider \"kore\" {\n  host = \"" + s.URL + "\"\n}\n\ndata \"kore_groups\" \"all\" {}\n"
	}
	acceptanceTest(t, resource.TestCase{
		// The credentials come from the provider's environment: the test harness logs each step's configuration.
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{envClientID: testClientID, envClientSecret: testClientSecret}),
		Steps: []resource.TestStep{
			{
				Config: hostOnly(s),
			},
			{
				Config:      hostOnly(refused),
				ExpectError: phrase("Kore.ai Refused the Token"),
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

	// The log must really hold the provider's requests, or the absence of secrets proves nothing.
	if !strings.Contains(text, "/api/public/groups") || !strings.Contains(text, "ReadDataSource") {
		t.Fatalf("the TRACE log (%d bytes) does not show the provider's requests", len(text))
	}
	if strings.Contains(text, testClientSecret) {
		i := strings.Index(text, testClientSecret)
		t.Errorf("the TRACE log holds the client secret: …%s…", text[max(i-600, 0):i])
	}
	tokens := append(s.ReceivedTokens(), refused.ReceivedTokens()...)
	if len(tokens) == 0 {
		t.Fatal("the servers received no token")
	}
	for _, token := range tokens {
		if strings.Contains(text, token) {
			t.Fatal("the TRACE log holds a signed token")
		}
		if sig := token[strings.LastIndex(token, ".")+1:]; len(sig) > 10 && strings.Contains(text, sig) {
			t.Fatal("the TRACE log holds a token's signature")
		}
	}
	if m := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.`).FindString(text); m != "" {
		t.Fatalf("the TRACE log holds something shaped like a JWT: %.20s…", m)
	}
}

package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// noTimeouts is a data source without a timeouts block: the read gets the default.
var noTimeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})}

func testClient(t *testing.T, s *fakekore.Server) *kore.Client {
	t.Helper()
	client, err := kore.New(kore.Config{Host: s.URL, ClientID: testClientID, ClientSecret: testClientSecret, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// A signal to the provider's process cancels a read in flight, as Ctrl-C during `terraform apply` must. The
// process-wide source is replaced for the test, and the signal injected on its channel.
func TestReadsAreCancelledByAnInterrupt(t *testing.T) {
	saved := interrupts
	interrupts = newInterruptSource()
	t.Cleanup(func() { interrupts = saved })

	arrived := make(chan struct{}, 16)
	s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) {
		o.Intercept = func(_ int, _ http.ResponseWriter, r *http.Request) bool {
			arrived <- struct{}{}
			<-r.Context().Done() // a host that never answers
			return true
		}
	})
	client := testClient(t, s)
	done := make(chan diag.Diagnostics, 1)
	go func() {
		_, diags := readAllGroups(context.Background(), client, 50, kore.MembersAll, noTimeouts)
		done <- diags
	}()
	<-arrived
	interrupts.interrupt(syscall.SIGINT)

	select {
	case diags := <-done:
		if len(diags) != 1 || diags[0].Summary() != "Kore.ai Read Cancelled" ||
			!strings.Contains(diags[0].Detail(), "read cancelled: the provider received an interrupt (interrupt)") {
			t.Fatalf("diagnostics = %v, want one \"Kore.ai Read Cancelled\" naming the interrupt", diags)
		}
	case <-time.After(30 * time.Second): // a bound on a hang, not a measurement
		t.Fatal("the read went on after the interrupt")
	}

	// Later reads of the interrupted process end at once too.
	_, diags := readAllGroups(context.Background(), client, 50, kore.MembersAll, noTimeouts)
	if !diags.HasError() || diags[0].Summary() != "Kore.ai Read Cancelled" {
		t.Errorf("a read after the interrupt: %v, want it cancelled", diags)
	}
}

// Each kind of failure gets its own summary, and its advice once: the client says what happened, the provider
// what to do.
func TestReadErrorsGetTheirAdviceOnce(t *testing.T) {
	rateLimited := &kore.APIError{StatusCode: 429, Page: 0, Attempts: 6}
	deadline, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	tests := []struct {
		name        string
		ctx         context.Context
		err         error
		wantSummary string
		wantOnce    []string
	}{
		{name: "a 429", err: rateLimited, wantSummary: "Kore.ai Rate Limit Reached",
			wantOnce: []string{"60 requests a minute", "requests_per_minute", "after 6 attempts"}},
		{name: "a 403 with Kore.ai's rate-limit text is a rate limit",
			err:         &kore.APIError{StatusCode: 403, Page: 0, Message: "Rate limit for this API has been reached"},
			wantSummary: "Kore.ai Rate Limit Reached", wantOnce: []string{"60 requests a minute"}},
		{name: "a 401", err: &kore.APIError{StatusCode: 401, Page: 0, Message: "Invalid JWT token"},
			wantSummary: "Kore.ai Refused the Token", wantOnce: []string{"not a JWT"}},
		{name: "a Retry-After beyond the deadline",
			err:         &kore.WaitPastDeadlineError{Wait: time.Hour, Left: time.Minute, RetryAfter: true, Err: rateLimited},
			wantSummary: "Kore.ai Read Would Outlast Its Time Limit", wantOnce: []string{"Retry-After", "timeouts.read"}},
		{name: "an answer too large", err: &kore.RequestError{Page: 2, Attempts: 1, Endpoint: "groups", Err: &kore.AnswerTooLargeError{
			Limit: kore.MaxAnswerBytes, ContentLength: -1}},
			wantSummary: "Kore.ai Answer Too Large", wantOnce: []string{"page_size", "groups page 2"}},
		{name: "an answer that is not HTTP", err: &kore.RequestError{Page: 0, Attempts: 1, Endpoint: "groups", Err: &kore.ProtocolError{
			Err: errors.New("malformed HTTP status code")}},
			wantSummary: "Kore.ai Answer Is Not HTTP", wantOnce: []string{"malformed HTTP status code"}},
		{name: "a host that does not resolve", err: &kore.RequestError{Page: 0, Attempts: 1, Endpoint: "groups", Err: &kore.HostNotFoundError{
			Host: "kore.example.invalid", Err: errors.New("no such host")}},
			wantSummary: "Kore.ai Host Not Found", wantOnce: []string{`"kore.example.invalid"`, "typo"}},
		{name: "a timed-out read names the page and the attempts", ctx: deadline,
			err:         &kore.RequestError{Page: 3, Attempts: 2, Endpoint: "groups", Err: context.DeadlineExceeded},
			wantSummary: "Kore.ai Read Timed Out", wantOnce: []string{"groups page 3", "after 2 attempts", "timeouts.read (10m0s)"}},
		{name: "a connection refused", err: &kore.RequestError{Page: 0, Attempts: 1, Endpoint: "groups", Err: errors.New("connection refused")},
			wantSummary: "Cannot Reach Kore.ai", wantOnce: []string{"HTTPS_PROXY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			summary, detail := describeReadError(ctx, tt.err, defaultReadTimeout, groupsListing)
			if summary != tt.wantSummary {
				t.Errorf("summary = %q, want %q", summary, tt.wantSummary)
			}
			for _, part := range tt.wantOnce {
				if n := strings.Count(detail, part); n != 1 {
					t.Errorf("detail %q says %q %d times, want once", detail, part, n)
				}
			}
		})
	}
}

// Server text in a warning reaches no terminal raw: the group id below carries escape sequences that would
// rewrite Terraform's output, and memberCount warnings quote it.
func TestServerTextInWarningsIsEscaped(t *testing.T) {
	hostile := "g\x1b[2K\r\x1b[32mApply complete!\x1b]0;owned\x07\x00"
	s := newTestServer(t, []fakekore.Group{{ID: hostile, Name: "n\x1b[31m", UserCount: fakekore.Ptr(5),
		Users: []fakekore.User{{ID: "u1"}}}})
	_, diags := readAllGroups(context.Background(), testClient(t, s), 50, kore.MembersAll, noTimeouts)
	if diags.HasError() || diags.WarningsCount() == 0 {
		t.Fatalf("diagnostics = %v, want warnings only", diags)
	}
	for _, d := range diags {
		if strings.ContainsAny(d.Summary()+d.Detail(), "\x1b\x07\x00\r") {
			t.Errorf("a warning carries a raw control character: %q", d.Detail())
		}
		if !strings.Contains(d.Detail(), `\x1b[2K`) {
			t.Errorf("warning %q does not show the id's escape sequence escaped", d.Detail())
		}
	}
}

func TestRedactDiagnosticsKeepsPathsAndSeverities(t *testing.T) {
	client, err := kore.New(kore.Config{Host: "http://127.0.0.1:1", ClientID: "id", ClientSecret: "a-client-secret-value"})
	if err != nil {
		t.Fatal(err)
	}
	in := diag.Diagnostics{
		diag.NewAttributeWarningDiagnostic(path.Root("names"), "W", "id \x1b[31m"),
		diag.NewErrorDiagnostic("E", "echo a-client-secret-value eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
		diag.NewErrorDiagnostic("E a-client-secret-value", "a detail with nothing to hide"),
	}
	out := redactDiagnostics(in, client)
	if len(out) != 3 || out[0].Severity() != diag.SeverityWarning || out[1].Severity() != diag.SeverityError {
		t.Fatalf("diagnostics = %v", out)
	}
	if withPath, ok := out[0].(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("names")) {
		t.Errorf("the warning lost its attribute path: %v", out[0])
	}
	if out[0].Detail() != `id \x1b[31m` || out[1].Detail() != "echo [redacted] [redacted]" {
		t.Errorf("details = %q, %q", out[0].Detail(), out[1].Detail())
	}
	if out[2].Summary() != "E [redacted]" || out[2].Detail() != "a detail with nothing to hide" {
		t.Errorf("a secret in the summary alone: %q: %q", out[2].Summary(), out[2].Detail())
	}
}

// The client's log lines go through the same redactor, with the same mask, whatever the field.
func TestClientLogFieldsAreRedacted(t *testing.T) {
	logger := newClientLogger(kore.NewRedactor("a-client-secret-value"))
	fields := logger.redactFields(map[string]any{
		"error":  errors.New("auth: eyJhbGciOiJIUzI1NiJ9.e30.c2ln secret=a-client-secret-value \x1b[2K"),
		"auth":   "anything",
		"status": 401,
		"query":  "offset=0&limit=50",
	})
	want := map[string]any{"error": `auth: [redacted] secret=[redacted] \x1b[2K`, "auth": kore.Redacted,
		"status": 401, "query": "offset=0&limit=50"}
	if fmt.Sprint(fields) != fmt.Sprint(want) {
		t.Errorf("fields = %v, want %v", fields, want)
	}
}

func TestCredentialsAreTrimmedAndConflictsNeverPointAtTheSecret(t *testing.T) {
	t.Run("a trailing line break from a file or a CI secret store is trimmed", func(t *testing.T) {
		m := nullModel()
		m.Host = types.StringValue("platform.kore.ai")
		m.ClientID = types.StringValue(" cs-id\n")
		m.ClientSecret = types.StringValue("the-secret\n")
		cfg, diags := resolveClientConfig(m, envOf(nil))
		if diags.HasError() || cfg.ClientID != "cs-id" || cfg.ClientSecret != "the-secret" {
			t.Errorf("config = %q, %q, %v", cfg.ClientID, cfg.ClientSecret, diags)
		}
	})
	for _, withID := range []bool{true, false} {
		t.Run(fmt.Sprintf("jwt and client_secret, client_id set: %t", withID), func(t *testing.T) {
			m := nullModel()
			m.Host = types.StringValue("platform.kore.ai")
			m.JWT = types.StringValue("eyJ.e30.sig")
			m.ClientSecret = types.StringValue("the-secret")
			if withID {
				m.ClientID = types.StringValue("cs-id")
			}
			_, diags := resolveClientConfig(m, envOf(nil))
			if diags.ErrorsCount() != 1 {
				t.Fatalf("diagnostics = %v, want one error", diags)
			}
			withPath, hasPath := diags[0].(diag.DiagnosticWithPath)
			switch {
			case withID && (!hasPath || !withPath.Path().Equal(path.Root("client_id"))):
				t.Errorf("the conflict is not on client_id: %v", diags[0])
			case !withID && hasPath:
				t.Errorf("the conflict points at %s; with no client_id it must point at no attribute", withPath.Path())
			}
		})
	}
	t.Run("a count that is not whole is named", func(t *testing.T) {
		m := nullModel()
		m.Host = types.StringValue("platform.kore.ai")
		m.ClientID, m.ClientSecret = types.StringValue("id"), types.StringValue("secret")
		m.MaxRetries = types.NumberValue(big.NewFloat(1.5))
		_, diags := resolveClientConfig(m, envOf(nil))
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), "max_retries = 1.5 is not a whole number") {
			t.Errorf("diagnostics = %v", diags)
		}
	})
}

func TestAccProvider_userMistakesAreNamed(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.SampleGroups())
	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"a null name": {
			config: providerConfig(s) + `data "kore_groups" "x" { names = [null, "x"] }`,
			want:   regexp.MustCompile(`Null Set Value[\s\S]*names[\s\S]*contains a null value`),
		},
		"a read timeout of zero": {
			config: providerConfig(s) + `data "kore_groups" "x" {
  timeouts { read = "0s" }
}`,
			want: regexp.MustCompile(`Invalid Read Timeout[\s\S]*timeouts.read = "0s" leaves the read no\s+time`),
		},
		"a negative read timeout on kore_group": {
			config: providerConfig(s) + `data "kore_group" "x" {
  name = "x"
  timeouts { read = "-1s" }
}`,
			want: regexp.MustCompile(`Invalid Read Timeout[\s\S]*"-1s"`),
		},
		"a page size that is not whole": {
			config: providerConfig(s) + `data "kore_groups" "x" { page_size = 2.5 }`,
			want:   regexp.MustCompile(`Invalid page_size[\s\S]*page_size = 2.5 is not a whole number from 1 to 50`),
		},
		"a count of retries that is not whole": {
			config: `provider "kore" {
  host          = "` + s.URL + `"
  client_id     = "` + testClientID + `"
  client_secret = "` + testClientSecret + `"
  max_retries   = 1.5
}
data "kore_groups" "x" {}`,
			want: regexp.MustCompile(`Invalid max_retries[\s\S]*max_retries = 1.5 is not a whole number from 0 to\s+100`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
		})
	}
	if n := s.Requests(); n != 0 {
		t.Errorf("a configuration refused at validation must send nothing; the server answered %d requests", n)
	}
}

func TestAccProvider_aClientSecretWithATrailingNewlineWorks(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.SampleGroups())
	acceptanceTest(t, resource.TestCase{
		// The secret as file() reads it, with its line break; the client ID from a CI secret store, likewise.
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{envClientID: testClientID + "\n"}),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "kore" {
  host          = %q
  client_secret = "%s\n"
}
data "kore_groups" "all" {}`, s.URL, testClientSecret),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("total"), knownvalue.Int64Exact(2)),
			},
		}},
	})
}

// Escape sequences in server text reach Terraform's output escaped: the ids below would clear the line and
// print a fake "Apply complete!" if they reached a terminal raw.
func TestAccGroupDataSource_serverEscapeSequencesReachNoTerminal(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, []fakekore.Group{
		{ID: "a\x1b[2K\r\x1b[32mApply complete!\x1b[0m", Name: "twice"},
		{ID: "b\x1b]0;owned\x07\x00", Name: "twice"},
	})
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `data "kore_group" "x" { name = "twice" }`,
			// The ids are shown with their escapes written out, which a raw ESC would not match.
			ExpectError: regexp.MustCompile(`Not Unique[\s\S]*"a\\x1b\[2K\\r\\x1b\[32mApply complete!\\x1b\[0m"\s+and\s+"b\\x1b\]0;owned\\a\\x00"`),
		}},
	})
}

// A Retry-After of 0 gets the backoff, not a burst: the client waits at least its floor of one second between
// the refused attempts. The refusals are 503s: a 429 without a usable Retry-After waits for the account's whole
// minute instead (see internal/kore's TestA429WaitsForTheAccountsWindows), which would make this test take minutes.
func TestAccGroupsDataSource_aRetryAfterOfZeroIsNoBurst(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []time.Time
	record := func(int, http.ResponseWriter, *http.Request) bool {
		mu.Lock()
		seen = append(seen, time.Now())
		mu.Unlock()
		return false
	}
	s := newTestServer(t, fakekore.SampleGroups(), func(o *fakekore.Options) {
		unavailable := func(seq int, w http.ResponseWriter, _ *http.Request) bool {
			if seq > 2 {
				return false
			}
			w.Header().Set("Retry-After", "0")
			fakekore.WriteError(w, http.StatusServiceUnavailable, "Service Unavailable", http.StatusServiceUnavailable)
			return true
		}
		o.Intercept = fakekore.Chain(record, unavailable)
	})
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "kore" {
  host          = %q
  client_id     = %q
  client_secret = %q
  max_retries   = 3
}
data "kore_groups" "all" {}`, s.URL, testClientID, testClientSecret),
		}},
	})
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 3 {
		t.Fatalf("requests = %d, want the two refused ones and a third", len(seen))
	}
	// The floor is what the client waits at the least; the check holds however slow the machine is.
	for i := 1; i < 3; i++ {
		if gap := seen[i].Sub(seen[i-1]); gap < 900*time.Millisecond {
			t.Errorf("request %d came %s after the previous refused one: a burst", i+1, gap)
		}
	}
}

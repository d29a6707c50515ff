package kore_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestEveryAttemptCarriesAFreshlySignedJWT(t *testing.T) {
	api := newFakeAPI(t, makeGroups(9, 1), 3)
	// Fail the first attempt of the read so that a retry's token is checked too.
	api.respond = failFirst(status(http.StatusServiceUnavailable))
	server := api.start()
	client := newTestClient(t, testConfig(server, &waitRecorder{}))

	before := time.Now().Add(-time.Second)
	if _, err := client.ListGroups(context.Background(), 3); err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	after := time.Now().Add(time.Second)

	tokens := api.receivedTokens()
	if len(tokens) != 4 {
		t.Fatalf("tokens received = %d, want 4 (3 pages and 1 retry)", len(tokens))
	}
	seenIDs := map[string]bool{}
	for i, token := range tokens {
		claims, err := parseTestToken(token) // HS256 with the client secret, appId and sub = client ID
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		issued, expires := claims.IssuedAt.Time, claims.ExpiresAt.Time
		if issued.Before(before.Truncate(time.Second)) || issued.After(after) {
			t.Errorf("token %d: iat %s is not the time of the attempt", i, issued)
		}
		if lifetime := expires.Sub(issued); lifetime != 5*time.Minute {
			t.Errorf("token %d: exp is %s after iat, want 5m", i, lifetime)
		}
		if seenIDs[claims.ID] {
			t.Errorf("token %d reuses the jti %s", i, claims.ID)
		}
		seenIDs[claims.ID] = true
	}
}

func TestReadyMadeJWTIsSentUnchanged(t *testing.T) {
	const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBJZCI6ImNzLXJlYWR5In0.c2lnbmF0dXJlLW9mLWEtcmVhZHktbWFkZS10b2tlbg"
	api := newFakeAPI(t, makeGroups(4, 0), 2)
	api.token = token // the server rejects any other auth header
	api.respond = failFirst(status(http.StatusBadGateway))
	server := api.start()
	cfg := testConfig(server, &waitRecorder{})
	cfg.ClientID, cfg.ClientSecret, cfg.JWT = "", "", token
	client := newTestClient(t, cfg)

	list, err := client.ListGroups(context.Background(), 2)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if len(list.Groups) != 4 || api.calls.Load() != 3 {
		t.Errorf("groups, requests = %d, %d; want 4, 3", len(list.Groups), api.calls.Load())
	}
	for i, got := range api.receivedTokens() {
		if got != token {
			t.Errorf("request %d carried another token", i)
		}
	}
}

func TestUserAgentAndAcceptHeaders(t *testing.T) {
	tests := []struct {
		name      string
		userAgent string
		want      string
	}{
		{name: "the default names the provider", userAgent: "", want: kore.DefaultUserAgent},
		{name: "a configured value is sent whole", userAgent: "terraform-provider-kore/1.2.3 (+https://example.com)",
			want: "terraform-provider-kore/1.2.3 (+https://example.com)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			var got string
			api.respond = func(_ http.ResponseWriter, r *http.Request, _ int64, _ int) bool {
				got = r.Header.Get("User-Agent")
				return false
			}
			server := api.start()
			cfg := testConfig(server, nil)
			cfg.UserAgent = tt.userAgent
			client := newTestClient(t, cfg)
			if _, err := client.ListGroups(context.Background(), 50); err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			if got != tt.want {
				t.Errorf("User-Agent = %q, want %q", got, tt.want)
			}
		})
	}
}

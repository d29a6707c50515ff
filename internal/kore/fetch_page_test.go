package kore_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// fetchServer answers every request with body and remembers what it was asked.
type fetchServer struct {
	*httptest.Server
	requests   atomic.Int32
	requestURI atomic.Value // string
	auth       atomic.Value // string
}

func newFetchServer(t *testing.T, answer func(w http.ResponseWriter, call int32)) *fetchServer {
	t.Helper()
	s := &fetchServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := s.requests.Add(1)
		s.requestURI.Store(r.RequestURI)
		s.auth.Store(r.Header.Get("auth"))
		answer(w, call)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fetchServer) lastRequestURI() string { v, _ := s.requestURI.Load().(string); return v }

// checkSignedToken fails unless token is a JWT signed with the test secret for the test app.
func checkSignedToken(t *testing.T, token string) {
	t.Helper()
	claims := &testClaims{}
	if _, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) {
		return []byte(testClientSecret), nil
	}); err != nil || claims.AppID != testClientID {
		t.Errorf("auth header is not a token signed for the test app (appId %q): %v", claims.AppID, err)
	}
}

// FetchPage sends the path and query as given, with a signed token, and hands back the body byte for byte, even one
// that no listing decoder would accept (a bare array).
func TestFetchPageReturnsTheBodyAsSent(t *testing.T) {
	const body = "[{\"role\": \"Bot Admin\"},\n {\"role\": \"Tester\"}]  "
	tests := []struct {
		name    string
		query   url.Values
		wantURI string
	}{
		{name: "with a query", query: url.Values{"roleType": {"admin"}},
			wantURI: "/api/public/roles/export?roleType=admin"},
		{name: "with no query", query: nil, wantURI: "/api/public/roles/export"},
		{name: "with an empty query", query: url.Values{}, wantURI: "/api/public/roles/export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := newFetchServer(t, func(w http.ResponseWriter, _ int32) { _, _ = io.WriteString(w, body) })
			client := newTestClient(t, testConfig(server.Server, nil))

			got, err := client.FetchPage(context.Background(), "/api/public/roles/export", tt.query)
			if err != nil {
				t.Fatalf("FetchPage: %v", err)
			}
			if string(got) != body {
				t.Errorf("body = %q, want %q", got, body)
			}
			if uri := server.lastRequestURI(); uri != tt.wantURI {
				t.Errorf("request URI = %q, want %q", uri, tt.wantURI)
			}
			token, _ := server.auth.Load().(string)
			checkSignedToken(t, token)
		})
	}
}

// A path that is not an absolute path of its own is refused before any request: a query or fragment in it would
// be sent unencoded, beside the encoded query.
func TestFetchPageRefusesPathsWithoutALeadingSlashOrWithAQuery(t *testing.T) {
	server := newFetchServer(t, func(w http.ResponseWriter, _ int32) { _, _ = io.WriteString(w, "{}") })
	client := newTestClient(t, testConfig(server.Server, nil))
	for _, path := range []string{"api/public/bots", "/api/public/bots?offset=1", "/api/public/bots#top", ""} {
		t.Run(path, func(t *testing.T) {
			_, err := client.FetchPage(context.Background(), path, nil)
			if err == nil || !strings.Contains(err.Error(), "must start with / and hold no query or fragment") {
				t.Fatalf("FetchPage(%q) = %v, want a refusal of the path", path, err)
			}
		})
	}
	if n := server.requests.Load(); n != 0 {
		t.Errorf("%d requests were sent, want none", n)
	}
}

// A refusal comes back as the request path's APIError, retried like any other read, and about no page.
func TestFetchPageRetriesAndReportsRefusals(t *testing.T) {
	t.Run("a 503 is retried", func(t *testing.T) {
		server := newFetchServer(t, func(w http.ResponseWriter, call int32) {
			if call == 1 {
				writeAPIError(w, http.StatusServiceUnavailable, 503, "busy")
				return
			}
			_, _ = io.WriteString(w, `{"total":0}`)
		})
		waits := &waitRecorder{}
		client := newTestClient(t, testConfig(server.Server, waits))
		got, err := client.FetchPage(context.Background(), "/api/public/bots", nil)
		if err != nil || string(got) != `{"total":0}` {
			t.Fatalf("FetchPage = %q, %v; want the second answer", got, err)
		}
		if n := server.requests.Load(); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("a 401 is reported", func(t *testing.T) {
		server := newFetchServer(t, func(w http.ResponseWriter, _ int32) {
			writeAPIError(w, http.StatusUnauthorized, 4002, "Permission denied. Scope is incorrect!")
		})
		client := newTestClient(t, testConfig(server.Server, nil))
		_, err := client.FetchPage(context.Background(), "/api/public/roles/export", url.Values{"roleType": {"bot"}})
		var apiErr *kore.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Page != -1 {
			t.Fatalf("FetchPage error = %#v, want a 401 APIError about no page", err)
		}
		const want = "Kore.ai API answered HTTP 401 Unauthorized: Permission denied. Scope is incorrect! (code 4002)"
		if err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
	})
}

// transportFunc is a RoundTripper made of a function.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A transport given in Config carries every attempt, below the client's signing: it sees a fresh token on each
// attempt, and what it answers still goes through the retries and the body cap.
func TestConfigTransportCarriesEveryAttempt(t *testing.T) {
	var tokens []string
	answers := []*http.Response{
		{StatusCode: http.StatusBadGateway, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("down"))},
		{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"bots":[]}`))},
	}
	transport := transportFunc(func(r *http.Request) (*http.Response, error) {
		tokens = append(tokens, r.Header.Get("auth"))
		if r.URL.String() != "https://kore.example.com/api/public/bots?limit=1" {
			t.Errorf("URL = %q", r.URL)
		}
		resp := answers[len(tokens)-1]
		resp.Request = r
		return resp, nil
	})
	cfg := kore.WithWaitHook(kore.Config{Host: "https://kore.example.com", ClientID: testClientID,
		ClientSecret: testClientSecret, MaxRetries: 1, Transport: transport}, (&waitRecorder{}).hook)
	client := newTestClient(t, cfg)

	got, err := client.FetchPage(context.Background(), "/api/public/bots", url.Values{"limit": {"1"}})
	if err != nil || string(got) != `{"bots":[]}` {
		t.Fatalf("FetchPage = %q, %v; want the second answer", got, err)
	}
	if len(tokens) != 2 {
		t.Fatalf("the transport carried %d attempts, want 2", len(tokens))
	}
	for _, token := range tokens {
		checkSignedToken(t, token)
	}

	tooLarge := transportFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: r,
			ContentLength: kore.MaxAnswerBytes + 1, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	})
	client = newTestClient(t, kore.Config{Host: "https://kore.example.com", JWT: "a.b.c", Transport: tooLarge})
	_, err = client.FetchPage(context.Background(), "/api/public/bots", nil)
	var large *kore.AnswerTooLargeError
	if !errors.As(err, &large) {
		t.Errorf("an answer announced past the cap: error = %v, want an AnswerTooLargeError", err)
	}
}

// The TLS settings belong to the client's own transport: with a transport of the caller's they would be silently
// ignored, so New refuses them. A blank CA certificate is no certificate, as without a transport.
func TestConfigTransportExcludesTLSSettings(t *testing.T) {
	transport := transportFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })
	tests := []struct {
		name    string
		cfg     kore.Config
		refused bool
	}{
		{name: "insecure", cfg: kore.Config{Insecure: true, Transport: transport}, refused: true},
		{name: "a CA certificate", cfg: kore.Config{CACertificate: "-----BEGIN CERTIFICATE-----", Transport: transport},
			refused: true},
		{name: "a blank CA certificate", cfg: kore.Config{CACertificate: " \n\t", Transport: transport}},
		{name: "no TLS setting", cfg: kore.Config{Transport: transport}},
		{name: "insecure without a transport", cfg: kore.Config{Insecure: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Host, tt.cfg.JWT = "https://kore.example.com", "a.b.c"
			_, err := kore.New(tt.cfg)
			refused := err != nil && strings.Contains(err.Error(), "excludes insecure and a CA certificate")
			if refused != tt.refused || (err != nil && !refused) {
				t.Errorf("New: %v; want refused = %v", err, tt.refused)
			}
		})
	}
}

package kore_test

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestNewRefusesInvalidConfig(t *testing.T) {
	valid := kore.Config{Host: "platform.kore.ai", ClientID: testClientID, ClientSecret: testClientSecret}
	tests := []struct {
		name    string
		change  func(*kore.Config)
		wantErr string
	}{
		{name: "an empty host", change: func(c *kore.Config) { c.Host = " " }, wantErr: "host is empty"},
		{name: "no credentials at all", change: func(c *kore.Config) { c.ClientID, c.ClientSecret = "", "" },
			wantErr: "no credentials"},
		{name: "a JWT beside a client ID and secret", change: func(c *kore.Config) { c.JWT = "eyJ.x.y" },
			wantErr: "not both"},
		{name: "a client ID without its secret", change: func(c *kore.Config) { c.ClientSecret = "" },
			wantErr: "client secret is missing"},
		{name: "a client secret without its ID", change: func(c *kore.Config) { c.ClientID = "" },
			wantErr: "client ID is missing"},
		{name: "a JWT with a line break",
			change:  func(c *kore.Config) { c.ClientID, c.ClientSecret, c.JWT = "", "", "eyJabc.def\r\nX-Evil: 1" },
			wantErr: "cannot be sent in an HTTP header"},
		{name: "negative retries", change: func(c *kore.Config) { c.MaxRetries = -1 }, wantErr: "max retries"},
		{name: "a negative rate", change: func(c *kore.Config) { c.RequestsPerMinute = -5 }, wantErr: "requests per minute"},
		{name: "a negative timeout", change: func(c *kore.Config) { c.RequestTimeout = -time.Second }, wantErr: "request timeout"},
		{name: "concurrency above 16", change: func(c *kore.Config) { c.MaxConcurrency = 17 }, wantErr: "from 1 to 16"},
		{name: "negative concurrency", change: func(c *kore.Config) { c.MaxConcurrency = -1 }, wantErr: "from 1 to 16"},
		{name: "a CA certificate that is not PEM", change: func(c *kore.Config) { c.CACertificate = "not a certificate" },
			wantErr: "no valid PEM certificate"},
		{name: "a User-Agent with a line break", change: func(c *kore.Config) { c.UserAgent = "a\nb" },
			wantErr: "User-Agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			client, err := kore.New(cfg)
			if err == nil || client != nil {
				t.Fatalf("New = %v, %v; want an error", client, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
			for _, secret := range []string{testClientSecret, cfg.JWT} {
				if secret != "" && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q repeats a secret", err)
				}
			}
		})
	}

	t.Run("a valid config needs nothing else", func(t *testing.T) {
		if _, err := kore.New(valid); err != nil {
			t.Errorf("New: %v", err)
		}
	})
}

func TestBaseURLIsACopy(t *testing.T) {
	client, err := kore.New(kore.Config{Host: "https://kore.example.com:8443/kore/", JWT: "eyJ.a.b"})
	if err != nil {
		t.Fatal(err)
	}
	client.BaseURL().Host = "elsewhere.example.com"
	if got := client.BaseURL().String(); got != "https://kore.example.com:8443/kore" {
		t.Errorf("BaseURL = %q after changing a copy", got)
	}
}

func TestTLS(t *testing.T) {
	api := newFakeAPI(t, makeGroups(2, 0), 50)
	server := httptest.NewUnstartedServer(api)
	server.EnableHTTP2 = true
	server.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	server.StartTLS()
	t.Cleanup(server.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw}))

	tests := []struct {
		name      string
		configure func(*kore.Config)
		wantErr   bool
	}{
		{name: "an unknown certificate authority is refused and not retried", configure: func(*kore.Config) {}, wantErr: true},
		{name: "the given CA certificate is trusted", configure: func(c *kore.Config) { c.CACertificate = caPEM }},
		{name: "insecure skips verification", configure: func(c *kore.Config) { c.Insecure = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			waits := &waitRecorder{}
			cfg := testConfig(server, waits)
			tt.configure(&cfg)
			client := newTestClient(t, cfg)

			list, err := client.ListGroups(context.Background(), 50)
			if tt.wantErr {
				var requestErr *kore.RequestError
				if !errors.As(err, &requestErr) || requestErr.Attempts != 1 || len(waits.recorded()) != 0 {
					t.Fatalf("error = %v, want a *RequestError after a single attempt", err)
				}
				if !kore.IsCertificateError(err) {
					t.Errorf("IsCertificateError(%v) = false: the provider could not say how to trust the server", err)
				}
				return
			}
			if err != nil || len(list.Groups) != 2 {
				t.Fatalf("ListGroups = %v, %v; want 2 groups", list, err)
			}
		})
	}
}

func TestRateLimiter(t *testing.T) {
	t.Run("its rate and burst come from RequestsPerMinute", func(t *testing.T) {
		for _, tt := range []struct{ configured, want int }{{0, 60}, {1, 1}, {120, 120}} {
			client := newTestClient(t, kore.Config{Host: "platform.kore.ai", JWT: "eyJ.a.b", RequestsPerMinute: tt.configured})
			limiter := kore.Limiter(client)
			if limiter.Burst() != tt.want || limiter.Limit() != rate.Every(time.Minute/time.Duration(tt.want)) {
				t.Errorf("RequestsPerMinute %d: burst %d, limit %v; want %d a minute",
					tt.configured, limiter.Burst(), limiter.Limit(), tt.want)
			}
		}
	})

	t.Run("every read shares it, and a wait past the deadline fails at once", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(1, 0), 0)
		server := api.start()
		cfg := testConfig(server, nil)
		cfg.RequestsPerMinute = 2 // a burst of two, then one request every 30s
		client := newTestClient(t, cfg)

		for _, pageSize := range []int{1, 2} { // two reads of one page each use up the burst
			if _, err := client.ListGroups(context.Background(), pageSize); err != nil {
				t.Fatalf("ListGroups(%d): %v", pageSize, err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := client.ListGroups(ctx, 3)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "rate limit") {
			t.Errorf("error = %v, want a deadline error naming the rate limit", err)
		}
		if ctx.Err() != nil {
			t.Error("the read waited for the deadline instead of failing at once")
		}
		if got := api.calls.Load(); got != 2 {
			t.Errorf("requests = %d, want 2: the third must wait for the limiter", got)
		}
		if tokens := kore.Limiter(client).Tokens(); tokens >= 1 {
			t.Errorf("limiter holds %.2f tokens after the burst, want less than one", tokens)
		}
	})
}

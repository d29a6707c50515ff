package kore_test

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

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

func TestTheAccountBudget(t *testing.T) {
	// deadlineError asserts that a read failed at once, before its deadline, naming the spent window of the budget.
	deadlineError := func(t *testing.T, client *kore.Client, pageSize int, window string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := client.ListGroups(ctx, pageSize)
		var spent *kore.BudgetDeadlineError
		if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &spent) || spent.Window != window ||
			spent.Wait < 10*time.Second || spent.Shared || !strings.Contains(err.Error(), "request budget per "+window) {
			t.Errorf("error = %v, want a deadline error naming the budget per %s, kept in this process", err, window)
		}
		if ctx.Err() != nil {
			t.Error("the read waited for the deadline instead of failing at once")
		}
	}

	t.Run("60 requests a minute by default, spent at once, then the next waits", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(60, 0), 0)
		server := api.start()
		cfg := testConfig(server, nil)
		cfg.RequestsPerMinute = 0
		client := newTestClient(t, cfg)
		if list, err := client.ListGroups(context.Background(), 1); err != nil || len(list.Groups) != 60 {
			t.Fatalf("ListGroups(1) = %v, %v; want 60 groups read a page each", list, err)
		}
		deadlineError(t, client, 2, "minute")
		if got := api.calls.Load(); got != 60 {
			t.Errorf("requests = %d, want 60", got)
		}
	})

	t.Run("the hour's limit holds even when the minute's allows more", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(1, 0), 0)
		server := api.start()
		cfg := testConfig(server, nil)
		cfg.RequestsPerMinute, cfg.RequestsPerHour = 100, 2
		client := newTestClient(t, cfg)
		for _, pageSize := range []int{1, 2} {
			if _, err := client.ListGroups(context.Background(), pageSize); err != nil {
				t.Fatalf("ListGroups(%d): %v", pageSize, err)
			}
		}
		deadlineError(t, client, 3, "hour")
		if got := api.calls.Load(); got != 2 {
			t.Errorf("requests = %d, want 2: the third must wait for the hour", got)
		}
	})

	t.Run("clients of the same account share it, other accounts do not wait", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(1, 0), 0)
		server := api.start()
		cfg := testConfig(server, nil)
		cfg.RequestsPerMinute = 1
		first, second := newTestClient(t, cfg), newTestClient(t, cfg)
		if _, err := first.ListGroups(context.Background(), 1); err != nil {
			t.Fatalf("ListGroups: %v", err)
		}
		deadlineError(t, second, 1, "minute")

		otherAPI := newFakeAPI(t, makeGroups(1, 0), 0)
		other := cfg
		other.Host = otherAPI.start().URL
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := newTestClient(t, other).ListGroups(ctx, 1); err != nil {
			t.Errorf("another account's read: %v; want it not to wait for this one's budget", err)
		}
		if api.calls.Load() != 1 || otherAPI.calls.Load() != 1 {
			t.Errorf("requests = %d and %d, want one to each account", api.calls.Load(), otherAPI.calls.Load())
		}
	})

	t.Run("a wait that fits the deadline is waited and logged", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(1, 0), 0)
		server := api.start()
		logger := &captureLogger{}
		cfg := kore.WithBudgetWindows(testConfig(server, nil), 150*time.Millisecond, time.Hour, 10*time.Millisecond)
		cfg.RequestsPerMinute = 1
		cfg.Logger = logger
		client := newTestClient(t, cfg)
		for _, pageSize := range []int{1, 2} {
			if _, err := client.ListGroups(context.Background(), pageSize); err != nil {
				t.Fatalf("ListGroups(%d): %v", pageSize, err)
			}
		}
		if !slices.ContainsFunc(logger.all(), func(line string) bool {
			return strings.Contains(line, "waits for the account's request budget") && strings.Contains(line, "wait_ms")
		}) {
			t.Errorf("no log line says that the request waited and for how long: %q", logger.all())
		}
	})
}

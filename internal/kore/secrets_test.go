package kore_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Errors and log lines must never carry the client secret or a token, even when the server echoes them back.
func TestSecretsNeverReachErrorsOrLogs(t *testing.T) {
	const readyMadeJWT = "eyJhbGciOiJIUzI1NiJ9.eyJhcHBJZCI6ImNzLXJlYWR5LW1hZGUifQ.cmVhZHktbWFkZS1zaWduYXR1cmUtMDEyMzQ1Njc4OQ"
	echo := func(r *http.Request) string {
		return "auth: " + r.Header.Get("auth") + " client_secret=" + testClientSecret
	}
	tests := []struct {
		name      string
		readyMade bool
		respond   func(w http.ResponseWriter, r *http.Request)
	}{
		{name: "a 401 whose message echoes the token", respond: func(w http.ResponseWriter, r *http.Request) {
			writeAPIError(w, http.StatusUnauthorized, 4002, "Invalid JWT token "+echo(r))
		}},
		{name: "a ready-made JWT echoed in a 401", readyMade: true, respond: func(w http.ResponseWriter, r *http.Request) {
			writeAPIError(w, http.StatusUnauthorized, 4002, "Invalid JWT token "+echo(r))
		}},
		{name: "a 429 in plain text echoing the request, until retries run out", respond: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte("Too many requests.\n" + echo(r)))
		}},
		{name: "a login page with status 200 echoing the request", respond: func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("<html><body>Please sign in. " + echo(r) + "</body></html>"))
		}},
		{name: "a body that cuts a token off where it stops being read", respond: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			padding := strings.Repeat(" ", 64<<10-len("token: ")-24)
			_, _ = w.Write([]byte("token: " + padding + r.Header.Get("auth")))
		}},
		{name: "a redirect whose location carries the token", respond: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://login.example.com/?token="+r.Header.Get("auth"))
			w.WriteHeader(http.StatusFound)
		}},
		{name: "connections that drop every time", respond: func(w http.ResponseWriter, _ *http.Request) {
			dropConnection(t, w)
		}},
		{name: "pages that do not fit together", respond: func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 1, AvailableMore: true})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			api.respond = func(w http.ResponseWriter, r *http.Request, _ int64, _ int) bool {
				tt.respond(w, r)
				return true
			}
			logger := &captureLogger{}
			cfg := testConfig(api.start(), &waitRecorder{})
			cfg.MaxRetries = 2
			cfg.Logger = logger
			if tt.readyMade {
				api.token = readyMadeJWT
				cfg.ClientID, cfg.ClientSecret, cfg.JWT = "", "", readyMadeJWT
			}
			client := newTestClient(t, cfg)

			_, err := client.ListGroups(context.Background(), 50)
			if err == nil {
				t.Fatal("ListGroups succeeded, want an error")
			}
			secrets := append(api.receivedTokens(), readyMadeJWT)
			if !tt.readyMade { // with a ready-made JWT the client never learns the secret, so cannot hide it
				secrets = append(secrets, testClientSecret)
			}
			assertNoSecret(t, "error", err.Error(), secrets)
			for _, line := range logger.all() {
				assertNoSecret(t, "log line", line, secrets)
			}
		})
	}

	t.Run("a read that went away after the server did", func(t *testing.T) {
		api := newFakeAPI(t, nil, 50)
		server := api.start()
		cfg := testConfig(server, &waitRecorder{})
		cfg.MaxRetries = 1
		logger := &captureLogger{}
		cfg.Logger = logger
		client := newTestClient(t, cfg)
		server.Close()

		_, err := client.ListGroups(context.Background(), 50)
		if err == nil {
			t.Fatal("ListGroups succeeded against a closed server")
		}
		assertNoSecret(t, "error", err.Error(), []string{testClientSecret})
		for _, line := range logger.all() {
			assertNoSecret(t, "log line", line, []string{testClientSecret})
		}
	})
}

// assertNoSecret fails if text holds a secret, or anything that starts like a JWT.
func assertNoSecret(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(text, secret) {
			t.Errorf("%s holds a secret: %s", what, text)
		}
	}
	if strings.Contains(text, "eyJ") {
		t.Errorf("%s holds what looks like a JWT: %s", what, text)
	}
}

var _ kore.Logger = (*captureLogger)(nil)

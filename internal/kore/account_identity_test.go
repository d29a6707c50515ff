package kore

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestIdentityOfAnAccount(t *testing.T) {
	const host = "https://platform.kore.ai"
	payload := func(json string) string {
		return "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(json)) + ".c2ln"
	}
	app := accountIdentity(host, Config{ClientID: "cs-app-1", ClientSecret: "secret"})
	tests := []struct {
		name string
		cfg  Config
		same bool
	}{
		{name: "a token claiming the same app shares its budget", cfg: Config{JWT: payload(`{"appId":"cs-app-1"}`)}, same: true},
		{name: "a token of another app does not", cfg: Config{JWT: payload(`{"appId":"cs-app-2"}`)}},
		{name: "another app does not", cfg: Config{ClientID: "cs-app-2", ClientSecret: "secret"}},
		{name: "a token without appId does not", cfg: Config{JWT: payload(`{"sub":"cs-app-1"}`)}},
		{name: "a token that is no JWT does not", cfg: Config{JWT: "opaque"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accountIdentity(host, tt.cfg) == app; got != tt.same {
				t.Errorf("same account = %v, want %v", got, tt.same)
			}
		})
	}
	if other := accountIdentity("https://de-platform.kore.ai", Config{ClientID: "cs-app-1"}); other == app {
		t.Error("the same app on another host shares the budget")
	}
	if strings.Contains(app, "secret") {
		t.Error("the identity holds the client secret")
	}
}

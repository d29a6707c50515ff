package kore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestSignTokenSignsLikeARequestWithoutMakingOne(t *testing.T) {
	api := newFakeAPI(t, makeGroups(1, 0), 1)
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	now := time.Now()
	token, expires, err := client.SignToken(now, 15*time.Minute)
	if err != nil {
		t.Fatalf("SignToken: %v", err)
	}
	claims, err := parseTestToken(token) // HS256 with the client secret, appId and sub = client ID, a hex jti
	if err != nil {
		t.Fatalf("the token does not verify: %v", err)
	}
	if want := now.Truncate(time.Second); !claims.IssuedAt.Equal(want) {
		t.Errorf("iat = %s, want %s", claims.IssuedAt.Time, want)
	}
	if want := now.Add(15 * time.Minute).Truncate(time.Second); !claims.ExpiresAt.Equal(want) || !expires.Equal(want) {
		t.Errorf("exp = %s and the expiry returned = %s, want both %s", claims.ExpiresAt.Time, expires, want)
	}
	if api.calls.Load() != 0 {
		t.Errorf("signing a token made %d requests, want none", api.calls.Load())
	}

	again, _, err := client.SignToken(now, 15*time.Minute)
	if err != nil {
		t.Fatalf("SignToken: %v", err)
	}
	second, err := parseTestToken(again)
	if err != nil {
		t.Fatalf("the second token does not verify: %v", err)
	}
	if second.ID == claims.ID {
		t.Errorf("two tokens share the jti %s", claims.ID)
	}
}

func TestSignTokenLifetimeBounds(t *testing.T) {
	client := newTestClient(t, kore.Config{Host: "http://127.0.0.1:9", ClientID: testClientID,
		ClientSecret: testClientSecret})
	now := time.Now()
	for _, lifetime := range []time.Duration{time.Second, 59*time.Minute + 59*time.Second + 500*time.Millisecond, time.Hour} {
		token, expires, err := client.SignToken(now, lifetime)
		if err != nil {
			t.Errorf("lifetime %s: %v", lifetime, err)
			continue
		}
		claims, err := parseTestToken(token)
		if err != nil {
			t.Errorf("lifetime %s: the token does not verify: %v", lifetime, err)
			continue
		}
		if got := claims.ExpiresAt.Sub(claims.IssuedAt.Time); got > time.Hour || got <= 0 {
			t.Errorf("lifetime %s: exp is %s after iat, want within (0, 1h]", lifetime, got)
		}
		if !expires.Equal(claims.ExpiresAt.Time) {
			t.Errorf("lifetime %s: expiry returned %s, exp claim %s", lifetime, expires, claims.ExpiresAt.Time)
		}
	}
	for _, lifetime := range []time.Duration{0, -time.Minute, time.Second - time.Nanosecond, time.Hour + time.Nanosecond, 2 * time.Hour} {
		token, expires, err := client.SignToken(now, lifetime)
		if err == nil || token != "" || !expires.IsZero() {
			t.Errorf("lifetime %s: got a token (%t), expiry %s, error %v; want only an error", lifetime, token != "",
				expires, err)
			continue
		}
		if !strings.Contains(err.Error(), "lifetime of "+lifetime.String()) || !strings.Contains(err.Error(), "1h0m0s") {
			t.Errorf("lifetime %s: the error does not name the lifetime and the limit: %v", lifetime, err)
		}
	}
}

func TestSignTokenNeedsClientCredentials(t *testing.T) {
	const ready = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBJZCI6ImNzLXJlYWR5In0.c2lnbmF0dXJlLW9mLWEtcmVhZHktbWFkZS10b2tlbg"
	client := newTestClient(t, kore.Config{Host: "http://127.0.0.1:9", JWT: ready})
	token, expires, err := client.SignToken(time.Now(), 15*time.Minute)
	if !errors.Is(err, kore.ErrCannotSign) || token != "" || !expires.IsZero() {
		t.Fatalf("SignToken with a ready-made JWT = (%t, %s, %v), want only ErrCannotSign", token != "", expires, err)
	}
	if strings.Contains(err.Error(), ready) {
		t.Errorf("the error contains the ready-made JWT: %v", err)
	}
}

package contract

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

const (
	testClientID     = "cs-contract-test-0001"
	testClientSecret = "contract-test-secret-Hn4Qw8Zp2Ly6"
)

// A check of a local account: listings that fit in five pages are read whole by the client, longer ones in their
// first three pages and said to be partial; an endpoint the server does not serve fails with the client's error;
// the recording is scrubbed, says which listings are whole, and replays.
func TestRunChecksRecordsAndReplays(t *testing.T) {
	groups := fakekore.GenerateGroups(6*PageSize+1, 1) // seven pages: read partially
	server := fakekore.New(fakekore.Options{ClientID: testClientID, ClientSecret: testClientSecret,
		Groups: groups, Access: fakekore.GenerateAccess(groups[:3], 3)})
	t.Cleanup(server.Close)
	dir := filepath.Join(t.TempDir(), "recording")
	settings := &Settings{Host: server.URL, ClientID: testClientID, ClientSecret: testClientSecret,
		CacheDir: t.TempDir(), Dir: dir}

	var out bytes.Buffer
	results, err := Run(context.Background(), settings, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), &out)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(results) != len(endpoints) || len(lines) != len(endpoints)+1 {
		t.Fatalf("%d results, output:\n%s", len(results), out.String())
	}
	for _, r := range results {
		switch {
		case r.Key == "groups":
			if !r.OK() || !strings.Contains(r.Line(), "OK, checked partially (first 3 of 7 pages of 50: 150 of 301 groups") {
				t.Errorf("groups: %s", r.Line())
			}
		case strings.HasPrefix(r.Key, "roles-export"):
			if !r.OK() || r.Line() != r.Endpoint+": OK (6 roles, a bare array)" {
				t.Errorf("%s: %s", r.Key, r.Line())
			}
		case !r.OK() || r.Partial:
			t.Errorf("%s: %s", r.Key, r.Line())
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], "Recording written to "+dir) {
		t.Errorf("last line: %q", lines[len(lines)-1])
	}
	// Each listing: its first page, two offset probes and the client's read; the long one three pages.
	if n := server.Requests(); n > 30 {
		t.Errorf("the check made %d requests, want at most 30", n)
	}

	meta, err := LoadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l := meta.listing("groups"); l == nil || l.Complete || l.Pages != 3 || l.Total != 301 {
		t.Errorf("groups in the metadata: %+v", l)
	}
	if l := meta.listing("bots"); l == nil || !l.Complete || l.Total != 3 {
		t.Errorf("bots in the metadata: %+v", l)
	}
	if l := meta.listing("roles-export-admin"); l == nil || !l.Complete || l.Pages != 1 || l.Total != 6 {
		t.Errorf("Export Roles (admin) in the metadata: %+v", l)
	}
	if !meta.Recorded.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("metadata: %+v", meta)
	}
	if err := CheckScrubbed(dir, testClientSecret, fakekore.BotSecretPrefix); err != nil {
		t.Fatal(err)
	}

	replayed, err := Replay(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range replayed {
		if !r.OK() {
			t.Errorf("replay: %s", r.Line())
		}
	}
	if len(replayed) != len(meta.Listings) {
		t.Errorf("%d endpoints replayed, %d recorded", len(replayed), len(meta.Listings))
	}
}

// Endpoints can be picked by name; an unknown name is a usage error that lists the known ones.
func TestRunChecksTheEndpointsPicked(t *testing.T) {
	server := fakekore.New(fakekore.Options{ClientID: testClientID, ClientSecret: testClientSecret,
		Groups: fakekore.SampleGroups()})
	t.Cleanup(server.Close)
	settings := &Settings{Host: server.URL, ClientID: testClientID, ClientSecret: testClientSecret,
		Dir: filepath.Join(t.TempDir(), "r"), Endpoints: []string{"groups", "groups"}}
	var out bytes.Buffer
	results, err := Run(context.Background(), settings, time.Now(), &out)
	if err != nil || len(results) != 1 || !results[0].OK() {
		t.Fatalf("Run = %v, %v:\n%s", results, err, out.String())
	}
	settings.Endpoints = []string{"groups", "audit"}
	if _, err := Run(context.Background(), settings, time.Now(), &out); !errors.Is(err, ErrUsage) ||
		!strings.Contains(err.Error(), `unknown endpoint "audit": want one of groups, users, roles-admin`) {
		t.Errorf("Run with an unknown endpoint: %v", err)
	}
}

// The settings come from the provider's variables; without a host or credentials the check stops at once, naming
// the variables to set.
func TestSettingsFromEnv(t *testing.T) {
	now := time.Date(2026, 3, 4, 23, 30, 0, 0, time.FixedZone("x", -3*3600)) // already the 5th in UTC
	env := func(vars map[string]string) func(string) string {
		return func(name string) string { return vars[name] }
	}
	for _, vars := range []map[string]string{
		{},
		{"KORE_HOST": "https://kore.example.com"},
		{"KORE_HOST": "https://kore.example.com", "KORE_CLIENT_ID": "cs-1"},
		{"KORE_CLIENT_ID": "cs-1", "KORE_CLIENT_SECRET": "s"},
		{"KORE_HOST": "  ", "KORE_JWT": "t"},
	} {
		_, err := SettingsFromEnv(env(vars), now)
		if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(),
			"set KORE_HOST and either KORE_CLIENT_ID + KORE_CLIENT_SECRET or KORE_JWT") {
			t.Errorf("%v: %v", vars, err)
		}
	}
	if _, err := SettingsFromEnv(env(map[string]string{"KORE_HOST": "ftp://x", "KORE_JWT": "t"}), now); !errors.Is(
		err, ErrUsage) || !strings.Contains(err.Error(), "KORE_HOST: host") {
		t.Errorf("a host of another scheme: %v", err)
	}

	t.Setenv("XDG_CACHE_HOME", "/cache")
	s, err := SettingsFromEnv(env(map[string]string{"KORE_HOST": "http://127.0.0.1:8080", "KORE_JWT": "t"}), now)
	if err != nil {
		t.Fatal(err)
	}
	if s.Dir != filepath.Join("testdata", "contract", "127.0.0.1_8080-2026-03-05") ||
		s.CacheDir != "/cache/terraform-provider-kore" || s.JWT != "t" {
		t.Errorf("settings = %+v", s)
	}
	s, err = SettingsFromEnv(env(map[string]string{"KORE_HOST": "kore.example.com", "KORE_CLIENT_ID": "cs-1",
		"KORE_CLIENT_SECRET": "s", "KORE_CACHE_DIR": " /c ", "KORE_CONTRACT_DIR": "out"}), now)
	if err != nil || s.Dir != "out" || s.CacheDir != "/c" || s.ClientID != "cs-1" || s.ClientSecret != "s" {
		t.Errorf("settings = %+v, %v", s, err)
	}
}

package kore_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// One account spelled several ways is one account: one budget record, one cache.
func TestOneAccountSpelledSeveralWaysIsOneAccount(t *testing.T) {
	dir := t.TempDir()
	identities := map[string]bool{}
	for _, host := range []string{"platform.kore.ai", "https://Platform.Kore.AI", "https://platform.kore.ai:443",
		"platform.kore.ai.", "https://PLATFORM.kore.ai.:443/"} {
		c, err := kore.New(kore.Config{Host: host, ClientID: testClientID, ClientSecret: testClientSecret,
			CacheDir: dir, CacheTTL: time.Hour})
		if err != nil {
			t.Fatalf("New(%q): %v", host, err)
		}
		identities[kore.AccountIdentity(c)] = true
	}
	if len(identities) != 1 {
		t.Errorf("five spellings of one host make %d accounts, want 1", len(identities))
	}
	for _, other := range []string{"https://platform.kore.ai:8443", "http://platform.kore.ai",
		"https://platform.kore.ai/prefix", "de-platform.kore.ai"} {
		c, err := kore.New(kore.Config{Host: other, ClientID: testClientID, ClientSecret: testClientSecret})
		if err != nil {
			t.Fatal(err)
		}
		if identities[kore.AccountIdentity(c)] {
			t.Errorf("%q is taken for the same account as platform.kore.ai", other)
		}
	}
	port8443, _ := kore.New(kore.Config{Host: "https://platform.kore.ai:8443", ClientID: "a", ClientSecret: "b"})
	port9443, _ := kore.New(kore.Config{Host: "https://platform.kore.ai:9443", ClientID: "a", ClientSecret: "b"})
	if kore.AccountIdentity(port8443) == kore.AccountIdentity(port9443) {
		t.Error("one host on two ports is taken for one account")
	}
	http80, _ := kore.New(kore.Config{Host: "http://Kore.Example:80", ClientID: "a", ClientSecret: "b"})
	http, _ := kore.New(kore.Config{Host: "http://kore.example", ClientID: "a", ClientSecret: "b"})
	if kore.AccountIdentity(http80) != kore.AccountIdentity(http) {
		t.Error("http with an explicit :80 is another account")
	}
	v6, _ := kore.New(kore.Config{Host: "https://[::1]:443", ClientID: "a", ClientSecret: "b"})
	v6bare, _ := kore.New(kore.Config{Host: "https://[::1]", ClientID: "a", ClientSecret: "b"})
	if kore.AccountIdentity(v6) != kore.AccountIdentity(v6bare) {
		t.Error("an IPv6 host with an explicit :443 is another account")
	}
}

// Two spellings of one server share its budget: a server on 127.0.0.1 reached as "127.0.0.1" and as
// "127.0.0.1." (its name with a trailing dot is not resolvable here, so the test compares the record files).
func TestOneAccountSpelledTwoWaysSharesOneBudgetRecord(t *testing.T) {
	server := newFakeAPI(t, makeGroups(3, 1), 50).start()
	dir := t.TempDir()
	upper := "http://LOCALHOST" + server.URL[len("http://127.0.0.1"):]
	lower := "http://localhost" + server.URL[len("http://127.0.0.1"):]
	for _, host := range []string{upper, lower} {
		cfg := testConfig(server, nil)
		cfg.Host, cfg.CacheDir = host, dir
		if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
			t.Fatalf("ListGroups through %s: %v", host, err)
		}
	}
	records, _ := filepath.Glob(filepath.Join(dir, "budget", "*.budget"))
	if len(records) != 1 {
		t.Errorf("%d budget records for one account, want 1: %v", len(records), records)
	}
}

// A cached answer's age counts from the read's first request: a read whose pages took 90 s is already 90 s old
// when it is stored, and a TTL of 70 s does not serve it.
func TestCachedReadIsDatedByItsFirstPage(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	api := newFakeAPI(t, makeGroups(120, 1), 50)
	api.respond = func(http.ResponseWriter, *http.Request, int64, int) bool {
		mu.Lock()
		now = now.Add(30 * time.Second)
		mu.Unlock()
		return false
	}
	server := api.start()
	cfg := testConfig(server, nil)
	cfg.CacheDir, cfg.CacheTTL, cfg.MaxConcurrency = t.TempDir(), 70*time.Second, 1
	cfg = kore.WithCacheClock(cfg, clock)
	if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	first := api.calls.Load()
	if first != 3 {
		t.Fatalf("%d requests for 3 pages", first)
	}
	if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	if api.calls.Load() == first {
		t.Error("a read whose first page is 90 s old was answered from a cache with a TTL of 70 s")
	}
	if _, err := os.Stat(cfg.CacheDir); err != nil {
		t.Fatal(err)
	}
}

// A budget record lost while the client runs is a notice, told once, naming what to check.
func TestABudgetRecordLostDuringTheRunIsANotice(t *testing.T) {
	server := newFakeAPI(t, makeGroups(3, 1), 50).start()
	cfg := testConfig(server, nil)
	cfg.CacheDir = t.TempDir()
	c := newTestClient(t, cfg)
	if err := os.RemoveAll(filepath.Join(cfg.CacheDir, "budget")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.CacheDir, "budget"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	notices := c.TakeNotices()
	if len(notices) != 1 || notices[0].Summary != "Kore.ai Request Budget No Longer Shared" ||
		!strings.HasPrefix(notices[0].Detail, "The request budget record in the cache directory became unusable "+
			"while the provider ran (") ||
		!strings.HasSuffix(notices[0].Detail, "Check that cache_dir (or KORE_CACHE_DIR) is a writable directory of "+
			"this user with room to write.") {
		t.Fatalf("notices %q", noticeTexts(notices))
	}
}

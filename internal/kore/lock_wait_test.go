package kore_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A read that ends while another process holds a lock of the shared files names the lock and its file, rather than
// leaving the user to suspect the host.
func TestAReadEndedByAHeldLockNamesIt(t *testing.T) {
	tests := []struct {
		name     string
		pattern  string // the lock file, under the cache directory
		lock     string
		cacheTTL time.Duration
	}{
		{name: "the budget record's", pattern: filepath.Join("budget", "*.budget.lock"),
			lock: "the account's request budget record"},
		// Every entry is expired at once, so the second read needs the entry's lock.
		{name: "a cache entry's", pattern: filepath.Join("cache", "*.lock"), lock: "a read cache entry",
			cacheTTL: time.Nanosecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(1, 0), 50)
			server := api.start()
			dir := t.TempDir()
			cfg := testConfig(server, nil)
			cfg.CacheDir, cfg.CacheTTL = dir, tt.cacheTTL
			if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
				t.Fatal(err)
			}
			locks, _ := filepath.Glob(filepath.Join(dir, tt.pattern))
			if len(locks) != 1 {
				t.Fatalf("lock files %v, want one", locks)
			}
			// Another process's lock: flock locks of two open files conflict even within one process.
			held := flock.New(locks[0])
			if ok, err := held.TryLock(); !ok || err != nil {
				t.Fatalf("locking %s: %v, %v", locks[0], ok, err)
			}
			defer func() { _ = held.Unlock() }()

			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := newTestClient(t, cfg).ListGroups(ctx, 50)
			var lockWait *kore.LockWaitError
			if !errors.As(err, &lockWait) || lockWait.Path != locks[0] || lockWait.Lock != tt.lock ||
				!errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error = %v, want a *LockWaitError for %s (%s) matching context.DeadlineExceeded", err, tt.lock, locks[0])
			}
			if msg := err.Error(); !strings.Contains(msg, locks[0]) || !strings.Contains(msg, "another process holds") {
				t.Errorf("error %q does not name the lock's file and who holds it", msg)
			}
		})
	}
}

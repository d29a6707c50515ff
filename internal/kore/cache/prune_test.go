package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// entries lists the entry files of dir (not locks or temporary files).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	all, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if isEntryName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestWritesPruneLongExpiredEntriesThatNoOneHolds(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newTestCache(t, dir, testSecret, clk)
	other, err := New(Config{Dir: dir, Account: "another account", Secret: "another secret", Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	ctx := context.Background()
	const ttl = time.Hour
	for _, key := range []string{"old", "held"} {
		if _, err := c.Do(ctx, key, ttl, counted(&calls)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := other.Do(ctx, "old", ttl, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	old, held, othersOld := filepath.Join(dir, c.name("old")), filepath.Join(dir, c.name("held")), filepath.Join(dir, other.name("old"))
	// What a process that stopped mid-write leaves, and a lock whose entry is gone.
	stray, orphan := filepath.Join(dir, ".entry-123"), filepath.Join(dir, c.name("gone")+".lock")
	for _, p := range []string{stray, orphan} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, time.Time{}, clk.now); err != nil {
			t.Fatal(err)
		}
	}
	// Expired exactly by the margin: not yet.
	clk.now = clk.now.Add(ttl + pruneMargin)
	if _, err := c.Do(ctx, "recent", ttl, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{old, old + ".lock", held, othersOld, stray, orphan} {
		if !exists(p) {
			t.Errorf("%s was pruned at the margin's end; want it kept until after", filepath.Base(p))
		}
	}

	lock := flock.New(held + ".lock")
	if ok, err := lock.TryLock(); !ok || err != nil {
		t.Fatalf("locking the held entry: %v, %v", ok, err)
	}
	defer func() { _ = lock.Unlock() }()
	clk.now = clk.now.Add(time.Second)
	if _, err := c.Do(ctx, "new", ttl, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{old, old + ".lock", othersOld, othersOld + ".lock", stray, orphan} {
		if exists(p) {
			t.Errorf("%s was not pruned", filepath.Base(p))
		}
	}
	for _, p := range []string{held, held + ".lock", filepath.Join(dir, c.name("recent")), filepath.Join(dir, c.name("new"))} {
		if !exists(p) {
			t.Errorf("%s was pruned: it is held, or not long expired", filepath.Base(p))
		}
	}
}

func TestAWritePrunesABoundedNumberOfEntries(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newTestCache(t, dir, testSecret, clk)
	var calls atomic.Int32
	const stale = 20
	for i := range stale {
		if _, err := c.Do(context.Background(), fmt.Sprint("stale-", i), time.Minute, counted(&calls)); err != nil {
			t.Fatal(err)
		}
	}
	clk.now = clk.now.Add(time.Minute + pruneMargin + time.Second)
	for write, want := range []int{stale - prunePerWrite + 1, stale - 2*prunePerWrite + 2, 3, 4} {
		if _, err := c.Do(context.Background(), fmt.Sprint("fresh-", write), time.Minute, counted(&calls)); err != nil {
			t.Fatal(err)
		}
		if got := len(entries(t, dir)); got != want {
			t.Errorf("after write %d: %d entries, want %d (at most %d pruned a write)", write+1, got, want, prunePerWrite)
		}
	}
	locks, _ := filepath.Glob(filepath.Join(dir, "*.lock"))
	if len(locks) != 4 || !strings.Contains(strings.Join(locks, " "), c.name("fresh-3")) {
		t.Errorf("locks = %v, want those of the 4 fresh entries", locks)
	}
}

func TestALockThatCannotBeTakenIsReportedAndTheReadGoesOn(t *testing.T) {
	dir := t.TempDir()
	var reported []error
	c, err := New(Config{Dir: dir, Account: testAccount, Secret: testSecret, Salt: testSalt,
		OnLockError: func(_ context.Context, err error) { reported = append(reported, err) }})
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the lock file should be: it cannot be opened, let alone locked.
	lockPath := filepath.Join(dir, c.name("k")+".lock")
	if err := os.Mkdir(lockPath, 0o700); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	res, err := c.Do(context.Background(), "k", time.Hour, counted(&calls))
	if err != nil || string(res.Data) != marker || calls.Load() != 1 {
		t.Fatalf("Do = %+v, %v after %d reads; want the read's answer", res, err, calls.Load())
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), lockPath) {
		t.Errorf("reported %v, want one error naming %s", reported, lockPath)
	}
}

func TestAWaitForAnEntrysLockThatOutlivesTheContextNamesTheLock(t *testing.T) {
	dir := t.TempDir()
	c := newTestCache(t, dir, testSecret, &clock{now: time.Now()})
	lockPath := filepath.Join(dir, c.name("k")+".lock")
	held := flock.New(lockPath)
	if ok, err := held.TryLock(); !ok || err != nil {
		t.Fatalf("locking the entry: %v, %v", ok, err)
	}
	defer func() { _ = held.Unlock() }()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var calls atomic.Int32
	_, err := c.Do(ctx, "k", time.Hour, counted(&calls))
	var lockWait *LockWaitError
	if !errors.As(err, &lockWait) || lockWait.Path != lockPath || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), lockPath) || calls.Load() != 0 {
		t.Fatalf("error = %v after %d reads, want a *LockWaitError naming %s and no read", err, calls.Load(), lockPath)
	}
}

// Stray temporary files and locks whose entry is gone count against the bound like entries: each removal is one of
// the write's prunePerWrite.
func TestAWritePrunesABoundedNumberOfStrayFiles(t *testing.T) {
	for _, kind := range []struct {
		name string
		file func(c *Cache, i int) string
	}{
		{"temporary files", func(_ *Cache, i int) string { return fmt.Sprintf(".entry-%d", i) }},
		{"locks without their entry", func(c *Cache, i int) string { return c.name(fmt.Sprint("gone-", i)) + ".lock" }},
	} {
		t.Run(kind.name, func(t *testing.T) {
			dir := t.TempDir()
			clk := &clock{now: time.Unix(1_800_000_000, 0)}
			c := newTestCache(t, dir, testSecret, clk)
			const stray = 3 * prunePerWrite
			for i := range stray {
				p := filepath.Join(dir, kind.file(c, i))
				if err := os.WriteFile(p, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(p, time.Time{}, clk.now.Add(-time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			clk.now = clk.now.Add(pruneMargin + time.Second)
			var calls atomic.Int32
			if _, err := c.Do(context.Background(), "fresh", time.Minute, counted(&calls)); err != nil {
				t.Fatal(err)
			}
			left := 0
			for i := range stray {
				if exists(filepath.Join(dir, kind.file(c, i))) {
					left++
				}
			}
			if left != stray-prunePerWrite {
				t.Errorf("%d of %d stray files left after a write, want %d: at most %d pruned a write, and "+
					"each one removed counts", left, stray, stray-prunePerWrite, prunePerWrite)
			}
		})
	}
}

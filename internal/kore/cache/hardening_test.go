package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore/localfs"
)

// An entry's lock that is a dangling symbolic link is replaced, never followed.
func TestEntryLockSymlinkIsReplacedNotFollowed(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newTestCache(t, dir, testSecret, clk)
	target := filepath.Join(t.TempDir(), "created-through-the-link")
	lockPath := filepath.Join(dir, c.name("groups")+".lock")
	if err := os.Symlink(target, lockPath); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	if _, err := c.Do(context.Background(), "groups", time.Hour, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the link's target was created (%v)", err)
	}
	if info, err := os.Lstat(lockPath); err != nil || !info.Mode().IsRegular() {
		t.Errorf("the lock file is %v, %v; want a regular file in the link's place", info, err)
	}
}

// Entries and the directory keep 0600 and 0700; an entry found with looser permissions, of another owner or as a
// symbolic link is not served.
func TestEntriesArePrivateAndLooseOnesAreNotServed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newTestCache(t, dir, testSecret, clk)
	var calls atomic.Int32
	ctx := context.Background()
	if _, err := c.Do(ctx, "groups", time.Hour, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, c.name("groups"))
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the entry is %v, %v; want mode 0600", info, err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("the directory is %v, %v; want mode 0700", info, err)
	}
	served := func() bool {
		t.Helper()
		before := calls.Load()
		res, err := c.Do(ctx, "groups", time.Hour, counted(&calls))
		if err != nil {
			t.Fatal(err)
		}
		return res.FromCache && calls.Load() == before
	}
	if !served() {
		t.Fatal("a private entry was not served")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if served() {
		t.Error("an entry that others may read was served")
	}
	if !served() { // the read that missed replaced it with a private entry
		t.Error("the entry written after the loose one was not served")
	}

	moved := filepath.Join(dir, "elsewhere")
	if err := os.Rename(path, moved); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(moved, path); err != nil {
		t.Fatal(err)
	}
	if served() {
		t.Error("an entry reached through a symbolic link was served")
	}

	if os.Geteuid() != 0 {
		t.Log("not root: an entry of another user cannot be made here")
		return
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if served() {
		t.Error("an entry of another user was served")
	}
}

// A directory that others may write in, or that belongs to another user, is refused.
func TestUnsafeCacheDirectoryIsRefused(t *testing.T) {
	loose := filepath.Join(t.TempDir(), "loose")
	if err := os.Mkdir(loose, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o757); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{Dir: loose, Account: testAccount, Secret: testSecret, Salt: testSalt})
	var unsafe *localfs.UnsafeDirError
	if !errors.As(err, &unsafe) {
		t.Fatalf("New = %v, want an *UnsafeDirError", err)
	}
	if os.Geteuid() != 0 {
		return
	}
	theirs := filepath.Join(t.TempDir(), "theirs")
	if err := os.Mkdir(theirs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Dir: theirs, Account: testAccount, Secret: testSecret, Salt: testSalt}); !errors.As(err, &unsafe) {
		t.Fatalf("New = %v, want an *UnsafeDirError for another user's directory", err)
	}
}

// An entry's age counts from the read's first request, not from when the read ended: a read of several pages that
// took 62 s answers for the account as it was at its first page.
func TestEntryAgeCountsFromTheFirstFetch(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	clk := &clock{now: start}
	c := newTestCache(t, t.TempDir(), testSecret, clk)
	ctx := context.Background()
	const ttl = 70 * time.Second
	_, err := c.Do(ctx, "groups", ttl, func(ctx context.Context) ([]byte, error) {
		clk.now = clk.now.Add(time.Second) // waiting for the budget before the first page
		MarkFetched(ctx)
		clk.now = clk.now.Add(61 * time.Second) // the other pages
		MarkFetched(ctx)
		clk.now = clk.now.Add(time.Second)
		return []byte(marker), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	clk.now = start.Add(time.Second + ttl - time.Millisecond)
	if res, err := c.Do(ctx, "groups", ttl, counted(&calls)); err != nil || !res.FromCache ||
		res.Age != ttl-time.Millisecond {
		t.Fatalf("just within the TTL of the first page: %+v, %v; want served, %s old", res, err, ttl-time.Millisecond)
	}
	clk.now = start.Add(time.Second + ttl)
	if res, err := c.Do(ctx, "groups", ttl, counted(&calls)); err != nil || res.FromCache || calls.Load() != 1 {
		t.Fatalf("a TTL after the first page: %+v, %v (%d reads); want read again", res, err, calls.Load())
	}
}

// A read that sends no request is dated by its start.
func TestEntryOfAReadWithoutRequestsIsDatedByItsStart(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	clk := &clock{now: start}
	c := newTestCache(t, t.TempDir(), testSecret, clk)
	ctx := context.Background()
	if _, err := c.Do(ctx, "groups", time.Hour, func(context.Context) ([]byte, error) {
		clk.now = clk.now.Add(10 * time.Second)
		return []byte(marker), nil
	}); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	if res, err := c.Do(ctx, "groups", time.Hour, counted(&calls)); err != nil || res.Age != 10*time.Second {
		t.Fatalf("%+v, %v; want an entry 10s old", res, err)
	}
	MarkFetched(ctx) // outside a read: nothing to mark, and no panic
}

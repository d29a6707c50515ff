package cache

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAccount = "https://kore.example\x00app\x00cs-app"
	testSecret  = "client-secret-one"
	testSalt    = "https://kore.example\x00cs-app"
	// marker stands for what a cached answer holds: a group name and an email that must never be on disk in clear.
	marker = `{"gN":"Payroll Admins","emailId":"alice.payroll@example.com"}`
)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newTestCache(t *testing.T, dir, secret string, clk *clock) *Cache {
	t.Helper()
	c, err := New(Config{Dir: dir, Account: testAccount, Secret: secret, Salt: testSalt, Now: clk.Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// counted is a read that counts its calls and answers marker.
func counted(calls *atomic.Int32) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) {
		calls.Add(1)
		return []byte(marker), nil
	}
}

func TestDoServesFreshEntriesOnly(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newTestCache(t, dir, testSecret, clk)
	var calls atomic.Int32
	ctx := context.Background()

	res, err := c.Do(ctx, "groups?limit=50", time.Hour, counted(&calls))
	if err != nil || res.FromCache || string(res.Data) != marker || res.StoreErr != nil {
		t.Fatalf("first Do = %+v, %v; want a fresh read, stored", res, err)
	}
	clk.now = clk.now.Add(59 * time.Minute)
	res, err = c.Do(ctx, "groups?limit=50", time.Hour, counted(&calls))
	if err != nil || !res.FromCache || res.Age != 59*time.Minute || string(res.Data) != marker {
		t.Fatalf("Do within the TTL = %+v, %v; want the entry, 59m old", res, err)
	}
	if res, _ = c.Do(ctx, "groups?limit=7", time.Hour, counted(&calls)); res.FromCache {
		t.Error("another key was answered from this key's entry")
	}
	clk.now = clk.now.Add(time.Minute)
	if res, _ = c.Do(ctx, "groups?limit=50", time.Hour, counted(&calls)); res.FromCache {
		t.Error("an entry as old as the TTL was served")
	}
	if res, _ = c.Do(ctx, "groups?limit=50", time.Second, counted(&calls)); !res.FromCache || res.Age != 0 {
		t.Errorf("the entry just rewritten was not served: %+v", res)
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("reads = %d, want 3", got)
	}
}

func TestDoNeverCachesErrors(t *testing.T) {
	c := newTestCache(t, t.TempDir(), testSecret, &clock{now: time.Now()})
	failure := errors.New("HTTP 401")
	if _, err := c.Do(context.Background(), "k", time.Hour, func(context.Context) ([]byte, error) { return nil, failure }); !errors.Is(err, failure) {
		t.Fatalf("error = %v, want the read's", err)
	}
	var calls atomic.Int32
	if res, err := c.Do(context.Background(), "k", time.Hour, counted(&calls)); err != nil || res.FromCache || calls.Load() != 1 {
		t.Errorf("after a failed read: %+v, %v, %d reads; want a new read", res, err, calls.Load())
	}
}

func TestOtherCredentialsNeverOpenAnEntry(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{now: time.Now()}
	var calls atomic.Int32
	if _, err := newTestCache(t, dir, testSecret, clk).Do(context.Background(), "k", time.Hour, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	other := newTestCache(t, dir, "client-secret-two", clk)
	res, err := other.Do(context.Background(), "k", time.Hour, func(context.Context) ([]byte, error) {
		return nil, errors.New("HTTP 401: invalid JWT")
	})
	if err == nil || res.FromCache || res.Data != nil {
		t.Errorf("other credentials got %+v, %v; want the read's own failure", res, err)
	}
}

func TestAnEntryThatDoesNotCheckOutIsReadAgainAndRewritten(t *testing.T) {
	corruptions := map[string]func(t *testing.T, dir, path string){
		"truncated": func(t *testing.T, _, path string) {
			if err := os.Truncate(path, 40); err != nil {
				t.Fatal(err)
			}
		},
		"one bit flipped": func(t *testing.T, _, path string) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)/2] ^= 1
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"random bytes": func(t *testing.T, _, path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte{0x5a}, 500), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"empty": func(t *testing.T, _, path string) {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		},
		"deleted": func(t *testing.T, _, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		},
		"deleted with the directory": func(t *testing.T, dir, _ string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		},
		"swapped with another key's entry": func(t *testing.T, dir, path string) {
			c := newTestCache(t, dir, testSecret, &clock{now: time.Now()})
			if _, err := c.Do(context.Background(), "other", time.Hour, func(context.Context) ([]byte, error) { return []byte("other"), nil }); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(dir, c.name("other")), path); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c := newTestCache(t, dir, testSecret, &clock{now: time.Now()})
			var calls atomic.Int32
			if _, err := c.Do(context.Background(), "k", time.Hour, counted(&calls)); err != nil {
				t.Fatal(err)
			}
			corrupt(t, dir, filepath.Join(dir, c.name("k")))
			res, err := c.Do(context.Background(), "k", time.Hour, counted(&calls))
			if err != nil || res.FromCache || string(res.Data) != marker || calls.Load() != 2 {
				t.Fatalf("after the entry was %s: %+v, %v, %d reads; want a second read", name, res, err, calls.Load())
			}
			if res, _ := c.Do(context.Background(), "k", time.Hour, counted(&calls)); !res.FromCache || string(res.Data) != marker {
				t.Errorf("the entry was not rewritten: %+v", res)
			}
		})
	}
}

func TestFilesArePrivateAndHoldNoPlaintext(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	c := newTestCache(t, dir, testSecret, &clock{now: time.Now()})
	var calls atomic.Int32
	if _, err := c.Do(context.Background(), "GET /api/public/groups?limit=50", time.Hour, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %v (%v), want 0700", info.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files %v, want the entry and its lock", entries)
	}
	for _, e := range entries {
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, plain := range []string{"Payroll", "alice.payroll", testSecret, "groups", "kore.example", "cs-app"} {
			if strings.Contains(string(data), plain) || strings.Contains(e.Name(), plain) {
				t.Errorf("%s shows %q in clear", e.Name(), plain)
			}
		}
	}
}

func TestAnUnusableDirectoryIsAnError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Dir: filepath.Join(file, "cache"), Account: testAccount, Secret: testSecret}); err == nil {
		t.Error("New succeeded under a file")
	}
}

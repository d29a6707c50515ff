package budget

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// fakeClock is a clock whose Sleep moves it forward at once.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_800_000_000, 0)} }

// start is the clock's time before any sleep.
func (c *fakeClock) start() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var slept time.Duration
	for _, d := range c.sleeps {
		slept += d
	}
	return c.now.Add(-slept)
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestBudget(t *testing.T, dir, account string, perMinute, perHour int, clock *fakeClock) *Budget {
	t.Helper()
	b, err := New(Config{Dir: dir, Account: account, PerMinute: perMinute, PerHour: perHour,
		Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

// uniqueAccount keeps tests from sharing the in-process records, which live as long as the test binary.
func uniqueAccount(t *testing.T) string { return "https://kore.example\x00app\x00" + t.Name() }

func TestWaitKeepsBothWindows(t *testing.T) {
	for _, dir := range []string{"shared directory", "in process"} {
		t.Run(dir, func(t *testing.T) {
			clock := newFakeClock()
			d := ""
			if dir == "shared directory" {
				d = t.TempDir()
			}
			b := newTestBudget(t, d, uniqueAccount(t), 3, 5, clock)
			start := clock.Now()
			var at []time.Duration
			for range 7 {
				if _, err := b.Wait(context.Background()); err != nil {
					t.Fatalf("Wait: %v", err)
				}
				at = append(at, clock.Now().Sub(start))
			}
			// Three at once; the fourth once the first three have left the minute (60 s + 2 s margin); the fifth with
			// it; the sixth only when the first three leave the hour (3,600 s + 2 s); the seventh with it.
			want := []time.Duration{0, 0, 0, 62 * time.Second, 62 * time.Second, 3602 * time.Second, 3602 * time.Second}
			for i := range want {
				if at[i] != want[i] {
					t.Fatalf("requests allowed at %v, want %v", at, want)
				}
			}
		})
	}
}

func TestWaitFailsAtOnceWhenTheSlotComesAfterTheDeadline(t *testing.T) {
	clock := newFakeClock()
	b := newTestBudget(t, t.TempDir(), uniqueAccount(t), 1, 10, clock)
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(30*time.Second))
	defer cancel()
	_, err := b.Wait(ctx)
	var deadline *DeadlineError
	if !errors.As(err, &deadline) || !errors.Is(err, context.DeadlineExceeded) || deadline.Wait != 62*time.Second {
		t.Fatalf("error = %v, want a *DeadlineError of 62s matching context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "1 requests in 1m0s") {
		t.Errorf("error %q does not say which window is spent", err)
	}
	if len(clock.sleeps) != 0 {
		t.Errorf("slept %v before failing", clock.sleeps)
	}
}

func TestWaitEndsWhenTheCallerCancels(t *testing.T) {
	b, err := New(Config{Dir: t.TempDir(), Account: uniqueAccount(t), PerMinute: 1, PerHour: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan error, 1)
	reported := make(chan time.Duration, 1)
	b.cfg.OnWait = func(_ context.Context, wait time.Duration, _ string) { reported <- wait }
	go func() { _, err := b.Wait(ctx); waiting <- err }()
	if wait := <-reported; wait < 61*time.Second || wait > 62*time.Second {
		t.Errorf("reported wait %s, want about 62s", wait)
	}
	cancel()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestSeparateAccountsNeverWaitAndBudgetsOfOneAccountShare(t *testing.T) {
	clock := newFakeClock()
	dir := t.TempDir()
	first := newTestBudget(t, dir, uniqueAccount(t)+"a", 1, 10, clock)
	second := newTestBudget(t, dir, uniqueAccount(t)+"a", 1, 10, clock)
	other := newTestBudget(t, dir, uniqueAccount(t)+"b", 1, 10, clock)
	for _, b := range []*Budget{first, other} {
		if waited, err := b.Wait(context.Background()); err != nil || waited != 0 {
			t.Fatalf("Wait = %s, %v; want no wait", waited, err)
		}
	}
	if waited, err := second.Wait(context.Background()); err != nil || waited != 62*time.Second {
		t.Errorf("the same account's second budget waited %s (%v), want 62s", waited, err)
	}
}

func TestAfterRefusal(t *testing.T) {
	clock := newFakeClock()
	b := newTestBudget(t, t.TempDir(), uniqueAccount(t), 60, 1800, clock)
	if wait, err := b.AfterRefusal(context.Background()); err != nil || wait != 62*time.Second {
		t.Errorf("with no request known: wait %s (%v), want the whole window of 62s", wait, err)
	}
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock.advance(40 * time.Second)
	if wait, err := b.AfterRefusal(context.Background()); err != nil || wait != 22*time.Second {
		t.Errorf("40s after the oldest request: wait %s (%v), want 22s until it leaves the window", wait, err)
	}
}

func TestAnUnusableDirectoryFallsBackToThisProcess(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	account := uniqueAccount(t)
	first := newTestBudget(t, filepath.Join(notADir, "budget"), account, 1, 10, clock)
	if first.DirError() == nil {
		t.Fatal("DirError = nil for a directory under a file")
	}
	second := newTestBudget(t, "", account, 1, 10, clock)
	if _, err := first.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited, err := second.Wait(context.Background()); err != nil || waited != 62*time.Second {
		t.Errorf("the in-process budgets of one account do not share: waited %s (%v), want 62s", waited, err)
	}
}

func TestACorruptedOrDeletedRecordIsRewritten(t *testing.T) {
	corruptions := map[string]func(path string) error{
		"truncated":    func(p string) error { return os.Truncate(p, 17) },
		"random bytes": func(p string) error { return os.WriteFile(p, []byte("\x00garbage\xff not a record"), 0o600) },
		"a count larger than the file": func(p string) error {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			data[9] = 0x7f
			return os.WriteFile(p, data, 0o600)
		},
		"deleted":                    os.Remove,
		"deleted with its directory": func(p string) error { return os.RemoveAll(filepath.Dir(p)) },
		// A record that exists but cannot be opened (here a link to itself) is spent, not empty.
		"made unopenable": func(p string) error {
			if err := os.Remove(p); err != nil {
				return err
			}
			return os.Symlink(filepath.Base(p), p)
		},
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			// The real clock's time, since a damaged record is dated by its file's modification time.
			clock := &fakeClock{now: time.Now()}
			var damages []error
			b, err := New(Config{Dir: dir, Account: uniqueAccount(t), PerMinute: 2, PerHour: 10, Now: clock.Now,
				Sleep: clock.Sleep, OnDamaged: func(_ context.Context, err error) { damages = append(damages, err) }})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			records, _ := filepath.Glob(filepath.Join(dir, "*.budget"))
			if len(records) != 1 {
				t.Fatalf("records = %v, want one", records)
			}
			if err := corrupt(records[0]); err != nil {
				t.Fatal(err)
			}
			damagedAt := time.Now()
			waited, err := b.Wait(context.Background())
			if err != nil {
				t.Fatalf("Wait after the record was %s: %v", name, err)
			}
			if strings.HasPrefix(name, "deleted") {
				// Nothing to go on: an empty record.
				if waited != 0 || len(damages) != 0 {
					t.Errorf("waited %s after the record was %s, damage reported %v; want no wait, no damage",
						waited, name, damages)
				}
			} else if len(damages) != 1 || !strings.Contains(damages[0].Error(), records[0]) {
				t.Errorf("damage reported %v, want once, naming %s", damages, records[0])
			} else if want := damagedAt.Add(62 * time.Second).Sub(clock.start()); waited < want-time.Second || waited > want+time.Second {
				// The minute taken as spent when the file was last written.
				t.Errorf("waited %s after the record was %s, want about %s: the minute spent at the damage", waited, name, want)
			}
			data, err := os.ReadFile(records[0])
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := decodeRecord(data); !ok {
				t.Error("the record was not rewritten")
			}
			if b.DirError() != nil {
				t.Errorf("DirError = %v: a bad record must not stop sharing", b.DirError())
			}
		})
	}
}

func TestFilesArePrivateAndNameNoAccount(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "budget")
	account := "https://kore.example\x00app\x00cs-visible-client-id"
	b := newTestBudget(t, dir, account, 5, 10, newFakeClock())
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode = %v (%v), want 0700", info.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // the record and its lock
		t.Errorf("files = %v, want the record and its lock", entries)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", e.Name(), info.Mode().Perm(), err)
		}
		if strings.Contains(e.Name(), "visible") || strings.Contains(e.Name(), "kore.example") {
			t.Errorf("file name %q shows the account", e.Name())
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := record{sent: []int64{1, 2, 1 << 60}}
	got, ok := decodeRecord(encodeRecord(&r))
	if !ok || len(got.sent) != 3 || got.sent[2] != 1<<60 {
		t.Errorf("decode(encode(%v)) = %v, %v", r, got, ok)
	}
}

func TestADirectoryThatBecomesUnusableFallsBackOnceAndKeepsCounting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "budget")
	clock := newFakeClock()
	fallbacks := 0
	b, err := New(Config{Dir: dir, Account: uniqueAccount(t), PerMinute: 2, PerHour: 10, Now: clock.Now,
		Sleep: clock.Sleep, OnFallback: func(context.Context, error) { fallbacks++ }})
	if err != nil || b.DirError() != nil {
		t.Fatalf("New: %v, %v", err, b.DirError())
	}
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A file where the directory was: it cannot be made again.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := b.Wait(context.Background()); err != nil {
			t.Fatalf("Wait after the directory went: %v", err)
		}
	}
	if b.DirError() == nil || fallbacks != 1 {
		t.Errorf("DirError, fallbacks = %v, %d; want the reason and one report", b.DirError(), fallbacks)
	}
	// The in-process record goes on from here: two requests in it, the third waits for the minute.
	if waited, err := b.Wait(context.Background()); err != nil || waited != 62*time.Second {
		t.Errorf("third request after the fallback waited %s (%v), want 62s", waited, err)
	}
}

func TestAWaitForTheRecordsLockThatOutlivesTheContextNamesTheLock(t *testing.T) {
	dir := t.TempDir()
	account := uniqueAccount(t)
	b := newTestBudget(t, dir, account, 5, 10, newFakeClock())
	held := flock.New(recordPath(dir, account) + ".lock")
	if ok, err := held.TryLock(); !ok || err != nil {
		t.Fatalf("locking the record: %v, %v", ok, err)
	}
	defer func() { _ = held.Unlock() }()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := b.Wait(ctx)
	var lockWait *LockWaitError
	if !errors.As(err, &lockWait) || lockWait.Path != recordPath(dir, account)+".lock" ||
		!errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), lockWait.Path) {
		t.Fatalf("error = %v, want a *LockWaitError naming the record's lock, matching context.DeadlineExceeded", err)
	}
}

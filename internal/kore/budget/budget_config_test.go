package budget

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The tests of this file run first (go test runs files in name order): a budget that ignored its injected clock
// or sleep would make the later tests wait for real, so these fail fast instead.

func TestTheFirstRequestGoesAtOnceAndCountsByTheInjectedClock(t *testing.T) {
	start := time.Unix(1_000_000_000, 0) // years before the real clock
	slept := 0
	b, err := New(Config{Dir: t.TempDir(), Account: uniqueAccount(t), PerMinute: 1, PerHour: 10,
		Now: func() time.Time { return start },
		Sleep: func(context.Context, time.Duration) error {
			slept++
			return errors.New("an empty budget must not sleep")
		}})
	if err != nil {
		t.Fatal(err)
	}
	if waited, err := b.Wait(context.Background()); err != nil || waited != 0 || slept != 0 {
		t.Fatalf("first Wait = %s, %v after %d sleeps; want no wait", waited, err, slept)
	}
	// By the injected clock no time has passed: exactly the short window and its margin remain.
	if wait, err := b.Delay(context.Background()); err != nil || wait != 62*time.Second {
		t.Fatalf("Delay = %s, %v; want exactly 62s", wait, err)
	}
}

func TestWaitSleepsWithTheInjectedSleep(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_000_000_000, 0)} // long before the deadline below
	b := newTestBudget(t, t.TempDir(), uniqueAccount(t), 1, 10, clock)
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if waited, err := b.Wait(ctx); err != nil || waited != 62*time.Second {
		t.Fatalf("second Wait = %s, %v; want 62s on the injected clock", waited, err)
	}
	if len(clock.sleeps) != 1 || clock.sleeps[0] != 62*time.Second {
		t.Errorf("injected sleeps = %v, want one of 62s", clock.sleeps)
	}
}

func TestNewAcceptsLimitsOfOneAndRefusesLess(t *testing.T) {
	for _, c := range []struct {
		perMinute, perHour int
		ok                 bool
	}{{1, 1, true}, {0, 1, false}, {1, 0, false}, {-1, 1800, false}} {
		_, err := New(Config{Account: uniqueAccount(t), PerMinute: c.perMinute, PerHour: c.perHour})
		if (err == nil) != c.ok {
			t.Errorf("New(%d a minute, %d an hour) error = %v, want ok = %v", c.perMinute, c.perHour, err, c.ok)
		}
	}
}

func TestNewMakesAnExistingDirectoryPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "budget")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	b := newTestBudget(t, dir, uniqueAccount(t), 1, 10, newFakeClock())
	if b.DirError() != nil {
		t.Fatalf("DirError = %v", b.DirError())
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode = %v (%v), want 0700", info.Mode().Perm(), err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*")); len(leftovers) != 0 {
		t.Errorf("New left %v behind", leftovers)
	}
}

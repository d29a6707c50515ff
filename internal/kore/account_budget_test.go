package kore_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A rate-limit answer the account's windows contradict waits for the windows, and says why in the log.
func TestA429WaitsForTheAccountsWindows(t *testing.T) {
	tests := []struct {
		name    string
		failure func(http.ResponseWriter)
		logged  string
	}{
		{name: "without Retry-After", failure: status(http.StatusTooManyRequests),
			logged: "without saying when to retry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(3, 1), 50)
			var firstArrived time.Time
			failure := failFirst(tt.failure)
			api.respond = func(w http.ResponseWriter, r *http.Request, call int64, page int) bool {
				if call == 1 {
					firstArrived = time.Now()
				}
				return failure(w, r, call, page)
			}
			server := api.start()
			waits := &waitRecorder{}
			logger := &captureLogger{}
			// One request per 200 ms window: the retry must wait until the first request has left it.
			cfg := kore.WithBudgetWindows(testConfig(server, waits), 200*time.Millisecond, time.Hour, 10*time.Millisecond)
			cfg = kore.WithBackoff(cfg, time.Millisecond, 2*time.Millisecond)
			cfg.RequestsPerMinute, cfg.Logger = 1, logger
			client := newTestClient(t, cfg)

			started := time.Now()
			list, err := client.ListGroups(context.Background(), 50)
			if err != nil || len(list.Groups) != 3 {
				t.Fatalf("ListGroups = %v, %v; want 3 groups after one retry", list, err)
			}
			// The first request was reserved after started and before it arrived; the wait ends when it has left
			// the window (200 ms and the 10 ms margin later), not after the millisecond backoff.
			const window = 210 * time.Millisecond
			ends, earliest, latest := waits.endsAt(), started.Add(window), firstArrived.Add(window+100*time.Millisecond)
			if len(ends) != 1 || ends[0].Before(earliest) || ends[0].After(latest) {
				t.Errorf("waits %v end at %v, want one ending when the first request leaves the window, between %v and %v",
					waits.recorded(), ends, earliest, latest)
			}
			if !slices.ContainsFunc(logger.all(), func(line string) bool { return strings.Contains(line, tt.logged) }) {
				t.Errorf("no log line says %q: %q", tt.logged, logger.all())
			}
		})
	}
}

// A Retry-After sooner than the account's windows allow is not taken at its word; a later one is.
func TestARetryAfterTheWindowsContradictWaitsForThem(t *testing.T) {
	api := newFakeAPI(t, makeGroups(1, 0), 0)
	server := api.start()
	logger := &captureLogger{}
	cfg := kore.WithBudgetWindows(testConfig(server, nil), 1500*time.Millisecond, time.Hour, 10*time.Millisecond)
	cfg.RequestsPerMinute, cfg.Logger = 1, logger
	client := newTestClient(t, cfg)
	before := time.Now()
	if _, err := client.ListGroups(context.Background(), 1); err != nil { // spends the window's one request
		t.Fatal(err)
	}
	after := time.Now()
	answer := func(retryAfter string) *http.Response {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {retryAfter}}}
	}
	// The window frees 1.51 s after the request was reserved, somewhere between before and after; the wait, measured
	// at some moment between asked and answered, ends then.
	const window = 1510 * time.Millisecond
	asked := time.Now()
	wait := kore.BudgetWaitAfter429(context.Background(), client, answer("1"), time.Second)
	answered := time.Now()
	if asked.Add(wait).After(after.Add(window)) || answered.Add(wait).Before(before.Add(window)) {
		t.Errorf("Retry-After: 1 with the window's 1.5 s left: wait %s, want it to end when the window frees", wait)
	}
	if !slices.ContainsFunc(logger.all(), func(line string) bool {
		return strings.Contains(line, "sooner than the account's request budget allows")
	}) {
		t.Errorf("no log line says why the wait is longer than Retry-After: %q", logger.all())
	}
	if wait := kore.BudgetWaitAfter429(context.Background(), client, answer("5"), 5*time.Second); wait != 5*time.Second {
		t.Errorf("Retry-After: 5: wait %s, want 5s as asked", wait)
	}
	serverError := &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}, Body: http.NoBody}
	if wait := kore.BudgetWaitAfter429(context.Background(), client, serverError, time.Second); wait != time.Second {
		t.Errorf("a 500: wait %s, want the backoff's 1s untouched", wait)
	}
}

func TestReadsAreAnsweredFromTheSharedCache(t *testing.T) {
	groups := makeGroups(120, 2)
	api := newFakeAPI(t, groups, 0)
	server := api.start()
	dir := t.TempDir()
	logger := &captureLogger{}
	cfg := testConfig(server, nil)
	cfg.CacheDir, cfg.CacheTTL, cfg.Logger = dir, time.Hour, logger

	// Two clients stand for two provider processes.
	first, err := newTestClient(t, cfg).ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	second, err := newTestClient(t, cfg).ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	if api.calls.Load() != 3 {
		t.Errorf("requests = %d, want 3: the second client must read the cache", api.calls.Load())
	}
	if got, want := groupIDs(second.Groups), groupIDs(first.Groups); !slices.Equal(got, want) || second.Pages != 3 ||
		second.Total != 120 {
		t.Errorf("the cached list differs: %d groups, %d pages, total %d", len(got), second.Pages, second.Total)
	}
	if !slices.ContainsFunc(logger.all(), func(line string) bool {
		return strings.Contains(line, "from the cache") && strings.Contains(line, "cache_age_s")
	}) {
		t.Errorf("no log line says the read came from the cache and how old it was: %q", logger.all())
	}

	t.Run("another page size is another entry", func(t *testing.T) {
		if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 40); err != nil {
			t.Fatal(err)
		}
		if api.calls.Load() != 6 {
			t.Errorf("requests = %d, want 6", api.calls.Load())
		}
	})

	t.Run("an entry that no longer opens is read again", func(t *testing.T) {
		entries, _ := filepath.Glob(filepath.Join(dir, "cache", "*[0-9a-f]"))
		for _, e := range entries {
			if err := os.WriteFile(e, []byte("tampered"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		before := api.calls.Load()
		if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
			t.Fatal(err)
		}
		if api.calls.Load() != before+3 {
			t.Errorf("requests = %d, want %d", api.calls.Load(), before+3)
		}
	})

	t.Run("a read that kept fewer member fields never answers one that needs every field", func(t *testing.T) {
		poor, err := newTestClient(t, cfg).ListGroupsKeeping(context.Background(), 30, kore.MembersEmails)
		if err != nil {
			t.Fatal(err)
		}
		before := api.calls.Load()
		rich, err := newTestClient(t, cfg).ListGroups(context.Background(), 30)
		if err != nil {
			t.Fatal(err)
		}
		if api.calls.Load() != before+4 {
			t.Errorf("requests = %d, want %d: the richer read must go to the API", api.calls.Load(), before+4)
		}
		if len(rich.Groups) != 120 || len(poor.Groups) != 120 || rich.Groups[0].Users[0].FirstName == nil {
			t.Errorf("the full read lacks member fields: %+v", rich.Groups[0].Users[0])
		}
	})

	t.Run("without a TTL the cache is off", func(t *testing.T) {
		off := cfg
		off.CacheTTL = 0
		client := newTestClient(t, off)
		if client.CacheEnabled() {
			t.Error("CacheEnabled with a zero TTL")
		}
		before := api.calls.Load()
		if _, err := client.ListGroups(context.Background(), 50); err != nil {
			t.Fatal(err)
		}
		if api.calls.Load() != before+3 {
			t.Errorf("requests = %d, want %d", api.calls.Load(), before+3)
		}
	})
}

// A budget record that exists but cannot be used counts as a spent minute, and says so in a warning.
func TestAnUnusableBudgetRecordIsAWarning(t *testing.T) {
	api := newFakeAPI(t, makeGroups(1, 0), 50)
	server := api.start()
	dir := t.TempDir()
	logger := &captureLogger{}
	cfg := testConfig(server, nil)
	cfg.CacheDir, cfg.Logger, cfg.RequestsPerMinute = dir, logger, 5
	// A short window of 300 ms: the spent "minute" is over quickly.
	cfg = kore.WithBudgetWindows(cfg, 300*time.Millisecond, time.Second, time.Millisecond)
	if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	records, _ := filepath.Glob(filepath.Join(dir, "budget", "*.budget"))
	if len(records) != 1 {
		t.Fatalf("budget records = %v, want one", records)
	}
	if err := os.WriteFile(records[0], []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(logger.all(), func(line string) bool {
		return strings.HasPrefix(line, "WARN Kore.ai request budget record unusable") &&
			strings.Contains(line, "does not check out") && strings.Contains(line, records[0])
	}) {
		t.Errorf("no warning says the budget record was unusable: %q", logger.all())
	}
	if !slices.ContainsFunc(logger.all(), func(line string) bool {
		return strings.Contains(line, "waits for the account's request budget") && strings.Contains(line, "is spent")
	}) {
		t.Errorf("the request after the damage did not wait for the spent window: %q", logger.all())
	}
}

// A cache entry's lock that cannot be taken lets the read go on without it, and says so in a warning.
func TestACacheLockThatCannotBeTakenIsAWarning(t *testing.T) {
	api := newFakeAPI(t, makeGroups(1, 0), 50)
	server := api.start()
	dir := t.TempDir()
	logger := &captureLogger{}
	cfg := testConfig(server, nil)
	// Every entry is expired at once, so every read takes its lock.
	cfg.CacheDir, cfg.CacheTTL, cfg.Logger = dir, time.Nanosecond, logger
	if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	locks, _ := filepath.Glob(filepath.Join(dir, "cache", "*.lock"))
	if len(locks) != 1 {
		t.Fatalf("cache locks = %v, want one", locks)
	}
	// A directory where the lock file was: it cannot be opened, let alone locked.
	if err := os.Remove(locks[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(locks[0], 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(logger.all(), func(line string) bool {
		return strings.HasPrefix(line, "WARN Kore.ai read cache entry not locked") && strings.Contains(line, locks[0])
	}) {
		t.Errorf("no warning says the cache entry could not be locked: %q", logger.all())
	}
}

// A read that the shared budget would delay past its deadline says which window is spent, the wait, and that every
// process of the account on this machine shares the budget.
func TestASpentSharedBudgetSaysSo(t *testing.T) {
	api := newFakeAPI(t, makeGroups(1, 0), 50)
	server := api.start()
	cfg := testConfig(server, nil)
	cfg.CacheDir, cfg.RequestsPerMinute = t.TempDir(), 1
	if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := newTestClient(t, cfg).ListGroups(ctx, 50)
	var spent *kore.BudgetDeadlineError
	if !errors.As(err, &spent) || !spent.Shared || spent.Window != "minute" || spent.Wait < 55*time.Second ||
		!strings.Contains(spent.Reason, "1 requests in 1m0s") {
		t.Fatalf("error = %#v, want the minute's shared budget spent for about a minute", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "request budget per minute, shared by every process on this machine") ||
		!strings.Contains(msg, "could go in 1m") {
		t.Errorf("error %q does not say which budget, who shares it and the wait", msg)
	}
}

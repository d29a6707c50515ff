package budget

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func recordPath(dir, account string) string { return filepath.Join(dir, accountID(account)+".budget") }

func TestWaitSaysWhichWindowIsSpent(t *testing.T) {
	for _, c := range []struct {
		name               string
		perMinute, perHour int
		// gap is the time between the first request and the rest
		gap      time.Duration
		requests int
		wait     time.Duration
		window   string
	}{
		{"the minute", 2, 10, 0, 2, 62 * time.Second, "2 requests in 1m0s"},
		{"the hour", 3, 3, 70 * time.Second, 3, 3602*time.Second - 70*time.Second, "3 requests in 1h0m0s"},
		// The second request leaves the minute when the first leaves the hour: the minute is named.
		{"both at once", 2, 3, 3540 * time.Second, 3, 62 * time.Second, "2 requests in 1m0s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := newFakeClock()
			var reasons []string
			b, err := New(Config{Dir: t.TempDir(), Account: uniqueAccount(t), PerMinute: c.perMinute,
				PerHour: c.perHour, Now: clock.Now, Sleep: clock.Sleep,
				OnWait: func(_ context.Context, _ time.Duration, reason string) { reasons = append(reasons, reason) }})
			if err != nil {
				t.Fatal(err)
			}
			for i := range c.requests {
				if i == 1 {
					clock.advance(c.gap)
				}
				if _, err := b.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if len(reasons) != 0 {
				t.Fatalf("waited (%q) before the budget was spent", reasons)
			}
			waited, err := b.Wait(context.Background())
			if err != nil || waited != c.wait {
				t.Fatalf("Wait = %s, %v; want %s", waited, err, c.wait)
			}
			want := "the account's budget of " + c.window + " is spent"
			if len(reasons) != 1 || reasons[0] != want {
				t.Errorf("reasons = %q, want %q", reasons, want)
			}
		})
	}
}

func TestAfterRefusalOnceTheOldestRequestHasJustLeftTheWindow(t *testing.T) {
	clock := newFakeClock()
	b := newTestBudget(t, t.TempDir(), uniqueAccount(t), 60, 1800, clock)
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The request of 62 s ago is out of the window (as Delay agrees): the server's window holds requests this
	// machine does not know of, so a whole window is waited for.
	clock.advance(62 * time.Second)
	if wait, err := b.AfterRefusal(context.Background()); err != nil || wait != 62*time.Second {
		t.Errorf("AfterRefusal = %s, %v; want the whole window of 62s", wait, err)
	}
}

func TestTheRecordKeepsOnlyWhatCanStillCount(t *testing.T) {
	dir := t.TempDir()
	account := uniqueAccount(t)
	clock := newFakeClock()
	b := newTestBudget(t, dir, account, 5, 10, clock)
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Exactly the long window and its margin later the first request no longer counts, and is dropped.
	clock.advance(3602 * time.Second)
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := readRecord(recordPath(dir, account)); !slices.Equal(got.sent, []int64{clock.Now().UnixNano()}) {
		t.Errorf("record = %v, want only the request just sent (%d)", got.sent, clock.Now().UnixNano())
	}
}

func TestARequestRecordedInTheFutureCountsAsSentNow(t *testing.T) {
	dir := t.TempDir()
	account := uniqueAccount(t)
	clock := newFakeClock()
	now := clock.Now().UnixNano()
	// A clock set back an hour since the record was written.
	if err := ensureDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := writeRecord(recordPath(dir, account), &record{sent: []int64{now + int64(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	b := newTestBudget(t, dir, account, 1, 10, clock)
	if wait, err := b.Delay(context.Background()); err != nil || wait != 62*time.Second {
		t.Errorf("Delay = %s, %v; want the 62s of a request sent now, not an hour more", wait, err)
	}
	if got := readRecord(recordPath(dir, account)); !slices.Equal(got.sent, []int64{now}) {
		t.Errorf("record = %v, want the request moved to now (%d)", got.sent, now)
	}
}

func TestABudgetWithSmallerLimitsTrimsTheRecordToTheNewest(t *testing.T) {
	dir := t.TempDir()
	account := uniqueAccount(t)
	clock := newFakeClock()
	wide := newTestBudget(t, dir, account, 5, 10, clock)
	var sent []int64
	for range 5 {
		if _, err := wide.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, clock.Now().UnixNano())
		clock.advance(time.Second)
	}
	narrow := newTestBudget(t, dir, account, 1, 2, clock)
	// Its hour holds two requests: the older of the two newest (sent 2 s ago) must leave it.
	if wait, err := narrow.Delay(context.Background()); err != nil || wait != 3600*time.Second {
		t.Fatalf("Delay of the narrow budget = %s, %v; want 3600s", wait, err)
	}
	if got := readRecord(recordPath(dir, account)); !slices.Equal(got.sent, sent[3:]) {
		t.Errorf("record = %v, want the newest two of %v", got.sent, sent)
	}
}

func TestDeadlineErrorNamesTheWaitAndTheWindow(t *testing.T) {
	err := &DeadlineError{Wait: 1234567 * time.Microsecond, Reason: "the account's budget of 1 requests in 1m0s is spent"}
	if msg := err.Error(); !strings.Contains(msg, "1.235s") || !strings.Contains(msg, "1 requests in 1m0s") {
		t.Errorf("error %q does not say how long and why", msg)
	}
}

func TestDeadlineErrorNamesTheSpentWindow(t *testing.T) {
	tests := []struct {
		name               string
		perMinute, perHour int
		wait               time.Duration
		window             string
	}{
		{name: "the minute's", perMinute: 1, perHour: 10, wait: 62 * time.Second, window: WindowMinute},
		{name: "the hour's", perMinute: 10, perHour: 1, wait: 3602 * time.Second, window: WindowHour},
		{name: "both, the hour freeing later", perMinute: 1, perHour: 1, wait: 3602 * time.Second, window: WindowHour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBudget(t, t.TempDir(), uniqueAccount(t), tt.perMinute, tt.perHour, newFakeClock())
			if _, err := b.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := b.Wait(ctx)
			var deadline *DeadlineError
			if !errors.As(err, &deadline) || deadline.Window != tt.window || deadline.Wait != tt.wait {
				t.Fatalf("error = %#v, want the %s window spent for %s", err, tt.window, tt.wait)
			}
			limit, span := tt.perMinute, "1m0s"
			if tt.window == WindowHour {
				limit, span = tt.perHour, "1h0m0s"
			}
			if want := fmt.Sprintf("budget of %d requests in %s is spent", limit, span); !strings.Contains(deadline.Reason, want) {
				t.Errorf("reason %q, want it to say %q", deadline.Reason, want)
			}
		})
	}
}

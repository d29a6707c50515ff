package budget

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A refusal for the hourly limit spends the account's hour in the record: from the oldest request this machine
// knows of in the last hour, or a whole hour when it knows of none, and no sooner than the windows allow anyway.
// Every budget sharing the record then waits for it, or fails at once before a nearer deadline.
func TestSpendHourHoldsTheHourAsSpentForEveryProcess(t *testing.T) {
	dir := t.TempDir()
	clock := newFakeClock()
	account := uniqueAccount(t)
	b := newTestBudget(t, dir, account, 60, 1800, clock)
	start := clock.Now()

	freesAt, err := b.SpendHour(context.Background())
	if err != nil || !freesAt.Equal(start.Add(time.Hour+2*time.Second)) {
		t.Errorf("with no request known: frees at %s (%v), want a whole long window from now", freesAt, err)
	}
	other := newTestBudget(t, dir, account, 60, 1800, clock)
	if wait, err := other.Delay(context.Background()); err != nil || wait != time.Hour+2*time.Second {
		t.Errorf("another process's budget: delay %s (%v), want the hour", wait, err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(10*time.Minute))
	defer cancel()
	_, err = other.Wait(ctx)
	var deadline *DeadlineError
	if !errors.As(err, &deadline) || deadline.Wait != time.Hour+2*time.Second {
		t.Errorf("Wait before a nearer deadline = %v, want a *DeadlineError for the hour", err)
	}
}

func TestSpendHourCountsFromTheOldestRequestKnown(t *testing.T) {
	clock := newFakeClock()
	b := newTestBudget(t, "", uniqueAccount(t), 60, 1800, clock)
	start := clock.Now()
	for range 3 {
		if _, err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.advance(10 * time.Minute)
	}
	// Requests at 0, 10 and 20 minutes; now is 30 minutes.
	freesAt, err := b.SpendHour(context.Background())
	if want := start.Add(time.Hour + 2*time.Second); err != nil || !freesAt.Equal(want) {
		t.Errorf("frees at %s (%v), want %s: when the oldest request leaves the window", freesAt, err, want)
	}
	if wait, err := b.Delay(context.Background()); err != nil || wait != 30*time.Minute+2*time.Second {
		t.Errorf("delay %s (%v), want until then", wait, err)
	}
	// A second refusal while the hour is held spent does not bring it nearer.
	if again, err := b.SpendHour(context.Background()); err != nil || !again.Equal(freesAt) {
		t.Errorf("a second refusal: frees at %s (%v), want %s", again, err, freesAt)
	}
}

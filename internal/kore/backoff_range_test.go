package kore_test

import (
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// draws returns n waits of JitteredBackoff, and the smallest and the largest of them.
func draws(n int, low, high time.Duration, retry int) (waits map[time.Duration]bool, least, most time.Duration) {
	waits = map[time.Duration]bool{}
	least, most = time.Duration(1<<63-1), 0
	for range n {
		wait := kore.JitteredBackoff(low, high, retry)
		waits[wait] = true
		least, most = min(least, wait), max(most, wait)
	}
	return waits, least, most
}

// The ceiling doubles from retry 1 to retry 31 only: from retry 32 on it is high, whatever the floor, so that a
// shift never runs past the integer.
func TestTheBackoffCeilingDoublesUpToRetry31(t *testing.T) {
	if _, _, most := draws(200, 1, 30*time.Second, 31); most > 1<<31 {
		t.Errorf("retry 31 with a floor of 1ns waited %s, more than 2^31 ns", most)
	}
	// 200 draws from 1ns to 30s all under 2^32 ns (about 4.3s) would happen with a probability of 0.14^200.
	if _, _, most := draws(200, 1, 30*time.Second, 32); most <= 1<<32 {
		t.Errorf("retry 32 with a floor of 1ns waited at most %s: the ceiling was doubled, not high", most)
	}
}

// A range of one value, or a ceiling below the floor, waits the floor; a floor of zero still spreads the waits.
func TestTheBackoffRangeAtItsEdges(t *testing.T) {
	for _, tt := range []struct {
		name      string
		low, high time.Duration
		retry     int
	}{
		{name: "a floor equal to the ceiling", low: 5 * time.Millisecond, high: 5 * time.Millisecond, retry: 1},
		{name: "a ceiling below the floor", low: 5 * time.Millisecond, high: time.Millisecond, retry: 3},
		{name: "a doubled floor above the ceiling", low: 5 * time.Millisecond, high: 5 * time.Millisecond, retry: 40},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if waits, _, _ := draws(50, tt.low, tt.high, tt.retry); len(waits) != 1 || !waits[tt.low] {
				t.Errorf("waits = %v, want only the floor %s", waits, tt.low)
			}
		})
	}
	t.Run("a floor of zero", func(t *testing.T) {
		waits, least, most := draws(200, 0, time.Microsecond, 1)
		if least < 0 || most > time.Microsecond || len(waits) < 2 {
			t.Errorf("waits from %s to %s, %d distinct; want spread from 0 to 1µs", least, most, len(waits))
		}
	})
	t.Run("both ends of a range of two values are drawn", func(t *testing.T) {
		// From 1ns, retry 1 doubles the ceiling to 2ns: every draw is 1ns or 2ns, and 100 draws give both.
		waits, _, _ := draws(100, 1, time.Second, 1)
		if len(waits) != 2 || !waits[1] || !waits[2] {
			t.Errorf("waits = %v, want 1ns and 2ns", waits)
		}
	})
}

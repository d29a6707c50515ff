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

	"github.com/gofrs/flock"
)

// answer is a read that counts its calls and answers data.
func answer(calls *atomic.Int32, data []byte) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) {
		calls.Add(1)
		return data, nil
	}
}

func TestAnAnswerOfTheLargestEntrySizeIsCachedAndALargerOneIsNot(t *testing.T) {
	dir := t.TempDir()
	c := newTestCache(t, dir, testSecret, &clock{now: time.Now()})
	ctx := context.Background()
	answerAroundTheLargestEntry(t, c, func(n int, key string, data []byte, fits bool, calls *atomic.Int32) {
		wantReads := int32(2)
		if fits {
			wantReads = 1
		}
		res, err := c.Do(ctx, key, time.Hour, answer(calls, data))
		if err != nil || res.FromCache != fits || !bytes.Equal(res.Data, data) || calls.Load() != wantReads {
			t.Errorf("answer of %d bytes asked again: %+v, %v after %d reads; want from the cache = %v",
				n, res, err, calls.Load(), fits)
		}
	})
	// An entry larger than the limit (written by a cache allowed more) is not served.
	big := newTestCache(t, dir, testSecret, &clock{now: time.Now()})
	var calls atomic.Int32
	if _, err := big.Do(ctx, "large", time.Hour, answer(&calls, bytes.Repeat([]byte{'y'}, 11))); err != nil {
		t.Fatal(err)
	}
	if res, err := c.Do(ctx, "large", time.Hour, answer(&calls, []byte("read again"))); err != nil || res.FromCache {
		t.Errorf("an entry over the limit was served: %+v, %v", res, err)
	}
}

func TestAnEmptyAnswerIsCached(t *testing.T) {
	c := newTestCache(t, t.TempDir(), testSecret, &clock{now: time.Now()})
	var calls atomic.Int32
	for range 2 {
		if _, err := c.Do(context.Background(), "empty", time.Hour, answer(&calls, []byte{})); err != nil {
			t.Fatal(err)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("an empty answer was read %d times, want once", calls.Load())
	}
}

func TestAnEntryDatedUpToAMinuteAheadIsServed(t *testing.T) {
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newTestCache(t, t.TempDir(), testSecret, clk)
	var calls atomic.Int32
	ctx := context.Background()
	if _, err := c.Do(ctx, "k", time.Hour, counted(&calls)); err != nil {
		t.Fatal(err)
	}
	clk.now = clk.now.Add(-futureSlack)
	if res, err := c.Do(ctx, "k", time.Hour, counted(&calls)); err != nil || !res.FromCache || res.Age != 0 {
		t.Errorf("an entry %s ahead of the clock: %+v, %v; want it served, 0 old", futureSlack, res, err)
	}
	clk.now = clk.now.Add(-time.Nanosecond)
	if res, err := c.Do(ctx, "k", time.Hour, counted(&calls)); err != nil || res.FromCache || calls.Load() != 2 {
		t.Errorf("an entry further ahead: %+v, %v after %d reads; want a new read", res, err, calls.Load())
	}
}

func TestDoWaitsForAnotherHolderOfTheEntryOnlyUntilTheDeadline(t *testing.T) {
	dir := t.TempDir()
	c := newTestCache(t, dir, testSecret, &clock{now: time.Now()})
	// Another process reading the same entry holds its lock.
	held := flock.New(filepath.Join(dir, c.name("k"))+".lock", flock.SetPermissions(0o600))
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := held.Unlock(); err != nil {
			t.Error(err)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var calls atomic.Int32
	_, err := c.Do(ctx, "k", time.Hour, counted(&calls))
	if !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 0 {
		t.Errorf("Do = %v after %d reads; want the deadline, without reading", err, calls.Load())
	}
	if _, statErr := os.Stat(filepath.Join(dir, c.name("k"))); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("an entry was written: %v", statErr)
	}
}

// answerAroundTheLargestEntry lowers c's largest entry to 10 bytes of data, then has c answer 10 bytes (which fit)
// and 11 (which do not), checking that each is answered and stored or not, the refusal saying the size; then it hands
// each answer to then for the checks of the cache's kind.
func answerAroundTheLargestEntry(t *testing.T, c *Cache, then func(n int, key string, data []byte, fits bool, calls *atomic.Int32)) {
	t.Helper()
	c.maxEntry = overhead + 10
	for _, n := range []int{10, 11} {
		data := bytes.Repeat([]byte{'x'}, n)
		var calls atomic.Int32
		key := strings.Repeat("k", n)
		res, err := c.Do(context.Background(), key, time.Hour, answer(&calls, data))
		if err != nil || !bytes.Equal(res.Data, data) {
			t.Fatalf("answer of %d bytes: %+v, %v", n, res, err)
		}
		fits := n <= 10
		if fits != (res.StoreErr == nil) {
			t.Errorf("answer of %d bytes: StoreErr = %v, want stored = %v", n, res.StoreErr, fits)
		}
		if !fits && !strings.Contains(res.StoreErr.Error(), "11 bytes") {
			t.Errorf("StoreErr %q does not say the answer's size", res.StoreErr)
		}
		then(n, key, data, fits, &calls)
	}
}

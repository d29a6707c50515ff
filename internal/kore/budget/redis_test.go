package budget

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func newMiniRedis(t *testing.T) (*miniredis.Miniredis, *redis.Client) {
	t.Helper()
	server := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: server.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	return server, client
}

func newRedisBudget(t *testing.T, client redis.Scripter, dir, account string, perMinute, perHour int,
	clock *fakeClock, onFallback func(context.Context, error)) *Budget {
	t.Helper()
	b, err := New(Config{Dir: dir, Account: account, PerMinute: perMinute, PerHour: perHour, Now: clock.Now,
		Sleep: clock.Sleep, Redis: client, OnRedisFallback: onFallback})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The script keeps the windows exactly as the record does: the same operations at the same moments give the same
// answers, whichever keeps them.
func TestRedisKeepsTheWindowsAsTheRecordDoes(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		perMinute, perHour := 1+rng.IntN(6), 1+rng.IntN(20)
		_, client := newMiniRedis(t)
		localClock, redisClock := newFakeClock(), newFakeClock()
		// The in-process records live as long as the test binary: a run of its own for -count.
		account := fmt.Sprintf("%s-%d-%d", uniqueAccount(t), time.Now().UnixNano(), seed)
		local := newTestBudget(t, "", account, perMinute, perHour, localClock)
		inRedis := newRedisBudget(t, client, "", account+"-redis", perMinute, perHour, redisClock, nil)
		ctx := context.Background()
		for step := range 120 {
			var got, want any
			var gotErr, wantErr error
			switch op := rng.IntN(10); {
			case op < 5:
				want, wantErr = local.Wait(ctx)
				got, gotErr = inRedis.Wait(ctx)
			case op < 7:
				want, wantErr = local.Delay(ctx)
				got, gotErr = inRedis.Delay(ctx)
			case op < 8:
				want, wantErr = local.AfterRefusal(ctx)
				got, gotErr = inRedis.AfterRefusal(ctx)
			case op < 9 && step%7 == 0:
				want, wantErr = local.SpendHour(ctx)
				got, gotErr = inRedis.SpendHour(ctx)
			default:
				d := time.Duration(rng.IntN(90_000)) * time.Millisecond
				localClock.advance(d)
				redisClock.advance(d)
				continue
			}
			if got != want || (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("seed %d, step %d (%d a minute, %d an hour): Redis answered %v, %v; the record %v, %v",
					seed, step, perMinute, perHour, got, gotErr, want, wantErr)
			}
		}
		if inRedis.RedisErr() != nil || !inRedis.InRedis() {
			t.Fatalf("Redis stopped keeping the budget: %v", inRedis.RedisErr())
		}
	}
}

// Budgets on different machines (each its own directory) that share a Redis never take more than the limits
// allow between them.
func TestRedisIsSharedByMachines(t *testing.T) {
	server, client := newMiniRedis(t)
	clock := newFakeClock()
	account := uniqueAccount(t)
	var machines []*Budget
	for range 3 {
		machines = append(machines, newRedisBudget(t, client, t.TempDir(), account, 4, 100, clock, nil))
	}
	var wg sync.WaitGroup
	for _, b := range machines {
		wg.Go(func() {
			for range 4 {
				if _, err := b.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// The moments the slots were taken are the set's scores (the clock the machines share jumps with every sleep,
	// so the moments Wait returned would say little): 12 requests at 4 a minute, each counted 62 s, never 5 within
	// a window.
	keys := server.Keys()
	if len(keys) != 1 {
		t.Fatalf("Redis keys %q, want one", keys)
	}
	members, _ := server.ZMembers(keys[0])
	if len(members) != 12 {
		t.Fatalf("%d requests recorded, want 12", len(members))
	}
	var sent []float64
	for _, m := range members {
		score, _ := server.ZScore(keys[0], m)
		sent = append(sent, score)
	}
	for i, at := range sent {
		within := 0
		for _, other := range sent {
			if other <= at && other > at-62e6 {
				within++
			}
		}
		if within > 4 {
			t.Errorf("request %d at %.0f µs: %d requests within 62 s", i, at, within)
		}
	}
	if !regexp.MustCompile(`^kore:budget:[0-9a-f]{32}$`).MatchString(keys[0]) {
		t.Errorf("Redis keys %q, want one hashed key", keys)
	}
	for _, m := range members {
		if strings.Contains(m, "kore") || strings.Contains(m, "app") {
			t.Errorf("member %q names the account", m)
		}
	}
}

// Redis lost mid-run: the budget continues in its directory, says so once, and keeps working.
func TestRedisLostFallsBackToTheDirectory(t *testing.T) {
	server, client := newMiniRedis(t)
	clock := newFakeClock()
	var fallbacks []error
	dir := t.TempDir()
	b := newRedisBudget(t, client, dir, uniqueAccount(t), 2, 100, clock,
		func(_ context.Context, err error) { fallbacks = append(fallbacks, err) })
	ctx := context.Background()
	if _, err := b.Wait(ctx); err != nil || !b.InRedis() {
		t.Fatalf("Wait: %v, in Redis %v", err, b.InRedis())
	}
	server.Close()
	for range 3 {
		if _, err := b.Wait(ctx); err != nil {
			t.Fatalf("Wait after Redis went away: %v", err)
		}
	}
	var redisErr *RedisError
	if len(fallbacks) != 1 || !errors.As(fallbacks[0], &redisErr) || !errors.As(b.RedisErr(), &redisErr) {
		t.Fatalf("fallbacks %v, RedisErr %v; want one *RedisError", fallbacks, b.RedisErr())
	}
	if b.InRedis() || b.DirError() != nil {
		t.Errorf("in Redis %v, directory %v: want the directory", b.InRedis(), b.DirError())
	}
	// The directory's record took the three: with 2 a minute the third waited a minute.
	if sleeps := clock.sleeps; len(sleeps) != 1 || sleeps[0] != 62*time.Second {
		t.Errorf("sleeps %v, want one of 62s", sleeps)
	}
	if _, err := b.Delay(ctx); err != nil {
		t.Fatal(err)
	}
	if len(fallbacks) != 1 {
		t.Errorf("the fallback was told %d times", len(fallbacks))
	}
}

// A wrong password is a fallback, not an error; so is an answer that is not the script's.
func TestRedisRefusalsFallBack(t *testing.T) {
	server, _ := newMiniRedis(t)
	server.RequireAuth("right")
	wrong := redis.NewClient(&redis.Options{Addr: server.Addr(), Password: "wrong", MaxRetries: -1})
	t.Cleanup(func() { _ = wrong.Close() })
	clock := newFakeClock()
	var fallback error
	b := newRedisBudget(t, wrong, "", uniqueAccount(t), 2, 100, clock,
		func(_ context.Context, err error) { fallback = err })
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fallback == nil || b.InRedis() {
		t.Fatalf("fallback %v, in Redis %v", fallback, b.InRedis())
	}
	if strings.Contains(fallback.Error(), "wrong") {
		t.Errorf("the fallback's error holds the password: %v", fallback)
	}
}

// A context that ends during a call to Redis ends the wait; it is no reason to leave Redis.
func TestRedisCallEndedByTheContextKeepsRedis(t *testing.T) {
	_, client := newMiniRedis(t)
	b := newRedisBudget(t, client, "", uniqueAccount(t), 2, 100, newFakeClock(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Delay(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Delay: %v, want context.Canceled", err)
	}
	if !b.InRedis() {
		t.Error("a cancelled call left Redis")
	}
}

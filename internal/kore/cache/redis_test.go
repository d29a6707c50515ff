package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func newRedisCache(t *testing.T, client redis.Cmdable, dir string, clk *clock, onFallback func(context.Context, error)) *Cache {
	t.Helper()
	c, err := New(Config{Dir: dir, Account: testAccount, Secret: testSecret, Salt: testSalt, Now: clk.Now,
		Redis: client, OnRedisFallback: onFallback})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func newMiniRedis(t *testing.T) (*miniredis.Miniredis, *redis.Client) {
	t.Helper()
	server := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: server.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	return server, client
}

// Caches on different machines (each its own directory) that share a Redis share their entries: sealed as on
// disk, under hashed names, expiring with the TTL, and nothing of the account in clear.
func TestRedisEntriesAreSharedByMachines(t *testing.T) {
	server, client := newMiniRedis(t)
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	first := newRedisCache(t, client, t.TempDir(), clk, nil)
	secondDir := t.TempDir()
	second := newRedisCache(t, client, secondDir, clk, nil)
	var calls atomic.Int32
	ctx := context.Background()
	if res, err := first.Do(ctx, "groups", time.Hour, counted(&calls)); err != nil || res.FromCache {
		t.Fatalf("the first read: %+v, %v", res, err)
	}
	clk.now = clk.now.Add(time.Minute)
	res, err := second.Do(ctx, "groups", time.Hour, counted(&calls))
	if err != nil || !res.FromCache || res.Age != time.Minute || string(res.Data) != marker || calls.Load() != 1 {
		t.Fatalf("another machine: %+v, %v, %d reads; want the entry, a minute old", res, err, calls.Load())
	}
	if entries, _ := os.ReadDir(secondDir); len(entries) != 0 {
		t.Errorf("the second machine's directory holds %d files", len(entries))
	}
	keys := server.Keys()
	if len(keys) != 1 || !regexp.MustCompile(`^kore:cache:entry:[0-9a-f]{32}$`).MatchString(keys[0]) {
		t.Fatalf("Redis keys %q, want one hashed entry (the lock released)", keys)
	}
	value, _ := server.Get(keys[0])
	for _, plain := range []string{"Payroll", "alice", "kore.example", "cs-app", testSecret} {
		if bytes.Contains([]byte(value+keys[0]), []byte(plain)) {
			t.Errorf("Redis holds %q in clear", plain)
		}
	}
	if ttl := server.TTL(keys[0]); ttl != time.Hour {
		t.Errorf("the entry expires in %s, want the TTL", ttl)
	}
	// Another secret cannot open it: a miss, read again.
	other, err := New(Config{Dir: t.TempDir(), Account: testAccount, Secret: "another-secret", Salt: testSalt,
		Now: clk.Now, Redis: client})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := other.Do(ctx, "groups", time.Hour, counted(&calls)); err != nil || res.FromCache || calls.Load() != 2 {
		t.Errorf("another secret: %+v, %v", res, err)
	}
	second.Forget("groups")
	if server.Exists(keys[0]) {
		t.Error("Forget left the entry in Redis")
	}
}

// An entry's Redis expiry counts from its read's first request.
func TestRedisEntryExpiresATTLAfterTheFirstPage(t *testing.T) {
	server, client := newMiniRedis(t)
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newRedisCache(t, client, t.TempDir(), clk, nil)
	if _, err := c.Do(context.Background(), "groups", 70*time.Second, func(ctx context.Context) ([]byte, error) {
		MarkFetched(ctx)
		clk.now = clk.now.Add(62 * time.Second)
		return []byte(marker), nil
	}); err != nil {
		t.Fatal(err)
	}
	keys := server.Keys()
	if len(keys) != 1 || server.TTL(keys[0]) != 8*time.Second {
		t.Fatalf("keys %q expire in %s, want one in 8s", keys, server.TTL(keys[0]))
	}
	clk.now = clk.now.Add(10 * time.Second)
	if _, err := c.Do(context.Background(), "late", 5*time.Second, func(ctx context.Context) ([]byte, error) {
		MarkFetched(ctx)
		clk.now = clk.now.Add(6 * time.Second)
		return []byte(marker), nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(server.Keys()) != 1 {
		t.Errorf("an answer older than its TTL was stored: %q", server.Keys())
	}
}

// A process that wants an entry another holds the lock of waits for its answer instead of reading.
func TestRedisLockMakesOthersWait(t *testing.T) {
	server, client := newMiniRedis(t)
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	holder := newRedisCache(t, client, t.TempDir(), clk, nil)
	waiter := newRedisCache(t, client, t.TempDir(), clk, nil)
	name := holder.name("groups")
	if err := server.Set(RedisKeyPrefix+"lock:"+name, "another-holder"); err != nil {
		t.Fatal(err)
	}
	server.SetTTL(RedisKeyPrefix+"lock:"+name, redisLockTTL)
	var calls atomic.Int32
	done := make(chan Result)
	go func() {
		res, err := waiter.Do(context.Background(), "groups", time.Hour, counted(&calls))
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	time.Sleep(3 * redisLockRetry)
	sealed, err := holder.seal(name, []byte(marker), clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Set(RedisKeyPrefix+"entry:"+name, string(sealed)); err != nil {
		t.Fatal(err)
	}
	if res := <-done; !res.FromCache || calls.Load() != 0 {
		t.Errorf("the waiter: %+v after %d reads; want the holder's answer", res, calls.Load())
	}
	if got, _ := server.Get(RedisKeyPrefix + "lock:" + name); got != "another-holder" {
		t.Errorf("the waiter touched the holder's lock: %q", got)
	}

	// A holder that died: its lock expires, and the waiter reads.
	if err := server.Set(RedisKeyPrefix+"lock:"+waiter.name("users"), "dead-holder"); err != nil {
		t.Fatal(err)
	}
	server.SetTTL(RedisKeyPrefix+"lock:"+waiter.name("users"), redisLockTTL)
	go func() {
		res, err := waiter.Do(context.Background(), "users", time.Hour, counted(&calls))
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	time.Sleep(3 * redisLockRetry)
	server.FastForward(redisLockTTL)
	if res := <-done; res.FromCache || calls.Load() != 1 {
		t.Errorf("after the lock expired: %+v, %d reads; want a read", res, calls.Load())
	}
	if server.Exists(RedisKeyPrefix + "lock:" + waiter.name("users")) {
		t.Error("the waiter's own lock was left behind")
	}

	// A wait ended by the context names the lock.
	if err := server.Set(RedisKeyPrefix+"lock:"+waiter.name("roles"), "slow-holder"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*redisLockRetry)
	defer cancel()
	_, err = waiter.Do(ctx, "roles", time.Hour, counted(&calls))
	var lockWait *LockWaitError
	if !errors.As(err, &lockWait) || !errors.Is(err, context.DeadlineExceeded) || !waiter.InRedis() {
		t.Errorf("a wait past the deadline: %v (in Redis %v); want a *LockWaitError", err, waiter.InRedis())
	}
}

// Redis unreachable from the start, or lost during a read: the cache continues in its directory, says so once,
// and the read's answer is kept there.
func TestRedisLostFallsBackToTheDirectory(t *testing.T) {
	for _, when := range []string{"before", "during"} {
		t.Run(when, func(t *testing.T) {
			server, client := newMiniRedis(t)
			clk := &clock{now: time.Unix(1_800_000_000, 0)}
			var fallbacks []error
			c := newRedisCache(t, client, t.TempDir(), clk, func(_ context.Context, err error) {
				fallbacks = append(fallbacks, err)
			})
			if when == "before" {
				server.Close()
			}
			var calls atomic.Int32
			res, err := c.Do(context.Background(), "groups", time.Hour, func(ctx context.Context) ([]byte, error) {
				if when == "during" {
					server.Close()
				}
				return counted(&calls)(ctx)
			})
			if err != nil || string(res.Data) != marker || res.StoreErr != nil {
				t.Fatalf("Do: %+v, %v", res, err)
			}
			var redisErr *RedisError
			if len(fallbacks) != 1 || !errors.As(fallbacks[0], &redisErr) || c.InRedis() ||
				!errors.As(c.RedisErr(), &redisErr) {
				t.Fatalf("fallbacks %v, in Redis %v", fallbacks, c.InRedis())
			}
			if res, err := c.Do(context.Background(), "groups", time.Hour, counted(&calls)); err != nil ||
				!res.FromCache || calls.Load() != 1 {
				t.Errorf("the next read: %+v, %v, %d reads; want it from the directory", res, err, calls.Load())
			}
			if len(fallbacks) != 1 {
				t.Errorf("the fallback was told %d times", len(fallbacks))
			}
		})
	}
}

// In Redis as on disk, an answer of the largest entry size is kept and one byte more is not (it is answered, with
// the reason it was not stored).
func TestRedisKeepsAnAnswerOfTheLargestEntrySizeAndNotALargerOne(t *testing.T) {
	server, client := newMiniRedis(t)
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newRedisCache(t, client, t.TempDir(), clk, nil)
	answerAroundTheLargestEntry(t, c, func(n int, _ string, _ []byte, _ bool, _ *atomic.Int32) {
		if got := len(server.Keys()); got != 1 {
			t.Errorf("after the answer of %d bytes Redis holds %d keys, want the one entry of 10 bytes", n, got)
		}
	})
}

// A read that took its whole TTL leaves nothing in Redis: the entry would be born expired.
func TestRedisKeepsNoEntryOfAReadThatOutlastedItsTTL(t *testing.T) {
	server, client := newMiniRedis(t)
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	c := newRedisCache(t, client, t.TempDir(), clk, nil)
	const ttl = time.Minute
	for _, took := range []time.Duration{ttl - time.Millisecond, ttl} {
		key := fmt.Sprint("took-", took)
		res, err := c.Do(context.Background(), key, ttl, func(context.Context) ([]byte, error) {
			clk.now = clk.now.Add(took)
			return []byte(marker), nil
		})
		if err != nil || string(res.Data) != marker {
			t.Fatalf("a read of %s: %+v, %v", took, res, err)
		}
	}
	if keys := server.Keys(); len(keys) != 1 || server.TTL(keys[0]) != time.Millisecond {
		t.Errorf("Redis keys %q; want only the entry of the read that left it a millisecond", keys)
	}
}

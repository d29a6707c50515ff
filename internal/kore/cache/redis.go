package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisKeyPrefix starts the name of every key the cache keeps in Redis: "entry:" or "lock:", then the entry's name
// (a hash of the account and the read). Values are entries sealed exactly as on disk; Redis expires each when its
// TTL runs out.
const RedisKeyPrefix = "kore:cache:"

// The lock of an entry in Redis expires after redisLockTTL unless its holder, still reading, renews it every
// redisLockRenew: a process killed while reading holds it for redisLockTTL at most. Processes that want the entry
// look for it (and try the lock) every redisLockRetry.
const (
	redisLockTTL   = 10 * time.Second
	redisLockRenew = 3 * time.Second
	redisLockRetry = 50 * time.Millisecond
)

// unlockScript removes a lock only if it still holds this holder's token: one that expired and was taken by
// another process is left to it.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// renewScript extends a lock only if it still holds this holder's token.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)

// RedisError reports that Redis could not keep the cache; the cache continues in its directory.
type RedisError struct{ Err error }

func (e *RedisError) Error() string { return "the read cache in Redis: " + e.Err.Error() }
func (e *RedisError) Unwrap() error { return e.Err }

// redisClient is the Redis the cache uses, nil when none was given or once it failed.
func (c *Cache) redisClient() redis.Cmdable {
	c.redisMu.Lock()
	defer c.redisMu.Unlock()
	return c.redis
}

// InRedis reports whether the entries are kept in Redis now.
func (c *Cache) InRedis() bool { return c.redisClient() != nil }

// RedisErr is nil while the cache is kept in Redis (or was never asked to be), and otherwise says why Redis
// stopped keeping it.
func (c *Cache) RedisErr() error {
	c.redisMu.Lock()
	defer c.redisMu.Unlock()
	return c.redisErr
}

// leaveRedis makes the cache continue in its directory for good after err, and tells OnRedisFallback once.
func (c *Cache) leaveRedis(ctx context.Context, client redis.Cmdable, err error) {
	c.redisMu.Lock()
	switched := c.redis == client
	if switched {
		c.redis, c.redisErr = nil, &RedisError{Err: err}
	}
	c.redisMu.Unlock()
	if switched && c.onRedisFallback != nil {
		c.onRedisFallback(ctx, &RedisError{Err: err})
	}
}

// doInRedis is Do with the entry and its lock in Redis. done is false when Redis failed before read was called:
// the caller then goes on in the directory. Once read was called its answer is returned, and stored in the
// directory if Redis fails to take it.
func (c *Cache) doInRedis(ctx context.Context, client redis.Cmdable, name string, ttl time.Duration,
	read func(ctx context.Context) ([]byte, error)) (Result, error, bool) {
	entryKey, lockKey := RedisKeyPrefix+"entry:"+name, RedisKeyPrefix+"lock:"+name
	load := func(ctx context.Context) (Result, bool, error) {
		sealed, err := client.Get(ctx, entryKey).Bytes()
		if errors.Is(err, redis.Nil) {
			return Result{}, false, nil
		}
		if err != nil {
			return Result{}, false, err
		}
		res, ok := c.fresh(sealed, name, ttl)
		return res, ok, nil
	}
	// failed ends the Redis path: the end of ctx is the caller's error, anything else a reason to leave Redis
	// (done is then false: the caller goes on in the directory).
	failed := func(err error) (error, bool) {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return &LockWaitError{Path: "Redis " + lockKey, Err: ctxErr}, true
		}
		c.leaveRedis(ctx, client, err)
		return nil, false
	}

	if res, ok, err := load(ctx); err != nil {
		err, done := failed(err)
		return Result{}, err, done
	} else if ok {
		return res, nil, true
	}
	type answer struct {
		res  Result
		done bool
	}
	v, err, _ := c.flights.Do("redis\x00"+name, func() (any, error) {
		var token [16]byte
		if _, err := rand.Read(token[:]); err != nil {
			return nil, err
		}
		holder := hex.EncodeToString(token[:])
		for {
			taken, err := client.SetNX(ctx, lockKey, holder, redisLockTTL).Result()
			if err != nil {
				err, done := failed(err)
				return answer{done: done}, err
			}
			if taken {
				break
			}
			// Another process, here or on another machine, is making this read: wait for its answer.
			select {
			case <-ctx.Done():
				err, done := failed(ctx.Err())
				return answer{done: done}, err
			case <-time.After(redisLockRetry):
			}
			if res, ok, err := load(ctx); err != nil {
				err, done := failed(err)
				return answer{done: done}, err
			} else if ok {
				return answer{res, true}, nil
			}
		}
		stopRenewing := c.renewLock(client, lockKey, holder)
		defer func() {
			stopRenewing()
			// Best effort: a lock left behind expires within redisLockTTL.
			_ = unlockScript.Run(context.WithoutCancel(ctx), client, []string{lockKey}, holder).Err()
		}()
		if res, ok, err := load(ctx); err != nil {
			err, done := failed(err)
			return answer{done: done}, err
		} else if ok {
			return answer{res, true}, nil
		}

		data, asOf, err := c.timedRead(ctx, read)
		if err != nil {
			return answer{done: true}, err
		}
		res := Result{Data: data}
		if len(data) > c.maxEntry-overhead {
			res.StoreErr = fmt.Errorf("the answer of %d bytes is larger than a cache entry may be", len(data))
			return answer{res, true}, nil
		}
		sealed, err := c.seal(name, data, asOf)
		if err != nil {
			res.StoreErr = err
			return answer{res, true}, nil
		}
		// Redis expires the entry when its TTL, counted from its first page, runs out.
		if left := ttl - c.now().Sub(asOf); left > 0 {
			if err := client.Set(context.WithoutCancel(ctx), entryKey, sealed, max(left, time.Millisecond)).Err(); err != nil {
				c.leaveRedis(ctx, client, err)
				res.StoreErr = c.store(c.path(name), name, data, asOf)
			}
		}
		return answer{res, true}, nil
	})
	got, _ := v.(answer) // the function above returns nothing else
	if err != nil {
		return Result{}, err, true
	}
	return got.res, nil, got.done
}

// renewLock extends the lock every redisLockRenew until the returned function is called.
func (c *Cache) renewLock(client redis.Cmdable, lockKey, holder string) func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(redisLockRenew)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				ctx, cancel := context.WithTimeout(context.Background(), redisLockRenew)
				_ = renewScript.Run(ctx, client, []string{lockKey}, holder, redisLockTTL.Milliseconds()).Err()
				cancel()
			}
		}
	}()
	return func() {
		close(stop)
		<-done
	}
}

package kore

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kore-community/terraform-provider-kore/internal/kore/cache"
	"github.com/kore-community/terraform-provider-kore/internal/kore/localfs"
)

// UnsafeDirError reports a cache directory that another user owns or may write in; it is refused (see
// StateDirError).
type UnsafeDirError = localfs.UnsafeDirError

// StateDirError is nil when the requests budget is shared with other processes through Config.CacheDir (and the
// cache, if asked for, is on), or when no CacheDir was given; otherwise it says why the directory cannot be used:
// the budget is then kept in this process and the cache is off.
func (c *Client) StateDirError() error { return c.stateDirErr }

// CacheEnabled reports whether reads may be answered from the shared cache.
func (c *Client) CacheEnabled() bool { return c.readCache != nil }

// openReadCache turns the cache on when a TTL and a usable directory were given. The key is derived from the
// secret of the credentials (client secret or token) and the host, so that other credentials never open an entry.
func (c *Client) openReadCache(cfg Config, test hooks) {
	if cfg.CacheTTL <= 0 || cfg.CacheDir == "" {
		return
	}
	if c.stateDirErr != nil {
		return // the budget already found the directory unusable
	}
	var inRedis redis.Cmdable
	if c.redis != nil {
		inRedis = c.redis
	}
	opened, err := cache.New(cache.Config{
		Redis:           inRedis,
		OnRedisFallback: func(ctx context.Context, err error) { c.redisLost(ctx, err, false) },
		Dir:             filepath.Join(cfg.CacheDir, "cache"),
		Account:         c.account.identity,
		Secret:          c.account.secret,
		Salt:            c.account.salt,
		Now:             test.cacheNow,
		OnLockError: func(ctx context.Context, err error) {
			c.warn(ctx, "Kore.ai read cache entry not locked; reading without waiting for other processes",
				map[string]any{"error": err.Error()})
		},
	})
	if err != nil {
		c.stateDirErr = err
		return
	}
	c.readCache = opened
}

// cacheInfo says where the bytes of a cachedRead came from.
type cacheInfo struct {
	fromCache bool
	age       time.Duration
}

// cachedRead answers key from the shared cache when it holds a fresh entry, and otherwise calls read (once across
// the processes that ask at the same time) and stores its answer. Without a cache it is read itself. key names the
// endpoint and every parameter that changes the answer; the account is added by the cache.
func (c *Client) cachedRead(ctx context.Context, key string, read func(ctx context.Context) ([]byte, error)) ([]byte, cacheInfo, error) {
	if c.readCache == nil {
		data, err := read(ctx)
		return data, cacheInfo{}, err
	}
	res, err := c.readCache.Do(ctx, key, c.cacheTTL, read)
	var lockWait *cache.LockWaitError
	if errors.As(err, &lockWait) {
		return nil, cacheInfo{}, &LockWaitError{Lock: "a read cache entry", Path: lockWait.Path, Err: lockWait.Err}
	}
	if err != nil {
		return nil, cacheInfo{}, err
	}
	if res.StoreErr != nil {
		c.warn(ctx, "Kore.ai read not cached", map[string]any{"key": key, "error": res.StoreErr.Error()})
	}
	return res.Data, cacheInfo{fromCache: res.FromCache, age: res.Age}, nil
}

// cachedList is a read through the shared cache: its result is stored as JSON under key (the endpoint and its
// parameters; the cache adds the account). The list types hold only exported fields with JSON tags, and null and
// empty stay apart, so a list read from the cache is the list that was stored.
func cachedList[L any](ctx context.Context, c *Client, key string, read func(context.Context) (*L, error)) (*L, error) {
	for range 2 {
		var fresh *L
		data, info, err := c.cachedRead(ctx, key, func(ctx context.Context) ([]byte, error) {
			list, err := read(ctx)
			if err != nil {
				return nil, err
			}
			fresh = list
			return json.Marshal(list)
		})
		if err != nil {
			return nil, err
		}
		if fresh != nil {
			return fresh, nil
		}
		list := new(L)
		if err := json.Unmarshal(data, list); err != nil {
			// Entries are authenticated, so this is an entry of another version of this client: read again.
			c.readCache.Forget(key)
			continue
		}
		if info.fromCache {
			c.debug(ctx, "Kore.ai read answered from the cache, "+info.age.Round(time.Second).String()+" old",
				map[string]any{"read": key, "from_cache": true, "cache_age_s": int64(info.age.Seconds())})
		}
		return list, nil
	}
	// Another version of this client stored its entry again before this one could: read without the cache.
	return read(ctx)
}

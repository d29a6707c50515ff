package budget

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisKeyPrefix starts the name of every account's key in Redis; the rest is a hash of the account.
const RedisKeyPrefix = "kore:budget:"

// redisScript keeps an account's two rolling windows in one sorted set, one member per request scored by the
// microsecond it was allowed (a Unix time in microseconds fits a double exactly; nanoseconds would not), and does
// on it, atomically, what update does on a record: drop what left the long window, take a time later than now as
// now, and then reserve a slot, say how long until one is free, how long to wait after a refusal, or fill the long
// window after the hourly refusal. Every machine that shares the Redis runs it, so no two of them ever take the
// same slot. The member names are random: Redis holds no host, client id or anything else of the account.
var redisScript = redis.NewScript(`
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local short, perMinute = tonumber(ARGV[3]), tonumber(ARGV[4])
local long, perHour = tonumber(ARGV[5]), tonumber(ARGV[6])
local keep = tonumber(ARGV[7])
local member = ARGV[8]

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - long)

local function at(rank)
  local got = redis.call('ZRANGE', key, rank, rank, 'WITHSCORES')
  return math.min(tonumber(got[2]), now)
end

local n = redis.call('ZCARD', key)
local wait, window = 0, ''
if n >= perMinute then
  local free = at(n - perMinute) + short - now
  if free > wait then wait, window = free, 'minute' end
end
if n >= perHour then
  local free = at(n - perHour) + long - now
  if free > wait then wait, window = free, 'hour' end
end

local function trim()
  local count = redis.call('ZCARD', key)
  if count > keep then redis.call('ZREMRANGEBYRANK', key, 0, count - keep - 1) end
  redis.call('PEXPIRE', key, math.floor(long / 1000) + 1000)
end

if op == 'reserve' then
  if wait <= 0 then
    redis.call('ZADD', key, now, member)
    trim()
  end
  return {wait, window, 0}
elseif op == 'delay' then
  return {wait, window, 0}
elseif op == 'refusal' then
  local first = redis.call('ZRANGEBYSCORE', key, '(' .. (now - short), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  local w = short
  if #first > 0 then w = math.min(tonumber(first[2]), now) + short - now end
  if wait > w then w = wait end
  return {w, window, 0}
elseif op == 'hour' then
  local freesAt = now + long
  if n > 0 then freesAt = at(0) + long end
  if now + wait > freesAt then freesAt = now + wait end
  local batch = {}
  for i = 1, perHour do
    batch[#batch + 1] = freesAt - long
    batch[#batch + 1] = member .. ':' .. i
    if #batch >= 2000 then
      redis.call('ZADD', key, unpack(batch))
      batch = {}
    end
  end
  if #batch > 0 then redis.call('ZADD', key, unpack(batch)) end
  trim()
  return {0, '', freesAt}
end
return redis.error_reply('unknown operation ' .. op)
`)

// The operations of redisScript.
const (
	opReserve = "reserve"
	opDelay   = "delay"
	opRefusal = "refusal"
	opHour    = "hour"
)

// RedisError reports that Redis could not keep the budget; the budget continues on this machine.
type RedisError struct{ Err error }

func (e *RedisError) Error() string { return "the request budget in Redis: " + e.Err.Error() }
func (e *RedisError) Unwrap() error { return e.Err }

// redisResult is what redisScript answers: a wait, the window that decides it, and when a spent hour frees.
type redisResult struct {
	wait    time.Duration
	window  string
	freesAt time.Time
}

// inRedis runs op on the account's key in Redis. It says false when the budget does not use Redis (or no longer
// does: the first failure makes the budget continue on this machine for good, and OnRedisFallback is told).
func (b *Budget) inRedis(ctx context.Context, op string) (redisResult, bool, error) {
	b.mu.Lock()
	client := b.redis
	b.mu.Unlock()
	if client == nil {
		return redisResult{}, false, nil
	}
	res, err := b.runScript(ctx, client, op)
	if err == nil {
		return res, true, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return redisResult{}, true, ctxErr
	}
	b.mu.Lock()
	switched := b.redis == client
	if switched {
		b.redis, b.redisErr = nil, &RedisError{Err: err}
	}
	b.mu.Unlock()
	if switched && b.cfg.OnRedisFallback != nil {
		b.cfg.OnRedisFallback(ctx, &RedisError{Err: err})
	}
	return redisResult{}, false, nil
}

func (b *Budget) runScript(ctx context.Context, client redis.Scripter, op string) (redisResult, error) {
	var salt [8]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return redisResult{}, err
	}
	micro := func(d time.Duration) int64 { return int64(d / time.Microsecond) }
	keep := min(max(b.cfg.PerHour, b.cfg.PerMinute), maxEntries)
	reply, err := redisScript.Run(ctx, client, []string{RedisKeyPrefix + accountID(b.cfg.Account)},
		op, b.cfg.Now().UnixMicro(), micro(b.cfg.ShortWindow+b.cfg.Margin), b.cfg.PerMinute,
		micro(b.cfg.LongWindow+b.cfg.Margin), b.cfg.PerHour, keep, hex.EncodeToString(salt[:])).Slice()
	if err != nil {
		return redisResult{}, err
	}
	if len(reply) != 3 {
		return redisResult{}, fmt.Errorf("the budget script answered %d values, want 3", len(reply))
	}
	wait, okWait := reply[0].(int64)
	window, okWindow := reply[1].(string)
	freesAt, okFrees := reply[2].(int64)
	if !okWait || !okWindow || !okFrees {
		return redisResult{}, errors.New("the budget script answered values of unexpected types")
	}
	return redisResult{wait: time.Duration(wait) * time.Microsecond, window: window,
		freesAt: time.UnixMicro(freesAt)}, nil
}

// RedisErr is nil while the budget is kept in Redis (or was never asked to be), and otherwise says why Redis
// stopped keeping it.
func (b *Budget) RedisErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.redisErr
}

// InRedis reports whether the budget is kept in Redis now.
func (b *Budget) InRedis() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.redis != nil
}

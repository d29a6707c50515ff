// Package budget keeps every process of one machine that talks to the same Kore.ai account within the account's
// request limits: at most PerMinute requests in any rolling short window (60 s) and PerHour in any rolling long
// window (3,600 s).
//
// The requests sent are recorded in one small file per account in a shared directory, read and rewritten under a
// file lock, so that separate processes (Terraform starts one per provider configuration and run) see one another's
// requests. When the directory cannot be used the same algorithm runs on a record held in memory, shared by every
// Budget of this process for the same account.
package budget

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kore-community/terraform-provider-kore/internal/kore/localfs"
)

// Default windows and margin. Kore.ai counts its limits over any rolling minute and any rolling hour.
const (
	DefaultShortWindow = time.Minute
	DefaultLongWindow  = time.Hour
	// DefaultMargin is added to both windows: a request counts as if it lasted window + margin. The record holds
	// the moment a request was allowed, but the server counts the moment it arrived, which is later by the time to
	// connect and send (and by the gap between processes' clocks, on one machine none). Counting each request two
	// seconds longer keeps a server that counts exactly the same windows from ever seeing one request too many,
	// unless a request takes more than two seconds to reach it. The limits themselves are used in full, so a
	// burst may still spend the whole budget at once.
	DefaultMargin = 2 * time.Second
)

// maxEntries bounds the record whatever the limits or a corrupted file say.
const maxEntries = 1 << 20

// Config configures a Budget.
type Config struct {
	// Dir is the directory holding the shared records; "" keeps the budget in this process.
	Dir string
	// Account identifies the account, for example host and client id. Only its SHA-256 is used (as the file
	// name), so it may hold a secret, though it need not.
	Account string
	// PerMinute and PerHour are the limits of the short and the long window; both must be 1 or more.
	PerMinute, PerHour int
	// ShortWindow, LongWindow and Margin default to 60 s, 3,600 s and 2 s; tests shorten them.
	ShortWindow, LongWindow, Margin time.Duration
	// Now and Sleep default to the real clock; Sleep must return early with ctx.Err() when ctx ends.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// OnWait, if set, is told before every wait how long it will be and why.
	OnWait func(ctx context.Context, wait time.Duration, reason string)
	// OnFallback, if set, is told when the shared record becomes unusable after New and the budget continues in
	// this process only.
	OnFallback func(ctx context.Context, err error)
	// OnDamaged, if set, is told when the shared record exists but cannot be read or does not check out, and so
	// counts as a spent short window.
	OnDamaged func(ctx context.Context, err error)
	// Redis, if set, keeps the account's windows in Redis (see redisScript), shared by every machine that uses it;
	// the record in Dir (or this process) is then not used until Redis fails.
	Redis redis.Scripter
	// OnRedisFallback, if set, is told when Redis fails (a *RedisError) and the budget continues in Dir, or in
	// this process.
	OnRedisFallback func(ctx context.Context, err error)
}

// Budget hands out the right to send one request. It is safe for concurrent use.
type Budget struct {
	cfg Config

	mu    sync.Mutex // guards store, dirErr, redis and redisErr
	store store
	// dirErr is why the shared directory is not used; nil while it is.
	dirErr error
	// redis keeps the budget while it works; nil when none was given or once it failed, as redisErr says.
	redis    redis.Scripter
	redisErr error
}

// The windows a DeadlineError names: the short one (PerMinute) and the long one (PerHour).
const (
	WindowMinute = "minute"
	WindowHour   = "hour"
)

// DeadlineError reports that the next free slot comes after the caller's deadline. It matches
// context.DeadlineExceeded.
type DeadlineError struct {
	Wait time.Duration
	// Window is the window whose budget is spent: WindowMinute or WindowHour (the later to free a slot when both are).
	Window string
	Reason string
}

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("the account's request budget frees the next slot in %s (%s), after the deadline",
		e.Wait.Round(time.Millisecond), e.Reason)
}

func (e *DeadlineError) Unwrap() error { return context.DeadlineExceeded }

// New returns a Budget. It fails only for limits below 1: when Dir is "" or unusable the budget is kept in this
// process, and DirError says why.
func New(cfg Config) (*Budget, error) {
	if cfg.PerMinute < 1 || cfg.PerHour < 1 {
		return nil, fmt.Errorf("request limits of %d a minute and %d an hour: both must be 1 or more",
			cfg.PerMinute, cfg.PerHour)
	}
	if cfg.ShortWindow <= 0 {
		cfg.ShortWindow = DefaultShortWindow
	}
	if cfg.LongWindow <= 0 {
		cfg.LongWindow = DefaultLongWindow
	}
	if cfg.Margin < 0 {
		cfg.Margin = 0
	} else if cfg.Margin == 0 {
		cfg.Margin = DefaultMargin
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	b := &Budget{cfg: cfg, redis: cfg.Redis}
	b.store, b.dirErr = openStore(cfg.Dir, accountID(cfg.Account))
	return b, nil
}

// openStore returns the shared record in dir, or else the in-process one and why dir is not used.
func openStore(dir, id string) (store, error) {
	if dir == "" {
		return memoryStore(id), errors.New("no directory was given")
	}
	fs, err := newFileStore(dir, id)
	if err != nil {
		return memoryStore(id), err
	}
	return fs, nil
}

// DirError is nil while the budget is shared through the directory, and otherwise says why it is not.
func (b *Budget) DirError() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dirErr
}

// accountID is the name of an account's record: a hash, so that no identity (let alone a secret) shows in a file
// name.
func accountID(account string) string {
	sum := sha256.Sum256([]byte("terraform-provider-kore budget\x00" + account))
	return hex.EncodeToString(sum[:16])
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// Wait takes one slot of the budget, waiting (with the record unlocked) until one is free. It returns how long it
// waited in all. A slot that would come after ctx's deadline is not waited for: Wait returns a *DeadlineError at
// once.
func (b *Budget) Wait(ctx context.Context) (time.Duration, error) {
	var waited time.Duration
	for {
		wait, window, err := b.tryReserve(ctx)
		if err != nil {
			return waited, err
		}
		if wait <= 0 {
			return waited, nil
		}
		reason := b.spent(window)
		if deadline, ok := ctx.Deadline(); ok && b.cfg.Now().Add(wait).After(deadline) {
			return waited, &DeadlineError{Wait: wait, Window: window, Reason: reason}
		}
		if b.cfg.OnWait != nil {
			b.cfg.OnWait(ctx, wait, reason)
		}
		if err := b.cfg.Sleep(ctx, wait); err != nil {
			return waited, err
		}
		waited += wait
	}
}

// AfterRefusal says how long to wait after the server refused a request as over its limit at a moment this
// machine's record allowed it (other machines, or a server counting differently, spent the rest): the server's
// short window is full, so the next request waits until the oldest request of that window this machine knows of
// leaves it, or a whole short window when it knows of none; and never less than the windows require anyway.
func (b *Budget) AfterRefusal(ctx context.Context) (time.Duration, error) {
	if res, ok, err := b.inRedis(ctx, opRefusal); ok {
		return res.wait, err
	}
	var wait time.Duration
	err := b.update(ctx, func(r *record, now int64) {
		short := b.span(b.cfg.ShortWindow)
		first := sort.Search(len(r.sent), func(i int) bool { return r.sent[i] > now-short })
		if first < len(r.sent) {
			wait = time.Duration(r.sent[first] + short - now)
		} else {
			wait = time.Duration(short)
		}
		more, _ := b.delay(r, now)
		wait = max(wait, more)
	})
	return wait, err
}

// SpendHour records that the server refused a request because the account's hourly limit is spent, and returns
// when the budget expects the hour to free: when the oldest request of the last hour that this machine knows of
// leaves the long window, or a whole long window from now when it knows of none (other machines spent it), and
// never sooner than the windows require anyway. Until then every process sharing the record waits or, past its
// deadline, fails at once: nothing more is sent for the account before the server could accept it.
func (b *Budget) SpendHour(ctx context.Context) (time.Time, error) {
	if res, ok, err := b.inRedis(ctx, opHour); ok {
		return res.freesAt, err
	}
	var freesAt int64
	err := b.update(ctx, func(r *record, now int64) {
		long := b.span(b.cfg.LongWindow)
		freesAt = now + long
		if len(r.sent) > 0 { // pruned: every entry is within the long window
			freesAt = r.sent[0] + long
		}
		wait, _ := b.delay(r, now)
		freesAt = max(freesAt, now+int64(wait))
		// PerHour requests sent one long window before freesAt fill the long window until then.
		spent := make([]int64, b.cfg.PerHour, b.cfg.PerHour+len(r.sent))
		for i := range spent {
			spent[i] = freesAt - long
		}
		r.sent = append(spent, r.sent...)
		slices.Sort(r.sent)
	})
	return time.Unix(0, freesAt), err
}

// Delay says how long from now until the windows allow one more request, without taking a slot.
func (b *Budget) Delay(ctx context.Context) (time.Duration, error) {
	if res, ok, err := b.inRedis(ctx, opDelay); ok {
		return res.wait, err
	}
	var wait time.Duration
	err := b.update(ctx, func(r *record, now int64) { wait, _ = b.delay(r, now) })
	return wait, err
}

func (b *Budget) span(window time.Duration) int64 { return int64(window + b.cfg.Margin) }

// tryReserve takes a slot if one is free now, or says how long until one may be and which window is spent.
func (b *Budget) tryReserve(ctx context.Context) (time.Duration, string, error) {
	if res, ok, err := b.inRedis(ctx, opReserve); ok {
		return res.wait, res.window, err
	}
	var wait time.Duration
	var window string
	err := b.update(ctx, func(r *record, now int64) {
		wait, window = b.delay(r, now)
		if wait <= 0 {
			r.sent = append(r.sent, now)
		}
	})
	return wait, window, err
}

// spent says that window's budget is spent, in words.
func (b *Budget) spent(window string) string {
	limit, span := b.cfg.PerMinute, b.cfg.ShortWindow
	if window == WindowHour {
		limit, span = b.cfg.PerHour, b.cfg.LongWindow
	}
	return fmt.Sprintf("the account's budget of %d requests in %s is spent", limit, span)
}

// delay is how long from now until one more request fits both windows, and the window that decides it
// (WindowMinute or WindowHour; "" when nothing waits).
func (b *Budget) delay(r *record, now int64) (time.Duration, string) {
	var wait int64
	window := ""
	for _, w := range []struct {
		span  int64
		limit int
		name  string
	}{
		{b.span(b.cfg.ShortWindow), b.cfg.PerMinute, WindowMinute},
		{b.span(b.cfg.LongWindow), b.cfg.PerHour, WindowHour},
	} {
		if len(r.sent) < w.limit {
			continue
		}
		// The new request fits once all but limit-1 of the requests have left the window. The record is sorted, so
		// that moment is when the limit-th newest leaves; if it already has, free is not positive and nothing waits.
		if free := r.sent[len(r.sent)-w.limit] + w.span - now; free > wait {
			wait, window = free, w.name
		}
	}
	return time.Duration(wait), window
}

// update runs change on the account's record under its lock and saves the result. A shared record that cannot be
// locked, read or written any more makes the budget continue in this process.
func (b *Budget) update(ctx context.Context, change func(r *record, now int64)) error {
	var damage error
	apply := func(r *record) {
		now := b.cfg.Now().UnixNano()
		if r.damagedAt != 0 {
			for range b.cfg.PerMinute {
				r.sent = append(r.sent, r.damagedAt)
			}
			r.damagedAt, damage = 0, r.damage
		}
		b.prune(r, now)
		change(r, now)
	}
	b.mu.Lock()
	st := b.store
	b.mu.Unlock()
	err := st.update(ctx, apply)
	if damage != nil && b.cfg.OnDamaged != nil {
		b.cfg.OnDamaged(ctx, damage)
	}
	if err == nil || ctx.Err() != nil {
		return err
	}

	b.mu.Lock()
	switched := b.store == st
	if switched {
		b.dirErr = err
		b.store = memoryStore(accountID(b.cfg.Account))
	}
	st = b.store
	b.mu.Unlock()
	if switched && b.cfg.OnFallback != nil {
		b.cfg.OnFallback(ctx, err)
	}
	return st.update(ctx, apply)
}

// prune drops what can no longer count and bounds the record: entries older than the long window, and entries in
// the future (a clock set back, a tampered file) are taken as sent now so that they cannot block for longer than a
// window.
func (b *Budget) prune(r *record, now int64) {
	horizon := now - b.span(b.cfg.LongWindow)
	kept := r.sent[:0]
	for _, t := range r.sent {
		if t > horizon {
			kept = append(kept, min(t, now))
		}
	}
	slices.Sort(kept)
	// A process needs only the newest max(PerHour, PerMinute) entries. The processes of one account normally share
	// their limits (they come from one configuration); one with smaller limits trims the record to what it needs.
	limit := min(max(b.cfg.PerHour, b.cfg.PerMinute), maxEntries)
	r.sent = kept[max(len(kept)-limit, 0):]
}

// record is what is known of an account's recent requests.
type record struct {
	sent []int64 // Unix nanoseconds at which requests were allowed, ascending
	// damagedAt, when not 0, is the last write of a record that did not check out. Its requests cannot be newer,
	// so the budget takes the short window as spent at that moment: a server counting the same windows never has to
	// refuse, and the cost is a wait of at most a short window after the damage. A missing record is simply empty.
	damagedAt int64
	damage    error // what was wrong with it, for Config.OnDamaged
}

// store keeps a record and serialises its updates.
type store interface {
	update(ctx context.Context, change func(*record)) error
}

var (
	memoryStoresMu sync.Mutex
	memoryStores   = map[string]*memStore{} // by account id
)

// memStore is the in-process record of one account, shared by every Budget of this process for it.
type memStore struct {
	mu sync.Mutex
	r  record
}

func memoryStore(id string) *memStore {
	memoryStoresMu.Lock()
	defer memoryStoresMu.Unlock()
	s, ok := memoryStores[id]
	if !ok {
		s = &memStore{}
		memoryStores[id] = s
	}
	return s
}

func (s *memStore) update(_ context.Context, change func(*record)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&s.r)
	return nil
}

// ensureDir creates dir (0700) and checks that files can be created in it. A directory of another user, or one
// that others may write in, is not used: files planted there could reset the budget or redirect its lock. The
// directory is the budget's own: it is kept private even if something made it wider.
func ensureDir(dir string) error {
	if err := localfs.EnsurePrivateDir(dir); err != nil {
		return err
	}
	return checkWritable(dir)
}

// checkWritable creates and removes a file in dir.
func checkWritable(dir string) error {
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	probe.Close()
	return os.Remove(probe.Name())
}

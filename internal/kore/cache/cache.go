// Package cache keeps the answers of reads on disk, encrypted, for the processes of one machine that use the same
// credentials: a read that any of them completed less than a TTL ago is answered from the cache, and processes
// that need the same read at the same time wait for the one that does it.
//
// Entries are sealed with XChaCha20-Poly1305 under a key derived (HKDF-SHA256) from the credentials and the host,
// so a file is unreadable without the secret, and a caller with other credentials cannot open an entry: for it the
// entry is a miss. Anything that does not open, verify and parse (a truncated file, stray bytes, an entry of other
// credentials, an expired one) is never served, and is replaced by the next read. Each write also removes a few
// entries that have long expired, with their lock files, so that the directory does not grow without end.
package cache

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
	"golang.org/x/sync/singleflight"

	"github.com/redis/go-redis/v9"

	"github.com/kore-community/terraform-provider-kore/internal/kore/localfs"
)

// MaxEntryBytes bounds an entry, read or written: a larger answer is returned but not cached.
const MaxEntryBytes = 1 << 30

// entryMagic starts every entry; the version is part of it.
var entryMagic = [8]byte{'K', 'O', 'R', 'E', 'C', 'C', 'H', '1'}

// A read of an entry's lock is tried again this often while another process holds it.
const lockRetry = 20 * time.Millisecond

// Pruning: each write looks at up to pruneScan names of the directory, checks up to pruneCheck of them, picked at
// random so that every name gets its turn, and removes up to prunePerWrite entries (with their lock files) last
// written more than the writer's TTL and pruneMargin ago. Another process with a longer TTL that would still have
// served such an entry reads again: a cache loses nothing it cannot get back.
const (
	pruneScan     = 4096
	pruneCheck    = 64
	prunePerWrite = 8
	pruneMargin   = time.Hour
)

// futureSlack is how far in the future an entry's time may be (clocks of one machine agree; a larger gap means
// the clock was set back or the file was forged, and the entry is not trusted).
const futureSlack = time.Minute

// Config configures a Cache.
type Config struct {
	// Dir is the directory of the entries; it is created 0700 if missing.
	Dir string
	// Account names the account (host and client id, say). It and each key select the entry's file, by hash.
	Account string
	// Secret and Salt make the encryption key: the credentials (client secret or token) and the host.
	Secret, Salt string
	// Now defaults to time.Now.
	Now func() time.Time
	// OnLockError, if set, is told when an entry's lock cannot be taken for another reason than the end of ctx:
	// the read then goes ahead without it, so the processes that want the same entry no longer wait for one another.
	OnLockError func(ctx context.Context, err error)
	// Redis, if set, keeps the entries and their locks in Redis (see redis.go), shared by every machine that uses
	// it; Dir is then used only once Redis fails.
	Redis redis.Cmdable
	// OnRedisFallback, if set, is told when Redis fails (a *RedisError) and the cache continues in Dir.
	OnRedisFallback func(ctx context.Context, err error)
}

// Cache is safe for concurrent use, and by several processes sharing Dir.
type Cache struct {
	dir     string
	account string
	key     [chacha20poly1305.KeySize]byte
	now     func() time.Time
	onLock  func(ctx context.Context, err error)
	flights singleflight.Group // readers of this process that want the same entry share one lock wait
	// maxEntry is MaxEntryBytes; tests lower it.
	maxEntry int

	onRedisFallback func(ctx context.Context, err error)
	redisMu         sync.Mutex // guards redis and redisErr
	redis           redis.Cmdable
	redisErr        error
}

// LockWaitError reports that ctx ended while waiting for an entry's lock, which another process holds (one doing
// the same read, or one stopped while holding it). It matches ctx's error.
type LockWaitError struct {
	Path string // the lock file
	Err  error  // ctx's error
}

func (e *LockWaitError) Error() string {
	return fmt.Sprintf("waiting for the lock of the read cache entry %s: %v", e.Path, e.Err)
}

func (e *LockWaitError) Unwrap() error { return e.Err }

// Result is the answer of Do.
type Result struct {
	Data []byte
	// FromCache says that Data came from an entry written Age ago (by this or another process).
	FromCache bool
	Age       time.Duration
	// StoreErr is why a fresh answer could not be cached; the answer is good all the same.
	StoreErr error
}

// New opens the cache in cfg.Dir, creating the directory. It fails when the directory cannot be created or
// written, so that the caller can say that the cache is off.
func New(cfg Config) (*Cache, error) {
	if cfg.Secret == "" {
		return nil, errors.New("the cache needs a secret to derive its key from")
	}
	// The directory is the cache's own: one of another user, or that others may write in, is not used (they could
	// plant entries or redirect locks), and it is kept private even if something made it wider.
	if err := localfs.EnsurePrivateDir(cfg.Dir); err != nil {
		return nil, err
	}
	probe, err := os.CreateTemp(cfg.Dir, ".probe-*")
	if err != nil {
		return nil, err
	}
	probe.Close()
	os.Remove(probe.Name())

	c := &Cache{dir: cfg.Dir, account: cfg.Account, now: cfg.Now, onLock: cfg.OnLockError, maxEntry: MaxEntryBytes,
		redis: cfg.Redis, onRedisFallback: cfg.OnRedisFallback}
	if c.now == nil {
		c.now = time.Now
	}
	kdf := hkdf.New(sha256.New, []byte(cfg.Secret), []byte(cfg.Salt), []byte("terraform-provider-kore cache v1"))
	if _, err := io.ReadFull(kdf, c.key[:]); err != nil {
		return nil, err
	}
	return c, nil
}

// path is the file of the entry named name.
func (c *Cache) path(name string) string { return filepath.Join(c.dir, name) }

// name is the file name of key's entry: a hash, so that neither the account nor the request shows.
func (c *Cache) name(key string) string {
	sum := sha256.Sum256([]byte("terraform-provider-kore cache\x00" + c.account + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// Do returns key's entry if it was written less than ttl ago and opens with this cache's key. Otherwise it takes
// the entry's lock (waiting while another process holds it, within ctx), looks again (that process may just have
// stored the answer), and else calls read and stores its answer. Errors of read are returned and never cached.
// A lock that cannot be taken for any reason but ctx is no reason to fail: read is called without it.
func (c *Cache) Do(ctx context.Context, key string, ttl time.Duration, read func(ctx context.Context) ([]byte, error)) (Result, error) {
	name := c.name(key)
	if client := c.redisClient(); client != nil {
		if res, err, done := c.doInRedis(ctx, client, name, ttl, read); done {
			return res, err
		}
	}
	path := filepath.Join(c.dir, name)
	if res, ok := c.load(path, name, ttl); ok {
		return res, nil
	}
	v, err, _ := c.flights.Do(name, func() (any, error) {
		// The lock file is opened without following a symbolic link: one planted in its place is replaced.
		lock, locked, lockErr := localfs.TryLockContext(ctx, path+".lock", lockRetry)
		if lockErr != nil && ctx.Err() != nil {
			return Result{}, &LockWaitError{Path: path + ".lock", Err: ctx.Err()}
		}
		if lockErr != nil && c.onLock != nil {
			c.onLock(ctx, fmt.Errorf("locking the cache entry %s: %w", path+".lock", lockErr))
		}
		if locked {
			// Unlocking closes the lock file; should it fail, the lock ends with the process all the same.
			defer func() { _ = lock.Unlock() }()
			if res, ok := c.load(path, name, ttl); ok {
				return res, nil
			}
		}
		data, asOf, err := c.timedRead(ctx, read)
		if err != nil {
			return Result{}, err
		}
		res := Result{Data: data}
		if len(data) <= c.maxEntry-overhead {
			res.StoreErr = c.store(path, name, data, asOf)
			if errors.Is(res.StoreErr, fs.ErrNotExist) && os.MkdirAll(c.dir, 0o700) == nil {
				res.StoreErr = c.store(path, name, data, asOf) // the directory was removed during the read
			}
			if res.StoreErr == nil {
				c.prune(name, ttl)
			}
		} else {
			res.StoreErr = fmt.Errorf("the answer of %d bytes is larger than a cache entry may be", len(data))
		}
		return res, nil
	})
	if err != nil {
		return Result{}, err
	}
	res, _ := v.(Result) // the function above returns nothing else
	return res, nil
}

// fetchMark records when a read made its first request: the moment from which its answer's age counts.
type fetchMark struct {
	now func() time.Time
	mu  sync.Mutex
	at  time.Time
}

type fetchMarkKey struct{}

// MarkFetched tells the cache that the read running under ctx sends a request now. The first such moment dates
// the read's answer: a read of several pages answers for the account as it was when its first page was fetched,
// not when its last came back, so its entry's age counts from then. A read that sends nothing is dated by its
// start.
func MarkFetched(ctx context.Context) {
	mark, ok := ctx.Value(fetchMarkKey{}).(*fetchMark)
	if !ok {
		return
	}
	mark.mu.Lock()
	defer mark.mu.Unlock()
	if mark.at.IsZero() {
		mark.at = mark.now()
	}
}

// timedRead calls read with a context that records its first request, and returns the moment its answer is of.
func (c *Cache) timedRead(ctx context.Context, read func(ctx context.Context) ([]byte, error)) ([]byte, time.Time, error) {
	mark := &fetchMark{now: c.now}
	started := c.now()
	data, err := read(context.WithValue(ctx, fetchMarkKey{}, mark))
	mark.mu.Lock()
	defer mark.mu.Unlock()
	if mark.at.IsZero() {
		return data, started, err
	}
	return data, mark.at, err
}

// overhead is what an entry adds to the data: magic, nonce, time, tag.
const overhead = len(entryMagic) + chacha20poly1305.NonceSizeX + 8 + chacha20poly1305.Overhead

// load returns the entry in path if it opens, verifies and is younger than ttl. An entry that is a symbolic link,
// belongs to another user or may be read by others was not written by this cache and is not served.
func (c *Cache) load(path, name string, ttl time.Duration) (Result, bool) {
	f, err := localfs.OpenRead(path)
	if err != nil {
		return Result{}, false
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || localfs.PrivateFile(info) != "" {
		return Result{}, false
	}
	sealed, err := io.ReadAll(io.LimitReader(f, int64(c.maxEntry)+1))
	if err != nil {
		return Result{}, false
	}
	return c.fresh(sealed, name, ttl)
}

// fresh returns the entry sealed under name if it opens, verifies and is younger than ttl.
func (c *Cache) fresh(sealed []byte, name string, ttl time.Duration) (Result, bool) {
	if len(sealed) > c.maxEntry {
		return Result{}, false
	}
	written, data, ok := c.open(sealed, name)
	if !ok {
		return Result{}, false
	}
	age := c.now().Sub(written)
	if age >= ttl || age < -futureSlack {
		return Result{}, false
	}
	return Result{Data: data, FromCache: true, Age: max(age, 0)}, true
}

// open checks and decrypts an entry. The entry's name is authenticated with it, so an entry copied over another's
// file does not open.
func (c *Cache) open(sealed []byte, name string) (time.Time, []byte, bool) {
	if len(sealed) < overhead || !bytes.Equal(sealed[:len(entryMagic)], entryMagic[:]) {
		return time.Time{}, nil, false
	}
	aead, err := chacha20poly1305.NewX(c.key[:])
	if err != nil {
		return time.Time{}, nil, false
	}
	nonce := sealed[len(entryMagic) : len(entryMagic)+aead.NonceSize()]
	// At least overhead bytes were sealed, so what opens holds at least the time.
	plain, err := aead.Open(nil, nonce, sealed[len(entryMagic)+aead.NonceSize():], c.additionalData(name))
	if err != nil {
		return time.Time{}, nil, false
	}
	written := time.Unix(0, int64(binary.LittleEndian.Uint64(plain[:8])))
	return written, plain[8:], true
}

func (c *Cache) additionalData(name string) []byte {
	return append(entryMagic[:len(entryMagic):len(entryMagic)], name...)
}

// store seals data and replaces path with it in one step (temporary file, then rename), so that no reader sees
// half an entry. It does not fsync: after a crash an entry may be torn or empty, and one that does not open (its
// AEAD tag) is a miss, read again; a cache loses nothing it cannot get back.
func (c *Cache) store(path, name string, data []byte, asOf time.Time) error {
	sealed, err := c.seal(name, data, asOf)
	if err != nil {
		return err
	}

	tmp, err := os.CreateTemp(c.dir, ".entry-*") // 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(sealed); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// The file's time is the entry's, by this cache's clock: pruning goes by it without opening the entry.
	if err := os.Chtimes(tmp.Name(), time.Time{}, asOf); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// seal makes the entry of data as of asOf under name: magic, nonce, then the time and data sealed with the name as
// additional data. Entries on disk and in Redis are the same bytes.
func (c *Cache) seal(name string, data []byte, asOf time.Time) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(c.key[:])
	if err != nil {
		return nil, err
	}
	plain := make([]byte, 8, 8+len(data))
	binary.LittleEndian.PutUint64(plain, uint64(asOf.UnixNano()))
	plain = append(plain, data...)

	sealed := make([]byte, len(entryMagic)+aead.NonceSize(), overhead+len(data))
	copy(sealed, entryMagic[:])
	if _, err := rand.Read(sealed[len(entryMagic):]); err != nil {
		return nil, err
	}
	sealed = aead.Seal(sealed, sealed[len(entryMagic):], plain, c.additionalData(name))
	clear(plain)
	return sealed, nil
}

// prune removes up to prunePerWrite entries last written more than ttl and pruneMargin ago, with their lock files,
// and lock and temporary files as old without an entry. An entry whose lock another process (or goroutine) holds is
// being read again and is left alone. keep is the entry just written.
func (c *Cache) prune(keep string, ttl time.Duration) {
	dir, err := os.Open(c.dir)
	if err != nil {
		return
	}
	names, _ := dir.Readdirnames(pruneScan) // as many as it got: pruning is best effort
	dir.Close()
	mathrand.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	cutoff := c.now().Add(-ttl - pruneMargin)
	removed := 0
	for _, name := range names[:min(len(names), pruneCheck)] {
		if removed == prunePerWrite {
			return
		}
		entry := strings.TrimSuffix(name, ".lock")
		if entry == keep || !isEntryName(entry) && !strings.HasPrefix(name, ".entry-") {
			continue
		}
		info, err := os.Lstat(filepath.Join(c.dir, name))
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue
		}
		if entry != name {
			// A lock file: pruned here only without its entry, which otherwise decides for both.
			if _, err := os.Lstat(filepath.Join(c.dir, entry)); err == nil {
				continue
			}
		}
		if c.removeUnlocked(entry) {
			removed++
		}
	}
}

// removeUnlocked removes an entry (or temporary file) and its lock file if no one holds the lock, and says whether
// it did. The lock is held while both go, so no process reads or writes the entry meanwhile.
func (c *Cache) removeUnlocked(entry string) bool {
	path := filepath.Join(c.dir, entry)
	if strings.HasPrefix(entry, ".entry-") {
		return os.Remove(path) == nil
	}
	lock, locked, err := localfs.TryLock(path + ".lock")
	if err != nil || !locked {
		return false
	}
	defer func() { _ = lock.Unlock() }()
	entryErr := os.Remove(path)
	lockErr := os.Remove(path + ".lock")
	return entryErr == nil || lockErr == nil
}

// isEntryName tells an entry's file name: the 32 hex digits of Cache.name.
func isEntryName(name string) bool {
	if len(name) != 32 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// Forget removes key's entry, for an entry that opened but whose contents the caller cannot use.
func (c *Cache) Forget(key string) {
	name := c.name(key)
	if client := c.redisClient(); client != nil {
		_ = client.Del(context.Background(), RedisKeyPrefix+"entry:"+name).Err() // it expires all the same
	}
	_ = os.Remove(filepath.Join(c.dir, name)) // a missing entry is what was wanted
}

package budget

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore/localfs"
)

// The record file: magic, entry count (uint32), entries (int64 Unix nanoseconds), all little-endian, then the
// SHA-256 of everything before it. A record that exists but does not check out in every part (a torn write, a
// truncation, stray bytes), or cannot be opened or read, counts as a spent short window at its last write (see
// record.damagedAt) and is rewritten: it never stops a request, and never lets more through than the limits allow.
// Only a missing record is empty.
var recordMagic = [8]byte{'K', 'O', 'R', 'E', 'B', 'G', 'T', '1'}

const recordHeader = 8 + 4

// lockRetry is how often a held lock is tried again; records are held for microseconds.
const lockRetry = 2 * time.Millisecond

// fileLocks serialises this process's goroutines on one record before they take the file lock, so that they queue
// on a mutex instead of polling the lock.
var (
	fileLocksMu sync.Mutex
	fileLocks   = map[string]*sync.Mutex{} // by record path
)

// LockWaitError reports that ctx ended while waiting for the lock of the shared record, which another process
// holds (one reading the same account, or one stopped while holding it). It matches ctx's error.
type LockWaitError struct {
	Path string // the lock file
	Err  error  // ctx's error
}

func (e *LockWaitError) Error() string {
	return fmt.Sprintf("waiting for the lock of the request budget record %s: %v", e.Path, e.Err)
}

func (e *LockWaitError) Unwrap() error { return e.Err }

type fileStore struct {
	dir  string
	path string // the record
	lock string // the lock file; separate, since the record is replaced by rename
	mu   *sync.Mutex
}

func newFileStore(dir, id string) (*fileStore, error) {
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, id+".budget")
	fileLocksMu.Lock()
	mu, ok := fileLocks[path]
	if !ok {
		mu = &sync.Mutex{}
		fileLocks[path] = mu
	}
	fileLocksMu.Unlock()
	return &fileStore{dir: dir, path: path, lock: path + ".lock", mu: mu}, nil
}

func (s *fileStore) update(ctx context.Context, change func(*record)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.updateLocked(ctx, change)
	if errors.Is(err, fs.ErrNotExist) && ctx.Err() == nil {
		// The directory was removed under us: make it again, once.
		if err := ensureDir(s.dir); err != nil {
			return err
		}
		err = s.updateLocked(ctx, change)
	}
	return err
}

func (s *fileStore) updateLocked(ctx context.Context, change func(*record)) error {
	// The lock file is opened without following a symbolic link: one planted in its place is replaced.
	lock, locked, err := localfs.TryLockContext(ctx, s.lock, lockRetry)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return &LockWaitError{Path: s.lock, Err: ctxErr}
		}
		return fmt.Errorf("locking the request budget record: %w", err)
	}
	if !locked {
		return errors.New("the request budget record could not be locked")
	}
	// Unlocking closes the lock file; should it fail, the lock ends with the process all the same.
	defer func() { _ = lock.Unlock() }()

	r := readRecord(s.path)
	change(&r)
	return writeRecord(s.path, &r)
}

// readRecord returns the record in path: empty if there is none, and one marked damaged (see record.damagedAt) if it
// exists but cannot be opened, read or checked.
func readRecord(path string) record {
	f, err := localfs.OpenRead(path) // a symbolic link in its place is damage, and is replaced by the rewrite
	if errors.Is(err, fs.ErrNotExist) {
		return record{}
	}
	if err != nil {
		return damagedRecord(path, nil, fmt.Errorf("opening the request budget record %s: %w", path, err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, recordHeader+8*maxEntries+sha256.Size+1))
	if err != nil {
		return damagedRecord(path, f, fmt.Errorf("reading the request budget record %s: %w", path, err))
	}
	r, ok := decodeRecord(data)
	if !ok {
		return damagedRecord(path, f, fmt.Errorf("the request budget record %s does not check out", path))
	}
	return r
}

// damagedRecord is the record of a file that exists but cannot be used, dated by its last write. When even that
// cannot be read, the damage is dated in the future, which the budget takes as now.
func damagedRecord(path string, f *os.File, why error) record {
	var info fs.FileInfo
	var err error
	if f != nil {
		info, err = f.Stat()
	} else {
		info, err = os.Lstat(path)
	}
	if err != nil {
		return record{damagedAt: math.MaxInt64, damage: why}
	}
	return record{damagedAt: info.ModTime().UnixNano(), damage: why}
}

func decodeRecord(data []byte) (record, bool) {
	if len(data) < recordHeader+sha256.Size || [8]byte(data[:8]) != recordMagic {
		return record{}, false
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(body); [sha256.Size]byte(sum) != want {
		return record{}, false
	}
	count := binary.LittleEndian.Uint32(data[8:12])
	if count > maxEntries || len(body) != recordHeader+8*int(count) {
		return record{}, false
	}
	r := record{sent: make([]int64, count)}
	for i := range r.sent {
		r.sent[i] = int64(binary.LittleEndian.Uint64(body[recordHeader+8*i:]))
	}
	return r, true
}

func encodeRecord(r *record) []byte {
	data := make([]byte, recordHeader, recordHeader+8*len(r.sent)+sha256.Size)
	copy(data, recordMagic[:])
	binary.LittleEndian.PutUint32(data[8:12], uint32(len(r.sent)))
	for _, t := range r.sent {
		data = binary.LittleEndian.AppendUint64(data, uint64(t))
	}
	sum := sha256.Sum256(data)
	return append(data, sum[:]...)
}

// writeRecord replaces path in one step (temporary file and rename), so a reader never sees half a record. It does
// not fsync: after a crash the record may be torn or empty, and a record that does not check out (its SHA-256)
// counts as a spent minute when read, so a lost write can delay requests, never let too many through.
func writeRecord(path string, r *record) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".budget-*") // 0600
	if err != nil {
		return fmt.Errorf("writing the request budget record: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(encodeRecord(r)); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the request budget record: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the request budget record: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the request budget record: %w", err)
	}
	return nil
}

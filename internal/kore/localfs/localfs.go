// Package localfs holds what the request budget and the cache need of the file system to keep a directory of their
// own safe from other users of the machine: a directory is used only when it belongs to this user and no one else
// may write in it (as ssh refuses a loose ~/.ssh), its files are opened without following symbolic links, and a
// file another user owns or may read is not trusted.
package localfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/gofrs/flock"
)

// UnsafeDirError reports a directory that another user owns or may write in: files planted there could redirect
// what the provider creates, or reset what it keeps.
type UnsafeDirError struct {
	Dir string
	Why string
}

func (e *UnsafeDirError) Error() string {
	return fmt.Sprintf("the directory %s %s, so another user could plant files in it; it is not used (make it "+
		"yours and private: chmod 700)", e.Dir, e.Why)
}

// EnsurePrivateDir creates dir (0700) if it is missing, checks that it is a directory of this user that no one
// else may write in, and narrows it to 0700.
func EnsurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if why := unsafeDir(info); why != "" {
		return &UnsafeDirError{Dir: dir, Why: why}
	}
	return os.Chmod(dir, 0o700)
}

// PrivateFile says why an opened file is not to be trusted: another owner, or permissions wider than 0600; ""
// when it can be.
func PrivateFile(info fs.FileInfo) string { return unsafeFile(info) }

// OpenRead opens path for reading without following a symbolic link.
func OpenRead(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|noFollow, 0)
}

// IsSymlink tells the error of opening a symbolic link without following it.
func IsSymlink(err error) bool { return isSymlinkError(err) }

// Lock returns the lock of path: a file created 0600 and opened without following a symbolic link.
func Lock(path string) *flock.Flock {
	return flock.New(path, flock.SetPermissions(0o600), flock.SetFlag(os.O_CREATE|lockOpenMode|noFollow))
}

// TryLockContext takes path's lock, trying every retry until ctx ends. A symbolic link in the lock's place is
// removed (the link, never its target) and the lock file made again.
func TryLockContext(ctx context.Context, path string, retry time.Duration) (*flock.Flock, bool, error) {
	lock := Lock(path)
	locked, err := lock.TryLockContext(ctx, retry)
	if err != nil && isSymlinkError(err) && ctx.Err() == nil {
		if rmErr := os.Remove(path); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return lock, false, err
		}
		lock = Lock(path)
		locked, err = lock.TryLockContext(ctx, retry)
	}
	return lock, locked, err
}

// TryLock takes path's lock if it is free, as TryLockContext does, without waiting.
func TryLock(path string) (*flock.Flock, bool, error) {
	lock := Lock(path)
	locked, err := lock.TryLock()
	if err != nil && isSymlinkError(err) {
		if rmErr := os.Remove(path); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return lock, false, err
		}
		lock = Lock(path)
		locked, err = lock.TryLock()
	}
	return lock, locked, err
}

package budget

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore/localfs"
)

// A lock file that is a dangling symbolic link is replaced, never followed: following it would create its target,
// wherever another user pointed it.
func TestLockSymlinkIsReplacedNotFollowed(t *testing.T) {
	dir := t.TempDir()
	const account = "https://kore.example\x00app\x00symlink"
	target := filepath.Join(t.TempDir(), "created-through-the-link")
	lockPath := filepath.Join(dir, accountID(account)+".budget.lock")
	if err := os.Symlink(target, lockPath); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Dir: dir, Account: account, PerMinute: 5, PerHour: 50})
	if err != nil || b.DirError() != nil {
		t.Fatalf("New: %v, %v", err, b.DirError())
	}
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the link's target was created (%v)", err)
	}
	info, err := os.Lstat(lockPath)
	if err != nil || !info.Mode().IsRegular() {
		t.Errorf("the lock file is %v, %v; want a regular file in the link's place", info, err)
	}
	if b.DirError() != nil {
		t.Errorf("the budget stopped sharing its record: %v", b.DirError())
	}
}

// A record that is a symbolic link is not read through: it counts as damage and is replaced by a regular file.
func TestRecordSymlinkIsNotFollowed(t *testing.T) {
	dir := t.TempDir()
	const account = "https://kore.example\x00app\x00record-link"
	elsewhere := filepath.Join(t.TempDir(), "record")
	if err := writeRecord(elsewhere, &record{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, accountID(account)+".budget")
	if err := os.Symlink(elsewhere, path); err != nil {
		t.Fatal(err)
	}
	var damaged error
	b, err := New(Config{Dir: dir, Account: account, PerMinute: 5, PerHour: 50,
		OnDamaged: func(_ context.Context, err error) { damaged = err }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Delay(context.Background()); err != nil {
		t.Fatal(err)
	}
	if damaged == nil {
		t.Error("a record that is a symbolic link was read through")
	}
	if info, err := os.Lstat(path); err != nil || !info.Mode().IsRegular() {
		t.Errorf("the record is %v, %v; want a regular file in the link's place", info, err)
	}
}

// A directory that others may write in, or that belongs to another user, is refused: the budget is kept in this
// process, and DirError says why.
func TestUnsafeDirectoryIsRefused(t *testing.T) {
	loose := filepath.Join(t.TempDir(), "loose")
	if err := os.Mkdir(loose, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o777); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Dir: loose, Account: "loose", PerMinute: 5, PerHour: 50})
	if err != nil {
		t.Fatal(err)
	}
	var unsafe *localfs.UnsafeDirError
	if !errors.As(b.DirError(), &unsafe) {
		t.Fatalf("DirError = %v, want an *UnsafeDirError", b.DirError())
	}
	if entries, _ := os.ReadDir(loose); len(entries) != 0 {
		t.Errorf("the refused directory holds %d files", len(entries))
	}
	if info, _ := os.Stat(loose); info.Mode().Perm() != 0o777 {
		t.Errorf("the refused directory's mode changed to %v", info.Mode().Perm())
	}

	if os.Geteuid() != 0 {
		t.Log("not root: a directory of another user cannot be made here")
		return
	}
	theirs := filepath.Join(t.TempDir(), "theirs")
	if err := os.Mkdir(theirs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	b, err = New(Config{Dir: theirs, Account: "theirs", PerMinute: 5, PerHour: 50})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.As(b.DirError(), &unsafe) {
		t.Fatalf("DirError = %v, want an *UnsafeDirError for another user's directory", b.DirError())
	}
}

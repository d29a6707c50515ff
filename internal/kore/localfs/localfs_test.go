//go:build unix

package localfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/testnet"
)

func TestMain(m *testing.M) { testnet.Main(m) }

func TestEnsurePrivateDir(t *testing.T) {
	base := t.TempDir()
	made := filepath.Join(base, "a", "b")
	if err := EnsurePrivateDir(made); err != nil {
		t.Fatalf("a new directory: %v", err)
	}
	if info, _ := os.Stat(made); info.Mode().Perm() != 0o700 {
		t.Errorf("made %v, want 0700", info.Mode().Perm())
	}
	wide := filepath.Join(base, "wide")
	if err := os.Mkdir(wide, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(wide, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := EnsurePrivateDir(wide); err != nil {
		t.Fatalf("a directory others may only read: %v", err)
	}
	if info, _ := os.Stat(wide); info.Mode().Perm() != 0o700 {
		t.Errorf("a readable directory was left %v, want 0700", info.Mode().Perm())
	}
	for _, mode := range []os.FileMode{0o770, 0o707, 0o777} {
		loose := filepath.Join(base, "loose"+mode.String())
		if err := os.Mkdir(loose, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(loose, mode); err != nil {
			t.Fatal(err)
		}
		err := EnsurePrivateDir(loose)
		var unsafe *UnsafeDirError
		if !errors.As(err, &unsafe) || unsafe.Dir != loose || !strings.Contains(err.Error(), "may be written by others") ||
			!strings.Contains(err.Error(), "chmod 700") {
			t.Errorf("mode %v: %v, want an *UnsafeDirError", mode, err)
		}
		if info, _ := os.Stat(loose); info.Mode().Perm() != mode {
			t.Errorf("mode %v was changed to %v", mode, info.Mode().Perm())
		}
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := EnsurePrivateDir(file); err == nil {
		t.Error("a file was taken for a directory")
	}
	if err := EnsurePrivateDir(filepath.Join(file, "under")); err == nil {
		t.Error("a directory under a file was made")
	}
	if os.Geteuid() == 0 {
		theirs := filepath.Join(base, "theirs")
		if err := os.Mkdir(theirs, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(theirs, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if err := EnsurePrivateDir(theirs); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
			t.Errorf("another user's directory: %v", err)
		}
	}
}

func TestPrivateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "entry")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	check := func() string {
		info, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		return PrivateFile(info)
	}
	if why := check(); why != "" {
		t.Errorf("a private file: %q", why)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if why := check(); !strings.Contains(why, "may be read or written by others") {
			t.Errorf("mode %v: %q", mode, why)
		}
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(path, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if why := check(); !strings.Contains(why, "belongs to another user") {
			t.Errorf("another user's file: %q", why)
		}
	}
	info, _ := os.Lstat(dir)
	if why := PrivateFile(info); why != "is not a regular file" {
		t.Errorf("a directory: %q", why)
	}
}

func TestOpenReadAndLocksRefuseSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "target")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRead(link); !IsSymlink(err) {
		t.Errorf("OpenRead of a link: %v, want the link refused", err)
	}
	if IsSymlink(nil) || IsSymlink(os.ErrNotExist) {
		t.Error("IsSymlink of other errors")
	}
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	for name, lock := range map[string]func(string) (bool, error){
		"TryLock": func(path string) (bool, error) {
			l, locked, err := TryLock(path)
			if locked {
				defer func() { _ = l.Unlock() }()
			}
			return locked, err
		},
		"TryLockContext": func(path string) (bool, error) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			l, locked, err := TryLockContext(ctx, path, time.Millisecond)
			if locked {
				defer func() { _ = l.Unlock() }()
			}
			return locked, err
		},
	} {
		path := filepath.Join(dir, name+".lock")
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
		if locked, err := lock(path); err != nil || !locked {
			t.Errorf("%s over a dangling link: %v, %v", name, locked, err)
		}
		if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s created the link's target", name)
		}
		if info, err := os.Lstat(path); err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 {
			t.Errorf("%s left %v, %v; want a 0600 file", name, info, err)
		}
	}
	// A link that cannot be removed (its directory is read-only) is an error, not followed.
	locked := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(locked, "x.lock")); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(locked, 0o500); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = os.Chmod(locked, 0o700) }()
		if _, ok, err := TryLock(filepath.Join(locked, "x.lock")); err == nil || ok {
			t.Error("a link that could not be removed was locked")
		}
	}
}

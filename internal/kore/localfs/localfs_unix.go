//go:build unix

package localfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

const (
	noFollow     = syscall.O_NOFOLLOW
	lockOpenMode = os.O_RDONLY
)

func isSymlinkError(err error) bool { return errors.Is(err, syscall.ELOOP) }

func owner(info fs.FileInfo) (int, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

func unsafeDir(info fs.FileInfo) string {
	if uid, ok := owner(info); ok && uid != os.Geteuid() {
		return fmt.Sprintf("belongs to another user (uid %d)", uid)
	}
	if info.Mode().Perm()&0o022 != 0 {
		return fmt.Sprintf("may be written by others (mode %04o)", info.Mode().Perm())
	}
	return ""
}

func unsafeFile(info fs.FileInfo) string {
	if !info.Mode().IsRegular() {
		return "is not a regular file"
	}
	if uid, ok := owner(info); ok && uid != os.Geteuid() {
		return fmt.Sprintf("belongs to another user (uid %d)", uid)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return fmt.Sprintf("may be read or written by others (mode %04o)", info.Mode().Perm())
	}
	return ""
}

//go:build !unix

package localfs

import (
	"io/fs"
	"os"
)

// Windows has no O_NOFOLLOW and no Unix modes: its directories under the user's profile are private by their ACLs.
const (
	noFollow     = 0
	lockOpenMode = os.O_RDONLY
)

func isSymlinkError(error) bool { return false }

func unsafeDir(fs.FileInfo) string { return "" }

func unsafeFile(info fs.FileInfo) string {
	if !info.Mode().IsRegular() {
		return "is not a regular file"
	}
	return ""
}

package provider

import (
	"fmt"
	"os"
	"testing"
)

// TestMain points the user's cache directory, the default cache_dir, at a directory of this run, so that the
// account budget records and cache entries the tests write never land in (or are read from) the developer's own.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kore-provider-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating the test cache directory:", err)
		os.Exit(1)
	}
	if err := os.Setenv("XDG_CACHE_HOME", dir); err != nil {
		fmt.Fprintln(os.Stderr, "setting XDG_CACHE_HOME:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

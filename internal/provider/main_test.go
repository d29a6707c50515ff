package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/testnet"
)

// TestMain keeps the tests on loopback (see testnet), except the live tests of make testacc-live (KORE_LIVE), whose
// purpose is to read a real account. It also points the user's cache directory, the default cache_dir, at a
// directory of this run, so that the account budget records and cache entries the tests write never land in (or are
// read from) the developer's own.
func TestMain(m *testing.M) {
	if os.Getenv("KORE_LIVE") == "" {
		if err := testnet.Isolate(); err != nil {
			fmt.Fprintln(os.Stderr, "keeping the tests on loopback:", err)
			os.Exit(1)
		}
	}
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

// Package testnet keeps a test binary on loopback. Every package's TestMain calls it before any test runs, so that
// a request meant for any other address (a download of a Terraform CLI, Terraform's version check, a host name a
// test got wrong) fails at once with "connection refused" instead of reaching the internet or hanging on DNS.
package testnet

import (
	"fmt"
	"net"
	"os"
	"testing"
)

// Loopback is the NO_PROXY list: the only addresses a test may reach, directly.
const Loopback = "127.0.0.1,localhost,::1"

// Isolate points every proxy variable Go (and Terraform, which a test may start) reads at a loopback port on which
// nothing listens, exempts loopback from the proxy, and turns off HashiCorp's checkpoint. It must run before the
// first HTTP request of the process: net/http reads the proxy variables once and keeps them.
func Isolate() error {
	proxy, err := closedPort()
	if err != nil {
		return err
	}
	vars := map[string]string{
		"HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "http_proxy": proxy, "https_proxy": proxy,
		"NO_PROXY": Loopback, "no_proxy": Loopback,
		"CHECKPOINT_DISABLE": "1",
	}
	for name, value := range vars {
		if err := os.Setenv(name, value); err != nil {
			return fmt.Errorf("setting %s: %w", name, err)
		}
	}
	// Under CGI (REQUEST_METHOD set) net/http ignores HTTP_PROXY, which would let plain http through.
	return os.Unsetenv("REQUEST_METHOD")
}

// Main is a whole TestMain for a package that needs nothing else: it isolates the binary, then runs the tests.
func Main(m *testing.M) {
	if err := Isolate(); err != nil {
		fmt.Fprintln(os.Stderr, "keeping the tests on loopback:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// closedPort returns the URL of a loopback port that was free a moment ago: listening on it and closing it again
// leaves a port that refuses connections, where a fixed "well-known closed" port might have a listener.
func closedPort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a closed loopback port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("closing %s: %w", addr, err)
	}
	return "http://" + addr, nil
}

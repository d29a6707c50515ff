package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesGroupsUntilStopped(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "kore-url")
	stdoutReader, stdout := io.Pipe()
	var stderr lockedBuffer
	ctx, stop := context.WithCancel(t.Context())
	defer stop()

	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-groups", "7", "-users", "3", "-client-id", "demo-client",
			"-client-secret", "demo-secret", "-url-file", urlFile}, stdout, &stderr)
	}()
	line, err := bufio.NewReader(stdoutReader).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the listening line: %v", err)
	}
	match := regexp.MustCompile(`^kore-local-api listening on (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if match == nil {
		t.Fatalf("stdout line = %q, want kore-local-api listening on http://127.0.0.1:PORT", line)
	}
	url := match[1]

	t.Run("the URL is written to -url-file", func(t *testing.T) {
		content, err := os.ReadFile(urlFile)
		if err != nil || string(content) != url+"\n" {
			t.Errorf("url file = %q, %v; want %q", content, err, url+"\n")
		}
	})

	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "demo-client", "sub": "demo"}).
		SignedString([]byte("demo-secret"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a signed request gets the sample groups then generated ones", func(t *testing.T) {
		body, status := fetch(t, url+fakekore.GroupsPath+"?offset=0&limit=50", token)
		var page struct {
			Total  int              `json:"total"`
			Groups []fakekore.Group `json:"groups"`
		}
		if err := json.Unmarshal(body, &page); err != nil || status != http.StatusOK {
			t.Fatalf("status %d, body %s, decoding: %v", status, body, err)
		}
		if page.Total != 7 || len(page.Groups) != 7 {
			t.Fatalf("total %d with %d groups, want 7 and 7", page.Total, len(page.Groups))
		}
		if page.Groups[0].Name != "Audit" || page.Groups[1].Name != "RiskManagement" ||
			len(page.Groups[2].Users) != 3 {
			t.Errorf("groups start %q, %q and then a group of %d users; want Audit, RiskManagement, 3",
				page.Groups[0].Name, page.Groups[1].Name, len(page.Groups[2].Users))
		}
	})
	t.Run("a request without a token is refused", func(t *testing.T) {
		if _, status := fetch(t, url+fakekore.GroupsPath, ""); status != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401", status)
		}
	})

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after the stop signal, want nil", err)
		}
	case <-time.After(10 * time.Second): // guards against a hang only
		t.Fatal("run did not return after the stop signal")
	}

	logs := stderr.String()
	t.Run("each request is logged with its query and status", func(t *testing.T) {
		for _, want := range []string{`uri="/api/public/groups?offset=0&limit=50" status=200`,
			`uri=/api/public/groups status=401`} {
			if !strings.Contains(logs, want) {
				t.Errorf("logs lack %s:\n%s", want, logs)
			}
		}
	})
	t.Run("neither the token nor the secret is logged", func(t *testing.T) {
		if strings.Contains(logs, token) || strings.Contains(logs, "demo-secret") {
			t.Errorf("logs contain a secret:\n%s", logs)
		}
	})
	t.Run("-url-file is removed on exit", func(t *testing.T) {
		if _, err := os.Stat(urlFile); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("url file still there after exit: %v", err)
		}
	})
}

func fetch(t *testing.T, url, token string) ([]byte, int) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("auth", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body, resp.StatusCode
}

func TestAddrMustBeLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:8080", "[::1]:0", "localhost:0"} {
		t.Run(addr+" is accepted", func(t *testing.T) {
			if _, err := parseFlags([]string{"-addr", addr}, io.Discard); err != nil {
				t.Errorf("parseFlags: %v", err)
			}
		})
	}
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "[::]:8080", "192.168.1.10:80", "example.com:80"} {
		t.Run(addr+" is refused", func(t *testing.T) {
			_, err := parseFlags([]string{"-addr", addr}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "loopback") || !errors.As(err, new(usageError)) {
				t.Errorf("parseFlags: %v, want a usage error about loopback addresses", err)
			}
		})
	}
	t.Run("run refuses before listening", func(t *testing.T) {
		err := run(t.Context(), []string{"-addr", "0.0.0.0:0"}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("run: %v, want a refusal", err)
		}
	})
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-groups", "-1"}, {"-users", "-2"}, {"-latency", "-1s"}, {"-addr", "no-port"}, {"extra"}, {"-unknown"},
		{"-rate-limit", "-1"}, {"-rate-window", "0s"}, {"-rate-limit-status", "200"}, {"-rate-limit-status", "600"},
		{"-rate-limit-text", "daily"}, {"-audit-logs", "-1"}, {"-churn", "-1s"},
	} {
		t.Run(strings.Join(args, " ")+" is refused", func(t *testing.T) {
			if _, err := parseFlags(args, io.Discard); !errors.As(err, new(usageError)) {
				t.Errorf("parseFlags: %v, want a usage error", err)
			}
		})
	}
	t.Run("-h asks for help rather than failing", func(t *testing.T) {
		if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("parseFlags(-h): %v, want flag.ErrHelp", err)
		}
	})
}

func TestDemoGroupsHaveTheRequestedTotal(t *testing.T) {
	for _, total := range []int{0, 1, 2, 3, 123} {
		groups := demoGroups(total, 4)
		if len(groups) != total {
			t.Errorf("demoGroups(%d) has %d groups", total, len(groups))
		}
		if total > 0 && groups[0].Name != "Audit" {
			t.Errorf("demoGroups(%d) starts with %q, want Kore.ai's sample group Audit", total, groups[0].Name)
		}
	}
}

// Every change of -churn changes the groups served, in turn one fewer, one more and one renamed, and the digest
// of each state is the one Terraform computes for the same list.
func TestChurnChangesTheGroupsInTurn(t *testing.T) {
	groups := demoGroups(10, 1)
	deleted := changeGroups(groups, 1)
	added := changeGroups(deleted, 2)
	renamed := changeGroups(added, 3)
	if len(deleted) != 9 || len(added) != 10 || len(renamed) != 10 || len(groups) != 10 {
		t.Fatalf("lengths %d, %d, %d (original %d), want 9, 10, 10 (10)", len(deleted), len(added), len(renamed), len(groups))
	}
	digests := map[string]bool{}
	for _, state := range [][]fakekore.Group{groups, deleted, added, renamed} {
		digests[groupsDigest(state)] = true
	}
	if len(digests) != 4 {
		t.Errorf("%d distinct digests for 4 states", len(digests))
	}
	// sort() and jsonencode(["g=A","h=B"]) in Terraform, hashed with sha256(): the order served does not count.
	two := []fakekore.Group{{ID: "h", Name: "B"}, {ID: "g", Name: "A"}}
	if got, want := groupsDigest(two), "46a9fcbde04e610be2dda63cdbd34d5ffa4bd620f40f4693c3a7d12e5bb99754"; got != want {
		t.Errorf("digest of [g=A h=B] = %s, want Terraform's %s", got, want)
	}
}

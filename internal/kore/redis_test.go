package kore_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

const redisPassword = "r3dis-Pa55word-9f1c" // distinctive, to spot any leak

func startRedis(t *testing.T) (*miniredis.Miniredis, string) {
	t.Helper()
	server := miniredis.RunT(t)
	server.RequireAuth(redisPassword)
	return server, "redis://:" + redisPassword + "@" + server.Addr() + "/0"
}

// noSecretIn fails when text holds the Redis password.
func noSecretIn(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		if strings.Contains(text, redisPassword) {
			t.Errorf("%s holds the Redis password: %q", what, text)
		}
	}
}

func noticeTexts(notices []kore.Notice) []string {
	var texts []string
	for _, n := range notices {
		texts = append(texts, n.Summary+": "+n.Detail)
	}
	return texts
}

// Two machines (each its own cache_dir) sharing a Redis count their requests in one place, and the second reads
// from the cache the first filled.
func TestClientsOnTwoMachinesShareRedis(t *testing.T) {
	redisServer, redisURL := startRedis(t)
	api := newFakeAPI(t, makeGroups(120, 1), 50)
	server := api.start()
	var clients []*kore.Client
	for range 2 {
		cfg := testConfig(server, nil)
		cfg.CacheDir, cfg.CacheTTL, cfg.RedisURL = t.TempDir(), time.Hour, redisURL
		clients = append(clients, newTestClient(t, cfg))
	}
	for i, c := range clients {
		if !c.RedisInUse() || len(c.TakeNotices()) != 0 {
			t.Fatalf("client %d does not use Redis", i)
		}
		list, err := c.ListGroups(context.Background(), 50)
		if err != nil || len(list.Groups) != 120 {
			t.Fatalf("client %d: %v", i, err)
		}
	}
	if calls := api.calls.Load(); calls != 3 {
		t.Errorf("%d requests for two reads of 3 pages on two machines, want 3", calls)
	}
	var budgetKeys, entryKeys int
	for _, key := range redisServer.Keys() {
		switch {
		case strings.HasPrefix(key, "kore:budget:"):
			budgetKeys++
			if members, _ := redisServer.ZMembers(key); len(members) != 3 {
				t.Errorf("the budget holds %d requests, want 3", len(members))
			}
		case strings.HasPrefix(key, "kore:cache:entry:"):
			entryKeys++
		default:
			t.Errorf("unexpected key %q", key)
		}
		value, _ := redisServer.Get(key)
		for _, plain := range []string{testClientID, "127.0.0.1", "g-00001", "@example"} {
			if strings.Contains(key+value, plain) {
				t.Errorf("Redis holds %q in clear", plain)
			}
		}
	}
	if budgetKeys != 1 || entryKeys != 1 {
		t.Errorf("%d budget keys and %d entries, want 1 and 1", budgetKeys, entryKeys)
	}
}

// Redis that cannot be used at the start (nothing listening, a wrong password) is a notice, never an error, and
// names neither the password nor the URL.
func TestRedisUnusableAtTheStartIsANotice(t *testing.T) {
	redisServer, _ := startRedis(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	server := newFakeAPI(t, makeGroups(3, 1), 50).start()
	for name, url := range map[string]string{
		"nothing listening":     "redis://:" + redisPassword + "@" + closedAddr,
		"a wrong password":      "redis://:not-" + redisPassword + "@" + redisServer.Addr(),
		"TLS to a plain server": "rediss://:" + redisPassword + "@" + redisServer.Addr(),
	} {
		t.Run(name, func(t *testing.T) {
			logger := &captureLogger{}
			cfg := testConfig(server, nil)
			cfg.CacheDir, cfg.CacheTTL, cfg.RedisURL, cfg.Logger = t.TempDir(), time.Hour, url, logger
			c := newTestClient(t, cfg)
			if c.RedisInUse() {
				t.Fatal("Redis in use")
			}
			if _, err := c.ListGroups(context.Background(), 50); err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			notices := c.TakeNotices()
			if len(notices) != 1 || notices[0].Summary != "Kore.ai Redis Not Used" ||
				!strings.Contains(notices[0].Detail, "Redis (redis_url) could not be used") {
				t.Fatalf("notices %q", noticeTexts(notices))
			}
			noSecretIn(t, "the notice", noticeTexts(notices)...)
			noSecretIn(t, "the log", logger.all()...)
			if strings.Contains(notices[0].Detail, strings.TrimPrefix(url, "redis://")) {
				t.Errorf("the notice quotes the URL: %q", notices[0].Detail)
			}
			if again := c.TakeNotices(); len(again) != 0 {
				t.Errorf("the notice came twice: %q", noticeTexts(again))
			}
		})
	}
}

// A redis_url of another form is an error of the configuration, which never quotes the URL.
func TestMalformedRedisURLIsAnError(t *testing.T) {
	for _, url := range []string{
		"http://:" + redisPassword + "@127.0.0.1:6379",
		"redis://:" + redisPassword + "@127.0.0.1:6379/notanumber",
		"redis://:" + redisPassword + "@:6379",
		"redis://:" + redisPassword + "@127.0.0.1:6379/%zz",
	} {
		_, err := kore.New(kore.Config{Host: "platform.kore.ai", JWT: "token", RedisURL: url})
		if err == nil || !strings.Contains(err.Error(), "redis_url (or KORE_REDIS_URL) must be") {
			t.Errorf("New with a malformed URL: %v", err)
			continue
		}
		noSecretIn(t, "the error", err.Error())
	}
}

// Redis lost during a read: the read succeeds, and a notice says Redis stopped answering.
func TestRedisLostDuringAReadIsANotice(t *testing.T) {
	redisServer, redisURL := startRedis(t)
	api := newFakeAPI(t, makeGroups(200, 1), 50)
	api.respond = func(_ http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
		if call == 2 {
			redisServer.Close()
		}
		return false
	}
	server := api.start()
	logger := &captureLogger{}
	cfg := testConfig(server, nil)
	cfg.CacheDir, cfg.CacheTTL, cfg.RedisURL, cfg.Logger, cfg.MaxConcurrency = t.TempDir(), time.Hour, redisURL, logger, 1
	c := newTestClient(t, cfg)
	list, err := c.ListGroups(context.Background(), 50)
	if err != nil || len(list.Groups) != 200 {
		t.Fatalf("ListGroups: %v", err)
	}
	notices := c.TakeNotices()
	if len(notices) != 1 || !strings.Contains(notices[0].Detail, "stopped answering while the provider ran") {
		t.Fatalf("notices %q", noticeTexts(notices))
	}
	if c.RedisInUse() {
		t.Error("Redis still in use")
	}
	noSecretIn(t, "the log", logger.all()...)
	// The answer was kept on this machine instead.
	again := newTestClient(t, cfg)
	before := api.calls.Load()
	if _, err := again.ListGroups(context.Background(), 50); err != nil || api.calls.Load() != before {
		t.Errorf("the next read: %v, %d requests; want it from cache_dir", err, api.calls.Load()-before)
	}
}

// The Redis password is one of the client's secrets: Redact masks it, and the whole URL.
func TestRedisURLIsRedacted(t *testing.T) {
	url := "redis://user:" + redisPassword + "@127.0.0.1:1/0"
	c, err := kore.New(kore.Config{Host: "platform.kore.ai", JWT: "token", RedisURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Redact("connecting to " + url + " with " + redisPassword); strings.Contains(got, redisPassword) ||
		strings.Contains(got, "127.0.0.1:1") {
		t.Errorf("Redact = %q", got)
	}
	encoded := "redis://:p%40ss-w0rd-long@127.0.0.1:1"
	if got := kore.NewRedactor(kore.RedisSecrets(encoded)...).Redact("p@ss-w0rd-long"); strings.Contains(got, "w0rd") {
		t.Errorf("the decoded password is not redacted: %q", got)
	}
	if kore.RedisSecrets("  ") != nil {
		t.Error("secrets of an empty URL")
	}
}

// A budget shared through Redis says so when it is spent past the deadline.
func TestABudgetSpentInRedisSaysSo(t *testing.T) {
	_, redisURL := startRedis(t)
	server := newFakeAPI(t, makeGroups(120, 1), 50).start()
	cfg := testConfig(server, nil)
	cfg.RequestsPerMinute, cfg.MaxConcurrency, cfg.RedisURL, cfg.CacheDir = 1, 1, redisURL, ""
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := newTestClient(t, cfg).ListGroups(ctx, 50)
	var spent *kore.BudgetDeadlineError
	if !errors.As(err, &spent) || !spent.InRedis || !spent.Shared ||
		!strings.Contains(spent.Error(), "shared through Redis by every process on every machine") {
		t.Fatalf("ListGroups: %v; want a *BudgetDeadlineError shared through Redis", err)
	}
}

package kore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore/budget"
)

// account is who the budget and the cache count and keep answers for, derived once where the client is made and
// handed to both, so that they always agree.
type account struct {
	// identity names the account: the canonical host and the app (see accountIdentity). The budget and the cache
	// hash it before it reaches a file name or a Redis key.
	identity string
	// salt and secret make the cache's key: the canonical host with the client id, and the credentials' secret.
	salt, secret string
}

func newAccount(base *url.URL, cfg Config) account {
	host := canonicalHost(base)
	secret := cfg.ClientSecret
	if secret == "" {
		secret = cfg.JWT
	}
	return account{identity: accountIdentity(host, cfg), salt: host + "\x00" + cfg.ClientID, secret: secret}
}

// canonicalHost spells one account's host one way: the host name in lower case without a trailing dot, the port
// only when it is not the scheme's default, and the path prefix. "Platform.Kore.AI", "platform.kore.ai:443" and
// "platform.kore.ai." are one account, with one budget and one cache.
func canonicalHost(base *url.URL) string {
	name := strings.TrimSuffix(strings.ToLower(base.Hostname()), ".")
	port := base.Port()
	if (base.Scheme == "https" && port == "443") || (base.Scheme == "http" && port == "80") {
		port = ""
	}
	host := name
	if port != "" {
		host = net.JoinHostPort(name, port)
	} else if strings.Contains(name, ":") {
		host = "[" + name + "]"
	}
	return base.Scheme + "://" + host + base.EscapedPath()
}

// accountIdentity names the Kore.ai account the credentials speak for, for the shared budget and cache: the host
// and the app's client id. A ready-made token is named by the appId it claims (read, not verified: it only picks a
// budget), or else by the whole token. The budget and the cache hash it before it reaches a file name.
func accountIdentity(host string, cfg Config) string {
	if cfg.ClientID != "" {
		return host + "\x00app\x00" + cfg.ClientID
	}
	if cfg.JWT == "" {
		return host
	}
	if app := claimedAppID(cfg.JWT); app != "" {
		return host + "\x00app\x00" + app
	}
	return host + "\x00token\x00" + cfg.JWT
}

// claimedAppID returns the appId claim of a JWT's payload, or "" when it has none.
func claimedAppID(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(parts[1]) > 8<<10 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		AppID string `json:"appId"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.AppID
}

// newAccountBudget makes the budget every attempt waits for: shared through cacheDir/budget by the processes of
// this machine, or kept in this process when there is no usable directory.
func (c *Client) newAccountBudget(dir string, requestsPerMinute, requestsPerHour int, test hooks) (*budget.Budget, error) {
	if dir != "" {
		dir = filepath.Join(dir, "budget")
	}
	cfg := budget.Config{
		Dir:         dir,
		Account:     c.account.identity,
		PerMinute:   requestsPerMinute,
		PerHour:     requestsPerHour,
		ShortWindow: test.budgetShortWindow,
		LongWindow:  test.budgetLongWindow,
		Margin:      test.budgetMargin,
		Now:         test.budgetNow,
		OnWait:      c.logBudgetWait,
		OnFallback: func(ctx context.Context, err error) {
			c.warn(ctx, "Kore.ai request budget no longer shared with other processes; kept in this process",
				map[string]any{"error": err.Error()})
			c.notices.add(Notice{Summary: "Kore.ai Request Budget No Longer Shared",
				Detail: fmt.Sprintf("The request budget record in the cache directory became unusable while the "+
					"provider ran (%s): the account's request budget is now kept in this process only, so provider "+
					"processes running at the same time may together go past the account's limits and wait out "+
					"Kore.ai's refusals. Check that cache_dir (or KORE_CACHE_DIR) is a writable directory of this "+
					"user with room to write.", err)})
		},
		OnDamaged: func(ctx context.Context, err error) {
			c.warn(ctx, "Kore.ai request budget record unusable; counting the last minute as spent and rewriting it",
				map[string]any{"error": err.Error()})
		},
		OnRedisFallback: func(ctx context.Context, err error) { c.redisLost(ctx, err, false) },
	}
	if c.redis != nil {
		cfg.Redis = c.redis
	}
	return budget.New(cfg)
}

// logBudgetWait logs a wait for the account's request budget: a short one as a debug line, one of a second or more
// as a warning, since the user sees the read stall.
func (c *Client) logBudgetWait(ctx context.Context, wait time.Duration, reason string) {
	fields := map[string]any{"wait_ms": wait.Milliseconds(), "reason": reason}
	if wait < time.Second {
		c.debug(ctx, "Kore.ai API request waits for the account's request budget", fields)
		return
	}
	c.warn(ctx, "Kore.ai API request waits for the account's request budget", fields)
}

// budgetWaitAfter429 returns the wait before retrying an answer that says the account's rate limit was reached.
// Kore.ai documents neither the status nor Retry-After, so without one (or with one the account's windows
// contradict) the wait is what the windows require: the server's window is full, so the retry waits until the
// oldest request of it that this machine knows of has left, rather than spending every retry within seconds.
func (c *Client) budgetWaitAfter429(ctx context.Context, resp *http.Response, chosen time.Duration) time.Duration {
	if resp == nil || rateLimitOfAnswer(resp.StatusCode, bodyBytes(resp)) == notRateLimited {
		return chosen
	}
	var need time.Duration
	var err error
	var why string
	if _, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		need, err = c.budget.Delay(ctx)
		why = "Kore.ai asked to retry sooner than the account's request budget allows; waiting for the budget"
	} else {
		need, err = c.budget.AfterRefusal(ctx)
		why = "Kore.ai refused a request as over the account's rate limit without saying when to retry; " +
			"waiting until the oldest request of the account's last minute leaves the window"
	}
	if err != nil || need <= chosen {
		return chosen
	}
	c.warn(ctx, why, map[string]any{"status": resp.StatusCode, "chosen_ms": chosen.Milliseconds(),
		"wait_ms": need.Milliseconds()})
	return need
}

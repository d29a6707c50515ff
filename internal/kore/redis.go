package kore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is help, never needed for a read to succeed: every call is short, and a Redis that cannot be reached,
// refuses the password or fails TLS leaves the budget and the cache on this machine, with a notice.
const (
	redisDialTimeout = 3 * time.Second
	redisIOTimeout   = 3 * time.Second
	redisPingTimeout = 5 * time.Second
)

var quietRedisOnce sync.Once

// quietRedis keeps go-redis from printing on its own: its lines would reach Terraform's log unredacted.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// RedisSecrets returns what of a redis_url must never be shown: the whole URL, and its password as written and
// decoded.
func RedisSecrets(rawURL string) []string {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		return nil
	}
	secrets := []string{rawURL}
	if at := strings.LastIndex(rawURL, "@"); at >= 0 {
		if scheme := strings.Index(rawURL, "://"); scheme >= 0 && scheme+3 <= at {
			userinfo := rawURL[scheme+3 : at]
			if colon := strings.Index(userinfo, ":"); colon >= 0 {
				userinfo = userinfo[colon+1:]
			}
			secrets = append(secrets, userinfo)
			if decoded, err := url.PathUnescape(userinfo); err == nil {
				secrets = append(secrets, decoded)
			}
		}
	}
	return secrets
}

// Secrets returns every secret of cfg, for a Redactor: the client secret, the token and what redis_url holds.
func (cfg Config) Secrets() []string {
	return append([]string{cfg.ClientSecret, cfg.JWT}, RedisSecrets(cfg.RedisURL)...)
}

// parseRedisURL checks the URL's form and turns it into the client's options, without ever quoting it: it may
// hold a password. TLS (rediss://) is verified with the system roots plus caPEM.
func parseRedisURL(raw, caPEM string) (*redis.Options, error) {
	const form = "redis_url (or KORE_REDIS_URL) must be redis://[user:password@]host:port/db or rediss://… for TLS (the URL is not " +
		"shown, since it may hold a password)"
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New(form + ": it is not a valid URL")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("%s: its scheme is %q", form, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New(form + ": it names no host")
	}
	opts, err := redis.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", form, NewRedactor(RedisSecrets(raw)...).Redact(err.Error()))
	}
	if opts.TLSConfig != nil {
		tlsConfig, err := newTLSConfig(false, caPEM)
		if err != nil {
			return nil, err
		}
		tlsConfig.ServerName = opts.TLSConfig.ServerName
		opts.TLSConfig = tlsConfig
	}
	opts.DialTimeout = redisDialTimeout
	opts.ReadTimeout = redisIOTimeout
	opts.WriteTimeout = redisIOTimeout
	opts.MaxRetries = -1 // a failure leaves Redis: retrying would only delay the read
	opts.PoolSize = MaxConcurrencyLimit
	opts.DisableIdentity = true // no CLIENT SETINFO: Redis learns nothing of this client
	return opts, nil
}

// openRedis connects to cfg.RedisURL and checks that it answers. A Redis that does not (unreachable, a wrong
// password, TLS) is a notice, and nil is returned: the budget and the cache stay on this machine.
func (c *Client) openRedis(opts *redis.Options) *redis.Client {
	quietRedisOnce.Do(func() { redis.SetLogger(quietRedis{}) })
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), redisPingTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		c.redisLost(ctx, fmt.Errorf("it did not answer at the start: %w", err), true)
		return nil
	}
	return client
}

// redisLost tells the user, once, that Redis is not used and why: a notice, and a warning in the log.
func (c *Client) redisLost(ctx context.Context, err error, atStart bool) {
	c.redisNoticeOnce.Do(func() {
		// Two summaries: Terraform folds warnings of one summary into the first, and a run may see both (a read
		// that lost Redis, then a later step of the run that found it down).
		summary, what := "Kore.ai Redis Not Used", "Redis (redis_url) could not be used"
		if !atStart {
			summary, what = "Kore.ai Redis Lost", "Redis (redis_url) stopped answering while the provider ran"
		}
		detail := fmt.Sprintf("%s: %s. The account's request budget and the cache are kept on this machine "+
			"instead (in cache_dir), as without redis_url: reads still succeed, but provider processes on other "+
			"machines no longer share them, so Kore.ai may refuse some requests, which are then waited out. Check "+
			"that Redis runs, that redis_url's host, port, user and password are right, and for rediss:// that "+
			"its certificate is trusted (system roots or ca_certificate).", what, c.Redact(err.Error()))
		c.warn(ctx, "Kore.ai budget and cache not kept in Redis", map[string]any{"error": detail})
		c.notices.add(Notice{Summary: summary, Detail: detail})
	})
}

// RedisInUse reports whether the request budget is kept in Redis now.
func (c *Client) RedisInUse() bool { return c.budget.InRedis() }

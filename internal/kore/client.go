// Package kore is a client for the admin APIs of Kore.ai (platform.kore.ai, its regional hosts and on-prem
// installations). It is plain Go: it knows nothing about Terraform and can be used from any program.
//
// A Client authenticates every request with a JWT (signed afresh per attempt from a client ID and secret, or a
// ready-made token), keeps to Kore.ai's per-account rate limits with a request budget shared by every process of
// the machine (package budget), bounds the requests in flight, and retries throttled, failed or stalled requests.
// ListGroups, ListUserRoles, ListRoles and ListBots read every page of their listing through one page walk
// (paging.go) that fails when the pages do not add up, and share each read between callers (shared_reads.go);
// with a cache TTL, reads are also answered from an encrypted cache shared by the processes of the machine
// (package cache).
//
// Tokens are HS256 JWTs, the only kind Kore.ai accepts for apps mapped to API scopes; apps that enforce JWE or
// payload encryption are not supported.
package kore

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/semaphore"

	"github.com/kore-community/terraform-provider-kore/internal/kore/budget"
	"github.com/kore-community/terraform-provider-kore/internal/kore/cache"
	"github.com/kore-community/terraform-provider-kore/internal/kore/localfs"
)

// Defaults and limits of Config.
const (
	DefaultUserAgent         = "terraform-provider-kore"
	DefaultRequestsPerMinute = 60   // Kore.ai's documented per-account limits for the admin APIs
	DefaultRequestsPerHour   = 1800 //
	DefaultRequestTimeout    = 30 * time.Second
	DefaultMaxConcurrency    = 4
	MaxConcurrencyLimit      = 16
	// MaxPageSize is the largest page the listing APIs document; larger limits are never sent.
	MaxPageSize = 50
)

// Default range of the exponential backoff between retries when the server sends no Retry-After.
const (
	defaultBackoffMin = 1 * time.Second
	defaultBackoffMax = 30 * time.Second
)

// Config configures a Client. Zero values mean the documented defaults.
type Config struct {
	// Host is the Kore.ai host as the user wrote it; see ParseHost.
	Host string
	// ClientID and ClientSecret identify an app created in the Kore.ai Admin Console. The client signs a fresh HS256
	// JWT with them for every attempt.
	ClientID     string
	ClientSecret string
	// JWT is a ready-made token sent as is. It excludes ClientID and ClientSecret.
	JWT string
	// MaxRetries is the number of retries after the first attempt; 0 disables retries.
	MaxRetries int
	// RequestsPerMinute and RequestsPerHour are the account's limits over any rolling 60 s and 3,600 s: every
	// process of this machine using the same host and app (or token) shares them through CacheDir. A read may spend
	// them at once. 0 means 60 and 1,800.
	RequestsPerMinute int
	RequestsPerHour   int
	// CacheDir holds the shared request budget and, with CacheTTL, the cache. "" (or a directory that cannot be
	// used, see StateDirError) keeps the budget in this process and turns the cache off.
	CacheDir string
	// CacheTTL > 0 answers a read from the encrypted cache in CacheDir when the same read with the same
	// credentials completed less than CacheTTL ago, in this or another process.
	CacheTTL time.Duration
	// RequestTimeout bounds each attempt: connecting, the response headers and the whole body; 0 means 30s.
	RequestTimeout time.Duration
	// MaxConcurrency bounds the requests in flight across the whole Client; 0 means 4, valid values are 1 to 16.
	MaxConcurrency int
	// Insecure skips TLS certificate verification.
	Insecure bool
	// CACertificate is PEM text trusted in addition to the system roots.
	CACertificate string
	// UserAgent is the full User-Agent header value; "" means DefaultUserAgent.
	UserAgent string
	// Logger receives a Debug line per attempt and a Warn line per retry; it may be nil.
	Logger Logger
	// AllowInexactReads turns pages that still do not add up after a second read from the start (fewer items
	// than the total, a short page while more are promised, one id with two contents, a null item) into warnings
	// on the result instead of a *PaginationError. Off by default: a list that silently lacks an item silently
	// removes access wherever it is mapped. For an account whose API is known to miscount.
	AllowInexactReads bool

	// RedisURL, if set (redis://[user:password@]host:port/db, or rediss:// for TLS verified with the system roots
	// plus CACertificate), keeps the account's request budget and, with CacheTTL, the cache in Redis, shared by
	// every machine that uses it. Redis that cannot be reached, refuses the password or fails TLS (at the start or
	// later) leaves both on this machine, with a Notice: it never fails a read. A URL of another form is an error.
	RedisURL string

	// Transport, if set, carries each attempt in place of the client's own pooled transport; nil means the
	// default. The client still signs every attempt, keeps the account budget, retries and caps the body above it,
	// so the transport sees the auth header: one that records requests must drop it before writing anything. The
	// transport decides TLS and proxies itself, so it excludes Insecure and CACertificate.
	Transport http.RoundTripper

	// hooks are knobs for the tests of this package (see export_test.go); a pointer keeps Config comparable.
	hooks *hooks
}

// hooks let tests observe and shorten what the client would otherwise do in real time.
type hooks struct {
	wait         func(requested time.Duration) time.Duration // returns the duration actually waited
	backoffMin   time.Duration
	backoffMax   time.Duration
	flightJoined func() // called when a caller has joined (or started) a shared read
	// dial replaces the network dialer, so that tests can fail a name lookup without resolving any name.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Shorter windows of the account budget, and its clock (nil means the real one).
	budgetShortWindow, budgetLongWindow, budgetMargin time.Duration
	budgetNow                                         func() time.Time
	// cacheNow is the read cache's clock (nil means the real one).
	cacheNow func() time.Time
}

// Logger receives the client's log lines. Fields never contain secrets: no headers, no tokens.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// Client talks to one Kore.ai host. It is safe for concurrent use; create it once and share it.
type Client struct {
	baseURL   *url.URL
	apiBase   string  // baseURL as text, to which endpoint paths are appended
	account   account // who the budget and the cache keep count and answers for
	userAgent string

	httpClient     *http.Client
	budget         *budget.Budget
	readCache      *cache.Cache // nil when the cache is off
	cacheTTL       time.Duration
	stateDirErr    error // why CacheDir is not used (nil when it is, or when none was given)
	inFlight       *semaphore.Weighted
	maxConcurrency int
	maxRetries     int
	backoffMin     time.Duration
	backoffMax     time.Duration
	wait           func(requested time.Duration) time.Duration
	logger         Logger // nil when the user gave none
	redactor       *Redactor
	tokens         tokenSource

	allowInexactReads bool
	offsetMu          sync.Mutex
	offsetMeanings    map[string]offsetMeaning // by endpoint path, once a read has found out

	shared          sharedReads
	notices         notices
	redisNoticeOnce sync.Once
	redis           *redis.Client // nil without RedisURL, or when Redis did not answer at the start
}

// New checks cfg and builds a Client. It makes no request to Kore.ai; with RedisURL it checks that Redis answers
// (within a few seconds), and otherwise goes on without it, with a Notice.
func New(cfg Config) (*Client, error) {
	base, err := ParseHost(cfg.Host)
	if err != nil {
		return nil, err
	}
	tokens, err := newTokenSource(cfg)
	if err != nil {
		return nil, err
	}

	userAgent := cfg.UserAgent
	if userAgent == "" {
		userAgent = DefaultUserAgent
	}
	if !isHeaderValue(userAgent) {
		return nil, errors.New("the User-Agent contains characters that cannot be sent in an HTTP header")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries is %d: it must be 0 (no retries) or more", cfg.MaxRetries)
	}
	if cfg.RequestsPerMinute < 0 {
		return nil, fmt.Errorf("requests per minute is %d: it must be 1 or more (Kore.ai allows %d)",
			cfg.RequestsPerMinute, DefaultRequestsPerMinute)
	}
	requestsPerMinute := cmp.Or(cfg.RequestsPerMinute, DefaultRequestsPerMinute)
	if cfg.RequestsPerHour < 0 {
		return nil, fmt.Errorf("requests per hour is %d: it must be 1 or more (Kore.ai allows %d)",
			cfg.RequestsPerHour, DefaultRequestsPerHour)
	}
	requestsPerHour := cmp.Or(cfg.RequestsPerHour, DefaultRequestsPerHour)
	if cfg.CacheTTL < 0 {
		return nil, fmt.Errorf("cache TTL is %s: it must be 0 (off) or more", cfg.CacheTTL)
	}
	if cfg.RequestTimeout < 0 {
		return nil, fmt.Errorf("request timeout is %s: it must be positive", cfg.RequestTimeout)
	}
	timeout := cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	maxConcurrency := cfg.MaxConcurrency
	if maxConcurrency == 0 {
		maxConcurrency = DefaultMaxConcurrency
	}
	if maxConcurrency < 1 || maxConcurrency > MaxConcurrencyLimit {
		return nil, fmt.Errorf("max concurrency is %d: it must be from 1 to %d", maxConcurrency, MaxConcurrencyLimit)
	}
	if cfg.Transport != nil && (cfg.Insecure || strings.TrimSpace(cfg.CACertificate) != "") {
		return nil, errors.New("a transport of its own excludes insecure and a CA certificate: set them on the " +
			"transport")
	}
	tlsConfig, err := newTLSConfig(cfg.Insecure, cfg.CACertificate)
	if err != nil {
		return nil, err
	}
	var redisOptions *redis.Options
	if strings.TrimSpace(cfg.RedisURL) != "" {
		if redisOptions, err = parseRedisURL(cfg.RedisURL, cfg.CACertificate); err != nil {
			return nil, err
		}
	}

	test := hooks{}
	if cfg.hooks != nil {
		test = *cfg.hooks
	}
	backoffMin, backoffMax := test.backoffMin, test.backoffMax
	if backoffMin <= 0 {
		backoffMin = defaultBackoffMin
	}
	if backoffMax < backoffMin {
		backoffMax = max(defaultBackoffMax, backoffMin)
	}
	wait := test.wait
	if wait == nil {
		wait = func(requested time.Duration) time.Duration { return requested }
	}

	c := &Client{
		baseURL:           base,
		apiBase:           base.String(),
		account:           newAccount(base, cfg),
		userAgent:         userAgent,
		cacheTTL:          cfg.CacheTTL,
		inFlight:          semaphore.NewWeighted(int64(maxConcurrency)),
		maxConcurrency:    maxConcurrency,
		maxRetries:        cfg.MaxRetries,
		backoffMin:        backoffMin,
		backoffMax:        backoffMax,
		wait:              wait,
		logger:            cfg.Logger,
		redactor:          NewRedactor(cfg.Secrets()...),
		tokens:            tokens,
		allowInexactReads: cfg.AllowInexactReads,
		offsetMeanings:    make(map[string]offsetMeaning),
		shared: sharedReads{memo: make(map[string]memoEntry), flights: make(map[string]*flight),
			joined: test.flightJoined},
	}
	// cache_dir itself must be this user's and closed to others before anything is made in it: another user
	// could otherwise replace its budget and cache directories.
	stateDir := cfg.CacheDir
	if stateDir != "" {
		if err := localfs.EnsurePrivateDir(stateDir); err != nil {
			c.stateDirErr, stateDir = err, ""
		}
	}
	if redisOptions != nil {
		c.redis = c.openRedis(redisOptions)
	}
	if c.budget, err = c.newAccountBudget(stateDir, requestsPerMinute, requestsPerHour, test); err != nil {
		return nil, err
	}
	if stateDir != "" {
		c.stateDirErr = c.budget.DirError()
	}
	c.openReadCache(cfg, test)

	// Start from cleanhttp's pooled transport: it honours HTTPS_PROXY and NO_PROXY and has sane dial timeouts.
	pooled := cleanhttp.DefaultPooledTransport()
	pooled.TLSClientConfig = tlsConfig
	pooled.MaxIdleConnsPerHost = max(pooled.MaxIdleConnsPerHost, maxConcurrency)
	if test.dial != nil {
		// A test's dialer stands for the network itself: a proxy in the environment must not come between.
		pooled.DialContext = test.dial
		pooled.Proxy = nil
	}
	var transport http.RoundTripper = pooled
	if cfg.Transport != nil {
		transport = cfg.Transport
	}
	c.httpClient = &http.Client{
		Transport: &attemptTransport{
			base:         transport,
			budget:       c.budget,
			tokens:       tokens,
			timeout:      timeout,
			logger:       c.logger,
			largeAnswers: semaphore.NewWeighted(1),
			redactor:     c.redactor,
		},
		// The auth header is set below the redirect logic, so a redirect would carry the token to wherever the
		// server points; redirects are therefore reported, never followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// Redact masks the client's secrets and any token in text, and escapes control characters: the one redaction of
// everything the client or its user shows (see Redactor).
func (c *Client) Redact(text string) string { return c.redactor.Redact(text) }

// AllowsInexactReads reports whether reads that do not add up are kept with warnings (Config.AllowInexactReads).
func (c *Client) AllowsInexactReads() bool { return c.allowInexactReads }

// BaseURL returns a copy of the parsed host URL the client sends requests to.
func (c *Client) BaseURL() *url.URL {
	u := *c.baseURL
	return &u
}

func newTLSConfig(insecure bool, caPEM string) (*tls.Config, error) {
	// Skipping verification is the user's explicit choice; the provider warns when it is made.
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure}
	if strings.TrimSpace(caPEM) == "" {
		return tlsConfig, nil
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool() // no system pool on this platform: trust only the given certificate
	}
	if !roots.AppendCertsFromPEM([]byte(caPEM)) {
		return nil, errors.New("the CA certificate holds no valid PEM certificate: give the text from " +
			"-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----")
	}
	tlsConfig.RootCAs = roots
	return tlsConfig, nil
}

// isHeaderValue reports whether s can be sent as an HTTP header value without net/http rejecting it (and quoting
// it back in the error).
func isHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// debug and warn log through the configured Logger, if any.
func (c *Client) debug(ctx context.Context, msg string, fields map[string]any) {
	if c.logger != nil {
		c.logger.Debug(ctx, msg, fields)
	}
}

func (c *Client) warn(ctx context.Context, msg string, fields map[string]any) {
	if c.logger != nil {
		c.logger.Warn(ctx, msg, fields)
	}
}

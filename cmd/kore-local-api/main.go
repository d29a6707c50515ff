// Command kore-local-api serves a local imitation of Kore.ai's Get Groups, Get User Roles Details, Get Roles,
// Export Roles, Get Bots, Get Admin Console Audit Logs and Get User Information APIs, so the provider can be tried
// and tested without a Kore.ai account:
//
//	kore-local-api -addr 127.0.0.1:0 -groups 123 -users 5 -bots 5 -client-id demo-client -client-secret demo-secret
//
// It serves Kore.ai's two sample groups followed by generated ones (-groups in total), -bots bots, and users and
// roles consistent with both (roles held directly and through the groups served; see fakekore.GenerateAccess).
// -offset (or KORE_LOCAL_API_OFFSET) says whether offset is a page number or a number of records to skip, for
// every listing ("page", "records", "default") or per listing ("users=page,bots=records"). It requires HS256
// JWTs signed with -client-secret whose appId is -client-id, prints "kore-local-api listening on URL" to stdout,
// optionally writes the URL to -url-file, logs one line per request to stderr (never the auth header) and
// stops cleanly on SIGINT or SIGTERM. It listens on loopback addresses only. With -rate-limit N it refuses, as
// Kore.ai does, any request that would put more than N requests into a rolling -rate-window (429 without
// Retry-After; -rate-limit-status and -rate-limit-text choose another status and Kore.ai's per-minute or hourly
// text). With -hour-spent every request is refused with the hourly text. With -churn D a group is deleted, added or
// renamed every D, and each state served is logged with its digest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// rateLimitTexts are Kore.ai's documented rate-limit texts by their -rate-limit-text name.
var rateLimitTexts = map[string]string{
	"older":      fakekore.MsgRateLimited,
	"per-minute": fakekore.MsgPerMinuteRateLimited,
	"hourly":     fakekore.MsgHourlyRateLimited,
}

// shutdownGrace bounds how long a stop signal waits for requests in progress.
const shutdownGrace = 5 * time.Second

type config struct {
	addr         string
	groups       int
	users        int
	bots         int
	offsets      fakekore.OffsetMeanings
	clientID     string
	clientSecret string
	urlFile      string
	latency      time.Duration
	requireJTI   bool
	rateLimit    int
	rateWindow   time.Duration
	// rateStatus and rateText are the refusals' status and text; hourSpent refuses every request with the hourly
	// text.
	rateStatus int
	rateText   string
	hourSpent  bool
	churn      time.Duration
	auditLogs  int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, new(usageError)):
		fmt.Fprintln(os.Stderr, "kore-local-api:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "kore-local-api:", err)
		os.Exit(1)
	}
}

// usageError marks errors in the command line, which exit with status 2 as flag parsing errors do.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run serves until ctx ends; the listening line goes to stdout, logs to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	listener, err := listenLoopback(cfg.addr)
	if err != nil {
		return err
	}
	url := "http://" + listener.Addr().String()

	var intercept fakekore.Interceptor
	if cfg.rateLimit > 0 {
		limit := fakekore.NewWindowLimit(cfg.rateLimit, cfg.rateWindow)
		limit.Status, limit.Message = cfg.rateStatus, rateLimitTexts[cfg.rateText]
		intercept = limit.Intercept
	}
	if cfg.hourSpent {
		intercept = fakekore.RateLimitedText(-1, cfg.rateStatus, fakekore.MsgHourlyRateLimited)
	}
	groups := demoGroups(cfg.groups, cfg.users)
	access := fakekore.GenerateAccess(groups, cfg.bots)
	started := time.Now()
	fake := fakekore.NewHandler(fakekore.Options{
		ClientID:     cfg.clientID,
		ClientSecret: cfg.clientSecret,
		Groups:       groups,
		Access:       access,
		AuditLogs:    fakekore.GenerateAuditLogs(started, cfg.auditLogs),
		Activity:     fakekore.GenerateActivity(access, started),
		Offsets:      cfg.offsets,
		Latency:      cfg.latency,
		RequireJTI:   cfg.requireJTI,
		Intercept:    intercept,
	})
	defer fake.Close()
	if cfg.churn > 0 {
		churnCtx, stopChurn := context.WithCancel(ctx)
		defer stopChurn()
		go churn(churnCtx, fake, groups, cfg.churn, logger)
	}
	server := &http.Server{
		Handler:           logRequests(logger, fake),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	if cfg.urlFile != "" {
		if err := writeFileAtomically(cfg.urlFile, url+"\n"); err != nil {
			listener.Close()
			return fmt.Errorf("writing -url-file: %w", err)
		}
		// A stale file would send the next reader to a server that is gone.
		defer os.Remove(cfg.urlFile)
	}

	logAuth := slog.String("auth", "HS256 JWT signed with the client secret, appId "+cfg.clientID)
	if cfg.clientSecret == "" {
		logAuth = slog.String("auth", "none: any non-empty auth header is accepted")
	}
	logger.Info("serving Get Groups, Get User Roles Details, Get Roles, Get Bots, Get Admin Console Audit Logs "+
		"and Get User Information", "url", url,
		"groups", cfg.groups, "users_per_group", cfg.users, "bots", cfg.bots, "offsets", formatOffsets(cfg.offsets),
		logAuth, "latency", cfg.latency, "require_jti", cfg.requireJTI, "rate_limit", cfg.rateLimit,
		"rate_window", cfg.rateWindow)
	fmt.Fprintf(stdout, "kore-local-api listening on %s\n", url)

	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	fake.Close() // ends latency waits at once instead of letting Shutdown wait for them
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

func parseFlags(args []string, output io.Writer) (config, error) {
	var cfg config
	flags := flag.NewFlagSet("kore-local-api", flag.ContinueOnError)
	flags.SetOutput(output)
	flags.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	flags.IntVar(&cfg.groups, "groups", 123, "number of groups to serve: Kore.ai's 2 sample groups, then generated ones")
	flags.IntVar(&cfg.users, "users", 5, "users in each generated group")
	flags.IntVar(&cfg.bots, "bots", 5, "number of bots to serve; users and roles follow from the groups and bots")
	offsets := os.Getenv(offsetEnv)
	flags.StringVar(&offsets, "offset", offsets, "how listings read `offset`: page (a page number), records (a "+
		"number of records to skip) or default (page, but records for user roles), for all listings or per "+
		"listing as groups=…,users=…,roles=…,bots=… (default $"+offsetEnv+")")
	flags.StringVar(&cfg.clientID, "client-id", "demo-client", "client ID expected in the JWT's appId claim")
	flags.StringVar(&cfg.clientSecret, "client-secret", "demo-secret",
		"client secret the HS256 JWT must be signed with; empty accepts any auth header")
	flags.StringVar(&cfg.urlFile, "url-file", "", "also write the server's URL to this `file` (removed on exit)")
	flags.DurationVar(&cfg.latency, "latency", 0, "delay before answering each request")
	flags.BoolVar(&cfg.requireJTI, "require-jti", false, `refuse tokens whose jti was seen before ("Enforce JTI")`)
	flags.IntVar(&cfg.rateLimit, "rate-limit", 0,
		"refuse (429, no Retry-After) requests beyond this many in any rolling -rate-window; 0 means no limit")
	flags.DurationVar(&cfg.rateWindow, "rate-window", time.Minute, "the window of -rate-limit")
	flags.IntVar(&cfg.rateStatus, "rate-limit-status", http.StatusTooManyRequests,
		"the HTTP status of rate-limit refusals (Kore.ai documents none)")
	flags.StringVar(&cfg.rateText, "rate-limit-text", "older",
		"the text of -rate-limit's refusals: older, per-minute or hourly (Kore.ai's documented texts)")
	flags.IntVar(&cfg.auditLogs, "audit-logs", 200, "audit log entries to serve, over the week before the start")
	flags.DurationVar(&cfg.churn, "churn", 0, "delete, add or rename a group every `interval`, logging each state's "+
		"digest (0: never)")
	flags.BoolVar(&cfg.hourSpent, "hour-spent", false,
		"refuse every request with Kore.ai's hourly rate-limit text, as for an account whose hour is spent")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, usageError{err}
	}

	switch {
	case flags.NArg() > 0:
		return cfg, usageError{fmt.Errorf("unexpected arguments %q", flags.Args())}
	case cfg.groups < 0:
		return cfg, usageError{fmt.Errorf("-groups %d: must be 0 or more", cfg.groups)}
	case cfg.users < 0:
		return cfg, usageError{fmt.Errorf("-users %d: must be 0 or more", cfg.users)}
	case cfg.bots < 0:
		return cfg, usageError{fmt.Errorf("-bots %d: must be 0 or more", cfg.bots)}
	case cfg.latency < 0:
		return cfg, usageError{fmt.Errorf("-latency %s: must be 0 or more", cfg.latency)}
	case cfg.rateLimit < 0:
		return cfg, usageError{fmt.Errorf("-rate-limit %d: must be 0 (no limit) or more", cfg.rateLimit)}
	case cfg.rateWindow <= 0:
		return cfg, usageError{fmt.Errorf("-rate-window %s: must be positive", cfg.rateWindow)}
	case cfg.auditLogs < 0:
		return cfg, usageError{fmt.Errorf("-audit-logs %d: must be 0 or more", cfg.auditLogs)}
	case cfg.churn < 0:
		return cfg, usageError{fmt.Errorf("-churn %s: must be 0 (never) or more", cfg.churn)}
	case cfg.rateStatus < 400 || cfg.rateStatus > 599:
		return cfg, usageError{fmt.Errorf("-rate-limit-status %d: must be an error status (400 to 599)", cfg.rateStatus)}
	case rateLimitTexts[cfg.rateText] == "":
		return cfg, usageError{fmt.Errorf("-rate-limit-text %q: must be older, per-minute or hourly", cfg.rateText)}
	}
	var err error
	if cfg.offsets, err = parseOffsets(offsets); err != nil {
		return cfg, usageError{fmt.Errorf("-offset (or %s) %q: %w", offsetEnv, offsets, err)}
	}
	if err := requireLoopback(cfg.addr); err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

// offsetEnv sets -offset's default.
const offsetEnv = "KORE_LOCAL_API_OFFSET"

// parseOffsets reads -offset: "" or one meaning for every listing, or listing=meaning pairs separated by commas.
func parseOffsets(value string) (fakekore.OffsetMeanings, error) {
	var offsets fakekore.OffsetMeanings
	if value == "" {
		return offsets, nil
	}
	if !strings.Contains(value, "=") {
		m, err := fakekore.ParseOffsetMeaning(value)
		return fakekore.AllOffsets(m), err
	}
	listings := map[string]*fakekore.OffsetMeaning{
		"groups": &offsets.Groups, "users": &offsets.UserRoles, "roles": &offsets.Roles, "bots": &offsets.Bots,
	}
	for pair := range strings.SplitSeq(value, ",") {
		name, meaning, _ := strings.Cut(pair, "=")
		target, ok := listings[name]
		if !ok {
			return offsets, fmt.Errorf("listing %q: want groups, users, roles or bots", name)
		}
		m, err := fakekore.ParseOffsetMeaning(meaning)
		if err != nil {
			return offsets, err
		}
		*target = m
	}
	return offsets, nil
}

// formatOffsets says how each listing reads offset, for the start-up log line.
func formatOffsets(o fakekore.OffsetMeanings) string {
	return fmt.Sprintf("groups=%s,users=%s,roles=%s,bots=%s", o.Of(fakekore.GroupsPath),
		o.Of(fakekore.UserRolesPath), o.Of(fakekore.RolesPath), o.Of(fakekore.BotsPath))
}

// requireLoopback refuses addresses reachable from other machines: the server accepts a well-known demo secret.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q: the host must be a loopback address such as 127.0.0.1, ::1 or localhost, "+
		"because this server accepts a demo secret and must not be reachable from other machines", addr)
}

// listenLoopback listens on addr and checks the result, since a name such as localhost is resolved only here.
func listenLoopback(addr string) (net.Listener, error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	if tcp, ok := listener.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		listener.Close()
		return nil, fmt.Errorf("-addr %q resolved to %s, which is not a loopback address", addr, listener.Addr())
	}
	return listener, nil
}

// demoGroups returns total groups: Kore.ai's sample groups first, then generated ones.
func demoGroups(total, usersPerGroup int) []fakekore.Group {
	groups := fakekore.SampleGroups()
	if total <= len(groups) {
		return groups[:total]
	}
	return append(groups, fakekore.GenerateGroups(total-len(groups), usersPerGroup)...)
}

// writeFileAtomically replaces path with content in one step, so a reader polling for it never sees it half
// written.
func writeFileAtomically(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once the rename has happened
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

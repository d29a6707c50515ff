// Package fakekore is a local, in-memory implementation of Kore.ai's Get Groups API
// (GET /api/public/groups), Get User Roles Details (GET /api/public/alluserroles), Get Roles
// (GET /api/public/roles), Export Roles (GET /api/public/roles/export) and Get Bots (GET /api/public/bots), faithful to the wire format of Kore.ai's
// documentation: offsets read as page numbers or record counts (Options.Offsets), limit at most 50, total and
// availableMore, HS256 JWTs in the auth header and {"errors":[...]} bodies.
//
// It exists so that the provider can be exercised end to end without a Kore.ai account: acceptance tests and
// benchmarks start one with New, and the kore-local-api command serves one for demos. It is deliberately
// independent of the provider's own API client, so that the client is checked against a second reading of
// the wire format rather than against itself. Faults (rate limits, server errors, dropped connections,
// stalled bodies, bad JSON, endless paging) are injected through Options.Intercept.
package fakekore

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// GroupsPath is the path of Get Groups; access.go names the other listings.
const GroupsPath = "/api/public/groups"

// Messages and codes Kore.ai uses in its {"errors":[{"msg","code"}]} bodies.
const (
	MsgInvalidCredentials = "Invalid SDK credentials"
	MsgInvalidToken       = "Invalid JWT token"
	MsgScopeIncorrect     = "Permission denied. Scope is incorrect!"
	MsgRateLimited        = "Rate limit for this API has been reached. Please try again after some time."
	// MsgPerMinuteRateLimited and MsgHourlyRateLimited are the texts of Kore.ai's current rate-limit page, which
	// documents neither their status nor a Retry-After.
	MsgPerMinuteRateLimited = "You've exceeded the per-minute rate limit. Please wait for sometime before retrying."
	MsgHourlyRateLimited    = "You've exceeded the hourly rate limit. Please wait for sometime before retrying."
	MsgValidation           = "Validation errors/ Invalid arguments"
	MsgNotFound             = "Not Found"
	MsgMethodNotAllowed     = "Method Not Allowed"

	// CodeInvalidToken is the code Kore.ai sends with its 401 answers.
	CodeInvalidToken = 4002
)

// DefaultMaxPageSize is Kore.ai's documented maximum limit, used when Options.MaxPageSize is 0.
const DefaultMaxPageSize = 50

// Interceptor sees every request before the server answers it; returning true means it answered the request
// itself. seq numbers requests from 1 in arrival order (restarting after ResetCounters).
type Interceptor = func(seq int, w http.ResponseWriter, r *http.Request) bool

// Options configures a Server. The zero value serves no groups to any request carrying a non-empty auth header.
type Options struct {
	// ClientID and ClientSecret: when ClientSecret is set, a request must carry an HS256 JWT signed with it,
	// not expired and not issued in the future (exp, nbf and iat are checked when present), whose appId claim
	// equals ClientID. As Kore.ai does, a missing header, another secret or another app is refused 401 "Invalid SDK
	// credentials", a value that is not a JWT at all "Invalid JWT token".
	ClientID, ClientSecret string
	// AcceptJWT, when set, is a ready-made token accepted as is, instead of or besides signed ones. With neither
	// ClientSecret nor AcceptJWT set, any non-empty auth header is accepted; a missing one is always refused.
	AcceptJWT string
	// Groups is the data served, in order. Change it later with SetGroups.
	Groups []Group
	// Access is the data of the user roles, roles and bots listings (see GenerateAccess). Change it later with
	// SetAccess.
	Access Access
	// Offsets sets, per endpoint, whether offset is a page number or a number of records to skip; the zero
	// value keeps each endpoint's documented meaning (see OffsetDefault).
	Offsets OffsetMeanings
	// Latency is waited before answering each request; the wait ends early if the client goes away, and
	// Close ends it with a 503.
	Latency time.Duration
	// MaxPageSize is the largest accepted limit (0 means 50); larger limits are answered 412.
	MaxPageSize int
	// RequireJTI mirrors Kore.ai's "Enforce JTI": a signed token without a jti, or with one already seen,
	// is refused. Tokens matching AcceptJWT are exempt.
	RequireJTI bool
	// Intercept, when set, is called for every request after it is counted and after Latency; see the ready-made
	// faults such as RateLimited, and Chain to combine them.
	Intercept Interceptor
	// AuditLogs are served by Get Admin Console Audit Logs (see GenerateAuditLogs); change them with SetAuditLogs
	// and AddAuditLog.
	AuditLogs []AuditLogEntry
	// Activity is what Get User Information answers, by lower-cased email (see GenerateActivity); change it with
	// SetActivity.
	Activity map[string]UserActivity
}

// Server is a running (New) or embeddable (NewHandler) fake Kore.ai API. It is safe for concurrent use.
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234, to use as the provider's host. It is empty for a
	// Server made by NewHandler.
	URL string

	opts        Options
	maxPageSize int
	auth        *authenticator
	pages       atomic.Pointer[encodedGroups]
	access      atomic.Pointer[encodedAccess]

	listener  *httptest.Server
	closing   context.Context
	stop      context.CancelFunc
	closeOnce sync.Once

	requests    atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	mu      sync.Mutex
	tokens  []string
	offsets map[string][]int

	// activityMu guards what Get Admin Console Audit Logs and Get User Information serve.
	activityMu sync.Mutex
	auditLogs  []AuditLogEntry
	activity   map[string]UserActivity
}

var _ http.Handler = (*Server)(nil)

// New starts a Server listening on 127.0.0.1 on a free port. Close it when done.
func New(opts Options) *Server {
	s := NewHandler(opts)
	s.listener = httptest.NewServer(s)
	s.URL = s.listener.URL
	return s
}

// NewHandler returns a Server that does not listen, for mounting on a caller's own http.Server. Close still
// releases requests waiting on Latency or a stalling fault.
func NewHandler(opts Options) *Server {
	s := &Server{
		opts:        opts,
		maxPageSize: opts.MaxPageSize,
		auth:        newAuthenticator(opts),
	}
	if s.maxPageSize <= 0 {
		s.maxPageSize = DefaultMaxPageSize
	}
	s.closing, s.stop = context.WithCancel(context.Background())
	s.SetGroups(opts.Groups)
	s.SetAccess(opts.Access)
	s.SetAuditLogs(opts.AuditLogs)
	s.SetActivity(opts.Activity)
	return s
}

// Close stops the listener (if any) and ends every wait in progress, then waits for running requests to finish.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.stop()
		if s.listener != nil {
			s.listener.Close()
		}
	})
}

// SetGroups replaces the data served; requests already being answered keep the data they started with.
// It panics if a group cannot be encoded as JSON (for example a ChildGroups entry that is a channel).
func (s *Server) SetGroups(groups []Group) {
	encoded := make([][]byte, len(groups))
	for i := range groups {
		encoded[i] = mustMarshal(&groups[i])
	}
	s.pages.Store(&encodedGroups{groups: encoded})
}

// mustMarshal encodes g as Kore.ai's Node.js servers do: without escaping <, > and & as \u003c and so on.
func mustMarshal(g *Group) []byte { return marshalItem(g, "group", g.ID) }

// Requests returns the number of requests received on any path since the start or the last ResetCounters.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// MaxInFlight returns the highest number of requests served at the same time.
func (s *Server) MaxInFlight() int { return int(s.maxInFlight.Load()) }

// ResetCounters zeroes Requests (and so the Interceptor's seq) and MaxInFlight, and forgets the recorded tokens
// and offsets. Seen jti values are kept: they are the server's state, not a measurement.
func (s *Server) ResetCounters() {
	s.requests.Store(0)
	s.maxInFlight.Store(0)
	s.mu.Lock()
	s.tokens, s.offsets = nil, nil
	s.mu.Unlock()
}

// ReceivedTokens returns the non-empty auth header values received, one per request, in arrival order, so
// tests can check that none of them ends up in logs or errors.
func (s *Server) ReceivedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// Offsets returns the offset of every GET on GroupsPath, in arrival order (0 when absent; unparsable offsets
// are left out).
func (s *Server) Offsets() []int { return s.OffsetsOf(GroupsPath) }

// OffsetsOf returns the offset of every GET on the listing at path, as Offsets does for GroupsPath.
func (s *Server) OffsetsOf(path string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.offsets[path]...)
}

// ServeHTTP answers one request as Kore.ai would, after Latency and Intercept have had their turn.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	seq := int(s.requests.Add(1))
	s.enter()
	defer s.inFlight.Add(-1)

	// Waits below end when either the client leaves or the server closes.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(s.closing, cancel)()
	r = r.WithContext(ctx)

	s.record(r)

	if s.opts.Latency > 0 && !wait(ctx, s.opts.Latency) {
		// Cut short by Close; if the client left instead, this write goes nowhere.
		WriteError(w, http.StatusServiceUnavailable, http.StatusText(http.StatusServiceUnavailable),
			http.StatusServiceUnavailable)
		return
	}
	if s.opts.Intercept != nil && s.opts.Intercept(seq, w, r) {
		return
	}
	s.route(w, r)
}

func (s *Server) enter() {
	now := s.inFlight.Add(1)
	for {
		highest := s.maxInFlight.Load()
		if now <= highest || s.maxInFlight.CompareAndSwap(highest, now) {
			return
		}
	}
}

func (s *Server) record(r *http.Request) {
	token := r.Header.Get("auth")
	offset, hasOffset := -1, false
	if r.Method == http.MethodGet && itemsKey(r.URL.Path) != "" {
		offset, hasOffset = 0, true
		if q := r.URL.Query(); q.Has("offset") {
			var err error
			offset, err = strconv.Atoi(q.Get("offset"))
			hasOffset = err == nil
		}
	}
	if token == "" && !hasOffset {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if token != "" {
		s.tokens = append(s.tokens, token)
	}
	if hasOffset {
		if s.offsets == nil {
			s.offsets = make(map[string][]int)
		}
		s.offsets[r.URL.Path] = append(s.offsets[r.URL.Path], offset)
	}
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == AuditLogsPath || r.URL.Path == UsersInfoPath {
		s.routeActivity(w, r)
		return
	}
	key := itemsKey(r.URL.Path)
	if key == "" && r.URL.Path != RolesExportPath {
		WriteError(w, http.StatusNotFound, MsgNotFound, http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		WriteError(w, http.StatusMethodNotAllowed, MsgMethodNotAllowed, http.StatusMethodNotAllowed)
		return
	}
	if refusal := s.auth.check(r.Header.Get("auth")); refusal != "" {
		WriteError(w, http.StatusUnauthorized, refusal, CodeInvalidToken)
		return
	}
	if key == "" {
		s.serveRolesExport(w, r)
		return
	}
	s.serveListing(w, r, key)
}

// routeActivity answers Get Admin Console Audit Logs (GET) and Get User Information (POST) after the auth check.
func (s *Server) routeActivity(w http.ResponseWriter, r *http.Request) {
	method := http.MethodGet
	if r.URL.Path == UsersInfoPath {
		method = http.MethodPost
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		WriteError(w, http.StatusMethodNotAllowed, MsgMethodNotAllowed, http.StatusMethodNotAllowed)
		return
	}
	if refusal := s.auth.check(r.Header.Get("auth")); refusal != "" {
		WriteError(w, http.StatusUnauthorized, refusal, CodeInvalidToken)
		return
	}
	if method == http.MethodPost {
		s.serveUsersInfo(w, r)
		return
	}
	s.serveAuditLogs(w, r)
}

// pageParams reads offset (default 0) and limit (default 50, or MaxPageSize if lower).
func (s *Server) pageParams(q url.Values) (offset, limit int, ok bool) {
	offset, limit = 0, min(DefaultMaxPageSize, s.maxPageSize)
	var err error
	if q.Has("offset") {
		if offset, err = strconv.Atoi(q.Get("offset")); err != nil || offset < 0 {
			return 0, 0, false
		}
	}
	if q.Has("limit") {
		if limit, err = strconv.Atoi(q.Get("limit")); err != nil || limit < 1 || limit > s.maxPageSize {
			return 0, 0, false
		}
	}
	return offset, limit, true
}

// encodedGroups holds each group's JSON, encoded once, so that pages are assembled by copying bytes.
type encodedGroups struct {
	groups [][]byte
}

// encodePage assembles a Get Groups page.
func encodePage(total int, availableMore bool, groups [][]byte) []byte {
	return encodeListing(groupsKey, total, availableMore, groups)
}

type apiError struct {
	Msg  string `json:"msg"`
	Code int    `json:"code"`
}

// WriteError answers status with Kore.ai's error body {"errors":[{"msg":msg,"code":code}]}, for custom
// Interceptors.
func WriteError(w http.ResponseWriter, status int, msg string, code int) {
	body, err := json.Marshal(struct {
		Errors []apiError `json:"errors"`
	}{Errors: []apiError{{Msg: msg, Code: code}}})
	if err != nil { // cannot happen for a string and an int
		panic(err)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client left; there is no one to tell
}

// wait sleeps for d and reports whether it ran to the end rather than being cut short by ctx.
func wait(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

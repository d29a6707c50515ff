package kore_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

const (
	testClientID     = "cs-5f0c2a9e-0d4b-5a61-9e1c-7c9d2f3b8a10"
	testClientSecret = "vT3+qZ8mW1xR5nL0pK7jH2gF9dS4aB6cE1yU3iO8=" // long and distinctive, to spot any leak
)

// fakeAPI is a Kore.ai-like Get Groups endpoint. By default it serves groups page by page; respond can take over
// any request. Every request is checked: path, offset, limit and the auth header.
type fakeAPI struct {
	t        testing.TB
	groups   []kore.Group
	pageSize int    // the limit every request must carry; 0 accepts any limit from 1 to 50
	token    string // when set, the exact auth header expected; otherwise a JWT signed with testClientSecret
	// delay, when set, holds each request this long before it is answered.
	delay func(offset int) time.Duration
	// respond, when set, may answer a request itself (call counts from 1); returning false serves the data set.
	respond func(w http.ResponseWriter, r *http.Request, call int64, offset int) bool

	calls       atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	mu      sync.Mutex
	tokens  []string // every auth header received
	offsets []int    // every offset requested
}

func newFakeAPI(t testing.TB, groups []kore.Group, pageSize int) *fakeAPI {
	return &fakeAPI{t: t, groups: groups, pageSize: pageSize}
}

// start serves the API on 127.0.0.1 until the test ends.
func (f *fakeAPI) start() *httptest.Server {
	server := httptest.NewServer(f)
	f.t.Cleanup(server.Close)
	return server
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := f.calls.Add(1)
	current := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for seen := f.maxInFlight.Load(); current > seen && !f.maxInFlight.CompareAndSwap(seen, current); {
		seen = f.maxInFlight.Load()
	}

	offset, ok := f.check(r)
	if !ok {
		http.Error(w, `{"errors":[{"msg":"bad request","code":400}]}`, http.StatusBadRequest)
		return
	}
	if f.delay != nil {
		select {
		case <-time.After(f.delay(offset)):
		case <-r.Context().Done():
			return
		}
	}
	if f.respond != nil && f.respond(w, r, call, offset) {
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	writeJSON(w, http.StatusOK, f.page(offset, limit))
}

// check asserts what every request must carry and records it.
func (f *fakeAPI) check(r *http.Request) (offset int, ok bool) {
	f.t.Helper()
	token := r.Header.Get("auth")
	f.mu.Lock()
	f.tokens = append(f.tokens, token)
	f.mu.Unlock()

	if r.Method != http.MethodGet || r.URL.Path != "/api/public/groups" {
		f.t.Errorf("request %s %s, want GET /api/public/groups", r.Method, r.URL.Path)
		return 0, false
	}
	query := r.URL.Query()
	offset, err := strconv.Atoi(query.Get("offset"))
	if err != nil || offset < 0 {
		f.t.Errorf("offset %q is not a page number", query.Get("offset"))
		return 0, false
	}
	f.mu.Lock()
	f.offsets = append(f.offsets, offset)
	f.mu.Unlock()
	limit, err := strconv.Atoi(query.Get("limit"))
	if err != nil || limit < 1 || limit > kore.MaxPageSize || (f.pageSize != 0 && limit != f.pageSize) {
		f.t.Errorf("limit %q, want %d", query.Get("limit"), f.pageSize)
		return 0, false
	}
	if f.token != "" {
		if token != f.token {
			f.t.Errorf("auth header is not the ready-made JWT")
			return 0, false
		}
	} else if _, err := parseTestToken(token); err != nil {
		f.t.Errorf("auth header is not a valid JWT for the test app: %v", err)
		return 0, false
	}
	if r.Header.Get("Accept") != "application/json" {
		f.t.Errorf("Accept %q, want application/json", r.Header.Get("Accept"))
	}
	return offset, true
}

// page is the answer for one offset of the data set.
func (f *fakeAPI) page(offset, limit int) groupsPageJSON {
	start := min(offset*limit, len(f.groups))
	end := min(start+limit, len(f.groups))
	return groupsPageJSON{Total: len(f.groups), AvailableMore: end < len(f.groups), Groups: f.groups[start:end]}
}

func (f *fakeAPI) receivedTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.tokens...)
}

func (f *fakeAPI) requestedOffsets() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.offsets...)
}

// groupsPageJSON is one answer as the API writes it; kore.Group's tags are the API's field names.
type groupsPageJSON struct {
	Total         int          `json:"total"`
	AvailableMore bool         `json:"availableMore"`
	Groups        []kore.Group `json:"groups"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"msg": msg, "code": code}}})
}

// testClaims is the payload the client must sign.
type testClaims struct {
	AppID string `json:"appId"`
	jwt.RegisteredClaims
}

// parseTestToken verifies an HS256 token signed with testClientSecret and its claims.
func parseTestToken(token string) (*testClaims, error) {
	claims := &testClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) {
		return []byte(testClientSecret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuedAt(), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	switch {
	case claims.AppID != testClientID:
		return nil, fmt.Errorf("appId %q, want %q", claims.AppID, testClientID)
	case claims.Subject != testClientID:
		return nil, fmt.Errorf("sub %q, want %q", claims.Subject, testClientID)
	case len(claims.ID) != 32:
		return nil, fmt.Errorf("jti %q is not 128 bits of hex", claims.ID)
	}
	if _, err := hex.DecodeString(claims.ID); err != nil {
		return nil, fmt.Errorf("jti %q is not hex", claims.ID)
	}
	return claims, nil
}

// makeGroups builds n groups with usersPerGroup users each; ids are "g-00000", "g-00001", ...
func makeGroups(n, usersPerGroup int) []kore.Group {
	groups := make([]kore.Group, n)
	for i := range groups {
		users := make([]kore.User, usersPerGroup)
		for j := range users {
			users[j] = kore.User{
				ID:               fmt.Sprintf("u-%05d-%03d", i, j),
				Email:            ptr(fmt.Sprintf("user%d.%d@example.com", i, j)),
				FirstName:        ptr("First"),
				LastName:         ptr(fmt.Sprintf("Last%d", j)),
				JobTitle:         ptr("Engineer"),
				ActivationStatus: ptr("active"),
				OrgID:            ptr("o-c2419ad3-e160-5bae-af32-6e62f1100000"),
				ProfileImage:     ptr("no-avatar"),
				ProfileColor:     ptr("#2e8b57"),
			}
		}
		groups[i] = kore.Group{
			ID:            groupID(i),
			Name:          fmt.Sprintf("Group %d", i),
			Description:   ptr(fmt.Sprintf("Team number %d", i)),
			ChildGroupIDs: []string{},
			UserCount:     ptr(int64(usersPerGroup)),
			Users:         users,
		}
	}
	return groups
}

func groupID(i int) string { return fmt.Sprintf("g-%05d", i) }

func groupIDs(groups []kore.Group) []string {
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	return ids
}

func ptr[T any](v T) *T { return &v }

// waitRecorder is the wait hook of the tests: it records each wait the client asked for and waits a microsecond.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
	ends  []time.Time
}

func (w *waitRecorder) hook(requested time.Duration) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waits = append(w.waits, requested)
	w.ends = append(w.ends, time.Now().Add(requested))
	return time.Microsecond
}

// endsAt returns when each recorded wait would have ended: a wait measured from a moment the test cannot see
// (when a request was reserved) is checked by its end, which does not depend on how slow the machine is.
func (w *waitRecorder) endsAt() []time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Time(nil), w.ends...)
}

func (w *waitRecorder) recorded() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// captureLogger keeps every log line of a client.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("DEBUG", msg, fields)
}
func (l *captureLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("WARN", msg, fields)
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *captureLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// testConfig is a client configuration for server: signed tokens, five retries through a recording wait hook, and
// a rate limit high enough never to matter.
func testConfig(server *httptest.Server, waits *waitRecorder) kore.Config {
	cfg := kore.Config{
		Host:              server.URL,
		ClientID:          testClientID,
		ClientSecret:      testClientSecret,
		MaxRetries:        5,
		RequestsPerMinute: 600_000,
		RequestTimeout:    5 * time.Second,
	}
	if waits != nil {
		cfg = kore.WithWaitHook(cfg, waits.hook)
	}
	return cfg
}

func newTestClient(t testing.TB, cfg kore.Config) *kore.Client {
	t.Helper()
	client, err := kore.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return client
}

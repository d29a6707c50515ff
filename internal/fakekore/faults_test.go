package fakekore

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFailEverySecond(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Intercept: FailEverySecond()})
	var got []int
	var retryAfter []string
	for range 8 {
		r := get(t, s, "", "any-token")
		got = append(got, r.status)
		retryAfter = append(retryAfter, r.header.Get("Retry-After"))
	}
	if want := []int{200, 500, 200, 429, 200, 500, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if want := []string{"", "", "", "1", "", "", "", "1"}; !slices.Equal(retryAfter, want) {
		t.Errorf("Retry-After headers = %q, want %q", retryAfter, want)
	}
}

func TestRateLimited(t *testing.T) {
	t.Run("the first n requests get Kore.ai's rate-limit answer with Retry-After", func(t *testing.T) {
		s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Intercept: RateLimited(2, "3")})
		for range 2 {
			r := get(t, s, "", "any-token")
			assertError(t, r, http.StatusTooManyRequests, MsgRateLimited, http.StatusTooManyRequests)
			if got := r.header.Get("Retry-After"); got != "3" {
				t.Errorf("Retry-After = %q, want 3", got)
			}
		}
		decodePage(t, get(t, s, "", "any-token"))
	})
	t.Run("an empty retryAfter sends no Retry-After header", func(t *testing.T) {
		s := newTestServer(t, Options{Intercept: RateLimited(1, "")})
		r := get(t, s, "", "any-token")
		assertError(t, r, http.StatusTooManyRequests, MsgRateLimited, http.StatusTooManyRequests)
		if _, present := r.header["Retry-After"]; present {
			t.Errorf("Retry-After = %q, want no header", r.header.Get("Retry-After"))
		}
	})
}

func TestServerErrors(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Intercept: ServerErrors(2, http.StatusServiceUnavailable)})
	assertError(t, get(t, s, "", "any-token"), 503, "Service Unavailable", 503)
	assertError(t, get(t, s, "", "any-token"), 503, "Service Unavailable", 503)
	decodePage(t, get(t, s, "", "any-token"))
}

func TestDropConnections(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Intercept: DropConnections(2)})
	// A fresh connection per request, so the transport cannot retry the dropped request on a new one.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 2 {
		resp, err := client.Get(s.URL + GroupsPath)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("request %d: got status %d, want the connection dropped", i+1, resp.StatusCode)
		}
	}
	decodePage(t, do(t, client, http.MethodGet, s.URL+GroupsPath, "any-token"))
	if got := s.Requests(); got != 3 {
		t.Errorf("Requests = %d, want 3", got)
	}
}

func TestStallBody(t *testing.T) {
	t.Run("half a body arrives, then the connection closes", func(t *testing.T) {
		s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Intercept: StallBody(1, time.Millisecond)})
		resp, err := http.Get(s.URL + GroupsPath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status = %d, want 200", resp.StatusCode)
		}
		body, err := io.ReadAll(resp.Body)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("reading the body: err = %v, want unexpected EOF", err)
		}
		if len(body) == 0 || int64(len(body)) >= resp.ContentLength || json.Valid(body) {
			t.Errorf("got %d of %d announced bytes, valid JSON %v; want a non-empty invalid prefix",
				len(body), resp.ContentLength, json.Valid(body))
		}
		decodePage(t, get(t, s, "", "any-token")) // only the first request stalls
	})

	t.Run("the stall ends when the client leaves", func(t *testing.T) {
		fake := NewHandler(Options{Intercept: StallBody(1, time.Hour)})
		t.Cleanup(fake.Close)
		handler, _, left := arrivalSignal(fake)
		ts := httptest.NewServer(handler)
		t.Cleanup(ts.Close)

		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+GroupsPath, nil)
		client := &http.Client{Transport: &http.Transport{}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		partial := make([]byte, 8)
		if _, err := io.ReadFull(resp.Body, partial); err != nil || !bytes.HasPrefix(partial, []byte(`{"total"`)) {
			t.Errorf("first bytes = %q, %v; want the start of a page", partial, err)
		}
		resp.Body.Close() // leaves mid-body: the transport closes the connection
		awaitSignal(t, left, "the handler's return after the client left")
	})

	t.Run("the stall ends when the server closes", func(t *testing.T) {
		s := New(Options{Intercept: StallBody(1, time.Hour)})
		resp, err := http.Get(s.URL + GroupsPath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		closed := make(chan struct{})
		go func() {
			s.Close() // waits for running handlers, so it returns only if the stall ended
			close(closed)
		}()
		awaitSignal(t, closed, "Close's return")
	})
}

func TestInvalidJSON(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Intercept: InvalidJSON()})
	for range 2 {
		r := get(t, s, "", "any-token")
		if r.status != http.StatusOK || json.Valid(r.body) || !bytes.Contains(r.body, []byte("<html>")) {
			t.Errorf("status %d, body %q; want 200 with an HTML body", r.status, r.body)
		}
	}
}

func TestStuckPagination(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(3, 1), Intercept: StuckPagination()})
	for _, query := range []string{"offset=0&limit=50", "offset=1&limit=50", "offset=500&limit=50"} {
		page := decodePage(t, get(t, s, query, "any-token"))
		if len(page.Groups) != 0 || !page.AvailableMore || page.Total != StuckPaginationTotal {
			t.Errorf("%s: %d groups, availableMore %v, total %d; want none, true, %d",
				query, len(page.Groups), page.AvailableMore, page.Total, StuckPaginationTotal)
		}
	}
}

func TestOversizedPage(t *testing.T) {
	s := newTestServer(t, Options{Intercept: OversizedPage()})
	tests := []struct {
		name   string
		query  string
		wanted int
	}{
		{"a page of limit 3 has 4 groups", "limit=3", 4},
		{"a page without limit has 51 groups", "", 51},
		{"a page of limit 50 has 51 groups", "offset=2&limit=50", 51},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := decodePage(t, get(t, s, tt.query, "any-token"))
			if len(page.Groups) != tt.wanted || page.Total != tt.wanted || page.AvailableMore {
				t.Errorf("%d groups, total %d, availableMore %v; want %d, %d, false",
					len(page.Groups), page.Total, page.AvailableMore, tt.wanted, tt.wanted)
			}
		})
	}
}

func TestUnauthorized(t *testing.T) {
	s := newTestServer(t, Options{Intercept: Unauthorized(MsgScopeIncorrect)})
	for range 2 {
		assertError(t, get(t, s, "", "any-token"), http.StatusUnauthorized, MsgScopeIncorrect, CodeInvalidToken)
	}
}

func TestChain(t *testing.T) {
	t.Run("each fault takes its turn, then requests pass through", func(t *testing.T) {
		s := newTestServer(t, Options{
			Groups:    GenerateGroups(1, 1),
			Intercept: Chain(nil, RateLimited(2, ""), ServerErrors(1, http.StatusBadGateway)),
		})
		var got []int
		for range 4 {
			got = append(got, get(t, s, "", "any-token").status)
		}
		if want := []int{429, 429, 502, 200}; !slices.Equal(got, want) {
			t.Errorf("statuses = %v, want %v", got, want)
		}
	})
	t.Run("an empty chain answers nothing", func(t *testing.T) {
		s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Intercept: Chain()})
		decodePage(t, get(t, s, "", "any-token"))
	})
}

func TestWriteError(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, http.StatusConflict, `quote " and <tag>`, 4090)
	resp := response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
	assertError(t, resp, http.StatusConflict, `quote " and <tag>`, 4090)
}

// The documented rate-limit texts come with whatever status a test gives them, and no Retry-After; a missing
// scope refuses only its path.
func TestRateLimitedTextAndMissingScope(t *testing.T) {
	s := New(Options{Groups: SampleGroups(), Intercept: Chain(MissingScope(BotsPath),
		RateLimitedText(1, http.StatusBadRequest, MsgPerMinuteRateLimited))})
	defer s.Close()
	get := func(path string) (int, string, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+path+"?offset=0&limit=10", nil)
		req.Header.Set("auth", "token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), resp.Header
	}
	if status, body, _ := get(BotsPath); status != 401 || !strings.Contains(body, MsgScopeIncorrect) {
		t.Errorf("bots: %d %s, want the scope refusal", status, body)
	}
	if status, body, header := get(GroupsPath); status != 400 || !strings.Contains(body, MsgPerMinuteRateLimited) ||
		header.Get("Retry-After") != "" {
		t.Errorf("first groups request: %d %s, want the per-minute text without Retry-After", status, body)
	}
	if status, _, _ := get(GroupsPath); status != 200 {
		t.Errorf("second groups request: %d, want 200", status)
	}

	always := New(Options{Intercept: RateLimitedText(-1, http.StatusForbidden, MsgHourlyRateLimited)})
	defer always.Close()
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, always.URL+GroupsPath, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 403 || !strings.Contains(string(body), MsgHourlyRateLimited) {
			t.Errorf("%d %s, want the hourly text every time", resp.StatusCode, body)
		}
	}
}

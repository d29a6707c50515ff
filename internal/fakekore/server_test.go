package fakekore

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPagination(t *testing.T) {
	groups := GenerateGroups(5, 1)
	ids := groupIDs(groups)
	s := newTestServer(t, Options{Groups: groups})

	tests := []struct {
		name     string
		query    string
		wantIDs  []string
		wantMore bool
	}{
		{"page 0 holds the first limit groups", "offset=0&limit=2", ids[0:2], true},
		{"offset is a page number, not a group index", "offset=1&limit=2", ids[2:4], true},
		{"the last, partial page has no more after it", "offset=2&limit=2", ids[4:5], false},
		{"a page past the end is empty", "offset=3&limit=2", []string{}, false},
		{"a page far past the end is empty", "offset=9223372036854775807&limit=2", []string{}, false},
		{"a page ending exactly at the total has no more", "offset=0&limit=5", ids, false},
		{"a page ending one short of the total has more", "offset=0&limit=4", ids[0:4], true},
		{"a missing offset means page 0", "limit=3", ids[0:3], true},
		{"a missing limit means 50", "offset=0", ids, false},
		{"limit 1 walks one group per page", "offset=4&limit=1", ids[4:5], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := decodePage(t, get(t, s, tt.query, "any-token"))
			if page.Total != len(groups) {
				t.Errorf("total = %d, want %d", page.Total, len(groups))
			}
			if page.AvailableMore != tt.wantMore {
				t.Errorf("availableMore = %v, want %v", page.AvailableMore, tt.wantMore)
			}
			if got := page.ids(); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("ids = %v, want %v", got, tt.wantIDs)
			}
		})
	}
}

func TestDefaultLimitIsFifty(t *testing.T) {
	groups := GenerateGroups(120, 0)
	s := newTestServer(t, Options{Groups: groups})

	page := decodePage(t, get(t, s, "offset=1", "any-token"))
	if got, want := page.ids(), groupIDs(groups[50:100]); !slices.Equal(got, want) {
		t.Errorf("page 1 without limit = %d groups starting %v, want groups 50-99", len(got), got[:1])
	}
	if page.Total != 120 || !page.AvailableMore {
		t.Errorf("total, availableMore = %d, %v; want 120, true", page.Total, page.AvailableMore)
	}
}

func TestEmptyServerAnswersAnEmptyPage(t *testing.T) {
	s := newTestServer(t, Options{})
	r := get(t, s, "offset=0&limit=50", "any-token")
	if want := `{"total":0,"availableMore":false,"groups":[]}`; string(r.body) != want {
		t.Errorf("body = %s, want %s", r.body, want)
	}
}

func TestInvalidPageParametersAreRefused(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(3, 1)})
	for _, query := range []string{
		"offset=abc", "offset=-1", "offset=", "offset=1.5",
		"limit=0", "limit=-3", "limit=", "limit=ten", "limit=51", "limit=99999999999999999999",
	} {
		t.Run("a query of "+query+" is answered 412", func(t *testing.T) {
			assertError(t, get(t, s, query, "any-token"), http.StatusPreconditionFailed, MsgValidation, 412)
		})
	}
	t.Run("limit 50 is accepted", func(t *testing.T) {
		decodePage(t, get(t, s, "limit=50", "any-token"))
	})
}

func TestMaxPageSize(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(30, 0), MaxPageSize: 10})

	t.Run("a limit above MaxPageSize is answered 412", func(t *testing.T) {
		assertError(t, get(t, s, "limit=11", "any-token"), http.StatusPreconditionFailed, MsgValidation, 412)
	})
	t.Run("a missing limit falls back to MaxPageSize when it is below 50", func(t *testing.T) {
		if n := len(decodePage(t, get(t, s, "", "any-token")).Groups); n != 10 {
			t.Errorf("groups = %d, want 10", n)
		}
	})
}

func TestRouting(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(1, 1)})

	t.Run("another path is answered 404", func(t *testing.T) {
		r := do(t, http.DefaultClient, http.MethodGet, s.URL+"/api/public/bot/users", "any-token")
		assertError(t, r, http.StatusNotFound, MsgNotFound, 404)
	})
	t.Run("a trailing slash is another path", func(t *testing.T) {
		r := do(t, http.DefaultClient, http.MethodGet, s.URL+GroupsPath+"/", "any-token")
		assertError(t, r, http.StatusNotFound, MsgNotFound, 404)
	})
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(method+" is answered 405 with Allow: GET", func(t *testing.T) {
			r := do(t, http.DefaultClient, method, s.URL+GroupsPath, "any-token")
			assertError(t, r, http.StatusMethodNotAllowed, MsgMethodNotAllowed, 405)
			if allow := r.header.Get("Allow"); allow != http.MethodGet {
				t.Errorf("Allow = %q, want GET", allow)
			}
		})
	}
	t.Run("a page is sent as application/json with its length", func(t *testing.T) {
		r := get(t, s, "", "any-token")
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
		if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
			t.Errorf("Content-Length = %q, body is %d bytes", cl, len(r.body))
		}
	})
}

func TestSampleGroupsAreKoreSampleResponse(t *testing.T) {
	sample, err := os.ReadFile("testdata/get-groups-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Options{Groups: SampleGroups()})
	served := get(t, s, "offset=0&limit=2", "any-token")

	t.Run("the decoded answer equals the decoded sample", func(t *testing.T) {
		var want, got any
		if err := json.Unmarshal(sample, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(served.body, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("served\n%s\nwant the sample\n%s", served.body, sample)
		}
	})
	t.Run("the answer is the sample byte for byte once whitespace is removed", func(t *testing.T) {
		var compact bytes.Buffer
		if err := json.Compact(&compact, sample); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(served.body, compact.Bytes()) {
			t.Errorf("served\n%s\nwant\n%s", served.body, compact.Bytes())
		}
	})
	t.Run("each call returns values the caller may change", func(t *testing.T) {
		first := SampleGroups()
		*first[0].Users[0].Email = "changed@example.com"
		if got := *SampleGroups()[0].Users[0].Email; got != "sample1@example.com" {
			t.Errorf("email after changing an earlier copy = %q", got)
		}
	})
}

func TestNullAndEmptyStringsSurviveTheWire(t *testing.T) {
	groups := []Group{{
		ID:          "e-null-and-empty",
		Name:        "Nulls",
		Description: nil,
		ChildGroups: []any{"e-child", ChildGroupRef{ID: "e-object-child"}},
		Users: []User{
			{ID: "u-null", JobTitle: nil, ProfileColor: Ptr("")},
			{ID: "u-empty", JobTitle: Ptr(""), ProfileColor: Ptr("#ffd700")},
		},
		UserCount: nil,
	}, {
		ID:          "e-empty",
		Name:        "R&D <core>",
		Description: Ptr(""),
		ChildGroups: nil,
		Users:       nil,
		UserCount:   Ptr(0),
	}}
	s := newTestServer(t, Options{Groups: groups})
	r := get(t, s, "", "any-token")

	for _, fragment := range []string{
		`"gDesc":null`, `"gDesc":""`, `"jTitle":null`, `"jTitle":""`, `"profColour":""`,
		`"userCount":null`, `"userCount":0`, `"users":null`, `"groups":null`,
		`"groups":["e-child",{"_id":"e-object-child"}]`, `"emailId":null`, `"lastName":null`,
		`"gN":"R&D <core>"`, // unescaped, as Kore.ai's servers send it
	} {
		t.Run("the body contains "+fragment, func(t *testing.T) {
			if !bytes.Contains(r.body, []byte(fragment)) {
				t.Errorf("%s missing from %s", fragment, r.body)
			}
		})
	}
	t.Run("every user field is sent even when null", func(t *testing.T) {
		users, _ := decodePage(t, r).Groups[0]["users"].([]any)
		if len(users) != 2 {
			t.Fatalf("users = %#v, want two", users)
		}
		nullUser, _ := users[0].(map[string]any)
		for _, key := range []string{"_id", "emailId", "lastName", "firstName", "profImage", "profColour",
			"activationStatus", "jTitle", "orgId"} {
			if _, ok := nullUser[key]; !ok {
				t.Errorf("field %q missing", key)
			}
		}
	})
}

func TestSetGroupsChangesLaterPages(t *testing.T) {
	before, after := GenerateGroups(4, 1), SampleGroups()
	s := newTestServer(t, Options{Groups: before})

	if got := decodePage(t, get(t, s, "limit=2", "any-token")).ids(); !slices.Equal(got, groupIDs(before[:2])) {
		t.Fatalf("before SetGroups: ids = %v", got)
	}
	s.SetGroups(after)
	page := decodePage(t, get(t, s, "limit=2", "any-token"))
	if got := page.ids(); !slices.Equal(got, groupIDs(after)) || page.Total != 2 {
		t.Errorf("after SetGroups: ids = %v, total = %d; want %v, 2", got, page.Total, groupIDs(after))
	}
}

func TestSetGroupsRefusesUnencodableGroups(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SetGroups with a channel in ChildGroups did not panic")
		}
	}()
	NewHandler(Options{}).SetGroups([]Group{{ID: "e-bad", ChildGroups: []any{make(chan int)}}})
}

func TestCounters(t *testing.T) {
	const parallel = 4
	var arrived sync.WaitGroup
	arrived.Add(parallel)
	release := make(chan struct{})
	var held atomic.Int32
	var seqs []int
	var seqsMu sync.Mutex
	s := newTestServer(t, Options{
		Groups: GenerateGroups(1, 1),
		Intercept: func(seq int, _ http.ResponseWriter, _ *http.Request) bool {
			seqsMu.Lock()
			seqs = append(seqs, seq)
			seqsMu.Unlock()
			if held.Add(1) <= parallel {
				arrived.Done()
				<-release // hold the first requests until all of them are in flight together
			}
			return false
		},
	})

	var clients sync.WaitGroup
	for range parallel {
		clients.Go(func() {
			resp, err := http.Get(s.URL + GroupsPath)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	arrived.Wait()
	close(release)
	clients.Wait()
	do(t, http.DefaultClient, http.MethodGet, s.URL+"/elsewhere", "")

	t.Run("MaxInFlight counts requests served at the same time", func(t *testing.T) {
		if got := s.MaxInFlight(); got != parallel {
			t.Errorf("MaxInFlight = %d, want %d", got, parallel)
		}
	})
	t.Run("Requests counts every path", func(t *testing.T) {
		if got := s.Requests(); got != parallel+1 {
			t.Errorf("Requests = %d, want %d", got, parallel+1)
		}
	})
	t.Run("Intercept sees each request once, numbered from 1", func(t *testing.T) {
		slices.Sort(seqs)
		if want := []int{1, 2, 3, 4, 5}; !slices.Equal(seqs, want) {
			t.Errorf("seqs = %v, want %v", seqs, want)
		}
	})
	t.Run("ResetCounters starts everything over", func(t *testing.T) {
		s.ResetCounters()
		if s.Requests() != 0 || s.MaxInFlight() != 0 || len(s.ReceivedTokens()) != 0 || len(s.Offsets()) != 0 {
			t.Fatalf("after reset: requests %d, max in flight %d, tokens %d, offsets %d",
				s.Requests(), s.MaxInFlight(), len(s.ReceivedTokens()), len(s.Offsets()))
		}
		get(t, s, "", "")
		if s.Requests() != 1 || s.MaxInFlight() != 1 {
			t.Errorf("one request after reset: Requests = %d, MaxInFlight = %d; want 1, 1", s.Requests(), s.MaxInFlight())
		}
		if last := seqs[len(seqs)-1]; last != 1 {
			t.Errorf("seq after reset = %d, want 1", last)
		}
	})
}

func TestReceivedTokensAndOffsets(t *testing.T) {
	s := newTestServer(t, Options{Groups: GenerateGroups(3, 1)})
	get(t, s, "offset=2&limit=1", "token-a")
	get(t, s, "limit=1", "token-b")
	get(t, s, "offset=0&limit=1", "")
	get(t, s, "offset=bad", "token-c")
	do(t, http.DefaultClient, http.MethodGet, s.URL+"/elsewhere?offset=7", "token-d")

	t.Run("every non-empty auth header is recorded in order", func(t *testing.T) {
		if got, want := s.ReceivedTokens(), []string{"token-a", "token-b", "token-c", "token-d"}; !slices.Equal(got, want) {
			t.Errorf("ReceivedTokens = %v, want %v", got, want)
		}
	})
	t.Run("offsets of group requests are recorded in order, 0 when absent", func(t *testing.T) {
		if got, want := s.Offsets(), []int{2, 0, 0}; !slices.Equal(got, want) {
			t.Errorf("Offsets = %v, want %v", got, want)
		}
	})
	t.Run("the returned slices are copies", func(t *testing.T) {
		s.ReceivedTokens()[0] = "changed"
		if s.ReceivedTokens()[0] != "token-a" {
			t.Error("changing the returned slice changed the server's record")
		}
	})
}

// arrivalSignal wraps a handler to report when a request enters and leaves it.
func arrivalSignal(next http.Handler) (http.Handler, <-chan struct{}, <-chan struct{}) {
	entered, left := make(chan struct{}, 1), make(chan struct{}, 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		defer func() { left <- struct{}{} }()
		next.ServeHTTP(w, r)
	}), entered, left
}

// awaitSignal fails the test if ch stays silent; the bound only guards against a hang. It uses t.Errorf, not
// t.Fatalf, so that it may be called from any goroutine.
func awaitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Errorf("%s did not happen", what)
	}
}

func TestLatency(t *testing.T) {
	t.Run("the answer comes after the latency", func(t *testing.T) {
		s := newTestServer(t, Options{Groups: GenerateGroups(1, 1), Latency: time.Millisecond})
		decodePage(t, get(t, s, "", "any-token"))
	})

	t.Run("a client that leaves ends the wait without an answer", func(t *testing.T) {
		intercepted := false
		fake := NewHandler(Options{Latency: time.Hour, Intercept: func(int, http.ResponseWriter, *http.Request) bool {
			intercepted = true
			return false
		}})
		t.Cleanup(fake.Close)
		handler, entered, left := arrivalSignal(fake)
		ts := httptest.NewServer(handler)
		t.Cleanup(ts.Close)

		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			awaitSignal(t, entered, "the request's arrival")
			cancel()
		}()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+GroupsPath, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatal("request answered although the client left during the latency")
		}
		awaitSignal(t, left, "the handler's return")
		if intercepted {
			t.Error("Intercept ran for a request whose client had left")
		}
	})

	t.Run("Close ends the wait with a 503", func(t *testing.T) {
		fake := NewHandler(Options{Latency: time.Hour})
		handler, entered, left := arrivalSignal(fake)
		ts := httptest.NewServer(handler)
		t.Cleanup(ts.Close)

		go func() {
			awaitSignal(t, entered, "the request's arrival")
			fake.Close()
		}()
		r := do(t, http.DefaultClient, http.MethodGet, ts.URL+GroupsPath, "any-token")
		assertError(t, r, http.StatusServiceUnavailable, "Service Unavailable", 503)
		awaitSignal(t, left, "the handler's return after Close")
	})
}

func TestCloseIsIdempotent(t *testing.T) {
	s := New(Options{})
	s.Close()
	s.Close()
	if _, err := http.Get(s.URL + GroupsPath); err == nil {
		t.Error("a closed server still answers")
	}
}

func TestNewListensOnLoopback(t *testing.T) {
	s := newTestServer(t, Options{})
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want http://127.0.0.1:PORT", s.URL)
	}
	if NewHandler(Options{}).URL != "" {
		t.Error("a Server from NewHandler has a URL although it does not listen")
	}
}

package kore_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// dropConnection closes the connection under a request without answering it.
func dropConnection(t testing.TB, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// failFirst answers the first len(failures) requests with those failures, then serves the data set.
func failFirst(failures ...func(http.ResponseWriter)) func(http.ResponseWriter, *http.Request, int64, int) bool {
	return func(w http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
		if int(call) <= len(failures) {
			failures[call-1](w)
			return true
		}
		return false
	}
}

func status(code int, headers ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		writeAPIError(w, code, code, http.StatusText(code))
	}
}

func TestRetryWaits(t *testing.T) {
	tests := []struct {
		name    string
		failure func(http.ResponseWriter)
		// check asserts the single wait the client asked for.
		check func(t *testing.T, wait time.Duration)
	}{
		{
			name:    "429 with Retry-After: 2 is honoured as 2s",
			failure: status(http.StatusTooManyRequests, "Retry-After", "2"),
			check:   exactly(2 * time.Second),
		},
		{
			name: "429 with Retry-After as an HTTP date waits until that date",
			failure: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat))
				writeAPIError(w, http.StatusTooManyRequests, 429, "Too Many Requests")
			},
			check: between(3*time.Second, 5*time.Second),
		},
		{
			// The server's minute is full: the retry waits until the request just sent leaves the account's
			// minute (60 s and the budget's 2 s margin), not a backoff of seconds that would spend every retry.
			name:    "429 without Retry-After waits until the account's minute has room again",
			failure: status(http.StatusTooManyRequests),
			check:   between(61*time.Second, 62*time.Second),
		},
		{
			name:    "503 with Retry-After: 3 is honoured as 3s",
			failure: status(http.StatusServiceUnavailable, "Retry-After", "3"),
			check:   exactly(3 * time.Second),
		},
		{
			name:    "a Retry-After that is not a number or date counts as none",
			failure: status(http.StatusTooManyRequests, "Retry-After", "soon"),
			check:   between(61*time.Second, 62*time.Second),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(3, 1), 50)
			api.respond = failFirst(tt.failure)
			server := api.start()
			waits := &waitRecorder{}
			client := newTestClient(t, testConfig(server, waits))

			list, err := client.ListGroups(context.Background(), 50)
			if err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			if len(list.Groups) != 3 || api.calls.Load() != 2 {
				t.Errorf("groups, requests = %d, %d; want 3, 2", len(list.Groups), api.calls.Load())
			}
			recorded := waits.recorded()
			if len(recorded) != 1 {
				t.Fatalf("waits = %v, want exactly one", recorded)
			}
			tt.check(t, recorded[0])
		})
	}
}

func exactly(want time.Duration) func(*testing.T, time.Duration) {
	return func(t *testing.T, got time.Duration) {
		t.Helper()
		if got != want {
			t.Errorf("wait = %s, want %s", got, want)
		}
	}
}

func between(low, high time.Duration) func(*testing.T, time.Duration) {
	return func(t *testing.T, got time.Duration) {
		t.Helper()
		if got < low || got > high {
			t.Errorf("wait = %s, want from %s to %s", got, low, high)
		}
	}
}

func TestRetryRecoversFromTransientFailures(t *testing.T) {
	type failure = func(w http.ResponseWriter, r *http.Request)
	answer := func(code int) failure {
		return func(w http.ResponseWriter, _ *http.Request) { status(code)(w) }
	}
	tests := []struct {
		name     string
		failures []failure
	}{
		{
			name:     "a burst of 500, 502, 503 and 504",
			failures: []failure{answer(500), answer(502), answer(503), answer(504)},
		},
		{
			name:     "a dropped connection",
			failures: []failure{func(w http.ResponseWriter, _ *http.Request) { dropConnection(t, w) }},
		},
		{
			name: "headers that do not come within the request timeout",
			failures: []failure{func(_ http.ResponseWriter, r *http.Request) {
				<-r.Context().Done() // only the client's attempt timeout ends this
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(3, 1), 50)
			api.respond = func(w http.ResponseWriter, r *http.Request, call int64, _ int) bool {
				if int(call) > len(tt.failures) {
					return false
				}
				tt.failures[call-1](w, r)
				return true
			}
			server := api.start()
			waits := &waitRecorder{}
			cfg := testConfig(server, waits)
			cfg.RequestTimeout = 100 * time.Millisecond
			client := newTestClient(t, cfg)

			list, err := client.ListGroups(context.Background(), 50)
			if err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			if len(list.Groups) != 3 {
				t.Errorf("groups = %d, want 3", len(list.Groups))
			}
			if got, want := api.calls.Load(), int64(len(tt.failures)+1); got != want {
				t.Errorf("requests = %d, want %d", got, want)
			}
			recorded := waits.recorded()
			if len(recorded) != len(tt.failures) {
				t.Fatalf("waits = %v, want %d", recorded, len(tt.failures))
			}
			for i, wait := range recorded {
				// Retry i+1 waits between 1s and a ceiling that doubles from 2s, capped at 30s.
				if ceiling := min(30*time.Second, time.Second<<(i+1)); wait < time.Second || wait > ceiling {
					t.Errorf("wait %d = %s, want from 1s to %s", i+1, wait, ceiling)
				}
			}
		})
	}
}

func TestRetryRecoversFromStalledBody(t *testing.T) {
	api := newFakeAPI(t, makeGroups(3, 1), 50)
	api.respond = func(w http.ResponseWriter, r *http.Request, call int64, _ int) bool {
		if call > 1 {
			return false
		}
		// Headers and the start of the body, then nothing: the attempt must time out and be retried.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"total":3,"availableMore":false,"groups":[`))
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
		return true
	}
	server := api.start()
	waits := &waitRecorder{}
	logger := &captureLogger{}
	cfg := testConfig(server, waits)
	cfg.RequestTimeout = 50 * time.Millisecond
	cfg.Logger = logger
	client := newTestClient(t, cfg)

	list, err := client.ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if len(list.Groups) != 3 || api.calls.Load() != 2 || len(waits.recorded()) != 1 {
		t.Errorf("groups, requests, waits = %d, %d, %v; want 3, 2, one wait",
			len(list.Groups), api.calls.Load(), waits.recorded())
	}
	if !slices.ContainsFunc(logger.all(), func(line string) bool {
		return strings.HasPrefix(line, "WARN") && strings.Contains(line, "request timeout of 50ms")
	}) {
		t.Errorf("no warning names the timed-out attempt; log:\n%s", strings.Join(logger.all(), "\n"))
	}
}

func TestAnswersThatAreNotRetried(t *testing.T) {
	tests := []struct {
		name             string
		status, code     int
		msg              string
		wantUnauthorized bool
	}{
		{name: "401 Invalid JWT token", status: 401, code: 4002, msg: "Invalid JWT token", wantUnauthorized: true},
		{name: "401 for a scope that is missing", status: 401, msg: "Permission denied. Scope is incorrect!", wantUnauthorized: true},
		{name: "403 Forbidden", status: 403, code: 403, msg: "Forbidden", wantUnauthorized: true},
		{name: "404 with the API's message", status: 404, code: 404, msg: "Requested resource not found"},
		{name: "405 Method Not Allowed", status: 405, code: 405, msg: "Method Not Allowed"},
		{name: "412 Validation errors", status: 412, code: 412, msg: "Validation errors/ Invalid arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				writeAPIError(w, tt.status, tt.code, tt.msg)
				return true
			}
			server := api.start()
			waits := &waitRecorder{}
			client := newTestClient(t, testConfig(server, waits))

			_, err := client.ListGroups(context.Background(), 50)
			var apiErr *kore.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want an *APIError", err)
			}
			want := kore.APIError{StatusCode: tt.status, Code: tt.code, Message: tt.msg, Page: 0, Attempts: 1,
				Endpoint: "groups", Scope: kore.ScopeRoleManagement}
			if apiErr.Error() != want.Error() || apiErr.Code != want.Code || apiErr.Endpoint != want.Endpoint ||
				apiErr.Scope != want.Scope || apiErr.Page != 0 || apiErr.Attempts != 1 {
				t.Errorf("APIError = %+v, want %+v", *apiErr, want)
			}
			if api.calls.Load() != 1 || len(waits.recorded()) != 0 {
				t.Errorf("requests, waits = %d, %v; want one request and no wait", api.calls.Load(), waits.recorded())
			}
			if kore.IsUnauthorized(err) != tt.wantUnauthorized {
				t.Errorf("IsUnauthorized = %v, want %v", kore.IsUnauthorized(err), tt.wantUnauthorized)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "HTTP "+strconv.Itoa(tt.status)) {
				t.Errorf("error %q does not show the status and the API's message", err)
			}
		})
	}
}

func TestAnswersThatAreNotJSON(t *testing.T) {
	const page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n\t<body>\x00\x1b[31m<center>nginx</center>\xff</body></html>"
	tests := []struct {
		name       string
		status     int
		maxRetries int
		wantType   string
		wantCalls  int64
	}{
		{name: "a 200 that is an HTML page fails to decode", status: 200, maxRetries: 5, wantType: "decode", wantCalls: 1},
		{name: "a 502 HTML page is an API error", status: 502, maxRetries: 0, wantType: "api", wantCalls: 1},
		{name: "a 502 HTML page after every retry is an API error", status: 502, maxRetries: 2, wantType: "api", wantCalls: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(page))
				return true
			}
			server := api.start()
			cfg := testConfig(server, &waitRecorder{})
			cfg.MaxRetries = tt.maxRetries
			client := newTestClient(t, cfg)

			_, err := client.ListGroups(context.Background(), 50)
			switch tt.wantType {
			case "decode":
				var decodeErr *kore.DecodeError
				if !errors.As(err, &decodeErr) {
					t.Fatalf("error = %v, want a *DecodeError", err)
				}
				if decodeErr.StatusCode != 200 || decodeErr.BodyBytes != len(page) || decodeErr.ContentType != "text/html" ||
					decodeErr.Page != 0 {
					t.Errorf("DecodeError = %+v, want status 200 and the body's size and type", decodeErr)
				}
			case "api":
				var apiErr *kore.APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("error = %v, want an *APIError", err)
				}
				if apiErr.StatusCode != tt.status || apiErr.BodyBytes != len(page) || apiErr.ContentType != "text/html" ||
					apiErr.Message != "" || apiErr.Attempts != int(tt.wantCalls) {
					t.Errorf("APIError = %+v, want status %d, the body's size and type, %d attempts", apiErr, tt.status,
						tt.wantCalls)
				}
			}
			if !strings.Contains(err.Error(), strconv.Itoa(tt.status)) || strings.Contains(err.Error(), "nginx") {
				t.Errorf("error %q does not show the status, or quotes the body", err)
			}
			if api.calls.Load() != tt.wantCalls {
				t.Errorf("requests = %d, want %d", api.calls.Load(), tt.wantCalls)
			}
		})
	}
}

func TestRetriesAreBoundedByMaxRetries(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		fail       func(t testing.TB, w http.ResponseWriter)
		wantAPI    bool
	}{
		{name: "MaxRetries 0 makes a 503 final at once", maxRetries: 0, wantAPI: true,
			fail: func(_ testing.TB, w http.ResponseWriter) { writeAPIError(w, 503, 503, "Service Unavailable") }},
		{name: "retries of a 500 stop after MaxRetries", maxRetries: 2, wantAPI: true,
			fail: func(_ testing.TB, w http.ResponseWriter) { writeAPIError(w, 500, 500, "Internal Server Error") }},
		{name: "retries of a dropped connection stop after MaxRetries", maxRetries: 1,
			fail: func(t testing.TB, w http.ResponseWriter) { dropConnection(t, w) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				tt.fail(t, w)
				return true
			}
			server := api.start()
			waits := &waitRecorder{}
			cfg := testConfig(server, waits)
			cfg.MaxRetries = tt.maxRetries
			client := newTestClient(t, cfg)

			_, err := client.ListGroups(context.Background(), 50)
			wantAttempts := tt.maxRetries + 1
			if tt.wantAPI {
				var apiErr *kore.APIError
				if !errors.As(err, &apiErr) || apiErr.Attempts != wantAttempts {
					t.Fatalf("error = %#v, want an *APIError after %d attempts", err, wantAttempts)
				}
				if strings.Contains(err.Error(), "giving up") {
					t.Errorf("error %q hides the answer behind retryablehttp's summary", err)
				}
			} else {
				var requestErr *kore.RequestError
				if !errors.As(err, &requestErr) || requestErr.Attempts != wantAttempts {
					t.Fatalf("error = %v, want a *RequestError after %d attempts", err, wantAttempts)
				}
			}
			if got := api.calls.Load(); got != int64(wantAttempts) {
				t.Errorf("requests = %d, want %d", got, wantAttempts)
			}
			if got := len(waits.recorded()); got != tt.maxRetries {
				t.Errorf("waits = %d, want %d", got, tt.maxRetries)
			}
		})
	}
}

func TestRetryStopsAtOnceWhenTheWaitWouldPassTheDeadline(t *testing.T) {
	tests := []struct {
		name        string
		failure     func(http.ResponseWriter)
		deadline    time.Duration
		rateLimited bool
	}{
		{name: "a Retry-After past the deadline returns the 429", deadline: 30 * time.Second, rateLimited: true,
			failure: status(http.StatusTooManyRequests, "Retry-After", "120")},
		{name: "a backoff past the deadline returns the 500", deadline: 500 * time.Millisecond,
			failure: status(http.StatusInternalServerError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				tt.failure(w)
				return true
			}
			server := api.start()
			waits := &waitRecorder{}
			logger := &captureLogger{}
			cfg := testConfig(server, waits)
			cfg.Logger = logger
			client := newTestClient(t, cfg)

			ctx, cancel := context.WithTimeout(context.Background(), tt.deadline)
			defer cancel()
			_, err := client.ListGroups(ctx, 50)
			var apiErr *kore.APIError
			if !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
				t.Fatalf("error = %v, want the first answer as an *APIError", err)
			}
			if kore.IsRateLimited(err) != tt.rateLimited {
				t.Errorf("IsRateLimited = %v, want %v", kore.IsRateLimited(err), tt.rateLimited)
			}
			if ctx.Err() != nil {
				t.Error("the read waited until the deadline")
			}
			if api.calls.Load() != 1 || len(waits.recorded()) != 0 {
				t.Errorf("requests, waits = %d, %v; want 1 and none", api.calls.Load(), waits.recorded())
			}
			if !slices.ContainsFunc(logger.all(), func(line string) bool { return strings.Contains(line, "would pass the deadline") }) {
				t.Error("no warning says why the request was not retried")
			}
		})
	}
}

func TestContextCancellationStopsAReadAtOnce(t *testing.T) {
	t.Run("while a request is in flight", func(t *testing.T) {
		api := newFakeAPI(t, nil, 50)
		arrived := make(chan struct{})
		api.respond = func(_ http.ResponseWriter, r *http.Request, _ int64, _ int) bool {
			close(arrived)
			<-r.Context().Done()
			return true
		}
		server := api.start()
		client := newTestClient(t, testConfig(server, &waitRecorder{}))

		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		_, err := client.ListGroups(ctx, 50)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		if api.calls.Load() != 1 {
			t.Errorf("requests = %d, want 1", api.calls.Load())
		}
	})

	t.Run("while waiting to retry", func(t *testing.T) {
		api := newFakeAPI(t, nil, 50)
		api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
			writeAPIError(w, 503, 503, "Service Unavailable")
			return true
		}
		server := api.start()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The wait is an hour long; cancelling during it must end the read at once.
		cfg := kore.WithWaitHook(testConfig(server, nil), func(time.Duration) time.Duration {
			cancel()
			return time.Hour
		})
		client := newTestClient(t, cfg)

		_, err := client.ListGroups(ctx, 50)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		if api.calls.Load() != 1 {
			t.Errorf("requests = %d, want 1: no attempt after the context ended", api.calls.Load())
		}
	})

	t.Run("a context that has already ended makes no request", func(t *testing.T) {
		api := newFakeAPI(t, nil, 50)
		server := api.start()
		client := newTestClient(t, testConfig(server, nil))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := client.ListGroups(ctx, 50); !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		if api.calls.Load() != 0 {
			t.Errorf("requests = %d, want none", api.calls.Load())
		}
	})
}

// With every second request failing, alternately with a 500 and a 429 that asks for a second's wait, a read of 3
// pages still returns every group.
func TestEverySecondRequestFailingStillReadsEveryGroup(t *testing.T) {
	groups := makeGroups(150, 3)
	api := newFakeAPI(t, groups, 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
		switch call % 4 {
		case 2:
			writeAPIError(w, http.StatusInternalServerError, 500, "Internal Server Error")
		case 0:
			w.Header().Set("Retry-After", "1")
			writeAPIError(w, http.StatusTooManyRequests, 429,
				"Rate limit for this API has been reached. Please try again after some time.")
		default:
			return false
		}
		return true
	}
	server := api.start()
	waits := &waitRecorder{}
	client := newTestClient(t, testConfig(server, waits))

	list, err := client.ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if got, want := groupIDs(list.Groups), groupIDs(groups); !slices.Equal(got, want) {
		t.Errorf("group ids = %v, want all %d in order", got, len(want))
	}
	if list.Pages != 3 || len(list.Warnings) != 0 {
		t.Errorf("Pages, Warnings = %d, %q; want 3, none", list.Pages, list.Warnings)
	}
	if !slices.Contains(waits.recorded(), time.Second) {
		t.Errorf("waits %v do not include the second a 429 asked for", waits.recorded())
	}
}

func TestRateLimitMessageIsRecognisedWhateverTheStatus(t *testing.T) {
	const message = "Rate limit for this API has been reached. Please try again after some time."
	t.Run("it is retried", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(2, 0), 50)
		api.respond = failFirst(func(w http.ResponseWriter) { writeAPIError(w, http.StatusBadRequest, 0, message) })
		server := api.start()
		client := newTestClient(t, testConfig(server, &waitRecorder{}))
		if _, err := client.ListGroups(context.Background(), 50); err != nil {
			t.Fatalf("ListGroups: %v", err)
		}
		if api.calls.Load() != 2 {
			t.Errorf("requests = %d, want 2", api.calls.Load())
		}
	})
	t.Run("the final error is rate limited", func(t *testing.T) {
		api := newFakeAPI(t, nil, 50)
		api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
			writeAPIError(w, http.StatusBadRequest, 0, message)
			return true
		}
		server := api.start()
		cfg := testConfig(server, &waitRecorder{})
		cfg.MaxRetries = 0
		client := newTestClient(t, cfg)
		_, err := client.ListGroups(context.Background(), 50)
		if !kore.IsRateLimited(err) || kore.IsUnauthorized(err) {
			t.Errorf("IsRateLimited, IsUnauthorized = %v, %v for %v; want true, false",
				kore.IsRateLimited(err), kore.IsUnauthorized(err), err)
		}
	})
	t.Run("on a 403 it is a rate limit, not a refusal of the credentials", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(2, 0), 50)
		api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
			writeAPIError(w, http.StatusForbidden, 0, message)
			return true
		}
		waits := &waitRecorder{}
		cfg := testConfig(api.start(), waits)
		cfg.MaxRetries = 2
		client := newTestClient(t, cfg)
		_, err := client.ListGroups(context.Background(), 50)
		if !kore.IsRateLimited(err) || kore.IsUnauthorized(err) {
			t.Errorf("IsRateLimited, IsUnauthorized = %v, %v for %v; want true, false",
				kore.IsRateLimited(err), kore.IsUnauthorized(err), err)
		}
		if api.calls.Load() != 3 || len(waits.recorded()) != 2 {
			t.Errorf("requests, waits = %d, %d; want 3, 2 (a rate limit is retried)", api.calls.Load(), len(waits.recorded()))
		}
	})
}

func TestRedirectsAreReportedNotFollowed(t *testing.T) {
	elsewhere := newFakeAPI(t, makeGroups(1, 0), 50)
	target := elsewhere.start()
	api := newFakeAPI(t, nil, 50)
	api.respond = func(w http.ResponseWriter, r *http.Request, _ int64, _ int) bool {
		http.Redirect(w, r, target.URL+r.URL.RequestURI(), http.StatusFound)
		return true
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	_, err := client.ListGroups(context.Background(), 50)
	var apiErr *kore.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound || !strings.HasPrefix(apiErr.Location, target.URL) {
		t.Fatalf("error = %v, want a 302 APIError naming where it points", err)
	}
	if elsewhere.calls.Load() != 0 {
		t.Error("the redirect was followed, carrying the token to another server")
	}
}

func TestRetryWaitsForRealWithoutTheHook(t *testing.T) {
	api := newFakeAPI(t, makeGroups(2, 0), 50)
	api.respond = failFirst(status(500), status(502), status(503))
	server := api.start()
	logger := &captureLogger{}
	cfg := kore.WithBackoff(testConfig(server, nil), 2*time.Millisecond, 8*time.Millisecond)
	cfg.Logger = logger
	client := newTestClient(t, cfg)

	list, err := client.ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if len(list.Groups) != 2 || api.calls.Load() != 4 {
		t.Errorf("groups, requests = %d, %d; want 2, 4", len(list.Groups), api.calls.Load())
	}
	var retries []string
	for _, line := range logger.all() {
		if strings.HasPrefix(line, "WARN Kore.ai API request failed; retrying") {
			retries = append(retries, line)
		}
	}
	for i, status := range []string{"status:500", "status:502", "status:503"} {
		if i >= len(retries) || !strings.Contains(retries[i], status) || !strings.Contains(retries[i], "attempt:"+strconv.Itoa(i+1)) {
			t.Errorf("retry warnings %q do not report attempt %d with %s", retries, i+1, status)
		}
	}
}

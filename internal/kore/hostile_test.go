package kore_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// The answers of a server that means harm, or is badly broken: each must end in an error that says what happened,
// within bounded memory, without retrying what cannot succeed, and without a secret in any text.

// endless writes an answer that never ends, until the client hangs up.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	chunk := bytes.Repeat([]byte(`{"_id":"g","gN":"x"},`), 4096)
	_, _ = w.Write([]byte(`{"total":1,"availableMore":false,"groups":[`))
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// gzipBomb is a gzip body of under 100 KiB that inflates to 96 MiB.
func gzipBomb(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 96 {
		_, _ = zw.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHostileAnswersAreRefusedWithinBoundedMemory(t *testing.T) {
	bomb := gzipBomb(t)
	tests := []struct {
		name              string
		respond           func(w http.ResponseWriter, r *http.Request)
		wantContentLength int64
	}{
		{name: "a Content-Length above the cap is refused before the body is read",
			respond: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(kore.MaxAnswerBytes+1))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte(`{"total":0}`)) // and then the connection ends: the header lied
			},
			wantContentLength: kore.MaxAnswerBytes + 1},
		{name: "a Content-Length of 128 MiB followed by ten bytes is refused",
			respond: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(128<<20))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte(`0123456789`))
			},
			wantContentLength: 128 << 20},
		{name: "an answer that never ends stops at the cap", respond: endless, wantContentLength: -1},
		{name: "a gzip bomb stops at the cap of inflated bytes",
			respond: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Content-Length", strconv.Itoa(len(bomb)))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(bomb)
			},
			wantContentLength: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			api.respond = func(w http.ResponseWriter, r *http.Request, _ int64, _ int) bool {
				tt.respond(w, r)
				return true
			}
			waits := &waitRecorder{}
			cfg := testConfig(api.start(), waits)
			// Inflating 32 MiB under the race detector on a busy machine can outlast the usual 5 s, which would
			// turn the refusal into a stalled attempt and a retry.
			cfg.RequestTimeout = time.Minute
			client := newTestClient(t, cfg)

			_, err := client.ListGroups(context.Background(), 50)
			var tooLarge *kore.AnswerTooLargeError
			if !errors.As(err, &tooLarge) {
				t.Fatalf("error = %v, want an *AnswerTooLargeError", err)
			}
			if tooLarge.Limit != kore.MaxAnswerBytes || tooLarge.ContentLength != tt.wantContentLength {
				t.Errorf("limit, Content-Length = %d, %d; want %d, %d", tooLarge.Limit, tooLarge.ContentLength,
					kore.MaxAnswerBytes, tt.wantContentLength)
			}
			if api.calls.Load() != 1 || len(waits.recorded()) != 0 {
				t.Errorf("requests, waits = %d, %d; want 1, 0: the same request brings the same answer",
					api.calls.Load(), len(waits.recorded()))
			}
			if !strings.Contains(err.Error(), "32 MiB") {
				t.Errorf("error %q does not name the cap", err)
			}
		})
	}
}

// At the largest concurrency, every page but the first never ends: every one is refused as too large, and the read
// fails with that, not with a timeout or a cancellation.
func TestEndlessPagesAtFullConcurrencyFailAsTooLarge(t *testing.T) {
	api := newFakeAPI(t, nil, 50)
	api.respond = func(w http.ResponseWriter, r *http.Request, _ int64, offset int) bool {
		if offset == 0 {
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 50 * 40, AvailableMore: true, Groups: makeGroups(50, 0)})
			return true
		}
		endless(w, r)
		return true
	}
	cfg := testConfig(api.start(), &waitRecorder{})
	cfg.MaxConcurrency = kore.MaxConcurrencyLimit
	client := newTestClient(t, cfg)
	_, err := client.ListGroups(context.Background(), 50)
	var tooLarge *kore.AnswerTooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("error = %v, want an *AnswerTooLargeError", err)
	}
}

// rawServer answers every connection on loopback with the bytes reply returns, whatever was asked.
func rawServer(t *testing.T, reply func(request string) string) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				var request strings.Builder
				lines := bufio.NewReader(conn)
				for {
					line, err := lines.ReadString('\n')
					request.WriteString(line)
					if err != nil || line == "\r\n" {
						break
					}
				}
				_, _ = conn.Write([]byte(reply(request.String())))
			}()
		}
	}()
	return "http://" + listener.Addr().String()
}

// authHeader returns the auth header of a raw request.
func authHeader(request string) string {
	for line := range strings.SplitSeq(request, "\r\n") {
		if value, ok := strings.CutPrefix(line, "Auth: "); ok {
			return value
		}
	}
	return ""
}

func TestAnswersThatAreNotHTTPAreProtocolErrorsWithoutSecrets(t *testing.T) {
	const readyMade = "not-shaped-like-a-jwt-0123456789" // a ready-made token the pattern cannot recognise
	tests := []struct {
		name  string
		reply func(request string) string
	}{
		{name: "a status line that echoes the token", reply: func(request string) string {
			return "HTTP/1.1 " + authHeader(request) + "\r\n\r\n"
		}},
		{name: "a header line that echoes the token", reply: func(request string) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + authHeader(request) + "\r\n\r\n{}"
		}},
		{name: "a status code that is not a number", reply: func(string) string {
			return "HTTP/1.1 abc OK\r\n\r\n"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger := &captureLogger{}
			waits := &waitRecorder{}
			cfg := kore.WithWaitHook(kore.Config{Host: rawServer(t, tt.reply), JWT: readyMade, MaxRetries: 3,
				RequestTimeout: 5 * time.Second, Logger: logger}, waits.hook)
			client := newTestClient(t, cfg)
			_, err := client.ListGroups(context.Background(), 50)
			var protocolErr *kore.ProtocolError
			if !errors.As(err, &protocolErr) {
				t.Fatalf("error = %v, want a *ProtocolError", err)
			}
			if len(waits.recorded()) != 0 {
				t.Errorf("waits = %v, want none: another attempt gets the same answer", waits.recorded())
			}
			for _, text := range append(logger.all(), err.Error()) {
				if strings.Contains(text, readyMade) {
					t.Errorf("the ready-made token leaked: %q", text)
				}
			}
		})
	}
}

// A name that does not resolve fails at once; the lookup is failed by the test's dialer, so no name is resolved.
func TestAHostThatDoesNotResolveFailsAtOnce(t *testing.T) {
	dials := 0
	cfg := kore.WithDialer(kore.Config{Host: "https://kore.example.invalid", ClientID: testClientID,
		ClientSecret: testClientSecret, MaxRetries: 5},
		func(_ context.Context, _, addr string) (net.Conn, error) {
			dials++
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{
				Err: "no such host", Name: strings.TrimSuffix(addr, ":443"), IsNotFound: true}}
		})
	waits := &waitRecorder{}
	cfg = kore.WithWaitHook(cfg, waits.hook)
	client := newTestClient(t, cfg)
	_, err := client.ListGroups(context.Background(), 50)
	var notFound *kore.HostNotFoundError
	if !errors.As(err, &notFound) || notFound.Host != "kore.example.invalid" {
		t.Fatalf("error = %v, want a *HostNotFoundError for kore.example.invalid", err)
	}
	if dials != 1 || len(waits.recorded()) != 0 {
		t.Errorf("dials, waits = %d, %v; want 1, none", dials, waits.recorded())
	}
}

// A Retry-After of 0, or a date that has passed, must not make the client come back at once.
func TestRetryAfterWithoutAWaitStillBacksOff(t *testing.T) {
	for _, value := range []string{"0", "-3", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		t.Run(fmt.Sprintf("Retry-After %q", value), func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(1, 0), 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
				if call > 3 {
					return false
				}
				w.Header().Set("Retry-After", value)
				writeAPIError(w, http.StatusTooManyRequests, 429, "slow down")
				return true
			}
			waits := &waitRecorder{}
			cfg := kore.WithBackoff(testConfig(api.start(), waits), 200*time.Millisecond, time.Second)
			client := newTestClient(t, cfg)
			if _, err := client.ListGroups(context.Background(), 50); err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			recorded := waits.recorded()
			if len(recorded) != 3 {
				t.Fatalf("waits = %v, want 3", recorded)
			}
			for _, wait := range recorded {
				if wait < 200*time.Millisecond {
					t.Errorf("waited %s, less than the backoff's floor of 200ms", wait)
				}
			}
		})
	}
	t.Run("a Retry-After shorter than the floor is raised to it", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(1, 0), 50)
		api.respond = failFirst(func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "1")
			writeAPIError(w, http.StatusTooManyRequests, 429, "slow down")
		})
		waits := &waitRecorder{}
		cfg := kore.WithBackoff(testConfig(api.start(), waits), 3*time.Second, 5*time.Second)
		if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 50); err != nil {
			t.Fatalf("ListGroups: %v", err)
		}
		if got := waits.recorded(); len(got) != 1 || got[0] != 3*time.Second {
			t.Errorf("waits = %v, want [3s]", got)
		}
	})
}

func TestARetryAfterBeyondTheDeadlineSaysSo(t *testing.T) {
	api := newFakeAPI(t, nil, 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
		w.Header().Set("Retry-After", "120")
		writeAPIError(w, http.StatusTooManyRequests, 429, "slow down")
		return true
	}
	client := newTestClient(t, testConfig(api.start(), &waitRecorder{}))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := client.ListGroups(ctx, 50)
	var pastDeadline *kore.WaitPastDeadlineError
	if !errors.As(err, &pastDeadline) || !pastDeadline.RetryAfter || pastDeadline.Wait != 2*time.Minute {
		t.Fatalf("error = %v, want a *WaitPastDeadlineError for the server's Retry-After of 2m", err)
	}
	if !kore.IsRateLimited(err) {
		t.Errorf("IsRateLimited(%v) = false: the 429 must stay visible", err)
	}
	for _, part := range []string{"HTTP 429", "Retry-After", "2m0s", "before the deadline"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not say %q", err, part)
		}
	}
	if api.calls.Load() != 1 {
		t.Errorf("requests = %d, want 1", api.calls.Load())
	}
}

// A decode error on JSON of the wrong shape names the field, not the account's data.
func TestDecodeErrorsDoNotQuoteUsersData(t *testing.T) {
	api := newFakeAPI(t, nil, 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
		_, _ = w.Write([]byte(`{"total":1,"groups":[{"_id":"g1","users":[{"_id":"u1","emailId":"alice@example.com",` +
			`"firstName":7}]}]}`))
		return true
	}
	_, err := newTestClient(t, testConfig(api.start(), &waitRecorder{})).ListGroups(context.Background(), 50)
	var decodeErr *kore.DecodeError
	if !errors.As(err, &decodeErr) {
		t.Fatalf("error = %v, want a *DecodeError", err)
	}
	if strings.Contains(err.Error(), "alice@example.com") || !strings.Contains(err.Error(), "firstName") {
		t.Errorf("error %q: want the field named and no user's email", err)
	}
}

// BenchmarkEndlessPagesPeakHeap is the read of TestEndlessPagesAtFullConcurrencyFailAsTooLarge, through the whole
// client and a loopback server, reporting the peak of the heap in use (peak-heap-MiB): the memory a hostile server
// can make a read at max_concurrency = 16 hold.
func BenchmarkEndlessPagesPeakHeap(b *testing.B) {
	api := newFakeAPI(b, nil, 50)
	api.respond = func(w http.ResponseWriter, r *http.Request, _ int64, offset int) bool {
		if offset == 0 {
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 50 * 40, AvailableMore: true, Groups: makeGroups(50, 0)})
			return true
		}
		endless(w, r)
		return true
	}
	server := api.start()
	var peak uint64
	for b.Loop() {
		cfg := testConfig(server, &waitRecorder{})
		cfg.MaxConcurrency = kore.MaxConcurrencyLimit
		client := newTestClient(b, cfg)
		runtime.GC()
		stop, sampled := make(chan struct{}), make(chan uint64)
		go func() {
			var stats runtime.MemStats
			var high uint64
			for {
				runtime.ReadMemStats(&stats)
				high = max(high, stats.HeapInuse)
				select {
				case <-stop:
					sampled <- high
					return
				default:
				}
			}
		}()
		if _, err := client.ListGroups(context.Background(), 50); err == nil {
			b.Fatal("ListGroups succeeded against endless pages")
		}
		close(stop)
		peak = max(peak, <-sampled)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

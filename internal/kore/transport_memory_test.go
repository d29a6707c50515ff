package kore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sync/semaphore"
)

// endlessBody is a body that never ends; it counts, across every body sharing gauge, how many are being read past
// largeAnswerBytes at the same time.
type endlessBody struct {
	read  int
	large bool
	done  bool // read past MaxAnswerBytes: readBody stops here, before it hands the slot on
	gauge *largeGauge
}

type largeGauge struct {
	now, peak atomic.Int64
}

func (b *endlessBody) Read(p []byte) (int, error) {
	if b.read >= largeAnswerBytes+maxChunkBytes && !b.large {
		b.large = true
		now := b.gauge.now.Add(1)
		for peak := b.gauge.peak.Load(); now > peak && !b.gauge.peak.CompareAndSwap(peak, now); {
			peak = b.gauge.peak.Load()
		}
	}
	for i := range p {
		p[i] = 'x'
	}
	b.read += len(p)
	if b.large && !b.done && b.read > MaxAnswerBytes {
		// Counted as finished here rather than in Close: readBody releases its slot before it returns, so a
		// decrement in Close would race with the next answer taking the slot.
		b.done = true
		b.gauge.now.Add(-1)
	}
	return len(p), nil
}

func (b *endlessBody) Close() error {
	if b.large && !b.done {
		b.done = true
		b.gauge.now.Add(-1)
	}
	return nil
}

// Sixteen answers that never end, read at once: each fails as too large, and only one at a time grows past
// largeAnswerBytes, which is what bounds the memory of a read at max_concurrency = 16.
func TestOnlyOneAnswerAtATimeGrowsLarge(t *testing.T) {
	slot := semaphore.NewWeighted(1)
	gauge := &largeGauge{}
	var wg sync.WaitGroup
	for range MaxConcurrencyLimit {
		wg.Go(func() {
			body := &endlessBody{gauge: gauge}
			_, err := readBody(context.Background(), &http.Response{Body: body, ContentLength: -1}, slot)
			body.Close()
			var tooLarge *AnswerTooLargeError
			if !errors.As(err, &tooLarge) || tooLarge.ContentLength != -1 {
				t.Errorf("readBody = %v, want an *AnswerTooLargeError without Content-Length", err)
			}
		})
	}
	wg.Wait()
	if peak := gauge.peak.Load(); peak != 1 {
		t.Errorf("answers read past %d MiB at once = %d, want 1", largeAnswerBytes>>20, peak)
	}
}

// A Content-Length just under the cap sizes nothing: ten bytes read cost about ten bytes, not 32 MiB.
func TestContentLengthNeverSizesTheBuffer(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	data, err := readBody(context.Background(), &http.Response{
		Body: io.NopCloser(&shortReader{data: []byte("0123456789")}), ContentLength: MaxAnswerBytes}, nil)
	runtime.ReadMemStats(&after)
	if err != nil || string(data) != "0123456789" {
		t.Fatalf("readBody = %q, %v", data, err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 {
		t.Errorf("reading ten bytes allocated %d bytes: the buffer was sized from Content-Length", allocated)
	}
}

type shortReader struct{ data []byte }

func (r *shortReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// A body cut short of its Content-Length is a failed attempt (retried), not a complete answer.
func TestABodyCutShortIsAnError(t *testing.T) {
	body := io.MultiReader(&shortReader{data: []byte(`{"total":`)}, errReader{io.ErrUnexpectedEOF})
	_, err := readBody(context.Background(), &http.Response{Body: io.NopCloser(body), ContentLength: 100}, nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("readBody = %v, want io.ErrUnexpectedEOF", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// BenchmarkHostileAnswersPeakHeap reads MaxConcurrencyLimit endless answers at once, as a read at
// max_concurrency = 16 against a hostile server would, and reports the peak of the heap in use (peak-heap-MiB).
func BenchmarkHostileAnswersPeakHeap(b *testing.B) {
	var peak uint64
	for b.Loop() {
		runtime.GC()
		stop := make(chan struct{})
		sampled := make(chan uint64)
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
		slot := semaphore.NewWeighted(1)
		var wg sync.WaitGroup
		for range MaxConcurrencyLimit {
			wg.Go(func() {
				_, _ = readBody(context.Background(),
					&http.Response{Body: &endlessBody{gauge: &largeGauge{}}, ContentLength: -1}, slot)
			})
		}
		wg.Wait()
		close(stop)
		peak = max(peak, <-sampled)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

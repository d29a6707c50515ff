package kore_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// BenchmarkListGroupsConcurrency reads 2,000 groups of 20 users at 50 a page (40 pages) from a server that takes
// 100ms per request, with a fresh client per read so that the memo does not answer.
func BenchmarkListGroupsConcurrency(b *testing.B) {
	api, server := newSlowAPI(b, 100*time.Millisecond)

	for _, maxConcurrency := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("max_concurrency=%d", maxConcurrency), func(b *testing.B) {
			cfg := testConfig(server, nil)
			cfg.MaxConcurrency = maxConcurrency
			cfg.RequestsPerMinute = 1_000_000 // the limiter must not be what is measured
			benchmarkRead(b, api, cfg)
		})
	}
}

// BenchmarkListGroupsDefaultsVersusSerial reads the same 40 pages from a server that takes 150ms per request, with
// the provider's defaults (4 in flight, 60 requests a minute) and with one request at a time.
func BenchmarkListGroupsDefaultsVersusSerial(b *testing.B) {
	api, server := newSlowAPI(b, 150*time.Millisecond)

	b.Run("defaults", func(b *testing.B) {
		cfg := testConfig(server, nil)
		cfg.MaxConcurrency, cfg.RequestsPerMinute = 0, 0 // what the provider sends by default: 4 and 60
		benchmarkRead(b, api, cfg)
	})
	b.Run("max_concurrency=1", func(b *testing.B) {
		cfg := testConfig(server, nil)
		cfg.MaxConcurrency = 1
		benchmarkRead(b, api, cfg)
	})
}

// The benchmarks read 2,000 groups of 20 users at 50 a page: 40 pages.
const (
	groupCount = 2000
	pageSize   = 50
)

// newSlowAPI serves the benchmarks' groups, answering every request after latency.
func newSlowAPI(b *testing.B, latency time.Duration) (*fakeAPI, *httptest.Server) {
	api := newFakeAPI(b, makeGroups(groupCount, 20), pageSize)
	api.delay = func(int) time.Duration { return latency }
	return api, api.start()
}

// benchmarkRead reads every group with a fresh client per iteration, so that the memo does not answer, and reports
// the wall time and the requests of one read.
func benchmarkRead(b *testing.B, api *fakeAPI, cfg kore.Config) {
	startRequests := api.calls.Load()
	var reading time.Duration
	for b.Loop() {
		client := newTestClient(b, cfg)
		started := time.Now()
		list, err := client.ListGroups(context.Background(), pageSize)
		reading += time.Since(started)
		if err != nil {
			b.Fatal(err)
		}
		if len(list.Groups) != groupCount {
			b.Fatalf("read %d groups, want %d", len(list.Groups), groupCount)
		}
	}
	b.ReportMetric(float64(reading.Milliseconds())/float64(b.N), "ms/read")
	b.ReportMetric(float64(api.calls.Load()-startRequests)/float64(b.N), "requests/read")
}

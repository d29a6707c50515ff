package kore_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkListGroupsConcurrency reads 2,000 groups of 20 users at 50 a page (40 pages) from a server that takes
// 100ms per request, with a fresh client per read so that the memo does not answer.
func BenchmarkListGroupsConcurrency(b *testing.B) {
	const (
		groupCount = 2000
		pageSize   = 50
	)
	api := newFakeAPI(b, makeGroups(groupCount, 20), pageSize)
	api.delay = func(int) time.Duration { return 100 * time.Millisecond }
	server := api.start()

	for _, maxConcurrency := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("max_concurrency=%d", maxConcurrency), func(b *testing.B) {
			cfg := testConfig(server, nil)
			cfg.MaxConcurrency = maxConcurrency
			cfg.RequestsPerMinute = 1_000_000 // the limiter must not be what is measured
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
		})
	}
}

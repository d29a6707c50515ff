package provider

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// largeAccount is 10,000 groups: Kore.ai's two sample groups (2 users each) and 9,998 generated groups of 20 users,
// 199,964 users in all.
func largeAccount() []fakekore.Group {
	return append(fakekore.SampleGroups(), fakekore.GenerateGroups(9998, 20)...)
}

// BenchmarkReadDataSourceLargeAccount measures the provider's share of a plan over a large account: one
// ReadDataSource call of kore_groups, from the protocol request to the encoded state, against a local server
// (200 pages of 50 groups). Each iteration configures a new provider so that nothing is served from the memo.
func BenchmarkReadDataSourceLargeAccount(b *testing.B) {
	s := fakekore.New(fakekore.Options{ClientID: testClientID, ClientSecret: testClientSecret, Groups: largeAccount()})
	defer s.Close()
	providerArgs := map[string]tftypes.Value{
		"requests_per_minute": tftypes.NewValue(tftypes.Number, 100000), // the local server has no rate limit
	}

	var stateBytes, users int
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := newProtocolHarness(b, s.URL, providerArgs)
		req := h.readRequest(b, "kore_groups", nil)
		runtime.GC()
		stopSampling := sampleHeapPeak(&peak)
		b.StartTimer()

		resp, err := h.server.ReadDataSource(context.Background(), req)

		b.StopTimer()
		stopSampling()
		if err != nil || hasErrors(resp.Diagnostics) {
			b.Fatalf("read failed: %v %s", err, describeDiagnostics(resp.Diagnostics))
		}
		stateBytes = len(resp.State.MsgPack)
		if i == 0 {
			users = countUsers(b, h, resp.State.MsgPack)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(users), "users")
	b.ReportMetric(float64(stateBytes)/(1<<20), "state-MiB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// countUsers decodes the state once, outside the timed part, to prove that every user is in it.
func countUsers(b *testing.B, h *protocolHarness, state []byte) int {
	b.Helper()
	v, err := (&tfprotov6.DynamicValue{MsgPack: state}).Unmarshal(h.dataSourceType("kore_groups"))
	if err != nil {
		b.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		b.Fatal(err)
	}
	var groups []tftypes.Value
	if err := attrs["groups"].As(&groups); err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, g := range groups {
		var ga map[string]tftypes.Value
		if err := g.As(&ga); err != nil {
			b.Fatal(err)
		}
		var us []tftypes.Value
		if err := ga["users"].As(&us); err != nil {
			b.Fatal(err)
		}
		n += len(us)
	}
	if n != 199964 {
		b.Fatalf("state holds %d users, want 199964", n)
	}
	return n
}

// sampleHeapPeak records the largest live heap seen until the returned stop function is called.
func sampleHeapPeak(peak *uint64) (stop func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > *peak {
				*peak = v
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

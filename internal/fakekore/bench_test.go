package fakekore

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark measures the server alone.
type discardWriter struct {
	header http.Header
	status int
	bytes  int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(p []byte) (int, error) { w.bytes += len(p); return len(p), nil }

// BenchmarkServePage serves pages of 50 groups of 20 users, walking 200 pages.
func BenchmarkServePage(b *testing.B) {
	const pages, limit, usersPerGroup = 200, 50, 20
	s := NewHandler(Options{Groups: GenerateGroups(pages*limit, usersPerGroup), AcceptJWT: "bench-token"})
	b.Cleanup(s.Close)
	requests := make([]*http.Request, pages)
	for i := range requests {
		requests[i] = httptest.NewRequest(http.MethodGet,
			GroupsPath+"?offset="+strconv.Itoa(i)+"&limit="+strconv.Itoa(limit), nil)
		requests[i].Header.Set("auth", "bench-token")
	}
	w := &discardWriter{header: http.Header{}}

	i := 0
	for b.Loop() {
		w.bytes = 0
		s.ServeHTTP(w, requests[i%pages])
		i++
	}
	if w.status != http.StatusOK {
		b.Fatalf("status = %d", w.status)
	}
	b.SetBytes(int64(w.bytes))
	b.StopTimer()
	s.ResetCounters() // the recorded tokens and offsets grow with b.N
}

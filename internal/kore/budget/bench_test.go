package budget

import (
	"context"
	"testing"
	"time"
)

// BenchmarkWait measures what the budget adds to every request: lock, read, update and atomic rewrite of a record
// holding a full hour of Kore.ai's default limit (1,800 entries), or the in-process record.
func BenchmarkWait(b *testing.B) {
	for _, where := range []string{"shared record", "in process"} {
		b.Run(where, func(b *testing.B) {
			dir := ""
			if where == "shared record" {
				dir = b.TempDir()
			}
			start := time.Unix(1_800_000_000, 0)
			tick := 0
			// Each request comes 2.1 s after the previous one: never a wait, and the hour holds 1,800 entries.
			now := func() time.Time { return start.Add(time.Duration(tick) * 2100 * time.Millisecond) }
			bud, err := New(Config{Dir: dir, Account: b.Name(), PerMinute: 60, PerHour: 1800, Now: now})
			if err != nil {
				b.Fatal(err)
			}
			for range 1800 {
				tick++
				if _, err := bud.Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				tick++
				if _, err := bud.Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

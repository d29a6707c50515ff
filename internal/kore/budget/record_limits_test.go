package budget

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAnEmptyRecordRoundTrips(t *testing.T) {
	data := encodeRecord(&record{})
	if r, ok := decodeRecord(data); !ok || len(r.sent) != 0 {
		t.Errorf("decode(encode(empty)) = %v, %v; want an empty record", r, ok)
	}
	if _, ok := decodeRecord(data[:len(data)-1]); ok {
		t.Error("a record one byte short was accepted")
	}
}

func TestARecordOfTheMostEntriesIsReadWholeAndOneMoreIsDamage(t *testing.T) {
	r := record{sent: make([]int64, maxEntries)}
	for i := range r.sent {
		r.sent[i] = int64(i) + 1
	}
	path := filepath.Join(t.TempDir(), "full.budget")
	if err := writeRecord(path, &r); err != nil {
		t.Fatal(err)
	}
	got := readRecord(path)
	if got.damagedAt != 0 || len(got.sent) != maxEntries || got.sent[maxEntries-1] != maxEntries {
		t.Fatalf("record of %d entries read as %d entries, damaged at %d", maxEntries, len(got.sent), got.damagedAt)
	}

	// One entry more than a record may hold, checksum and all, is not a record.
	r.sent = append(r.sent, maxEntries+1)
	if _, ok := decodeRecord(encodeRecord(&r)); ok {
		t.Errorf("a record of %d entries was accepted", maxEntries+1)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte{0}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readRecord(path); got.damagedAt == 0 || len(got.sent) != 0 {
		t.Errorf("a record with a stray byte read as %d entries, damaged at %d; want damage", len(got.sent), got.damagedAt)
	}
}

func TestARecordThatCannotBeOpenedIsDamageAndAMissingOneIsEmpty(t *testing.T) {
	dir := t.TempDir()
	if got := readRecord(filepath.Join(dir, "missing.budget")); got.damagedAt != 0 || got.damage != nil || len(got.sent) != 0 {
		t.Errorf("a missing record read as %+v, want empty", got)
	}
	loop := filepath.Join(dir, "loop.budget")
	if err := os.Symlink("loop.budget", loop); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(loop)
	if err != nil {
		t.Fatal(err)
	}
	got := readRecord(loop)
	if got.damagedAt != info.ModTime().UnixNano() || got.damage == nil || !strings.Contains(got.damage.Error(), "opening") {
		t.Errorf("a record that cannot be opened read as %+v, want damage at %d", got, info.ModTime().UnixNano())
	}
	// Nothing at all to date the damage by: it counts from now (the budget takes a moment in the future as now).
	if got := damagedRecord(filepath.Join(dir, "gone", "x.budget"), nil, os.ErrInvalid); got.damagedAt != math.MaxInt64 ||
		!errors.Is(got.damage, os.ErrInvalid) {
		t.Errorf("an undatable damage read as %+v, want damage at the end of time", got)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.budget"), 0o700); err != nil {
		t.Fatal(err)
	}
	if got := readRecord(filepath.Join(dir, "dir.budget")); got.damagedAt == 0 || !strings.Contains(got.damage.Error(), "reading") {
		t.Errorf("a record that cannot be read read as %+v, want damage", got)
	}
}

func TestAnUndatableDamageSpendsTheMinuteFromNow(t *testing.T) {
	clock := newFakeClock()
	b := newTestBudget(t, "", uniqueAccount(t), 2, 10, clock)
	store := memoryStore(accountID(b.cfg.Account))
	store.r = record{damagedAt: math.MaxInt64}
	if waited, err := b.Wait(context.Background()); err != nil || waited != 62*time.Second {
		t.Errorf("waited %s (%v) after an undatable damage, want the whole minute and margin, 62s", waited, err)
	}
}

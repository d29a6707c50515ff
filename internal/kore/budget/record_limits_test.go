package budget

import (
	"os"
	"path/filepath"
	"testing"
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

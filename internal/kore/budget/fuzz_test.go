package budget

import (
	"bytes"
	"testing"
)

// FuzzDecodeRecord: whatever a record file holds, decoding never panics, and what it accepts is exactly what
// encoding writes.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord(&record{sent: []int64{1, 2, 3}}))
	f.Add(encodeRecord(&record{}))
	f.Add([]byte("KOREBGT1\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ok := decodeRecord(data)
		if ok && !bytes.Equal(encodeRecord(&r), data) {
			t.Errorf("accepted %x, which encodes back as %x", data, encodeRecord(&r))
		}
	})
}

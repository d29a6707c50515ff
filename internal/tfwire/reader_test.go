package tfwire

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func encode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Five bytes that claim an array of four billion elements are an error, not a slice of four billion elements.
func TestReader_refusesALengthBeyondTheInput(t *testing.T) {
	t.Parallel()
	for _, raw := range [][]byte{
		{0xdd, 0xff, 0xff, 0xff, 0xff},             // array32
		{0xdc, 0x00, 0x02, 0xc0},                   // array16 of 2, 1 byte left
		{0x92, 0xc0},                               // fixarray of 2, 1 byte left
		{0xdf, 0x00, 0x00, 0x00, 0x01, 0xc0},       // map32 of 1 pair, 1 byte left
		{0x81, 0xc0},                               // fixmap of 1 pair, 1 byte left
		{0xde, 0x00, 0x01, 0xc0},                   // map16
		{0xdb, 0x7f, 0xff, 0xff, 0xff},             // str32
		{0xda, 0x00, 0x02, 'a'},                    // str16
		{0xd9, 0x02, 'a'},                          // str8
		{0xa2, 'a'},                                // fixstr
		{0xc6, 0x00, 0x00, 0x00, 0x02, 0x00},       // bin32
		{0xc5, 0x00, 0x02, 0x00},                   // bin16
		{0xc4, 0x02, 0x00},                         // bin8
		{0xc9, 0x00, 0x00, 0x00, 0x01, 0x00},       // ext32: type byte, no payload byte
		{0xc8, 0x00, 0x01, 0x00},                   // ext16
		{0xc7, 0x01, 0x00},                         // ext8
		{0xd4, 0x00},                               // fixext1 without its byte
		{0xd8, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05}, // fixext16, short
	} {
		err := Validate(raw)
		if !errors.Is(err, ErrLength) {
			t.Errorf("% x: %v, want ErrLength", raw, err)
		}
	}
	_, err := NewReader([]byte{0xdd, 0xff, 0xff, 0xff, 0xff}).ReadArrayLen()
	if !errors.Is(err, ErrLength) || !strings.Contains(err.Error(), "at byte 0: a length header is larger than the "+
		"bytes left: 4294967295 bytes needed, 0 left") {
		t.Errorf("ReadArrayLen: %v", err)
	}
	if _, err := NewReader([]byte{0x81, 0xa1}).ReadMapLen(); !errors.Is(err, ErrLength) {
		t.Errorf("a map of one pair in 1 byte: %v", err)
	}
	if _, err := NewReader([]byte{0x83, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0}).ReadMapLen(); !errors.Is(err, ErrLength) {
		t.Errorf("a map of three pairs in 5 bytes: %v", err)
	}
	if n, err := NewReader([]byte{0x83, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0}).ReadMapLen(); err != nil || n != 3 {
		t.Errorf("a map of three pairs in 6 bytes: %d, %v", n, err)
	}
	if n, err := NewReader([]byte{0x81, 0xa1, 'k'}).ReadMapLen(); err != nil || n != 1 {
		t.Errorf("a map of one pair in 2 bytes: %d, %v", n, err)
	}
	if n, err := NewReader([]byte{0xc7, 0x01, 0x00, 0x00}).peek(); err != nil || n.n != 2 || n.size != 2 {
		t.Errorf("ext8 of 1 byte: %+v, %v", n, err)
	}
}

// An input that ends inside a header is short, whatever the width of the header.
func TestReader_refusesAnInputThatEndsInAHeader(t *testing.T) {
	t.Parallel()
	for _, raw := range [][]byte{
		{}, {0xcc}, {0xcd, 0x00}, {0xce, 0x00, 0x00, 0x00}, {0xcf, 0, 0, 0, 0, 0, 0, 0},
		{0xd0}, {0xd1, 0x00}, {0xd2, 0, 0, 0}, {0xd3, 0, 0, 0, 0, 0, 0, 0}, {0xca, 0, 0, 0}, {0xcb, 0, 0, 0, 0, 0, 0, 0},
		{0xd9}, {0xda, 0x00}, {0xdb, 0, 0, 0}, {0xdc, 0x00}, {0xdd, 0, 0, 0}, {0xde, 0x00}, {0xdf, 0, 0, 0},
		{0xc4}, {0xc5, 0x00}, {0xc6, 0, 0, 0}, {0xc7}, {0xc8, 0x00}, {0xc9, 0, 0, 0},
		{0x92, 0xcd, 0x00}, {0x81, 0xa1, 'k', 0xd1, 0x00},
	} {
		if err := Validate(raw); !errors.Is(err, ErrShort) {
			t.Errorf("% x: %v, want ErrShort", raw, err)
		}
	}
	if err := Validate([]byte{0x92, 0xcd, 0x00}); err == nil || !strings.Contains(err.Error(), "at byte 1:") {
		t.Errorf("want the offset of the missing element, got %v", err)
	}
}

// Every value the reference encoder writes is read whole, and to the same values.
func TestReader_readsWhatMsgpackWrites(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1,
		math.MaxInt64, -1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64} {
		raw := encode(t, n)
		r := NewReader(raw)
		if kind, err := r.Peek(); err != nil || kind != KindInt {
			t.Errorf("%d: kind %v, %v", n, kind, err)
		}
		if got, err := r.ReadInt(); err != nil || got != n || r.Left() != 0 {
			t.Errorf("%d (% x): read %d, %v, %d bytes left", n, raw, got, err, r.Left())
		}
	}
	// Widths the encoder does not choose for these values, which other encoders may.
	for raw, want := range map[string]int64{
		"\xd0\x05": 5, "\xd1\x00\x05": 5, "\xd2\xff\xff\xff\xfe": -2, "\xd3\xff\xff\xff\xff\xff\xff\xff\xfd": -3,
		"\xcc\x05": 5, "\xcd\x00\x05": 5, "\xce\x00\x00\x00\x05": 5, "\xcf\x7f\xff\xff\xff\xff\xff\xff\xff": math.MaxInt64,
	} {
		if got, err := NewReader([]byte(raw)).ReadInt(); err != nil || got != want {
			t.Errorf("% x: %d, %v; want %d", raw, got, err, want)
		}
	}
	if _, err := NewReader([]byte("\xcf\x80\x00\x00\x00\x00\x00\x00\x00")).ReadInt(); !errors.Is(err, ErrRange) {
		t.Errorf("2^63 as a uint64: %v, want ErrRange", err)
	}
	if _, err := NewReader(encode(t, 1.5)).ReadInt(); !errors.Is(err, ErrKind) {
		t.Errorf("a fraction: %v, want ErrKind", err)
	}
	if _, err := NewReader(nil).ReadInt(); !errors.Is(err, ErrShort) {
		t.Errorf("nothing: %v, want ErrShort", err)
	}

	for _, n := range []int{0, 31, 32, 255, 256, 65535, 65536} {
		s := strings.Repeat("é", n)[:n]
		r := NewReader(encode(t, s))
		if got, err := r.ReadString(); err != nil || got != s || r.Left() != 0 {
			t.Errorf("a string of %d bytes: %d bytes read, %v, %d left", n, len(got), err, r.Left())
		}
	}
	if _, err := NewReader(encode(t, 1)).ReadString(); !errors.Is(err, ErrKind) {
		t.Errorf("a number as a string: %v, want ErrKind", err)
	}

	kinds := map[Kind]any{
		KindNil: nil, KindBool: true, KindInt: -5, KindFloat: 1.5, KindString: "s", KindBinary: []byte{1, 2},
		KindArray: []int{1}, KindMap: map[string]int{"a": 1}, KindExt: msgpack.RawMessage{0xd4, 0, 0},
	}
	for want, v := range kinds {
		raw := encode(t, v)
		if want == KindExt {
			raw = []byte{0xd4, 0, 0} // Terraform's unknown value
		}
		if kind, err := NewReader(raw).Peek(); err != nil || kind != want {
			t.Errorf("% x: kind %v, %v; want %v", raw, kind, err, want)
		}
	}
	if kind, _ := NewReader(encode(t, float32(1.5))).Peek(); kind != KindFloat {
		t.Errorf("float32: kind %v", kind)
	}
	if kind, _ := NewReader([]byte{0xc2}).Peek(); kind != KindBool {
		t.Errorf("false: kind %v", kind)
	}
	if _, err := NewReader([]byte{0xc1}).Peek(); !errors.Is(err, ErrInvalid) {
		t.Errorf("0xc1: %v, want ErrInvalid", err)
	}
}

// Arrays and maps, null as -1, and the offsets a caller copies values by.
func TestReader_collectionsAndOffsets(t *testing.T) {
	t.Parallel()
	raw := encode(t, []any{map[string]any{"a": []int{1, 2}}, nil, "x"})
	r := NewReader(raw)
	if n, err := r.ReadArrayLen(); err != nil || n != 3 || r.Offset() != 1 {
		t.Fatalf("array: %d, %v, offset %d", n, err, r.Offset())
	}
	if n, err := r.ReadMapLen(); err != nil || n != 1 || r.Offset() != 2 {
		t.Fatalf("map: %d, %v, offset %d", n, err, r.Offset())
	}
	if err := r.Skip(); err != nil || r.Offset() != 4 { // the key
		t.Fatalf("skip the key: %v, offset %d", err, r.Offset())
	}
	if err := r.Skip(); err != nil || r.Offset() != 7 { // [1, 2]
		t.Fatalf("skip the list: %v, offset %d", err, r.Offset())
	}
	if n, err := r.ReadMapLen(); err != nil || n != -1 {
		t.Fatalf("null as a map: %d, %v", n, err)
	}
	if _, err := r.ReadArrayLen(); !errors.Is(err, ErrKind) {
		t.Fatalf("a string as an array: %v", err)
	}
	if _, err := r.ReadMapLen(); !errors.Is(err, ErrKind) {
		t.Fatalf("a string as a map: %v", err)
	}
	if err := r.ReadNil(); !errors.Is(err, ErrKind) || r.Offset() != 8 {
		t.Fatalf("a string as null: %v, offset %d", err, r.Offset())
	}
	if s, err := r.ReadString(); err != nil || s != "x" || r.Left() != 0 {
		t.Fatalf("string: %q, %v, %d left", s, err, r.Left())
	}
	if _, err := r.ReadArrayLen(); !errors.Is(err, ErrShort) {
		t.Fatalf("past the end: %v", err)
	}
	for _, n := range []int{0, 15, 16} { // the largest fixmap and fixarray (0x8f, 0x9f), and the next sizes
		m := map[string]int{}
		for i := range n {
			m[strings.Repeat("k", i+1)] = i
		}
		if got, err := NewReader(encode(t, m)).ReadMapLen(); err != nil || got != n {
			t.Errorf("a map of %d pairs: %d, %v", n, got, err)
		}
		if got, err := NewReader(encode(t, make([]int, n))).ReadArrayLen(); err != nil || got != n {
			t.Errorf("an array of %d elements: %d, %v", n, got, err)
		}
	}
	if n, err := NewReader([]byte{0xc0}).ReadArrayLen(); err != nil || n != -1 {
		t.Fatalf("null as an array: %d, %v", n, err)
	}
	if err := NewReader([]byte{0xc0}).ReadNil(); err != nil {
		t.Fatalf("null: %v", err)
	}
}

// Skip passes over every kind of value, nested to any depth without recursion; SkipKnown refuses unknown values.
func TestReader_skip(t *testing.T) {
	t.Parallel()
	values := []any{nil, true, false, 1, -1, 300, 1.5, float32(2.5), "s", strings.Repeat("s", 300), []byte{1, 2, 3},
		[]any{1, []any{2, map[string]any{"k": []any{}}}}, map[string]any{"a": nil, "b": map[string]any{}},
		make([]int, 70000)}
	for _, v := range values {
		raw := append(encode(t, v), 0xc0)
		r := NewReader(raw)
		if err := r.Skip(); err != nil || r.Left() != 1 {
			t.Errorf("%T: %v, %d left", v, err, r.Left())
		}
	}
	deep := append(bytes.Repeat([]byte{0x91}, 1_000_000), 0xc0)
	if err := Validate(deep); err != nil {
		t.Errorf("a million nested lists: %v", err)
	}
	for _, ext := range [][]byte{
		{0xd4, 0, 0}, {0xd5, 0, 0, 0}, {0xd6, 0, 0, 0, 0, 0}, {0xd7, 0, 1, 2, 3, 4, 5, 6, 7, 8}, append([]byte{0xd8, 0}, make([]byte, 16)...),
		{0xc7, 2, 0, 1, 2}, {0xc8, 0, 2, 0, 1, 2}, {0xc9, 0, 0, 0, 2, 0, 1, 2},
	} {
		if err := Validate(ext); err != nil {
			t.Errorf("% x: %v", ext, err)
		}
		wrapped := append([]byte{0x82, 0xa1, 'a', 0xc0, 0xa1, 'b'}, ext...)
		r := NewReader(wrapped)
		if err := r.SkipKnown(); !errors.Is(err, ErrUnknown) || r.Offset() != 6 {
			t.Errorf("% x: SkipKnown %v at %d, want ErrUnknown at 6", wrapped, err, r.Offset())
		}
		if err := NewReader(wrapped).Skip(); err != nil {
			t.Errorf("% x: Skip %v", wrapped, err)
		}
	}
	if err := NewReader(encode(t, map[string]any{"a": []int{1}})).SkipKnown(); err != nil {
		t.Errorf("SkipKnown of known values: %v", err)
	}
	if err := Validate([]byte{0xc0, 0xc0}); !errors.Is(err, ErrTrailing) {
		t.Errorf("two values: %v, want ErrTrailing", err)
	}
	if err := Validate([]byte{0x92, 0xc1, 0xc0}); !errors.Is(err, ErrInvalid) {
		t.Errorf("0xc1 inside a list: %v, want ErrInvalid", err)
	}
}

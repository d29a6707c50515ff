package tfwire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Kind is the kind of a MessagePack value, as the reader sees its first byte.
type Kind int

// The kinds of MessagePack values. Terraform writes an unknown value as an extension (KindExt).
const (
	KindNil Kind = iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindBinary
	KindArray
	KindMap
	KindExt
)

// Errors of the reader, wrapped with the offset at which they happened.
var (
	// ErrShort is an input that ends inside a value.
	ErrShort = errors.New("the input ends inside a value")
	// ErrLength is a length header larger than the bytes left: every element takes at least one byte, so such a
	// header cannot be right, and believing it would size a slice from four bytes of the input.
	ErrLength = errors.New("a length header is larger than the bytes left")
	// ErrKind is a value of another kind than the one asked for.
	ErrKind = errors.New("a value of another kind")
	// ErrInvalid is the one byte MessagePack never uses (0xc1).
	ErrInvalid = errors.New("a byte that starts no MessagePack value")
	// ErrTrailing is input left after the one value it should hold.
	ErrTrailing = errors.New("bytes after the value")
	// ErrRange is a whole number that does not fit an int64.
	ErrRange = errors.New("a whole number beyond int64")
	// ErrUnknown is an unknown value (a MessagePack extension, in Terraform's encoding) where SkipKnown wants none.
	ErrUnknown = errors.New("an unknown value")
)

// Reader reads MessagePack from a byte slice. Unlike a general decoder it never trusts a length header beyond the
// bytes left, so no input, however crafted, makes it (or a caller that sizes a slice from its lengths) allocate more
// than the input's size; and it skips nested values without recursion, so depth costs no stack.
type Reader struct {
	buf []byte
	off int
}

// NewReader reads b, which it does not copy.
func NewReader(b []byte) *Reader { return &Reader{buf: b} }

// Offset is the number of bytes read so far: where the next value starts.
func (r *Reader) Offset() int { return r.off }

// Left is the number of bytes not yet read.
func (r *Reader) Left() int { return len(r.buf) - r.off }

func (r *Reader) fail(err error) error { return fmt.Errorf("MessagePack at byte %d: %w", r.off, err) }

// header is a value's first bytes: its kind and, for a string, binary or extension, the payload's size in bytes,
// for an array its elements, for a map its pairs, for a number the value's bits.
type header struct {
	kind Kind
	n    uint64
	size int // bytes of the header itself
}

// peek reads the header of the next value without moving. Every length it returns is within the bytes left.
func (r *Reader) peek() (header, error) {
	if r.Left() < 1 {
		return header{}, r.fail(ErrShort)
	}
	c := r.buf[r.off]
	// The fixed ranges, from the lowest: positive fixint, fixmap, fixarray, fixstr, then negative fixint.
	if c <= 0x7f {
		return header{kind: KindInt, n: uint64(c), size: 1}, nil
	}
	if c <= 0x8f {
		return r.bounded(header{kind: KindMap, n: uint64(c & 0x0f), size: 1})
	}
	if c <= 0x9f {
		return r.bounded(header{kind: KindArray, n: uint64(c & 0x0f), size: 1})
	}
	if c <= 0xbf {
		return r.bounded(header{kind: KindString, n: uint64(c & 0x1f), size: 1})
	}
	if c >= 0xe0 {
		return header{kind: KindInt, n: uint64(int64(int8(c))), size: 1}, nil
	}
	switch c {
	case 0xc0:
		return header{kind: KindNil, size: 1}, nil
	case 0xc2, 0xc3:
		return header{kind: KindBool, size: 1}, nil
	case 0xc4, 0xc5, 0xc6:
		return r.sized(KindBinary, 1<<(c-0xc4), 0)
	case 0xc7, 0xc8, 0xc9:
		return r.sized(KindExt, 1<<(c-0xc7), 1) // the type byte, counted with the payload
	case 0xca:
		return r.fixed(KindFloat, 4)
	case 0xcb:
		return r.fixed(KindFloat, 8)
	case 0xcc, 0xcd, 0xce, 0xcf:
		return r.fixed(KindInt, 1<<(c-0xcc))
	case 0xd0, 0xd1, 0xd2, 0xd3:
		h, err := r.fixed(KindInt, 1<<(c-0xd0))
		h.n = signExtend(h.n, h.size-1)
		return h, err
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		return r.bounded(header{kind: KindExt, n: 1 + 1<<(c-0xd4), size: 1})
	case 0xd9, 0xda, 0xdb:
		return r.sized(KindString, 1<<(c-0xd9), 0)
	case 0xdc, 0xdd:
		return r.sized(KindArray, 2<<(c-0xdc), 0)
	case 0xde, 0xdf:
		return r.sized(KindMap, 2<<(c-0xde), 0)
	}
	return header{}, r.fail(ErrInvalid)
}

// fixed is a number whose value takes the width bytes after the code.
func (r *Reader) fixed(kind Kind, width int) (header, error) {
	if r.Left() < 1+width {
		return header{}, r.fail(ErrShort)
	}
	return header{kind: kind, n: bigEndian(r.buf[r.off+1 : r.off+1+width]), size: 1 + width}, nil
}

// sized is a value whose length takes the width bytes after the code; extra bytes follow besides the length's.
func (r *Reader) sized(kind Kind, width int, extra uint64) (header, error) {
	h, err := r.fixed(kind, width)
	if err != nil {
		return h, err
	}
	h.n += extra
	return r.bounded(h)
}

// bounded refuses a header whose length exceeds what is left after it: a payload of n bytes, n elements of at least
// one byte, or n pairs of at least two.
func (r *Reader) bounded(h header) (header, error) {
	need := h.n
	if h.kind == KindMap {
		need = 2 * h.n // at most 2 * (2^32 - 1): no overflow
	}
	if left := uint64(r.Left() - h.size); need > left { // the header itself is within the input
		return header{}, r.fail(fmt.Errorf("%w: %d bytes needed, %d left", ErrLength, need, left))
	}
	return h, nil
}

func bigEndian(b []byte) uint64 {
	var full [8]byte
	copy(full[8-len(b):], b)
	return binary.BigEndian.Uint64(full[:])
}

// signExtend reads the low bytes of n as a two's complement number.
func signExtend(n uint64, bytes int) uint64 {
	shift := 64 - 8*bytes
	return uint64(int64(n<<shift) >> shift)
}

// Peek returns the kind of the next value without reading it.
func (r *Reader) Peek() (Kind, error) {
	h, err := r.peek()
	return h.kind, err
}

// next reads the header of a value of the wanted kind.
func (r *Reader) next(want Kind) (header, error) {
	h, err := r.peek()
	if err != nil {
		return h, err
	}
	if h.kind != want {
		return h, r.fail(ErrKind)
	}
	r.off += h.size
	return h, nil
}

// ReadNil reads a null.
func (r *Reader) ReadNil() error {
	_, err := r.next(KindNil)
	return err
}

// ReadString reads a string.
func (r *Reader) ReadString() (string, error) {
	h, err := r.next(KindString)
	if err != nil {
		return "", err
	}
	s := string(r.buf[r.off : r.off+int(h.n)])
	r.off += int(h.n)
	return s, nil
}

// ReadInt reads a whole number of any width, as Terraform writes a number that has no fraction.
func (r *Reader) ReadInt() (int64, error) {
	h, err := r.peek()
	if err != nil {
		return 0, err
	}
	if h.kind != KindInt {
		return 0, r.fail(ErrKind)
	}
	if r.buf[r.off] == 0xcf && h.n > math.MaxInt64 { // only a uint64 can exceed it
		return 0, r.fail(ErrRange)
	}
	r.off += h.size
	return int64(h.n), nil
}

// ReadArrayLen reads an array's header, or a null as -1. The length is at most the bytes left.
func (r *Reader) ReadArrayLen() (int, error) { return r.collection(KindArray) }

// ReadMapLen reads a map's header, or a null as -1. The count of pairs is at most half the bytes left.
func (r *Reader) ReadMapLen() (int, error) { return r.collection(KindMap) }

func (r *Reader) collection(kind Kind) (int, error) {
	h, err := r.peek()
	if err != nil {
		return 0, err
	}
	if h.kind == KindNil {
		r.off += h.size
		return -1, nil
	}
	if _, err := r.next(kind); err != nil {
		return 0, err
	}
	return int(h.n), nil
}

// Skip passes over the next value, whatever it holds.
func (r *Reader) Skip() error { return r.skip(false) }

// SkipKnown passes over the next value, refusing any unknown value within it.
func (r *Reader) SkipKnown() error { return r.skip(true) }

func (r *Reader) skip(known bool) error {
	for pending := 1; pending > 0; pending-- {
		h, err := r.peek()
		if err != nil {
			return err
		}
		if known && h.kind == KindExt {
			return r.fail(ErrUnknown)
		}
		r.off += h.size
		switch h.kind {
		case KindArray:
			pending += int(h.n)
		case KindMap:
			pending += 2 * int(h.n)
		case KindString, KindBinary, KindExt:
			r.off += int(h.n)
		}
	}
	return nil
}

// Validate checks that b holds exactly one well-formed MessagePack value whose every length is within the input, so
// that a decoder that trusts length headers (terraform-plugin-go's does) can be given it safely.
func Validate(b []byte) error {
	r := NewReader(b)
	if err := r.Skip(); err != nil {
		return err
	}
	if r.Left() != 0 {
		return r.fail(ErrTrailing)
	}
	return nil
}

package tfwire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// item and sample are what the conformance test writes: every kind of field, nested.
type item struct {
	ID   string
	Note *string
	Tags []string
}

type sample struct {
	S, Arg     string
	OS         *string
	I          int64
	OI         *int64
	OB         *bool
	L          []string
	M          map[string][]string
	Items      []*item
	AttrItems  []*item
	Timeouts   bool
	Read       *string
	Number     int64
	RequiredOB bool
}

var itemObject = NewObject(
	StringField("id", "_id", "ID.", func(i *item) string { return i.ID }),
	OptionalStringField("note", "n", "Note.", func(i *item) *string { return i.Note }),
	StringListField("tags", "t", "Tags.", func(i *item) []string { return i.Tags }),
)

var sampleObject = NewObject(
	StringField("s", "s", "A string.", func(v *sample) string { return v.S }),
	OptionalStringField("os", "os", "An optional string.", func(v *sample) *string { return v.OS }),
	IntField("i", "i", "A whole number.", func(v *sample) int64 { return v.I }),
	OptionalIntField("oi", "oi", "An optional whole number.", func(v *sample) *int64 { return v.OI }),
	OptionalBoolField("ob", "ob", "An optional boolean.", func(v *sample) *bool { return v.OB }),
	StringListField("l", "l", "A list of strings.", func(v *sample) []string { return v.L }),
	StringListMapField("m", "m", "A map of string lists.", func(v *sample) map[string][]string { return v.M }),
	ObjectListField("items", "items", "Nested objects.", itemObject, func(v *sample) []*item { return v.Items }),
	ObjectListAttributeField("attr_items", "", "Objects by element type.", itemObject,
		func(v *sample) []*item { return v.AttrItems }),
	ArgumentField("arg", schema.StringAttribute{Optional: true}, func(w *Writer, v *sample) { w.String(v.Arg) }),
	ArgumentField("number", schema.NumberAttribute{Optional: true, Computed: true},
		func(w *Writer, v *sample) { w.Int(v.Number) }),
	ArgumentField("flag", schema.BoolAttribute{Optional: true, Computed: true},
		func(w *Writer, v *sample) { w.Bool(v.RequiredOB) }),
	BlockField("timeouts", schema.SingleNestedBlock{Attributes: map[string]schema.Attribute{
		"read": schema.StringAttribute{Optional: true}}},
		func(w *Writer, v *sample) { w.ReadTimeouts(v.Timeouts, v.Read) }),
)

func sampleType(t testing.TB) tftypes.Object {
	t.Helper()
	typ := schema.Schema{Attributes: sampleObject.Attributes(), Blocks: sampleObject.Blocks()}.Type().
		TerraformType(context.Background())
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object", typ)
	}
	return obj
}

// expected builds the value tftypes would hold for v, independently of the writer.
func expected(typ tftypes.Object, v *sample) tftypes.Value {
	at := typ.AttributeTypes
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	optStr := func(s *string) tftypes.Value {
		if s == nil {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return str(*s)
	}
	num := func(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n)) }
	strList := func(typ tftypes.Type, l []string) tftypes.Value {
		if l == nil {
			return tftypes.NewValue(typ, nil)
		}
		vals := make([]tftypes.Value, len(l))
		for i, s := range l {
			vals[i] = str(s)
		}
		return tftypes.NewValue(typ, vals)
	}
	items := func(typ tftypes.Type, list []*item) tftypes.Value {
		if list == nil {
			return tftypes.NewValue(typ, nil)
		}
		elem, _ := ElementType(typ)
		obj, _ := elem.(tftypes.Object)
		vals := make([]tftypes.Value, len(list))
		for i, it := range list {
			vals[i] = tftypes.NewValue(obj, map[string]tftypes.Value{
				"id": str(it.ID), "note": optStr(it.Note), "tags": strList(obj.AttributeTypes["tags"], it.Tags),
			})
		}
		return tftypes.NewValue(typ, vals)
	}
	values := map[string]tftypes.Value{
		"s": str(v.S), "os": optStr(v.OS), "i": num(v.I), "arg": str(v.Arg), "number": num(v.Number),
		"flag":       tftypes.NewValue(tftypes.Bool, v.RequiredOB),
		"oi":         tftypes.NewValue(tftypes.Number, nil),
		"ob":         tftypes.NewValue(tftypes.Bool, nil),
		"l":          strList(at["l"], v.L),
		"m":          tftypes.NewValue(at["m"], nil),
		"items":      items(at["items"], v.Items),
		"attr_items": items(at["attr_items"], v.AttrItems),
		"timeouts":   tftypes.NewValue(at["timeouts"], nil),
	}
	if v.OI != nil {
		values["oi"] = num(*v.OI)
	}
	if v.OB != nil {
		values["ob"] = tftypes.NewValue(tftypes.Bool, *v.OB)
	}
	if v.M != nil {
		listType, _ := ElementType(at["m"])
		m := map[string]tftypes.Value{}
		for k, l := range v.M {
			m[k] = strList(listType, l)
		}
		values["m"] = tftypes.NewValue(at["m"], m)
	}
	if v.Timeouts {
		values["timeouts"] = tftypes.NewValue(at["timeouts"], map[string]tftypes.Value{"read": optStr(v.Read)})
	}
	return tftypes.NewValue(typ, values)
}

// canonical rewrites a value with every map's entries in key order, as the writer has them: terraform-plugin-go
// writes a map's entries in Go's random map order (objects are in name order already).
func canonical(t testing.TB, raw []byte) []byte {
	t.Helper()
	r := NewReader(raw)
	var out bytes.Buffer
	if err := canonicalValue(r, raw, &out); err != nil {
		t.Fatalf("% x: %v", raw, err)
	}
	if r.Left() != 0 {
		t.Fatalf("% x: %d bytes left", raw, r.Left())
	}
	return out.Bytes()
}

func canonicalValue(r *Reader, raw []byte, out *bytes.Buffer) error {
	start := r.Offset()
	kind, err := r.Peek()
	if err != nil {
		return err
	}
	switch kind {
	case KindMap:
		n, err := r.ReadMapLen()
		if err != nil {
			return err
		}
		out.Write(raw[start:r.Offset()])
		type entry struct {
			key   string
			bytes []byte
		}
		entries := make([]entry, n)
		for i := range entries {
			keyStart := r.Offset()
			key, err := r.ReadString()
			if err != nil {
				return err
			}
			var b bytes.Buffer
			b.Write(raw[keyStart:r.Offset()])
			if err := canonicalValue(r, raw, &b); err != nil {
				return err
			}
			entries[i] = entry{key, b.Bytes()}
		}
		slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
		for _, e := range entries {
			out.Write(e.bytes)
		}
	case KindArray:
		n, err := r.ReadArrayLen()
		if err != nil {
			return err
		}
		out.Write(raw[start:r.Offset()])
		for range n {
			if err := canonicalValue(r, raw, out); err != nil {
				return err
			}
		}
	default:
		if err := r.Skip(); err != nil {
			return err
		}
		out.Write(raw[start:r.Offset()])
	}
	return nil
}

func strPtr(s string) *string { return &s }

// The writer's bytes are terraform-plugin-go's, byte for byte (maps compared in key order), for every kind of
// field, null, empty and nested, and at every boundary of MessagePack's encodings of lengths and numbers.
func TestWriter_conformsToTerraformPluginGo(t *testing.T) {
	t.Parallel()
	typ := sampleType(t)
	yes, no := true, false
	manyKeys := map[string][]string{"": {}, "null": nil}
	for i := range 20 {
		manyKeys[fmt.Sprintf("key %02d", i)] = []string{fmt.Sprint(i), "x"}
	}
	var many []*item
	for i := range 17 {
		many = append(many, &item{ID: fmt.Sprint(i), Tags: []string{}})
	}
	cases := map[string]sample{
		"zero values and nulls": {},
		"empty collections, a timeouts block without read": {L: []string{}, M: map[string][]string{},
			Items: []*item{}, AttrItems: []*item{}, Timeouts: true},
		"every value set": {S: "s", Arg: "argument", OS: strPtr(""), I: 7, OI: new(int64), OB: &yes, L: []string{"b", "a"},
			M: map[string][]string{"one": {"1"}}, Timeouts: true, Read: strPtr("5m"), Number: 100, RequiredOB: true,
			Items:     []*item{{ID: "a", Note: strPtr("n"), Tags: []string{"x", "y"}}, {ID: "b"}, {ID: "c", Tags: []string{}}},
			AttrItems: []*item{{ID: "only"}}},
		"many keys and elements": {OB: &no, M: manyKeys, Items: many, AttrItems: many,
			L: strings.Split(strings.Repeat("v,", 70000), ",")},
		"text": {S: "é ☃ 𝄞 \x00\n\"", OS: strPtr("\u202e")},
	}
	for _, n := range []int64{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1,
		math.MaxInt64, -1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64} {
		cases[fmt.Sprintf("the number %d", n)] = sample{I: n, OI: &n, Number: n}
	}
	for _, n := range []int{1, 31, 32, 255, 256, 65535, 65536} {
		s := strings.Repeat("x", n)
		cases[fmt.Sprintf("a string of %d bytes", n)] = sample{S: s, OS: &s, Arg: s, L: []string{s},
			M: map[string][]string{s: {s}}}
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := NewWriter(0)
			sampleObject.Write(w, &v)
			got, err := w.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			want, err := tfprotov6.NewDynamicValue(typ, expected(typ, &v))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(canonical(t, got), got) {
				t.Fatal("the writer's map entries are not in key order")
			}
			if wantBytes := canonical(t, want.MsgPack); !bytes.Equal(got, wantBytes) {
				t.Fatalf("the writer's bytes differ from terraform-plugin-go's:\n got % x\nwant % x", head(got), head(wantBytes))
			}
		})
	}
}

func head(b []byte) []byte { return b[:min(len(b), 200)] }

// failingWriter fails every write with the next of its errors.
type failingWriter struct{ errs []error }

func (f *failingWriter) Write([]byte) (int, error) {
	err := f.errs[0]
	f.errs = f.errs[1:]
	return 0, err
}

// A writer keeps the first failure of its encoder, not a later one and not success after it, so an encoding that
// went wrong anywhere is reported as it first went wrong.
func TestWriter_keepsTheFirstError(t *testing.T) {
	t.Parallel()
	first, second := errors.New("first failure"), errors.New("second failure")
	w := &Writer{enc: msgpack.NewEncoder(&failingWriter{errs: []error{first, second, nil}})}
	w.String("a")
	w.String("b")
	w.keep(nil)
	if _, err := w.Bytes(); !errors.Is(err, first) {
		t.Errorf("error %v, want %v", err, first)
	}

	fine := NewWriter(0)
	fine.ObjectStart(1)
	fine.Key("k")
	fine.Raw([]byte{0xa1, 'v'})
	if got, err := fine.Bytes(); err != nil || fmt.Sprintf("%x", got) != "81a16ba176" {
		t.Errorf("bytes %x, error %v; want 81a16ba176 ({k: v}) and no error", got, err)
	}
}

// NewWriter reserves the size it is told, so that a state written once grows its buffer once.
func TestNewWriter_reservesTheSizeHint(t *testing.T) {
	t.Parallel()
	if got := NewWriter(1 << 16).buf.Cap(); got < 1<<16 {
		t.Errorf("capacity %d, want at least %d", got, 1<<16)
	}
}

package tfwire

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func schemaType(o *Object[sample]) tftypes.Type {
	return schema.Schema{Attributes: o.Attributes(), Blocks: o.Blocks()}.Type().TerraformType(context.Background())
}

func withAttributes(t *testing.T, typ tftypes.Type, change func(map[string]tftypes.Type)) tftypes.Object {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object", typ)
	}
	attrs := map[string]tftypes.Type{}
	for k, v := range obj.AttributeTypes {
		attrs[k] = v
	}
	change(attrs)
	return tftypes.Object{AttributeTypes: attrs}
}

// A description that disagrees with the schema's type is reported with the attribute at fault, at any depth and
// in either direction, every problem at once.
func TestCheck_namesEveryAttributeOneSideLacks(t *testing.T) {
	t.Parallel()
	typ := schemaType(sampleObject)
	if err := Check(sampleObject, typ); err != nil {
		t.Fatalf("the description against its own schema: %v", err)
	}
	mismatched := withAttributes(t, typ, func(a map[string]tftypes.Type) {
		delete(a, "s")
		a["extra"] = tftypes.String
		a["items"] = tftypes.List{ElementType: withAttributes(t, itemObject.ObjectType().TerraformType(context.Background()),
			func(e map[string]tftypes.Type) { delete(e, "note"); e["more"] = tftypes.Bool })}
		a["attr_items"] = tftypes.String
	})
	err := Check(sampleObject, mismatched)
	want := "the state description and the schema disagree:\n" +
		"  - attr_items: the description holds objects but the schema has tftypes.String\n" +
		"  - items.note: described, but the schema has no such attribute\n" +
		"  - items.more: in the schema, but not described, so the state would lack it\n" +
		"  - s: described, but the schema has no such attribute\n" +
		"  - extra: in the schema, but not described, so the state would lack it"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}

	if err := Check(sampleObject, tftypes.String); err == nil ||
		err.Error() != "the state description and the schema disagree:\n  - the object: the schema has tftypes.String where "+
			"the description has an object" {
		t.Errorf("a schema that is not an object: %v", err)
	}
	nested := withAttributes(t, typ, func(a map[string]tftypes.Type) { a["items"] = tftypes.List{ElementType: tftypes.String} })
	if err := Check(sampleObject, nested); err == nil ||
		!strings.Contains(err.Error(), "  - items: the schema has tftypes.String where the description has an object") {
		t.Errorf("elements that are not objects: %v", err)
	}

	replaced := sampleObject.Replace("nickname", schema.StringAttribute{Computed: true}).Replace("s", schema.StringAttribute{Optional: true})
	if err := Check(replaced, typ); err == nil || err.Error() != "the state description and the schema disagree:\n"+
		"  - nickname: replaced, but the description has no such attribute" {
		t.Errorf("a replacement of an attribute the description lacks: %v", err)
	}
	if got := replaced.Attributes()["s"]; !got.IsOptional() || sampleObject.Attributes()["s"].IsOptional() {
		t.Error("Replace must replace the attribute in the copy only")
	}
	inner := NewObject(Field[item]{name: "id", attribute: schema.StringAttribute{}, write: func(*Writer, *item) {}})
	faulty := NewObject(sampleObject.Fields()[0], sampleObject.Fields()[0],
		Field[sample]{name: "neither", write: func(*Writer, *sample) {}},
		Field[sample]{name: "both", attribute: schema.StringAttribute{}, block: schema.SingleNestedBlock{},
			write: func(*Writer, *sample) {}},
		Field[sample]{name: "unwritten", attribute: schema.StringAttribute{}},
		ObjectListField("list", "", "", inner.Replace("gone", schema.StringAttribute{}), func(*sample) []*item { return nil }),
	)
	faultyType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"arg": tftypes.String, "neither": tftypes.String, "both": tftypes.String, "unwritten": tftypes.String,
		"list": tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}},
	}}
	want = "the state description and the schema disagree:\n" +
		"  - arg: described twice\n" +
		"  - both: the description needs exactly one of a schema attribute and a block\n" +
		"  - list.gone: replaced, but the description has no such attribute\n" +
		"  - neither: the description needs exactly one of a schema attribute and a block\n" +
		"  - unwritten: the description does not say how to write the value"
	if err := Check(faulty, faultyType); err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestElementType(t *testing.T) {
	t.Parallel()
	for _, typ := range []tftypes.Type{tftypes.List{ElementType: tftypes.Bool}, tftypes.Set{ElementType: tftypes.Bool},
		tftypes.Map{ElementType: tftypes.Bool}} {
		if elem, ok := ElementType(typ); !ok || !elem.Equal(tftypes.Bool) {
			t.Errorf("%s: %v, %v", typ, elem, ok)
		}
	}
	if elem, ok := ElementType(tftypes.String); ok || elem != nil {
		t.Errorf("a string: %v, %v", elem, ok)
	}
}

// The schema built from a description: attributes and blocks apart, in name order wherever order shows.
func TestObject_schema(t *testing.T) {
	t.Parallel()
	attrs := sampleObject.Attributes()
	if _, ok := attrs["timeouts"]; ok || len(attrs) != len(sampleObject.Fields())-1 {
		t.Errorf("attributes %v: want every field but the block", attrs)
	}
	if blocks := sampleObject.Blocks(); len(blocks) != 1 || blocks["timeouts"] == nil {
		t.Errorf("blocks %v: want timeouts only", blocks)
	}
	if got := len(NewObject[item]().Blocks()); got != 0 {
		t.Errorf("an object without blocks has %d", got)
	}
	if got, want := sampleObject.AttributeNames(), "`arg`, `attr_items`, `flag`, `i`, `items`, `l`, `m`, `number`, `ob`, `oi`, `os`, `s`"; got != want {
		t.Errorf("attribute names %s, want %s", got, want)
	}
	objType := sampleObject.ObjectType()
	if _, ok := objType.AttrTypes["timeouts"]; ok || !objType.AttrTypes["s"].Equal(types.StringType) ||
		len(objType.AttrTypes) != len(attrs) {
		t.Errorf("object type %v", objType)
	}
	var names []string
	for _, f := range sampleObject.Fields() {
		names = append(names, f.Name())
	}
	if got := strings.Join(names, ","); got != "arg,attr_items,flag,i,items,l,m,number,ob,oi,os,s,timeouts" {
		t.Errorf("fields in order %s", got)
	}
	fields := sampleObject.Fields()
	fields[0] = Field[sample]{}
	if sampleObject.Fields()[0].Name() != "arg" {
		t.Error("Fields must return a copy")
	}
	f := sampleObject.Fields()[len(fields)-2] // s
	if f.Source() != "s" || f.Attribute() == nil || sampleObject.Fields()[0].Source() != "" {
		t.Errorf("source %q, attribute %v", f.Source(), f.Attribute())
	}
	list, ok := attrs["attr_items"].(schema.ListAttribute)
	if !ok || !list.Computed || !list.ElementType.Equal(itemObject.ObjectType()) || list.MarkdownDescription != "Objects by element type." {
		t.Errorf("attr_items: %#v", attrs["attr_items"])
	}
	nested, ok := attrs["items"].(schema.ListNestedAttribute)
	if !ok || !nested.Computed || len(nested.NestedObject.Attributes) != 3 {
		t.Errorf("items: %#v", attrs["items"])
	}
}

// Within lifts an object onto a value that holds it, and Pointers points at a slice's elements.
func TestWithinAndPointers(t *testing.T) {
	t.Parallel()
	type holder struct{ it item }
	lifted := NewObject(Within(itemObject, func(h *holder) *item { return &h.it })...)
	typ := schema.Schema{Attributes: lifted.Attributes()}.Type().TerraformType(context.Background())
	if err := Check(lifted, typ); err != nil {
		t.Fatal(err)
	}
	if lifted.Fields()[0].Source() != "_id" {
		t.Errorf("source %q", lifted.Fields()[0].Source())
	}
	w := NewWriter(0)
	lifted.Write(w, &holder{it: item{ID: "x", Tags: []string{"t"}}})
	got, _ := w.Bytes()
	value, err := (&tfprotov6.DynamicValue{MsgPack: got}).Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	want := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, "x"), "note": tftypes.NewValue(tftypes.String, nil),
		"tags": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "t")}),
	})
	if !value.Equal(want) {
		t.Errorf("got %v, want %v", value, want)
	}

	if Pointers[int](nil) != nil {
		t.Error("Pointers(nil) must be nil, which writes null")
	}
	s := []int{1, 2}
	p := Pointers(s)
	if len(p) != 2 || p[0] != &s[0] || p[1] != &s[1] {
		t.Errorf("Pointers: %v", p)
	}
	if p := Pointers([]int{}); p == nil || len(p) != 0 {
		t.Errorf("Pointers of an empty slice: %#v, want empty, not nil", p)
	}
}

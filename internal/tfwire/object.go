package tfwire

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// An object of state (a data source's whole state, or one element of a list in it) is described once, as a list of
// fields: the attribute's name, the API field it comes from, its schema attribute (with its MarkdownDescription) and
// how to write its value from the Go value T that holds it. The schema and the encoder of the state are both built
// from that list, so an attribute cannot be in one and missing from the other; Check compares the list with the
// schema's type at start, for the schemas that are assembled by hand around a description.

// Field is one attribute (or block) of an object of type T.
type Field[T any] struct {
	name   string
	source string // the API field the value comes from; "" for arguments and derived values
	// Exactly one of attribute and block is set.
	attribute schema.Attribute
	block     schema.Block
	// nested describes the elements of a list, set or map of objects, so that the check can reach them.
	nested Described
	write  func(w *Writer, v *T)
}

// Name is the attribute's name.
func (f Field[T]) Name() string { return f.name }

// Source is the API field the value comes from, "" for arguments and derived values.
func (f Field[T]) Source() string { return f.source }

// Attribute is the field's schema attribute; nil for a block.
func (f Field[T]) Attribute() schema.Attribute { return f.attribute }

// Object is a described object: its fields in name order, which is the order Terraform's encoding wants.
type Object[T any] struct {
	fields []Field[T]
	faults []string // mistakes made while building the description, reported by Check
}

// NewObject describes an object; the fields may be listed in whatever order reads best.
func NewObject[T any](fields ...Field[T]) *Object[T] {
	sorted := slices.Clone(fields)
	slices.SortStableFunc(sorted, func(a, b Field[T]) int { return strings.Compare(a.name, b.name) })
	return &Object[T]{fields: sorted}
}

// Fields is the object's fields in name order.
func (o *Object[T]) Fields() []Field[T] { return slices.Clone(o.fields) }

// Attributes is the object's schema attributes (blocks excluded).
func (o *Object[T]) Attributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(o.fields))
	for _, f := range o.fields {
		if f.attribute != nil {
			out[f.name] = f.attribute
		}
	}
	return out
}

// ObjectType is the type of the object's attributes (blocks excluded), for a schema that declares a collection of
// these objects by element type rather than by nested attributes.
func (o *Object[T]) ObjectType() types.ObjectType {
	attrTypes := make(map[string]attr.Type, len(o.fields))
	for _, f := range o.fields {
		if f.attribute != nil {
			attrTypes[f.name] = f.attribute.GetType()
		}
	}
	return types.ObjectType{AttrTypes: attrTypes}
}

// AttributeNames lists the object's attribute names, each in backticks, in name order.
func (o *Object[T]) AttributeNames() string {
	names := make([]string, 0, len(o.fields))
	for _, f := range o.fields {
		if f.attribute != nil {
			names = append(names, "`"+f.name+"`")
		}
	}
	return strings.Join(names, ", ")
}

// Blocks is the object's schema blocks, such as timeouts.
func (o *Object[T]) Blocks() map[string]schema.Block {
	out := map[string]schema.Block{}
	for _, f := range o.fields {
		if f.block != nil {
			out[f.name] = f.block
		}
	}
	return out
}

// Write encodes v as this object: one key per field, in name order.
func (o *Object[T]) Write(w *Writer, v *T) {
	w.ObjectStart(len(o.fields))
	for i := range o.fields {
		f := &o.fields[i]
		w.Key(f.name)
		f.write(w, v)
	}
}

// Replace returns a copy of the object with the named field's schema attribute replaced, for a data source that
// takes one of a described object's attributes as an argument. The value written stays the description's.
func (o *Object[T]) Replace(name string, attribute schema.Attribute) *Object[T] {
	out := &Object[T]{fields: slices.Clone(o.fields), faults: slices.Clone(o.faults)}
	for i := range out.fields {
		if out.fields[i].name == name {
			out.fields[i].attribute = attribute
			return out
		}
	}
	out.faults = append(out.faults, name+": replaced, but the description has no such attribute")
	return out
}

// Described is what the start-up check sees of an object, whatever Go type it is written from.
type Described interface {
	// Problems lists every disagreement between the description and typ, each naming the attribute at fault by its
	// path from the object, such as "groups.users.email".
	Problems(prefix string, typ tftypes.Type) []string
}

// Problems lists every disagreement between the description and typ (see Described).
func (o *Object[T]) Problems(prefix string, typ tftypes.Type) []string {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return []string{fmt.Sprintf("%s: the schema has %s where the description has an object", orRoot(prefix), typ)}
	}
	out := make([]string, 0, len(o.faults))
	for _, f := range o.faults {
		out = append(out, prefix+f)
	}
	described := map[string]bool{}
	for _, f := range o.fields {
		at := prefix + f.name
		if described[f.name] {
			out = append(out, at+": described twice")
			continue
		}
		described[f.name] = true
		attrType, inSchema := obj.AttributeTypes[f.name]
		if !inSchema {
			out = append(out, at+": described, but the schema has no such attribute")
			continue
		}
		if (f.attribute == nil) == (f.block == nil) {
			out = append(out, at+": the description needs exactly one of a schema attribute and a block")
		}
		if f.write == nil {
			out = append(out, at+": the description does not say how to write the value")
		}
		if f.nested != nil {
			elem, ok := ElementType(attrType)
			if !ok {
				out = append(out, fmt.Sprintf("%s: the description holds objects but the schema has %s", at, attrType))
				continue
			}
			out = append(out, f.nested.Problems(at+".", elem)...)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(obj.AttributeTypes)) {
		if !described[name] {
			out = append(out, prefix+name+": in the schema, but not described, so the state would lack it")
		}
	}
	return out
}

func orRoot(prefix string) string {
	if prefix == "" {
		return "the object"
	}
	return strings.TrimSuffix(prefix, ".")
}

// ElementType is the element type of a list, set or map, as the schema has it.
func ElementType(t tftypes.Type) (tftypes.Type, bool) {
	switch c := t.(type) {
	case tftypes.List:
		return c.ElementType, true
	case tftypes.Set:
		return c.ElementType, true
	case tftypes.Map:
		return c.ElementType, true
	}
	return nil, false
}

// Check compares a description with the schema's type and names every attribute that one side lacks.
func Check(d Described, typ tftypes.Type) error {
	if p := d.Problems("", typ); len(p) > 0 {
		return fmt.Errorf("the state description and the schema disagree:\n  - %s", strings.Join(p, "\n  - "))
	}
	return nil
}

// Fields of values read from an API: computed attributes whose description should name the API field (source).

// StringField is a string that the API always sends, such as an ID.
func StringField[T any](name, source, description string, get func(*T) string) Field[T] {
	return Field[T]{name: name, source: source,
		attribute: schema.StringAttribute{MarkdownDescription: description, Computed: true},
		write:     func(w *Writer, v *T) { w.String(get(v)) }}
}

// OptionalStringField is a string that is null when the API sends null or nothing; "" stays "".
func OptionalStringField[T any](name, source, description string, get func(*T) *string) Field[T] {
	return Field[T]{name: name, source: source,
		attribute: schema.StringAttribute{MarkdownDescription: description, Computed: true},
		write:     func(w *Writer, v *T) { w.OptionalString(get(v)) }}
}

// IntField is a whole number that is always known, such as a total.
func IntField[T any](name, source, description string, get func(*T) int64) Field[T] {
	return Field[T]{name: name, source: source,
		attribute: schema.Int64Attribute{MarkdownDescription: description, Computed: true},
		write:     func(w *Writer, v *T) { w.Int(get(v)) }}
}

// OptionalIntField is a whole number that is null when the API sends null or nothing.
func OptionalIntField[T any](name, source, description string, get func(*T) *int64) Field[T] {
	return Field[T]{name: name, source: source,
		attribute: schema.Int64Attribute{MarkdownDescription: description, Computed: true},
		write:     func(w *Writer, v *T) { w.OptionalInt(get(v)) }}
}

// OptionalBoolField is a boolean that is null when the API sends null or nothing.
func OptionalBoolField[T any](name, source, description string, get func(*T) *bool) Field[T] {
	return Field[T]{name: name, source: source,
		attribute: schema.BoolAttribute{MarkdownDescription: description, Computed: true},
		write:     func(w *Writer, v *T) { w.OptionalBool(get(v)) }}
}

// StringListField is a list of strings: null for a nil slice, [] for an empty one.
func StringListField[T any](name, source, description string, get func(*T) []string) Field[T] {
	return Field[T]{name: name, source: source,
		attribute: schema.ListAttribute{MarkdownDescription: description, ElementType: types.StringType, Computed: true},
		write:     func(w *Writer, v *T) { w.StringList(get(v)) }}
}

// StringListMapField is a map of string lists: null for a nil map, keys in order so that equal states encode to
// equal bytes.
func StringListMapField[T any](name, source, description string, get func(*T) map[string][]string) Field[T] {
	return Field[T]{name: name, source: source,
		attribute: schema.MapAttribute{MarkdownDescription: description,
			ElementType: types.ListType{ElemType: types.StringType}, Computed: true},
		write: func(w *Writer, v *T) { w.StringListMap(get(v)) }}
}

// ObjectListField is a list of objects described by elem, in the order get returns them: null for a nil slice, []
// for an empty one.
func ObjectListField[T, E any](name, source, description string, elem *Object[E], get func(*T) []*E) Field[T] {
	return Field[T]{name: name, source: source, nested: elem,
		attribute: schema.ListNestedAttribute{MarkdownDescription: description, Computed: true,
			NestedObject: schema.NestedAttributeObject{Attributes: elem.Attributes()}},
		write: func(w *Writer, v *T) {
			items := get(v)
			if items == nil {
				w.Null()
				return
			}
			w.ListStart(len(items))
			for _, item := range items {
				elem.Write(w, item)
			}
		}}
}

// ObjectListAttributeField is ObjectListField declared as a list of objects (schema.ListAttribute) instead of a list
// of nested attributes: the same type, state and encoding, but terraform test can mock only this form. A mock_data or
// override_data value for a nested list attribute is one object used as a template for every element, so a module's
// tests could never give the distinct elements they need (hashicorp/terraform#37939, #38369). The element type is
// built from elem, so the description stays the one place that says what an element holds; the elements' own
// descriptions do not reach the schema, so description should say where they are documented.
func ObjectListAttributeField[T, E any](name, source, description string, elem *Object[E], get func(*T) []*E) Field[T] {
	f := ObjectListField(name, source, description, elem, get)
	f.attribute = schema.ListAttribute{MarkdownDescription: description, Computed: true, ElementType: elem.ObjectType()}
	return f
}

// Fields of a data source's own arguments: the schema attribute is given whole (Optional, validators), and the value
// is written back as it was configured, or as its default.

// ArgumentField is an argument or a value derived from the read, with a schema attribute of its own.
func ArgumentField[T any](name string, attribute schema.Attribute, write func(w *Writer, v *T)) Field[T] {
	return Field[T]{name: name, attribute: attribute, write: write}
}

// BlockField is a block, such as timeouts.
func BlockField[T any](name string, block schema.Block, write func(w *Writer, v *T)) Field[T] {
	return Field[T]{name: name, block: block, write: write}
}

// Within lifts an inner object's fields onto an outer value that holds it, for a data source whose state is one
// such object at its top level.
func Within[T, E any](inner *Object[E], get func(*T) *E) []Field[T] {
	out := make([]Field[T], len(inner.fields))
	for i, f := range inner.fields {
		out[i] = Field[T]{name: f.name, source: f.source, attribute: f.attribute, block: f.block, nested: f.nested,
			write: func(w *Writer, v *T) { f.write(w, get(v)) }}
	}
	return out
}

// Pointers returns pointers to the elements of s, for ObjectListField over a slice of values.
func Pointers[E any](s []E) []*E {
	if s == nil {
		return nil
	}
	out := make([]*E, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

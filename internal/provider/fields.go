package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// An object of state (a user, a group, a data source's whole state) is described once, as a list of fields: the
// attribute's name, the Kore.ai field it comes from, its schema attribute (with its MarkdownDescription) and how to
// write its value from the Go value T that holds it. The data source's schema and the encoder of its state are both
// built from that list, so an attribute cannot be in one and missing from the other; checkObject compares the list
// with the schema's type at provider start, for the schemas that are assembled by hand around a description.

// field is one attribute of an object of type T.
type field[T any] struct {
	name     string
	apiField string // the Kore.ai field the value comes from; "" for arguments and derived values
	// Exactly one of attribute and block is set.
	attribute schema.Attribute
	block     schema.Block
	// nested describes the elements of a list, set or map of objects, so that the check can reach them.
	nested describedObject
	write  func(w *stateWriter, v *T)
}

// object is a described object: its fields in name order, which is the order Terraform's encoding wants.
type object[T any] struct {
	fields []field[T]
	faults []string // mistakes made while building the description, reported by the start-up check
}

// newObject describes an object; the fields may be listed in whatever order reads best.
func newObject[T any](fields ...field[T]) *object[T] {
	sorted := slices.Clone(fields)
	slices.SortStableFunc(sorted, func(a, b field[T]) int { return strings.Compare(a.name, b.name) })
	return &object[T]{fields: sorted}
}

// attributes is the object's schema attributes (blocks excluded).
func (o *object[T]) attributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(o.fields))
	for _, f := range o.fields {
		if f.attribute != nil {
			out[f.name] = f.attribute
		}
	}
	return out
}

// blocks is the object's schema blocks, such as timeouts.
func (o *object[T]) blocks() map[string]schema.Block {
	out := map[string]schema.Block{}
	for _, f := range o.fields {
		if f.block != nil {
			out[f.name] = f.block
		}
	}
	return out
}

// write encodes v as this object: one key per field, in name order.
func (o *object[T]) write(w *stateWriter, v *T) {
	w.objectStart(len(o.fields))
	for i := range o.fields {
		f := &o.fields[i]
		w.key(f.name)
		f.write(w, v)
	}
}

// replace returns a copy of the object with the named field's schema attribute replaced, for a data source that
// takes one of a described object's attributes as an argument (kore_group's id and name). The value written stays
// the description's.
func (o *object[T]) replace(name string, attribute schema.Attribute) *object[T] {
	out := &object[T]{fields: slices.Clone(o.fields), faults: slices.Clone(o.faults)}
	for i := range out.fields {
		if out.fields[i].name == name {
			out.fields[i].attribute = attribute
			return out
		}
	}
	out.faults = append(out.faults, fmt.Sprintf("%s: replaced, but the description has no such attribute", name))
	return out
}

// describedObject is what the start-up check sees of an object, whatever Go type it is written from.
type describedObject interface {
	// problems lists every disagreement between the description and typ, each naming the attribute at fault by its
	// path from the object, such as "groups.users.email".
	problems(prefix string, typ tftypes.Type) []string
}

func (o *object[T]) problems(prefix string, typ tftypes.Type) []string {
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
			out = append(out, fmt.Sprintf("%s: described twice", at))
			continue
		}
		described[f.name] = true
		attrType, inSchema := obj.AttributeTypes[f.name]
		if !inSchema {
			out = append(out, fmt.Sprintf("%s: described, but the schema has no such attribute", at))
			continue
		}
		if (f.attribute == nil) == (f.block == nil) {
			out = append(out, fmt.Sprintf("%s: the description needs exactly one of a schema attribute and a block", at))
		}
		if f.write == nil {
			out = append(out, fmt.Sprintf("%s: the description does not say how to write the value", at))
		}
		if f.nested != nil {
			elem, ok := elementType(attrType)
			if !ok {
				out = append(out, fmt.Sprintf("%s: the description holds objects but the schema has %s", at, attrType))
				continue
			}
			out = append(out, f.nested.problems(at+".", elem)...)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(obj.AttributeTypes)) {
		if !described[name] {
			out = append(out, fmt.Sprintf("%s%s: in the schema, but not described, so the state would lack it", prefix, name))
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

// elementType is the element type of a collection of objects, as the schema has it.
func elementType(t tftypes.Type) (tftypes.Type, bool) {
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

// checkObject compares a description with the schema's type and names every attribute that one side lacks.
func checkObject(d describedObject, typ tftypes.Type) error {
	if p := d.problems("", typ); len(p) > 0 {
		return fmt.Errorf("the state description and the schema disagree:\n  - %s", strings.Join(p, "\n  - "))
	}
	return nil
}

// Fields of values read from Kore.ai: computed attributes whose description names the API field.

// stringField is a string that Kore.ai always sends, such as an ID.
func stringField[T any](name, apiField, description string, get func(*T) string) field[T] {
	return field[T]{name: name, apiField: apiField,
		attribute: schema.StringAttribute{MarkdownDescription: description, Computed: true},
		write:     func(w *stateWriter, v *T) { w.str(get(v)) }}
}

// optionalStringField is a string that is null when Kore.ai sends null or nothing; "" stays "".
func optionalStringField[T any](name, apiField, description string, get func(*T) *string) field[T] {
	return field[T]{name: name, apiField: apiField,
		attribute: schema.StringAttribute{MarkdownDescription: description, Computed: true},
		write:     func(w *stateWriter, v *T) { w.optionalString(get(v)) }}
}

// intField is a whole number that is always known, such as a total.
func intField[T any](name, apiField, description string, get func(*T) int64) field[T] {
	return field[T]{name: name, apiField: apiField,
		attribute: schema.Int64Attribute{MarkdownDescription: description, Computed: true},
		write:     func(w *stateWriter, v *T) { w.integer(get(v)) }}
}

// optionalIntField is a whole number that is null when Kore.ai sends null or nothing.
func optionalIntField[T any](name, apiField, description string, get func(*T) *int64) field[T] {
	return field[T]{name: name, apiField: apiField,
		attribute: schema.Int64Attribute{MarkdownDescription: description, Computed: true},
		write:     func(w *stateWriter, v *T) { w.optionalInt(get(v)) }}
}

// optionalBoolField is a boolean that is null when Kore.ai sends null or nothing.
func optionalBoolField[T any](name, apiField, description string, get func(*T) *bool) field[T] {
	return field[T]{name: name, apiField: apiField,
		attribute: schema.BoolAttribute{MarkdownDescription: description, Computed: true},
		write:     func(w *stateWriter, v *T) { w.optionalBool(get(v)) }}
}

// stringListField is a list of strings: null for a nil slice, [] for an empty one.
func stringListField[T any](name, apiField, description string, get func(*T) []string) field[T] {
	return field[T]{name: name, apiField: apiField,
		attribute: schema.ListAttribute{MarkdownDescription: description, ElementType: types.StringType, Computed: true},
		write:     func(w *stateWriter, v *T) { w.stringList(get(v)) }}
}

// stringListMapField is a map of string lists, such as a role's permissions or the group names of each email:
// null for a nil map, keys in order so that equal states encode to equal bytes.
func stringListMapField[T any](name, apiField, description string, get func(*T) map[string][]string) field[T] {
	return field[T]{name: name, apiField: apiField,
		attribute: schema.MapAttribute{MarkdownDescription: description,
			ElementType: types.ListType{ElemType: types.StringType}, Computed: true},
		write: func(w *stateWriter, v *T) { w.stringListMap(get(v)) }}
}

// objectListField is a list of objects described by elem, such as a group's users or a bot's JWT apps, in the
// order get returns them: null for a nil slice, [] for an empty one.
func objectListField[T, E any](name, apiField, description string, elem *object[E], get func(*T) []*E) field[T] {
	return field[T]{name: name, apiField: apiField, nested: elem,
		attribute: schema.ListNestedAttribute{MarkdownDescription: description, Computed: true,
			NestedObject: schema.NestedAttributeObject{Attributes: elem.attributes()}},
		write: func(w *stateWriter, v *T) {
			items := get(v)
			if items == nil {
				w.null()
				return
			}
			w.listStart(len(items))
			for _, item := range items {
				elem.write(w, item)
			}
		}}
}

// Fields of a data source's own arguments: the schema attribute is given whole (Optional, validators), and the value
// is written back as it was configured, or as its default.

// argumentField is an argument or a value derived from the read, with a schema attribute of its own.
func argumentField[T any](name string, attribute schema.Attribute, write func(w *stateWriter, v *T)) field[T] {
	return field[T]{name: name, attribute: attribute, write: write}
}

// blockField is a block, such as timeouts.
func blockField[T any](name string, block schema.Block, write func(w *stateWriter, v *T)) field[T] {
	return field[T]{name: name, block: block, write: write}
}

// within lifts an inner object's fields onto an outer value that holds it: kore_group is a group at its top level.
func within[T, E any](inner *object[E], get func(*T) *E) []field[T] {
	out := make([]field[T], len(inner.fields))
	for i, f := range inner.fields {
		out[i] = field[T]{name: f.name, apiField: f.apiField, attribute: f.attribute, block: f.block, nested: f.nested,
			write: func(w *stateWriter, v *T) { f.write(w, get(v)) }}
	}
	return out
}

// pointers returns pointers to the elements of s, for objectListField over a slice of values.
func pointers[E any](s []E) []*E {
	if s == nil {
		return nil
	}
	out := make([]*E, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// Package schemacheck compares two provider schemas, as `terraform providers schema -json` prints them, and tells
// the changes that break configurations written against the older one from those that only add to it.
//
// Breaking: a provider, resource, data source, ephemeral resource, function, attribute or block removed (a rename
// is a removal and an addition), a type changed, an optional argument made required, a new required argument, a
// computed attribute made an argument or an argument made computed only, an attribute made sensitive (outputs of it
// then need sensitive = true), a block's nesting changed or its minimum raised, a function's parameters changed.
// Everything else that differs is listed as an addition; descriptions and deprecations are not compared.
package schemacheck

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// Report is the outcome of a comparison: each change, one line each, sorted.
type Report struct {
	Breaking []string
	Added    []string
}

type comparison struct{ report Report }

func (c *comparison) breaking(where, format string, args ...any) {
	c.report.Breaking = append(c.report.Breaking, where+": "+fmt.Sprintf(format, args...))
}

func (c *comparison) added(where, format string, args ...any) {
	c.report.Added = append(c.report.Added, where+": "+fmt.Sprintf(format, args...))
}

// Compare tells what changed from the snapshot to the current schemas.
func Compare(snapshot, current *tfjson.ProviderSchemas) Report {
	c := &comparison{}
	for _, addr := range sortedKeys(snapshot.Schemas) {
		now, ok := current.Schemas[addr]
		if !ok {
			c.breaking("provider "+addr, "removed")
			continue
		}
		c.provider(addr, snapshot.Schemas[addr], now)
	}
	for _, addr := range sortedKeys(current.Schemas) {
		if _, ok := snapshot.Schemas[addr]; !ok {
			c.added("provider "+addr, "added")
		}
	}
	sort.Strings(c.report.Breaking)
	sort.Strings(c.report.Added)
	return c.report
}

func (c *comparison) provider(addr string, was, now *tfjson.ProviderSchema) {
	c.schema("provider configuration", schemaOf(was.ConfigSchema), schemaOf(now.ConfigSchema))
	c.schemas("data source", was.DataSourceSchemas, now.DataSourceSchemas)
	c.schemas("resource", was.ResourceSchemas, now.ResourceSchemas)
	c.schemas("ephemeral resource", was.EphemeralResourceSchemas, now.EphemeralResourceSchemas)
	for _, name := range sortedKeys(was.Functions) {
		where := "function provider::" + providerName(addr) + "::" + name
		fn, ok := now.Functions[name]
		if !ok {
			c.breaking(where, "removed")
			continue
		}
		c.function(where, was.Functions[name], fn)
	}
	for _, name := range sortedKeys(now.Functions) {
		if _, ok := was.Functions[name]; !ok {
			c.added("function provider::"+providerName(addr)+"::"+name, "added")
		}
	}
}

func (c *comparison) schemas(kind string, was, now map[string]*tfjson.Schema) {
	for _, name := range sortedKeys(was) {
		s, ok := now[name]
		if !ok {
			c.breaking(kind+" "+name, "removed")
			continue
		}
		c.schema(kind+" "+name, schemaOf(was[name]), schemaOf(s))
	}
	for _, name := range sortedKeys(now) {
		if _, ok := was[name]; !ok {
			c.added(kind+" "+name, "added")
		}
	}
}

func (c *comparison) schema(where string, was, now *tfjson.SchemaBlock) {
	c.block(where, "", was, now)
}

// block compares the attributes and nested blocks of a block; prefix is the block's path ("timeouts.").
func (c *comparison) block(where, prefix string, was, now *tfjson.SchemaBlock) {
	c.attributes(where, prefix, was.Attributes, now.Attributes)
	for _, name := range sortedKeys(was.NestedBlocks) {
		path := prefix + name
		old := was.NestedBlocks[name]
		nb, ok := now.NestedBlocks[name]
		if !ok {
			c.breaking(where, "block %s removed", path)
			continue
		}
		if old.NestingMode != nb.NestingMode {
			c.breaking(where, "block %s nesting changed from %s to %s", path, old.NestingMode, nb.NestingMode)
			continue
		}
		if nb.MinItems > old.MinItems {
			c.breaking(where, "block %s now needs at least %d (was %d)", path, nb.MinItems, old.MinItems)
		}
		if nb.MaxItems != 0 && (old.MaxItems == 0 || nb.MaxItems < old.MaxItems) {
			c.breaking(where, "block %s now allows at most %d (was %s)", path, nb.MaxItems, limit(old.MaxItems))
		}
		c.block(where, path+".", blockOf(old.Block), blockOf(nb.Block))
	}
	for _, name := range sortedKeys(now.NestedBlocks) {
		if _, ok := was.NestedBlocks[name]; ok {
			continue
		}
		if now.NestedBlocks[name].MinItems > 0 {
			c.breaking(where, "new block %s%s is required", prefix, name)
		} else {
			c.added(where, "block %s%s added", prefix, name)
		}
	}
}

func (c *comparison) attributes(where, prefix string, was, now map[string]*tfjson.SchemaAttribute) {
	for _, name := range sortedKeys(was) {
		path := prefix + name
		old := was[name]
		na, ok := now[name]
		if !ok {
			c.breaking(where, "attribute %s removed", path)
			continue
		}
		c.attribute(where, path, old, na)
	}
	for _, name := range sortedKeys(now) {
		if _, ok := was[name]; ok {
			continue
		}
		if now[name].Required {
			c.breaking(where, "new attribute %s%s is required", prefix, name)
		} else {
			c.added(where, "attribute %s%s added (%s)", prefix, name, role(now[name]))
		}
	}
}

func (c *comparison) attribute(where, path string, was, now *tfjson.SchemaAttribute) {
	switch {
	case !was.Required && now.Required:
		c.breaking(where, "attribute %s was %s and is now required", path, role(was))
	case isReadOnly(was) && !isReadOnly(now):
		c.breaking(where, "attribute %s was computed and is now an argument (%s)", path, role(now))
	case !isReadOnly(was) && isReadOnly(now):
		c.breaking(where, "attribute %s was an argument (%s) and is now computed only", path, role(was))
	case was.Required && !now.Required:
		c.added(where, "attribute %s is now optional", path)
	}
	if !was.Sensitive && now.Sensitive {
		c.breaking(where, "attribute %s is now sensitive: outputs of it need sensitive = true", path)
	}

	switch {
	case was.AttributeNestedType != nil && now.AttributeNestedType != nil:
		old, nt := was.AttributeNestedType, now.AttributeNestedType
		if old.NestingMode != nt.NestingMode {
			c.breaking(where, "attribute %s nesting changed from %s to %s", path, old.NestingMode, nt.NestingMode)
			return
		}
		c.attributes(where, path+nestedSuffix(nt.NestingMode), old.Attributes, nt.Attributes)
	case was.AttributeNestedType != nil || now.AttributeNestedType != nil:
		c.breaking(where, "attribute %s type changed from %s to %s", path, typeName(was), typeName(now))
	default:
		// A computed attribute may gain object attributes; anything a configuration writes must keep its type.
		c.types(where, path, was.AttributeType, now.AttributeType, isReadOnly(was) && isReadOnly(now))
	}
}

// types compares two types, naming the innermost difference: "groups[*].users[*].email removed". grow allows
// object attributes to be added (to values the provider writes, never reads).
func (c *comparison) types(where, path string, was, now cty.Type, grow bool) {
	switch {
	case was.Equals(now):
	case was.IsListType() && now.IsListType(), was.IsSetType() && now.IsSetType():
		c.types(where, path+"[*]", was.ElementType(), now.ElementType(), grow)
	case was.IsMapType() && now.IsMapType():
		c.types(where, path+"[*]", was.ElementType(), now.ElementType(), grow)
	case was.IsObjectType() && now.IsObjectType():
		old, nt := was.AttributeTypes(), now.AttributeTypes()
		for _, name := range sortedKeys(old) {
			t, ok := nt[name]
			if !ok {
				c.breaking(where, "attribute %s.%s removed", path, name)
				continue
			}
			c.types(where, path+"."+name, old[name], t, grow)
		}
		for _, name := range sortedKeys(nt) {
			if _, ok := old[name]; ok {
				continue
			}
			if grow {
				c.added(where, "attribute %s.%s added", path, name)
			} else {
				c.breaking(where, "attribute %s.%s added to a type that configurations write", path, name)
			}
		}
	default:
		c.breaking(where, "attribute %s type changed from %s to %s", path, friendly(was), friendly(now))
	}
}

func (c *comparison) function(where string, was, now *tfjson.FunctionSignature) {
	if len(was.Parameters) != len(now.Parameters) {
		c.breaking(where, "takes %d parameters, was %d", len(now.Parameters), len(was.Parameters))
	} else {
		for i, p := range was.Parameters {
			np := now.Parameters[i]
			if !p.Type.Equals(np.Type) {
				c.breaking(where, "parameter %d (%s) type changed from %s to %s", i+1, p.Name, friendly(p.Type),
					friendly(np.Type))
			}
			if p.IsNullable && !np.IsNullable {
				c.breaking(where, "parameter %d (%s) no longer accepts null", i+1, p.Name)
			}
		}
	}
	switch {
	case was.VariadicParameter != nil && now.VariadicParameter == nil:
		c.breaking(where, "variadic parameter removed")
	case was.VariadicParameter != nil && !was.VariadicParameter.Type.Equals(now.VariadicParameter.Type):
		c.breaking(where, "variadic parameter type changed from %s to %s",
			friendly(was.VariadicParameter.Type), friendly(now.VariadicParameter.Type))
	case was.VariadicParameter == nil && now.VariadicParameter != nil:
		c.added(where, "variadic parameter added")
	}
	c.types(where, "(result)", was.ReturnType, now.ReturnType, true)
}

func isReadOnly(a *tfjson.SchemaAttribute) bool { return a.Computed && !a.Optional && !a.Required }

func role(a *tfjson.SchemaAttribute) string {
	switch {
	case a.Required:
		return "required"
	case a.Optional && a.Computed:
		return "optional, computed"
	case a.Optional:
		return "optional"
	default:
		return "computed"
	}
}

func typeName(a *tfjson.SchemaAttribute) string {
	if a.AttributeNestedType != nil {
		return "nested attributes (" + string(a.AttributeNestedType.NestingMode) + ")"
	}
	return friendly(a.AttributeType)
}

// friendly names a type as Terraform's messages do ("list of string"), and no type as "none".
func friendly(t cty.Type) string {
	if t == cty.NilType {
		return "none"
	}
	return t.FriendlyName()
}

func nestedSuffix(mode tfjson.SchemaNestingMode) string {
	if mode == tfjson.SchemaNestingModeSingle {
		return "."
	}
	return "[*]."
}

func limit(n uint64) string {
	if n == 0 {
		return "no limit"
	}
	return fmt.Sprint(n)
}

// providerName is the type name in a provider address: "kore" in "registry.terraform.io/kore-community/kore".
func providerName(addr string) string { return addr[strings.LastIndex(addr, "/")+1:] }

func schemaOf(s *tfjson.Schema) *tfjson.SchemaBlock {
	if s == nil {
		return &tfjson.SchemaBlock{}
	}
	return blockOf(s.Block)
}

func blockOf(b *tfjson.SchemaBlock) *tfjson.SchemaBlock {
	if b == nil {
		return &tfjson.SchemaBlock{}
	}
	return b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

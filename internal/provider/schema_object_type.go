package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// objectTypeOf is the object type that a set of nested attributes describes. kore_groups.groups is declared with
// it, as a list of objects rather than a list of nested attributes, because terraform test can mock only the former:
// a mock_data or override_data value for a nested list attribute must be one object, used as a template for every
// element, so a module's tests could never give the distinct groups they need (hashicorp/terraform#37939, #38369).
// The state and the value seen by configurations are the same either way.
func objectTypeOf(attributes map[string]schema.Attribute) types.ObjectType {
	attrTypes := make(map[string]attr.Type, len(attributes))
	for name, a := range attributes {
		attrTypes[name] = a.GetType()
	}
	return types.ObjectType{AttrTypes: attrTypes}
}

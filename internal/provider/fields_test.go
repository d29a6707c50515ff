package provider

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// Every data source on the direct path has a description that matches its schema, and every value read from
// Kore.ai names its API field in its description.
func TestDescriptions_matchTheSchemas(t *testing.T) {
	t.Parallel()
	p := &koreProvider{version: "test", lookupEnv: envOf(nil)}
	direct, err := tfwire.DirectDataSources(context.Background(), providerTypeName, p.DataSources(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(direct)
	onDirectPath := []string{"kore_audit_logs", "kore_bots", "kore_group", "kore_groups", "kore_roles", "kore_users"}
	if !slices.Equal(direct, onDirectPath) {
		t.Errorf("on the direct path: %v, want %v", direct, onDirectPath)
	}
	checkAPIFields(t, "group", groupObject)
	checkAPIFields(t, "user", userObject)
	checkAPIFields(t, "kore_users.users", userRolesObject)
	checkAPIFields(t, "kore_users.users.bot_roles", botRoleObject)
	checkAPIFields(t, "kore_users.users.admin_roles", adminRoleObject)
	checkAPIFields(t, "role", roleObject)
	checkAPIFields(t, "bot", botObject)
	checkAPIFields(t, "bot.jwt_apps", jwtAppObject)
	checkAPIFields(t, "kore_audit_logs.entries", auditEntryObject)
}

// checkAPIFields fails for each field of a described Kore.ai object whose description does not name its API field.
func checkAPIFields[T any](t *testing.T, what string, o *tfwire.Object[T]) {
	t.Helper()
	for _, f := range o.Fields() {
		if f.Source() == "" || !strings.Contains(descriptionOf(f.Attribute()), "API field `"+f.Source()+"`") {
			t.Errorf("%s.%s: the description does not name its API field %q", what, f.Name(), f.Source())
		}
	}
}

func descriptionOf(a schema.Attribute) string { return a.GetMarkdownDescription() }

// A description that disagrees with the schema's type is reported with the attribute at fault, at any depth and
// in either direction.
func TestCheckObject_namesTheAttributeOneSideLacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	userType := schemaType(ctx, userObject.Attributes())
	groupType := schemaType(ctx, groupObject.Attributes())
	copyObject := func(typ tftypes.Type) tftypes.Object {
		obj := asObject(t, typ)
		attrs := map[string]tftypes.Type{}
		for k, v := range obj.AttributeTypes {
			attrs[k] = v
		}
		return tftypes.Object{AttributeTypes: attrs}
	}

	if err := tfwire.Check(userObject, userType); err != nil {
		t.Fatalf("the user description against its own schema: %v", err)
	}
	if err := tfwire.Check(groupObject, groupType); err != nil {
		t.Fatalf("the group description against its own schema: %v", err)
	}

	missing := copyObject(userType)
	delete(missing.AttributeTypes, "email")
	missing.AttributeTypes["nickname"] = tftypes.String
	err := tfwire.Check(userObject, missing)
	if err == nil || !strings.Contains(err.Error(), "email: described, but the schema has no such attribute") ||
		!strings.Contains(err.Error(), "nickname: in the schema, but not described") {
		t.Errorf("want both sides named, got %v", err)
	}

	nested := copyObject(groupType)
	nested.AttributeTypes["users"] = tftypes.List{ElementType: missing}
	if err := tfwire.Check(groupObject, nested); err == nil || !strings.Contains(err.Error(), "users.email:") ||
		!strings.Contains(err.Error(), "users.nickname:") {
		t.Errorf("want the nested attributes named with their path, got %v", err)
	}

	nested.AttributeTypes["users"] = tftypes.String
	if err := tfwire.Check(groupObject, nested); err == nil || !strings.Contains(err.Error(), "users: the description holds objects") {
		t.Errorf("want a list of objects that the schema types as a string named, got %v", err)
	}

	replaced := userObject.Replace("nickname", schema.StringAttribute{Computed: true})
	if err := tfwire.Check(replaced, userType); err == nil || !strings.Contains(err.Error(), "nickname: replaced, but the description has no such attribute") {
		t.Errorf("want a replacement of an attribute the description lacks named, got %v", err)
	}

	twice := tfwire.NewObject(userObject.Fields()[0], userObject.Fields()[0])
	if err := tfwire.Check(twice, tftypes.Object{AttributeTypes: map[string]tftypes.Type{"activation_status": tftypes.String}}); err == nil ||
		!strings.Contains(err.Error(), "activation_status: described twice") {
		t.Errorf("want a field described twice named, got %v", err)
	}
}

// kore_groups' groups is declared as a list of objects, the form terraform test can mock, with its element type built
// from the group description; the start-up check still reaches the attributes of its elements.
func TestGroupsList_isAListOfObjectsBuiltFromTheGroupDescription(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	attr := groupsObject.Attributes()["groups"]
	list, ok := attr.(schema.ListAttribute)
	if !ok {
		t.Fatalf("kore_groups.groups is a %T, want a schema.ListAttribute (a list of nested attributes cannot be mocked)", attr)
	}
	if !list.ElementType.Equal(groupObject.ObjectType()) {
		t.Errorf("kore_groups.groups holds %v, want the group description's type %v", list.ElementType, groupObject.ObjectType())
	}
	if !list.Computed || !strings.Contains(list.MarkdownDescription, "`child_group_ids`, `description`, `id`, `name`, `user_count`, `users`") {
		t.Errorf("want a computed list whose description names every group attribute, got %+v", list)
	}

	var resp datasource.SchemaResponse
	newGroupsDataSource(nil).Schema(ctx, datasource.SchemaRequest{}, &resp)
	whole := asObject(t, resp.Schema.Type().TerraformType(ctx))
	if err := tfwire.Check(groupsObject, whole); err != nil {
		t.Fatalf("kore_groups against its own schema: %v", err)
	}
	groups, ok := whole.AttributeTypes["groups"].(tftypes.List)
	if !ok {
		t.Fatalf("kore_groups.groups is a %s, not a list", whole.AttributeTypes["groups"])
	}
	group := asObject(t, groups.ElementType)
	lacking := map[string]tftypes.Type{}
	for k, v := range group.AttributeTypes {
		if k != "name" {
			lacking[k] = v
		}
	}
	attrs := map[string]tftypes.Type{}
	for k, v := range whole.AttributeTypes {
		attrs[k] = v
	}
	attrs["groups"] = tftypes.List{ElementType: tftypes.Object{AttributeTypes: lacking}}
	if err := tfwire.Check(groupsObject, tftypes.Object{AttributeTypes: attrs}); err == nil ||
		!strings.Contains(err.Error(), "groups.name: described, but the schema has no such attribute") {
		t.Errorf("want the element attribute the schema lacks named with its path, got %v", err)
	}
}

// The provider refuses to start when a data source's schema and its state description disagree.
func TestDirectDataSources_refuseADescriptionThatDisagreesWithTheSchema(t *testing.T) {
	t.Parallel()
	_, err := tfwire.DirectDataSources(context.Background(), providerTypeName, []func() datasource.DataSource{
		func() datasource.DataSource { return mismatchedDataSource{} },
	})
	if err == nil || !regexp.MustCompile(`kore_mismatched: .*\n.*extra: described, but the schema has no such attribute`).MatchString(err.Error()) {
		t.Fatalf("want the start refused naming the attribute, got %v", err)
	}
}

type mismatchedDataSource struct{}

var mismatchedObject = tfwire.NewObject(
	tfwire.StringField("id", "_id", "ID (API field `_id`).", func(s *string) string { return *s }),
	tfwire.StringField("extra", "x", "Not in the schema (API field `x`).", func(s *string) string { return *s }),
)

func (mismatchedDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mismatched"
}

func (mismatchedDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
}

func (mismatchedDataSource) Read(context.Context, datasource.ReadRequest, *datasource.ReadResponse) {}

func (mismatchedDataSource) EncodeState(context.Context, tfsdk.Config) ([]byte, diag.Diagnostics) {
	return nil, nil
}

func (mismatchedDataSource) StateDescription() tfwire.Described { return mismatchedObject }

// The objects to come are expressible: a bot with a nested list of JWT apps and a role with a map of permission
// lists encode to state that decodes against the schema built from the same description, whatever order the fields
// are listed in.
func TestObject_nestedListsAndMapsOfStringLists(t *testing.T) {
	t.Parallel()
	type jwtApp struct {
		ID   string
		Name *string
	}
	type bot struct {
		ID          string
		Apps        []jwtApp
		Permissions map[string][]string
	}
	appObject := tfwire.NewObject(
		tfwire.OptionalStringField("name", "appName", "App name (API field `appName`).", func(a *jwtApp) *string { return a.Name }),
		tfwire.StringField("client_id", "clientId", "Client ID (API field `clientId`).", func(a *jwtApp) string { return a.ID }),
	)
	fields := []tfwire.Field[bot]{
		tfwire.StringField("id", "_id", "Bot ID (API field `_id`).", func(b *bot) string { return b.ID }),
		tfwire.ObjectListField("jwt_apps", "jwtApps", "Apps (API field `jwtApps`).", appObject,
			func(b *bot) []*jwtApp { return tfwire.Pointers(b.Apps) }),
		tfwire.StringListMapField("permissions", "permissions", "Permissions (API field `permissions`).",
			func(b *bot) map[string][]string { return b.Permissions }),
	}
	reversed := []tfwire.Field[bot]{fields[2], fields[1], fields[0]}

	ctx := context.Background()
	name := "signer"
	v := bot{ID: "st-1", Apps: []jwtApp{{ID: "cs-1", Name: &name}, {ID: "cs-2"}},
		Permissions: map[string][]string{"BOT_BUILDER": {"VIEW", "EDIT"}, "ADMIN": {}}}
	var encodings [][]byte
	for _, described := range [][]tfwire.Field[bot]{fields, reversed} {
		o := tfwire.NewObject(described...)
		typ := schemaType(ctx, o.Attributes())
		if err := tfwire.Check(o, typ); err != nil {
			t.Fatal(err)
		}
		w := tfwire.NewWriter(0)
		o.Write(w, &v)
		encoded, err := w.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		encodings = append(encodings, encoded)
		got, err := (&tfprotov6.DynamicValue{MsgPack: encoded}).Unmarshal(typ)
		if err != nil {
			t.Fatalf("the state does not decode against the schema: %v", err)
		}
		str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
		objType := asObject(t, typ)
		appType, _ := tfwire.ElementType(objType.AttributeTypes["jwt_apps"])
		permType, _ := tfwire.ElementType(objType.AttributeTypes["permissions"])
		want := tftypes.NewValue(typ, map[string]tftypes.Value{
			"id": str("st-1"),
			"jwt_apps": tftypes.NewValue(objType.AttributeTypes["jwt_apps"], []tftypes.Value{
				tftypes.NewValue(appType, map[string]tftypes.Value{"client_id": str("cs-1"), "name": str("signer")}),
				tftypes.NewValue(appType, map[string]tftypes.Value{"client_id": str("cs-2"), "name": tftypes.NewValue(tftypes.String, nil)}),
			}),
			"permissions": tftypes.NewValue(objType.AttributeTypes["permissions"], map[string]tftypes.Value{
				"ADMIN":       tftypes.NewValue(permType, []tftypes.Value{}),
				"BOT_BUILDER": tftypes.NewValue(permType, []tftypes.Value{str("VIEW"), str("EDIT")}),
			}),
		})
		if !got.Equal(want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	}
	if string(encodings[0]) != string(encodings[1]) {
		t.Error("the order in which fields are listed changed the encoding")
	}

	// nil is null, for nested lists and maps alike.
	o := tfwire.NewObject(fields...)
	w := tfwire.NewWriter(0)
	o.Write(w, &bot{ID: "st-2"})
	encoded, _ := w.Bytes()
	got, err := (&tfprotov6.DynamicValue{MsgPack: encoded}).Unmarshal(schemaType(ctx, o.Attributes()))
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := got.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if !attrs["jwt_apps"].IsNull() || !attrs["permissions"].IsNull() {
		t.Errorf("nil slices and maps must be null, got %v", got)
	}
}

func asObject(t *testing.T, typ tftypes.Type) tftypes.Object {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	return obj
}

// schemaType is the Terraform type of a data source schema with these attributes.
func schemaType(ctx context.Context, attributes map[string]schema.Attribute) tftypes.Type {
	return schema.Schema{Attributes: attributes}.Type().TerraformType(ctx)
}

package schemacheck_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/kore-community/terraform-provider-kore/internal/schemacheck"
)

const koreAddr = "registry.terraform.io/kore-community/kore"

// snapshotJSON is the repository's snapshot as generic JSON, for tests to change a copy of.
func snapshotJSON(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "schema", "provider-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// dig walks a JSON document by keys, failing the test when one is missing.
func dig(t *testing.T, doc map[string]any, keys ...string) map[string]any {
	t.Helper()
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("no %q in the schema (path %v)", k, keys)
		}
		cur = next
	}
	return cur
}

// objectOf returns the attribute types of a list of objects written as JSON: ["list", ["object", {...}]].
func objectOf(t *testing.T, typ any) map[string]any {
	t.Helper()
	list, ok := typ.([]any)
	if !ok || len(list) != 2 || list[0] != "list" {
		t.Fatalf("type %v is not a list", typ)
	}
	object, ok := list[1].([]any)
	if !ok || len(object) != 2 || object[0] != "object" {
		t.Fatalf("type %v is not a list of objects", typ)
	}
	attrs, ok := object[1].(map[string]any)
	if !ok {
		t.Fatalf("type %v has no object attributes", typ)
	}
	return attrs
}

func provider(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	return dig(t, doc, "provider_schemas", koreAddr)
}

func schemas(t *testing.T, doc map[string]any) *tfjson.ProviderSchemas {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var s tfjson.ProviderSchemas
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// compare compares the snapshot with the snapshot changed by change.
func compare(t *testing.T, change func(doc map[string]any)) schemacheck.Report {
	t.Helper()
	current := snapshotJSON(t)
	change(current)
	return schemacheck.Compare(schemas(t, snapshotJSON(t)), schemas(t, current))
}

func wantExactly(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestTheSnapshotAgainstItselfHasNoChange(t *testing.T) {
	report := compare(t, func(map[string]any) {})
	wantExactly(t, "breaking", report.Breaking, nil)
	wantExactly(t, "added", report.Added, nil)
}

func TestBreakingChangesAreNamed(t *testing.T) {
	attributes := func(t *testing.T, doc map[string]any, kind, name string) map[string]any {
		return dig(t, provider(t, doc), kind, name, "block", "attributes")
	}
	tests := []struct {
		name   string
		change func(t *testing.T, doc map[string]any)
		want   []string
	}{
		{
			name: "an attribute the provider no longer has",
			change: func(t *testing.T, doc map[string]any) {
				delete(attributes(t, doc, "data_source_schemas", "kore_groups"), "name_regex")
			},
			want: []string{"data source kore_groups: attribute name_regex removed"},
		},
		{
			name: "a renamed attribute is one removed",
			change: func(t *testing.T, doc map[string]any) {
				attrs := attributes(t, doc, "data_source_schemas", "kore_groups")
				attrs["name_pattern"] = attrs["name_regex"]
				delete(attrs, "name_regex")
			},
			want: []string{"data source kore_groups: attribute name_regex removed"},
		},
		{
			name: "a different type",
			change: func(t *testing.T, doc map[string]any) {
				dig(t, attributes(t, doc, "data_source_schemas", "kore_groups"), "page_size")["type"] = "string"
			},
			want: []string{"data source kore_groups: attribute page_size type changed from number to string"},
		},
		{
			name: "a field gone from inside a list of objects",
			change: func(t *testing.T, doc map[string]any) {
				groups := dig(t, attributes(t, doc, "data_source_schemas", "kore_groups"), "groups")
				delete(objectOf(t, groups["type"]), "description")
			},
			want: []string{"data source kore_groups: attribute groups[*].description removed"},
		},
		{
			name: "a nested attribute removed",
			change: func(t *testing.T, doc map[string]any) {
				users := dig(t, attributes(t, doc, "data_source_schemas", "kore_users"), "users", "nested_type", "attributes")
				delete(users, "email")
			},
			want: []string{"data source kore_users: attribute users[*].email removed"},
		},
		{
			name: "an optional argument made required",
			change: func(t *testing.T, doc map[string]any) {
				attr := dig(t, attributes(t, doc, "data_source_schemas", "kore_groups"), "names")
				delete(attr, "optional")
				attr["required"] = true
			},
			want: []string{"data source kore_groups: attribute names was optional and is now required"},
		},
		{
			name: "a computed attribute made an argument",
			change: func(t *testing.T, doc map[string]any) {
				dig(t, attributes(t, doc, "data_source_schemas", "kore_groups"), "total")["optional"] = true
			},
			want: []string{"data source kore_groups: attribute total was computed and is now an argument (optional, computed)"},
		},
		{
			name: "a new required argument",
			change: func(t *testing.T, doc map[string]any) {
				attributes(t, doc, "data_source_schemas", "kore_group")["account"] = map[string]any{"type": "string", "required": true}
			},
			want: []string{"data source kore_group: new attribute account is required"},
		},
		{
			name: "a data source removed",
			change: func(t *testing.T, doc map[string]any) {
				delete(dig(t, provider(t, doc), "data_source_schemas"), "kore_bots")
			},
			want: []string{"data source kore_bots: removed"},
		},
		{
			name: "an ephemeral resource removed",
			change: func(t *testing.T, doc map[string]any) {
				delete(dig(t, provider(t, doc), "ephemeral_resource_schemas"), "kore_token")
			},
			want: []string{"ephemeral resource kore_token: removed"},
		},
		{
			name: "a function removed",
			change: func(t *testing.T, doc map[string]any) {
				delete(dig(t, provider(t, doc), "functions"), "groups_by_name")
			},
			want: []string{"function provider::kore::groups_by_name: removed"},
		},
		{
			name: "a block removed",
			change: func(t *testing.T, doc map[string]any) {
				delete(dig(t, provider(t, doc), "data_source_schemas", "kore_groups", "block", "block_types"), "timeouts")
			},
			want: []string{"data source kore_groups: block timeouts removed"},
		},
		{
			name: "a provider argument removed",
			change: func(t *testing.T, doc map[string]any) {
				delete(dig(t, provider(t, doc), "provider", "block", "attributes"), "cache_ttl")
			},
			want: []string{"provider configuration: attribute cache_ttl removed"},
		},
		{
			name: "an attribute made sensitive",
			change: func(t *testing.T, doc map[string]any) {
				dig(t, attributes(t, doc, "ephemeral_resource_schemas", "kore_token"), "expires_at")["sensitive"] = true
			},
			want: []string{"ephemeral resource kore_token: attribute expires_at is now sensitive: outputs of it need sensitive = true"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			report := compare(t, func(doc map[string]any) { tc.change(t, doc) })
			wantExactly(t, "breaking", report.Breaking, tc.want)
		})
	}
}

func TestAdditionsPassAndAreListed(t *testing.T) {
	report := compare(t, func(doc map[string]any) {
		p := provider(t, doc)
		groups := dig(t, p, "data_source_schemas", "kore_groups", "block", "attributes")
		groups["owner"] = map[string]any{"type": "string", "optional": true}
		token := dig(t, p, "ephemeral_resource_schemas", "kore_token", "block", "attributes")
		token["issued_at"] = map[string]any{"type": "string", "computed": true}
		dig(t, p, "data_source_schemas")["kore_apps"] = dig(t, p, "data_source_schemas", "kore_bots")
		objectOf(t, dig(t, groups, "groups")["type"])["created_on"] = "string"
	})
	wantExactly(t, "breaking", report.Breaking, nil)
	wantExactly(t, "added", report.Added, []string{
		"data source kore_apps: added",
		"data source kore_groups: attribute groups[*].created_on added",
		"data source kore_groups: attribute owner added (optional)",
		"ephemeral resource kore_token: attribute issued_at added (computed)",
	})
}

func TestAFieldAddedToATypeConfigurationsWriteBreaks(t *testing.T) {
	// groups_by_name takes a list of groups: a call with the groups of the released provider would lack the field.
	report := compare(t, func(doc map[string]any) {
		fn := dig(t, provider(t, doc), "functions", "groups_by_name")
		params, ok := fn["parameters"].([]any)
		if !ok || len(params) == 0 {
			t.Fatalf("groups_by_name has no parameters: %v", fn["parameters"])
		}
		param, ok := params[0].(map[string]any)
		if !ok {
			t.Fatalf("groups_by_name's parameter is %T", params[0])
		}
		objectOf(t, param["type"])["created_on"] = "string"
	})
	if len(report.Breaking) != 1 || !strings.Contains(report.Breaking[0], "function provider::kore::groups_by_name: parameter 1") {
		t.Errorf("breaking = %q, want the changed parameter of groups_by_name", report.Breaking)
	}
}

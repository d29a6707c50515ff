package kore_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestDecodeGroupsPage(t *testing.T) {
	tests := []struct {
		name         string
		body         string
		wantErr      string
		wantChildren [][]string
	}{
		{name: "child groups may be ids or objects", body: `{"total":1,"groups":[{"_id":"g","groups":["a",{"_id":"b"}]}]}`,
			wantChildren: [][]string{{"a", "b"}}},
		{name: "a page without groups is empty", body: `{"total":0,"availableMore":false}`, wantChildren: [][]string{}},
		{name: "a child group number is refused", body: `{"total":1,"groups":[{"_id":"g","groups":[7]}]}`,
			wantErr: "neither an id string nor an object"},
		{name: "a child group object without _id is refused", body: `{"total":1,"groups":[{"_id":"g","groups":[{"gN":"x"}]}]}`,
			wantErr: "has no _id"},
		{name: "a missing total is refused", body: `{"availableMore":false,"groups":[]}`, wantErr: `"total" is missing`},
		{name: "a negative total is refused", body: `{"total":-1,"groups":[]}`, wantErr: `"total" is negative`},
		{name: "null is not a page", body: `null`, wantErr: `"total" is missing`},
		{name: "an array is not a page", body: `[]`, wantErr: "cannot unmarshal"},
		{name: "a user field of the wrong type is refused", body: `{"total":1,"groups":[{"_id":"g","users":[{"emailId":5}]}]}`,
			wantErr: "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := kore.DecodeGroupsPage([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeGroupsPage: %v", err)
			}
			if got := kore.ChildGroupIDsOf(page); !reflect.DeepEqual(got, tt.wantChildren) {
				t.Errorf("child group ids = %#v, want %#v", got, tt.wantChildren)
			}
		})
	}
}

func FuzzDecodeGroupsPage(f *testing.F) {
	sample, err := os.ReadFile("testdata/kore_sample_response.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte(`{"total":0,"availableMore":false,"groups":[]}`))
	f.Add([]byte(`{"total":3,"availableMore":true,"groups":[{"_id":"g1","groups":["c1",{"_id":"c2"},null],"users":null}]}`))
	f.Add([]byte(`{"total":1,"groups":[{"_id":"g","gDesc":null,"userCount":1,"users":[{"_id":"u","jTitle":null}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		page, err := kore.DecodeGroupsPage(data)
		if err != nil {
			return
		}
		encoded, err := json.Marshal(page)
		if err != nil {
			t.Fatalf("a decoded page does not encode: %v", err)
		}
		again, err := kore.DecodeGroupsPage(encoded)
		if err != nil {
			t.Fatalf("a re-encoded page does not decode: %v\n%s", err, encoded)
		}
		if !reflect.DeepEqual(page, again) {
			t.Fatalf("decoding the re-encoded page gives another page:\n%#v\n%#v", page, again)
		}
		kore.ChildGroupIDsOf(page) // must not panic either
	})
}

func BenchmarkDecodeGroupsPage(b *testing.B) {
	body, err := json.Marshal(groupsPageJSON{Total: 10_000, AvailableMore: true, Groups: makeGroups(50, 20)})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kore.DecodeGroupsPage(body); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecodeBotsPage checks that the listing decoder never panics and that no error it gives quotes a bot app's
// secret, wherever the input puts it.
func FuzzDecodeBotsPage(f *testing.F) {
	f.Add([]byte(`{"total":1,"availableMore":false,"bots":[{"_id":"st-1","name":"B","jwtApps":[{"clientId":"cs-1",` +
		`"clientSecret":"` + botAppSecret + `","jtiClaimEnforced":true,"createdOn":"2024-05-01T10:00:00Z"}]}]}`))
	f.Add([]byte(`{"total":2,"bots":[null,{"_id":"st-2","name":"x","isDeflect":"` + botAppSecret + `"}]}`))
	f.Add([]byte(`{"total":1,"` + botAppSecret + `":[1,}`))
	f.Add([]byte(`{"total":1,"bots":[{"_id":"st-1","jwtApps":[{"clientSecret":"` + botAppSecret + `" 1}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		page, err := kore.DecodeBotsPage(data)
		if err != nil {
			if strings.Contains(err.Error(), botAppSecret) {
				t.Fatalf("the error quotes the app secret: %v", err)
			}
			return
		}
		if page.Total == nil || *page.Total < 0 {
			t.Fatalf("a page was accepted without a valid total: %v", page.Total)
		}
	})
}

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
		{name: "a page without groups is not a page", body: `{"total":0,"availableMore":false}`,
			wantErr: `the field "groups" is missing`},
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

func TestDecodeListingPage(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantErr   string
		wantItems int // items, null ones included
		wantNulls int // null items, left for the walk to refuse
		wantMore  *bool
	}{
		{name: "fields it does not read are skipped", body: `{"x":{"y":[1,2]},"total":1,"bots":[{"_id":"a"}],"z":null}`,
			wantItems: 1},
		{name: "moreAvailable is the flag as other admin APIs spell it", body: `{"total":9,"moreAvailable":true,"bots":[]}`,
			wantMore: ptr(true)},
		{name: "moreAvailable false", body: `{"moreAvailable":false,"total":9,"bots":[]}`, wantMore: ptr(false)},
		{name: "both spellings that agree", body: `{"total":9,"availableMore":true,"moreAvailable":true,"bots":[]}`,
			wantMore: ptr(true)},
		{name: "a null moreAvailable leaves availableMore", body: `{"total":9,"availableMore":false,"moreAvailable":null,"bots":[]}`,
			wantMore: ptr(false)},
		{name: "both spellings that disagree", body: `{"total":9,"availableMore":false,"moreAvailable":true,"bots":[]}`,
			wantErr: `the fields "availableMore" and "moreAvailable" disagree`},
		{name: "moreAvailable that is not a boolean", body: `{"total":9,"moreAvailable":1,"bots":[]}`,
			wantErr: `JSON number into bool in the field "moreAvailable"`},
		{name: "a null item is kept as nil", body: `{"total":2,"availableMore":false,"bots":[null,{"_id":"a"}]}`,
			wantItems: 2, wantNulls: 1, wantMore: ptr(false)},
		{name: "null items are no items", body: `{"total":0,"bots":null}`},
		{name: "a field sent twice counts the last time", body: `{"total":-1,"availableMore":true,"total":3,"availableMore":null,"bots":[]}`},
		{name: "null is a page without a total", body: `null`, wantErr: `"total" is missing`},
		{name: "a string is not a page", body: `"page"`, wantErr: "cannot unmarshal a JSON string into a page object"},
		{name: "a number is not a page", body: `12`, wantErr: "cannot unmarshal a JSON number into a page object"},
		{name: "a boolean is not a page", body: `true`, wantErr: "cannot unmarshal a JSON boolean into a page object"},
		{name: "an array is not a page", body: `[]`, wantErr: "cannot unmarshal a JSON array into a page object"},
		{name: "an empty body", body: ``, wantErr: "the JSON ends early, at byte 0"},
		{name: "a total that is not a number", body: `{"total":"3","bots":[]}`, wantErr: `JSON string into int in the field "total"`},
		{name: "a total with a fraction", body: `{"total":1.5,"bots":[]}`, wantErr: `JSON number into int in the field "total"`},
		{name: "availableMore that is not a boolean", body: `{"total":1,"availableMore":"yes"}`,
			wantErr: `JSON string into bool in the field "availableMore"`},
		{name: "items in an object", body: `{"total":1,"bots":{"_id":"a"}}`, wantErr: `the field "bots" is a JSON object, not an array`},
		{name: "items in a string", body: `{"total":1,"bots":"a"}`, wantErr: `the field "bots" is a JSON string, not an array`},
		{name: "an item that is not an object", body: `{"total":1,"bots":[7]}`, wantErr: `element 0 of "bots"`},
		{name: "a broken field it does not read", body: `{"total":1,"other":[1,}`, wantErr: "invalid JSON in a field the client does not read"},
		{name: "a key that is not a string", body: `{1:2}`, wantErr: "invalid JSON"},
		{name: "a missing closing brace", body: `{"total":1`, wantErr: "ends early"},
		{name: "data after the page", body: `{"total":0} {}`, wantErr: "followed by more data at byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := kore.DecodeBotsPage([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeBotsPage: %v", err)
			}
			nulls := 0
			for _, item := range page.Items {
				if item == nil {
					nulls++
				}
			}
			if len(page.Items) != tt.wantItems || nulls != tt.wantNulls {
				t.Errorf("items, nulls = %d, %d; want %d, %d", len(page.Items), nulls, tt.wantItems, tt.wantNulls)
			}
			if !reflect.DeepEqual(page.AvailableMore, tt.wantMore) {
				t.Errorf("availableMore = %v, want %v", page.AvailableMore, tt.wantMore)
			}
		})
	}
}

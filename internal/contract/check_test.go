package contract

import (
	"net/url"
	"strings"
	"testing"
)

// answer is an exchange of Get Groups at offset and limit, answered 200 with body.
func answer(offset, limit int, body string) *exchange {
	return &exchange{path: groupsPath, query: pageQuery(nil, offset, limit), status: 200, body: []byte(body)}
}

const (
	groupA = `{"_id":"e-a","gN":"A","gDesc":null,"groups":["e-b"],"userCount":1,"users":[{"_id":"u-1","emailId":"a@x.io"}]}`
	groupB = `{"_id":"e-b","gN":"B","groups":[{"_id":"e-a"}],"users":[]}`
	groupC = `{"_id":"e-c","gN":"C"}`
)

func groupsPage(total int, more string, items ...string) string {
	flag := ""
	if more != "" {
		flag = `,` + more
	}
	return `{"total":` + itoa(total) + flag + `,"groups":[` + strings.Join(items, ",") + `]}`
}

func itoa(n int) string { return url.Values{"n": {""}}.Get("x") + string(rune('0'+n)) }

// checkGroups checks exchanges of Get Groups as a whole listing read at pages of limit.
func checkGroups(limit int, complete bool, answers ...*exchange) *Result {
	result, _ := checkEndpoint(endpointByKey("groups"), answers, &Listing{Endpoint: "groups", Complete: complete}, limit)
	return result
}

// Each rule of a listing's answers, on its own: what differs is named by field and kind, never by value.
func TestCheckEndpointNamesWhatDiffers(t *testing.T) {
	tests := []struct {
		name    string
		answers []*exchange
		want    string // "" means OK
	}{
		{name: "a whole listing that adds up", answers: []*exchange{
			answer(0, 50, groupsPage(3, `"availableMore":false`, groupA, groupB, groupC)),
		}},
		{name: "the other spelling of the paging flag", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"moreAvailable":false`, groupA)),
		}},
		{name: "no paging flag", answers: []*exchange{answer(0, 50, groupsPage(1, "", groupA))},
			want: "no paging flag (availableMore or moreAvailable)"},
		{name: "two paging flags that disagree", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"availableMore":false,"moreAvailable":true`, groupA)),
		}, want: "availableMore and moreAvailable disagree"},
		{name: "a paging flag that is no boolean", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"availableMore":"no"`, groupA)),
		}, want: `"availableMore" is a string, want a boolean`},
		{name: "no total", answers: []*exchange{answer(0, 50, `{"availableMore":false,"groups":[]}`)},
			want: `no field "total"`},
		{name: "a total that is no integer", answers: []*exchange{
			answer(0, 50, `{"total":1.5,"availableMore":false,"groups":[]}`)},
			want: `"total" is a number with a fraction or exponent, want an integer`},
		{name: "a negative total", answers: []*exchange{
			answer(0, 50, `{"total":-1,"availableMore":false,"groups":[]}`)},
			want: `"total" is negative`},
		{name: "no items", answers: []*exchange{answer(0, 50, `{"total":0,"availableMore":false}`)},
			want: `no field "groups"`},
		{name: "items that are no array", answers: []*exchange{
			answer(0, 50, `{"total":0,"availableMore":false,"groups":{}}`)},
			want: `"groups" is an object, want an array`},
		{name: "an answer that is no object", answers: []*exchange{answer(0, 50, `[]`)},
			want: "the answer is an array, want an object"},
		{name: "an answer that is not JSON", answers: []*exchange{answer(0, 50, `<html>`)},
			want: "the answer is not JSON (offset=0&limit=50)"},
		{name: "a refusal", answers: []*exchange{{path: groupsPath, query: pageQuery(nil, 0, 50), status: 401}},
			want: "HTTP 401 (offset=0&limit=50)"},
		{name: "a field of another type", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"availableMore":false`, `{"_id":"e-a","gN":7}`))},
			want: "groups[].gN is an integer, want a string (offset=0&limit=50, item 0)"},
		{name: "a null where none is read", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"availableMore":false`, `{"_id":"e-a","gN":null}`))},
			want: "groups[].gN is null, want a string"},
		{name: "a missing field", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"availableMore":false`, `{"_id":"e-a"}`))},
			want: `groups[] has no field "gN"`},
		{name: "an id of another shape", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"availableMore":false`, `{"_id":"g-1","gN":"A"}`))},
			want: "groups[]._id does not look like a group id (e-…)"},
		{name: "a child group of no documented form", answers: []*exchange{
			answer(0, 50, groupsPage(1, `"availableMore":false`, `{"_id":"e-a","gN":"A","groups":[1]}`))},
			want: "groups[].groups[] is an integer, which matches none of its documented forms"},
		{name: "more items than the limit", answers: []*exchange{
			answer(0, 1, groupsPage(2, `"availableMore":false`, groupA, groupB))},
			want: "an answer holds 2 items, more than the limit of 1"},
		{name: "a short page that promises more", answers: []*exchange{
			answer(0, 50, groupsPage(2, `"availableMore":true`, groupA))},
			want: "fewer items than the limit although its paging flag says more"},
		{name: "a total above the items", answers: []*exchange{
			answer(0, 50, groupsPage(4, `"availableMore":false`, groupA, groupB))},
			want: "the total is 4 groups, but the pages held 2"},
		{name: "a flag that the total contradicts", answers: []*exchange{
			answer(0, 2, groupsPage(3, `"availableMore":false`, groupA, groupB))},
			want: "the paging flag says false, but the total (3) says true"},
		{name: "an item on two pages", answers: []*exchange{
			answer(0, 2, groupsPage(4, `"availableMore":true`, groupA, groupB)),
			answer(1, 2, groupsPage(4, `"availableMore":true`, groupC, `{"_id":"e-d","gN":"D"}`)),
			answer(2, 2, groupsPage(4, `"availableMore":false`, groupA)),
		}, want: "1 items appear on more than one page"},
		{name: "offset=1 that fits neither meaning", answers: []*exchange{
			answer(0, 2, groupsPage(3, `"availableMore":true`, groupA, groupB)),
			answer(1, 2, groupsPage(3, `"availableMore":false`, groupA)),
		}, want: "offset=1 answered 1 items, 1 of them also at offset=0: that fits neither"},
		{name: "a total that changed between pages", answers: []*exchange{
			answer(0, 2, groupsPage(3, `"availableMore":true`, groupA, groupB)),
			answer(1, 2, groupsPage(4, `"availableMore":false`, groupC)),
		}, want: "the total changed between pages (3, then 4)"},
		{name: "a last page that promises more", answers: []*exchange{
			answer(0, 2, groupsPage(2, `"availableMore":true`, groupA, groupB)),
		}, want: "the last page read says more are available"},
		{name: "no answer at the page size", answers: []*exchange{
			answer(0, 3, groupsPage(1, `"availableMore":false`, groupA)),
		}, want: "the recording holds no answer to offset=0&limit=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := 50
			if q := tt.answers[0].query.Get("limit"); q != "50" {
				limit = 2
			}
			result := checkGroups(limit, true, tt.answers...)
			if tt.want == "" {
				if !result.OK() {
					t.Fatalf("%s", result.Line())
				}
				return
			}
			if result.OK() || !strings.Contains(result.Line(), tt.want) {
				t.Fatalf("%s\nwant it to say %q", result.Line(), tt.want)
			}
			if strings.Contains(result.Line(), "a@x.io") {
				t.Errorf("the line quotes an email: %s", result.Line())
			}
		})
	}
}

// What offset means is told apart as internal/kore tells it, and said in the OK line; pages read at a page number
// or at records to skip assemble into the same listing.
func TestCheckEndpointFindsWhatOffsetMeans(t *testing.T) {
	first := answer(0, 2, groupsPage(3, `"availableMore":true`, groupA, groupB))
	tests := []struct {
		name   string
		second *exchange
		want   string
	}{
		{name: "a page number", second: answer(1, 2, groupsPage(3, `"availableMore":false`, groupC)),
			want: "3 groups, read whole in 2 pages of 2; paging flag availableMore; offset is a page number"},
		{name: "records to skip", second: answer(1, 2, groupsPage(3, `"availableMore":true`, groupB, groupC)),
			want: "offset is records to skip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := []*exchange{first, tt.second}
			if strings.Contains(tt.name, "records") {
				answers = append(answers, answer(2, 2, groupsPage(3, `"availableMore":false`, groupC)))
			}
			result := checkGroups(2, true, answers...)
			if !result.OK() || !strings.Contains(result.Line(), tt.want) {
				t.Fatalf("%s\nwant OK saying %q", result.Line(), tt.want)
			}
		})
	}

	t.Run("an empty offset=1 of a short listing is a page number", func(t *testing.T) {
		result := checkGroups(50, true,
			answer(0, 50, groupsPage(2, `"availableMore":false`, groupA, groupB)),
			answer(0, 2, groupsPage(2, `"availableMore":false`, groupA, groupB)),
			answer(1, 2, groupsPage(2, `"availableMore":false`)))
		if !result.OK() || !strings.Contains(result.Line(), "offset is a page number") {
			t.Fatalf("%s", result.Line())
		}
	})
	t.Run("an empty offset=1 of a long listing differs", func(t *testing.T) {
		result := checkGroups(50, false,
			answer(0, 2, groupsPage(5, `"availableMore":true`, groupA, groupB)),
			answer(1, 2, groupsPage(5, `"availableMore":false`)))
		if !strings.Contains(result.Line(), "offset=1 answered no items although the total promises more") {
			t.Fatalf("%s", result.Line())
		}
	})
	t.Run("a single item says nothing", func(t *testing.T) {
		result := checkGroups(50, true, answer(0, 50, groupsPage(1, `"availableMore":false`, groupA)))
		if !result.OK() || !strings.Contains(result.Line(), "offset not tested (fewer than 2 items)") {
			t.Fatalf("%s", result.Line())
		}
	})
}

// A listing read in part says so, with how much of it was read.
func TestCheckEndpointSaysAListingWasCheckedPartially(t *testing.T) {
	result := checkGroups(2, false,
		answer(0, 2, groupsPage(7, `"availableMore":true`, groupA, groupB)),
		answer(1, 2, groupsPage(7, `"availableMore":true`, groupC, `{"_id":"e-d","gN":"D"}`)))
	const want = "Get Groups: OK, checked partially (first 2 of 4 pages of 2: 4 of 7 groups; paging flag " +
		"availableMore; offset is a page number)"
	if result.Line() != want {
		t.Fatalf("line = %q\nwant   %q", result.Line(), want)
	}
}

// Export Roles is a bare array of roles carrying _id and a UUID refId.
func TestCheckEndpointOfABareArray(t *testing.T) {
	const role = `{"roleType":"admin","_id":"5f1","role":"Master Admin","rDesc":"","permissions":{"A":"YES"},` +
		`"refId":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"}`
	export := func(body string) *exchange {
		return &exchange{path: rolesExportPath, query: roleTypeQuery("admin"), status: 200, body: []byte(body)}
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{name: "as documented", body: `[` + role + `]`},
		{name: "an object", body: `{"roles":[]}`, want: "the answer is an object, want a bare array"},
		{name: "no refId", body: `[{"roleType":"admin","_id":"5f1","role":"A","permissions":{}}]`,
			want: `[] has no field "refId"`},
		{name: "a bot role among admin roles", body: strings.Replace(`[`+role+`]`, `"admin"`, `"bot"`, 1),
			want: "[].roleType does not look like the role type asked for (admin)"},
		{name: "a permission of another type", body: strings.Replace(`[`+role+`]`, `"YES"`, `true`, 1),
			want: "[].permissions.* is a boolean, which matches none"},
		{name: "a role twice", body: `[` + role + `,` + role + `]`, want: "an element appears twice (element 1)"},
		{name: "not JSON", body: `nope`, want: "the answer is not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result, items := checkEndpoint(endpointByKey("roles-export-admin"), []*exchange{export(tt.body)}, nil, 50)
			if tt.want == "" {
				if !result.OK() || len(items) != 1 || result.Summary != "1 roles, a bare array" {
					t.Fatalf("%s (%d items)", result.Line(), len(items))
				}
				return
			}
			if result.OK() || !strings.Contains(result.Line(), tt.want) {
				t.Fatalf("%s\nwant it to say %q", result.Line(), tt.want)
			}
		})
	}
	refused := &exchange{path: rolesExportPath, query: roleTypeQuery("admin"), status: 404}
	if result, _ := checkEndpoint(endpointByKey("roles-export-admin"), []*exchange{refused}, nil, 50); !strings.Contains(
		result.Line(), "DIFFERS: HTTP 404") {
		t.Errorf("a refusal: %s", result.Line())
	}
	other := &exchange{path: rolesExportPath, query: roleTypeQuery("bot"), status: 200, body: []byte(`[]`)}
	if result, _ := checkEndpoint(endpointByKey("roles-export-admin"), []*exchange{other}, nil, 50); !strings.Contains(
		result.Line(), "the recording holds no answer of this endpoint") {
		t.Errorf("another role type's answer was taken: %s", result.Line())
	}
}

// Differences seen on many items are said once, with how often and where first.
func TestProblemsAreCountedOnce(t *testing.T) {
	var p problems
	p.add("x is null", "item 3")
	p.add("x is null", "item 7")
	p.add("y is missing", "")
	got := strings.Join(p.lines(), "; ")
	if want := "x is null (2 times, first item 3); y is missing"; got != want {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

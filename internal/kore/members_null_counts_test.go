package kore_test

import (
	"context"
	"slices"
	"testing"
)

// Null members are counted the same way at every Members level: the warning names the first null, how many there
// are, and the members listed once they are left out.
func TestNullMembersAreCountedAtEveryLevel(t *testing.T) {
	tests := []struct {
		name  string
		users string
		want  []string
	}{
		{
			name:  "one null member",
			users: `{"_id":"u-1"},null,{"_id":"u-2"}`,
			want: []string{
				`groups page 0: group "g-b": element 1 of 3 of its "users" is null (1 null element); kept because ` +
					`inexact reads are allowed`,
				`1 group lists a different number of users than userCount (for example "B", id "g-b": userCount 4, ` +
					`2 users listed); Kore.ai may not have listed every member`,
			},
		},
		{
			name:  "two null members",
			users: `null,{"_id":"u-1"},null`,
			want: []string{
				`groups page 0: group "g-b": element 0 of 3 of its "users" is null (2 null elements); kept because ` +
					`inexact reads are allowed`,
				`1 group lists a different number of users than userCount (for example "B", id "g-b": userCount 4, ` +
					`1 users listed); Kore.ai may not have listed every member`,
			},
		},
	}
	for _, tt := range tests {
		for _, members := range memberLevels {
			t.Run(tt.name+"/"+members.String(), func(t *testing.T) {
				api := serveRaw(t, func(int64) string {
					return `{"total":2,"availableMore":false,"groups":[{"_id":"g-a","gN":"A","userCount":0,"users":[]},` +
						`{"_id":"g-b","gN":"B","userCount":4,"users":[` + tt.users + `]}]}`
				})
				cfg := testConfig(api.start(), nil)
				cfg.AllowInexactReads = true
				list, err := newTestClient(t, cfg).ListGroupsKeeping(context.Background(), 50, members)
				if err != nil {
					t.Fatalf("ListGroupsKeeping: %v", err)
				}
				if !slices.Equal(list.Warnings, tt.want) {
					t.Errorf("warnings = %q\nwant %q", list.Warnings, tt.want)
				}
			})
		}
	}
}

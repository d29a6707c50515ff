package kore_test

import (
	"context"
	"fmt"
	"testing"
)

// A role is identified by its _id, and only a role without one by its type and name: two bot roles of one name are
// two roles, and an admin role sent twice is kept once.
func TestRolesAreToldApartByIDThenByTypeAndName(t *testing.T) {
	tests := []struct {
		name     string
		roleType string
		roles    string
		want     int
	}{
		{name: "two bot roles of one name with their own ids", roleType: "bot", want: 2,
			roles: `{"_id":"r-1","roleType":"bot","role":"Tester"},{"_id":"r-2","roleType":"bot","role":"Tester"}`},
		{name: "one admin role sent twice without an id", roleType: "admin", want: 1,
			roles: `{"roleType":"admin","role":"Audit"},{"roleType":"admin","role":"Audit"}`},
		{name: "one admin role sent twice with an empty id", roleType: "admin", want: 1,
			roles: `{"_id":"","roleType":"admin","role":"Audit"},{"_id":"","roleType":"admin","role":"Audit"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := serveBody(t, fmt.Sprintf(`{"total":%d,"availableMore":false,"roles":[%s]}`, tt.want, tt.roles))
			list, err := client.ListRoles(context.Background(), tt.roleType, 50)
			if err != nil {
				t.Fatalf("ListRoles: %v", err)
			}
			if len(list.Roles) != tt.want {
				t.Errorf("roles = %+v, want %d", list.Roles, tt.want)
			}
		})
	}
}

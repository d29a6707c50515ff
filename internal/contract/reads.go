package contract

import (
	"context"
	"fmt"
	"slices"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// clientRead is what the client's own read of a whole listing returned.
type clientRead struct {
	ids, names []string
	warnings   []string
	err        error
}

// readWhole reads listing e whole through the client's List* method, or a bare array through its own read, as the
// provider does.
func readWhole(ctx context.Context, client *kore.Client, e *endpoint, pageSize int) clientRead {
	var read clientRead
	switch e.key {
	case "groups":
		list, err := client.ListGroupsKeeping(ctx, pageSize, kore.MembersAll)
		if read.err = err; err == nil {
			for _, g := range list.Groups {
				read.ids, read.names = append(read.ids, g.ID), append(read.names, g.Name)
			}
			read.warnings = list.Warnings
		}
	case "users":
		list, err := client.ListUserRoles(ctx, pageSize)
		if read.err = err; err == nil {
			for _, u := range list.Users {
				read.ids, read.names = append(read.ids, u.ID), append(read.names, deref(u.Email))
			}
			read.warnings = list.Warnings
		}
	case "roles-admin", "roles-bot":
		list, err := client.ListRoles(ctx, e.query.Get("roleType"), pageSize)
		if read.err = err; err == nil {
			for _, r := range list.Roles {
				key := r.Type + ":" + r.Name
				if r.ID != nil && *r.ID != "" {
					key = *r.ID
				}
				read.ids, read.names = append(read.ids, key), append(read.names, r.Name)
			}
			read.warnings = list.Warnings
		}
	case "roles-export-admin", "roles-export-bot":
		list, err := client.ExportRoles(ctx, e.query.Get("roleType"))
		if read.err = err; err == nil {
			for _, r := range list.Roles {
				read.ids, read.names = append(read.ids, r.ID), append(read.names, r.Name)
			}
		}
	case "bots":
		list, err := client.ListBots(ctx, pageSize)
		if read.err = err; err == nil {
			for _, b := range list.Bots {
				read.ids, read.names = append(read.ids, b.ID), append(read.names, b.Name)
			}
			read.warnings = list.Warnings
		}
	default:
		read.err = fmt.Errorf("the client has no whole read of %s", e.name)
	}
	return read
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// compareRead adds to result what differs between the client's read and the recorded pages' items.
func compareRead(result *Result, read clientRead, recorded []map[string]any, e *endpoint) {
	if read.err != nil {
		result.Failed = read.err.Error()
		return
	}
	for _, warning := range read.warnings {
		result.Problems = append(result.Problems, "the client warned: "+warning)
	}
	var ids, names []string
	for _, item := range recorded {
		ids, names = append(ids, e.itemID(item)), append(names, e.itemName(item))
	}
	items := e.itemsKey
	if items == "" {
		items = "elements"
	}
	switch {
	case len(read.ids) != len(ids):
		result.Problems = append(result.Problems, fmt.Sprintf("the client read %d %s, the recorded pages hold %d",
			len(read.ids), items, len(ids)))
	case !slices.Equal(read.ids, ids):
		result.Problems = append(result.Problems, fmt.Sprintf("the client read other ids than the recorded pages "+
			"hold, first at position %d", firstDifference(read.ids, ids)))
	case !slices.Equal(read.names, names):
		result.Problems = append(result.Problems, fmt.Sprintf("the client read other names than the recorded "+
			"pages hold, first at position %d", firstDifference(read.names, names)))
	}
}

func firstDifference(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

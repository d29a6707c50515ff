package provider

import (
	"cmp"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// defaultPageSize is the API's largest page: the fewest requests.
const defaultPageSize = kore.MaxPageSize

// groupFilter is what kore_groups keeps of the account's groups.
type groupFilter struct {
	names         []string // nil: every name
	ignoreMissing bool
	nameRegex     *regexp.Regexp // nil: every name
}

// selectGroups applies the filter and returns the kept groups sorted by name, then ID, together with the requested
// names that no group has. The memoised list is shared between data sources, so it is never reordered in place.
func selectGroups(all []kore.Group, f groupFilter) (kept []*kore.Group, missing []string) {
	var wanted map[string]bool
	if f.names != nil {
		wanted = make(map[string]bool, len(f.names))
		for _, n := range f.names {
			wanted[n] = false
		}
	}
	kept = make([]*kore.Group, 0, len(all))
	for i := range all {
		g := &all[i]
		if wanted != nil {
			if _, ok := wanted[g.Name]; !ok {
				continue
			}
			wanted[g.Name] = true
		}
		if f.nameRegex != nil && !f.nameRegex.MatchString(g.Name) {
			continue
		}
		kept = append(kept, g)
	}
	for n, found := range wanted {
		if !found {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	sortGroups(kept)
	return kept, missing
}

func sortGroups(groups []*kore.Group) {
	slices.SortFunc(groups, func(a, b *kore.Group) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
}

// groupNamesByEmail maps each member's email to the sorted, distinct names of the kept groups that hold them.
// Members without an email cannot be a map key and are left out.
func groupNamesByEmail(groups []*kore.Group) map[string][]string {
	byEmail := map[string][]string{}
	for _, g := range groups {
		for i := range g.Users {
			if e := g.Users[i].Email; e != nil {
				byEmail[*e] = append(byEmail[*e], g.Name)
			}
		}
	}
	for e, names := range byEmail {
		sort.Strings(names)
		byEmail[e] = slices.Compact(names)
	}
	return byEmail
}

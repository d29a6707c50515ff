package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// churn changes the groups served every interval, in turn deleting one, adding one and renaming one, as a busy
// account changes while it is read, until ctx ends. Each state served is logged with its digest (see
// groupsDigest), so that a reader can check that what it read is the account as it was at one moment.
func churn(ctx context.Context, fake *fakekore.Server, groups []fakekore.Group, every time.Duration, logger *slog.Logger) {
	groups = slices.Clone(groups)
	logger.Info("groups served", "change", 0, "groups", len(groups), "digest", groupsDigest(groups))
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for change := 1; ; change++ {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		groups = changeGroups(groups, change)
		fake.SetGroups(groups)
		logger.Info("groups served", "change", change, "groups", len(groups), "digest", groupsDigest(groups))
	}
}

// changeGroups makes change number n (from 1): a deletion, an addition or a rename, at a position that moves
// through the list so that every page is hit in turn. It returns a new slice: the old one may still be served.
func changeGroups(groups []fakekore.Group, n int) []fakekore.Group {
	if len(groups) == 0 {
		return append(groups, fakekore.Group{ID: fmt.Sprintf("churn-%d", n), Name: fmt.Sprintf("Added %d", n),
			ChildGroups: []any{}, Users: []fakekore.User{}})
	}
	at := (n * 7919) % len(groups) // a prime stride visits every position
	switch n % 3 {
	case 1:
		return slices.Delete(slices.Clone(groups), at, at+1)
	case 2:
		added := fakekore.Group{ID: fmt.Sprintf("churn-%d", n), Name: fmt.Sprintf("Added %d", n),
			ChildGroups: []any{}, Users: []fakekore.User{}}
		return slices.Insert(slices.Clone(groups), at, added)
	default:
		changed := slices.Clone(groups)
		changed[at].Name = fmt.Sprintf("%s (renamed %d)", changed[at].Name, n)
		return changed
	}
}

// groupsDigest is the SHA-256 of the JSON list of "id=name" of every group, sorted: what Terraform's
// sha256(jsonencode(sort([for g in data.kore_groups.all.groups : "${g.id}=${g.name}"]))) gives for the same
// groups (kore_groups sorts its groups by name, so the API's order is not kept).
func groupsDigest(groups []fakekore.Group) string {
	pairs := make([]string, len(groups))
	for i, g := range groups {
		pairs[i] = g.ID + "=" + g.Name
	}
	slices.Sort(pairs)
	data, _ := json.Marshal(pairs) // a list of strings always encodes
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

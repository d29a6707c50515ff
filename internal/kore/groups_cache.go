package kore

import (
	"context"
	"encoding/json"
	"strconv"
)

// cachedWalkGroups is walkGroups through the shared cache: a GroupList, as JSON, per page size.
func (c *Client) cachedWalkGroups(ctx context.Context, pageSize int) (*GroupList, error) {
	if c.readCache == nil {
		return c.walkGroups(ctx, pageSize)
	}
	key := "GET " + c.groupsURL + "?limit=" + strconv.Itoa(pageSize)
	for attempt := 0; ; attempt++ {
		var walked *GroupList
		data, info, err := c.cachedRead(ctx, key, func(ctx context.Context) ([]byte, error) {
			list, err := c.walkGroups(ctx, pageSize)
			if err != nil {
				return nil, err
			}
			walked = list
			return json.Marshal(list)
		})
		if err != nil {
			return nil, err
		}
		if walked != nil {
			return walked, nil
		}
		var list GroupList
		if err := json.Unmarshal(data, &list); err != nil || list.Pages < 1 {
			// Entries are authenticated, so this is an entry of another version of this client: read again.
			c.readCache.Forget(key)
			if attempt == 0 {
				continue
			}
			return c.walkGroups(ctx, pageSize)
		}
		fields := map[string]any{
			"page_size":   pageSize,
			"pages":       list.Pages,
			"groups":      len(list.Groups),
			"total":       list.Total,
			"from_cache":  info.fromCache,
			"cache_age_s": int64(info.age.Seconds()),
		}
		if info.fromCache {
			c.debug(ctx, "Kore.ai groups read from the cache, "+info.age.Round(1e9).String()+" old", fields)
		}
		return &list, nil
	}
}

package kore

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// An entry that does not decode as the list asked for, as one written by another version of the client, is
// forgotten and read again, and the fresh read replaces it: the next client is answered from the cache.
func TestACachedEntryOfAnotherShapeIsReadAgainAndReplaced(t *testing.T) {
	cfg := Config{Host: "https://kore.example", ClientID: "cs-app", ClientSecret: "secret", CacheDir: t.TempDir(),
		CacheTTL: time.Hour}
	newClient := func() *Client {
		c, err := New(cfg)
		if err != nil || !c.CacheEnabled() {
			t.Fatalf("New: %v (directory: %v)", err, c.StateDirError())
		}
		return c
	}
	ctx := context.Background()
	type otherVersion struct{ Total string }
	if _, err := cachedList(ctx, newClient(), "bots", func(context.Context) (*otherVersion, error) {
		return &otherVersion{Total: "two"}, nil
	}); err != nil {
		t.Fatalf("storing the other version's entry: %v", err)
	}

	list := &BotList{Total: 1, Pages: 1, Bots: []Bot{{ID: "b1", Name: "Bot"}}}
	reads := 0
	got, err := cachedList(ctx, newClient(), "bots", func(context.Context) (*BotList, error) {
		reads++
		return list, nil
	})
	if err != nil || !reflect.DeepEqual(got, list) || reads != 1 {
		t.Fatalf("over the other version's entry: %#v, %v after %d reads; want the list after 1 read", got, err, reads)
	}
	cached, err := cachedList(ctx, newClient(), "bots", func(context.Context) (*BotList, error) {
		t.Error("the read ran although the cache held the fresh read's answer")
		return list, nil
	})
	if err != nil || !reflect.DeepEqual(cached, list) {
		t.Errorf("from the cache: %#v, %v; want %#v", cached, err, list)
	}
}

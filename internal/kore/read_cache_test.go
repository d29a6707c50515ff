package kore

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// Every list type read through the cache comes back equal to what was stored: null and empty, nil and "" apart.
func TestCachedListsComeBackAsStored(t *testing.T) {
	cfg := Config{Host: "https://kore.example", ClientID: "cs-app", ClientSecret: "secret", CacheDir: t.TempDir(),
		CacheTTL: time.Hour}
	newClient := func(t *testing.T) *Client {
		t.Helper()
		c, err := New(cfg)
		if err != nil || !c.CacheEnabled() {
			t.Fatalf("New: %v (directory: %v)", err, c.StateDirError())
		}
		return c
	}
	checkCached(t, newClient, "groups", &GroupList{Total: 2, Pages: 1, Warnings: []string{"a warning"}, Groups: []Group{
		{ID: "g1", Name: "Audit", Description: ptr(""), ChildGroupIDs: []string{}, UserCount: ptr(int64(1)),
			Users: []User{{ID: "u1", Email: ptr("a@example.com"), JobTitle: ptr("")}}},
		{ID: "g2", Name: "Ops \u00e9\x1b[0m", ChildGroupIDs: []string{"g1"}},
	}})
	checkCached(t, newClient, "users", &UserRoleList{Total: 1, Pages: 1, Users: []UserRoles{{ID: "u1",
		Email: ptr("a@example.com"), IsDeveloper: ptr(false),
		BotRoles:   []BotRole{{RoleID: ptr("r1"), Groups: []string{}}, {BotName: ptr("b")}},
		AdminRoles: []AdminRole{{RoleName: ptr("Master Admin"), Groups: []string{"Audit"}}}}}})
	checkCached(t, newClient, "roles", &RoleList{Total: 2, Pages: 1, Roles: []Role{
		{Type: "admin", Name: "Master Admin", Permissions: map[string]PermissionValues{"x": {"YES"}, "y": nil}},
		{ID: ptr("r1"), Type: "bot", Name: "Tester", Description: ptr("")},
	}})
	checkCached(t, newClient, "bots", &BotList{Total: 1, Pages: 1, Bots: []Bot{{ID: "b1", Name: "Bot",
		IsDeflect: ptr(true), JWTApps: []JWTApp{{ClientID: ptr("cs-bot"), JTIClaimEnforced: ptr(false)}}}}})
}

// checkCached reads list under key with one client (a fresh read, stored), then with another that must get it from
// the cache, unchanged.
func checkCached[L any](t *testing.T, newClient func(*testing.T) *Client, key string, list *L) {
	t.Helper()
	ctx := context.Background()
	got, err := cachedList(ctx, newClient(t), key, func(context.Context) (*L, error) { return list, nil })
	if err != nil || !reflect.DeepEqual(got, list) {
		t.Errorf("%s: the fresh read = %#v, %v", key, got, err)
	}
	cached, err := cachedList(ctx, newClient(t), key, func(context.Context) (*L, error) {
		return nil, errors.New("the read ran although the cache held the answer")
	})
	if err != nil || !reflect.DeepEqual(cached, list) {
		t.Errorf("%s from the cache = %#v, %v; want %#v", key, cached, err, list)
	}
}

// A read cached by a client that allows inexact reads never answers a client that must fail closed, though both
// use the same credentials; an exact one is not answered by an inexact one either.
func TestInexactReadDoesNotAnswerAStrictClient(t *testing.T) {
	dir := t.TempDir()
	newClient := func(inexact bool) *Client {
		c, err := New(Config{Host: "https://kore.example", ClientID: "cs-app", ClientSecret: "secret",
			CacheDir: dir, CacheTTL: time.Hour, AllowInexactReads: inexact})
		if err != nil || !c.CacheEnabled() {
			t.Fatalf("New: %v (%v)", err, c.StateDirError())
		}
		return c
	}
	reads := 0
	read := func(context.Context) (*GroupList, error) {
		reads++
		return &GroupList{Total: 2, Pages: 1, Warnings: []string{"inexact"}, Groups: []Group{{ID: "g1"}}}, nil
	}
	k := readKey{key: "groups", name: "groups"}
	ctx := context.Background()
	if _, err := readThrough(ctx, newClient(true), k, read); err != nil {
		t.Fatal(err)
	}
	if _, err := readThrough(ctx, newClient(true), k, read); err != nil || reads != 1 {
		t.Fatalf("a second lenient client: %v, %d reads; want it answered from the cache", err, reads)
	}
	if _, err := readThrough(ctx, newClient(false), k, read); err != nil || reads != 2 {
		t.Errorf("a strict client: %v, %d reads; want a read of its own", err, reads)
	}
}

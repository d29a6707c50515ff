package kore_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

var memberLevels = []kore.Members{kore.MembersAll, kore.MembersEmails, kore.MembersNone}

func TestEachMembersLevelKeepsWhatItSays(t *testing.T) {
	groups := makeGroups(7, 3)
	groups[4].Users = nil // the API sent no member list: nil at every level
	for _, members := range memberLevels {
		t.Run(members.String(), func(t *testing.T) {
			api := newFakeAPI(t, groups, 5)
			client := newTestClient(t, testConfig(api.start(), nil))
			list, err := client.ListGroupsKeeping(context.Background(), 5, members)
			if err != nil {
				t.Fatalf("ListGroupsKeeping: %v", err)
			}
			if list.Members != members || !slices.Equal(groupIDs(list.Groups), groupIDs(groups)) {
				t.Fatalf("members %v, ids %v; want %v and every group", list.Members, groupIDs(list.Groups), members)
			}
			for i, g := range list.Groups {
				if !reflect.DeepEqual(g.UserCount, groups[i].UserCount) {
					t.Errorf("group %d: userCount %v, want %v at every level", i, deref(g.UserCount), deref(groups[i].UserCount))
				}
				var want []kore.User
				switch {
				case groups[i].Users == nil || members == kore.MembersNone:
				case members == kore.MembersAll:
					want = groups[i].Users
				case members == kore.MembersEmails:
					for _, u := range groups[i].Users {
						want = append(want, kore.User{ID: u.ID, Email: u.Email})
					}
				}
				if !reflect.DeepEqual(g.Users, want) {
					t.Errorf("group %d: users %+v, want %+v", i, g.Users, want)
				}
			}
			if len(list.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", list.Warnings)
			}
		})
	}

	t.Run("an unknown level is refused without a request", func(t *testing.T) {
		api := newFakeAPI(t, groups, 5)
		client := newTestClient(t, testConfig(api.start(), nil))
		if _, err := client.ListGroupsKeeping(context.Background(), 5, kore.Members(7)); err == nil {
			t.Error("Members(7) was accepted")
		}
		if api.calls.Load() != 0 {
			t.Errorf("requests = %d, want none", api.calls.Load())
		}
	})
}

// nullMemberPage is a page whose second group lists a null member: decoded as is, a phantom user with no id.
const nullMemberPage = `{"total":2,"availableMore":false,"groups":[` +
	`{"_id":"g-a","gN":"A","userCount":1,"users":[{"_id":"u-1","emailId":"one@example.com"}]},` +
	`{"_id":"g-b","gN":"B","userCount":2,"users":[{"_id":"u-2","emailId":"two@example.com"},null]}]}`

func serveRaw(t *testing.T, body func(call int64) string) *fakeAPI {
	api := newFakeAPI(t, nil, 0)
	api.respond = func(w http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body(call)))
		return true
	}
	return api
}

func TestANullMemberIsReadAgainThenFailsNamingThePage(t *testing.T) {
	for _, members := range memberLevels {
		t.Run(members.String(), func(t *testing.T) {
			api := serveRaw(t, func(int64) string { return nullMemberPage })
			client := newTestClient(t, testConfig(api.start(), nil))
			list, err := client.ListGroupsKeeping(context.Background(), 50, members)
			var paginationErr *kore.PaginationError
			if !errors.As(err, &paginationErr) {
				t.Fatalf("result, error = %+v, %v; want a *PaginationError", list, err)
			}
			for _, part := range []string{`groups page 0`, `group "g-b": element 1 of 2 of its "users" is null`,
				"a second read from the start did not add up either"} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not say %q", err, part)
				}
			}
			if api.calls.Load() != 2 {
				t.Errorf("requests = %d, want 2: the read and one more from the start", api.calls.Load())
			}
		})
	}

	t.Run("a null member that goes away on the second read is not kept", func(t *testing.T) {
		api := serveRaw(t, func(call int64) string {
			if call == 1 {
				return nullMemberPage
			}
			return strings.Replace(nullMemberPage, `,null]`, `]`, 1)
		})
		client := newTestClient(t, testConfig(api.start(), nil))
		list, err := client.ListGroups(context.Background(), 50)
		if err != nil {
			t.Fatalf("ListGroups: %v", err)
		}
		if got := len(list.Groups[1].Users); got != 1 || list.Groups[1].Users[0].ID != "u-2" {
			t.Errorf("users of B = %+v, want u-2 alone", list.Groups[1].Users)
		}
	})

	for _, members := range []kore.Members{kore.MembersAll, kore.MembersEmails} {
		t.Run("with inexact reads allowed the null is a warning and left out/"+members.String(), func(t *testing.T) {
			api := serveRaw(t, func(int64) string { return nullMemberPage })
			cfg := testConfig(api.start(), nil)
			cfg.AllowInexactReads = true
			list, err := newTestClient(t, cfg).ListGroupsKeeping(context.Background(), 50, members)
			if err != nil {
				t.Fatalf("ListGroupsKeeping: %v", err)
			}
			b := list.Groups[1]
			if len(b.Users) != 1 || b.Users[0].ID != "u-2" {
				t.Errorf("users of B = %+v, want u-2 alone: no phantom user", b.Users)
			}
			if !containsWarning(list.Warnings, `element 1 of 2 of its "users" is null`) ||
				!containsWarning(list.Warnings, `"B", id "g-b": userCount 2, 1 users listed`) {
				t.Errorf("warnings = %q, want the null member and the member count", list.Warnings)
			}
		})
	}
}

func TestAMemberThatIsNotAnObjectIsAnErrorAtEveryLevel(t *testing.T) {
	for _, members := range memberLevels {
		t.Run(members.String(), func(t *testing.T) {
			api := serveRaw(t, func(int64) string {
				return `{"total":1,"groups":[{"_id":"g","users":["u-1"]}]}`
			})
			_, err := newTestClient(t, testConfig(api.start(), nil)).ListGroupsKeeping(context.Background(), 50, members)
			var decodeErr *kore.DecodeError
			if !errors.As(err, &decodeErr) || !strings.Contains(err.Error(), `element 0 of "groups"`) {
				t.Errorf("error = %v, want a *DecodeError naming the group", err)
			}
		})
	}
}

func TestAReadKeepingMoreMembersAnswersACallAskingForFewer(t *testing.T) {
	groups := makeGroups(20, 2)
	api := newFakeAPI(t, groups, 5)
	client := newTestClient(t, testConfig(api.start(), nil))

	if _, err := client.ListGroupsKeeping(context.Background(), 5, kore.MembersNone); err != nil {
		t.Fatal(err)
	}
	if api.calls.Load() != 4 {
		t.Fatalf("requests = %d, want the 4 pages", api.calls.Load())
	}
	// A read without members cannot answer a call that wants them.
	list, err := client.ListGroupsKeeping(context.Background(), 5, kore.MembersEmails)
	if err != nil || list.Members != kore.MembersEmails || api.calls.Load() != 8 {
		t.Fatalf("emails after none: members %v, error %v, requests %d; want a read of its own", list.Members, err,
			api.calls.Load())
	}
	list, err = client.ListGroups(context.Background(), 5)
	if err != nil || list.Members != kore.MembersAll || api.calls.Load() != 12 {
		t.Fatalf("all after emails: error %v, requests %d; want a read of its own", err, api.calls.Load())
	}
	// From now on the read with every member answers every level.
	for _, members := range memberLevels {
		list, err := client.ListGroupsKeeping(context.Background(), 5, members)
		if err != nil || list.Members != kore.MembersAll || !reflect.DeepEqual(list.Groups[3].Users, groups[3].Users) {
			t.Errorf("%v: error %v, members %v; want the memo of the read with every member", members, err, list.Members)
		}
	}
	if api.calls.Load() != 12 {
		t.Errorf("requests = %d, want no more", api.calls.Load())
	}
}

func TestACallAskingForFewerMembersJoinsAReadKeepingMore(t *testing.T) {
	api := newFakeAPI(t, makeGroups(20, 2), 5)
	release := make(chan struct{})
	api.respond = func(http.ResponseWriter, *http.Request, int64, int) bool {
		<-release
		return false
	}
	joined := make(chan struct{}, 2)
	client := newTestClient(t, kore.WithFlightJoinedHook(testConfig(api.start(), nil), func() { joined <- struct{}{} }))

	results := make(chan *kore.GroupList, 2)
	for _, members := range []kore.Members{kore.MembersAll, kore.MembersNone} {
		go func() {
			list, err := client.ListGroupsKeeping(context.Background(), 5, members)
			if err != nil {
				t.Errorf("%v: %v", members, err)
			}
			results <- list
		}()
		<-joined // one at a time, the read with every member first
	}
	close(release)
	for range 2 {
		if list := <-results; list == nil || list.Members != kore.MembersAll {
			t.Errorf("a caller got %+v, want the read with every member", list)
		}
	}
	if api.calls.Load() != 4 {
		t.Errorf("requests = %d, want 4: one read for both", api.calls.Load())
	}
}

func TestACallAskingForMoreMembersReplacesAReadKeepingFewer(t *testing.T) {
	api := newFakeAPI(t, makeGroups(20, 2), 5)
	firstRequest := make(chan struct{})
	api.respond = func(_ http.ResponseWriter, r *http.Request, call int64, _ int) bool {
		if call == 1 { // the read without members: its first page hangs until it is cancelled
			close(firstRequest)
			<-r.Context().Done()
			return true
		}
		return false
	}
	client := newTestClient(t, testConfig(api.start(), nil))

	type result struct {
		list *kore.GroupList
		err  error
	}
	poorer := make(chan result, 1)
	go func() {
		list, err := client.ListGroupsKeeping(context.Background(), 5, kore.MembersNone)
		poorer <- result{list, err}
	}()
	<-firstRequest
	richer, err := client.ListGroups(context.Background(), 5)
	if err != nil {
		t.Fatalf("the call with every member: %v", err)
	}
	got := <-poorer
	if got.err != nil || got.list.Members != kore.MembersAll || len(got.list.Groups) != 20 {
		t.Fatalf("the call without members: %+v, %v; want the read with every member", got.list, got.err)
	}
	if richer.Members != kore.MembersAll || len(richer.Groups[0].Users) != 2 {
		t.Errorf("the call with every member got %+v", richer)
	}
	if api.calls.Load() != 5 {
		t.Errorf("requests = %d, want 5: the cancelled first page, then one read of 4 pages", api.calls.Load())
	}
}

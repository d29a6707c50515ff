package kore_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A body that is not a page is never quoted, whatever it starts with: a listing behind a byte-order mark, a form
// feed or an anti-hijacking prefix is still a listing, with bots' app secrets. Its size and content type are given.
func TestABodyThatIsNotAPageIsNeverQuoted(t *testing.T) {
	const secret = "app-secret-0123456789"
	listing := `{"total":1,"availableMore":false,"groups":[{"_id":"g","gN":"` + secret + `"}]}`
	tests := []struct {
		name, body, contentType, err string
	}{
		{name: "empty", body: "",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with an empty body that is not a groups page (the JSON ends early, at byte 0)`},
		{name: "blank", body: " \r\n\t", contentType: "application/json",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body of 4 bytes of content type "application/json" that is not a groups page (the JSON ends early, at byte 0)`},
		{name: "a broken object", body: "\n {\"total\": 1, \"groups\": [{\"gN\": \"A\"",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body of {size} bytes with no content type that is not a groups page (the JSON ends early in element 0 of "groups", at byte 26)`},
		{name: "an array", body: `[{"_id":"g"}]`,
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body of 13 bytes with no content type that is not a groups page (cannot unmarshal a JSON array into a page object)`},
		{name: "plain text", body: `Service Unavailable`, contentType: "text/plain",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body of 19 bytes of content type "text/plain" that is not a groups page (invalid JSON at byte 1)`},
		{name: "a listing behind a byte-order mark", body: "\uFEFF" + listing, contentType: "application/json",
			err: `with a body of {size} bytes of content type "application/json" that is not a groups page (invalid JSON at byte 1)`},
		{name: "a listing behind a form feed", body: "\f" + listing,
			err: `with a body of {size} bytes with no content type that is not a groups page (invalid JSON at byte 1)`},
		{name: "a listing behind an anti-hijacking prefix", body: ")]}',\n" + listing,
			err: `with a body of {size} bytes with no content type that is not a groups page (invalid JSON at byte 1)`},
		{name: "a listing inside HTML", body: "<pre>" + listing + "</pre>", contentType: "text/html",
			err: `with a body of {size} bytes of content type "text/html" that is not a groups page (invalid JSON at byte 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 5)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				w.Header()["Content-Type"] = nil // no type unless the case sets one
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				_, _ = w.Write([]byte(tt.body))
				return true
			}
			_, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), 5)
			var decodeErr *kore.DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("error = %v, want a *DecodeError", err)
			}
			if decodeErr.BodyBytes != len(tt.body) || decodeErr.MaybeEncrypted {
				t.Errorf("body bytes %d, maybe encrypted %t; want %d, false", decodeErr.BodyBytes,
					decodeErr.MaybeEncrypted, len(tt.body))
			}
			if want := strings.ReplaceAll(tt.err, "{size}", strconv.Itoa(len(tt.body))); !strings.HasSuffix(err.Error(), want) {
				t.Errorf("error = %q\nwant it to end with %q", err, want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error quotes the body: %s", err)
			}
		})
	}
}

// A 200 of Get User Roles Details that is not the listing's envelope (a string, an object without the items) is
// what an app enforcing payload encryption receives: the error says so, and it never reads as an empty listing.
// Get Groups, which Kore.ai does not encrypt, says nothing of it; nor does a listing whose item is malformed.
func TestAnAnswerThatIsNotTheEnvelopeNamesPayloadEncryptionWhereKoreEncrypts(t *testing.T) {
	tests := []struct {
		name, body string
		users      bool
		encrypted  bool
	}{
		{name: "a string from Get User Roles Details", body: `"eyJhbGciOiJSU0EtT0FFUCJ9.ciphertext"`, users: true, encrypted: true},
		{name: "an object without the users", body: `{"total":0,"data":"ciphertext"}`, users: true, encrypted: true},
		{name: "an object without the total", body: `{"users":[]}`, users: true, encrypted: true},
		{name: "null", body: `null`, users: true, encrypted: true},
		{name: "a malformed user", body: `{"total":1,"users":[{"userId":1}]}`, users: true},
		{name: "a string from Get Groups", body: `"ciphertext"`},
		{name: "an object without the groups", body: `{"total":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := serveBody(t, tt.body)
			var err error
			if tt.users {
				_, err = client.ListUserRoles(context.Background(), 50)
			} else {
				_, err = client.ListGroups(context.Background(), 50)
			}
			var decodeErr *kore.DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("error = %v, want a *DecodeError", err)
			}
			if decodeErr.MaybeEncrypted != tt.encrypted {
				t.Errorf("maybe encrypted = %t, want %t (%v)", decodeErr.MaybeEncrypted, tt.encrypted, err)
			}
			if strings.Contains(err.Error(), "payload encryption") != tt.encrypted {
				t.Errorf("error %q names payload encryption: %t, want %t", err, !tt.encrypted, tt.encrypted)
			}
		})
	}
}

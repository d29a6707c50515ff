package kore_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A body that is not a page is shown in the error only when it does not start like JSON: a JSON body, however
// broken, may hold the account's data. An empty or blank body is said to be empty.
func TestABodyThatIsNotAPageIsShownOnlyWhenItIsNotJSON(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		withheld bool
		shown    string
		err      string
	}{
		{name: "empty", body: "",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body that is not a groups page (the JSON ends early, at byte 0): the body is empty`},
		{name: "blank", body: " \r\n\t",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body that is not a groups page (the JSON ends early, at byte 0): the body is empty`},
		{name: "a broken object", body: "\n {\"total\": 1, \"groups\": [{\"gN\": \"A\"", withheld: true,
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body that is not a groups page (the JSON ends early in element 0 of "groups", at byte 26)`},
		{name: "an array", body: `[{"_id":"g"}]`, withheld: true,
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body that is not a groups page (cannot unmarshal a JSON array into a page object)`},
		{name: "a string", body: `"secret"`, withheld: true,
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body that is not a groups page (cannot unmarshal a JSON string into a page object)`},
		{name: "a number", body: `42`, shown: "42",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body that is not a groups page (cannot unmarshal a JSON number into a page object): "42"`},
		{name: "plain text", body: `Service Unavailable`, shown: "Service Unavailable",
			err: `Kore.ai API answered HTTP 200 for groups page 0 with a body that is not a groups page (invalid JSON at byte 1): "Service Unavailable"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, 5)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				_, _ = w.Write([]byte(tt.body))
				return true
			}
			_, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), 5)
			var decodeErr *kore.DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("error = %v, want a *DecodeError", err)
			}
			if decodeErr.BodyWithheld != tt.withheld || decodeErr.Body != tt.shown {
				t.Errorf("withheld %t, body %q; want %t, %q", decodeErr.BodyWithheld, decodeErr.Body, tt.withheld, tt.shown)
			}
			if err.Error() != tt.err {
				t.Errorf("error = %q\nwant    %q", err, tt.err)
			}
		})
	}
}

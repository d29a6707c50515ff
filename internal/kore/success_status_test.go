package kore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Every 2xx answer is a page, 299 included; a 300 carrying a page is an APIError.
func TestEvery2xxAnswerIsAPage(t *testing.T) {
	for _, tt := range []struct {
		status int
		page   bool
	}{
		{status: 200, page: true},
		{status: 299, page: true},
		{status: 300},
	} {
		t.Run(fmt.Sprintf("HTTP %d", tt.status), func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(2, 0), 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
				writeJSON(w, tt.status, api.page(offset, 50))
				return true
			}
			cfg := testConfig(api.start(), &waitRecorder{})
			cfg.MaxRetries = 0
			list, err := newTestClient(t, cfg).ListGroups(context.Background(), 50)
			if tt.page {
				if err != nil || len(list.Groups) != 2 {
					t.Errorf("ListGroups = %v, %v; want the 2 groups of the page", list, err)
				}
				return
			}
			var apiErr *kore.APIError
			if !errors.As(err, &apiErr) {
				t.Errorf("error = %v, want an APIError", err)
			}
		})
	}
}

package kore_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// A first total that fills exactly the largest number of pages a walk may take is read, not refused: here the
// data shrank to two groups by page 1, which ends the read.
func TestATotalOfExactlyTheMostPagesIsRead(t *testing.T) {
	api := newFakeAPI(t, nil, 1)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
		w.Header().Set("Content-Type", "application/json")
		switch offset {
		case 0:
			fmt.Fprint(w, `{"total":200000,"availableMore":true,"groups":[{"_id":"g-0","gN":"A"}]}`)
		case 1:
			fmt.Fprint(w, `{"total":2,"availableMore":false,"groups":[{"_id":"g-1","gN":"B"}]}`)
		default:
			fmt.Fprint(w, `{"total":2,"availableMore":false,"groups":[]}`)
		}
		return true
	}
	list, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), 1)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if ids := groupIDs(list.Groups); !slices.Equal(ids, []string{"g-0", "g-1"}) || list.Total != 2 {
		t.Errorf("groups %v, total %d; want g-0 and g-1 of 2", ids, list.Total)
	}
}

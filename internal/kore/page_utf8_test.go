package kore_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// The byte an invalid UTF-8 error names is the first one that starts no valid sequence, whatever valid multi-byte
// text comes before it, U+FFFD itself included.
func TestInvalidUTF8IsFoundAtItsByte(t *testing.T) {
	tests := []struct {
		name string
		bot  string // the JSON of one bot, holding one invalid sequence
		bad  string // that sequence, as found in the body
	}{
		{name: "a Latin-1 byte", bot: `{"_id":"b","name":"Caf` + "\xe9" + `"}`, bad: "\xe9"},
		{name: "after a U+FFFD the server sent", bot: `{"_id":"b","name":"` + "\uFFFD ok \xff" + `"}`, bad: "\xff"},
		{name: "after other multi-byte text", bot: `{"_id":"b","name":"日本 ünïcode ` + "\xc3" + `"}`, bad: "\xc3\""},
		{name: "a sequence cut short", bot: `{"_id":"b","name":"` + "\xe6\x97" + `x"}`, bad: "\xe6\x97"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"total":1,"bots":[` + tt.bot + `]}`
			_, err := kore.DecodeBotsPage([]byte(body))
			want := "invalid UTF-8 at byte " + strconv.Itoa(strings.Index(body, tt.bad))
			if err == nil || err.Error() != want {
				t.Errorf("error = %v, want %q", err, want)
			}
		})
	}
}

package kore

import (
	"encoding/base64"
	"strings"
	"testing"
)

// The appId of a ready-made token is read from payloads of up to 8 KiB of base64; a longer one is not decoded at
// all, so that a huge token costs nothing to name.
func TestClaimedAppIDReadsPayloadsUpTo8KiB(t *testing.T) {
	// token returns a JWT whose payload segment is exactly size characters of base64 and claims appId "cs-app-1".
	token := func(size int) string {
		prefix := `{"appId":"cs-app-1","pad":"`
		rawSize := size * 3 / 4 // size is a multiple of 4: no padding
		json := prefix + strings.Repeat("x", rawSize-len(prefix)-2) + `"}`
		payload := base64.RawURLEncoding.EncodeToString([]byte(json))
		if len(payload) != size {
			t.Fatalf("payload of %d characters, want %d", len(payload), size)
		}
		return "eyJhbGciOiJIUzI1NiJ9." + payload + ".c2ln"
	}
	tests := []struct {
		name string
		size int
		want string
	}{
		{name: "a payload of exactly 8 KiB is read", size: 8 << 10, want: "cs-app-1"},
		{name: "a payload just past 8 KiB is not", size: 8<<10 + 4, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := claimedAppID(token(tt.size)); got != tt.want {
				t.Errorf("claimedAppID = %q, want %q", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"a.b", "a.b.c.d", "eyJ.%%%.c2ln", "eyJ." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c2ln"} {
		if got := claimedAppID(bad); got != "" {
			t.Errorf("claimedAppID(%q) = %q, want none", bad, got)
		}
	}
}

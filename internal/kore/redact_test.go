package kore_test

import (
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestRedactorMasksTokensThenSecretsAndEscapesControls(t *testing.T) {
	const token = "eyJhbGciOiJIUzI1NiJ9.eyJhcHBJZCI6ImNzLWUifQ.ZXhhbXBsZS1zaWduYXR1cmUtZWVl"
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{name: "a token is masked whole even when a one-letter secret occurs inside it", secrets: []string{"e"},
			in: "Invalid JWT token " + token, want: "Invalid JWT token [redacted]"},
		{name: "a one-letter secret is masked where it stands alone, not inside words", secrets: []string{"e"},
			in: "client_secret=e; see the secret", want: "client_secret=[redacted]; see the secret"},
		{name: "a secret of eight characters or more is masked even inside a word", secrets: []string{"s3cr3tvalue"},
			in: "auth=Bearers3cr3tvalueX", want: "auth=Bearer[redacted]X"},
		{name: "a ready-made token that is not shaped like a JWT is masked as a secret",
			secrets: []string{"not-shaped-like-a-jwt-0123456789"},
			in:      `malformed MIME header line: auth not-shaped-like-a-jwt-0123456789`,
			want:    `malformed MIME header line: auth [redacted]`},
		{name: "a secret inside another is not left half masked", secrets: []string{"abc", "abcdefghij"},
			in: "abcdefghij abc", want: "[redacted] [redacted]"},
		{name: "surrounding blanks of a configured secret do not matter", secrets: []string{" padded-secret-value\n"},
			in: "x padded-secret-value y", want: "x [redacted] y"},
		{name: "escape sequences, bell and NUL are shown escaped, line breaks and tabs kept",
			in:   "g\x1b[2K\r\x1b[32mApply complete!\x1b]0;title\x07\x00\n\tnext\u200b",
			want: `g\x1b[2K\r\x1b[32mApply complete!\x1b]0;title\a\x00` + "\n\tnext" + `\u200b`},
		{name: "bytes that are not UTF-8 are shown escaped", in: "caf\xc3\xa9 \xff", want: `café \xff`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kore.NewRedactor(tt.secrets...).Redact(tt.in)
			if got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "eyJ") {
				t.Errorf("Redact(%q) = %q: a piece of a token is left", tt.in, got)
			}
		})
	}
}

// Errors and log lines are masked with the same text the provider uses: one mask, one redactor.
func TestTheMaskIsTheOneOfCleanedServerText(t *testing.T) {
	if got := kore.CleanServerText([]byte("token eyJabc.def"), 200); got != "token "+kore.Redacted {
		t.Errorf("cleaned text = %q, want the mask %q", got, kore.Redacted)
	}
}

// A limit leaves at most that many characters; none at all for a limit of 0 or less, which must not panic.
func TestCleanedServerTextKeepsItsLimitDownToNothing(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{in: "answer", limit: 0, want: ""},
		{in: "answer", limit: -5, want: ""},
		{in: "", limit: 0, want: ""},
		{in: "a", limit: 1, want: "a"},
		{in: "ab", limit: 1, want: "…"},
		{in: "ab", limit: 2, want: "ab"},
	}
	for _, tt := range tests {
		if got := kore.CleanServerText([]byte(tt.in), tt.limit); got != tt.want {
			t.Errorf("cleaning %q to %d characters = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

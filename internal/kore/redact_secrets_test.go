package kore

import "testing"

// These tests are in the package, so that they run before any test of the client: a Redactor that lost its
// secrets or its order fails here first, with a clear message.

// Secrets of minSecretInWord characters or more are masked wherever they appear; shorter ones only where no letter
// or digit touches them, at the start and the end of the text too.
func TestSecretsAreMaskedInWordsFromEightCharacters(t *testing.T) {
	tests := []struct {
		name, secret, text, want string
	}{
		// First: a search that does not move past an occurrence touching a word fails here rather than loop.
		{name: "a short secret starting a word at the start", secret: "abc", text: "abcdef abc", want: "abcdef [redacted]"},
		{name: "an 8-character secret inside a word", secret: "abcdefgh", text: "xxabcdefghyy", want: "xx[redacted]yy"},
		{name: "a 7-character secret inside a word", secret: "abcdefg", text: "xxabcdefgyy", want: "xxabcdefgyy"},
		{name: "a 7-character secret alone", secret: "abcdefg", text: "key abcdefg.", want: "key [redacted]."},
		{name: "a short secret alone at the start", secret: "abc", text: "abc def", want: "[redacted] def"},
		{name: "a short secret alone at the end", secret: "abc", text: "def abc", want: "def [redacted]"},
		{name: "a short secret ending a word at the end", secret: "abc", text: "zabc", want: "zabc"},
		{name: "a short secret that is the whole text", secret: "abc", text: "abc", want: "[redacted]"},
		{name: "a short secret inside a word and then alone", secret: "e", text: "secret: e", want: "secret: [redacted]"},
		{name: "a secret given with spaces around it", secret: "  abcdefgh\n", text: "abcdefgh", want: "[redacted]"},
		{name: "a text without the secret", secret: "abc", text: "nothing here", want: "nothing here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewRedactor(tt.secret).Redact(tt.text); got != tt.want {
				t.Errorf("Redact(%q) with secret %q = %q, want %q", tt.text, tt.secret, got, tt.want)
			}
		})
	}
}

// A secret that contains another is masked whole, whichever order they were given in.
func TestTheLongestSecretIsMaskedFirst(t *testing.T) {
	for _, secrets := range [][]string{
		{"secretsecret", "secretsecret-extended", "sec"},
		{"sec", "secretsecret-extended", "secretsecret"},
		{"secretsecret-extended", "sec", "secretsecret"},
	} {
		if got := NewRedactor(secrets...).Redact("token secretsecret-extended, sec"); got != "token [redacted], [redacted]" {
			t.Errorf("secrets %q: Redact = %q, want every secret masked whole", secrets, got)
		}
	}
}

// Empty secrets (a JWT or a client secret that is not set) mask nothing.
func TestEmptySecretsAreIgnored(t *testing.T) {
	if got := NewRedactor("", "  ", "\t").Redact("any text at all"); got != "any text at all" {
		t.Errorf("Redact = %q, want the text unchanged", got)
	}
}

// Bytes that are not UTF-8 are written as \x escapes; a real U+FFFD is kept; control and format characters are
// escaped; line breaks, tabs and spaces are kept.
func TestRedactEscapesWhatATerminalWouldObey(t *testing.T) {
	tests := []struct{ text, want string }{
		{text: "a\xffb", want: `a\xffb`},
		{text: "a\x01b", want: `a\x01b`},
		{text: "\xc3", want: `\xc3`},
		{text: "a\uFFFDb", want: "a\uFFFDb"},
		{text: "é\u200bx", want: `é\u200bx`},
		{text: "a\x1b[2Jb", want: `a\x1b[2Jb`},
		{text: "line\n\tnext one", want: "line\n\tnext one"},
	}
	for _, tt := range tests {
		if got := (*Redactor)(nil).Redact(tt.text); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

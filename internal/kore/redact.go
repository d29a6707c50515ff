package kore

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces every secret and token in text that leaves the client or the provider: errors, diagnostics and
// log lines all use this one mask.
const Redacted = "[redacted]"

// jwtLike matches anything that looks like a JWT, or the start of one: its header always encodes to "eyJ".
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*)*`)

// minSecretInWord is the length from which a configured secret is redacted wherever it appears. A shorter secret
// (a client secret of one letter is accepted by Kore.ai) is redacted only where it stands alone: replacing every
// "e" of a text would garble each line and, by the pattern of the masks, show the secret anyway.
const minSecretInWord = 8

// Redactor removes the configured secrets and anything shaped like a token from text before it is shown. The
// client redacts every error it returns with it, and the provider its diagnostics and log lines, so that a server
// or a library that echoes the request (and with it the auth header) cannot put a secret on a terminal.
type Redactor struct {
	secrets []string // longest first, so that a secret that contains another is masked whole
}

// NewRedactor returns a Redactor for the given secrets; empty ones are ignored.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if s = strings.TrimSpace(s); s != "" {
			r.secrets = append(r.secrets, s)
		}
	}
	// Longest first: a short secret inside a longer one must not leave the rest of the longer one behind.
	slices.SortStableFunc(r.secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return r
}

// Redact masks tokens, then the configured secrets, and escapes control characters (ESC, BEL, NUL, CR …) so that
// text from a server cannot move the cursor or rewrite what a terminal shows. Line breaks and tabs are kept. Token
// patterns run first: a short secret replaced inside a token would leave the rest of the token in the open.
func (r *Redactor) Redact(text string) string {
	return escapeControls(r.maskSecrets(text))
}

func (r *Redactor) maskSecrets(text string) string {
	text = jwtLike.ReplaceAllLiteralString(text, Redacted)
	if r == nil {
		return text
	}
	for _, secret := range r.secrets {
		if len(secret) >= minSecretInWord {
			text = strings.ReplaceAll(text, secret, Redacted)
		} else {
			text = replaceStandalone(text, secret)
		}
	}
	return text
}

// replaceStandalone masks the occurrences of secret that no letter or digit touches.
func replaceStandalone(text, secret string) string {
	var b strings.Builder
	written := 0 // text[:written] is in b
	for from := 0; ; {
		i := strings.Index(text[from:], secret)
		if i < 0 {
			break
		}
		start, end := from+i, from+i+len(secret)
		// At either end of text the rune decoded is utf8.RuneError, which is no letter or digit.
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if isWordRune(before) || isWordRune(after) {
			from = start + 1
			continue
		}
		b.WriteString(text[written:start])
		b.WriteString(Redacted)
		written, from = end, end
	}
	if written == 0 {
		return text
	}
	b.WriteString(text[written:])
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// escapeControls writes control and format characters, and bytes that are not UTF-8, as Go escapes (\x1b, \x00,
// \u200b), keeping line breaks and tabs.
func escapeControls(text string) string {
	if !strings.ContainsFunc(text, needsEscape) && utf8.ValidString(text) {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		ch, size := utf8.DecodeRuneInString(text[i:])
		if ch == utf8.RuneError && size <= 1 { // a byte that is not UTF-8
			b.WriteString(`\x` + strconv.FormatUint(uint64(text[i])|0x100, 16)[1:])
		} else if needsEscape(ch) {
			quoted := strconv.QuoteRuneToASCII(ch) // '\x1b', '\u200b'
			b.WriteString(quoted[1 : len(quoted)-1])
		} else {
			b.WriteRune(ch)
		}
		i += size
	}
	return b.String()
}

func needsEscape(ch rune) bool {
	if ch == '\n' || ch == '\t' || ch == ' ' {
		return false
	}
	return !unicode.IsPrint(ch) || unicode.Is(unicode.Cf, ch)
}

// clean turns server bytes into a short printable text for an error: valid UTF-8, tokens and secrets redacted,
// control characters dropped, whitespace collapsed, at most limit characters (a limit of 0 or less leaves none).
func (r *Redactor) clean(data []byte, limit int) string {
	if limit <= 0 {
		return ""
	}
	data = data[:min(len(data), maxCleanedBytes)]
	text := r.maskSecrets(strings.ToValidUTF8(string(data), ""))

	// Collect one character beyond the limit, to know whether the text was cut. Error paths only: no size hint.
	var out []rune
	pendingSpace := false
	for _, ch := range text {
		if len(out) > limit {
			break
		}
		switch {
		case unicode.IsSpace(ch):
			pendingSpace = len(out) > 0
			continue
		case !unicode.IsPrint(ch): // control and format characters
			continue
		}
		if pendingSpace {
			out = append(out, ' ')
			pendingSpace = false
		}
		out = append(out, ch)
	}
	if len(out) > limit {
		out = append([]rune(strings.TrimRight(string(out[:limit-1]), " ")), '…')
	}
	return string(out)
}

// redactedError carries an error whose text has been redacted, keeping the original for errors.Is and errors.As.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with its text redacted, or err itself when there was nothing to redact.
func (r *Redactor) redactError(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if redacted := r.Redact(text); redacted != text {
		return &redactedError{text: redacted, err: err}
	}
	return err
}

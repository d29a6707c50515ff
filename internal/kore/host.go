package kore

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// hostExamples ends every host error so that the fix is one copy-paste away.
const hostExamples = `for example "platform.kore.ai", "https://de-platform.kore.ai" or "https://kore.example.com:8443"`

// schemePrefix recognises an explicit scheme; anything else is a bare host and gets https.
var schemePrefix = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// ParseHost turns the host as a user wrote it into the base URL of the Kore.ai API.
//
// A bare host ("platform.kore.ai") means https. Only http and https are accepted. A port and a path prefix are kept
// (requests then go to <prefix>/api/public/...); surrounding spaces and trailing slashes are dropped. User
// information, a query or a fragment is refused, and an error never repeats user information back.
func ParseHost(raw string) (*url.URL, error) {
	trimmed := strings.TrimSpace(raw)
	if trimmed == "" {
		return nil, errors.New("host is empty: set it to the address of the Kore.ai platform, " + hostExamples)
	}
	shown := describeHost(trimmed)

	withScheme := trimmed
	if !schemePrefix.MatchString(trimmed) {
		withScheme = "https://" + trimmed
	}
	u, err := url.Parse(withScheme)
	if err != nil {
		return nil, fmt.Errorf("host %s is not a valid address%s; %s", shown, parseDetail(trimmed, err), hostExamples)
	}
	if u.User != nil {
		return nil, errors.New("host must not contain a user name or password (credentials belong in the client ID " +
			"and secret, or the JWT); give only the address, " + hostExamples)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("host %s uses the scheme %q: only https and http are supported, %s", shown, u.Scheme, hostExamples)
	}
	if u.RawQuery != "" || u.ForceQuery || strings.Contains(trimmed, "#") {
		return nil, fmt.Errorf("host %s must not contain a query (?...) or a fragment (#...): give the address and "+
			"at most a path prefix, for example \"https://kore.example.com/kore\"", shown)
	}

	host := strings.TrimSuffix(u.Host, ":") // "example.com:" is the same host with the default port
	if host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("host %s has no host name; %s", shown, hostExamples)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("host %s has the port %q, which is not a number from 1 to 65535; %s", shown, port, hostExamples)
		}
	}

	// Rebuild from the parts and parse once more so that the result is canonical: parsing its String() again
	// gives the same URL.
	origin := url.URL{Scheme: u.Scheme, Host: host}
	canonical, err := url.Parse(origin.String() + strings.TrimRight(u.EscapedPath(), "/"))
	if err != nil {
		return nil, fmt.Errorf("host %s is not a valid address%s; %s", shown, parseDetail(trimmed, err), hostExamples)
	}
	return canonical, nil
}

// describeHost quotes the host for an error message, unless it may hold user information.
func describeHost(s string) string {
	if strings.Contains(s, "@") {
		return "(not shown: it contains \"@\")"
	}
	return strconv.Quote(s)
}

// parseDetail gives url.Parse's reason without the URL it quotes, and nothing for input that may hold user
// information.
func parseDetail(s string, err error) string {
	if strings.Contains(s, "@") {
		return ""
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return " (" + err.Error() + ")"
}

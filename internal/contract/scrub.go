package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Patterns of what a recording must not hold as sent.
var (
	// jwtLike is internal/kore's pattern of a token: any string from "eyJ" (a base64url JSON object) on.
	jwtLike   = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*)*`)
	emailLike = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	// secretKey names fields whose values are credentials, such as a bot app's clientSecret: dropped whole.
	secretKey = regexp.MustCompile(`(?i)secret|password|token`)
	// authHeaderLine finds an auth header in a written cassette, whatever its case or quoting.
	authHeaderLine = regexp.MustCompile(`(?im)^\s*-?\s*"?(auth|authorization)"?\s*:`)
)

// Headers never written: credentials on the way out, cookies on the way back.
var droppedHeaders = []string{"Auth", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"Content-Length"}

// Fields whose string values are people's names, and fields that hold an email (the login name included).
var (
	userNameFields = []string{"firstName", "lastName", "fullName", "displayName"}
	emailFields    = []string{"emailId", "username", "email"}
)

// Replacements of what is removed outright.
const (
	removedToken  = "[token removed]"
	removedSecret = "[secret removed]"
)

// scrubber replaces what a recording must not hold. Pseudonyms are numbered in the order values are first met, so
// one value always gets the same pseudonym within a recording, and a recording made twice of the same data in the
// same order is the same.
type scrubber struct {
	secrets                       []string // the client secret and the ready-made token, if any
	emails, userNames, groupNames map[string]string
	groupDescriptions             map[string]string
}

func newScrubber(secrets ...string) *scrubber {
	s := &scrubber{emails: map[string]string{}, userNames: map[string]string{}, groupNames: map[string]string{},
		groupDescriptions: map[string]string{}}
	for _, secret := range secrets {
		if secret != "" {
			s.secrets = append(s.secrets, secret)
		}
	}
	return s
}

// pseudonym returns the pseudonym of value in names, making a new one from format and the next number.
func pseudonym(names map[string]string, value, format string) string {
	if value == "" {
		return ""
	}
	if p, ok := names[value]; ok {
		return p
	}
	p := fmt.Sprintf(format, len(names)+1)
	names[value] = p
	return p
}

func (s *scrubber) email(value string) string {
	return pseudonym(s.emails, strings.ToLower(value), "user-%d@example.invalid")
}
func (s *scrubber) userName(value string) string  { return pseudonym(s.userNames, value, "Name-%d") }
func (s *scrubber) groupName(value string) string { return pseudonym(s.groupNames, value, "Group-%d") }

// text scrubs free text: the configured secrets, anything shaped like a token, and emails.
func (s *scrubber) text(value string) string {
	for _, secret := range s.secrets {
		value = strings.ReplaceAll(value, secret, removedSecret)
	}
	value = jwtLike.ReplaceAllString(value, removedToken)
	return emailLike.ReplaceAllStringFunc(value, s.email)
}

// jsonString scrubs one string of a JSON answer, knowing where it is: path holds the keys from the top, "[]" for an
// element of an array.
func (s *scrubber) jsonString(path []string, value string) string {
	for _, key := range path {
		if secretKey.MatchString(key) {
			return ""
		}
	}
	n := len(path)
	key := path[n-1]
	switch {
	case key == "gN":
		return s.groupName(value)
	case key == "gDesc": // a group's description often repeats its name
		return pseudonym(s.groupDescriptions, value, "Description-%d")
	// A role's "groups" in Get User Roles Details are group names; a group's "groups" in Get Groups are ids.
	case n >= 4 && key == "[]" && path[n-2] == "groups" && (path[n-4] == "btRoles" || path[n-4] == "adminRoles"):
		return s.groupName(value)
	case slices.Contains(userNameFields, key):
		return s.userName(value)
	case slices.Contains(emailFields, key):
		if emailLike.FindString(value) == value {
			return s.email(value)
		}
		return s.userName(value) // a login that is no email is a user name
	}
	return s.text(value)
}

// body scrubs an answer: JSON string by string, keeping its order, indented for reading; anything else as text.
func (s *scrubber) body(data string) string {
	rewritten, err := rewriteJSON([]byte(data), s.jsonString)
	if err != nil {
		return s.text(data)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, rewritten, "", "  "); err != nil {
		return s.text(data)
	}
	return indented.String()
}

// headers drops the headers a recording never holds and scrubs the values of the others.
func (s *scrubber) headers(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for name, values := range h {
		if slices.ContainsFunc(droppedHeaders, func(d string) bool { return strings.EqualFold(d, name) }) {
			continue
		}
		scrubbed := make([]string, len(values))
		for i, v := range values {
			scrubbed[i] = s.text(v)
		}
		out[name] = scrubbed
	}
	return out
}

// interaction scrubs one recorded request and answer in place, before it is written.
func (s *scrubber) interaction(i *cassette.Interaction) error {
	i.Request.Headers = s.headers(i.Request.Headers)
	i.Request.URL = s.text(i.Request.URL)
	i.Request.Body = s.text(i.Request.Body)
	form := url.Values{}
	for name, values := range i.Request.Form {
		for _, v := range values {
			form.Add(name, s.text(v))
		}
	}
	i.Request.Form = form
	i.Request.RemoteAddr, i.Request.RequestURI = "", ""
	i.Response.Headers = s.headers(i.Response.Headers)
	i.Response.Body = s.body(i.Response.Body)
	i.Response.ContentLength = int64(len(i.Response.Body))
	i.Response.Trailer, i.Request.Trailer = nil, nil
	return nil
}

// rewriteJSON re-encodes JSON token by token, passing every string value (not keys) through scrub with its path,
// so that the fields keep their order and numbers their text.
func rewriteJSON(data []byte, scrub func(path []string, value string) string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object, expectKey bool
		count             int
		key               string
	}
	var out bytes.Buffer
	var stack []*frame
	var path []string
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
	values := 0
	for {
		token, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if d, ok := token.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack, path = stack[:len(stack)-1], path[:len(path)-1]
			valueDone()
			continue
		}
		elem := ""
		if n := len(stack); n > 0 {
			top := stack[n-1]
			if top.count > 0 && (!top.object || top.expectKey) {
				out.WriteByte(',')
			}
			if top.object && top.expectKey {
				key, _ := token.(string) // the decoder yields only strings in key position
				top.key, top.expectKey = key, false
				top.count++
				writeJSONString(&out, top.key)
				out.WriteByte(':')
				continue
			}
			if !top.object {
				top.count++
			}
			elem = "[]"
			if top.object {
				elem = top.key
			}
		} else if values++; values > 1 {
			return nil, errors.New("more than one JSON value")
		}
		valuePath := append(path, elem) //nolint:gocritic // path is only ever resliced, never written through
		switch v := token.(type) {
		case json.Delim:
			out.WriteByte(byte(v))
			path = valuePath
			stack = append(stack, &frame{object: v == '{', expectKey: v == '{'})
			continue
		case string:
			writeJSONString(&out, scrub(valuePath, v))
		case json.Number:
			out.WriteString(v.String())
		case bool:
			fmt.Fprint(&out, v)
		case nil:
			out.WriteString("null")
		}
		valueDone()
	}
	if values == 0 || len(stack) > 0 {
		return nil, errors.New("no complete JSON value")
	}
	return out.Bytes(), nil
}

// writeJSONString writes s as a JSON string, leaving <, > and & as they are for reading.
func writeJSONString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out.Truncate(out.Len() - 1)
}

// CheckScrubbed fails when a file of the recording in dir holds one of forbidden (secrets, and any real names the
// caller knows of), a string shaped like a token, or an auth header. The error names the file and what was found,
// never the value.
func CheckScrubbed(dir string, forbidden ...string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var found []string
	for _, entry := range entries {
		if !entry.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			return err
		}
		text := string(data)
		for i, value := range forbidden {
			if value != "" && strings.Contains(text, value) {
				found = append(found, fmt.Sprintf("%s holds forbidden value %d of %d", entry.Name(), i+1,
					len(forbidden)))
			}
		}
		if jwtLike.MatchString(text) {
			found = append(found, entry.Name()+" holds a string shaped like a token")
		}
		if authHeaderLine.MatchString(text) {
			found = append(found, entry.Name()+" holds an auth header")
		}
	}
	if len(found) > 0 {
		return errors.New(strings.Join(found, "; "))
	}
	return nil
}

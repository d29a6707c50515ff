package kore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// listingPage is one answer of a listing endpoint, {"total", "availableMore", "<items>": [...]}, decoded as it
// came: the walk interprets it. Some admin APIs spell the flag "moreAvailable"; either is read.
type listingPage[T any] struct {
	Total         *int
	AvailableMore *bool
	// hasItems says the items key was present (null or an array): a page without it is not a listing's answer.
	hasItems bool
	// moreAvailable is the flag as other admin APIs spell it, merged into AvailableMore once the page is read.
	moreAvailable *bool
	// Items holds the items in the order sent; a JSON null element is a nil entry, for the walk to refuse.
	Items []*T
}

// decodeListingPage decodes one answer, reading the items under itemsKey and skipping fields it does not know.
//
// It streams through the body rather than decoding into a map first, so a page costs its items and nothing
// more. Its errors say where the body went wrong (the field, the element, the byte) and never quote the body:
// a listing carries users' emails and bots' app secrets.
func decodeListingPage[T any](data []byte, itemsKey string) (*listingPage[T], error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	page := &listingPage[T]{}
	start, err := dec.Token()
	if err != nil {
		return nil, notEnvelope(describeJSONError(err, dec, ""))
	}
	if start != nil { // null: like encoding/json, an empty page; the total is then missing
		if start != json.Delim('{') {
			return nil, notEnvelope(fmt.Errorf("cannot unmarshal a JSON %s into a page object", jsonKind(start)))
		}
		if err := page.decodeFields(dec, itemsKey); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("the page object is followed by more data at byte %d", dec.InputOffset())
	}

	// encoding/json replaces invalid UTF-8 inside strings with U+FFFD and carries on: names and emails silently
	// altered. Checked once the body is known to be JSON, so that a proxy's page is still reported as not JSON.
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("invalid UTF-8 at byte %d", invalidUTF8At(data))
	}
	if page.Total == nil {
		return nil, notEnvelope(errors.New(`the field "total" is missing`))
	}
	if more := page.moreAvailable; more != nil {
		if page.AvailableMore != nil && *page.AvailableMore != *more {
			return nil, errors.New(`the fields "availableMore" and "moreAvailable" disagree`)
		}
		page.AvailableMore = more
	}
	if !page.hasItems {
		return nil, notEnvelope(fmt.Errorf("the field %q is missing", itemsKey))
	}
	if *page.Total < 0 {
		return nil, fmt.Errorf(`the field "total" is negative (%d)`, *page.Total)
	}
	return page, nil
}

// decodeFields reads the members of the page object, its opening brace already read. A field sent twice counts
// once, the last time, as with encoding/json.
func (page *listingPage[T]) decodeFields(dec *json.Decoder, itemsKey string) error {
	for dec.More() {
		token, err := dec.Token()
		if err != nil {
			return describeJSONError(err, dec, "")
		}
		key, _ := token.(string) // the decoder only yields strings in key position
		switch key {
		case "total":
			page.Total = nil
			if err := dec.Decode(&page.Total); err != nil {
				return describeJSONError(err, dec, `the field "total"`)
			}
		case "availableMore":
			page.AvailableMore = nil
			if err := dec.Decode(&page.AvailableMore); err != nil {
				return describeJSONError(err, dec, `the field "availableMore"`)
			}
		case "moreAvailable":
			page.moreAvailable = nil
			if err := dec.Decode(&page.moreAvailable); err != nil {
				return describeJSONError(err, dec, `the field "moreAvailable"`)
			}
		case itemsKey:
			items, err := decodeItems[T](dec, itemsKey)
			if err != nil {
				return err
			}
			page.Items = items
			page.hasItems = true
		default:
			var skipped json.RawMessage
			if err := dec.Decode(&skipped); err != nil { // its name is server text, perhaps data: not quoted
				return describeJSONError(err, dec, "a field the client does not read")
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return describeJSONError(err, dec, "")
	}
	return nil
}

// decodeItems reads the items array one element at a time, so that an error can name the element.
func decodeItems[T any](dec *json.Decoder, itemsKey string) ([]*T, error) {
	field := fmt.Sprintf("the field %q", itemsKey)
	start, err := dec.Token()
	if err != nil {
		return nil, describeJSONError(err, dec, field)
	}
	if start == nil {
		return nil, nil
	}
	if start != json.Delim('[') {
		return nil, fmt.Errorf("%s is a JSON %s, not an array", field, jsonKind(start))
	}
	items := []*T{}
	for dec.More() {
		var item *T
		if err := dec.Decode(&item); err != nil {
			return nil, describeJSONError(err, dec, fmt.Sprintf("element %d of %q", len(items), itemsKey))
		}
		items = append(items, item)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, describeJSONError(err, dec, field)
	}
	return items, nil
}

// errNotEnvelope marks an answer that is not a listing's envelope at all (not a JSON object, or one without the
// total or the items): what an encrypted answer looks like, as opposed to a listing with a bad item.
var errNotEnvelope = errors.New("not a listing's envelope")

type notEnvelopeError struct{ err error }

func (e *notEnvelopeError) Error() string        { return e.err.Error() }
func (e *notEnvelopeError) Is(target error) bool { return target == errNotEnvelope }
func (e *notEnvelopeError) Unwrap() error        { return e.err }

func notEnvelope(err error) error { return &notEnvelopeError{err: err} }

// invalidUTF8At is the offset of the first byte of data that does not start a valid UTF-8 sequence.
func invalidUTF8At(data []byte) int {
	for i, r := range string(data) { // ranging over the conversion does not copy data
		// A byte that starts no valid sequence reads as U+FFFD; a U+FFFD the server sent is valid UTF-8.
		if r == utf8.RuneError && !bytes.HasPrefix(data[i:], []byte("\uFFFD")) {
			return i
		}
	}
	return len(data)
}

// describeJSONError restates a decoding error without any text of the body: encoding/json quotes the offending
// character or number, and a listing's body is users' data.
func describeJSONError(err error, dec *json.Decoder, where string) error {
	if where != "" {
		where = " in " + where
	}
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the JSON ends early%s, at byte %d", where, dec.InputOffset())
	case errors.As(err, &syntax):
		return fmt.Errorf("invalid JSON%s at byte %d", where, syntax.Offset)
	case errors.As(err, &typeErr):
		kind, _, _ := strings.Cut(typeErr.Value, " ") // "number 1e400" names the number: keep the kind only
		target := typeErr.Type.String()
		if typeErr.Field != "" {
			return fmt.Errorf("cannot unmarshal a JSON %s into the field %q (%s)%s, at byte %d", kind, typeErr.Field,
				target, where, typeErr.Offset)
		}
		return fmt.Errorf("cannot unmarshal a JSON %s into %s%s, at byte %d", kind, target, where, typeErr.Offset)
	}
	// Errors of this package's own UnmarshalJSON methods, which never quote what they refuse.
	return fmt.Errorf("%w%s, before byte %d", err, where, dec.InputOffset())
}

// jsonKind names the kind of JSON value a token starts.
func jsonKind(token json.Token) string {
	switch token.(type) {
	case json.Delim:
		if token == json.Delim('[') {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "number"
}

// refuseNull fails for a JSON null where an object of a list belongs: decoded as is, it would become an invented
// entry with every field empty.
func refuseNull(data []byte, what string) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return fmt.Errorf("a null %s", what)
	}
	return nil
}

// nonNullStrings converts a list of strings decoded with room for nulls, refusing any: a null would become an
// invented empty name. It keeps null (nil) and [] (empty, non-nil) apart.
func nonNullStrings(list []*string, what string) ([]string, error) {
	if list == nil {
		return nil, nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		if s == nil {
			return nil, fmt.Errorf("a null in %s", what)
		}
		out[i] = *s
	}
	return out, nil
}

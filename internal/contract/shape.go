package contract

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// kind is a JSON type as the provider's structs read it.
type kind int

const (
	kindString kind = iota
	kindBool
	kindInteger
	kindArray
	kindObject
	kindAny // anything: the client never decodes it (a bot app's clientSecret)
)

func (k kind) String() string {
	return [...]string{"a string", "a boolean", "an integer", "an array", "an object", "anything"}[k]
}

// shape is what one JSON value must look like for the client to read it as the provider expects.
type shape struct {
	kind      kind
	nullable  bool           // null is read (as nil or an empty value)
	pattern   *regexp.Regexp // for strings: the documented shape of an id
	patternOf string         // the pattern in words, for a difference line
	// For objects: each known field, and which must be present. Fields the client does not read are not checked.
	fields   map[string]*shape
	required []string
	values   *shape // for objects used as maps (a role's permissions): every value
	elem     *shape // for arrays: every element
	oneOf    []*shape
}

func str() *shape                    { return &shape{kind: kindString} }
func optStr() *shape                 { return &shape{kind: kindString, nullable: true} }
func optBool() *shape                { return &shape{kind: kindBool, nullable: true} }
func optInt() *shape                 { return &shape{kind: kindInteger, nullable: true} }
func arrayOf(elem *shape) *shape     { return &shape{kind: kindArray, nullable: true, elem: elem} }
func anything() *shape               { return &shape{kind: kindAny, nullable: true} }
func either(shapes ...*shape) *shape { return &shape{kind: kindAny, oneOf: shapes} }

// id is a string id of the documented shape.
func id(pattern, inWords string) *shape {
	return &shape{kind: kindString, pattern: regexp.MustCompile(pattern), patternOf: inWords}
}

// object is an object with the given fields, the ones named in required being mandatory.
func object(fields map[string]*shape, required ...string) *shape {
	return &shape{kind: kindObject, fields: fields, required: required}
}

func (s *shape) orNull() *shape {
	copied := *s
	copied.nullable = true
	return &copied
}

// problems collects what differs, once per kind of difference, with how often and where it was first seen.
type problems struct {
	order []string
	seen  map[string]*problemCount
}

type problemCount struct {
	count int
	first string
}

func (p *problems) add(what, where string) {
	if p.seen == nil {
		p.seen = make(map[string]*problemCount)
	}
	if c, ok := p.seen[what]; ok {
		c.count++
		return
	}
	p.seen[what] = &problemCount{count: 1, first: where}
	p.order = append(p.order, what)
}

func (p *problems) empty() bool { return len(p.order) == 0 }

// lines says each difference, with its count and first place when it was seen more than once.
func (p *problems) lines() []string {
	out := make([]string, 0, len(p.order))
	for _, what := range p.order {
		c := p.seen[what]
		switch {
		case c.first == "":
			out = append(out, what)
		case c.count == 1:
			out = append(out, fmt.Sprintf("%s (%s)", what, c.first))
		default:
			out = append(out, fmt.Sprintf("%s (%d times, first %s)", what, c.count, c.first))
		}
	}
	return out
}

// check compares value, found at path, with s. Differences name fields and JSON kinds, never values: an answer
// holds users' emails and bots' app secrets.
func (s *shape) check(value any, path string, where string, out *problems) {
	if value == nil {
		if !s.nullable {
			out.add(fmt.Sprintf("%s is null, want %s", path, s.kind), where)
		}
		return
	}
	if len(s.oneOf) > 0 {
		for _, alternative := range s.oneOf {
			var probe problems
			alternative.check(value, path, where, &probe)
			if probe.empty() {
				return
			}
		}
		out.add(fmt.Sprintf("%s is %s, which matches none of its documented forms", path, jsonKind(value)), where)
		return
	}
	if s.kind != kindAny && jsonKindOf(value) != s.kind {
		want := s.kind.String()
		if s.nullable {
			want += " or null"
		}
		out.add(fmt.Sprintf("%s is %s, want %s", path, jsonKind(value), want), where)
		return
	}
	switch v := value.(type) {
	case string:
		if s.pattern != nil && !s.pattern.MatchString(v) {
			out.add(fmt.Sprintf("%s does not look like %s", path, s.patternOf), where)
		}
	case []any:
		if s.elem != nil {
			for _, element := range v {
				s.elem.check(element, path+"[]", where, out)
			}
		}
	case map[string]any:
		for _, name := range s.required {
			if _, ok := v[name]; !ok {
				out.add(fmt.Sprintf("%s has no field %q", path, name), where)
			}
		}
		names := make([]string, 0, len(v))
		for name := range v {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if field, ok := s.fields[name]; ok {
				field.check(v[name], path+"."+name, where, out)
			} else if s.values != nil {
				s.values.check(v[name], path+".*", where, out)
			}
		}
	}
}

// jsonKindOf is the kind of a value decoded with UseNumber.
func jsonKindOf(value any) kind {
	switch v := value.(type) {
	case string:
		return kindString
	case bool:
		return kindBool
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return kindAny // a number, but not an integer
		}
		return kindInteger
	case []any:
		return kindArray
	case map[string]any:
		return kindObject
	}
	return kindAny
}

// jsonKind names the kind of a decoded value in a difference line.
func jsonKind(value any) string {
	switch v := value.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return "a number with a fraction or exponent"
		}
		return "an integer"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", value)
}

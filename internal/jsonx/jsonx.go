// Package jsonx keeps the JSON members a model does not know, so a value read
// from a server can be written back without losing anything.
//
// A model embeds its unknown members in a map[string]json.RawMessage and
// implements UnmarshalJSON / MarshalJSON with Unknown and Merge. Finding the
// unknown members is one allocation-free scan of the object's top level, not a
// second decode.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
)

// ErrSyntax reports bytes that are not a JSON object.
var ErrSyntax = errors.New("jsonx: not a JSON object")

var knownCache sync.Map // reflect.Type -> map[string]struct{}

// Known returns the JSON member names of struct type T's exported fields
// (from json tags, or field names), including those of embedded structs.
func Known[T any]() map[string]struct{} {
	t := reflect.TypeFor[T]()
	if m, ok := knownCache.Load(t); ok {
		return m.(map[string]struct{})
	}
	m := map[string]struct{}{}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for name := range fieldTypes(t) {
			m[name] = struct{}{}
		}
	}
	knownCache.Store(t, m)
	return m
}

// Unknown returns the top-level members of the JSON object data whose names
// are not in known, in a new map (nil when there are none). Member names are
// compared after unescaping; like encoding/json, an exact match is preferred
// and a case-insensitive match also counts as known.
func Unknown(data []byte, known map[string]struct{}) (map[string]json.RawMessage, error) {
	var extra map[string]json.RawMessage
	err := Members(data, func(key, raw []byte) { extra = addUnknown(extra, known, key, raw) })
	return extra, err
}

// addUnknown adds the member to extra (allocated on first use) unless its
// name is known.
func addUnknown(extra map[string]json.RawMessage, known map[string]struct{}, key, raw []byte) map[string]json.RawMessage {
	inner := key[1 : len(key)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		if _, ok := known[string(inner)]; ok { // no allocation for this lookup
			return extra
		}
	}
	k := unquote(key)
	if _, ok := known[k]; ok {
		return extra
	}
	for kk := range known {
		if strings.EqualFold(kk, k) {
			return extra
		}
	}
	if extra == nil {
		extra = map[string]json.RawMessage{}
	}
	extra[k] = append(json.RawMessage(nil), raw...)
	return extra
}

// Element is one element of a JSON array of objects: its bytes and the
// members whose names are not known (nil when there are none).
type Element struct {
	Raw   []byte
	Extra map[string]json.RawMessage
}

// UnknownEach returns, for each element of the JSON array data, the element
// as sent and the members of that element (an object) whose names are not
// in known. The array is scanned once.
func UnknownEach(data []byte, known map[string]struct{}) ([]Element, error) {
	var out []Element
	err := elements(data, func(i int, raw []byte) {
		for len(out) <= i {
			out = append(out, Element{})
		}
		out[i].Raw = raw
	}, func(i int, key, raw []byte) {
		for len(out) <= i {
			out = append(out, Element{})
		}
		out[i].Extra = addUnknown(out[i].Extra, known, key, raw)
	})
	return out, err
}

// Merge appends the extra members to obj, the encoding of a JSON object,
// skipping names obj already has. Member order of extra is sorted for a
// stable output.
func Merge(obj []byte, extra map[string]json.RawMessage) ([]byte, error) {
	if len(extra) == 0 {
		return obj, nil
	}
	have := map[string]struct{}{}
	if err := Members(obj, func(key, _ []byte) { have[unquote(key)] = struct{}{} }); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if _, dup := have[k]; !dup {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return obj, nil
	}
	sortStrings(keys)
	end := bytes.LastIndexByte(obj, '}')
	if end < 0 {
		return nil, ErrSyntax
	}
	out := make([]byte, 0, len(obj)+64*len(keys))
	out = append(out, obj[:end]...)
	first := len(have) == 0
	for _, k := range keys {
		v := extra[k]
		if !json.Valid(v) {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		kb, _ := json.Marshal(k)
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, v...)
	}
	out = append(out, obj[end:]...)
	return out, nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// String decodes a raw JSON string. Strings without escapes are converted
// directly, without a decoder.
func String(raw []byte) (string, bool) {
	raw = trimWS(raw)
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	plain := true
	for _, c := range inner {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// trimWS trims JSON whitespace (space, tab, CR, LF) and nothing else.
func trimWS(b []byte) []byte {
	b = b[skipWS(b, 0):]
	for len(b) > 0 {
		switch b[len(b)-1] {
		case ' ', '\t', '\n', '\r':
			b = b[:len(b)-1]
		default:
			return b
		}
	}
	return b
}

func unquote(key []byte) string {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key[1 : len(key)-1])
	}
	var s string
	if json.Unmarshal(key, &s) != nil {
		return string(key[1 : len(key)-1])
	}
	return s
}

// Members calls fn for each top-level member of the JSON object data with the
// quoted key and the raw value. It checks structure, not every detail of
// literals: run json.Unmarshal as well when full validation matters.
func Members(data []byte, fn func(key, raw []byte)) error {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return ErrSyntax
	}
	end := objectAt(data, i, 0, fn)
	if end < 0 {
		return ErrSyntax
	}
	return trailing(data, end)
}

// objectAt walks the object starting at data[i] == '{', calling fn (if not
// nil) for each member, and returns the index after it, or -1.
func objectAt(data []byte, i, depth int, fn func(key, raw []byte)) int {
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return -1
		}
		ks := i
		if i = skipString(data, i); i < 0 {
			return -1
		}
		key := data[ks:i]
		i = skipWS(data, i)
		if i >= len(data) || data[i] != ':' {
			return -1
		}
		i = skipWS(data, i+1)
		vs := i
		if i = skipValue(data, i, depth+1); i < 0 {
			return -1
		}
		if fn != nil {
			fn(key, data[vs:i])
		}
		var end bool
		if i, end = afterMember(data, i, '}'); end {
			return i
		}
	}
}

// Member returns the raw value of the top-level member name of the JSON
// object data, and whether it is there.
func Member(data []byte, name string) ([]byte, bool, error) {
	var out []byte
	found := false
	err := Members(data, func(key, raw []byte) {
		if !found && keyIs(key, name) {
			out, found = raw, true
		}
	})
	return out, found, err
}

// keyIs reports whether the quoted key names name, without allocating for
// a key that holds no escape.
func keyIs(key []byte, name string) bool {
	inner := key[1 : len(key)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner) == name
	}
	return unquote(key) == name
}

// Elements calls fn with the raw value of each element of the JSON array data.
// A JSON null is an empty array.
func Elements(data []byte, fn func(i int, raw []byte)) error {
	return elements(data, fn, nil)
}

// elements walks the array data. For an element that is an object and a
// non-nil member, it calls member for each of the object's members in the
// same pass.
func elements(data []byte, fn func(i int, raw []byte), member func(i int, key, raw []byte)) error {
	i := skipWS(data, 0)
	if i+4 <= len(data) && string(data[i:i+4]) == "null" {
		return trailing(data, i+4)
	}
	end := elementsAt(data, i, fn, member)
	if end < 0 {
		return ErrSyntax
	}
	return trailing(data, end)
}

// elementsAt walks the array that starts at data[i] and returns the index
// after it, or -1.
func elementsAt(data []byte, i int, fn func(i int, raw []byte), member func(i int, key, raw []byte)) int {
	if i >= len(data) || data[i] != '[' {
		return -1
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1
	}
	for n := 0; ; n++ {
		vs := i
		if member != nil && i < len(data) && data[i] == '{' {
			i = objectAt(data, i, 1, func(key, raw []byte) { member(n, key, raw) })
		} else {
			i = skipValue(data, i, 1)
		}
		if i < 0 {
			return -1
		}
		fn(n, data[vs:i])
		var end bool
		if i, end = afterMember(data, i, ']'); end {
			return i
		}
	}
}

// UnknownEachOf is UnknownEach for the array in the top-level member field
// of the JSON object data, found and walked in one pass: it stops at the
// end of that array, so it is for a document a decoder has already read
// whole. found is false when the member is absent or not an array.
func UnknownEachOf(data []byte, field string, known map[string]struct{}) (out []Element, found bool) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipWS(data, i+1)
	for i < len(data) && data[i] == '"' {
		ks := i
		if i = skipString(data, i); i < 0 {
			return nil, false
		}
		key := data[ks:i]
		if i = skipWS(data, i); i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipWS(data, i+1)
		if keyIs(key, field) {
			end := elementsAt(data, i, func(n int, raw []byte) {
				for len(out) <= n {
					out = append(out, Element{})
				}
				out[n].Raw = raw
			}, func(n int, key, raw []byte) {
				for len(out) <= n {
					out = append(out, Element{})
				}
				out[n].Extra = addUnknown(out[n].Extra, known, key, raw)
			})
			return out, end >= 0
		}
		if i = skipValue(data, i, 1); i < 0 {
			return nil, false
		}
		if i = skipWS(data, i); i < len(data) && data[i] == ',' {
			i = skipWS(data, i+1)
		}
	}
	return nil, false
}

func trailing(data []byte, i int) error {
	if skipWS(data, i) != len(data) {
		return ErrSyntax
	}
	return nil
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at data[i] == '"'.
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

const maxDepth = 10000

// skipValue returns the index after the value starting at data[i], or -1.
func skipValue(data []byte, i, depth int) int {
	if i >= len(data) || depth > maxDepth {
		return -1
	}
	switch c := data[i]; {
	case c == '"':
		return skipString(data, i)
	case c == '{':
		return objectAt(data, i, depth, nil)
	case c == '[':
		i = skipWS(data, i+1)
		if i < len(data) && data[i] == ']' {
			return i + 1
		}
		for {
			if i = skipValue(data, i, depth+1); i < 0 {
				return -1
			}
			i = skipWS(data, i)
			if i >= len(data) {
				return -1
			}
			if data[i] == ']' {
				return i + 1
			}
			if data[i] != ',' {
				return -1
			}
			i = skipWS(data, i+1)
		}
	default: // number, true, false, null
		s := i
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if i == s {
					return -1
				}
				return i
			}
			i++
		}
		if i == s {
			return -1
		}
		return i
	}
}

// Kind returns the first byte of the JSON value in data after any white
// space ('{', '[', '"', 'n', 't', 'f', or a digit or '-'), or 0 when data is
// empty.
func Kind(data []byte) byte {
	if i := skipWS(data, 0); i < len(data) {
		return data[i]
	}
	return 0
}

// DuplicateKeys reports whether any object in the JSON document data
// repeats a member name (compared without case, as encoding/json matches
// names). A model keeps one value per name, so a round trip of such a
// document cannot give every member back.
func DuplicateKeys(data []byte) bool {
	if !json.Valid(data) { // the walk below trusts the syntax
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, _ := dec.Token()
				ks, _ := k.(string)
				if seen[strings.ToLower(ks)] {
					return true
				}
				seen[strings.ToLower(ks)] = true
				if walk() {
					return true
				}
			}
			_, _ = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			_, _ = dec.Token()
		}
		return false
	}
	return walk()
}

// afterMember reads what follows a member or element ending at i: a comma
// (the next one starts at the returned index) or the closing byte (the
// container ends: the index after it, and end). Anything else, or the end
// of data, is an error: -1 and end.
func afterMember(data []byte, i int, closing byte) (next int, end bool) {
	i = skipWS(data, i)
	switch {
	case i >= len(data):
		return -1, true
	case data[i] == ',':
		return skipWS(data, i+1), false
	case data[i] == closing:
		return i + 1, true
	}
	return -1, true
}

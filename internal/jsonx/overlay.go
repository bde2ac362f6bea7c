package jsonx

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Overlay gives back, below the top level of a model, what encoding/json
// alone loses: it walks typed (the model's encoding) alongside raw (the
// JSON the model was decoded from) with the model's type t, and returns
// typed with, in every nested object the type describes:
//
//   - the members raw had whose names the type does not know (unknown
//     members, and unknown one-of variants), verbatim;
//   - the known members raw had with a zero value (null, "", 0, false, [],
//     {}) that the encoding omitted, so their presence survives, and those
//     the type cannot hold (see untypable); a member the caller changed
//     from non-zero to zero is not brought back.
//
// The top level itself gets only the second kind: its unknown members are
// the model's own Extra map. Arrays are walked element by element when they
// kept their length; maps and values of other types are left as encoded.
// Invalid input gives typed back unchanged.
func Overlay(typed, raw []byte, t reflect.Type) []byte {
	if len(raw) == 0 {
		return typed
	}
	out, ok := overlay(nil, typed, raw, t, true)
	if !ok {
		return typed
	}
	return out
}

var timeType = reflect.TypeFor[time.Time]()

// fieldTypes maps a struct type's JSON member names to their field types.
var fieldTypesCache sync.Map // reflect.Type -> map[string]reflect.Type

func fieldTypes(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldTypesCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	collectTypes(t, m)
	fieldTypesCache.Store(t, m)
	return m
}

func collectTypes(t reflect.Type, m map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectTypes(ft, m)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
}

func lookupType(known map[string]reflect.Type, name string) (reflect.Type, bool) {
	if ft, ok := known[name]; ok {
		return ft, true
	}
	for k, ft := range known {
		if strings.EqualFold(k, name) {
			return ft, true
		}
	}
	return nil, false
}

// overlay appends the overlaid value to b and reports whether both inputs
// were well-formed for the walk.
func overlay(b, typed, raw []byte, t reflect.Type, top bool) ([]byte, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tk, rk := Kind(typed), Kind(raw)
	switch {
	case t.Kind() == reflect.Struct && t != timeType && tk == '{' && rk == '{':
		return overlayObject(b, typed, raw, t, top)
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && tk == '[' && rk == '[':
		var te, re [][]byte
		if Elements(typed, func(_ int, v []byte) { te = append(te, v) }) != nil ||
			Elements(raw, func(_ int, v []byte) { re = append(re, v) }) != nil {
			return nil, false
		}
		if len(te) != len(re) {
			return append(b, typed...), true
		}
		b = append(b, '[')
		for i := range te {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = overlay(b, te[i], re[i], t.Elem(), false); !ok {
				return nil, false
			}
		}
		return append(b, ']'), true
	}
	return append(b, typed...), true
}

func overlayObject(b, typed, raw []byte, t reflect.Type, top bool) ([]byte, bool) {
	known := fieldTypes(t)
	type member struct{ key, val []byte }
	var rawMembers []member
	if Members(raw, func(k, v []byte) { rawMembers = append(rawMembers, member{k, v}) }) != nil {
		return nil, false
	}
	// rawOf finds a member as encoding/json does: the exact name first,
	// then a case-insensitive match.
	rawOf := func(name string) ([]byte, bool) {
		for _, m := range rawMembers {
			if unquote(m.key) == name {
				return m.val, true
			}
		}
		for _, m := range rawMembers {
			if strings.EqualFold(unquote(m.key), name) {
				return m.val, true
			}
		}
		return nil, false
	}
	written := map[string]bool{}
	b = append(b, '{')
	first := true
	ok := true
	err := Members(typed, func(k, v []byte) {
		if !ok {
			return
		}
		name := unquote(k)
		written[strings.ToLower(name)] = true
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, k...)
		b = append(b, ':')
		if ft, isKnown := lookupType(known, name); isKnown {
			if rv, has := rawOf(name); has {
				b, ok = overlay(b, v, rv, ft, false)
				return
			}
		}
		b = append(b, v...)
	})
	if err != nil || !ok {
		return nil, false
	}
	for _, m := range rawMembers {
		name := unquote(m.key)
		if written[strings.ToLower(name)] {
			continue
		}
		ft, isKnown := lookupType(known, name)
		if (isKnown && !zeroJSON(m.val) && !zeroTime(ft, m.val) && !untypable(ft, m.val)) || (!isKnown && top) {
			continue
		}
		written[strings.ToLower(name)] = true
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, m.key...)
		b = append(b, ':')
		b = append(b, m.val...)
	}
	return append(b, '}'), true
}

// untypable reports whether v, the raw value of a known member of type t
// that the encoding left out, is one the type cannot hold at all: it
// decodes to the zero value (a one-of object holding only a variant the
// type does not know, {"paused": {}}) or not at all. Such a member was
// never the caller's to change, and is kept verbatim; a member that
// decodes to something was cleared by the caller, and stays out.
func untypable(t reflect.Type, v []byte) bool {
	p := reflect.New(t)
	if Unmarshal(v, p.Interface()) != nil {
		return true
	}
	return p.Elem().IsZero()
}

// zeroTime reports whether v, the raw value of a member of type t, is a
// time that decodes to the zero time.Time (which omitzero leaves out).
func zeroTime(t reflect.Type, v []byte) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != timeType || Kind(v) != '"' {
		return false
	}
	var tm time.Time
	return json.Unmarshal(v, &tm) == nil && tm.IsZero()
}

// zeroJSON reports whether v is null, "", 0, false, [] or {}.
func zeroJSON(v []byte) bool {
	v = bytes.TrimSpace(v)
	switch string(v) {
	case "null", `""`, "false", "[]", "{}":
		return true
	}
	if len(v) > 0 && (v[0] == '[' || v[0] == '{') {
		inner := bytes.TrimSpace(v[1 : len(v)-1])
		return len(inner) == 0
	}
	if len(v) > 0 && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
		for _, c := range v {
			if c != '0' && c != '-' && c != '.' && c != 'e' && c != 'E' && c != '+' {
				return false
			}
		}
		return true
	}
	return false
}

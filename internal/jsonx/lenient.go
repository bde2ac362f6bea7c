package jsonx

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
)

// Lenient decodes the JSON object data into the struct v points to member
// by member, for a document encoding/json refused as a whole because one
// member does not fit its field (a timestamp that does not parse, a number
// where a string was expected): each member is decoded into its field on
// its own, and a member that does not fit leaves its field at the zero
// value and is returned in bad, under its name as sent, so the caller can
// keep it verbatim (in the model's Extra). Members v does not name are
// skipped. Data that is not one whole JSON object is an error.
//
// Member names match the fields' json names exactly, else without regard
// to case, as encoding/json matches them.
func Lenient(data []byte, v any) (bad map[string]json.RawMessage, err error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil, errors.New("jsonx: Lenient needs a pointer to a struct")
	}
	st := rv.Elem()
	st.SetZero()
	fields := fieldIndexes(st.Type())
	err = Members(data, func(key, raw []byte) {
		name, ok := String(key)
		if !ok {
			return
		}
		idx, ok := fields[name]
		if !ok {
			for k, i := range fields {
				if strings.EqualFold(k, name) {
					idx, ok = i, true
					break
				}
			}
		}
		if !ok {
			return
		}
		f := st.FieldByIndex(idx)
		if json.Unmarshal(raw, f.Addr().Interface()) != nil {
			f.SetZero()
			if bad == nil {
				bad = map[string]json.RawMessage{}
			}
			bad[name] = append(json.RawMessage(nil), raw...)
		}
	})
	return bad, err
}

// fieldIndexes maps a struct type's JSON member names to their fields.
func fieldIndexes(t reflect.Type) map[string][]int {
	m := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		m[name] = f.Index
	}
	return m
}

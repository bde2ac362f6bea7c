package jsonx

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Kept is what a loss-free model remembers beside its typed fields: the
// members it does not model, and which modelled members were present.
type Kept struct {
	Extra   map[string]json.RawMessage
	Present uint64 // bit i: the i-th field of the fields type was present
}

type fieldIndex struct {
	names map[string]int
	list  []string
}

var indexCache sync.Map // reflect.Type -> *fieldIndex

func indexOf[T any]() *fieldIndex {
	t := reflect.TypeFor[T]()
	if v, ok := indexCache.Load(t); ok {
		return v.(*fieldIndex)
	}
	fi := &fieldIndex{names: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if len(fi.list) < 64 {
			fi.names[name] = len(fi.list)
			fi.list = append(fi.list, name)
		}
	}
	indexCache.Store(t, fi)
	return fi
}

// KeptOf scans the object data against the fields of struct type T: it
// returns the members T does not model and the modelled members present,
// and calls nested (when not nil) with each modelled member, so a model can
// fill in the Kept of its nested models in the same walk. A null member is
// kept verbatim in Extra, since a typed field cannot tell null from zero.
func KeptOf[T any](data []byte, nested func(name string, raw []byte)) (Kept, error) {
	fi := indexOf[T]()
	var k Kept
	err := Members(data, func(key, raw []byte) {
		if string(raw) == "null" {
			if k.Extra == nil {
				k.Extra = map[string]json.RawMessage{}
			}
			k.Extra[unquote(key)] = json.RawMessage("null")
			return
		}
		name, i, ok := fi.lookup(key)
		if ok {
			k.Present |= 1 << i
			if nested != nil {
				nested(name, raw)
			}
			return
		}
		if k.Extra == nil {
			k.Extra = map[string]json.RawMessage{}
		}
		k.Extra[name] = append(json.RawMessage(nil), raw...)
	})
	return k, err
}

// lookup finds the field of a quoted member name the way encoding/json
// does: exact match first, then case-insensitive. It returns the unquoted
// name (the field's own name when matched).
func (fi *fieldIndex) lookup(key []byte) (string, int, bool) {
	inner := key[1 : len(key)-1]
	if i, ok := fi.names[string(inner)]; ok {
		return fi.list[i], i, true
	}
	name := unquote(key)
	if i, ok := fi.names[name]; ok {
		return fi.list[i], i, true
	}
	for n, i := range fi.names {
		if strings.EqualFold(n, name) {
			return n, i, true
		}
	}
	return name, 0, false
}

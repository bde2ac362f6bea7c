package jsonx

import (
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// Object appends a JSON object for a loss-free model whose fields type is T
// (see KeptOf). Each member is written when it was present in the decoded
// input or holds a non-zero value; End adds the kept unknown members. It
// writes straight into one buffer: no nested Marshal, no re-scan.
type Object[T any] struct {
	Buf     []byte
	Present uint64
	wrote   uint64
	err     error
}

// NewObject starts an object on buf for a model that was read with present.
func NewObject[T any](buf []byte, present uint64) *Object[T] {
	return &Object[T]{Buf: append(buf, '{'), Present: present}
}

// Begin writes the name of field i when the member is to be written, and
// reports whether it was: the caller then appends the value to o.Buf.
func (o *Object[T]) Begin(i int, zero bool) bool {
	if zero && o.Present&(1<<i) == 0 {
		return false
	}
	if o.wrote != 0 {
		o.Buf = append(o.Buf, ',')
	}
	o.wrote |= 1 << i
	o.Buf = AppendString(o.Buf, indexOf[T]().list[i])
	o.Buf = append(o.Buf, ':')
	return true
}

// Int writes an integer field.
func (o *Object[T]) Int(i int, v int64) {
	if o.Begin(i, v == 0) {
		o.Buf = strconv.AppendInt(o.Buf, v, 10)
	}
}

// Float writes a number field the way encoding/json does.
func (o *Object[T]) Float(i int, v float64) {
	if o.Begin(i, v == 0) {
		o.Buf, o.err = AppendFloat(o.Buf, v, o.err)
	}
}

// Bool writes a boolean field.
func (o *Object[T]) Bool(i int, v bool) {
	if o.Begin(i, !v) {
		o.Buf = strconv.AppendBool(o.Buf, v)
	}
}

// String writes a string field.
func (o *Object[T]) String(i int, v string) {
	if o.Begin(i, v == "") {
		o.Buf = AppendString(o.Buf, v)
	}
}

// Time writes a time field as RFC 3339 with nanoseconds, like time.Time.
func (o *Object[T]) Time(i int, v time.Time) {
	if o.Begin(i, v.IsZero()) {
		if y := v.Year(); y < 0 || y > 9999 {
			o.setErr(errors.New("jsonx: time year outside [0,9999]"))
		}
		o.Buf = append(o.Buf, '"')
		o.Buf = v.AppendFormat(o.Buf, time.RFC3339Nano)
		o.Buf = append(o.Buf, '"')
	}
}

// Raw writes a raw JSON field; an invalid value is an error.
func (o *Object[T]) Raw(i int, v json.RawMessage) {
	if o.Begin(i, len(v) == 0) {
		if len(v) == 0 {
			o.Buf = append(o.Buf, "null"...)
			return
		}
		if !json.Valid(v) {
			o.setErr(errors.New("jsonx: invalid raw JSON value"))
		}
		o.Buf = append(o.Buf, v...)
	}
}

// Null writes null for a present pointer or slice member that is now nil.
func (o *Object[T]) Null(i int) {
	if o.Begin(i, true) {
		o.Buf = append(o.Buf, "null"...)
	}
}

func (o *Object[T]) setErr(err error) {
	if o.err == nil {
		o.err = err
	}
}

// SetErr records the first error of a nested value.
func (o *Object[T]) SetErr(err error) {
	if err != nil {
		o.setErr(err)
	}
}

// End appends the kept unknown members (sorted by name, skipping names of
// fields already written) and closes the object.
func (o *Object[T]) End(extra map[string]json.RawMessage) ([]byte, error) {
	if len(extra) > 0 {
		fi := indexOf[T]()
		keys := make([]string, 0, len(extra))
		for k := range extra {
			if i, ok := fi.names[k]; ok && o.wrote&(1<<i) != 0 {
				continue
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := extra[k]
			if !json.Valid(v) {
				continue
			}
			if o.Buf[len(o.Buf)-1] != '{' {
				o.Buf = append(o.Buf, ',')
			}
			o.Buf = AppendString(o.Buf, k)
			o.Buf = append(o.Buf, ':')
			o.Buf = append(o.Buf, v...)
		}
	}
	o.Buf = append(o.Buf, '}')
	return o.Buf, o.err
}

// AppendFloat appends f as encoding/json writes a float64.
func AppendFloat(b []byte, f float64, err error) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if err == nil {
			err = errors.New("jsonx: unsupported float value " + strconv.FormatFloat(f, 'g', -1, 64))
		}
		return append(b, '0'), err
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, err
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string, escaped exactly as encoding/json
// escapes it (HTML characters included, invalid UTF-8 as U+FFFD).
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

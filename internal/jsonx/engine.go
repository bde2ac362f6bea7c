package jsonx

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The SDK decodes what servers send with github.com/go-json-experiment/json,
// the module form of Go's encoding/json/v2 (in the standard library from
// Go 1.27): on the vendors' documents it decodes the same typed structs
// in 0.3 to 0.6 times encoding/json's time (BENCHMARKS.md, "The JSON
// engine").
//
// Its defaults are stricter than encoding/json's, and what a server sends
// is tolerated, so answers are read with encoding/json's leniency where
// v2 would refuse: a member name that repeats (the last value wins, as in
// encoding/json), invalid UTF-8 in a string (kept as sent, bytes replaced
// by U+FFFD on decoding into a Go string), and member names matched
// without regard to case, as strings.EqualFold matches them (and as
// encoding/json does): "ID" is "id", but "_id", "i_d" and "workflow_id"
// are other members than "id" and "workflowId", which v2's case-insensitive
// matching alone would take for them. What the SDK sends is encoded with
// encoding/json and stays strict.
var tolerant = jsonv2.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsonv2.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
)

// Unmarshal decodes a server's JSON answer into v, tolerantly (see above).
// A document that is not whole JSON (truncated, or nested deeper than
// 10,000 levels) is an error, as is a value that does not fit its field;
// either is a *DecodeError.
func Unmarshal(data []byte, v any) error { return decodeError(jsonv2.Unmarshal(data, v, tolerant)) }

// DecodeError is the error of Unmarshal: where a document could not be
// decoded and what did not fit, in words that hold no member name and no
// value of the document. The engine's own errors quote both (member names
// in a JSON pointer cut to about 100 bytes), and a server can echo a
// secret in either, cut where no redaction would find it.
type DecodeError struct {
	// Offset is the byte offset at or after which decoding failed.
	Offset int64
	// Syntactic reports a document that is not whole JSON (truncated, or
	// nested too deep), not a value that did not fit its field.
	Syntactic bool
	// Kind is the JSON kind that did not fit ("string", "number", ...),
	// and GoType the Go type it did not fit; empty when not known.
	Kind, GoType string

	truncated bool
}

func (e *DecodeError) Error() string {
	var b []byte
	switch {
	case e.truncated:
		b = append(b, "JSON: unexpected end of the document"...)
	case e.Syntactic:
		b = append(b, "JSON: invalid syntax"...)
	default:
		b = append(b, "JSON: cannot decode "...)
		if e.Kind != "" {
			b = append(b, e.Kind...)
			b = append(b, ' ')
		}
		b = append(b, "value"...)
		if e.GoType != "" {
			b = append(b, " into Go "...)
			b = append(b, e.GoType...)
		}
	}
	b = append(b, " at byte offset "...)
	b = strconv.AppendInt(b, e.Offset, 10)
	return string(b)
}

// Unwrap returns io.ErrUnexpectedEOF for a truncated document, else nil.
func (e *DecodeError) Unwrap() error {
	if e.truncated {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// decodeError turns the engine's error into a *DecodeError. An error of a
// nested Unmarshal (a model's UnmarshalJSON) is kept as it is.
func decodeError(err error) error {
	if err == nil {
		return nil
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	out := &DecodeError{truncated: errors.Is(err, io.ErrUnexpectedEOF)}
	var se *jsontext.SyntacticError
	var me *jsonv2.SemanticError
	switch {
	case errors.As(err, &se):
		out.Offset, out.Syntactic = se.ByteOffset, true
	case errors.As(err, &me):
		out.Offset = me.ByteOffset
		if me.JSONKind != 0 {
			out.Kind = kindName(me.JSONKind)
		}
		if me.GoType != nil {
			out.GoType = me.GoType.String()
		}
	}
	out.Syntactic = out.Syntactic || out.truncated
	return out
}

// kindName names a JSON kind in words.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return ""
}

// Refusal reports whether err refuses a value that does not fit its Go
// type (or a method's own error, such as a timestamp that does not
// parse), which Lenient can route around; a syntax error (a truncated
// document, one nested too deep) is never one. It knows the errors of
// both encoding/json and Unmarshal.
func Refusal(err error) bool {
	if err == nil {
		return false
	}
	var se *json.SyntaxError
	var te *jsontext.SyntacticError
	if de := (*DecodeError)(nil); errors.As(err, &de) {
		return !de.Syntactic
	}
	return !errors.As(err, &se) && !errors.As(err, &te) && !errors.Is(err, io.ErrUnexpectedEOF)
}

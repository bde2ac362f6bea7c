package jsonx

import (
	"encoding/json"
	"errors"
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The SDK decodes what servers send with github.com/go-json-experiment/json,
// the module form of Go's encoding/json/v2 (in the standard library from
// Go 1.27): it decodes the vendors' documents into typed fields two to
// three times faster than encoding/json, with a third of the allocations
// (BENCHMARKS.md, "The JSON engine").
//
// Its defaults are stricter than encoding/json's, and what a server sends
// is tolerated, so answers are read with encoding/json's leniency where
// v2 would refuse: a member name that repeats (the last value wins, as in
// encoding/json), invalid UTF-8 in a string (kept as sent, bytes replaced
// by U+FFFD on decoding into a Go string), and member names matched
// without regard to case. What the SDK sends is encoded with encoding/json
// and stays strict.
var tolerant = jsonv2.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsonv2.MatchCaseInsensitiveNames(true),
)

// Unmarshal decodes a server's JSON answer into v, tolerantly (see above).
// A document that is not whole JSON (truncated, or nested deeper than
// 10,000 levels) is an error, as is a value that does not fit its field.
func Unmarshal(data []byte, v any) error { return jsonv2.Unmarshal(data, v, tolerant) }

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
	return !errors.As(err, &se) && !errors.As(err, &te) && !errors.Is(err, io.ErrUnexpectedEOF)
}

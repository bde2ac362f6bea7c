package thalamus

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/internal/jsonx"
)

// The shared sentinels; errors.Is matches an *APIError onto them by status.
var (
	ErrInvalidInput       = core.ErrInvalidInput       // rejected before sending: nothing went on the wire
	ErrUnauthorized       = core.ErrUnauthorized       // 401: no valid session or credentials
	ErrForbidden          = core.ErrForbidden          // 403
	ErrNotFound           = core.ErrNotFound           // 404
	ErrConflict           = core.ErrConflict           // 409 / 412
	ErrRejected           = core.ErrRejected           // 400 / 422: the server refused the request's content
	ErrRateLimited        = core.ErrRateLimited        // 429 after the retries, or Retry-After beyond the max wait
	ErrServer             = core.ErrServer             // 5xx after the retries
	ErrResponseTooLarge   = core.ErrResponseTooLarge   // body over the WithMaxResponseBytes cap
	ErrUnexpectedResponse = core.ErrUnexpectedResponse // a 2xx answer that could not be read
)

// The error codes of the assignment service, each matched with errors.Is on
// the returned error, whatever their casing in the answer. ErrBothTargets
// and ErrNoTarget are also returned before sending, together with
// ErrInvalidInput, when the Assignee is wrong.
var (
	ErrInvalidID        = errors.New("thalamus: invalid case instance id, or not authorized for it") // invalidId
	ErrOperatorNotValid = errors.New("thalamus: operator does not exist or is invalid")              // operatorNotValid
	ErrInvalidGroupName = errors.New("thalamus: operator group does not exist")                      // invalidName
	ErrNotAuthorized    = errors.New("thalamus: operator not authorized for this case type")         // isNotAuthorized
	ErrOperatorBlocked  = errors.New("thalamus: operator is blocked")                                // blocked
	ErrBothTargets      = errors.New("thalamus: both email and groupName given")                     // invalid
	ErrNoTarget         = errors.New("thalamus: neither email nor groupName given")                  // missing
)

var codeSentinels = map[string]error{
	"invalidid":        ErrInvalidID,
	"operatornotvalid": ErrOperatorNotValid,
	"invalidname":      ErrInvalidGroupName,
	"isnotauthorized":  ErrNotAuthorized,
	"blocked":          ErrOperatorBlocked,
	"invalid":          ErrBothTargets,
	"missing":          ErrNoTarget,
}

// SentinelFor returns the sentinel of an error code (any casing), or nil.
func SentinelFor(code string) error { return codeSentinels[strings.ToLower(code)] }

// FieldError is one pair of an error answer's errors object.
type FieldError struct {
	Field string // the errors object's key, e.g. "email"
	Code  string // its code, e.g. "isNotAuthorized"
}

// FieldErrors is every pair of an error answer's errors object, in order,
// duplicate fields included. errors.Is matches the sentinel of each code.
// Reach it with errors.As on the error AssignCase returned.
type FieldErrors []FieldError

// Error lists the pairs.
func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Field + ": " + e.Code
	}
	return strings.Join(parts, "; ")
}

// Is reports whether any code's sentinel is target.
func (fe FieldErrors) Is(target error) bool {
	for _, e := range fe {
		if s := SentinelFor(e.Code); s != nil && s == target {
			return true
		}
	}
	return false
}

func invalidAs(field, reason string, kind error) *ValidationError {
	e := core.InvalidAs(pkg, field, reason, kind)
	return &ValidationError{Field: e.Field, Reason: e.Reason, err: e}
}

// ParseFieldErrors reads {"errors": {"<field>": "<code>", ...}} keeping
// every pair in order, duplicate keys included (a Go map would keep only the
// last). A value that is a list of codes gives one pair per code; any other
// value is kept as its JSON text.
func ParseFieldErrors(body []byte) (FieldErrors, bool) {
	raw, ok, err := jsonx.Member(body, "errors")
	if err != nil || !ok {
		return nil, false
	}
	var out FieldErrors
	add := func(field string, v []byte) {
		var code string
		if json.Unmarshal(v, &code) == nil {
			out = append(out, FieldError{Field: field, Code: code})
			return
		}
		var codes []string
		if json.Unmarshal(v, &codes) == nil {
			for _, c := range codes {
				out = append(out, FieldError{Field: field, Code: c})
			}
			return
		}
		out = append(out, FieldError{Field: field, Code: string(v)})
	}
	if err := jsonx.Members(raw, func(key, v []byte) {
		var field string
		_ = json.Unmarshal(key, &field)
		add(field, v)
	}); err != nil {
		// A list form: ["code", ...] or [{"field": "...", "code": "..."}, ...].
		_ = jsonx.Elements(raw, func(_ int, el []byte) {
			var obj struct{ Field, Code string }
			if json.Unmarshal(el, &obj) == nil && obj.Code != "" {
				out = append(out, FieldError{Field: obj.Field, Code: obj.Code})
				return
			}
			add("", el)
		})
	}
	return out, len(out) > 0
}

func decodeError(e *core.APIError, body []byte) {
	defer hint(e, body)
	if fe, ok := ParseFieldErrors(body); ok {
		e.Code = fe[0].Code
		e.Message = fe.Error()
		e.SetDetails(fe)
		return
	}
	var b struct {
		Message string `json:"message"`
		Error   string `json:"error"`
		Code    string `json:"code"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code = b.Code
		e.Message = b.Message
		if e.Message == "" {
			e.Message = b.Error
		}
	}
}

// The hints a Thalamus error carries: what the answer most likely means,
// and what to do.
const (
	hintNoSession      = "no operator session: operations on cases need a logged-in operator; build the client with WithOperatorLogin(principal, password)"
	hintTokenRefused   = "the touchpoint or its token was refused: check Credentials.Touchpoint and Credentials.Token (the touchpoint's code and generated token)"
	hintNoRoute        = "no such route or case: check the base URL (the instance URL, without /api/v4) and the case id"
	hintLoginRefused   = "the operator login was refused: check the principal and password given to WithOperatorLogin"
	hintStill401       = "the session was refused again right after a new login: check the operator's rights on this touchpoint"
	hintLoginElsewhere = "the server links its login to a path outside the base URL's: check the base URL's path prefix (the instance URL, without /api/v4)"
)

// hint says what an error answer most likely means: a 401 carrying a
// session context (no operator session) or not (the touchpoint's
// credentials), a 404 (the base URL).
func hint(e *core.APIError, body []byte) {
	switch e.StatusCode {
	case 401:
		if sessionContext(body) {
			e.SetHint(hintNoSession)
			return
		}
		e.SetHint(hintTokenRefused)
	case 404:
		e.SetHint(hintNoRoute)
	}
}

// sessionContext reports whether body is an unauthenticated session
// context: {"context": {...}}, or the common envelope with links.
func sessionContext(body []byte) bool {
	found := false
	_ = jsonx.Members(body, func(key, raw []byte) {
		if k, _ := jsonx.String(key); (k == "context" || k == "links") && (jsonx.Kind(raw) == '{' || jsonx.Kind(raw) == '[') {
			found = true
		}
	})
	return found
}

// setHint replaces the hint of the *APIError err holds, if any.
func setHint(err error, h string) {
	var ae *APIError
	if errors.As(err, &ae) && ae.err != nil {
		ae.err.SetHint(h)
	}
}

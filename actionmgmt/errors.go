package actionmgmt

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/caseassign/caseassign/internal/core"
)

// The shared sentinels; errors.Is matches an *APIError onto them by status.
var (
	ErrInvalidInput       = core.ErrInvalidInput       // rejected before sending: nothing went on the wire
	ErrUnauthorized       = core.ErrUnauthorized       // 401
	ErrForbidden          = core.ErrForbidden          // 403
	ErrNotFound           = core.ErrNotFound           // 404: hub unknown, no Action Management program, no such case; or a role the case lacks
	ErrConflict           = core.ErrConflict           // 409 / 412
	ErrRateLimited        = core.ErrRateLimited        // 429 after the retries, or Retry-After beyond the max wait
	ErrServer             = core.ErrServer             // 5xx after the retries
	ErrResponseTooLarge   = core.ErrResponseTooLarge   // body over the WithMaxResponseBytes cap
	ErrUnexpectedResponse = core.ErrUnexpectedResponse // 2xx whose body could not be decoded
)

var errEmptyToken = errors.New("actionmgmt: the token source returned an empty token")

// APIError is returned for every non-2xx answer; errors.Is maps it onto the
// sentinels by status code. A 408 (the server timed out the request) is an
// APIError with StatusCode 408 and is not retried.
type APIError = core.APIError

// ValidationError reports a call rejected before any I/O; it matches
// ErrInvalidInput.
type ValidationError = core.ValidationError

// RequestError reports a call that got no usable answer (connection failure
// after the retries, cancelled context, oversized or undecodable body).
type RequestError = core.RequestError

func invalid(field, reason string) *ValidationError { return core.Invalid(pkg, field, reason) }

func positive(field string, v int64) error {
	if v <= 0 {
		return invalid(field, "must be a positive id")
	}
	return nil
}

// decodeError reads the 400 body, whose shape is not documented: a message
// in "message", "Message", "error", "error_description", "title" or "detail",
// a list of "errors", or plain text.
func decodeError(e *APIError, body []byte) {
	var b map[string]json.RawMessage
	if json.Unmarshal(body, &b) != nil {
		return // core falls back to a plain-text first line
	}
	str := func(k string) string {
		for key, raw := range b {
			if strings.EqualFold(key, k) {
				var s string
				if json.Unmarshal(raw, &s) == nil {
					return s
				}
			}
		}
		return ""
	}
	for _, k := range []string{"message", "error_description", "error", "title", "detail"} {
		if s := str(k); s != "" {
			e.Message = s
			break
		}
	}
	e.Code = str("code")
	if e.Message == "" {
		if raw, ok := b["errors"]; ok {
			e.Message = strings.TrimSpace(string(raw))
			if len(e.Message) > 300 {
				e.Message = e.Message[:300] + "..."
			}
		}
	}
}

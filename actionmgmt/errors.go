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
	ErrRejected           = core.ErrRejected           // 400 / 422: the server refused the request's content
	ErrRateLimited        = core.ErrRateLimited        // 429 after the retries, or Retry-After beyond the max wait
	ErrServer             = core.ErrServer             // 5xx after the retries
	ErrResponseTooLarge   = core.ErrResponseTooLarge   // body over the WithMaxResponseBytes cap
	ErrUnexpectedResponse = core.ErrUnexpectedResponse // 2xx whose body could not be decoded
)

var errEmptyToken = errors.New("actionmgmt: the token source returned an empty token")

// decodeError reads the 400 body, whose shape is not documented: a message
// in "message", "Message", "error", "error_description", "title" or "detail",
// a list of "errors", or plain text.
func decodeError(e *core.APIError, body []byte) {
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

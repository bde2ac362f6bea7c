package coralogix

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/caseassign/caseassign/internal/core"
)

const pkg = "coralogix"

// The shared sentinels; errors.Is matches an *APIError onto them by status.
var (
	ErrInvalidInput       = core.ErrInvalidInput       // rejected before sending: nothing went on the wire
	ErrUnauthorized       = core.ErrUnauthorized       // 401
	ErrForbidden          = core.ErrForbidden          // 403
	ErrNotFound           = core.ErrNotFound           // 404
	ErrConflict           = core.ErrConflict           // 409 / 412
	ErrRejected           = core.ErrRejected           // 400 / 422: the server refused the request's content
	ErrRateLimited        = core.ErrRateLimited        // 429 after the retries, or Retry-After beyond the max wait
	ErrServer             = core.ErrServer             // 5xx after the retries
	ErrResponseTooLarge   = core.ErrResponseTooLarge   // body over the WithMaxResponseBytes cap
	ErrUnexpectedResponse = core.ErrUnexpectedResponse // 2xx whose body could not be decoded
)

// ErrUnknownRoute matches the exact answer "Not Found: Not Found", which
// Coralogix gives for a path it does not serve: the base URL or the region is
// wrong, not the case id. It also matches ErrNotFound.
var ErrUnknownRoute = unknownRoute{}

type unknownRoute struct{}

func (unknownRoute) Error() string {
	return "unknown route: check the region or base URL"
}

// decodeError reads Coralogix's JSON error {"code", "message"} or its legacy
// plain-text form "Not Found: <message>".
func decodeError(e *core.APIError, body []byte) {
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '{' {
		var b struct {
			Code    json.RawMessage `json:"code"`
			Message string          `json:"message"`
		}
		if json.Unmarshal(t, &b) == nil {
			e.Message = b.Message
			if code := strings.Trim(string(b.Code), `"`); code != "" && code != "null" {
				e.Code = code
			}
			caseNotFound(e)
			return
		}
	}
	if bytes.HasPrefix(t, []byte("<")) {
		return
	}
	text := string(t)
	if text == "Not Found: Not Found" {
		e.Message = "Not Found: Not Found (no such route: check the region or base URL)"
		e.SetDetails(ErrUnknownRoute)
		return
	}
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		text = text[:i]
	}
	if len(text) > 500 {
		text = text[:500]
	}
	if strings.ToValidUTF8(text, "") == text && !strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 && r != '\t' }) {
		e.Message = text
		if prefix, _, ok := strings.Cut(text, ":"); ok && prefix == strings.TrimSpace(prefix) {
			if _, err := strconv.Atoi(prefix); err == nil {
				e.Code = prefix
			}
		}
	}
}

// caseNotFound makes a 400 whose message says a case was not found match
// ErrNotFound too. The spec declares no 404 for get-case and list-events,
// so Coralogix may answer an unknown case with 400 (ErrRejected) as well
// as 404: either way errors.Is(err, ErrNotFound) holds.
func caseNotFound(e *core.APIError) {
	if m := strings.ToLower(e.Message); e.StatusCode == 400 && strings.Contains(m, "case") && strings.Contains(m, "not found") &&
		!strings.Contains(m, "user") && !strings.Contains(m, "assignee") {
		e.SetDetails(ErrNotFound)
	}
}

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

// APIError is returned for every non-2xx answer; see the fields for what it
// carries. errors.Is maps it onto the sentinels by status code.
type APIError = core.APIError

// ValidationError reports a call rejected before any I/O; it matches
// ErrInvalidInput.
type ValidationError = core.ValidationError

// RequestError reports a call that got no usable answer (connection failure
// after the retries, cancelled context, oversized or undecodable body).
type RequestError = core.RequestError

// BulkOptions controls AssignCasesInBatches.
type BulkOptions = core.BulkOptions

// BulkError is the error of AssignCasesInBatches and UnassignCasesInBatches when at least one item failed: Failed
// and Total count items, Errs holds each failure's error, and errors.Is and
// errors.As see through it to every one of them.
type BulkError = core.BulkError

func invalid(field, reason string) *ValidationError { return core.Invalid(pkg, field, reason) }

// decodeError reads Coralogix's JSON error {"code", "message"} or its legacy
// plain-text form "Not Found: <message>".
func decodeError(e *APIError, body []byte) {
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

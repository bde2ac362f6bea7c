package core

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The sentinel errors shared by every package. Each vendor package re-exports
// them under the same names, so errors.Is(err, coralogix.ErrNotFound) and
// errors.Is(err, rootly.ErrNotFound) test against the same value.
var (
	// ErrInvalidInput reports a call rejected before sending: nothing went on the wire.
	ErrInvalidInput = errors.New("invalid input")
	// ErrUnauthorized matches a 401 answer.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden matches a 403 answer.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound matches a 404 answer.
	ErrNotFound = errors.New("not found")
	// ErrConflict matches a 409 or 412 answer.
	ErrConflict = errors.New("conflict")
	// ErrRateLimited matches a 429 still there after the retries, or any
	// answer whose Retry-After exceeded the maximum retry wait.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer matches a 5xx answer still there after the retries.
	ErrServer = errors.New("server error")
	// ErrRejected matches a 400 or 422 answer: the server refused the
	// request's content (an inactive user, an unknown role); APIError
	// carries the vendor's code and message.
	ErrRejected = errors.New("rejected")
	// ErrResponseTooLarge reports a response body over the client's size cap.
	ErrResponseTooLarge = errors.New("response body too large")
)

// MaxErrorBody is how many bytes of an error response APIError.Body keeps.
const MaxErrorBody = 4 << 10

// APIError is returned for every non-2xx answer. errors.Is maps it onto the
// sentinels by status code; errors.As reaches it through any wrapping.
type APIError struct {
	// StatusCode is the HTTP status of the last answer. It is 0 when the
	// client did not send the request because an earlier answer said the
	// server's rate-limit window was used up (X-RateLimit-Remaining: 0)
	// until beyond the maximum retry wait; the error then matches
	// ErrRateLimited and RetryAfter says when the window resets.
	StatusCode int
	// Method is the HTTP method of the request.
	Method string
	// URL is the request URL without its query string or any credential.
	URL string
	// Code is the vendor's error code, where it sends one.
	Code string
	// Message is the vendor's message, or a description derived from the
	// status and body when the body could not be decoded.
	Message string
	// RequestID is the request id from the response headers, where present.
	RequestID string
	// RetryAfter is the wait the server asked for (Retry-After or rate-limit
	// reset headers), where present.
	RetryAfter time.Duration
	// Body holds the first bytes of the response body (at most 4 KiB), with
	// any credential the client knows redacted.
	Body []byte
	// Attempts is how many tries were made, the first included.
	Attempts int

	// Package names the SDK package that made the call ("coralogix", ...).
	pkg string
	// Where says which deployment was called, e.g. "region EU1". May be empty.
	where string
	// rateLimited is set when the client declined to wait a Retry-After
	// longer than its maximum wait.
	rateLimited bool
	// budgetStopped is set when the retry budget, not the server, ended
	// the retries.
	budgetStopped bool
	// details is a vendor-specific error value (field errors, JSON:API error
	// objects) reachable with errors.As and errors.Is through Unwrap.
	details error
	// hint says what to do about the error (the likely cause and the fix),
	// where the package can tell; Error prints it after the message.
	hint string
}

// SetHint records what to do about e: the likely cause and the fix, in a
// few words ("no operator session: build the client with
// WithOperatorLogin"). Error prints it after the vendor's message.
func (e *APIError) SetHint(h string) { e.hint = h }

// Hint returns what SetHint recorded.
func (e *APIError) Hint() string { return e.hint }

// Error describes the failure without any credential or query string.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.pkg != "" {
		b.WriteString(e.pkg)
		if e.where != "" {
			b.WriteString(" (")
			b.WriteString(e.where)
			b.WriteByte(')')
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	if e.StatusCode != 0 {
		b.WriteString(": ")
		b.WriteString(strconv.Itoa(e.StatusCode))
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteByte(' ')
			b.WriteString(t)
		}
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.hint != "" {
		b.WriteString(" — ")
		b.WriteString(e.hint)
	}
	if e.Code != "" {
		b.WriteString(" (code ")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	writeAttempts(&b, e.Attempts, e.budgetStopped)
	return b.String()
}

// writeAttempts says how many tries a call made, when it made more than one.
func writeAttempts(b *strings.Builder, n int, budgetStopped bool) {
	switch {
	case n == 1:
		b.WriteString(" (after 1 try)")
	case n > 1:
		b.WriteString(" (after ")
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" tries)")
	}
	if budgetStopped {
		b.WriteString(" (retries stopped: the client's retry budget is spent)")
	}
}

// Is maps the status code onto the shared sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict || e.StatusCode == http.StatusPreconditionFailed
	case ErrRejected:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || e.rateLimited
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrRetryBudget:
		return e.budgetStopped
	}
	return false
}

// Unwrap exposes the vendor-specific details, if any.
func (e *APIError) Unwrap() error { return e.details }

// SetDetails attaches a vendor-specific error value to e. It is reachable
// through errors.As and errors.Is on any error that wraps e.
func (e *APIError) SetDetails(err error) { e.details = err }

// ValidationError reports a call rejected before any I/O.
// errors.Is(err, ErrInvalidInput) holds for every ValidationError.
type ValidationError struct {
	// Field names the offending input, e.g. "ids[3]" or "assignee.userId".
	Field string
	// Reason says what is wrong with it.
	Reason string

	pkg  string
	kind error // an extra sentinel this error matches, may be nil
}

// Invalid returns a ValidationError for field in package pkg.
func Invalid(pkg, field, reason string) *ValidationError {
	return &ValidationError{Field: field, Reason: reason, pkg: pkg}
}

// InvalidAs is Invalid for an error that also matches kind with errors.Is.
func InvalidAs(pkg, field, reason string, kind error) *ValidationError {
	return &ValidationError{Field: field, Reason: reason, pkg: pkg, kind: kind}
}

// Error reports the field and the reason.
func (e *ValidationError) Error() string {
	prefix := ""
	if e.pkg != "" {
		prefix = e.pkg + ": "
	}
	if e.Field == "" {
		return prefix + "invalid input: " + e.Reason
	}
	return prefix + "invalid " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidInput or the error's extra kind.
func (e *ValidationError) Is(target error) bool {
	return target == ErrInvalidInput || (e.kind != nil && target == e.kind)
}

// RequestError reports a request that got no usable answer: a connection
// failure after the retries, a cancelled context, an oversized body. It wraps
// the cause, so errors.Is(err, context.Canceled) and errors.As(err, *net.OpError)
// work through it.
type RequestError struct {
	Method   string
	URL      string // no query string, no credentials
	Err      error
	Attempts int // how many tries were made, the first included

	budgetStopped bool
	pkg           string
}

// Is reports whether the retry budget ended the retries (ErrRetryBudget).
func (e *RequestError) Is(target error) bool { return target == ErrRetryBudget && e.budgetStopped }

// Error describes the failure without any credential or query string.
func (e *RequestError) Error() string {
	var b strings.Builder
	if e.pkg != "" {
		b.WriteString(e.pkg + ": ")
	}
	b.WriteString(e.Method + " " + e.URL + ": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	writeAttempts(&b, e.Attempts, e.budgetStopped)
	return b.String()
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// GoString shows the exported fields; Body and every text are the
// redacted ones the error holds, so %#v prints no secret either.
func (e *APIError) GoString() string {
	return fmt.Sprintf("&APIError{StatusCode:%d, Method:%q, URL:%q, Code:%q, Message:%q, RequestID:%q, RetryAfter:%s, Body:%q, Attempts:%d}",
		e.StatusCode, e.Method, e.URL, e.Code, e.Message, e.RequestID, e.RetryAfter, e.Body, e.Attempts)
}

// GoString shows the field and the reason.
func (e *ValidationError) GoString() string {
	return fmt.Sprintf("&ValidationError{Field:%q, Reason:%q}", e.Field, e.Reason)
}

// GoString shows the method, URL and the cause's (redacted) text, never
// the cause's inner values, which may hold what the text leaves out.
func (e *RequestError) GoString() string {
	cause := ""
	if e.Err != nil {
		cause = e.Err.Error()
	}
	return fmt.Sprintf("&RequestError{Method:%q, URL:%q, Err:%q, Attempts:%d}", e.Method, e.URL, cause, e.Attempts)
}

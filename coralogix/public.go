package coralogix

import (
	"context"
	"time"

	"github.com/caseassign/caseassign/internal/core"
)

// APIError is returned for every non-2xx answer, and errors.Is maps it onto
// the sentinels by status code (ErrNotFound for 404, ErrRejected for 400 and
// 422, ...). The exact answer "Not Found: Not Found" (a route Coralogix does not serve: check the region or base URL) also matches ErrUnknownRoute.
type APIError struct {
	// StatusCode is the HTTP status of the last answer. It is 0 when the
	// client did not send the request because an earlier answer said the
	// server's rate-limit window was used up (X-RateLimit-Remaining: 0)
	// until beyond the maximum retry wait; the error then matches
	// ErrRateLimited and RetryAfter says when the window resets.
	StatusCode int
	// Method is the request's HTTP method.
	Method string
	// URL is the request URL without its query string or any credential.
	URL string
	// Code is the vendor's error code, where it sends one.
	Code string
	// Message is the vendor's message, or the first line of a plain-text
	// body when the body was not the vendor's error document.
	Message string
	// RequestID is the request id from the response headers, where present.
	RequestID string
	// RetryAfter is the wait the server asked for (Retry-After, or the
	// rate-limit reset), where it said.
	RetryAfter time.Duration
	// Body is the first 4 KiB of the response body, every secret the
	// client knows redacted.
	Body []byte
	// Attempts is how many tries were made, the first included.
	Attempts int

	err *core.APIError
}

func (e *APIError) base() *core.APIError {
	if e.err != nil {
		return e.err
	}
	return &core.APIError{StatusCode: e.StatusCode, Method: e.Method, URL: e.URL, Code: e.Code, Message: e.Message,
		RequestID: e.RequestID, RetryAfter: e.RetryAfter, Body: e.Body, Attempts: e.Attempts}
}

// Error describes the failure: package, method, URL (no query, no
// credential), status, message, code, RetryAfter, request id and tries.
func (e *APIError) Error() string { return e.base().Error() }

// Is maps the status code onto the sentinels: ErrUnauthorized (401),
// ErrForbidden (403), ErrNotFound (404), ErrConflict (409, 412),
// ErrRejected (400, 422), ErrRateLimited (429, or a wait beyond the max),
// ErrServer (5xx).
func (e *APIError) Is(target error) bool { return e.base().Is(target) }

// Unwrap returns the vendor's error details, where the package decodes
// them (see the APIError doc), or nil.
func (e *APIError) Unwrap() error { return e.base().Unwrap() }

// GoString prints the fields; every text in them is already redacted.
func (e *APIError) GoString() string { return e.base().GoString() }

// ValidationError reports a call rejected before any I/O: nothing went on
// the wire. errors.Is(err, ErrInvalidInput) holds for every one.
type ValidationError struct {
	// Field names the offending input, e.g. "ids[3]" or "ctx".
	Field string
	// Reason says what is wrong with it.
	Reason string

	err *core.ValidationError
}

func (e *ValidationError) base() *core.ValidationError {
	if e.err != nil {
		return e.err
	}
	return core.Invalid(pkg, e.Field, e.Reason)
}

// Error names the field and the reason.
func (e *ValidationError) Error() string { return e.base().Error() }

// Is reports whether target is ErrInvalidInput (or the more precise
// sentinel the package documents for this refusal).
func (e *ValidationError) Is(target error) bool { return e.base().Is(target) }

// GoString prints the field and the reason.
func (e *ValidationError) GoString() string { return e.base().GoString() }

// RequestError reports a call that got no usable answer: a connection
// failure after the retries, a cancelled or expired context, a body over
// the size cap, or a 2xx answer that could not be decoded (matching
// ErrUnexpectedResponse). errors.Is and errors.As reach the cause.
type RequestError struct {
	// Method is the request's HTTP method.
	Method string
	// URL is the request URL without its query string or any credential.
	URL string
	// Err is the cause, its text redacted.
	Err error
	// Attempts is how many tries were made, the first included.
	Attempts int

	err *core.RequestError
}

func (e *RequestError) base() *core.RequestError {
	if e.err != nil {
		return e.err
	}
	return &core.RequestError{Method: e.Method, URL: e.URL, Err: e.Err, Attempts: e.Attempts}
}

// Error describes the failure without any credential or query string.
func (e *RequestError) Error() string { return e.base().Error() }

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// GoString prints the fields, the cause as its redacted text.
func (e *RequestError) GoString() string { return e.base().GoString() }

// BulkOptions controls AssignCasesInBatches and UnassignCasesInBatches.
type BulkOptions struct {
	// Concurrency is the number of requests in flight; 0 (or less) means 8.
	Concurrency int
	// OnProgress, when set, is called after each batch with the number
	// of items done and the total (ids, whatever their batch). Calls never overlap and done only
	// grows. A panic in it stops the call (no new item starts, those in
	// flight finish) and is raised again in the goroutine that called the
	// bulk method.
	OnProgress func(done, total int)
	// OnOutcome, when set, is called right after OnProgress with the
	// running counts (ids): how many are done, how many of those
	// succeeded and how many failed, and the total, so a job can tell
	// successes from failures while it runs. Calls never overlap; a panic
	// in it is handled like one in OnProgress.
	OnOutcome func(Progress)
	// DiscardCases keeps no case in BatchResult.Cases: a job of any size
	// then holds only its ids (SucceededIDs and Failures are filled as
	// always), so its memory stays flat in the number of ids.
	DiscardCases bool
}

// Progress is a bulk call's running count (ids): Done = Succeeded + Failed,
// out of Total.
type Progress struct {
	Done, Succeeded, Failed, Total int
}

func (o BulkOptions) core() core.BulkOptions {
	c := core.BulkOptions{Concurrency: o.Concurrency, OnProgress: o.OnProgress}
	if f := o.OnOutcome; f != nil {
		c.OnOutcome = func(p core.Progress) { f(Progress(p)) }
	}
	return c
}

// BulkError is the error of AssignCasesInBatches and UnassignCasesInBatches when at least one item failed, next
// to the outcomes of every item. errors.Is(err, target) holds when it holds
// for any failure's error, and errors.As reaches each one's *APIError.
type BulkError struct {
	// Failed is how many ids failed; Total is how many there were. Errs has
	// one error per failure of BatchResult.Failures (an id, or ids that
	// failed together), so len(Errs) can be smaller than Failed.
	Failed, Total int
	// Errs holds each failure's error, in input order.
	Errs []error
}

// Error says how many items failed and why the first one did.
func (e *BulkError) Error() string { return e.base().Error() }

// Unwrap returns every failure's error, for errors.Is and errors.As.
func (e *BulkError) Unwrap() []error { return e.Errs }

// GoString prints the counts and each error's (redacted) text.
func (e *BulkError) GoString() string { return e.base().GoString() }

func (e *BulkError) base() *core.BulkError {
	return core.NewBulkErrorOf(pkg, e.Failed, e.Total, e.Errs)
}

// Try describes one try of a call, as the hook given to WithTryHook
// receives it. A transport (WithHTTPClient) sees each try separately too.
type Try struct {
	Method    string        // the HTTP method
	Path      string        // the request path, without query, secrets redacted
	Status    int           // the answer's status; 0 when no answer came
	Attempt   int           // 1 for the first try of the call, 2 for the first retry, ...
	Duration  time.Duration // from sending the request to reading the whole body
	Err       error         // why no usable answer came (nil when one did), redacted
	RequestID string        // the answer's request id, where it sent one
	RateLimit RateLimit     // the answer's X-RateLimit-* headers
}

// RateLimit is what an answer's X-RateLimit-* headers said.
type RateLimit struct {
	// Limit, Remaining and Used are the headers' numbers (the first number
	// of X-RateLimit-Limit when it lists several); -1 when the answer did
	// not send that header. Coralogix documents no rate-limit headers, so they
	// are -1 unless a server or proxy in front of it sends them.
	Limit, Remaining, Used int
	// Reset is when the window resets; zero when not sent.
	Reset time.Time
	// Seen is when the answer arrived; zero when no answer has carried
	// rate-limit headers yet.
	Seen time.Time
}

func rateLimitOf(r core.RateLimit) RateLimit {
	return RateLimit{Limit: r.Limit, Remaining: r.Remaining, Used: r.Used, Reset: r.Reset, Seen: r.Seen}
}

// WithTryHook calls hook after every try of every call: method, path,
// status, attempt, duration, error, request id and rate-limit headers, so
// you can count, trace and alert without wrapping the transport. It runs on
// the calling goroutine, between tries: keep it quick, and make it safe for
// concurrent use when the client is shared.
func WithTryHook(hook func(Try)) Option {
	return func(o *options) {
		if hook == nil {
			o.core.SetTryHook(nil)
			return
		}
		o.core.SetTryHook(func(t core.Try) {
			hook(Try{Method: t.Method, Path: t.Path, Status: t.Status, Attempt: t.Attempt, Duration: t.Duration,
				Err: t.Err, RequestID: t.RequestID, RateLimit: rateLimitOf(t.RateLimit)})
		})
	}
}

// WithAttemptTimeout bounds each try, the reading of its answer included
// (default: no bound but the context's). A try that runs past it fails
// with an error matching context.DeadlineExceeded and is retried like a
// connection error; a negative value is refused by NewClient.
func WithAttemptTimeout(d time.Duration) Option {
	return func(o *options) { o.core.SetAttemptTimeout(d) }
}

// RateLimit returns what the last answer carrying X-RateLimit-* headers
// said (Seen is zero before any did), so a job sharing an API key can
// watch its headroom. Safe for concurrent use.
func (c *Client) RateLimit() RateLimit { return rateLimitOf(c.transport().RateLimit()) }

// public turns the core's error types into this package's.
func public(err error) error {
	switch e := err.(type) {
	case *core.APIError:
		return &APIError{StatusCode: e.StatusCode, Method: e.Method, URL: e.URL, Code: e.Code, Message: e.Message,
			RequestID: e.RequestID, RetryAfter: e.RetryAfter, Body: e.Body, Attempts: e.Attempts, err: e}
	case *core.RequestError:
		return &RequestError{Method: e.Method, URL: e.URL, Err: e.Err, Attempts: e.Attempts, err: e}
	case *core.ValidationError:
		return &ValidationError{Field: e.Field, Reason: e.Reason, err: e}
	}
	return err
}

func invalid(field, reason string) *ValidationError {
	e := core.Invalid(pkg, field, reason)
	return &ValidationError{Field: e.Field, Reason: e.Reason, err: e}
}

// Version is the SDK's version, sent in the User-Agent
// ("caseassign-go/<Version> (<package>)").
const Version = core.Version

// Limiter is anything a try can wait on for its turn: a *rate.Limiter
// from golang.org/x/time/rate fits, and so does a limiter that shares one
// budget among many processes (examples/shared-limit does it through
// Redis). Wait returns an error when ctx ends first.
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithLimiter makes every try wait on l too, after the client's own pace
// and WithRateLimit, so a limiter shared with other processes hands out a
// turn only when the try can go at once. nil removes it.
func WithLimiter(l Limiter) Option { return func(o *options) { o.core.SetLimiter(l) } }

// WithoutAdaptivePace turns off the adaptive pace. By default, once a try
// is throttled (429, or 503 with Retry-After), the whole client waits out
// the server's pause and then paces itself: at the rate that succeeded,
// doubling until the next throttle, then cut by 10% on each throttle (at
// most once a second) and rising again by 10% a second, 1% a second near
// the rate of the last throttle. Without it, each call only honours its
// own Retry-After (the whole client still waits for a used-up
// X-RateLimit window).
func WithoutAdaptivePace() Option { return func(o *options) { o.core.SetAdaptive(false) } }

// WithRetryBudget sizes the client's retry budget: n retries after
// failures (5xx, connection errors; throttled tries cost nothing), each
// successful answer earning back a fifth of one (default 100). When it is
// spent, calls return their last error at once, matching ErrRetryBudget,
// so a job against a server that is down fails fast instead of
// multiplying its load. n < 0 turns the budget off; 0 is refused.
func WithRetryBudget(n int) Option { return func(o *options) { o.core.SetRetryBudget(n) } }

// ErrRetryBudget matches an error whose retries the client's retry budget
// ended (WithRetryBudget), not the server.
var ErrRetryBudget = core.ErrRetryBudget

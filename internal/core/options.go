package core

import (
	"log/slog"
	"math"
	"net/http"
	"time"
)

// Defaults shared by every package. Each package documents them in its godoc.
const (
	DefaultRetryMax     = 4
	DefaultRetryWaitMin = 250 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	DefaultMaxBodyBytes = 32 << 20
	DefaultConcurrency  = 8
	// DefaultMaxIdleConnsPerHost sizes the default transport's idle pool so
	// that bulk calls up to this concurrency keep their connections alive.
	DefaultMaxIdleConnsPerHost = 128
)

// Options holds the settings every package shares. The zero value means
// "all defaults"; setters record that a value was chosen, so 0 can mean
// "disabled" where the contract says so.
type Options struct {
	baseURL      string
	insecureHTTP bool
	httpClient   *http.Client
	retryMax     int
	retryMaxSet  bool
	waitMin      time.Duration
	waitMax      time.Duration
	waitSet      bool
	ratePerSec   float64
	rateBurst    int
	logger       *slog.Logger
	userAgent    string
	maxBody      int64
	errs         []error // contradictory or out-of-range values, reported by New

	tryHook        func(Try)
	attemptTimeout time.Duration
	limiter        Limiter
	noAdaptive     bool
	budget         int // retries the budget holds; 0: the default; -1: no budget
}

// DefaultRetryBudget is how many retries after failures a client's budget
// holds; each successful answer earns back a fifth of one.
const DefaultRetryBudget = 100

// SetLimiter adds a limiter every try waits for, after the client's own
// pace: one shared by many processes, for example. nil removes it.
func (o *Options) SetLimiter(l Limiter) { o.limiter = l }

// SetAdaptive turns the adaptive pace on (the default) or off.
func (o *Options) SetAdaptive(on bool) { o.noAdaptive = !on }

// SetRetryBudget sizes the retry budget (n >= 1 retries); n 0 is refused,
// n < 0 turns the budget off (every call may use all its retries).
func (o *Options) SetRetryBudget(n int) {
	if o.check(n != 0, "WithRetryBudget", "must hold at least one retry (a negative value turns the budget off)") {
		o.budget = n
	}
}

// SetTryHook sets a function called after every try of every call.
func (o *Options) SetTryHook(h func(Try)) { o.tryHook = h }

// SetAttemptTimeout bounds each try (0: no bound but the context's); a
// negative value is refused.
func (o *Options) SetAttemptTimeout(d time.Duration) {
	if o.check(d >= 0, "WithAttemptTimeout", "must not be negative") {
		o.attemptTimeout = d
	}
}

// check records a refused option value; New returns it as an error
// matching ErrInvalidInput.
func (o *Options) check(ok bool, option, reason string) bool {
	if !ok {
		o.errs = append(o.errs, Invalid("", option, reason))
	}
	return ok
}

// Err returns the first refused option value, or nil.
func (o *Options) Err() error {
	if len(o.errs) == 0 {
		return nil
	}
	return o.errs[0]
}

// SetBaseURL records the base URL; it is checked by New.
func (o *Options) SetBaseURL(raw string) { o.baseURL = raw }

// BaseURL returns the recorded base URL, empty when none was set.
func (o *Options) BaseURL() string { return o.baseURL }

// SetInsecureHTTP allows plain http to a non-loopback host.
func (o *Options) SetInsecureHTTP() { o.insecureHTTP = true }

// SetHTTPClient sets the http.Client used as a base. It is copied, never mutated.
func (o *Options) SetHTTPClient(hc *http.Client) { o.httpClient = hc }

// SetRetryMax sets the number of retries after the first try; 0 disables
// retries and a negative value is refused.
func (o *Options) SetRetryMax(n int) {
	if o.check(n >= 0, "WithRetryMax", "must not be negative") {
		o.retryMax, o.retryMaxSet = n, true
	}
}

// SetRetryWait sets the bounds of the backoff between tries. A negative
// wait, or a max below the min, is refused.
func (o *Options) SetRetryWait(lo, hi time.Duration) {
	if o.check(lo >= 0 && hi >= 0, "WithRetryWait", "waits must not be negative") &&
		o.check(hi >= lo, "WithRetryWait", "the max wait must not be below the min wait") {
		o.waitMin, o.waitMax, o.waitSet = lo, hi, true
	}
}

// SetRateLimit sets the client-side limiter; perSecond 0 disables it. A
// negative or non-finite rate, or a negative burst, is refused; a burst of
// 0 with a rate means 1.
func (o *Options) SetRateLimit(perSecond float64, burst int) {
	if o.check(perSecond >= 0 && !math.IsInf(perSecond, 0), "WithRateLimit", "the rate must be 0 (off) or a positive number") &&
		o.check(burst >= 0, "WithRateLimit", "the burst must not be negative") {
		o.ratePerSec, o.rateBurst = perSecond, burst
	}
}

// SetLogger sets the structured logger; nil keeps the client silent.
func (o *Options) SetLogger(l *slog.Logger) { o.logger = l }

// SetUserAgent sets a product token appended to the SDK's own User-Agent.
func (o *Options) SetUserAgent(ua string) { o.userAgent = ua }

// SetMaxResponseBytes sets the response body cap; 0 restores the default
// and a negative value is refused.
func (o *Options) SetMaxResponseBytes(n int64) {
	if o.check(n >= 0, "WithMaxResponseBytes", "must not be negative") {
		o.maxBody = n
	}
}

func (o *Options) retryMaxOr() int {
	if o.retryMaxSet {
		return o.retryMax
	}
	return DefaultRetryMax
}

func (o *Options) waits() (lo, hi time.Duration) {
	lo, hi = DefaultRetryWaitMin, DefaultRetryWaitMax
	if o.waitSet {
		lo, hi = o.waitMin, o.waitMax
	}
	return lo, hi
}

func (o *Options) maxBodyOr() int64 {
	if o.maxBody > 0 {
		return o.maxBody
	}
	return DefaultMaxBodyBytes
}

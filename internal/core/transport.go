package core

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// transport wraps the caller's RoundTripper for each try: it waits for the
// rate limiter, applies credentials to a private copy of the request (only
// for the base origin), reads the body through the size cap, and logs.
//
// It deliberately does not implement CloseIdleConnections: go-retryablehttp
// calls http.Client.CloseIdleConnections when it gives up, and that must not
// close the idle connections of a transport other clients share.
type transport struct {
	c    *Client
	next http.RoundTripper
}

type authError struct{ err error }

func (e *authError) Error() string { return "credentials: " + e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

type limitError struct {
	err      error
	deadline bool // the wait could not end before the context's deadline
}

func (e *limitError) Error() string { return "client-side rate limit: " + e.err.Error() }

// Unwrap gives the limiter's error and, when the context's deadline was
// what made the wait impossible, context.DeadlineExceeded.
func (e *limitError) Unwrap() []error {
	if e.deadline {
		return []error{e.err, context.DeadlineExceeded}
	}
	return []error{e.err}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	ctx := req.Context()
	var st *callState // nil without a logger or a try hook
	p := policyOf(ctx)
	if p != nil {
		p.state.attempt++
		if c.logger != nil || c.tryHook != nil {
			st = &p.state
		}
	}
	if err := c.pace(ctx); err != nil {
		closeBody(req)
		return nil, err
	}
	out := req
	if c.spec.Auth != nil && sameOrigin(req.URL, c.base) {
		r2 := new(http.Request)
		*r2 = *req
		r2.Header = req.Header.Clone()
		if c.spec.AuthSetsURL {
			u2 := *req.URL
			r2.URL = &u2
		}
		if err := c.spec.Auth(r2); err != nil {
			closeBody(req)
			return nil, &authError{err}
		}
		if c.spec.DynamicCredentials {
			c.noteCredentials(r2)
		}
		if p != nil && c.spec.Reauth != nil {
			p.sentAuth = r2.Header.Get(headerAuth)
		}
		out = r2
	}
	if c.attemptTimeout > 0 {
		tctx, cancel := context.WithTimeoutCause(ctx, c.attemptTimeout, &attemptTimeoutError{c.attemptTimeout})
		defer cancel() // the body is read below, before this returns
		out = out.WithContext(tctx)
	}
	start := time.Now()
	c.inflight.Add(1)
	resp, err := t.next.RoundTrip(out)
	c.inflight.Add(-1)
	if err != nil {
		err = c.tryError(out.Context(), err)
		c.observe(ctx, st, req, nil, time.Since(start), err)
		return nil, err
	}
	data, err := readBody(resp.Body, resp.ContentLength, c.maxBody)
	_ = resp.Body.Close()
	if err != nil {
		err = c.tryError(out.Context(), err)
		c.observe(ctx, st, req, resp, time.Since(start), err)
		return nil, err
	}
	c.noteRateLimit(resp.Header)
	resp.Body = &bufBody{b: data}
	resp.ContentLength = int64(len(data))
	resp.Request = req // never the copy that carries credentials
	c.observe(ctx, st, req, resp, time.Since(start), nil)
	return resp, nil
}

// tryError names a per-try timeout (WithAttemptTimeout) as such: the error
// matches context.DeadlineExceeded, and is retried, since the caller's own
// context has not ended.
func (c *Client) tryError(tctx context.Context, err error) error {
	var ate *attemptTimeoutError
	if cause := context.Cause(tctx); errors.As(cause, &ate) && errors.Is(err, context.DeadlineExceeded) {
		return ate
	}
	return err
}

// attemptTimeoutError is one try running past WithAttemptTimeout.
type attemptTimeoutError struct{ d time.Duration }

func (e *attemptTimeoutError) Error() string { return "try timed out after " + e.d.String() }
func (e *attemptTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// observe reports one try: to the debug log, to the try hook, and to the
// client's rate-limit snapshot.
func (c *Client) observe(ctx context.Context, st *callState, req *http.Request, resp *http.Response, d time.Duration, err error) {
	status := 0
	var rl RateLimit
	var haveRL bool
	if resp != nil {
		status = resp.StatusCode
		now := c.now()
		rl, haveRL = parseRateLimit(resp.Header, now)
		if haveRL {
			snap := rl // only answers with rate-limit headers allocate a snapshot
			c.rateLimit.Store(&snap)
		}
		if status < 500 && status != http.StatusTooManyRequests {
			// The server answered for itself: the pace may rise and the
			// retry budget earns a little back.
			if c.pacer != nil {
				c.pacer.success(now)
			}
			if c.budget != nil {
				c.budget.put(refill)
			}
		}
	}
	c.logTry(ctx, st, req, status, d, err)
	if c.tryHook == nil || st == nil {
		return
	}
	info := Try{
		Method:    req.Method,
		Path:      c.Redact(req.URL.Path),
		Status:    status,
		Attempt:   st.tries + 1,
		Duration:  d,
		RateLimit: rl,
	}
	if !haveRL {
		info.RateLimit = RateLimit{Limit: -1, Remaining: -1, Used: -1}
	}
	if err != nil {
		info.Err = redactedError{err, c}
	}
	if resp != nil {
		info.RequestID = c.Redact(requestID(resp.Header))
	}
	c.tryHook(info)
}

// pace makes a try wait its turn, client-wide: the server's pause (a
// Retry-After or a used-up rate-limit window, which every try of the
// client honours), the rate-limit window's headroom against the tries in
// flight, the adaptive pace, the fixed ceiling of WithRateLimit, and last
// the caller's own limiter (WithLimiter), so a token of a limiter shared
// with other processes is taken only when the try can go at once.
func (c *Client) pace(ctx context.Context) error {
	if err := c.waitRateLimitReset(ctx); err != nil {
		return err
	}
	if err := c.waitHeadroom(ctx); err != nil {
		return err
	}
	if c.pacer != nil {
		if err := c.pacer.wait(ctx); err != nil {
			return c.limitWaitError(ctx, err)
		}
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return c.limitWaitError(ctx, err)
		}
	}
	if c.extLimiter != nil {
		if err := c.extLimiter.Wait(ctx); err != nil {
			return c.limitWaitError(ctx, err)
		}
	}
	return nil
}

// limitWaitError is the error of a limiter wait that failed: the context's
// own, or a *limitError that matches context.DeadlineExceeded when the
// wait could not end before the deadline.
func (c *Client) limitWaitError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// rate.Limiter refuses at once a wait that would end after the
	// deadline: that is the deadline's doing.
	_, hasDeadline := ctx.Deadline()
	return &limitError{err: err, deadline: hasDeadline}
}

// waitHeadroom holds a try while the last answer's X-RateLimit-Remaining
// is used up by the tries already in flight: the server said how many more
// it takes, so sending past that only earns 429s. The try waits about one
// request's share of the window ((Reset - seen) / (used + 1)), or until
// the reset when that comes first; the answers in flight then say more. A
// window used up is also a sign for the adaptive pace to slow down. A
// reset beyond the maximum wait is a *pauseError, like a pause.
func (c *Client) waitHeadroom(ctx context.Context) error {
	rl := c.rateLimit.Load()
	if rl == nil || rl.Remaining < 0 || rl.Reset.IsZero() {
		return nil
	}
	if int64(rl.Remaining)-c.inflight.Load() > 0 {
		return nil
	}
	d := time.Until(rl.Reset)
	if d <= 0 {
		return nil
	}
	if d > c.waitMax {
		return &pauseError{wait: d}
	}
	if c.pacer != nil {
		c.pacer.throttled(c.now())
	}
	if used := rl.Limit - rl.Remaining; rl.Limit > 0 && used >= 0 {
		d = min(d, max(rl.Reset.Sub(rl.Seen)/time.Duration(used+1), time.Millisecond))
	}
	return sleep(ctx, d)
}

// throttled is called when a try was throttled (429, or 503 with
// Retry-After): the whole client pauses for the wait the server asked for
// (d, when known), and the adaptive pace slows down.
//
// A wait beyond the maximum is not shared: that call fails with
// ErrRateLimited, and the others find out for themselves.
func (c *Client) throttled(d time.Duration, known bool) {
	now := c.now()
	if known && d > 0 && d <= c.waitMax {
		c.pauseAll(now.Add(d))
	}
	if c.pacer != nil {
		c.pacer.throttled(now)
	}
}

// pauseAll makes every try of the client wait until until (the latest
// pause asked for wins).
func (c *Client) pauseAll(until time.Time) {
	u := until.UnixNano()
	for {
		cur := c.pauseUntil.Load()
		if cur >= u || c.pauseUntil.CompareAndSwap(cur, u) {
			return
		}
	}
}

// noteRateLimit remembers the reset time when the server says no request
// remains in its window (X-RateLimit-Remaining: 0 with X-RateLimit-Reset).
func (c *Client) noteRateLimit(h http.Header) {
	if strings.TrimSpace(h.Get(headerRLRemaining)) != "0" {
		return
	}
	now := c.now()
	d, ok := rateLimitReset(h, now)
	if !ok || d <= 0 {
		return
	}
	c.pauseAll(now.Add(d))
}

// waitRateLimitReset waits, before a try, for the reset of a rate-limit
// window the server said was used up. A reset beyond the maximum retry wait
// is not waited for: the try is refused at once with a *pauseError, which
// the call returns as an error matching ErrRateLimited with RetryAfter set.
func (c *Client) waitRateLimitReset(ctx context.Context) error {
	until := c.pauseUntil.Load()
	if until == 0 {
		return nil
	}
	d := time.Until(time.Unix(0, until))
	if d <= 0 {
		c.pauseUntil.CompareAndSwap(until, 0)
		return nil
	}
	if d > c.waitMax {
		return &pauseError{wait: d}
	}
	return sleep(ctx, d)
}

// sleep waits d, or returns the context's error as soon as it ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pauseError refuses a try while the server's rate-limit window is used up
// until beyond the maximum retry wait.
type pauseError struct{ wait time.Duration }

func (e *pauseError) Error() string {
	return "not sent: the server's rate-limit window is used up (X-RateLimit-Remaining: 0)"
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// readBody reads r to EOF, refusing more than limit bytes. Reading to EOF is
// what lets the transport reuse the connection. A declared Content-Length
// only sizes the first buffer up to initialBodyBuf: a server that declares
// a size near the cap and sends little makes the SDK allocate what arrives,
// not what was announced.
func readBody(r io.Reader, contentLength, limit int64) ([]byte, error) {
	if contentLength > limit {
		return nil, ErrResponseTooLarge
	}
	size := 512
	if contentLength >= 0 {
		size = int(min(contentLength+1, initialBodyBuf))
	}
	return readLimited(make([]byte, 0, size), r, limit)
}

// initialBodyBuf is the largest buffer allocated on the word of a
// Content-Length header alone.
const initialBodyBuf = 256 << 10

// readAllInto reads r to EOF, appending to buf.
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	return readLimited(buf, r, 1<<62)
}

func readLimited(buf []byte, r io.Reader, limit int64) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, ErrResponseTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// bufBody is a response body already read into memory.
type bufBody struct {
	b   []byte
	off int
}

func (b *bufBody) Read(p []byte) (int, error) {
	if b.off >= len(b.b) {
		return 0, io.EOF
	}
	n := copy(p, b.b[b.off:])
	b.off += n
	return n, nil
}

func (b *bufBody) Close() error { return nil }

// Len is the number of unread bytes: as a request body, it gives the
// request its Content-Length.
func (b *bufBody) Len() int { return len(b.b) - b.off }

// callState follows one call across its tries.
type callState struct {
	attempt int // round trips, redirect hops included
	tries   int // tries finished (answered or failed), as the retry policy saw them
}

// logTry logs one try at debug level: method, path (never the query), status,
// attempt and duration. Nothing is logged without a logger.
func (c *Client) logTry(ctx context.Context, st *callState, req *http.Request, status int, d time.Duration, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("sdk", c.spec.Package),
		slog.String("method", req.Method),
		// A redirect's Location is chosen by the server: redact it too.
		slog.String("host", c.Redact(req.URL.Host)),
		slog.String("path", c.Redact(req.URL.Path)),
	)
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if st != nil {
		attrs = append(attrs, slog.Int("attempt", st.attempt))
	}
	attrs = append(attrs, slog.Duration("duration", d))
	if err != nil {
		attrs = append(attrs, slog.String("error", c.Redact(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "caseassign: http try", attrs...)
}

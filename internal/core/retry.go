package core

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// policy is the retry policy of one call. go-retryablehttp's default policy
// retries every 5xx and ignores Retry-After beyond its cap; this one retries
// only what is safe and useful to retry:
//
//   - 429 (any method), 502, 503 and 504;
//   - connection errors that can heal: refused, reset, dropped mid-answer,
//     truncated body, timeouts (WithAttemptTimeout included), DNS failures
//     other than "no such host";
//   - nothing else: not 500 (the server looked at the request and failed on
//     it), not a host that does not exist, not TLS failures, not a URL the
//     transport refuses, not the caller's own cancellation.
//
// A Retry-After (429 and 503) longer than the maximum wait is not slept: the
// call ends at once and the error matches ErrRateLimited. A retry whose wait
// would end after the context's deadline is not started: the call returns
// the last error at once.
type policy struct {
	c             *Client
	state         callState
	deadline      time.Time // zero without a deadline
	rateLimited   bool
	budgetStopped bool // the retry budget, not the policy, declined a retry
	nextWait      time.Duration
	reason        string
	sentAuth      string // the Authorization value of the last try (with Spec.Reauth)
	reauthed      bool   // the call was sent again after a 401 (Spec.Reauth)
}

func (p *policy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	p.state.tries++
	if cerr := ctx.Err(); cerr != nil {
		return false, cerr
	}
	if err != nil {
		if !retryableError(err) {
			return false, nil
		}
		return p.schedule(nil, true)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		d, ok := retryAfter(resp.Header, resp.StatusCode, p.c.now())
		throttled := resp.StatusCode == http.StatusTooManyRequests || ok
		if throttled {
			p.c.throttled(d, ok)
		}
		if ok && d > p.c.waitMax {
			p.rateLimited = true
			return false, nil
		}
		return p.schedule(resp, !throttled)
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return p.schedule(resp, true)
	}
	return false, nil
}

// schedule picks the wait before the next try, and declines the retry when
// there is none left or when the wait would end after the deadline.
//
// A retry after a failure (spend true: 5xx, connection error) takes one
// from the client's retry budget; a throttled try's retry does not.
func (p *policy) schedule(resp *http.Response, spend bool) (bool, error) {
	if p.state.tries > p.c.retryMax {
		return true, nil // go-retryablehttp stops here itself and keeps the last answer
	}
	wait := jitter(p.c.waitMin, p.c.waitMax, p.state.tries-1)
	reason := "connection error"
	if resp != nil {
		reason = "status " + strconv.Itoa(resp.StatusCode)
		if d, ok := retryAfter(resp.Header, resp.StatusCode, p.c.now()); ok && honoursRetryAfter(resp.StatusCode) {
			wait = d
			reason += " with Retry-After"
		}
	}
	if !p.deadline.IsZero() && time.Now().Add(wait).After(p.deadline) {
		return false, nil
	}
	if spend && p.c.budget != nil && !p.c.budget.take() {
		p.budgetStopped = true
		return false, nil
	}
	p.nextWait, p.reason = wait, reason
	return true, nil
}

// callContext is a call's context: the caller's, plus the call's retry
// policy and state, which the shared retryablehttp.Client's hooks and the
// transport find with Value(policyKey{}).
type callContext struct {
	context.Context
	policy policy

	body  []byte       // the request body, replayed on every try
	first bytes.Reader // the reader of the length probe and of the first try
	reads int          // bodyReader's calls
}

// bodyReader gives the request body afresh for each try (go-retryablehttp
// calls it once to probe its length, then before every try, and net/http
// through GetBody to rewind). The probe, which only asks the length, and
// the first try get the reader held in the context; every later try a new
// one, so a try never shares its body with the previous try, which
// net/http may still be writing. The readers are *bytes.Reader: net/http
// then knows the body is in memory and writes it with the headers in one
// write, where any other reader makes it send the headers first (one more
// syscall and packet per request: 10 µs of a 50 µs Thalamus call on
// loopback).
func (cc *callContext) bodyReader() (io.Reader, error) {
	cc.reads++
	if cc.reads <= 2 {
		cc.first.Reset(cc.body)
		return &cc.first, nil
	}
	return bytes.NewReader(cc.body), nil
}

type policyKey struct{}

// Value returns the call's policy for policyKey{}, and asks the caller's
// context for any other key.
func (cc *callContext) Value(key any) any {
	if _, ok := key.(policyKey); ok {
		return &cc.policy
	}
	return cc.Context.Value(key)
}

// policyOf returns the policy of the call ctx belongs to, nil outside one.
func policyOf(ctx context.Context) *policy {
	p, _ := ctx.Value(policyKey{}).(*policy)
	return p
}

// checkRetry is the shared client's CheckRetry: the call's policy decides.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	p := policyOf(ctx)
	if p == nil {
		return false, err
	}
	return p.checkRetry(ctx, resp, err)
}

// noBackoff is the shared client's Backoff, which has no way to reach the
// call (no context, and no response after a connection error): it waits
// nothing, and waitRetry, which has the request, waits the policy's wait.
func noBackoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// waitRetry is the shared client's PrepareRetry, called before each retry:
// it logs the retry at warn level and waits the wait the policy chose,
// ending at once when the context ends.
func waitRetry(req *http.Request) error {
	ctx := req.Context()
	p := policyOf(ctx)
	if p == nil {
		return nil
	}
	if lg := p.c.logger; lg != nil {
		lg.LogAttrs(ctx, slog.LevelWarn, "caseassign: retrying",
			slog.String("sdk", p.c.spec.Package),
			slog.String("reason", p.reason),
			slog.Duration("wait", p.nextWait),
			slog.Int("retry", p.state.tries),
			slog.Int("attempt", p.state.tries),
		)
	}
	return sleep(ctx, p.nextWait)
}

// jitter returns a wait in [lo, min(hi, lo*2^attempt)].
func jitter(lo, hi time.Duration, attempt int) time.Duration {
	if hi <= lo {
		return lo
	}
	ceil := hi
	if attempt < 32 && lo > 0 {
		if c := lo << attempt; c > 0 && c < hi {
			ceil = c
		}
	}
	if ceil <= lo {
		return lo
	}
	return lo + time.Duration(rand.Int64N(int64(ceil-lo)+1))
}

// honoursRetryAfter reports whether the retry policy waits for Retry-After
// on this status: only on 429 and 503, where the header means "come back later".
func honoursRetryAfter(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// retryAfter reads the wait the server asked for: Retry-After in seconds or
// as an HTTP date on 429 and 503, and on 429 also X-RateLimit-Reset (a Unix
// time, or seconds when the value is small). A number too large for a
// time.Duration is the longest wait there is, never garbage to ignore.
func retryAfter(h http.Header, status int, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			return seconds(secs), true
		} else if errors.Is(err, strconv.ErrRange) {
			if v[0] == '-' {
				return 0, true
			}
			return maxDuration, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if status == http.StatusTooManyRequests {
		return rateLimitReset(h, now)
	}
	return 0, false
}

// rateLimitReset reads X-RateLimit-Reset: a Unix time in seconds, or a
// number of seconds when the value is small.
func rateLimitReset(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get(headerRLReset))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(v, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || n != n || n < 0 {
		return 0, false
	}
	if n <= 1e9 {
		return seconds(int64(n)), true
	}
	if n-float64(now.Unix()) >= float64(maxSecs) {
		return maxDuration, true
	}
	return max(time.Unix(int64(n), 0).Sub(now), 0), true
}

const (
	maxSecs     = int64((1<<63 - 1) / time.Second)
	maxDuration = time.Duration(maxSecs) * time.Second // the longest wait a header can ask for
)

func seconds(n int64) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration(min(n, maxSecs)) * time.Second
}

// retryableError reports whether a transport error can heal with another
// try. Refused and reset connections, answers cut short and timeouts can;
// a host that does not exist, a TLS failure, a URL the transport refuses,
// the SDK's own refusals (credentials, limiter, redirects, rate-limit
// pause, body cap) and the caller's cancellation cannot.
func retryableError(err error) bool {
	var (
		ae  *authError
		le  *limitError
		re  *redirectError
		wre *WriteRedirectError
		pe  *pauseError
		ua  x509.UnknownAuthorityError
		ci  x509.CertificateInvalidError
		he  x509.HostnameError
		cve *tls.CertificateVerificationError
		rhe tls.RecordHeaderError
		tae tls.AlertError
		dns *net.DNSError
		ihe url.InvalidHostError
		ese url.EscapeError
	)
	switch {
	case errors.As(err, &ae), errors.As(err, &le), errors.As(err, &re), errors.As(err, &wre), errors.As(err, &pe),
		errors.As(err, &ua), errors.As(err, &ci), errors.As(err, &he), errors.As(err, &cve),
		errors.As(err, &rhe), errors.As(err, &tae), errors.As(err, &ihe), errors.As(err, &ese),
		errors.Is(err, ErrResponseTooLarge), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &dns):
		return !dns.IsNotFound
	}
	msg := err.Error()
	for _, s := range permanentTransportErrors {
		if strings.Contains(msg, s) {
			return false
		}
	}
	return true
}

// permanentTransportErrors are net/http's refusals of a request it will
// refuse again, identified by their text: net/http exports no type for them.
var permanentTransportErrors = []string{
	"unsupported protocol scheme",
	"no Host in request URL",
	"net/http: invalid header field",
	"net/http: invalid method",
	"tls: failed to verify certificate",
	"server gave HTTP response to HTTPS client",
}

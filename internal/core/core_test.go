package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "s3cr3t-Token/+="

// testSpec is a package Spec with a bearer credential and a custom header.
func testSpec() Spec {
	return Spec{
		Package: "testpkg",
		Auth: func(r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+secret)
			r.Header.Set("X-Test-Token", secret)
			return nil
		},
		CredentialHeaders: []string{"X-Test-Token"},
		Secrets:           []string{secret},
		DecodeError: func(e *APIError, body []byte) {
			var b struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			}
			if json.Unmarshal(body, &b) == nil {
				e.Code, e.Message = b.Code, b.Message
			}
		},
	}
}

// fastOptions are options with millisecond waits, and without the
// adaptive pace (a throttled test client would otherwise pace its later
// calls at the floor rate); the pace's own tests turn it on.
func fastOptions(base string) Options {
	var o Options
	o.SetBaseURL(base)
	o.SetRetryMax(3)
	o.SetRetryWait(time.Millisecond, 5*time.Millisecond)
	o.SetAdaptive(false)
	return o
}

func newTestClient(t *testing.T, spec Spec, o Options) *Client {
	t.Helper()
	c, err := New(spec, o)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
}

func TestRetryPolicyPerStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    int
		wantTries int
		sentinel  error
	}{
		{http.StatusTooManyRequests, 4, ErrRateLimited},
		{http.StatusBadGateway, 4, ErrServer},
		{http.StatusServiceUnavailable, 4, ErrServer},
		{http.StatusGatewayTimeout, 4, ErrServer},
		{http.StatusInternalServerError, 1, ErrServer},
		{http.StatusNotImplemented, 1, ErrServer},
		{http.StatusBadRequest, 1, nil},
		{http.StatusUnauthorized, 1, ErrUnauthorized},
		{http.StatusForbidden, 1, ErrForbidden},
		{http.StatusNotFound, 1, ErrNotFound},
		{http.StatusConflict, 1, ErrConflict},
		{http.StatusPreconditionFailed, 1, ErrConflict},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := testsrv.New(okHandler())
			defer srv.Close()
			srv.Inject(testsrv.Fault{Status: tt.status, Body: `{"code":"E1","message":"nope"}`, Times: 100})
			c := newTestClient(t, testSpec(), fastOptions(srv.URL))

			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
				srv.ResetRequests()
				_, err := c.Do(context.Background(), &Request{Method: m, Path: "/x", Body: []byte(`{}`)})
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.status, ae.StatusCode)
				assert.Equal(t, "E1", ae.Code)
				assert.Equal(t, "nope", ae.Message)
				assert.Equal(t, m, ae.Method)
				assert.Len(t, srv.Requests(), tt.wantTries, m)
				if tt.sentinel != nil {
					assert.ErrorIs(t, err, tt.sentinel)
				}
				for _, other := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited, ErrServer} {
					if other != tt.sentinel {
						assert.NotErrorIs(t, err, other)
					}
				}
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault testsrv.Fault
	}{
		{"429 without Retry-After", testsrv.Fault{Status: 429, Times: 2}},
		{"429 with Retry-After 0", testsrv.Fault{Status: 429, RetryAfter: "0", Times: 2}},
		{"503 with past HTTP date", testsrv.Fault{Status: 503, RetryAfter: "Mon, 02 Jan 2006 15:04:05 GMT", Times: 2}},
		{"502", testsrv.Fault{Status: 502, Times: 2}},
		{"504", testsrv.Fault{Status: 504, Times: 2}},
		{"dropped connection", testsrv.Fault{Drop: true, Times: 2}},
		{"dropped after handling", testsrv.Fault{DropAfterHandling: true, Times: 2}},
		{"truncated body", testsrv.Fault{Truncate: true, Times: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := testsrv.New(okHandler())
			defer srv.Close()
			srv.Inject(tt.fault)
			c := newTestClient(t, testSpec(), fastOptions(srv.URL))
			resp, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte(`{"a":1}`)})
			require.NoError(t, err)
			assert.JSONEq(t, `{"ok":"yes"}`, string(resp.Body))
			assert.Len(t, srv.Requests(), 3)
		})
	}
}

func TestRetriesExhaustedOnConnectionError(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Drop: true, Times: 10})
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, srv.URL+"/x", re.URL)
	assert.Len(t, srv.Requests(), 4)
	assert.NotContains(t, err.Error(), secret)
}

func TestRetryMaxZeroDisablesRetries(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 503, Times: 5})
	o := fastOptions(srv.URL)
	o.SetRetryMax(0)
	c := newTestClient(t, testSpec(), o)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	assert.ErrorIs(t, err, ErrServer)
	assert.Len(t, srv.Requests(), 1)
}

func TestRetryAfterBeyondMaxWaitReturnsAtOnce(t *testing.T) {
	t.Parallel()
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		minWait    time.Duration
	}{
		{"429 seconds", 429, "120", 120 * time.Second},
		{"429 HTTP date", 429, future, 59 * time.Minute},
		{"503 seconds", 503, "60", 60 * time.Second},
		{"429 overflowing int64", 429, "99999999999999999999999999", time.Duration(maxSecs) * time.Second},
		{"503 overflowing int64", 503, "184467440737095516160", time.Duration(maxSecs) * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := testsrv.New(okHandler())
			defer srv.Close()
			srv.Inject(testsrv.Fault{Status: tt.status, RetryAfter: tt.retryAfter, Times: 5})
			o := fastOptions(srv.URL)
			o.SetRetryWait(time.Millisecond, time.Second)
			c := newTestClient(t, testSpec(), o)
			start := time.Now()
			_, err := c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/x", Body: []byte("{}")})
			// Generous: the alternative is sleeping a minute or more.
			assert.Less(t, time.Since(start), 10*time.Second)
			assert.ErrorIs(t, err, ErrRateLimited)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.GreaterOrEqual(t, ae.RetryAfter, tt.minWait)
			assert.Contains(t, ae.Error(), "retry after")
			assert.Contains(t, ae.Error(), "WithRetryWait", "the error says why it was not waited and what to do")
			assert.Len(t, srv.Requests(), 1)
		})
	}
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		status int
		want   time.Duration
		ok     bool
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 429, 7 * time.Second, true},
		{"seconds on 503", http.Header{"Retry-After": {" 3 "}}, 503, 3 * time.Second, true},
		{"negative seconds", http.Header{"Retry-After": {"-5"}}, 429, 0, true},
		{"huge seconds", http.Header{"Retry-After": {"99999999999999999"}}, 429, time.Duration(1<<63 - 1).Truncate(time.Second), true},
		{"HTTP date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 429, 90 * time.Second, true},
		{"HTTP date in the past", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 503, 0, true},
		{"seconds overflowing int64", http.Header{"Retry-After": {"99999999999999999999999999"}}, 429, maxDuration, true},
		{"seconds overflowing int64 on 503", http.Header{"Retry-After": {"+184467440737095516160"}}, 503, maxDuration, true},
		{"negative overflow", http.Header{"Retry-After": {"-99999999999999999999999999"}}, 429, 0, true},
		{"rate-limit reset far beyond int64", http.Header{"X-Ratelimit-Reset": {"1e30"}}, 429, maxDuration, true},
		{"rate-limit reset overflowing float64", http.Header{"X-Ratelimit-Reset": {"1e999"}}, 429, maxDuration, true},
		{"rate-limit reset infinite", http.Header{"X-Ratelimit-Reset": {"+Inf"}}, 429, maxDuration, true},
		{"rate-limit reset NaN", http.Header{"X-Ratelimit-Reset": {"NaN"}}, 429, 0, false},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 429, 0, false},
		{"absent", http.Header{}, 429, 0, false},
		{"rate-limit reset unix time", http.Header{"X-Ratelimit-Reset": {"1795437630"}}, 429, time.Unix(1795437630, 0).Sub(now), true},
		{"rate-limit reset seconds", http.Header{"X-Ratelimit-Reset": {"12"}}, 429, 12 * time.Second, true},
		{"rate-limit reset ignored on 503", http.Header{"X-Ratelimit-Reset": {"12"}}, 503, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := retryAfter(tt.header, tt.status, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBackoffHonoursRetryAfterAndJitters(t *testing.T) {
	t.Parallel()
	c := &Client{now: time.Now, spec: Spec{Package: "p"}, retryMax: 4, waitMin: 10 * time.Millisecond, waitMax: time.Minute}
	p := &policy{c: c, state: callState{tries: 1}}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"2"}}}
	retry, _ := p.schedule(resp, true)
	require.True(t, retry)
	assert.Equal(t, 2*time.Second, p.nextWait)
	resp = &http.Response{StatusCode: 502, Header: http.Header{"Retry-After": {"2"}}}
	retry, _ = p.schedule(resp, true)
	require.True(t, retry)
	assert.Equal(t, 10*time.Millisecond, p.nextWait, "Retry-After is honoured on 429 and 503 only")

	seen := map[time.Duration]bool{}
	for attempt := range 40 {
		w := jitter(10*time.Millisecond, 80*time.Millisecond, attempt%6)
		assert.GreaterOrEqual(t, w, 10*time.Millisecond)
		assert.LessOrEqual(t, w, 80*time.Millisecond)
		seen[w] = true
	}
	assert.Greater(t, len(seen), 5, "waits are jittered")
	for range 20 {
		assert.LessOrEqual(t, jitter(10*time.Millisecond, time.Hour, 1), 20*time.Millisecond, "the ceiling grows exponentially")
	}
	assert.Equal(t, 5*time.Millisecond, jitter(5*time.Millisecond, 5*time.Millisecond, 3))
	assert.LessOrEqual(t, jitter(time.Second, time.Minute, 200), time.Minute, "no overflow")
}

func TestCancelDuringRetryWait(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 503, Times: 100})
	o := fastOptions(srv.URL)
	o.SetRetryWait(10*time.Second, 10*time.Second)
	c := newTestClient(t, testSpec(), o)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
	assert.Less(t, time.Since(start), 8*time.Second, "generous: the wait it must cut short is 10 s")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Len(t, srv.Requests(), 1)
}

// TestRetryNotStartedWhenItsWaitEndsAfterTheDeadline: the call returns the
// last error at once instead of sleeping into the deadline.
func TestRetryNotStartedWhenItsWaitEndsAfterTheDeadline(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault testsrv.Fault
		is    error
	}{
		{"backoff", testsrv.Fault{Status: 429, Times: 100}, ErrRateLimited},
		{"Retry-After", testsrv.Fault{Status: 503, RetryAfter: "5", Times: 100}, ErrServer},
		{"connection error", testsrv.Fault{Drop: true, Times: 100}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testsrv.New(okHandler())
			defer srv.Close()
			srv.Inject(tc.fault)
			o := fastOptions(srv.URL)
			o.SetRetryWait(10*time.Second, 10*time.Second)
			c := newTestClient(t, testSpec(), o)
			// Waits of 10 s (or Retry-After 5 s) against a 3 s deadline: the
			// first try takes milliseconds, so 3 s is a generous bound even
			// on a loaded machine.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: "/x", Body: []byte("{}")})
			require.Error(t, err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is, "the last error")
			}
			assert.NoError(t, ctx.Err(), "returned before the deadline, without sleeping into it")
			assert.Len(t, srv.Requests(), 1)
		})
	}
}

func TestBodyReplayedByteForByte(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 502}, testsrv.Fault{Drop: true}, testsrv.Fault{Status: 429, RetryAfter: "0"})
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	body := []byte(`{"ids":["a","b"],"n":"\u00e9\u0000"}` + "\n")
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/x", Body: body})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 4)
	for i, r := range reqs {
		assert.Equal(t, body, r.Body, "try %d", i)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}
}

// syncBuffer is a bytes.Buffer safe for a logger used from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDebugLoggerSeesNoSecret(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad token "+secret, http.StatusBadRequest)
	}))
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 503}, testsrv.Fault{Drop: true})
	var buf syncBuffer
	o := fastOptions(srv.URL)
	o.SetLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c := newTestClient(t, testSpec(), o)
	// POST: net/http silently re-sends an idempotent GET once when a reused
	// connection dies, which would hide the retry this test logs.
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Query: "ids=a&ids=b", Body: []byte("{}")})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, string(ae.Body), secret)
	assert.Contains(t, string(ae.Body), "[REDACTED]")

	logs := buf.String()
	assert.NotContains(t, logs, secret)
	assert.NotContains(t, logs, "ids=")
	assert.Equal(t, 3, strings.Count(logs, "level=DEBUG"), logs)
	assert.Equal(t, 2, strings.Count(logs, "level=WARN"), logs)
	assert.Contains(t, logs, "attempt=3")
	assert.Contains(t, logs, "reason=\"status 503\"")
	assert.Contains(t, logs, "reason=\"connection error\"")
	assert.Contains(t, logs, "path=/x")
}

func TestDynamicCredentialsAreRedacted(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	spec := testSpec()
	spec.Secrets = nil
	spec.DynamicCredentials = true
	spec.Auth = func(r *http.Request) error {
		r.Header.Set("Authorization", "Bearer fetched-token-"+strconv.Itoa(int(n.Add(1))))
		return nil
	}
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "rejected "+r.Header.Get("Authorization"), http.StatusForbidden)
	}))
	defer srv.Close()
	c := newTestClient(t, spec, fastOptions(srv.URL))
	for i := 1; i <= 3; i++ {
		_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.ErrorIs(t, err, ErrForbidden)
		assert.NotContains(t, err.Error(), "fetched-token-"+strconv.Itoa(i))
		assert.Contains(t, err.Error(), "rejected Bearer [REDACTED]")
	}
	for i := range 20 {
		c.noteCredentials(&http.Request{Header: http.Header{"Authorization": {"Bearer tok-" + strconv.Itoa(i)}}})
	}
	c.vault.mu.RLock()
	assert.Len(t, c.vault.dyn, maxDynamicCredentials, "only the last few are kept")
	c.vault.mu.RUnlock()
}

func TestNoLoggerNoOutput(t *testing.T) {
	// Not parallel: it swaps the default slog logger.
	var buf syncBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 503})
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

func TestRedirectToAnotherHostCarriesNoCredential(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []http.Header
	var seenQuery []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		seenQuery = append(seenQuery, r.URL.RawQuery)
		mu.Unlock()
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"ok": "other"})
	}))
	defer other.Close()
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)

	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, target := range []string{other.URL, otherURL} {
			origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target+"/landing?token="+secret+"&keep=1", code)
			}))
			spec := testSpec()
			spec.CredentialQuery = []string{"token"}
			spec.Auth = func(r *http.Request) error {
				r.Header.Set("Authorization", "Bearer "+secret)
				r.Header.Set("X-Test-Token", secret)
				q := r.URL.Query()
				q.Set("token", secret)
				r.URL.RawQuery = q.Encode()
				return nil
			}
			c := newTestClient(t, spec, fastOptions(origin.URL))
			resp, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/start"})
			require.NoError(t, err)
			assert.JSONEq(t, `{"ok":"other"}`, string(resp.Body))
			origin.Close()
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 6)
	for i, h := range seen {
		assert.Empty(t, h.Get("Authorization"), i)
		assert.Empty(t, h.Get("X-Test-Token"), i)
		assert.NotContains(t, seenQuery[i], "token", i)
		assert.Contains(t, seenQuery[i], "keep=1", i)
	}
}

// A 307 or 308 to another origin would send the request body there again
// (a password, personal data): the redirect is refused and nothing arrives.
// A 302 would turn the POST into a GET without a body: refused too (see
// TestWriteRedirectIsNotASuccess).
func TestRedirectNeverCarriesABodyToAnotherOrigin(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+string(b))
		mu.Unlock()
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"ok": "other"})
	}))
	defer other.Close()
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/landing", code)
		}))
		c := newTestClient(t, testSpec(), fastOptions(origin.URL))
		_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/login", Body: []byte(`{"password":"` + secret + `"}`)})
		require.Error(t, err, code)
		if code == http.StatusFound {
			assert.ErrorIs(t, err, ErrUnexpectedResponse, code)
		} else {
			assert.Contains(t, err.Error(), "to another origin", code)
		}
		origin.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, bodies)
}

// Go's http.Client follows a 301, 302 or 303 answer to a write as a GET
// without the body: the call would report the page it lands on as the
// write's success. Every such answer to a write is an error matching
// ErrUnexpectedResponse that names the status and where it pointed
// (without query or credential); the landing page is never asked for, and
// the write is not retried. GET follows as before; 307/308 keep their rules.
func TestWriteRedirectIsNotASuccess(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodGet} {
		for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			t.Run(fmt.Sprintf("%s %d", method, code), func(t *testing.T) {
				t.Parallel()
				var mu sync.Mutex
				var hits []string
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					hits = append(hits, r.Method+" "+r.URL.Path)
					mu.Unlock()
					if r.URL.Path == "/landing" {
						testsrv.WriteJSON(w, http.StatusOK, map[string]string{"id": "x"})
						return
					}
					http.Redirect(w, r, "/landing?token="+secret, code)
				}))
				defer srv.Close()
				c := newTestClient(t, testSpec(), fastOptions(srv.URL))
				_, err := c.Do(context.Background(), &Request{Method: method, Path: "/write", Body: []byte(`{"a":1}`)})
				mu.Lock()
				defer mu.Unlock()
				if method == http.MethodGet || code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect {
					assert.NoError(t, err)
					assert.Equal(t, []string{method + " /write", method + " /landing"}, hits)
					return
				}
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrUnexpectedResponse)
				var wre *WriteRedirectError
				require.ErrorAs(t, err, &wre)
				assert.Equal(t, code, wre.StatusCode)
				assert.Equal(t, method, wre.Method)
				assert.Equal(t, srv.URL+"/landing", wre.Location)
				assert.Contains(t, err.Error(), strconv.Itoa(code))
				assert.Contains(t, err.Error(), "/landing")
				assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, err), secret)
				assert.Equal(t, []string{method + " /write"}, hits, "not followed, not retried")
			})
		}
	}
}

func TestRedirectHTTPSDowngradeRefused(t *testing.T) {
	t.Parallel()
	plain := httptest.NewServer(okHandler())
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/x", http.StatusFound)
	}))
	defer tlsSrv.Close()
	o := fastOptions(tlsSrv.URL)
	o.SetHTTPClient(tlsSrv.Client())
	c := newTestClient(t, testSpec(), o)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refusing a redirect from https to http")
}

func TestCredentialsSentToOwnOrigin(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "Bearer "+secret, reqs[0].Header.Get("Authorization"))
	assert.Equal(t, secret, reqs[0].Header.Get("X-Test-Token"))
	assert.Equal(t, "caseassign-go/"+Version+" (testpkg)", reqs[0].Header.Get("User-Agent"))
	assert.Equal(t, "application/json", reqs[0].Header.Get("Accept"))
	assert.Empty(t, reqs[0].Header.Get("Content-Type"), "no body, no content type")
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 4096)
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			for range 4 {
				_, _ = io.WriteString(w, big)
				w.(http.Flusher).Flush()
			}
			return
		}
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"big": big})
	}))
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetMaxResponseBytes(1024)
	c := newTestClient(t, testSpec(), o)
	for _, p := range []string{"/known-length", "/chunked"} {
		srv.ResetRequests()
		_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: p})
		assert.ErrorIs(t, err, ErrResponseTooLarge, p)
		assert.Contains(t, err.Error(), "1024", p)
		assert.Len(t, srv.Requests(), 1, "an oversized body is not retried")
	}
	o.SetMaxResponseBytes(0)
	c = newTestClient(t, testSpec(), o)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/chunked"})
	assert.NoError(t, err, "default cap is 32 MiB")
}

func TestDefaultBodyCapOnErrorResponse(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Oversize: DefaultMaxBodyBytes + 1})
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

func TestOneConnectionForSequentialCalls(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			http.Error(w, "Not Found: nope", http.StatusNotFound)
		case "/chunked":
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"a":`)
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, `1}`)
		default:
			testsrv.WriteJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
		}
	}))
	defer srv.Close()
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	for i := range 100 {
		p := []string{"/ok", "/404", "/chunked"}[i%3]
		_, _ = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: p, Body: []byte(`{}`)})
	}
	assert.Len(t, srv.Requests(), 100)
	assert.Equal(t, 1, srv.Connections())
}

// countingTransport records CloseIdleConnections calls on a shared transport.
type countingTransport struct {
	http.RoundTripper
	closes atomic.Int32
}

func (c *countingTransport) CloseIdleConnections() { c.closes.Add(1) }

func TestFailureDoesNotCloseSharedIdleConnections(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	shared := &countingTransport{RoundTripper: http.DefaultTransport.(*http.Transport).Clone()}
	defer shared.RoundTripper.(*http.Transport).CloseIdleConnections()
	o := fastOptions(srv.URL)
	o.SetHTTPClient(&http.Client{Transport: shared})
	c := newTestClient(t, testSpec(), o)

	srv.Inject(testsrv.Fault{Status: 503, Times: 10})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.ErrorIs(t, err, ErrServer)

	srv.ClearFaults()
	srv.Inject(testsrv.Fault{Drop: true, Times: 10})
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.Error(t, err)

	srv.ClearFaults()
	srv.Inject(testsrv.Fault{Status: 503, Times: 10})
	o2 := fastOptions(srv.URL)
	o2.SetHTTPClient(&http.Client{Transport: shared})
	o2.SetRetryWait(time.Second, time.Second)
	c2 := newTestClient(t, testSpec(), o2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(20*time.Millisecond, cancel) // during the retry wait
	_, err = c2.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
	require.ErrorIs(t, err, context.Canceled)

	assert.Equal(t, int32(0), shared.closes.Load())
}

func TestCallerHTTPClientNotMutated(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	o := fastOptions(srv.URL)
	o.SetHTTPClient(hc)
	c := newTestClient(t, testSpec(), o)
	resp, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"ok":"yes"}`, string(resp.Body), "the body survives the client's timeout wrapper")
	assert.Same(t, tr, hc.Transport)
	assert.Nil(t, hc.CheckRedirect)
	assert.Nil(t, hc.Jar)
	assert.Equal(t, 5*time.Second, hc.Timeout)
}

func TestAuthErrorReturnedAsIsAndNotRetried(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	tokenErr := errors.New("token source failed")
	spec := testSpec()
	spec.Auth = func(*http.Request) error { return tokenErr }
	c := newTestClient(t, spec, fastOptions(srv.URL))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte(`{}`)})
	assert.Same(t, tokenErr, err)
	assert.Empty(t, srv.Requests())
}

func TestClientSideRateLimit(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetRateLimit(100, 1)
	c := newTestClient(t, testSpec(), o)
	start := time.Now()
	for range 6 {
		_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.NoError(t, err)
	}
	assert.GreaterOrEqual(t, time.Since(start), 45*time.Millisecond, "6 calls at 100/s with burst 1 take at least 50ms")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	o.SetRateLimit(0.01, 1)
	slow := newTestClient(t, testSpec(), o)
	_, err := slow.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	_, err = slow.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
	require.Error(t, err, "the limiter refuses a wait past the deadline")
}

func TestRateLimitHeadersPauseTheNextTry(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var resetIn atomic.Int64
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("X-RateLimit-Limit", "3000")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Duration(resetIn.Load())).Unix(), 10))
		}
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	}))
	defer srv.Close()

	t.Run("reset within the max wait is waited for", func(t *testing.T) {
		calls.Store(0)
		resetIn.Store(int64(2 * time.Second))
		o := fastOptions(srv.URL)
		o.SetRetryWait(time.Millisecond, 10*time.Second)
		c := newTestClient(t, testSpec(), o)
		_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.NoError(t, err)
		until := time.Unix(0, c.pauseUntil.Load())
		require.False(t, until.IsZero())
		_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.NoError(t, err)
		assert.False(t, time.Now().Before(until), "the next try started only after the reset")
	})

	t.Run("reset beyond the max wait fails at once", func(t *testing.T) {
		calls.Store(0)
		resetIn.Store(int64(100 * time.Second))
		o := fastOptions(srv.URL)
		o.SetRetryWait(time.Millisecond, 60*time.Millisecond)
		c := newTestClient(t, testSpec(), o)
		_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.NoError(t, err)
		_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		assert.ErrorIs(t, err, ErrRateLimited)
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 0, ae.StatusCode, "not sent")
		assert.Greater(t, ae.RetryAfter, 90*time.Second)
		assert.Contains(t, ae.Error(), "not sent")
		assert.Equal(t, int32(1), calls.Load(), "the refused call sent nothing")
	})

	t.Run("a client-wide pause beyond the max wait fails at once", func(t *testing.T) {
		o := fastOptions(srv.URL)
		o.SetRetryWait(time.Millisecond, 60*time.Millisecond)
		c := newTestClient(t, testSpec(), o)
		c.pauseUntil.Store(time.Now().Add(time.Hour).UnixNano()) // no rate-limit snapshot: the pause alone
		before := calls.Load()
		_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, before, calls.Load(), "nothing sent")
	})

	t.Run("the wait honours the context and a past reset does not wait", func(t *testing.T) {
		o := fastOptions(srv.URL)
		o.SetRetryWait(time.Millisecond, time.Hour)
		c := newTestClient(t, testSpec(), o)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		c.pauseUntil.Store(time.Now().Add(time.Minute).UnixNano())
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
		assert.ErrorIs(t, err, context.DeadlineExceeded)

		c.pauseUntil.Store(time.Now().Add(-time.Second).UnixNano())
		_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.NoError(t, err)
		assert.Equal(t, int64(0), c.pauseUntil.Load(), "a past reset is forgotten")
	})
}

func TestUserAgentOption(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetUserAgent("routing-bot/2.1")
	c := newTestClient(t, testSpec(), o)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.Equal(t, "caseassign-go/"+Version+" (testpkg) routing-bot/2.1", srv.Requests()[0].Header.Get("User-Agent"))

	o.SetUserAgent("evil\r\nX-Injected: 1")
	_, err = New(testSpec(), o)
	assert.Error(t, err)
}

func TestUndecodableErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body, wantMsg string
	}{
		{"html", "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>", ""},
		{"plain text", "text/plain", "Not Found: no such case\nmore", "Not Found: no such case"},
		{"empty", "", "", ""},
		{"binary", "application/octet-stream", "\x00\x01\x02", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := testsrv.New(okHandler())
			defer srv.Close()
			srv.Inject(testsrv.Fault{Status: 404, Body: tt.body, ContentType: tt.ctype, Header: http.Header{"X-Request-Id": {"req-42"}}})
			c := newTestClient(t, testSpec(), fastOptions(srv.URL))
			_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/cases/1"})
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 404, ae.StatusCode)
			assert.Equal(t, tt.wantMsg, ae.Message)
			assert.Equal(t, "req-42", ae.RequestID)
			assert.Equal(t, tt.body, string(ae.Body))
			assert.ErrorIs(t, err, ErrNotFound)
			assert.Contains(t, err.Error(), "404 Not Found")
			assert.Contains(t, err.Error(), "GET "+srv.URL+"/cases/1")
		})
	}
}

func TestErrorBodyIsCappedInAPIError(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 400, Body: strings.Repeat("e", 10000)})
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Len(t, ae.Body, MaxErrorBody)
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	var out map[string]string
	require.NoError(t, c.JSON(context.Background(), http.MethodPost, "/x", map[string]int{"a": 1}, &out))
	assert.Equal(t, map[string]string{"ok": "yes"}, out)

	srv.Inject(testsrv.Fault{Malformed: true}, testsrv.Fault{Empty: true})
	for range 2 {
		err := c.JSON(context.Background(), http.MethodGet, "/x", nil, &out)
		assert.ErrorIs(t, err, ErrUnexpectedResponse)
		var re *RequestError
		assert.ErrorAs(t, err, &re)
	}
	err := c.JSON(context.Background(), http.MethodPost, "/x", func() {}, nil)
	assert.ErrorIs(t, err, ErrInvalidInput)
}

func TestAPIErrorAndValidationErrorMatching(t *testing.T) {
	t.Parallel()
	extra := errors.New("extra kind")
	v := InvalidAs("pkg", "ids[3]", "bad", extra)
	assert.ErrorIs(t, v, ErrInvalidInput)
	assert.ErrorIs(t, v, extra)
	assert.Equal(t, "pkg: invalid ids[3]: bad", v.Error())
	assert.NotErrorIs(t, Invalid("pkg", "x", "y"), extra)

	details := errors.New("details")
	e := &APIError{StatusCode: 503, rateLimited: true}
	e.SetDetails(details)
	assert.ErrorIs(t, e, ErrServer)
	assert.ErrorIs(t, e, ErrRateLimited)
	assert.ErrorIs(t, e, details)
	assert.NotErrorIs(t, &APIError{StatusCode: 400}, ErrServer)
}

func TestNilContext(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, testSpec(), fastOptions("http://127.0.0.1:1"))
	//lint:ignore SA1012 checking that a nil context is an error, not a panic
	_, err := c.Do(nil, &Request{Method: http.MethodGet, Path: "/x"}) //nolint:staticcheck
	assert.ErrorIs(t, err, ErrInvalidInput)
}

// TestLimiterWaitBeyondDeadlineIsDeadlineExceeded: rate.Limiter refuses at
// once a wait that cannot end before the deadline; the error must say so.
func TestLimiterWaitBeyondDeadlineIsDeadlineExceeded(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetRateLimit(0.01, 1) // one request, then one every 100 s
	c := newTestClient(t, testSpec(), o)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Nil(t, ctx.Err(), "refused at once, long before the deadline")
	assert.Len(t, srv.Requests(), 1)
}

// TestDeclaredLengthIsNotAllocatedUpFront: a server that declares a body
// near the cap and sends a few bytes must not make each try allocate the
// declared size. Not parallel, so the allocation count is this test's own.
func TestDeclaredLengthIsNotAllocatedUpFront(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer ln.Close()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = io.ReadAll(io.LimitReader(conn, 1)) // the request has started
			_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 30000000\r\nContent-Type: application/json\r\n\r\n{\"ok\""))
			_ = conn.Close()
		}
	}()
	o := fastOptions("http://" + ln.Addr().String())
	o.SetRetryMax(4)
	c := newTestClient(t, testSpec(), o)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	runtime.ReadMemStats(&after)
	require.Error(t, err, "the body is short")
	// Five tries that each allocated the declared 30 MB would be 150 MB.
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20))
}

// TestConcurrentCallsKeepTheirOwnRetryState: every call shares the client's
// one retryablehttp.Client, and its retry state travels in its request's
// context. Calls that fail and calls that succeed, interleaved, each count
// their own tries and see their own answer.
func TestConcurrentCallsKeepTheirOwnRetryState(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			testsrv.WriteJSON(w, http.StatusBadGateway, map[string]string{"code": "down"})
			return
		}
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"path": r.URL.Path})
	}))
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetRetryWait(time.Millisecond, time.Millisecond)
	c := newTestClient(t, testSpec(), o)
	const n = 16
	errs := make([]error, n)
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := fmt.Sprintf("/good/%d", i)
			if i%2 == 0 {
				path = "/bad"
			}
			resp, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: path})
			errs[i], bodies[i] = err, string(resp.Body)
		}()
	}
	wg.Wait()
	for i := range n {
		if i%2 == 0 {
			var ae *APIError
			if assert.ErrorAs(t, errs[i], &ae, "call %d", i) {
				assert.Equal(t, 4, ae.Attempts, "call %d: 1 try and 3 retries of its own", i)
			}
			continue
		}
		assert.NoError(t, errs[i], "call %d", i)
		assert.JSONEq(t, fmt.Sprintf(`{"path":"/good/%d"}`, i), bodies[i])
	}
	assert.Equal(t, n/2*4+n/2, srv.Handled())
}

// TestQueryCredentialsOnAPrivateURL: an Auth that puts credentials in the
// query string (AuthSetsURL) works on a URL of its own, so they are set
// once per try, never pile up across retries, and never reach the URL an
// error names.
func TestQueryCredentialsOnAPrivateURL(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 503, Times: 2})
	spec := testSpec()
	spec.AuthSetsURL = true
	spec.CredentialQuery = []string{"token"}
	spec.Auth = func(r *http.Request) error {
		q := r.URL.Query()
		q.Add("token", secret)
		r.URL.RawQuery = q.Encode()
		return nil
	}
	c := newTestClient(t, spec, fastOptions(srv.URL))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x", Query: "a=1"})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assert.Equal(t, "a=1&token="+url.QueryEscape(secret), r.RawQuery, "try %d", i+1)
	}
	srv.Inject(testsrv.Fault{Status: 400, Times: 1})
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x", Query: "a=1"})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, ae.URL, secret)
	assert.NotContains(t, err.Error(), secret)
}

// A 2xx answer that is not the document the call expects is an error
// matching ErrUnexpectedResponse, never a success: an HTML page (with or
// without its content type), XML, an empty or blank body, a truncated
// document. The error quotes nothing of a secret the server echoed.
func TestCallRefusesAnswersThatAreNotTheDocument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body string
		ok                bool
	}{
		{"json", "application/json", `{"id":"x"}`, true},
		{"json:api", "application/vnd.api+json", `{"id":"x"}`, true},
		{"json no type", "", `{"id":"x"}`, true},
		{"json as text/plain", "text/plain; charset=utf-8", `{"id":"x"}`, true},
		{"html page", "text/html; charset=utf-8", `<!doctype html><title>Sign in</title>`, false},
		{"html page labelled json", "application/json", ` <html><body>Sign in</body></html>`, false},
		{"html page no type", "", `<html><body>` + secret + `</body></html>`, false},
		{"xml", "application/xml", `<id>x</id>`, false},
		{"html with a json body", "text/html", `{"id":"x"}`, false},
		{"empty", "application/json", ``, false},
		{"blank", "application/json", " \n\t", false},
		{"truncated", "application/json", `{"id":"x`, false},
		{"echoed secret in a timestamp", "application/json", `{"id":"x","t":"` + secret + `"}`, false},
		{"echoed json-escaped secret", "application/json", `{"id":"x","t":"` + strings.ReplaceAll(secret, "/", `\/`) + `"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				} else {
					w.Header()["Content-Type"] = nil // no sniffing
				}
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c := newTestClient(t, testSpec(), fastOptions(srv.URL))
			out, err := Call(context.Background(), c, &Request{Method: http.MethodPost, Path: "/x", Body: []byte(`{}`)},
				func(b []byte) (string, error) {
					var v struct {
						ID string    `json:"id"`
						T  time.Time `json:"t"`
					}
					if err := json.Unmarshal(b, &v); err != nil {
						return "", err
					}
					return v.ID, nil
				})
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, "x", out)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrUnexpectedResponse)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				assert.NotContains(t, fmt.Sprintf(verb, err), secret, verb)
			}
		})
	}
}

// A big answer is decoded apart from the caller: the call's deadline ends
// the call while the decoding runs, instead of the call returning late.
func TestDeadlineIsHonouredWhileDecoding(t *testing.T) {
	t.Parallel()
	big := `{"pad":"` + strings.Repeat("x", bigBody) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, big)
	}))
	defer srv.Close()
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	release := make(chan struct{})
	decoding := make(chan struct{})
	defer time.AfterFunc(5*time.Second, func() { close(release) }).Stop()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-decoding
		cancel() // the deadline passes while the decoding runs
	}()
	_, err := Call(ctx, c, &Request{Method: http.MethodGet, Path: "/x"}, func(b []byte) (int, error) {
		close(decoding)
		<-release // a decoding that takes its time
		return len(b), nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	var re *RequestError
	assert.ErrorAs(t, err, &re)
	select {
	case <-release:
		t.Error("the call waited for the decoding to end")
	default:
		close(release)
	}
}

// A write redirected to another origin is never sent on, even without a
// body (a DELETE answered 307): it would go there without credentials, and
// its answer would say nothing of the write.
func TestWriteRedirectedToAnotherOriginIsRefused(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"ok": "other"})
	}))
	defer other.Close()
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/landing", code)
		}))
		c := newTestClient(t, testSpec(), fastOptions(origin.URL))
		_, err := c.Do(context.Background(), &Request{Method: http.MethodDelete, Path: "/x"})
		assert.ErrorIs(t, err, ErrUnexpectedResponse, code)
		origin.Close()
	}
	assert.Zero(t, hits.Load())
}

// A content type is named only from a list of common ones: the server's
// text is never repeated, not even lower-cased.
func TestContentTypeIsNeverRepeated(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/"+secret)
		_, _ = io.WriteString(w, `{"id":"x"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))
	_, err := Call(context.Background(), c, &Request{Method: http.MethodGet, Path: "/x"}, func(b []byte) (int, error) { return 0, nil })
	require.ErrorIs(t, err, ErrUnexpectedResponse)
	assert.NotContains(t, strings.ToLower(fmt.Sprintf("%v %+v %#v", err, err, err)), strings.ToLower(secret))
	assert.Contains(t, err.Error(), "a content type that is not JSON")
}

// Every try's body reaches net/http as an in-memory reader it recognizes
// (io.NopCloser of a *bytes.Reader), so the headers and the body go out in
// one write, and every try carries the whole body afresh.
func TestEveryTryBodyIsAnInMemoryReader(t *testing.T) {
	t.Parallel()
	inMemory := reflect.TypeOf(io.NopCloser(bytes.NewReader(nil)))
	var mu sync.Mutex
	var types []reflect.Type
	var bodies []string
	tries := 0
	rt := roundTripper(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		types, bodies = append(types, reflect.TypeOf(r.Body)), append(bodies, string(b))
		tries++
		status := http.StatusServiceUnavailable
		if tries == 3 {
			status = http.StatusOK
		}
		mu.Unlock()
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
	})
	o := fastOptions("https://api.example.com")
	o.SetHTTPClient(&http.Client{Transport: rt})
	c := newTestClient(t, testSpec(), o)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/x", Body: []byte(`{"a":1}`)})
	require.NoError(t, err)
	require.Len(t, types, 3)
	for i := range types {
		assert.Equal(t, inMemory, types[i], "try %d", i+1)
		assert.Equal(t, `{"a":1}`, bodies[i], "try %d", i+1)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

package core

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRejectedMatches400And422Only(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]bool{400: true, 422: true, 401: false, 404: false, 409: false, 429: false, 500: false} {
		assert.Equal(t, want, errors.Is(&APIError{StatusCode: status}, ErrRejected), status)
	}
}

func TestErrorsSayHowManyTries(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	c := newTestClient(t, testSpec(), fastOptions(srv.URL))

	srv.Inject(testsrv.Fault{Status: 503, Times: 10})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 4, ae.Attempts)
	assert.Contains(t, err.Error(), "(after 4 tries)")

	srv.ClearFaults()
	srv.Inject(testsrv.Fault{Drop: true, Times: 10})
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte("{}")})
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 4, re.Attempts)
	assert.Contains(t, err.Error(), "(after 4 tries)")

	srv.ClearFaults()
	srv.Inject(testsrv.Fault{Status: 404})
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 1, ae.Attempts)
	assert.NotContains(t, err.Error(), "tries")
}

// TestErrorsThatCannotHealAreNotRetried: a host that does not exist, TLS
// failures and URLs the transport refuses get one try; refused and reset
// connections and timeouts get every retry.
func TestErrorsThatCannotHealAreNotRetried(t *testing.T) {
	t.Parallel()
	tlsSrv := httptest.NewTLSServer(okHandler()) // its certificate is not trusted
	defer tlsSrv.Close()
	plain := httptest.NewServer(okHandler())
	defer plain.Close()
	cases := []struct {
		name      string
		err       error
		retryable bool
	}{
		{"no such host", &net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true}, false},
		{"DNS timeout", &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, true},
		{"TLS record header", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, false},
		{"bad scheme", errors.New(`unsupported protocol scheme "ftp"`), false},
		{"refused", &net.OpError{Op: "dial", Err: errors.New("connect: connection refused")}, true},
		{"reset", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, true},
		{"try timeout", &attemptTimeoutError{time.Second}, true},
		{"deadline", context.DeadlineExceeded, true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.retryable, retryableError(tc.err), tc.name)
	}
	// End to end: an untrusted certificate and a plain-http server spoken to
	// over TLS each get one try.
	for _, base := range []string{tlsSrv.URL, "https://" + plain.Listener.Addr().String()} {
		var tries int
		var mu sync.Mutex
		o := fastOptions(base)
		o.SetTryHook(func(Try) { mu.Lock(); tries++; mu.Unlock() })
		c := newTestClient(t, testSpec(), o)
		_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.Error(t, err, base)
		assert.Equal(t, 1, tries, base)
	}
	// A refused connection is retried.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	var tries int
	o := fastOptions("http://" + addr)
	o.SetTryHook(func(Try) { tries++ })
	c := newTestClient(t, testSpec(), o)
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.Error(t, err)
	assert.Equal(t, 4, tries)
}

func TestAttemptTimeoutBoundsEachTryAndRetries(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Latency: 5 * time.Second, Times: 2})
	o := fastOptions(srv.URL)
	o.SetAttemptTimeout(50 * time.Millisecond)
	var mu sync.Mutex
	var got []Try
	o.SetTryHook(func(tr Try) { mu.Lock(); got = append(got, tr); mu.Unlock() })
	c := newTestClient(t, testSpec(), o)
	resp, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte("{}")})
	require.NoError(t, err, "the third try, without latency, succeeds")
	assert.Equal(t, 200, resp.StatusCode)
	mu.Lock()
	tries := append([]Try(nil), got...)
	mu.Unlock()
	require.Len(t, tries, 3)
	for i := range 2 {
		assert.ErrorIs(t, tries[i].Err, context.DeadlineExceeded)
		assert.Contains(t, tries[i].Err.Error(), "try timed out after 50ms")
	}
	assert.Equal(t, []int{1, 2, 3}, []int{tries[0].Attempt, tries[1].Attempt, tries[2].Attempt})

	srv.Inject(testsrv.Fault{Latency: 5 * time.Second, Times: 10})
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte("{}")})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "after 4 tries")
}

func TestTryHookAndRateLimitSnapshot(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(time.Hour).Unix()
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "1000, 1000;window=3600")
		w.Header().Set("X-RateLimit-Remaining", "998")
		w.Header().Set("X-RateLimit-Used", "2")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		w.Header().Set("X-Request-Id", "req-"+secret)
		testsrv.WriteJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	}))
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: 502, Header: http.Header{"X-Request-Id": {"first"}}})
	var mu sync.Mutex
	var got []Try
	o := fastOptions(srv.URL)
	o.SetTryHook(func(tr Try) { mu.Lock(); got = append(got, tr); mu.Unlock() })
	c := newTestClient(t, testSpec(), o)
	before := c.RateLimit()
	assert.True(t, before.Seen.IsZero())
	assert.Equal(t, -1, before.Remaining)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/v1/x", Query: "token=" + secret, Body: []byte("{}")})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 2)
	assert.Equal(t, Try{Method: "PUT", Path: "/v1/x", Status: 502, Attempt: 1, Duration: got[0].Duration, RequestID: "first",
		RateLimit: RateLimit{Limit: -1, Remaining: -1, Used: -1}}, got[0])
	second := got[1]
	assert.Equal(t, 200, second.Status)
	assert.Equal(t, 2, second.Attempt)
	assert.NoError(t, second.Err)
	assert.Equal(t, "req-[REDACTED]", second.RequestID)
	assert.Equal(t, 1000, second.RateLimit.Limit)
	assert.Equal(t, 998, second.RateLimit.Remaining)
	assert.Equal(t, 2, second.RateLimit.Used)
	assert.Equal(t, reset, second.RateLimit.Reset.Unix())
	snap := c.RateLimit()
	assert.Equal(t, 998, snap.Remaining)
	assert.False(t, snap.Seen.IsZero())
}

func TestHeaderKeysAreCanonical(t *testing.T) {
	t.Parallel()
	for _, k := range append([]string{headerRLLimit, headerRLRemaining, headerRLUsed, headerRLReset, "Retry-After"}, requestIDs...) {
		assert.Equal(t, http.CanonicalHeaderKey(k), k, "Header.Get(%q) would allocate its canonical form on every answer", k)
	}
}

package proof

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// outcome is what one cell of the matrix observed.
type outcome struct {
	err     error
	tries   int
	held    int
	elapsed time.Duration
}

// cell is one fault, applied to the first request of one assignment.
type cell struct {
	name  string
	fault testsrv.Fault
	// retryAfterIn sets the fault's Retry-After to an HTTP date this far
	// ahead, at injection time.
	retryAfterIn time.Duration
	// tune adjusts the client settings; ctx builds the call's context.
	tune func(*settings)
	ctx  func() (context.Context, context.CancelFunc)
	// want is the expected error (nil: success); wantTries the requests the
	// faulted request went out as; held whether the server holds the
	// assignment afterwards, per package where it differs.
	want      error
	wantTries int
	minTime   time.Duration
	maxTime   time.Duration
	// per-package overrides of want (the API's own semantics differ).
	wantFor map[string]error
	heldFor map[string]int
}

func cells() []cell {
	return []cell{
		{name: "500", fault: testsrv.Fault{Status: 500, Body: `{"message":"boom"}`}, want: core.ErrServer, wantTries: 1},
		{name: "502", fault: testsrv.Fault{Status: 502}, wantTries: 2},
		{name: "503", fault: testsrv.Fault{Status: 503}, wantTries: 2},
		{name: "504", fault: testsrv.Fault{Status: 504}, wantTries: 2},
		{name: "429 without Retry-After", fault: testsrv.Fault{Status: 429}, wantTries: 2},
		{name: "429 Retry-After: 1 (seconds)", fault: testsrv.Fault{Status: 429, RetryAfter: "1"}, wantTries: 2,
			tune: func(s *settings) { s.waitMax = 5 * time.Second }, minTime: 900 * time.Millisecond},
		{name: "429 Retry-After: HTTP date", fault: testsrv.Fault{Status: 429}, retryAfterIn: 2 * time.Second, wantTries: 2,
			tune: func(s *settings) { s.waitMax = 5 * time.Second }, minTime: 500 * time.Millisecond},
		{name: "429 Retry-After beyond the max wait", fault: testsrv.Fault{Status: 429, RetryAfter: "120"}, want: core.ErrRateLimited, wantTries: 1,
			maxTime: generous},
		{name: "connection dropped before the answer", fault: testsrv.Fault{Drop: true}, wantTries: 2},
		{name: "connection dropped after the work was done", fault: testsrv.Fault{DropAfterHandling: true}, wantTries: 2},
		{name: "truncated body", fault: testsrv.Fault{Truncate: true}, wantTries: 2},
		{name: "malformed JSON (200)", fault: testsrv.Fault{Malformed: true}, want: core.ErrUnexpectedResponse, wantTries: 1,
			heldFor: map[string]int{"actionmgmt": 0}},
		{name: "HTML error page (502)", fault: testsrv.Fault{Status: 502, ContentType: "text/html", Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}, wantTries: 2},
		{name: "200 with an empty body", fault: testsrv.Fault{Empty: true}, want: core.ErrUnexpectedResponse, wantTries: 1,
			heldFor: map[string]int{"actionmgmt": 0}},
		{name: "HTML page (200), nothing done", fault: testsrv.Fault{Status: 200, ContentType: "text/html", Body: "<html><body><form>Sign in</form></body></html>"},
			want: core.ErrUnexpectedResponse, wantTries: 1, heldFor: map[string]int{"coralogix": 0, "thalamus": 0, "actionmgmt": 0, "rootly": 0}},
		{name: "JSON that is not the document (200 {})", fault: testsrv.Fault{Status: 200, Body: "{}"},
			want: core.ErrUnexpectedResponse, wantTries: 1, heldFor: map[string]int{"coralogix": 0, "thalamus": 0, "actionmgmt": 0, "rootly": 0}},
		{name: "302 to another path, nothing done", fault: testsrv.Fault{Status: 302, Header: http.Header{"Location": {"/moved"}}},
			want: core.ErrUnexpectedResponse, wantTries: 1, wantFor: map[string]error{"actionmgmt": core.ErrNotFound}, // Forsta's GET is followed
			heldFor: map[string]int{"coralogix": 0, "thalamus": 0, "actionmgmt": 0, "rootly": 0}},
		{name: "body over the size cap", fault: testsrv.Fault{Oversize: 2 << 20}, want: core.ErrResponseTooLarge, wantTries: 1,
			tune: func(s *settings) { s.maxBody = 256 << 10 }},
		{name: "slow server past the caller's deadline", fault: testsrv.Fault{Latency: 30 * time.Second}, want: context.DeadlineExceeded, wantTries: 1,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 100*time.Millisecond)
			},
			maxTime: generous},
		{name: "cancel during a retry wait", fault: testsrv.Fault{Status: 503, Times: 50}, want: context.Canceled, wantTries: 1,
			tune: func(s *settings) { s.waitMin, s.waitMax = 30*time.Second, 30*time.Second },
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			maxTime: generous},
	}
}

// generous bounds the cells that must end early: what they guard against
// takes 30 s or more (a 120 s Retry-After, a 30 s latency, a 30 s retry
// wait), while a loaded 2-core machine ends them within milliseconds; 10 s
// leaves room for any load a CI machine sees.
const generous = 10 * time.Second

func TestFaultMatrix(t *testing.T) {
	results := map[string]map[string]outcome{}
	var mu sync.Mutex
	for _, c := range cells() {
		for _, name := range vendors {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				before := goleak.IgnoreCurrent()
				t.Cleanup(func() { goleak.VerifyNone(t, before) }) // runs after the server and client are closed
				s := defaults()
				if c.tune != nil {
					c.tune(&s)
				}
				tg := newTarget(t, name, 1, s)
				f := c.fault
				f.Method, f.Path = tg.method, tg.path
				if c.retryAfterIn > 0 {
					f.RetryAfter = time.Now().Add(c.retryAfterIn).UTC().Format(http.TimeFormat)
				}
				tg.srv.Inject(f)
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if c.ctx != nil {
					ctx, cancel = c.ctx()
				}
				defer cancel()
				start := time.Now()
				err := tg.assign(ctx, 0)
				o := outcome{err: err, elapsed: time.Since(start)}
				tg.closeIdle()
				tg.srv.ClearFaults() // a slow or retried request must not meet the fault again
				time.Sleep(10 * time.Millisecond)
				o.tries, o.held = tg.tries(), tg.held(0)
				mu.Lock()
				if results[c.name] == nil {
					results[c.name] = map[string]outcome{}
				}
				results[c.name][name] = o
				mu.Unlock()

				want := c.want
				if w, ok := c.wantFor[name]; ok {
					want = w
				}
				if want == nil {
					require.NoError(t, err)
					assert.Equal(t, 1, o.held, "a success is held exactly once")
				} else {
					require.ErrorIs(t, err, want)
					assert.LessOrEqual(t, o.held, 1, "never held twice")
				}
				if h, ok := c.heldFor[name]; ok {
					assert.Equal(t, h, o.held)
				}
				assert.Equal(t, c.wantTries, o.tries, "tries of the faulted request")
				if c.minTime > 0 {
					assert.GreaterOrEqual(t, o.elapsed, c.minTime)
				}
				if c.maxTime > 0 {
					assert.Less(t, o.elapsed, c.maxTime)
				}
			})
		}
	}
	if path := os.Getenv("CASEASSIGN_RELIABILITY_OUT"); path != "" && !t.Failed() {
		require.NoError(t, os.WriteFile(path, []byte(reliabilityReport(results)), 0o644))
	}
}

func describe(o outcome) string {
	held := "not held"
	if o.held == 1 {
		held = "held once"
	} else if o.held > 1 {
		held = fmt.Sprintf("HELD %d TIMES", o.held)
	}
	tries := fmt.Sprintf("%d tries", o.tries)
	if o.tries == 1 {
		tries = "1 try"
	}
	res := "ok"
	if o.err != nil {
		res = errName(o.err)
	}
	return fmt.Sprintf("%s, %s, %s, %s", res, tries, held, roundDur(o.elapsed))
}

func errName(err error) string {
	for _, e := range []struct {
		err  error
		name string
	}{
		{core.ErrServer, "ErrServer"}, {core.ErrRateLimited, "ErrRateLimited"}, {core.ErrUnexpectedResponse, "ErrUnexpectedResponse"},
		{core.ErrResponseTooLarge, "ErrResponseTooLarge"}, {context.DeadlineExceeded, "DeadlineExceeded"}, {context.Canceled, "Canceled"},
		{core.ErrNotFound, "ErrNotFound"}, {core.ErrUnauthorized, "ErrUnauthorized"},
	} {
		if errors.Is(err, e.err) {
			return e.name
		}
	}
	return "error: " + err.Error()
}

func roundDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

func reliabilityReport(results map[string]map[string]outcome) string {
	var b strings.Builder
	b.WriteString("# Reliability\n\n")
	b.WriteString("Generated by `TestFaultMatrix` in `internal/proof` (`bash .ci/bench` or\n")
	b.WriteString("`CASEASSIGN_RELIABILITY_OUT=$PWD/RELIABILITY.md go test -run TestFaultMatrix ./internal/proof`);\n")
	fmt.Fprintf(&b, "this copy on %s/%s, %s, %s.\n\n", runtime.GOOS, runtime.GOARCH, runtime.Version(), time.Now().UTC().Format("2006-01-02"))
	b.WriteString("Each cell injects one fault into the first request of one assignment against the package's\n")
	b.WriteString("test server (client: 4 retries, 1-5 ms waits unless the row needs more) and reports the\n")
	b.WriteString("outcome, how many times the faulted request went out, whether the server holds the\n")
	b.WriteString("assignment afterwards, and the call's time. The test also asserts that no assignment is\n")
	b.WriteString("ever held twice, that every success is held exactly once, and that no goroutine is left\n")
	b.WriteString("behind by any cell. The request that meets the fault is the assignment itself, except for\n")
	b.WriteString("actionmgmt, where it is the GET of the read-modify-write.\n\n")
	b.WriteString("A 2xx answer that is not the call's document (malformed JSON, an empty body, an HTML\n")
	b.WriteString("page, `{}`) and a 301/302/303 answered to a write are never a success: every package\n")
	b.WriteString("reports `ErrUnexpectedResponse` (safe to retry: every call is idempotent). For Action\n")
	b.WriteString("Management the corrupted answer is the GET, so no PUT follows and nothing is held; its\n")
	b.WriteString("redirected GET is followed, to a path that does not exist (`ErrNotFound`).\n\n")
	b.WriteString("| fault | " + strings.Join(vendors, " | ") + " |\n|---|" + strings.Repeat("---|", len(vendors)) + "\n")
	names := make([]string, 0, len(results))
	order := map[string]int{}
	for i, c := range cells() {
		order[c.name] = i
	}
	for n := range results {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	for _, n := range names {
		b.WriteString("| " + n + " |")
		for _, v := range vendors {
			b.WriteString(" " + describe(results[n][v]) + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString(attackClasses)
	return b.String()
}

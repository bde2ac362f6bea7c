package proof

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/benchx"
	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/caseassign/caseassign/rootly"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The measurements run only when CASEASSIGN_PROOF_OUT names a file to
// append their results to, as JSON lines (see .ci/bench).
func proofOut(t *testing.T) string {
	out := benchx.ProofOut()
	if out == "" {
		t.Skip("a measurement: set CASEASSIGN_PROOF_OUT (see .ci/bench)")
	}
	return out
}

func record(t *testing.T, path string, v map[string]any) {
	t.Helper()
	benchx.Record(t, path, v)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestMeasureThroughput: 10,000 single assignments (Thalamus and Rootly)
// against a server that answers after 20 ms, at concurrency 1, 8, 32 and 64.
func TestMeasureThroughput(t *testing.T) {
	out := proofOut(t)
	n := envInt("CASEASSIGN_THROUGHPUT_N", 10000)
	const latency = 20 * time.Millisecond
	concs := []int{1, 8, 32, 64}
	if v := os.Getenv("CASEASSIGN_THROUGHPUT_CONC"); v != "" { // for quick runs
		concs = nil
		for _, f := range strings.Split(v, ",") {
			if c, err := strconv.Atoi(f); err == nil {
				concs = append(concs, c)
			}
		}
	}
	for _, name := range []string{"thalamus", "rootly"} {
		for _, conc := range concs {
			tg := newTarget(t, name, n, defaults())
			tg.srv.SetRecording(false)
			tg.srv.SetLatency(latency)
			start := time.Now()
			errs, err := tg.bulk(context.Background(), n, conc)
			elapsed := time.Since(start)
			require.NoError(t, err)
			failed, held := 0, 0
			for i, e := range errs {
				if e != nil {
					failed++
				}
				if i%97 == 0 && tg.held(i) == 1 {
					held++
				}
			}
			rate := float64(n) / elapsed.Seconds()
			ideal := float64(conc) / latency.Seconds()
			record(t, out, map[string]any{
				"kind": "throughput", "package": name, "n": n, "concurrency": conc, "latency_ms": latency.Milliseconds(),
				"seconds": elapsed.Seconds(), "per_second": rate, "ideal_per_second": ideal, "percent_of_ideal": 100 * rate / ideal,
				"connections": tg.srv.Connections(), "failed": failed,
			})
			assert.Zero(t, failed)
			assert.LessOrEqual(t, tg.srv.Connections(), conc, "no more connections than the concurrency")
			tg.closeIdle()
		}
	}
}

// peakRSSMiB reads the process's peak resident set size (Linux VmHWM).
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return -1
}

// TestMeasureRateLimit: a server allowing 50 requests a second (burst
// 10) and 1,000 Rootly assignments at concurrency 8, in four set-ups:
//
//   - "retry-after": the server's 429s carry Retry-After: 1 and no
//     rate-limit headers; no client limiter (the adaptive pace works alone);
//   - "headers": every answer carries X-RateLimit-*, and 429s nothing else
//     (Rootly style); no client limiter;
//   - "fixed": as "retry-after", with WithRateLimit(50, 10) (a user who
//     knows the number);
//   - "no-adaptation": as "retry-after", WithoutAdaptivePace (each call
//     honours only its own Retry-After, as before the pace existed).
//
// CASEASSIGN_RATELIMIT_MODES picks some (comma-separated).
func TestMeasureRateLimit(t *testing.T) {
	out := proofOut(t)
	n := envInt("CASEASSIGN_RATELIMIT_N", 1000)
	modes := []string{"retry-after", "headers", "fixed", "no-adaptation"}
	if v := os.Getenv("CASEASSIGN_RATELIMIT_MODES"); v != "" {
		modes = strings.Split(v, ",")
	}
	for _, mode := range modes {
		s := defaults()
		s.retryMax = 10
		s.waitMin, s.waitMax = 50*time.Millisecond, 5*time.Second
		switch mode {
		case "fixed":
			s.rate, s.burst = 50, 10
		case "no-adaptation":
			s.noAdaptive = true
		}
		tg := newTarget(t, "rootly", n, s)
		style := tg.srv.fakeServer.(interface {
			SetRateLimitAnswers(headers, retryAfter bool)
		})
		style.SetRateLimitAnswers(mode == "headers", mode != "headers")
		tg.srv.SetRecording(false)
		tg.srv.SetRateLimit(50, 10)
		start := time.Now()
		errs, err := tg.bulk(context.Background(), n, 8)
		elapsed := time.Since(start)
		var bulk *rootly.BulkError
		if !errors.As(err, &bulk) {
			require.NoError(t, err)
		}
		failed, lost, dups := 0, 0, 0
		for i, e := range errs {
			h := tg.held(i)
			if e != nil {
				failed++
			}
			if (e == nil) != (h == 1) {
				lost++
			}
			if h > 1 {
				dups++
			}
		}
		tries := tg.srv.Handled() + tg.srv.Throttled()
		record(t, out, map[string]any{
			"kind": "ratelimit", "mode": mode, "client_limiter": mode == "fixed", "n": n, "server_per_second": 50,
			"seconds": elapsed.Seconds(), "floor_seconds": float64(n) / 50, "throttled_429": tg.srv.Throttled(), "tries": tries,
			"failed": failed, "lost": lost, "duplicated": dups,
		})
		assert.Zero(t, lost, "every assignment is where its outcome says")
		assert.Zero(t, dups)
		tg.closeIdle()
	}
}

// TestMeasureOneThrottle: one 429 with Retry-After: 1 on the first
// request, then a healthy Rootly test server (no limit). A bulk job of n
// assignments at concurrency 32 runs right after it, with a 30 s deadline;
// the same job on a fresh client that met no throttle is the reference.
// Reported: the extra time beyond the 1 s pause (how long the client takes
// to get its full rate back), and the items that failed (unsent or not).
func TestMeasureOneThrottle(t *testing.T) {
	out := proofOut(t)
	n := envInt("CASEASSIGN_ONETHROTTLE_N", 1000)
	run := func(throttle bool) (time.Duration, int) {
		s := defaults()
		s.waitMax = 5 * time.Second // the 1 s Retry-After is waited for
		tg := newTarget(t, "rootly", n+1, s)
		tg.srv.SetRateLimit(0, 0)
		tg.srv.SetRecording(false)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		start := time.Now()
		if throttle {
			tg.srv.Inject(testsrv.Fault{Status: 429, RetryAfter: "1"})
			require.NoError(t, tg.assign(ctx, n), "retried after the pause")
		}
		errs, _ := tg.bulk(ctx, n, 32)
		failed := 0
		for _, e := range errs {
			if e != nil {
				failed++
			}
		}
		tg.closeIdle()
		return time.Since(start), failed
	}
	ref, refFailed := run(false)
	got, failed := run(true)
	extra := got - time.Second - ref
	record(t, out, map[string]any{
		"kind": "onethrottle", "n": n, "concurrency": 32, "reference_seconds": ref.Seconds(), "seconds": got.Seconds(),
		"extra_seconds": extra.Seconds(), "failed": failed, "failed_reference": refFailed,
	})
	assert.Zero(t, failed, "no call fails after one throttle")
	assert.Zero(t, refFailed)
}

// TestMeasureOutage: a server that answers 503 to everything for 10 s, then
// recovers. A bulk job of 1,000 Rootly assignments at concurrency 32 runs
// during the outage (the retry budget makes it fail fast instead of
// multiplying its load), and another after the recovery (every item must
// succeed).
func TestMeasureOutage(t *testing.T) {
	out := proofOut(t)
	n := envInt("CASEASSIGN_OUTAGE_N", 1000)
	outage := time.Duration(envInt("CASEASSIGN_OUTAGE_SECONDS", 10)) * time.Second
	tg := newTarget(t, "rootly", 2*n, defaults())
	tg.srv.SetRateLimit(0, 0)
	tg.srv.Inject(testsrv.Fault{Status: 503, Times: 1 << 30})
	recovered := make(chan struct{})
	time.AfterFunc(outage, func() { tg.srv.ClearFaults(); close(recovered) })

	start := time.Now()
	errsDuring, _ := tg.bulk(context.Background(), n, 32)
	during := time.Since(start)
	triesDuring := len(tg.srv.Requests())
	failedDuring := 0
	for _, e := range errsDuring {
		if e != nil {
			failedDuring++
		}
	}
	<-recovered
	tg.srv.ResetRequests()
	// The second job's items are n..2n-1: bulk runs over [0, k), so run the
	// single calls ourselves through the same client.
	var failedAfter atomic.Int32
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := n; i < 2*n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := tg.assign(context.Background(), i); err != nil {
				failedAfter.Add(1)
			}
		}()
	}
	wg.Wait()
	record(t, out, map[string]any{
		"kind": "outage", "n": n, "concurrency": 32, "outage_seconds": outage.Seconds(),
		"tries_during": triesDuring, "failed_during": failedDuring, "job_seconds_during": during.Seconds(),
		"failed_after": int(failedAfter.Load()), "tries_after": len(tg.srv.Requests()),
	})
	assert.LessOrEqual(t, float64(triesDuring), 1.5*float64(n), "the retry budget keeps an outage's load down")
	assert.Zero(t, failedAfter.Load(), "every item after the recovery succeeds")
	tg.closeIdle()
}

package core

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// TestPacerSlowStartCutAndRise drives the pace with made-up times.
func TestPacerSlowStartCutAndRise(t *testing.T) {
	t.Parallel()
	p := newPacer()
	t0 := time.Unix(1000, 0)
	assert.Equal(t, 0.0, p.current(), "no pace before a throttle")
	p.throttled(t0.Add(-1500 * time.Millisecond))
	assert.Equal(t, 0.0, p.current(), "a first throttle alone does not start the pace: the pause answers it")
	p.throttled(t0.Add(-1000 * time.Millisecond))
	assert.Equal(t, 0.0, p.current(), "nor do the throttled tries of the same burst")
	for i := range 20 {
		p.success(t0.Add(time.Duration(i) * 10 * time.Millisecond))
	}
	p.throttled(t0.Add(200 * time.Millisecond))
	assert.InDelta(t, 20.0, p.current(), 0.01, "a second throttle starts it at the success rate of the last second")

	// Slow start: the rate triples every second.
	p.success(t0.Add(1200 * time.Millisecond))
	assert.InDelta(t, 20.0*slowStartGain, p.current(), 0.5)

	// A throttle within a second of the last one does not cut again.
	p.throttled(t0.Add(1100 * time.Millisecond))
	assert.InDelta(t, 20.0*slowStartGain, p.current(), 0.5)

	// A later throttle cuts to 90% of the smaller of the rate and the
	// last second's success rate.
	for i := range 60 {
		p.success(t0.Add(2100*time.Millisecond + time.Duration(i)*13*time.Millisecond))
	}
	before := p.current()
	p.throttled(t0.Add(3 * time.Second))
	measured := 60.0 // successes in the last second
	assert.InDelta(t, decrease*min(before, measured), p.current(), 0.5)

	// Then it rises 10% a second below 95% of the ceiling, 1% above, and
	// not past the ceiling for the plateau after the cut.
	cut := p.current()
	p.success(t0.Add(4 * time.Second))
	assert.InDelta(t, cut*1.10, p.current(), 0.5)
	for i := range 80 {
		p.success(t0.Add(4*time.Second + time.Duration(i+1)*100*time.Millisecond))
	}
	assert.InDelta(t, p.ceiling, p.current(), 0.01, "held at the ceiling during the plateau")
	for i := range 50 {
		p.success(t0.Add(13*time.Second + time.Duration(i+1)*100*time.Millisecond))
	}
	assert.Greater(t, p.current(), p.ceiling, "then it probes above")
}

func TestPacerFloor(t *testing.T) {
	t.Parallel()
	p := newPacer()
	p.throttled(time.Unix(1000, 0))
	p.throttled(time.Unix(1002, 0))
	assert.Equal(t, minRate, p.current(), "no success at all: the floor")

	q := newPacer()
	q.throttled(time.Unix(1000, 0))
	q.throttled(time.Unix(1000, 0).Add(rearm + time.Second))
	assert.Equal(t, 0.0, q.current(), "a throttle long after the first is a first one again")
}

// TestOneThrottleThenHealthyKeepsTheFullRate: one 429 with Retry-After: 1
// on the first request, then a healthy server. Every waiting call is sent
// after the pause (none fails unsent), and the client then sends at its
// callers' rate: no try waits on the pace. Counted, not timed.
func TestOneThrottleThenHealthyKeepsTheFullRate(t *testing.T) {
	t.Parallel()
	// "0" is what a test of a fault injects: it must not make the next
	// calls slower than the fault.
	for _, ra := range []string{"0", "1"} {
		t.Run("Retry-After "+ra, func(t *testing.T) {
			t.Parallel()
			oneThrottleThenHealthy(t, ra)
		})
	}
}

func oneThrottleThenHealthy(t *testing.T, retryAfter string) {
	srv := testsrv.New(okHandler())
	defer srv.Close()
	srv.Inject(testsrv.Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
	o := fastOptions(srv.URL)
	o.SetAdaptive(true)
	o.SetRetryWait(time.Millisecond, 5*time.Second)
	c := newTestClient(t, testSpec(), o)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/first"})
	require.NoError(t, err, "retried after the pause")
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load(), "no call failed, sent or unsent")
	assert.Zero(t, c.pacer.current(), "one throttle does not start the pace")
	assert.Equal(t, 102, len(srv.Requests()))
}

// TestWaitersGoFasterWhenThePaceRises: tries waiting at a slow pace do not
// keep turns booked at that pace. 50 tries wait at 1 request a second,
// with a deadline 3 s away; the pace then rises to 1000 a second. With
// turns booked ahead (rate.Limiter.Wait), 47 of them would fail at once,
// unsent ("would exceed context deadline"); here every one is sent.
func TestWaitersGoFasterWhenThePaceRises(t *testing.T) {
	t.Parallel()
	p := newPacer()
	p.lim.Store(rate.NewLimiter(1, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var failed, passed, started atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Add(1)
			if p.wait(ctx) != nil {
				failed.Add(1)
				return
			}
			passed.Add(1)
		}()
	}
	for started.Load() < 50 || passed.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // every waiter is in wait (the outcome does not depend on it)
	p.lim.Load().SetLimit(1000)
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.Equal(t, int64(50), passed.Load())
}

// TestThrottleMakesTheWholeClientWait: after a throttle, another call's
// try starts only when the pause is over. Checked on the try's start, not
// on a duration.
func TestThrottleMakesTheWholeClientWait(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	var mu sync.Mutex
	var starts []time.Time
	o := fastOptions(srv.URL)
	o.SetAdaptive(true)
	o.SetTryHook(func(tr Try) { mu.Lock(); starts = append(starts, time.Now().Add(-tr.Duration)); mu.Unlock() })
	c := newTestClient(t, testSpec(), o)
	c.waitMax = time.Second
	c.throttled(0, true) // an earlier throttle: the next one starts the pace
	time.Sleep(cutInterval)
	until := time.Now().Add(80 * time.Millisecond)
	c.throttled(80*time.Millisecond, true)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, starts, 1)
	assert.False(t, starts[0].Before(until), "the try waited for the client-wide pause")
	assert.Greater(t, c.pacer.current(), 0.0, "and the client paces itself from now on")
}

// TestHeadroomHoldsTriesInFlight: with the last answer's Remaining used up
// by the tries in flight, a new try waits for the reset.
func TestHeadroomHoldsTriesInFlight(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetAdaptive(true)
	c := newTestClient(t, testSpec(), o)
	c.waitMax = time.Second
	reset := time.Now().Add(60 * time.Millisecond)
	c.rateLimit.Store(&RateLimit{Limit: 10, Remaining: 2, Used: 8, Reset: reset, Seen: time.Now()})
	c.inflight.Store(1)
	require.NoError(t, c.waitHeadroom(context.Background()))
	assert.True(t, time.Now().Before(reset), "headroom left: no wait")
	c.inflight.Store(2)
	start := time.Now()
	require.NoError(t, c.waitHeadroom(context.Background()))
	// One request's share of the window: (Reset - Seen) / (used + 1) is
	// at least 60ms / 9 when Seen was a moment before Reset was set.
	assert.GreaterOrEqual(t, time.Since(start), 6*time.Millisecond, "used up by the tries in flight: waited a request's share of the window")
	c.pacer.mu.Lock()
	assert.False(t, c.pacer.first.IsZero(), "a used-up window counts as a throttle for the pace")
	c.pacer.mu.Unlock()
	reset2 := time.Now().Add(30 * time.Millisecond)
	c.rateLimit.Store(&RateLimit{Limit: -1, Remaining: 0, Used: -1, Reset: reset2, Seen: time.Now()})
	c.inflight.Store(0)
	require.NoError(t, c.waitHeadroom(context.Background()))
	assert.False(t, time.Now().Before(reset2), "no limit known: waited for the reset")

	c.rateLimit.Store(&RateLimit{Limit: 10, Remaining: 0, Reset: time.Now().Add(time.Hour)})
	var pe *pauseError
	assert.ErrorAs(t, c.waitHeadroom(context.Background()), &pe, "a reset beyond the max wait is not waited for")
}

// TestRetryBudget: failures spend the budget, throttles do not, successes
// earn it back; a spent budget ends retries at once with ErrRetryBudget.
func TestRetryBudget(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetRetryMax(4)
	o.SetRetryBudget(3)
	c := newTestClient(t, testSpec(), o)
	srv.Inject(testsrv.Fault{Status: 503, Times: 100})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte("{}")})
	assert.ErrorIs(t, err, ErrServer)
	assert.ErrorIs(t, err, ErrRetryBudget, "the fourth retry found the budget empty")
	assert.Contains(t, err.Error(), "retry budget is spent")
	assert.Len(t, srv.Requests(), 4)

	srv.ResetRequests()
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte("{}")})
	assert.ErrorIs(t, err, ErrRetryBudget)
	assert.Len(t, srv.Requests(), 1, "no retry at all while the budget is empty")

	srv.ClearFaults()
	for range 5 {
		_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.NoError(t, err)
	}
	assert.InDelta(t, 1.0, c.budget.available(), 0.001, "five successes earn one retry")

	srv.Inject(testsrv.Fault{Status: 429, RetryAfter: "0", Times: 2})
	c.pacer = nil // keep this part about the budget alone
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Body: []byte("{}")})
	require.NoError(t, err, "throttled retries do not spend the budget")
	assert.InDelta(t, 1.2, c.budget.available(), 0.001)
}

func TestRetryBudgetOff(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	o := fastOptions(srv.URL)
	o.SetRetryBudget(-1)
	c := newTestClient(t, testSpec(), o)
	assert.Nil(t, c.budget)
	var o2 Options
	o2.SetRetryBudget(0)
	assert.ErrorIs(t, o2.Err(), ErrInvalidInput)
}

// countingLimiter counts Wait calls and fails once asked to.
type countingLimiter struct {
	waits atomic.Int32
	fail  atomic.Bool
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	if l.fail.Load() {
		return errors.New("shared budget unavailable")
	}
	return ctx.Err()
}

func TestExternalLimiterIsWaitedOnEveryTry(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	l := &countingLimiter{}
	o := fastOptions(srv.URL)
	o.SetLimiter(l)
	c := newTestClient(t, testSpec(), o)
	srv.Inject(testsrv.Fault{Status: 502, Times: 2})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.Equal(t, int32(3), l.waits.Load(), "one turn per try, retries included")

	l.fail.Store(true)
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	assert.ErrorContains(t, err, "shared budget unavailable")
	assert.Len(t, srv.Requests(), 3, "nothing sent without a turn")
}

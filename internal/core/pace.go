package core

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is anything that can make a try wait for its turn: a
// *rate.Limiter, or a limiter shared by many processes (through Redis,
// for example). Wait returns an error when the context ends first.
type Limiter interface {
	Wait(ctx context.Context) error
}

// ErrRetryBudget matches an error whose retries were cut short by the
// client's retry budget, not ended by the server: too many tries failed
// recently for more retries to be worth sending.
var ErrRetryBudget = errors.New("retry budget spent")

// The adaptive pace: how the client finds the send rate a server allows
// when nobody told it the number.
//
// Before any sign of throttling, the client sends as fast as its callers
// ask. When a try is throttled (429, 503 with Retry-After, or 429 with
// rate-limit headers), every try of the client waits out the server's
// pause (Retry-After), and the client starts pacing itself at the rate
// answers succeeded in the last second. When that rate says nothing (fewer
// than minSample answers: the first request was throttled, or a test
// injected one 429), one throttle is only that: after the pause the client
// sends at its callers' rate again, so a single 429 never slows a client
// down for longer than its pause. A second throttle (at least a second
// after the first, within rearm of it) then starts the pace:
//
//   - at the rate answers succeeded in the last second (at least
//     minRate), tripling every second after that ("slow start") until the
//     next throttle;
//   - on every later throttle, at most once a second, the rate is cut to
//     decrease times the ceiling: the smaller of the current rate and the
//     success rate of the last second (multiplicative decrease);
//   - between throttles it rises, by 10% a second while below 95% of the
//     ceiling, then by 1% a second; for plateau after a cut it does not go
//     past the ceiling, and only then probes above it (a plateau near the
//     last ceiling, as TCP CUBIC and AWS's adaptive retry mode have).
//
// WithRateLimit stays a fixed ceiling above all this; the pace is never
// faster than it.
const (
	minRate       = 1.0 // requests a second, the pace's floor
	decrease      = 0.9
	cutInterval   = time.Second
	fastIncrease  = 0.10 // per second, below 95% of the last ceiling
	slowIncrease  = 0.01 // per second, near the ceiling
	slowStartGain = 3.0  // per second, before the first cut
	plateau       = 10 * time.Second
	successWindow = time.Second
	// minSample is the success rate (a second) below which the last
	// second says nothing about the server's limit: a throttle then only
	// arms the pace, which a second one starts.
	minSample = 5.0
	// rearm is how long a first throttle is remembered: a second one
	// within it starts the pace; after it, a throttle counts as a first
	// one again.
	rearm = 30 * time.Second
	// pollStep bounds how far ahead a waiting try books its turn at the
	// pace: a try never holds a turn more than this far in the future, so
	// when the pace rises, the tries already waiting go faster too.
	pollStep = 50 * time.Millisecond
)

// pacer is the client-wide adaptive pace. Before the first throttle it
// costs a try two atomic operations, no lock.
type pacer struct {
	lim     atomic.Pointer[rate.Limiter] // nil until the first throttle
	buckets [successBuckets]successBucket

	mu        sync.Mutex
	rate      float64
	ceiling   float64 // the rate the last cut came from
	slowStart bool
	lastCut   time.Time
	lastRise  time.Time
	first     time.Time // the first throttle, while the pace has not started
}

// The success rate is counted in successBuckets slices of the window.
const successBuckets = 10

type successBucket struct {
	slot  atomic.Int64 // which slice of time the count is for
	count atomic.Int64
}

func newPacer() *pacer { return &pacer{} }

// wait blocks for the pace's turn; it does nothing before the pace starts.
//
// It books its turn as rate.Limiter.Wait does, so tries keep their order
// and no turn goes unused, but it does not hold on to a turn booked at a
// slow pace: rate.Limiter.Wait keeps a turn where it was booked when the
// rate then rises, and refuses at once a turn beyond the context's
// deadline, so 100 callers waiting at 1 request a second would wait (or
// fail, unsent) for 100 seconds however fast the pace rose meanwhile.
// Here a try waits in steps of at most pollStep; when the pace has risen
// by half or more since it booked, it gives its turn back and books again
// at the new pace. It fails only when its context ends.
func (p *pacer) wait(ctx context.Context) error {
	for {
		lim := p.lim.Load()
		if lim == nil {
			return nil
		}
		booked := lim.Limit()
		r := lim.Reserve()
		at := time.Now().Add(r.Delay())
		for {
			d := time.Until(at)
			if d <= 0 {
				return nil
			}
			if err := sleep(ctx, min(d, pollStep)); err != nil {
				r.Cancel()
				return err
			}
			if time.Until(at) > 0 && lim.Limit() >= 1.5*booked {
				r.Cancel() // the pace rose: book again at the new one
				break
			}
		}
	}
}

func slotOf(now time.Time) int64 {
	return now.UnixNano() / int64(successWindow/successBuckets)
}

// successRate is the successes of the last window, per second.
func (p *pacer) successRate(now time.Time) float64 {
	cur := slotOf(now)
	var n int64
	for i := range p.buckets {
		b := &p.buckets[i]
		if s := b.slot.Load(); cur-s < successBuckets && s <= cur {
			n += b.count.Load()
		}
	}
	return float64(n) / successWindow.Seconds()
}

// success records a successful try and lets the rate rise.
func (p *pacer) success(now time.Time) {
	slot := slotOf(now)
	b := &p.buckets[slot%successBuckets]
	if old := b.slot.Load(); old != slot && b.slot.CompareAndSwap(old, slot) {
		b.count.Store(0)
	}
	b.count.Add(1)
	lim := p.lim.Load()
	if lim == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	dt := now.Sub(p.lastRise).Seconds()
	if dt < 0.05 {
		return
	}
	p.lastRise = now
	switch {
	case p.slowStart:
		p.rate *= math.Pow(slowStartGain, dt)
	case p.rate < 0.95*p.ceiling:
		p.rate *= 1 + fastIncrease*dt
	default:
		p.rate *= 1 + slowIncrease*dt
		if now.Sub(p.lastCut) < plateau {
			p.rate = min(p.rate, p.ceiling)
		}
	}
	lim.SetLimitAt(now, rate.Limit(p.rate))
}

// throttled records a throttled try: the rate is cut (at most once a
// second), or set for the first time.
func (p *pacer) throttled(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.lastCut.IsZero() && now.Sub(p.lastCut) < cutInterval {
		return
	}
	lim := p.lim.Load()
	measured := p.successRate(now)
	if lim == nil && measured < minSample {
		switch {
		case p.first.IsZero() || now.Sub(p.first) > rearm:
			p.first = now // the pause answers a first throttle alone
			return
		case now.Sub(p.first) < cutInterval:
			return // the same burst of throttled tries
		}
	}
	p.lastCut, p.lastRise = now, now
	if lim == nil {
		p.rate = max(measured, minRate)
		p.slowStart = true
		p.lim.Store(rate.NewLimiter(rate.Limit(p.rate), 1))
		return
	}
	p.slowStart = false
	p.ceiling = min(p.rate, max(measured, minRate))
	p.rate = max(decrease*p.ceiling, minRate)
	lim.SetLimitAt(now, rate.Limit(p.rate))
}

// current returns the pace in requests a second, 0 while not pacing.
func (p *pacer) current() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lim.Load() == nil {
		return 0
	}
	return p.rate
}

// retryBudget is a token bucket of retries: each retry after a failure
// (5xx, connection error) takes one; every successful answer puts back a
// fifth of one, up to the capacity. Throttled tries (429, 503 with
// Retry-After) do not spend it: the pace deals with those. When the bucket
// is empty, calls return their last error at once instead of retrying, so
// a job against a server that is down fails fast instead of multiplying
// its load; the error matches ErrRetryBudget.
type retryBudget struct {
	capacity float64
	tokens   atomic.Uint64 // float64 bits
}

// refill is what a successful answer puts back.
const refill = 0.2

func newRetryBudget(capacity int) *retryBudget {
	b := &retryBudget{capacity: float64(capacity)}
	b.tokens.Store(math.Float64bits(b.capacity))
	return b
}

func (b *retryBudget) take() bool {
	for {
		old := b.tokens.Load()
		v := math.Float64frombits(old)
		if v < 1 {
			return false
		}
		if b.tokens.CompareAndSwap(old, math.Float64bits(v-1)) {
			return true
		}
	}
}

func (b *retryBudget) put(n float64) {
	for {
		old := b.tokens.Load()
		v := math.Float64frombits(old)
		if v >= b.capacity {
			return
		}
		if b.tokens.CompareAndSwap(old, math.Float64bits(min(v+n, b.capacity))) {
			return
		}
	}
}

func (b *retryBudget) available() float64 { return math.Float64frombits(b.tokens.Load()) }

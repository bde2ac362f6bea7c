package testsrv

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Gate is an http.RoundTripper for tests that count concurrency instead
// of timing it: it holds each request until n are in flight at once (or
// 10 s pass, a bound only a serializing client reaches), then lets them
// all go, and records the peak number in flight.
type Gate struct {
	n        int32
	inflight atomic.Int32
	peak     atomic.Int32
	open     chan struct{}
	once     sync.Once
	next     *http.Transport
}

// NewGate returns a gate for n requests in flight at once. Close its idle
// connections when done.
func NewGate(n int32) *Gate {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // keep every connection for reuse, as the SDK's own transport does
	return &Gate{n: n, open: make(chan struct{}), next: tr}
}

// Peak is the most requests that were in flight at once.
func (g *Gate) Peak() int32 { return g.peak.Load() }

// CloseIdleConnections closes the gate's own transport's idle connections.
func (g *Gate) CloseIdleConnections() { g.next.CloseIdleConnections() }

// RoundTrip holds r until the gate opens, then sends it.
func (g *Gate) RoundTrip(r *http.Request) (*http.Response, error) {
	cur := g.inflight.Add(1)
	defer g.inflight.Add(-1)
	for {
		p := g.peak.Load()
		if cur <= p || g.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	if cur >= g.n {
		g.once.Do(func() { close(g.open) })
	}
	select {
	case <-g.open:
	case <-time.After(10 * time.Second):
	}
	return g.next.RoundTrip(r)
}

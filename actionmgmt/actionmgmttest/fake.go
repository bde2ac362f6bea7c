package actionmgmttest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/internal/testsrv"
)

// Fault is one scripted misbehaviour, applied by Inject to the next
// request(s) that match Method and Path.
type Fault struct {
	// Method and Path select the requests the fault applies to; empty
	// matches any. A Path ending in "*" matches by prefix.
	Method string
	Path   string
	// Times is how many matching requests the fault applies to; 0 means 1.
	Times int

	// Latency delays the request before anything else happens (the delay
	// ends early if the client goes away). With nothing else set, the
	// request is then handled normally.
	Latency time.Duration
	// Status answers with this status instead of handling the request;
	// the server state does not change.
	Status int
	// Body and ContentType go with Status (ContentType defaults to
	// application/json when Body looks like JSON, text/plain otherwise).
	Body        string
	ContentType string
	// RetryAfter sets the Retry-After header ("2" or an HTTP date).
	RetryAfter string
	// Header adds response headers.
	Header http.Header
	// Drop closes the connection without answering and without handling.
	Drop bool
	// DropAfterHandling handles the request (the state changes), then closes
	// the connection without answering: the client cannot tell it worked.
	DropAfterHandling bool
	// Truncate handles the request, then sends only half of the body with
	// the full Content-Length and closes the connection.
	Truncate bool
	// Malformed handles the request (the state changes), then answers 200
	// with a body that is not valid JSON.
	Malformed bool
	// Empty handles the request (the state changes), then answers 200 with
	// an empty body.
	Empty bool
	// Oversize answers 200 with a valid-looking body of this many bytes,
	// without handling the request.
	Oversize int64
}

// Request is a request the server recorded.
type Request struct {
	Method   string      // the HTTP method
	Path     string      // the decoded path
	RawPath  string      // the path as sent on the wire
	RawQuery string      // the query string, without "?"
	Header   http.Header // the request headers, credentials included
	Body     []byte      // the request body
}

func faults(fs []Fault) []testsrv.Fault {
	out := make([]testsrv.Fault, len(fs))
	for i, f := range fs {
		out[i] = testsrv.Fault(f)
	}
	return out
}

// Start starts a seeded server, as NewServer does, and closes it when the
// test (or benchmark) and its subtests end.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := NewServer()
	tb.Cleanup(s.Close)
	return s
}

// Close shuts the server down, ending every connection. Close it once
// (Start does it for you).
func (s *Server) Close() { s.base.Close() }

// Client returns an *http.Client configured for the server (it trusts
// nothing more than http.DefaultClient does; the server is plain http on
// loopback).
func (s *Server) Client() *http.Client { return s.base.Client() }

// Inject queues faults; each applies to the next matching request(s), in
// the order given, before the request is handled.
func (s *Server) Inject(f ...Fault) { s.base.Inject(faults(f)...) }

// SetFaultRate injects, on each request with no queued fault, one of
// choices at random with probability p, from a generator seeded with seed
// so a run can be repeated; p 0 turns it off.
func (s *Server) SetFaultRate(p float64, seed uint64, choices ...Fault) {
	s.base.SetFaultRate(p, seed, faults(choices)...)
}

// ClearFaults drops every queued fault and turns the fault rate off.
func (s *Server) ClearFaults() { s.base.ClearFaults() }

// Injected counts the faults SetFaultRate injected.
func (s *Server) Injected() int { return s.base.Injected() }

// SetLatency delays every request by d before it is handled (0: none).
func (s *Server) SetLatency(d time.Duration) { s.base.SetLatency(d) }

// SetRateLimit is the one way to give the server a rate limit: at most
// perSecond requests a second on average, burst at once. Past it the server
// answers 429 with Retry-After (whole seconds, at least 1).
// perSecond 0 turns the limit off.
func (s *Server) SetRateLimit(perSecond float64, burst int) { s.base.SetRateLimit(perSecond, burst) }

// Throttled counts the requests the rate limit refused.
func (s *Server) Throttled() int { return s.base.Throttled() }

// Handled counts the requests the server handled (not faulted, not throttled).
func (s *Server) Handled() int { return s.base.Handled() }

// SetRecording turns request recording on (the default) or off, for long
// runs where the record would grow without bound.
func (s *Server) SetRecording(on bool) { s.base.SetRecording(on) }

// Requests returns the recorded requests, in arrival order.
func (s *Server) Requests() []Request {
	rs := s.base.Requests()
	out := make([]Request, len(rs))
	for i, r := range rs {
		out[i] = Request(r)
	}
	return out
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() { s.base.ResetRequests() }

// Connections counts the TCP connections clients opened to the server.
func (s *Server) Connections() int { return s.base.Connections() }

// Events returns the changes the server applied, in order: what a client's
// calls actually did, retries and all.
func (s *Server) Events() []Event { return s.events.Events() }

// ResetEvents forgets the applied changes.
func (s *Server) ResetEvents() { s.events.ResetEvents() }

// NewClient returns an actionmgmt.Client for the server: its base URL and an
// APIUserTokenSource for its identity endpoint (TokenURL, ClientID,
// ClientSecret) are set, then opts (which may override them). It is what a
// test of your own code needs; every test server has it.
func (s *Server) NewClient(opts ...actionmgmt.Option) (*actionmgmt.Client, error) {
	tokens := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{TokenURL: s.TokenURL(), ClientID: s.ClientID, ClientSecret: s.ClientSecret})
	return actionmgmt.NewClient(s.URL, tokens, opts...)
}

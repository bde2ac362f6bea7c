// Package testsrv is the shared base of the caseassign test servers: a
// loopback httptest server that records requests, counts connections, and
// injects scripted faults (statuses, Retry-After, latency, dropped
// connections, truncated or malformed bodies) and a server-side rate limit.
// Each vendor's xxxtest package adds only its routes and state.
package testsrv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Fault is one scripted misbehaviour, applied to the next request(s) that
// match Method and Path.
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

func (f *Fault) matches(r *http.Request) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if f.Path == "" {
		return true
	}
	if p, ok := strings.CutSuffix(f.Path, "*"); ok {
		return strings.HasPrefix(r.URL.Path, p)
	}
	return r.URL.Path == f.Path
}

// Request is a recorded request.
type Request struct {
	Method   string
	Path     string // the decoded path
	RawPath  string // the path as sent on the wire
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Server is an httptest server with recording and fault injection.
type Server struct {
	*httptest.Server

	handler http.Handler

	mu        sync.Mutex
	faults    []Fault
	reqs      []Request
	noRecord  bool
	limiter   *rate.Limiter
	rlHeaders bool // send X-RateLimit-* describing the limiter
	noRA      bool // 429s without Retry-After
	// rlLimit formats X-RateLimit-Limit (default: the burst alone), and
	// rlBody is the 429 answer's body (default {"error": "rate limited"}).
	rlLimit   func(limit int, window time.Duration) string
	rlBody    any
	latency   time.Duration
	conns     atomic.Int64
	throttled atomic.Int64
	handled   atomic.Int64

	faultRate   float64
	faultChoice []Fault
	rnd         *rand.Rand
	injected    atomic.Int64
}

// New starts a server on loopback in front of h.
func New(h http.Handler) *Server {
	s := &Server{handler: h}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Server.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Server.Start()
	return s
}

// Inject queues faults; each applies to the next matching request(s).
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		if f.Times <= 0 {
			f.Times = 1
		}
		s.faults = append(s.faults, f)
	}
}

// SetFaultRate makes each request that no queued fault claims get, with
// probability p, one of choices picked at random (seeded, so a run can be
// repeated). p <= 0 turns it off.
func (s *Server) SetFaultRate(p float64, seed uint64, choices ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultRate, s.faultChoice = p, choices
	s.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Injected returns how many random faults SetFaultRate has injected.
func (s *Server) Injected() int { return int(s.injected.Load()) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// SetLatency delays every request by d (0 disables).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// SetRateLimitRetryAfter sets whether a 429 carries Retry-After (the
// default) or only what SetRateLimitHeaders adds.
func (s *Server) SetRateLimitRetryAfter(on bool) {
	s.mu.Lock()
	s.noRA = !on
	s.mu.Unlock()
}

// SetRateLimitHeaders makes every answer carry X-RateLimit-Limit (the
// burst), -Remaining, -Used and -Reset (a Unix time: when the bucket is
// full again) describing the rate limit, as Rootly's answers do.
func (s *Server) SetRateLimitHeaders(on bool) {
	s.mu.Lock()
	s.rlHeaders = on
	s.mu.Unlock()
}

// SetRateLimitStyle sets how the rate limit shows in answers, for a server
// that mimics a vendor: limit formats X-RateLimit-Limit from the burst and
// the time the bucket takes to fill (nil: the burst alone), and body is the
// 429 answer's JSON body (nil: {"error": "rate limited"}).
func (s *Server) SetRateLimitStyle(limit func(burst int, window time.Duration) string, body any) {
	s.mu.Lock()
	s.rlLimit, s.rlBody = limit, body
	s.mu.Unlock()
}

func writeRateLimitHeaders(h http.Header, l *rate.Limiter, format func(int, time.Duration) string) {
	now := time.Now()
	tokens := max(l.TokensAt(now), 0)
	burst := l.Burst()
	remaining := min(int(tokens), burst)
	limit := strconv.Itoa(burst)
	if format != nil {
		limit = format(burst, time.Duration(float64(burst)/float64(l.Limit())*float64(time.Second)))
	}
	h.Set("X-RateLimit-Limit", limit)
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(burst-remaining))
	refill := time.Duration((float64(burst) - tokens) / float64(l.Limit()) * float64(time.Second))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(refill).Add(time.Second-1).Unix(), 10))
}

// SetRateLimit makes the server answer 429 with Retry-After when more than
// perSecond requests (with the given burst) arrive; perSecond <= 0 disables.
func (s *Server) SetRateLimit(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perSecond <= 0 {
		s.limiter = nil
		return
	}
	s.limiter = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
}

// Throttled returns how many 429s the server-side rate limit sent.
func (s *Server) Throttled() int { return int(s.throttled.Load()) }

// Handled returns how many requests reached the route handler.
func (s *Server) Handled() int { return int(s.handled.Load()) }

// SetRecording turns request recording on (the default) or off.
func (s *Server) SetRecording(on bool) {
	s.mu.Lock()
	s.noRecord = !on
	s.mu.Unlock()
}

// Requests returns a copy of the recorded requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

// Connections returns how many TCP connections the server accepted.
func (s *Server) Connections() int { return int(s.conns.Load()) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	if !s.noRecord {
		s.reqs = append(s.reqs, Request{
			Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
			RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
		})
	}
	var fault *Fault
	for i := range s.faults {
		if s.faults[i].matches(r) {
			f := s.faults[i]
			fault = &f
			s.faults[i].Times--
			if s.faults[i].Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			break
		}
	}
	if fault == nil && s.faultRate > 0 && len(s.faultChoice) > 0 && s.rnd.Float64() < s.faultRate {
		f := s.faultChoice[s.rnd.IntN(len(s.faultChoice))]
		if f.matches(r) {
			fault = &f
			s.injected.Add(1)
		}
	}
	latency, limiter, rlHeaders, noRA, rlLimit, rlBody := s.latency, s.limiter, s.rlHeaders, s.noRA, s.rlLimit, s.rlBody
	s.mu.Unlock()

	if latency > 0 && !sleep(r, latency) {
		return
	}
	if fault != nil && fault.Latency > 0 && !sleep(r, fault.Latency) {
		return
	}
	allowed := limiter == nil || limiter.Allow()
	if limiter != nil && rlHeaders {
		writeRateLimitHeaders(w.Header(), limiter, rlLimit)
	}
	if !allowed {
		s.throttled.Add(1)
		wait := limiter.Reserve()
		d := wait.Delay()
		wait.Cancel()
		if !noRA {
			w.Header().Set("Retry-After", strconv.Itoa(int(max(d.Seconds()+0.999, 1))))
		}
		var body any = map[string]string{"error": "rate limited"}
		if rlBody != nil {
			body = rlBody
		}
		WriteJSON(w, http.StatusTooManyRequests, body)
		return
	}
	if fault == nil {
		s.handled.Add(1)
		s.handler.ServeHTTP(w, r)
		return
	}
	s.applyFault(w, r, fault)
}

func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.Drop:
		hangUp(w, nil)
	case f.DropAfterHandling:
		s.handled.Add(1)
		s.handler.ServeHTTP(httptest.NewRecorder(), r)
		hangUp(w, nil)
	case f.Truncate:
		s.handled.Add(1)
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, r)
		b := rec.Body.Bytes()
		var raw bytes.Buffer
		fmt.Fprintf(&raw, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			rec.Code, http.StatusText(rec.Code), rec.Header().Get("Content-Type"), max(len(b), 1))
		raw.Write(b[:len(b)/2])
		hangUp(w, raw.Bytes())
	case f.Malformed, f.Empty:
		s.handled.Add(1)
		s.handler.ServeHTTP(httptest.NewRecorder(), r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if f.Malformed {
			_, _ = io.WriteString(w, `{"data": [{"id": "1", "trunc`)
		}
	case f.Oversize > 0:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.FormatInt(f.Oversize, 10))
		w.WriteHeader(http.StatusOK)
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for left := f.Oversize; left > 0; {
			n := min(left, int64(len(chunk)))
			if _, err := w.Write(chunk[:n]); err != nil {
				return
			}
			left -= n
		}
	case f.Status != 0:
		ct := f.ContentType
		if ct == "" {
			ct = "text/plain; charset=utf-8"
			if t := strings.TrimSpace(f.Body); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
				ct = "application/json"
			}
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
	default: // latency only
		s.handled.Add(1)
		s.handler.ServeHTTP(w, r)
	}
}

// hangUp writes raw bytes (if any) on the bare connection and closes it.
func hangUp(w http.ResponseWriter, raw []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if len(raw) > 0 {
		_, _ = buf.Write(raw)
		_ = buf.Flush()
	}
	_ = conn.Close()
}

func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// EventLog records the state changes a test server applies, in order. It
// is safe for concurrent use; a server embeds it to offer Events and
// ResetEvents.
type EventLog[E any] struct {
	mu     sync.Mutex
	events []E
}

// Add records one change.
func (l *EventLog[E]) Add(e E) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

// Events returns the changes applied so far, oldest first.
func (l *EventLog[E]) Events() []E {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]E(nil), l.events...)
}

// ResetEvents forgets the recorded changes; the server's state stays.
func (l *EventLog[E]) ResetEvents() {
	l.mu.Lock()
	l.events = nil
	l.mu.Unlock()
}

// WriteJSON answers with status and v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	WriteJSONType(w, status, "application/json", v)
}

// WriteJSONType is WriteJSON with another content type.
func WriteJSONType(w http.ResponseWriter, status int, ctype string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// BearerToken returns the token of an "Authorization: Bearer" header.
func BearerToken(r *http.Request) (string, bool) {
	v := r.Header.Get("Authorization")
	if len(v) < 7 || !strings.EqualFold(v[:7], "bearer ") {
		return "", false
	}
	return strings.TrimSpace(v[7:]), true
}

// Proxy forwards r to target (a full URL) and copies the answer back: a
// test puts it behind a handler of its own to hold or count requests on
// their way to a test server.
func Proxy(w http.ResponseWriter, r *http.Request, target string) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

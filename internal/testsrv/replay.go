package testsrv

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// Replay is an http.RoundTripper for benchmarks that measure a client's own
// cost: the first request to each method and path goes to Next (a real
// server) and its answer is recorded; every later one is answered from
// memory with that recording, after the request body is read, as a server
// would. Responses share the recorded header map: clients only read it.
type Replay struct {
	Next http.RoundTripper

	mu   sync.Mutex
	recs map[string]*recorded
}

type recorded struct {
	status int
	header http.Header
	body   []byte
}

// NewReplay records from next (http.DefaultTransport when nil).
func NewReplay(next http.RoundTripper) *Replay {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Replay{Next: next, recs: map[string]*recorded{}}
}

// RoundTrip implements http.RoundTripper.
func (r *Replay) RoundTrip(req *http.Request) (*http.Response, error) {
	key := req.Method + " " + req.URL.Path
	r.mu.Lock()
	rec := r.recs[key]
	r.mu.Unlock()
	if rec == nil {
		resp, err := r.Next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		rec = &recorded{status: resp.StatusCode, header: resp.Header, body: body}
		r.mu.Lock()
		r.recs[key] = rec
		r.mu.Unlock()
	} else if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		Status: http.StatusText(rec.status), StatusCode: rec.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rec.header, Body: io.NopCloser(bytes.NewReader(rec.body)), ContentLength: int64(len(rec.body)), Request: req,
	}, nil
}

package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Version is the SDK version sent in the User-Agent.
const Version = "0.3.0"

// ErrUnexpectedResponse reports a 2xx answer whose body could not be decoded
// into the operation's result. The request did reach the server.
var ErrUnexpectedResponse = errors.New("unexpected response body")

// Spec is what a vendor package tells the core about its API.
type Spec struct {
	// Package names the SDK package, used in the User-Agent, errors and logs.
	Package string
	// Where names the deployment for error messages, e.g. "region EU1".
	Where string
	// DefaultBaseURL is used when no base URL option is given. Empty means
	// the caller must give one.
	DefaultBaseURL string
	// Auth sets the credentials on each try. It gets a private copy of the
	// request whose Header it may change (and URL, with AuthSetsURL), and is
	// called only for requests to the base URL's origin. An error it returns
	// ends the call and is returned unchanged.
	Auth func(r *http.Request) error
	// AuthSetsURL says Auth changes the request's URL (credentials in the
	// query string): its copy then gets a URL of its own. Without it, Auth
	// must leave r.URL alone, which it shares with the caller's request.
	AuthSetsURL bool
	// CredentialHeaders and CredentialQuery name where credentials travel, so
	// they are stripped from any redirect to another origin.
	CredentialHeaders []string
	CredentialQuery   []string
	// Secrets are literal credential values redacted from error bodies,
	// messages and log lines.
	Secrets []string
	// DynamicCredentials says the credentials change over time (fetched
	// tokens): the values Auth sets in Authorization and CredentialHeaders
	// are then remembered (the last few) and redacted as well.
	DynamicCredentials bool
	// DecodeError fills e.Code, e.Message and details from the error body.
	// body is the whole (capped) body; e.Body is already set.
	DecodeError func(e *APIError, body []byte)
	// Reauth, when set, is called when a call is answered 401 (after its
	// retries), with the Authorization value its last try carried: a
	// token the server no longer takes (revoked or rotated before its
	// expiry). Returning true (the credential was dropped, so Auth will set
	// a fresh one) sends the call once more; it is never sent a third time.
	Reauth func(authorization string) bool
	// Jar is used when the caller's http.Client has none.
	Jar http.CookieJar
	// WrapJar, when set, wraps the jar of the caller's http.Client (never
	// Jar): the package sees what the server sets in it.
	WrapJar func(http.CookieJar) http.CookieJar
	// APIPrefixes are the path prefixes the package adds to every
	// operation path (Rootly's /v1, Coralogix's /mgmt/openapi/5): a base
	// URL ending with one is refused, since every path would then hold it
	// twice and every call answer 404.
	APIPrefixes []string
	// Public turns the core's error types (*APIError, *RequestError,
	// *ValidationError) into the package's own, which document their
	// fields in the package a user imports. nil keeps the core's.
	Public func(error) error
}

// Client is the shared transport: URL building, auth, limiting, retries,
// error decoding and logging. It is safe for concurrent use.
type Client struct {
	spec     Spec
	base     *url.URL
	baseStr  string
	hc       *http.Client
	rc       *retryablehttp.Client // the retry engine, shared by all calls
	retryMax int
	waitMin  time.Duration
	waitMax  time.Duration
	logger   *slog.Logger
	limiter  *rate.Limiter
	maxBody  int64
	ua       []string
	vault    *vault // the secrets, one pointer away so no fmt verb reaches them
	now      func() time.Time
	own      *http.Transport // the default transport, when the caller gave none

	credHeaders []string // Authorization and the spec's credential headers

	tryHook        func(Try)
	attemptTimeout time.Duration
	extLimiter     Limiter                   // WithLimiter: shared with other clients or processes
	pacer          *pacer                    // nil with adaptation off
	budget         *retryBudget              // nil with the budget off
	inflight       atomic.Int64              // tries sent and not yet answered
	rateLimit      atomic.Pointer[RateLimit] // the last X-RateLimit-* headers seen

	// pauseUntil (Unix nanoseconds) is when the server's rate-limit window
	// resets, after an answer said no requests remain in it.
	pauseUntil atomic.Int64
}

// New builds a Client from a package's Spec and the caller's options. It
// makes no network call.
func New(spec Spec, o Options) (*Client, error) {
	if err := o.Err(); err != nil {
		if ve, ok := err.(*ValidationError); ok {
			ve.pkg = spec.Package
		}
		return nil, err
	}
	raw := o.baseURL
	if raw == "" {
		raw = spec.DefaultBaseURL
	}
	if strings.TrimSpace(raw) == "" {
		return nil, Invalid(spec.Package, "base URL", "is required: give the instance's URL (scheme and host, and a path prefix if it has one)")
	}
	base, err := ParseBaseURL(raw, o.insecureHTTP)
	if err != nil {
		return nil, Invalid(spec.Package, "base URL", err.Error())
	}
	for _, p := range spec.APIPrefixes {
		if strings.HasSuffix(strings.ToLower(base.Path), strings.ToLower(p)) {
			return nil, Invalid(spec.Package, "base URL", fmt.Sprintf("ends with %s, a path prefix the SDK adds itself to the paths it calls: give %s",
				p, strings.TrimSuffix(base.Scheme+"://"+base.Host+base.Path[:len(base.Path)-len(p)], "/")))
		}
	}
	c := &Client{
		spec:     spec,
		base:     base,
		baseStr:  base.String(),
		retryMax: o.retryMaxOr(),
		logger:   o.logger,
		maxBody:  o.maxBodyOr(),
		now:      time.Now,
	}
	c.waitMin, c.waitMax = o.waits()
	c.tryHook, c.attemptTimeout, c.extLimiter = o.tryHook, o.attemptTimeout, o.limiter
	if !o.noAdaptive {
		c.pacer = newPacer()
	}
	switch {
	case o.budget > 0:
		c.budget = newRetryBudget(o.budget)
	case o.budget == 0:
		c.budget = newRetryBudget(DefaultRetryBudget)
	}
	c.credHeaders = append([]string{"Authorization"}, spec.CredentialHeaders...)
	if o.ratePerSec > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(o.ratePerSec), max(o.rateBurst, 1))
	}
	ua := "caseassign-go/" + Version + " (" + spec.Package + ")"
	if s := strings.TrimSpace(o.userAgent); s != "" {
		if strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("%s: user agent must not contain line breaks", spec.Package)
		}
		ua += " " + s
	}
	c.ua = []string{ua}
	c.vault = &vault{}
	for _, s := range spec.Secrets {
		if s != "" {
			c.vault.static = append(c.vault.static, s)
		}
	}
	c.spec.Secrets = nil // kept in the vault only

	var hcBase http.Client
	var rt http.RoundTripper
	if o.httpClient != nil {
		hcBase = *o.httpClient //nolint:govet // a shallow copy: the caller's client is never mutated
		rt = hcBase.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
	} else {
		c.own = newDefaultTransport()
		rt = c.own
	}
	c.hc = &http.Client{
		Transport:     &transport{c: c, next: rt},
		CheckRedirect: c.checkRedirect(hcBase.CheckRedirect),
		Jar:           hcBase.Jar,
		Timeout:       hcBase.Timeout,
	}
	if c.hc.Jar == nil {
		c.hc.Jar = spec.Jar
	} else if spec.WrapJar != nil {
		c.hc.Jar = spec.WrapJar(c.hc.Jar)
	}
	// One go-retryablehttp client for all calls: the per-call retry state
	// (the policy) travels in each request's context, where CheckRetry and
	// PrepareRetry find it. It logs nothing (Logger nil), passes the last
	// answer through, and its CloseIdleConnections reaches only the
	// wrapper transport, which does not implement it.
	c.rc = &retryablehttp.Client{
		HTTPClient:   c.hc,
		RetryMax:     c.retryMax,
		RetryWaitMin: c.waitMin,
		RetryWaitMax: c.waitMax,
		CheckRetry:   checkRetry,
		Backoff:      noBackoff,
		PrepareRetry: waitRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

func newDefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * DefaultMaxIdleConnsPerHost
	t.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	return t
}

// Jar returns the cookie jar the client's requests use (the caller's, or
// the Spec's), nil when there is none.
func (c *Client) Jar() http.CookieJar {
	if c == nil {
		return nil
	}
	return c.hc.Jar
}

// CloseIdleConnections closes the idle connections of the client's own
// default transport. A transport the caller supplied is left alone, since
// other clients may share it.
func (c *Client) CloseIdleConnections() {
	if c != nil && c.own != nil {
		c.own.CloseIdleConnections()
	}
}

// Describe is what a package Client prints as under any fmt verb: its
// package and base URL, never a credential or an inner value.
func Describe(pkg string, c *Client) string {
	if c == nil {
		return pkg + ".Client{}"
	}
	return pkg + ".Client{BaseURL:" + c.baseStr + "}"
}

// BaseURL returns the checked base URL as a string, without trailing slash.
func (c *Client) BaseURL() string {
	if c == nil {
		return ""
	}
	return c.baseStr
}

// Redact replaces every known secret in s, the static ones and the recent
// dynamic credentials, in every form a server can echo them (see
// RedactSecrets).
func (c *Client) Redact(s string) string {
	if c == nil || s == "" {
		return s
	}
	v := c.vault
	if !c.spec.DynamicCredentials {
		return RedactSecrets(s, v.static...)
	}
	v.mu.RLock()
	all := make([]string, 0, len(v.static)+len(v.dyn))
	all = append(append(all, v.static...), v.dyn...)
	v.mu.RUnlock()
	return RedactSecrets(s, all...)
}

// vault holds the values to redact. It sits behind a pointer of the
// Client: fmt prints a pointer found inside a struct as an address, so no
// verb applied to a Client (or a struct holding one) reaches it.
type vault struct {
	static []string // the spec's secrets

	mu  sync.RWMutex
	dyn []string // recent dynamic credential values, newest last
}

// maxDynamicCredentials is how many recent dynamic credential values are
// remembered for redaction.
const maxDynamicCredentials = 8

// noteCredentials remembers the credential values Auth set on r.
func (c *Client) noteCredentials(r *http.Request) {
	for _, k := range c.credHeaders {
		v := r.Header.Get(k)
		if t, ok := strings.CutPrefix(v, "Bearer "); ok {
			v = t
		}
		if len(v) < 4 {
			continue
		}
		vt := c.vault
		vt.mu.RLock()
		known := slices.Contains(vt.dyn, v)
		vt.mu.RUnlock()
		if known {
			continue
		}
		vt.mu.Lock()
		if !slices.Contains(vt.dyn, v) {
			vt.dyn = append(vt.dyn, v)
			if len(vt.dyn) > maxDynamicCredentials {
				vt.dyn = vt.dyn[1:]
			}
		}
		vt.mu.Unlock()
	}
}

// Request is one operation: the core adds the base URL, headers, auth and retries.
type Request struct {
	Method string
	// Path is the operation's documented path, built with Path when it holds
	// caller input. It is appended to the base URL's path prefix.
	Path string
	// Query is the encoded query string, without "?". Never a credential.
	Query string
	// Body is the encoded request body, replayed byte for byte on each try.
	Body []byte
	// ContentType defaults to application/json when Body is set.
	ContentType string
	// Accept defaults to application/json.
	Accept string
}

// Response is a 2xx answer with its body read in full.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte

	c      *Client
	method string
	url    *url.URL // the request's URL, cleaned when an error names it
	tries  int
}

var (
	jsonType   = []string{"application/json"}
	headerUA   = http.CanonicalHeaderKey("User-Agent")
	headerCT   = http.CanonicalHeaderKey("Content-Type")
	headerAcc  = http.CanonicalHeaderKey("Accept")
	headerAuth = http.CanonicalHeaderKey("Authorization")
	requestIDs = []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Correlation-Id", "Cx-Request-Id"}
)

// Do sends r with retries and returns the 2xx answer. It returns an
// *APIError for any other status, a *RequestError when no usable answer came
// (connection failure after the retries, cancelled context, oversized body),
// or the Auth hook's error unchanged.
func (c *Client) Do(ctx context.Context, r *Request) (Response, error) {
	if c == nil || ctx == nil {
		pkg := ""
		if c != nil {
			pkg = c.spec.Package
		}
		return Response{}, Ready(pkg, c, ctx)
	}
	u := c.baseStr + r.Path
	if r.Query != "" {
		u += "?" + r.Query
	}
	// The call's context carries its retry policy and state: one
	// allocation for the three.
	cc := &callContext{Context: ctx}
	p := &cc.policy
	p.c = c
	ctx = cc
	var body any
	if r.Body != nil {
		cc.body = r.Body
		body = retryablehttp.ReaderFunc(cc.bodyReader)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return Response{}, c.public(&RequestError{Method: r.Method, URL: c.baseStr + r.Path, Err: err, pkg: c.spec.Package})
	}
	h := req.Header
	h[headerUA] = c.ua
	if r.Accept != "" {
		h[headerAcc] = []string{r.Accept}
	} else {
		h[headerAcc] = jsonType
	}
	if r.Body != nil {
		if r.ContentType != "" {
			h[headerCT] = []string{r.ContentType}
		} else {
			h[headerCT] = jsonType
		}
	}
	if d, ok := ctx.Deadline(); ok {
		p.deadline = d
	}
	resp, err := c.rc.Do(req)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && c.spec.Reauth != nil && !p.reauthed && c.spec.Reauth(p.sentAuth) {
		// A token refused before its expiry: once more with a fresh one.
		_ = resp.Body.Close()
		p.reauthed = true
		resp, err = c.rc.Do(req)
	}
	tries := max(p.state.tries, 1)
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return Response{}, c.requestError(r.Method, c.Redact(cleanURL(req.URL)), err, tries, p.budgetStopped)
	}
	data, err := bodyBytes(resp)
	if err != nil {
		return Response{}, c.requestError(r.Method, c.Redact(cleanURL(req.URL)), err, tries, false)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// The URL for an error is cleaned only if a decoding error needs it.
		return Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data, c: c, method: r.Method, url: req.URL, tries: tries}, nil
	}
	e := c.apiError(r.Method, c.Redact(cleanURL(req.URL)), resp, data, p.rateLimited)
	e.Attempts, e.budgetStopped = tries, p.budgetStopped
	return Response{}, c.public(e)
}

// bodyBytes returns the body the transport already read. http.Client wraps it
// when it has a Timeout, so it is then read through the wrapper. The body is
// always closed, which also stops the client's timer.
func bodyBytes(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if bb, ok := resp.Body.(*bufBody); ok {
		return bb.b, nil
	}
	buf := make([]byte, 0, min(max(resp.ContentLength, 0), initialBodyBuf))
	return readAllInto(buf, resp.Body)
}

// JSONRequest builds a request whose body is in encoded as JSON (no body
// when in is nil). An unencodable value is a *ValidationError.
func (c *Client) JSONRequest(method, path string, in any) (*Request, error) {
	r := &Request{Method: method, Path: path}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, c.public(Invalid(c.spec.Package, "body", err.Error()))
		}
		r.Body = b
	}
	return r, nil
}

// Call sends r and decodes the 2xx body with decode, the package's decoder
// (see Decode).
func Call[T any](ctx context.Context, c *Client, r *Request, decode func(body []byte) (T, error)) (T, error) {
	resp, err := c.Do(ctx, r)
	if err != nil {
		var zero T
		return zero, err
	}
	return Decode(ctx, resp, decode)
}

// Decode decodes a 2xx answer with decode, the package's decoder. An
// answer that is not JSON (CheckJSON), or one decode refuses, is a
// *RequestError matching ErrUnexpectedResponse: the request did reach the
// server. A big body's decoding ends with ctx (see decodeWithin).
func Decode[T any](ctx context.Context, resp Response, decode func(body []byte) (T, error)) (T, error) {
	var zero T
	if err := resp.CheckJSON(); err != nil {
		return zero, err
	}
	out, err := decodeWithin(ctx, resp.Body, decode)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) && resp.c != nil {
			return zero, resp.c.public(&RequestError{Method: resp.method, URL: resp.c.Redact(cleanURL(resp.url)), Err: err,
				Attempts: max(resp.tries, 1), pkg: resp.c.spec.Package})
		}
		return zero, resp.Unexpected(err)
	}
	return out, nil
}

// bigBody is the size from which a body is decoded apart from the caller,
// so that the call's context ends the wait (decoding a body of the size cap
// takes a fraction of a second; a small one, microseconds).
const bigBody = 1 << 20

// decodeWithin decodes body, and for a big body returns the context's
// error as soon as it ends, leaving the decoding (whose result is then
// dropped) to finish on its own.
func decodeWithin[T any](ctx context.Context, body []byte, decode func([]byte) (T, error)) (T, error) {
	if len(body) < bigBody || ctx.Done() == nil {
		return decode(body)
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := decode(body)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// JSON sends in (when non-nil) as a JSON body and decodes a 2xx answer into
// out (when non-nil).
func (c *Client) JSON(ctx context.Context, method, path string, in, out any) error {
	r, err := c.JSONRequest(method, path, in)
	if err != nil {
		return err
	}
	if out == nil {
		_, err = c.Do(ctx, r)
		return err
	}
	_, err = Call(ctx, c, r, func(b []byte) (struct{}, error) { return struct{}{}, json.Unmarshal(b, out) })
	return err
}

// CheckJSON returns an error matching ErrUnexpectedResponse unless the
// answer can be a JSON document: a body that is not empty and does not
// start like markup, with no Content-Type or one that is JSON (any
// "json" media type), text/plain or application/octet-stream. An HTML
// page (a login form, a proxy's error page, a captive portal) answered
// with 200 is not the document the call expects, whatever its status.
func (r Response) CheckJSON() error {
	t := bytes.TrimSpace(r.Body)
	if len(t) == 0 {
		return r.Unexpected(errors.New("empty body"))
	}
	if ct := r.Header.Get(headerCT); ct != "" && !jsonMediaType(ct) {
		return r.Unexpected(fmt.Errorf("the answer is %s, not JSON", mediaType(ct)))
	}
	if t[0] == '<' {
		return r.Unexpected(errors.New("the answer is markup (HTML or XML), not JSON"))
	}
	return nil
}

// mediaType names a Content-Type for an error: one of the common types
// that are not JSON, or "a content type that is not JSON". The server's
// text itself is never repeated (it could hold anything, a secret in a
// form redaction does not know included).
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	switch mt = strings.ToLower(strings.TrimSpace(mt)); mt {
	case "text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/csv",
		"application/x-www-form-urlencoded", "multipart/form-data", "application/pdf":
		return mt
	}
	return "a content type that is not JSON"
}

func jsonMediaType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "" || strings.Contains(mt, "json") || mt == "text/plain" || mt == "application/octet-stream"
}

// Unexpected wraps a decoding failure of this response: the error matches
// ErrUnexpectedResponse and the cause.
func (r Response) Unexpected(cause error) error {
	u := ""
	if r.url != nil {
		u = cleanURL(r.url)
	}
	c := r.c
	if c == nil {
		c = &Client{vault: &vault{}}
	}
	// The cause may quote what the server sent (a decoder's "parsing time
	// %q"): it is redacted like every other error text.
	return c.public(&RequestError{Method: r.method, URL: c.Redact(u), pkg: c.spec.Package, Attempts: max(r.tries, 1),
		Err: redactedError{unexpectedError{status: r.StatusCode, cause: cause}, c}})
}

// unexpectedError is a 2xx answer that is not the document the call
// expects: it matches ErrUnexpectedResponse and the cause.
type unexpectedError struct {
	status int
	cause  error
}

func (e unexpectedError) Error() string {
	return ErrUnexpectedResponse.Error() + " (status " + strconv.Itoa(e.status) + "): " + causeText(e.cause)
}

// causeText describes a decoding failure without the server's text where
// the cause would quote it: a time or number parse error quotes the value
// as it was in the JSON (escapes and all, then quoted again), a form no
// redaction can be sure to recognise.
func causeText(err error) string {
	var te *time.ParseError
	if errors.As(err, &te) {
		return "a timestamp does not parse as " + te.Layout
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return "a number does not parse (" + ne.Func + ")"
	}
	return err.Error()
}

func (e unexpectedError) Unwrap() []error { return []error{ErrUnexpectedResponse, e.cause} }

// requestID returns the first request-id header of an answer.
func requestID(h http.Header) string {
	for _, k := range requestIDs {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// public hands an error to the package's Spec.Public, which turns the
// core's error types into the package's own.
func (c *Client) public(err error) error {
	if c.spec.Public != nil && err != nil {
		return c.spec.Public(err)
	}
	return err
}

func (c *Client) requestError(method, u string, err error, tries int, budgetStopped bool) error {
	var ae *authError
	if errors.As(err, &ae) {
		// The credential's own error, as is, unless its text holds a
		// secret the client knows.
		if msg := ae.err.Error(); c.Redact(msg) != msg {
			return redactedError{ae.err, c}
		}
		return ae.err
	}
	var pe *pauseError
	if errors.As(err, &pe) {
		return c.public(&APIError{Method: method, URL: u, Message: pe.Error(), RetryAfter: pe.wait, Attempts: tries,
			pkg: c.spec.Package, where: c.spec.Where, rateLimited: true})
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, ErrResponseTooLarge) {
		err = fmt.Errorf("%w (cap %d bytes)", ErrResponseTooLarge, c.maxBody)
	}
	return c.public(&RequestError{Method: method, URL: u, Err: redactedError{err, c}, Attempts: tries, budgetStopped: budgetStopped, pkg: c.spec.Package})
}

// redactedError keeps the cause for errors.Is/As while its text is redacted.
type redactedError struct {
	err error
	c   *Client
}

func (e redactedError) Error() string { return e.c.Redact(e.err.Error()) }
func (e redactedError) Unwrap() error { return e.err }

// GoString prints the redacted text only: the cause's inner values (a URL,
// a server's answer) may hold what the text leaves out.
func (e redactedError) GoString() string { return strconv.Quote(e.Error()) }

// hintWaitTooLong is the hint of an answer whose wait the client declined.
const hintWaitTooLong = "the server asked for a wait longer than the client's maximum retry wait (WithRetryWait), so it was not waited: call again after RetryAfter, or raise the maximum"

func (c *Client) apiError(method, u string, resp *http.Response, body []byte, rateLimited bool) *APIError {
	e := &APIError{
		StatusCode:  resp.StatusCode,
		Method:      method,
		URL:         u,
		pkg:         c.spec.Package,
		where:       c.spec.Where,
		rateLimited: rateLimited,
	}
	e.RequestID = c.Redact(requestID(resp.Header))
	if d, ok := retryAfter(resp.Header, resp.StatusCode, c.now()); ok {
		e.RetryAfter = d
	}
	if rateLimited {
		e.hint = hintWaitTooLong
	}
	if len(body) > 0 {
		// Redacted before anything is decoded from it, so no vendor detail
		// (field errors, error objects) can hold a secret either.
		if r := c.Redact(string(body)); len(r) != len(body) || r != string(body) {
			body = []byte(r)
		}
	}
	e.Body = body[:min(len(body), MaxErrorBody):min(len(body), MaxErrorBody)]
	if c.spec.DecodeError != nil && len(body) > 0 {
		c.spec.DecodeError(e, body)
	}
	if e.Message == "" {
		e.Message = fallbackMessage(resp.Header.Get(headerCT), body)
	}
	e.Message = c.Redact(e.Message)
	e.Code = c.Redact(e.Code)
	return e
}

// fallbackMessage derives a short message from an undecodable body: the first
// line of a plain-text body, nothing for HTML or binary.
func fallbackMessage(ctype string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	ct := strings.ToLower(ctype)
	t := bytes.TrimSpace(body)
	if strings.Contains(ct, "html") || bytes.HasPrefix(t, []byte("<")) {
		return ""
	}
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return "" // a JSON document the package could not read: never dumped raw (APIError.Body keeps it)
	}
	if i := bytes.IndexAny(t, "\r\n"); i >= 0 {
		t = t[:i]
	}
	s := strings.ToValidUTF8(string(t), "")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' {
			return ""
		}
	}
	return s
}

// checkRedirect keeps credentials on their origin: a redirect to another
// origin loses every credential header, the cookies and the Referer (which
// could name a URL that held credentials), and a redirect from https to
// http is refused. Credential query parameters are taken off every redirect
// URL, same origin or not: the transport adds them again, on its private
// copy, for the base origin only, so they never sit in a URL the client
// keeps (and later sends as a Referer).
func (c *Client) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if err := c.writeRedirect(req, via); err != nil {
			return err
		}
		if len(via) >= 10 {
			return &redirectError{"stopped after 10 redirects"}
		}
		if c.base.Scheme == "https" && !strings.EqualFold(req.URL.Scheme, "https") {
			return &redirectError{"refusing a redirect from https to " + req.URL.Scheme}
		}
		if len(c.spec.CredentialQuery) > 0 && req.URL.RawQuery != "" {
			q := req.URL.Query()
			for _, k := range c.spec.CredentialQuery {
				q.Del(k)
			}
			req.URL.RawQuery = q.Encode()
		}
		if !sameOrigin(req.URL, c.base) {
			if req.ContentLength > 0 || (req.ContentLength < 0 && req.Body != nil && req.Body != http.NoBody) {
				// A 307 or 308 would send the body again: it may hold a
				// password or personal data, so it never leaves the origin.
				return &redirectError{"refusing to send a request body to another origin"}
			}
			req.Header.Del("Authorization")
			req.Header.Del("Cookie")
			req.Header.Del("Referer")
			for _, k := range c.spec.CredentialHeaders {
				req.Header.Del(k)
			}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// writeRedirect refuses a 301, 302 or 303 answer to a request other than
// GET or HEAD: net/http would follow it as a GET without a body, and the
// call would report the page it lands on as the write's success although
// nothing says the write took effect.
func (c *Client) writeRedirect(req *http.Request, via []*http.Request) error {
	resp := req.Response
	if resp == nil || len(via) == 0 {
		return nil
	}
	m := via[len(via)-1].Method
	if m == http.MethodGet || m == http.MethodHead {
		return nil
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther:
		return &WriteRedirectError{Method: m, StatusCode: resp.StatusCode, Location: c.Redact(cleanURL(req.URL))}
	}
	if !sameOrigin(req.URL, c.base) {
		// A write's answer must come from the API: a write sent on to
		// another origin (a 307 or 308, even without a body) would go
		// there without credentials, and its answer say nothing of the
		// write.
		return &WriteRedirectError{Method: m, StatusCode: resp.StatusCode, Location: c.Redact(cleanURL(req.URL))}
	}
	return nil
}

// WriteRedirectError is a write (POST, PUT, PATCH, DELETE) answered with a
// 301, 302 or 303 (Go's http.Client would follow it as a GET without the
// body), or with a 307 or 308 to another origin (where the write would go
// without its credentials): the SDK stops there, since nothing confirms
// the write took effect. It matches ErrUnexpectedResponse. A 307 or 308 on
// the same origin keeps the method and body and is followed.
type WriteRedirectError struct {
	Method     string // the write's method
	StatusCode int    // 301, 302 or 303
	Location   string // where the answer pointed: no query string, no credential
}

func (e *WriteRedirectError) Error() string {
	why := ": a write is not re-sent as a GET, so nothing confirms it took effect"
	if e.StatusCode == http.StatusTemporaryRedirect || e.StatusCode == http.StatusPermanentRedirect {
		why = ": refusing to send a write to another origin, so nothing confirms it took effect"
	}
	return e.Method + " was answered " + strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode) +
		" pointing at " + e.Location + why + " (check the base URL, or whether the session or credentials are still valid)"
}

// Is reports whether target is ErrUnexpectedResponse.
func (e *WriteRedirectError) Is(target error) bool { return target == ErrUnexpectedResponse }

package thalamus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/internal/jsonx"
)

// DefaultLoginPath is where the client logs an operator in when the server
// has not named its login URL (the "login" link of an unauthenticated
// session context) and WithLoginPath did not set one. It is the path the
// Thalamus documentation's session contexts link to, relative to the
// instance URL.
const DefaultLoginPath = "/api/v3/thalamus_security_check"

// LogoutPath is the documented logout service, relative to the instance URL.
const LogoutPath = "/api/v3/logout"

// ErrLoginFailed matches the error of a failed operator login (explicit, or
// the one made before a call); errors.As still reaches the *APIError of the
// answer. The message never contains the password.
var ErrLoginFailed = errors.New("thalamus: operator login failed")

// ErrNoLogin is returned by Login when the client was built without
// WithOperatorLogin; it also matches ErrInvalidInput.
var ErrNoLogin = errors.New("thalamus: Login needs WithOperatorLogin")

// WithOperatorLogin makes the client log an operator in, as operations on
// cases need: before its first call, and once more when a call finds the
// session gone (a 401, a write redirected, or the login page where JSON was
// expected; the call is then retried once). Concurrent
// calls wait for one shared login. principal is the instance's operator
// identifier (user name, e-mail, "documentTypeId:number", ...); password is
// a secret like the token: redacted from every error and log line, sent only
// to the instance's own origin, never along a redirect. An empty password
// is for touchpoints configured for passwordless login; otherwise it must
// hold 4 to 100 characters.
func WithOperatorLogin(principal, password string) Option {
	return func(o *options) {
		o.login = true
		o.principal, o.password = principal, password
	}
}

// WithLoginPath sets the login service's path relative to the instance URL
// (default DefaultLoginPath). A login link the server gives in a session
// context wins over it, when it points into the same instance.
func WithLoginPath(path string) Option { return func(o *options) { o.loginPath = path } }

// session is the operator login state shared by every call of a Client.
type session struct {
	body     []byte // the login request body: holds the password
	path     string // the configured login path
	linked   atomic.Pointer[string]
	lock     chan struct{} // one login at a time, waited for with the context
	gen      atomic.Uint64 // counts successful logins
	loggedIn atomic.Bool
	origin   *url.URL // the instance URL: same-origin checks, and its path prefix
	// secretFree reports whether a text holds none of the client's
	// credentials (the client's Redact leaves it as it is).
	secretFree func(string) bool

	// tries counts login attempts and last holds the latest one's
	// failure: a call that waited for the lock while a login failed gets
	// that failure instead of trying again. refused holds a login the
	// server refused (wrong principal or password): sticky until Login.
	tries   atomic.Uint64
	last    atomic.Pointer[loginError]
	refused atomic.Pointer[loginError]

	// elsewhere records that the server linked its login to a path of
	// its own origin outside the base URL's path: the base URL's path
	// prefix is most likely wrong.
	elsewhere atomic.Bool
}

func newSession(o *options, base string) (*session, error) {
	if err := core.CheckCredential(pkg, "principal", o.principal); err != nil {
		return nil, public(err)
	}
	if strings.TrimSpace(o.principal) == "" {
		return nil, invalid("principal", "is empty")
	}
	if o.password != "" {
		if err := core.CheckCredential(pkg, "password", o.password); err != nil {
			return nil, public(err)
		}
		if n := utf8.RuneCountInString(o.password); n < 4 || n > 100 {
			return nil, invalid("password", "must hold 4 to 100 characters (or be empty for a passwordless touchpoint)")
		}
	}
	path := o.loginPath // checked by NewClient
	if path == "" {
		path = DefaultLoginPath
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, invalid("base URL", "cannot be parsed")
	}
	body := jsonx.AppendString([]byte(`{"principal":`), strings.TrimSpace(o.principal))
	if o.password != "" {
		body = append(body, `,"password":`...)
		body = jsonx.AppendString(body, o.password)
	}
	body = append(body, '}')
	return &session{
		body:       body,
		path:       path,
		lock:       make(chan struct{}, 1),
		origin:     u,
		secretFree: func(string) bool { return true },
	}, nil
}

func checkLoginPath(p string) string {
	switch {
	case !strings.HasPrefix(p, "/"):
		return "must start with /"
	case strings.ContainsAny(p, "?#%\\") || core.HasControl(p):
		return "must be a plain path: no query, fragment, percent sign, backslash or control character"
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return "must not hold . or .. segments"
		}
	}
	return ""
}

// loginPath is the server's login link when it gave one, else the configured path.
func (s *session) loginPath() string {
	if p := s.linked.Load(); p != nil {
		return *p
	}
	return s.path
}

// learn takes the login link from a session context in body: the
// {"context": {"links": [...]}} of the seed and the logout answer, or the
// top-level "links" of the common envelope. Only a link into this instance
// (same origin, under the instance path) is taken: the password never goes
// anywhere else.
func (s *session) learn(body []byte) {
	var doc struct {
		Context struct {
			Links []link `json:"links"`
		} `json:"context"`
		Links []link `json:"links"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return
	}
	for _, l := range append(doc.Context.Links, doc.Links...) {
		if !strings.EqualFold(l.Ref, "login") {
			continue
		}
		if p, ok := s.within(l.Href, s.secretFree); ok {
			s.linked.Store(&p)
			return
		}
		if u, err := url.Parse(l.Href); err == nil && strings.EqualFold(u.Host, s.origin.Host) {
			s.elsewhere.Store(true) // the instance's own login link, outside the base URL's path
		}
	}
}

type link struct {
	Ref  string `json:"ref"`
	Href string `json:"href"`
}

// within turns a login link into a path below the instance URL, and
// reports false for a link anywhere else. The link is parsed (so decoded)
// once, resolved against the instance URL (a relative link is relative to
// the instance's root), and must then be on the instance's origin (same
// scheme, host and port), under its path prefix, and a plain path: no user
// info, query or fragment, and no dot segment in any encoding ("..",
// "%2e%2e", "%2E."), since a server resolves those after the check. A link
// that holds a credential the client knows is refused too, so no secret
// reaches a request path or an error through it.
func (s *session) within(href string, secretFree func(string) bool) (string, bool) {
	if href == "" || len(href) > 2048 || core.HasControl(href) || strings.Contains(href, "\\") {
		return "", false
	}
	ref, err := url.Parse(href)
	if err != nil || ref.User != nil || ref.RawQuery != "" || ref.ForceQuery || ref.Fragment != "" || ref.Opaque != "" {
		return "", false
	}
	root := *s.origin
	root.Path = strings.TrimSuffix(root.Path, "/") + "/"
	root.RawPath = ""
	u := root.ResolveReference(ref)
	if !strings.EqualFold(u.Scheme, s.origin.Scheme) || !strings.EqualFold(u.Host, s.origin.Host) || u.User != nil {
		return "", false
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if dec, err := url.PathUnescape(seg); err != nil || dec == "." || dec == ".." {
			return "", false
		}
	}
	p, ok := strings.CutPrefix(u.Path, strings.TrimSuffix(s.origin.Path, "/"))
	if !ok || checkLoginPath(p) != "" || !secretFree(p) {
		return "", false
	}
	return p, true
}

// acquire takes the login lock, or returns the context's error.
func (s *session) acquire(ctx context.Context) error {
	select {
	case s.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *session) release() { <-s.lock }

// ensure logs in unless a session is open, and returns the login generation
// the call runs under. Concurrent callers share one attempt and its
// failure; a refused login is not tried again until Login is called.
func (c *Client) ensure(ctx context.Context) (uint64, error) {
	s := c.session
	if s.loggedIn.Load() {
		return s.gen.Load(), nil
	}
	if err := s.stuck(); err != nil {
		return 0, err
	}
	seen := s.tries.Load()
	if err := s.acquire(ctx); err != nil {
		return 0, err
	}
	defer s.release()
	if !s.loggedIn.Load() {
		if err := s.sharedFailure(seen); err != nil {
			return 0, err
		}
		if err := c.login(ctx); err != nil {
			return 0, err
		}
	}
	return s.gen.Load(), nil
}

// relogin logs in again after a call under generation gen found the
// session gone, unless another call already did (or already failed to).
func (c *Client) relogin(ctx context.Context, gen uint64) error {
	s := c.session
	if err := s.stuck(); err != nil {
		return err
	}
	seen := s.tries.Load()
	if err := s.acquire(ctx); err != nil {
		return err
	}
	defer s.release()
	if s.gen.Load() != gen && s.loggedIn.Load() {
		return nil // another call logged in again meanwhile
	}
	if err := s.sharedFailure(seen); err != nil {
		return err
	}
	s.loggedIn.Store(false)
	return c.login(ctx)
}

// stuck returns the refusal of the last login, when the server refused the
// credentials: later calls fail with it, and never repeat a login that
// would be refused again (and could lock the operator account), until the
// caller calls Login.
func (s *session) stuck() error {
	if e := s.refused.Load(); e != nil {
		return e
	}
	return nil
}

// sharedFailure returns the failure of a login attempted while the caller
// waited for the lock (the attempts counted seen before it waited): the
// caller shares it instead of trying again at once. The lock is held.
func (s *session) sharedFailure(seen uint64) error {
	if e := s.refused.Load(); e != nil {
		return e
	}
	if s.tries.Load() != seen {
		if e := s.last.Load(); e != nil {
			return e
		}
	}
	return nil
}

// login posts the credentials; the caller holds the lock. When the answer
// is an error whose session context links to another login URL of the
// instance, it tries that one once. PartyAlreadyLoggedin means the session
// is open, which is what login is for.
func (c *Client) login(ctx context.Context) error {
	s := c.session
	s.tries.Add(1)
	err := c.loginOnce(ctx)
	var le *loginError
	if errors.As(err, &le) {
		// The callers' own contexts are theirs: a login that ended with
		// its caller's context is not a failure to hand to the others.
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			s.last.Store(nil)
		} else {
			s.last.Store(le)
		}
		if le.refused() {
			s.refused.Store(le)
		}
		return le
	}
	s.last.Store(nil)
	return err
}

func (c *Client) loginOnce(ctx context.Context) error {
	s := c.session
	path := s.loginPath()
	resp, err := c.core.Do(ctx, &core.Request{Method: http.MethodPost, Path: path, Body: s.body})
	var ae *APIError
	if err != nil && errors.As(err, &ae) {
		s.learn(ae.Body)
		if next := s.loginPath(); next != path && ae.StatusCode != http.StatusBadRequest {
			resp, err = c.core.Do(ctx, &core.Request{Method: http.MethodPost, Path: next, Body: s.body})
		}
	}
	if err != nil && !alreadyLoggedIn(err) {
		// A login refused for its principal or password (not for the
		// touchpoint's token, whose hint decodeError already set).
		var ae *APIError
		switch {
		case !errors.As(err, &ae):
		case s.elsewhere.Load():
			setHint(err, hintLoginElsewhere)
		case ae.StatusCode == http.StatusBadRequest || ae.StatusCode == http.StatusForbidden ||
			ae.StatusCode == http.StatusUnauthorized && (ae.err == nil || ae.err.Hint() != hintTokenRefused):
			setHint(err, hintLoginRefused)
		}
		return &loginError{err: err}
	}
	if err == nil {
		// A login answered with a page (the login form again) opened no
		// session, whatever its status; an empty answer (204) may have
		// set the session cookie, and is taken as the success it says.
		if len(bytes.TrimSpace(resp.Body)) > 0 {
			if cerr := resp.CheckJSON(); cerr != nil {
				return &loginError{err: cerr}
			}
		}
		s.learn(resp.Body)
	}
	s.gen.Add(1)
	s.loggedIn.Store(true)
	return nil
}

// alreadyLoggedIn reports a 400 with the code PartyAlreadyLoggedin (any casing).
func alreadyLoggedIn(err error) bool {
	var fe FieldErrors
	if !errors.As(err, &fe) {
		return false
	}
	for _, p := range fe {
		if strings.EqualFold(p.Code, "PartyAlreadyLoggedin") {
			return true
		}
	}
	return false
}

// loginError wraps a failed login's error: it matches ErrLoginFailed and,
// through Unwrap, the answer's *APIError and its sentinels.
type loginError struct{ err error }

func (e *loginError) Error() string { return ErrLoginFailed.Error() + ": " + e.err.Error() }

// refused reports a login the server refused for its credentials (401,
// 403, a 400 about them, or a login page answered again), as opposed to one
// that may go through if tried again (5xx, 429, a lost connection, the
// caller's context).
func (e *loginError) refused() bool {
	var ae *APIError
	if errors.As(e.err, &ae) {
		if ae.err != nil && ae.err.Hint() == hintTokenRefused {
			return false // the touchpoint's token, not the operator's password: no lockout to fear
		}
		switch ae.StatusCode {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
			return true
		}
		return false
	}
	return errors.Is(e.err, ErrUnexpectedResponse)
}
func (e *loginError) Unwrap() []error {
	return []error{ErrLoginFailed, e.err}
}

// send runs one operation: with an operator login, it logs in first, and
// when the answer shows the session is gone (see sessionGone) logs in
// again once and retries the operation once. What the retry answers is
// the call's answer: a second sign of a lost session is an error.
func (c *Client) send(ctx context.Context, r *core.Request) (core.Response, error) {
	if c.session == nil {
		return c.core.Do(ctx, r)
	}
	gen, err := c.ensure(ctx)
	if err != nil {
		return core.Response{}, err
	}
	resp, err := c.core.Do(ctx, r)
	if !c.sessionGone(resp, err) {
		return resp, err
	}
	if lerr := c.relogin(ctx, gen); lerr != nil {
		return core.Response{}, lerr
	}
	resp, err = c.core.Do(ctx, r)
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized {
		setHint(err, hintStill401)
	}
	return resp, err
}

// sessionGone reports whether an answer shows that the operator session
// has ended, in any of the forms deployments give it: a 401; a write
// answered with a 301, 302 or 303 (a redirect towards the login page,
// which is never followed for a write); or a 2xx answer that is not JSON
// (the login page itself, where a read's redirect led). A login link in a
// 401's session context is learnt on the way.
func (c *Client) sessionGone(resp core.Response, err error) bool {
	if err == nil {
		return resp.CheckJSON() != nil
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized {
		c.session.learn(ae.Body)
		return true
	}
	var wre *core.WriteRedirectError
	return errors.As(err, &wre)
}

// Login logs the operator of WithOperatorLogin in now, instead of before
// the first call. Calls made after a Login use its session. Without
// WithOperatorLogin it returns ErrNoLogin.
//
// A login the server refuses (a wrong principal or password: 400, 401, 403,
// or its login page answered again) is not tried again by the calls that
// follow: they fail at once with the same error, matching ErrLoginFailed,
// so a job of any size makes one refused attempt and never locks the
// operator account by repeating it. Calling Login tries again (after you
// fix the credentials, say). A login that failed for another reason (a 5xx,
// a lost connection) is shared by the calls that waited for it, and the
// next call tries again.
func (c *Client) Login(ctx context.Context) error {
	if err := c.ready(ctx); err != nil {
		return err
	}
	if c.session == nil {
		return invalidAs("login", "the client was built without WithOperatorLogin", ErrNoLogin)
	}
	if err := c.session.acquire(ctx); err != nil {
		return err
	}
	defer c.session.release()
	c.session.refused.Store(nil) // an explicit Login tries again
	return c.login(ctx)
}

// Logout ends the session: GET {serverURL}/api/v3/logout, then the
// client's session cookies are dropped, even when the server's answer is
// an error (which is returned). With WithOperatorLogin, the next call logs
// in again.
//
// The client's own jar is emptied. With a jar of your own (WithHTTPClient),
// every cookie the instance set through this client is expired with the
// path and domain it was set with (a cookie for one case's path included),
// and so is every cookie that jar sends to the instance on the paths the
// client calls (the instance root, the case, login and logout paths), at
// every path from the instance root down to those, as a host-only cookie
// and as a cookie of the instance's host name. What stays: cookies your jar
// got elsewhere (another client, an earlier process) for a parent domain
// (Domain=example.com) or for paths this client never calls; expire those
// yourself, or give the client a jar of its own.
func (c *Client) Logout(ctx context.Context) error {
	if err := c.ready(ctx); err != nil {
		return err
	}
	if s := c.session; s != nil {
		if err := s.acquire(ctx); err != nil {
			return err
		}
		defer s.release()
		s.loggedIn.Store(false)
	}
	resp, err := c.core.Do(ctx, &core.Request{Method: http.MethodGet, Path: LogoutPath})
	if err == nil && c.session != nil {
		c.session.learn(resp.Body)
	}
	c.dropCookies()
	return err
}

// dropCookies empties the client's own jar, or expires the cookies a
// caller's jar holds for the instance (see Logout).
func (c *Client) dropCookies() {
	switch jar := c.core.Jar().(type) {
	case nil:
	case *sessionJar:
		jar.reset()
	case *recordingJar:
		base, err := url.Parse(c.BaseURL())
		if err != nil {
			return
		}
		jar.expireRecorded()
		expireInstanceCookies(jar.next, base, c.cookiePaths())
	}
}

// recordingJar is a caller's jar, seen through: it remembers every cookie
// the instance set through the client (name, path and domain, as the jar
// keys them), so Logout can expire each one where it was set, a cookie of
// a case's own path included.
type recordingJar struct {
	next http.CookieJar

	mu   sync.Mutex
	seen map[cookieKey]*url.URL
}

type cookieKey struct{ name, path, domain string }

// maxRecordedCookies bounds what a recordingJar remembers.
const maxRecordedCookies = 1024

// SetCookies implements http.CookieJar.
func (j *recordingJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	if j.seen == nil {
		j.seen = map[cookieKey]*url.URL{}
	}
	for _, ck := range cookies {
		if len(j.seen) >= maxRecordedCookies {
			break
		}
		path := ck.Path
		if path == "" || path[0] != '/' {
			path = defaultCookiePath(u.Path)
		}
		uc := *u
		j.seen[cookieKey{ck.Name, path, ck.Domain}] = &uc
	}
	j.mu.Unlock()
	j.next.SetCookies(u, cookies)
}

// Cookies implements http.CookieJar.
func (j *recordingJar) Cookies(u *url.URL) []*http.Cookie { return j.next.Cookies(u) }

// expireRecorded expires, in the caller's jar, every cookie the instance
// set through the client, with the path and domain it was set with.
func (j *recordingJar) expireRecorded() {
	j.mu.Lock()
	seen := j.seen
	j.seen = nil
	j.mu.Unlock()
	for k, u := range seen {
		j.next.SetCookies(u, []*http.Cookie{{Name: k.name, Path: k.path, Domain: k.domain, MaxAge: -1}})
	}
}

// defaultCookiePath is RFC 6265's default path of a cookie set without one
// (section 5.1.4): the request path up to its last "/".
func defaultCookiePath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// cookiePaths are the paths (below the instance URL) the client sends
// requests to: a cookie the instance set for any of them, or for any path
// above them, is one the client carried.
func (c *Client) cookiePaths() []string {
	paths := []string{"/", LogoutPath, DefaultLoginPath, "/api/v4/cases/0/assignment"}
	if s := c.session; s != nil {
		paths = append(paths, s.loginPath())
	}
	return paths
}

// expireInstanceCookies expires, in a caller's jar, every cookie it sends
// to the instance on the given paths: each cookie name is set expired at
// the instance root and at every path prefix of those paths, both as a
// host-only cookie and as a cookie of the instance's host domain.
// http.CookieJar tells neither a cookie's path nor its domain, so a cookie
// set for a parent domain (Domain=example.com) stays: see Logout.
func expireInstanceCookies(jar http.CookieJar, base *url.URL, paths []string) {
	prefix := strings.TrimSuffix(base.Path, "/")
	prefixes := map[string]bool{"/": true}
	names := map[string]bool{}
	for _, p := range paths {
		full := prefix + p
		u := *base
		u.Path, u.RawPath = full, ""
		for _, ck := range jar.Cookies(&u) {
			names[ck.Name] = true
		}
		for i := 1; i <= len(full); i++ {
			if i == len(full) || full[i] == '/' {
				prefixes[full[:i]] = true
			}
		}
	}
	if len(names) == 0 {
		return
	}
	var gone []*http.Cookie
	for name := range names {
		for path := range prefixes {
			gone = append(gone,
				&http.Cookie{Name: name, Path: path, MaxAge: -1},
				&http.Cookie{Name: name, Path: path, Domain: base.Hostname(), MaxAge: -1})
		}
	}
	jar.SetCookies(base, gone)
}

// sessionJar is the client's own cookie jar, which Logout empties.
type sessionJar struct {
	mu  sync.RWMutex
	jar *cookiejar.Jar
}

func newSessionJar() *sessionJar {
	j, _ := cookiejar.New(nil) // never fails without options
	return &sessionJar{jar: j}
}

func (j *sessionJar) reset() {
	fresh, _ := cookiejar.New(nil)
	j.mu.Lock()
	j.jar = fresh
	j.mu.Unlock()
}

// SetCookies implements http.CookieJar.
func (j *sessionJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.RLock()
	jar := j.jar
	j.mu.RUnlock()
	jar.SetCookies(u, cookies)
}

// Cookies implements http.CookieJar.
func (j *sessionJar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.RLock()
	jar := j.jar
	j.mu.RUnlock()
	return jar.Cookies(u)
}

package actionmgmt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/caseassign/caseassign/internal/core"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The identity servers' token endpoints.
const (
	EuroTokenURL   = "https://idp.euro.confirmit.com/identity/connect/token"
	USTokenURL     = "https://idp.us.confirmit.com/identity/connect/token"
	NordicTokenURL = "https://idp.nordic.confirmit.com/identity/connect/token"
)

// TokenConfig is an API user's client credentials. Formatting it with any
// fmt verb prints "[REDACTED]" in place of ClientSecret.
type TokenConfig struct {
	TokenURL     string   // the identity server's token endpoint, e.g. EuroTokenURL; https (plain http only for loopback)
	ClientID     string   // the API user's client id
	ClientSecret string   // the API user's client secret
	Scopes       []string // e.g. "pub.hubs"
}

// String prints the config with the client secret redacted.
func (c TokenConfig) String() string {
	secret := ""
	if c.ClientSecret != "" {
		secret = core.Redacted
	}
	return fmt.Sprintf("{TokenURL:%s ClientID:%s ClientSecret:%s Scopes:%v}", c.TokenURL, c.ClientID, secret, c.Scopes)
}

// GoString prints the config with the client secret redacted.
func (c TokenConfig) GoString() string { return "actionmgmt.TokenConfig" + c.String() }

// Format makes every verb (%v, %+v, %#v, %s, %q) print the redacted form.
func (c TokenConfig) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(c.GoString()))
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// RefreshBefore is the most a cached token is replaced before its expiry.
// A token that lives less than four times that is replaced a quarter of
// its lifetime before it expires (a 45 s token 11 s before): it is reused
// for three quarters of its life, never fetched again for every call.
const RefreshBefore = time.Minute

// APIUserTokenSource returns a token source for the Forsta identity server:
// form-encoded POSTs to cfg.TokenURL with grant_type=api-user (not
// client_credentials), the client id and secret in the form body, as the
// docs show (one request, no HTTP Basic probe first). Tokens are cached and
// replaced RefreshBefore their expiry; the source is safe for concurrent
// use, and concurrent callers share one fetch.
//
// The client secret stays with the identity server: cfg.TokenURL must be
// https (plain http only for a loopback host), a token request never
// follows a redirect to another origin, and an error from the identity
// server (which may echo what it was sent) reaches the caller with the
// secret redacted, in its text and in the *oauth2.RetrieveError it wraps.
//
// ctx gives the token fetches their values, such as an *http.Client under
// oauth2.HTTPClient (copied, never mutated), but not its lifetime: the
// source keeps working after ctx ends. Each fetch is bounded by
// TokenFetchTimeout.
func APIUserTokenSource(ctx context.Context, cfg TokenConfig) oauth2.TokenSource {
	switch {
	case strings.TrimSpace(cfg.TokenURL) == "":
		return errSource{invalid("TokenConfig.TokenURL", "is required: the identity server's token endpoint, e.g. actionmgmt.EuroTokenURL")}
	case cfg.ClientID == "":
		return errSource{invalid("TokenConfig.ClientID", "is required: the API user's client id")}
	case cfg.ClientSecret == "":
		return errSource{invalid("TokenConfig.ClientSecret", "is required: the API user's client secret")}
	case core.HasControl(cfg.ClientID) || core.HasControl(cfg.ClientSecret):
		return errSource{invalid("TokenConfig", "ClientID and ClientSecret must not contain control characters")}
	}
	tokenURL, err := checkTokenURL(cfg.TokenURL)
	if err != nil {
		return errSource{err}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var base http.Client
	if hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && hc != nil {
		base = *hc //nolint:govet // a shallow copy: the caller's client is never mutated
	}
	base.CheckRedirect = sameOriginRedirects(tokenURL, base.CheckRedirect)
	base.Transport = acceptJSON{next: base.Transport}
	fetchCtx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, &base)
	cc := &clientcredentials.Config{
		ClientID:       cfg.ClientID,
		ClientSecret:   cfg.ClientSecret,
		TokenURL:       cfg.TokenURL,
		Scopes:         cfg.Scopes,
		EndpointParams: url.Values{"grant_type": {"api-user"}},
		AuthStyle:      oauth2.AuthStyleInParams,
	}
	secret := cfg.ClientSecret
	fetch := tokenFunc(func() (*oauth2.Token, error) {
		ctx, cancel := context.WithTimeout(fetchCtx, TokenFetchTimeout)
		defer cancel()
		tok, err := cc.Token(ctx)
		if err != nil {
			return nil, redactTokenError(err, secret)
		}
		return tok, nil
	})
	return &apiUserSource{fetch: fetch, now: time.Now, secret: func() string { return secret }}
}

// TokenFetchTimeout bounds one token request to the identity server.
const TokenFetchTimeout = 30 * time.Second

// acceptJSON sends a token request with "Accept: application/json", as the
// identity server's documentation shows it.
type acceptJSON struct{ next http.RoundTripper }

func (a acceptJSON) RoundTrip(r *http.Request) (*http.Response, error) {
	next := a.next
	if next == nil {
		next = http.DefaultTransport
	}
	if r.Header.Get("Accept") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Accept", "application/json")
	}
	return next.RoundTrip(r)
}

// checkTokenURL refuses a token URL the client secret must not go to; the
// error matches ErrInvalidInput and never repeats the URL.
func checkTokenURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, invalid("TokenConfig.TokenURL", "is not an absolute URL")
	}
	if u.User != nil {
		return nil, invalid("TokenConfig.TokenURL", "must not hold user info")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && core.IsLoopback(u.Hostname()):
	default:
		return nil, invalid("TokenConfig.TokenURL", "must be https (plain http only for a loopback host)")
	}
	return u, nil
}

// sameOriginRedirects refuses any redirect of a token request that leaves
// the token URL's origin or drops to plain http: a 307 or 308 would send
// the form, client secret included, again.
func sameOriginRedirects(origin *url.URL, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !strings.EqualFold(req.URL.Scheme, origin.Scheme) || !strings.EqualFold(req.URL.Host, origin.Host) {
			return errors.New("actionmgmt: token request redirected to another origin: refused")
		}
		if len(via) >= 10 {
			return errors.New("actionmgmt: token request: stopped after 10 redirects")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// redactTokenError returns err with secret redacted from its text and, for
// an *oauth2.RetrieveError, from every field a caller can read.
func redactTokenError(err error, secret string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		out := &oauth2.RetrieveError{
			Body:             []byte(core.RedactSecrets(string(re.Body), secret)),
			ErrorCode:        core.RedactSecrets(re.ErrorCode, secret),
			ErrorDescription: core.RedactSecrets(re.ErrorDescription, secret),
			ErrorURI:         core.RedactSecrets(re.ErrorURI, secret),
			Response:         &http.Response{},
		}
		if re.Response != nil {
			out.Response.Status = core.RedactSecrets(re.Response.Status, secret)
			out.Response.StatusCode = re.Response.StatusCode
		}
		return &tokenError{err: out, secret: secret}
	}
	return &tokenError{err: err, secret: secret}
}

// tokenError is a failed token fetch, its text redacted.
type tokenError struct {
	err    error
	secret string
}

func (e *tokenError) Error() string {
	text := e.err.Error()
	var re *oauth2.RetrieveError
	if errors.As(e.err, &re) {
		// The status and OAuth's error code, not the answer's body.
		text = "the identity server answered"
		if re.Response != nil {
			text += " " + re.Response.Status
		}
		if re.ErrorCode != "" {
			text += " (" + re.ErrorCode
			if re.ErrorDescription != "" {
				text += ": " + re.ErrorDescription
			}
			text += ")"
		}
	}
	msg := "actionmgmt: token request: " + strings.ReplaceAll(core.RedactSecrets(text, e.secret), "\n", " ")
	switch {
	case e.Is(ErrUnauthorized):
		msg += " — the identity server refused the API user's credentials: check TokenConfig.ClientID and ClientSecret (and that TokenURL is the site's identity server)"
	case e.status() == http.StatusNotFound:
		msg += " — no token endpoint there: check TokenConfig.TokenURL (e.g. actionmgmt.EuroTokenURL)"
	}
	return msg
}

// status is the identity server's answer status, 0 without one.
func (e *tokenError) status() int {
	var re *oauth2.RetrieveError
	if errors.As(e.err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

func (e *tokenError) Unwrap() error { return e.err }

// Is matches ErrUnauthorized when the identity server refused the client
// credentials (401, or OAuth's invalid_client / unauthorized_client).
func (e *tokenError) Is(target error) bool {
	if target != ErrUnauthorized {
		return false
	}
	var re *oauth2.RetrieveError
	if !errors.As(e.err, &re) {
		return false
	}
	return (re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized) ||
		re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client"
}

// GoString prints the redacted text only.
func (e *tokenError) GoString() string { return fmt.Sprintf("%q", e.Error()) }

// apiUserSource is the cached token source; it lets a Client know the
// client secret so that an echo of it is redacted from errors and logs,
// drop a token the API refused before its expiry, and wait for a token
// only as long as the call's context allows.
type apiUserSource struct {
	fetch  tokenFunc
	now    func() time.Time
	secret func() string // a func, which fmt prints as an address, even inside another value

	mu      sync.Mutex
	tok     *oauth2.Token
	renewAt time.Time
	flight  *tokenFlight // the fetch under way, shared by every caller waiting for it
}

// tokenFlight is one fetch; done closes when tok and err are set.
type tokenFlight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// Token returns the cached token, fetching a new one when it nears expiry
// (see RefreshBefore) or was dropped after a 401. Concurrent callers share
// one fetch.
func (s *apiUserSource) Token() (*oauth2.Token, error) { return s.tokenContext(context.Background()) }

// tokenContext is Token for a call: it waits for the shared fetch until ctx
// ends, and then returns ctx's error while the fetch goes on (bounded by
// TokenFetchTimeout) for the callers that follow.
func (s *apiUserSource) tokenContext(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	if s.tok != nil && s.now().Before(s.renewAt) {
		tok := s.tok
		s.mu.Unlock()
		return tok, nil
	}
	f := s.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		s.flight = f
		go s.run(f)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run makes the fetch of f and caches what it got.
func (s *apiUserSource) run(f *tokenFlight) {
	start := s.now()
	tok, err := s.fetch()
	s.mu.Lock()
	if err == nil {
		s.tok, s.renewAt = tok, renewAt(tok, start)
	}
	s.flight = nil
	f.tok, f.err = tok, err
	s.mu.Unlock()
	close(f.done)
}

// renewAt is when a token fetched at now is replaced: RefreshBefore its
// expiry, or a quarter of its lifetime before it when it lives less than
// four times RefreshBefore. A token without an expiry is kept until the
// API refuses it.
func renewAt(tok *oauth2.Token, now time.Time) time.Time {
	if tok.Expiry.IsZero() {
		return now.Add(100 * 365 * 24 * time.Hour)
	}
	life := tok.Expiry.Sub(now)
	return tok.Expiry.Add(-min(RefreshBefore, life/4))
}

// invalidate drops the cached token if it is still accessToken, which the
// API refused (401) before its expiry: the next Token fetches a new one.
// Concurrent calls refused with the same token drop it once, and share the
// one fetch that follows.
func (s *apiUserSource) invalidate(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken == accessToken {
		s.tok = nil
	}
}

// String never shows the client secret.
func (s *apiUserSource) String() string {
	return "actionmgmt.APIUserTokenSource{ClientSecret:[REDACTED]}"
}

// GoString never shows the client secret.
func (s *apiUserSource) GoString() string { return s.String() }

// Format makes every verb print the redacted form.
func (s *apiUserSource) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

func (s *apiUserSource) redactedSecrets() []string { return []string{s.secret()} }

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

type errSource struct{ err error }

func (e errSource) Token() (*oauth2.Token, error) { return nil, e.err }

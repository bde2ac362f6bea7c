package proof

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// lockedBuffer collects log output from concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoSecretInLogsErrorsOrURLs runs each package through retries and
// errors with a debug logger, and looks for its credentials everywhere they
// must not be.
func TestNoSecretInLogsErrorsOrURLs(t *testing.T) {
	t.Parallel()
	modes := append([]string{}, vendors...)
	modes = append(modes, "thalamus-query")
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			var logs lockedBuffer
			s := defaults()
			s.logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			name := mode
			if mode == "thalamus-query" {
				name, s.inQuery = "thalamus", true
			}
			tg := newTarget(t, name, 3, s)
			ctx := context.Background()
			var errs []string

			tg.srv.Inject(testsrv.Fault{Method: tg.method, Path: tg.path, Status: 503}, testsrv.Fault{Method: tg.method, Path: tg.path, Drop: true})
			require.NoError(t, tg.assign(ctx, 0))
			// The server echoes every secret in an error body.
			echo := "bad credentials: " + strings.Join(tg.secrets, " ")
			tg.srv.Inject(testsrv.Fault{Method: tg.method, Path: tg.path, Status: 400, Body: `{"message":"` + echo + `","errors":{"token":"` + echo + `"}}`})
			if err := tg.assign(ctx, 1); assert.Error(t, err) {
				errs = append(errs, err.Error())
			}
			tg.srv.Inject(testsrv.Fault{Method: tg.method, Path: tg.path, Drop: true, Times: 10})
			if err := tg.assign(ctx, 2); assert.Error(t, err) {
				errs = append(errs, err.Error())
			}

			out := logs.String()
			assert.Contains(t, out, "level=DEBUG")
			assert.Contains(t, out, "level=WARN")
			for _, secret := range tg.secrets {
				assert.NotContains(t, out, secret, "log")
				for _, e := range errs {
					assert.NotContains(t, e, secret, "error string")
				}
				if mode != "thalamus-query" { // the opt-in query mode puts them in the URL on purpose
					for _, r := range tg.srv.Requests() {
						assert.NotContains(t, r.RawQuery, secret, "URL")
						assert.NotContains(t, r.RawPath, secret, "URL")
					}
				}
			}
			assert.NotContains(t, out, "token=", "no query string is logged")
		})
	}
}

// TestNoCredentialFollowsARedirect points each client at a server that
// redirects every request to another host, and checks what arrives there.
func TestNoCredentialFollowsARedirect(t *testing.T) {
	t.Parallel()
	modes := append([]string{}, vendors...)
	modes = append(modes, "thalamus-query")
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		for _, mode := range modes {
			t.Run(mode+"/"+strconv.Itoa(code), func(t *testing.T) {
				t.Parallel()
				noCredentialFollows(t, mode, code)
			})
		}
	}
}

// noCredentialFollows runs one mode against one redirect status. A 302
// would turn the write into a GET without a body: the call fails with
// ErrUnexpectedResponse and follows nothing. A 307 would send the body
// again, so it is not followed at all either (a GET without a body may
// be, without any credential: internal/core's redirect tests).
func noCredentialFollows(t *testing.T, mode string, code int) {
	var mu sync.Mutex
	var seen []*http.Request
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Clone(context.Background()))
		mu.Unlock()
		http.Error(w, "nothing here", http.StatusNotFound)
	}))
	defer other.Close()
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.RequestURI(), code)
	}))
	defer origin.Close()

	s := defaults()
	s.retryMax = 0
	s.baseURL = origin.URL
	name := mode
	if mode == "thalamus-query" {
		name, s.inQuery = "thalamus", true
	}
	tg := newTarget(t, name, 1, s)
	err := tg.assign(context.Background(), 0)
	require.Error(t, err)
	if code == http.StatusFound && tg.method != http.MethodGet { // Forsta reads first: its GET is followed
		assert.ErrorIs(t, err, core.ErrUnexpectedResponse, "a write redirected with 302 is not a success")
	}

	mu.Lock()
	defer mu.Unlock()
	for _, r := range seen {
		assert.Equal(t, http.MethodGet, r.Method, "a write is never followed to another origin (a read may be)")
		assert.Zero(t, r.ContentLength, "a request body went to another origin")
		for _, h := range []string{"Authorization", "Thalamus-Token", "Thalamus-Touchpoint", "Cookie"} {
			assert.Empty(t, r.Header.Get(h), h)
		}
		for _, secret := range tg.secrets {
			assert.NotContains(t, r.URL.RawQuery, secret)
			for _, vs := range r.Header {
				for _, v := range vs {
					assert.NotContains(t, v, secret)
				}
			}
		}
	}
}

// TestPlainHTTPRefusedForRemoteHosts checks every package's constructor.
func TestPlainHTTPRefusedForRemoteHosts(t *testing.T) {
	t.Parallel()
	creds := thalamus.Credentials{Touchpoint: "tp", Token: "tok"}
	tokens := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})
	for _, remote := range []string{"http://api.example.com", "http://10.0.0.8:8080", "http://127.0.0.1.example.com", "http://api.localhost:8080"} {
		_, err := coralogix.NewClient("k", coralogix.WithBaseURL(remote))
		assert.ErrorContains(t, err, "plain http", remote)
		_, err = thalamus.NewClient(remote, creds)
		assert.ErrorContains(t, err, "plain http", remote)
		_, err = actionmgmt.NewClient(remote, tokens)
		assert.ErrorContains(t, err, "plain http", remote)
		_, err = rootly.NewClient("k", rootly.WithBaseURL(remote))
		assert.ErrorContains(t, err, "plain http", remote)

		_, err = coralogix.NewClient("k", coralogix.WithBaseURL(remote), coralogix.WithInsecureHTTP())
		assert.NoError(t, err, "allowed on purpose")
		_, err = thalamus.NewClient(remote, creds, thalamus.WithInsecureHTTP())
		assert.NoError(t, err)
		_, err = actionmgmt.NewClient(remote, tokens, actionmgmt.WithInsecureHTTP())
		assert.NoError(t, err)
		_, err = rootly.NewClient("k", rootly.WithBaseURL(remote), rootly.WithInsecureHTTP())
		assert.NoError(t, err)
	}
	for _, local := range []string{"http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"} {
		_, err := coralogix.NewClient("k", coralogix.WithBaseURL(local))
		assert.NoError(t, err, local)
	}
}

package proof

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// echoForms returns the forms a hostile or careless server can echo a
// secret in: literally, URL-escaped, JSON-escaped with \u escapes and \/.
func echoForms(sec string) []string {
	var u strings.Builder
	for _, r := range sec {
		fmt.Fprintf(&u, `\u%04x`, r)
	}
	var pct strings.Builder
	for i := range len(sec) {
		fmt.Fprintf(&pct, "%%%02X", sec[i])
	}
	return []string{
		sec,
		url.QueryEscape(sec),
		url.PathEscape(sec),
		pct.String(),
		u.String(),
		strings.ReplaceAll(sec, "/", `\/`),
		`\u` + fmt.Sprintf("%04x", sec[0]) + sec[1:],
	}
}

// formatted renders v with every verb a caller could log it with.
func formatted(v any) string {
	return fmt.Sprintf("%s|%v|%+v|%#v|%q", v, v, v, v, v)
}

// assertNoSecret fails when any secret shows in s.
func assertNoSecret(t *testing.T, s string, secrets []string, where string) {
	t.Helper()
	for _, sec := range secrets {
		assert.NotContains(t, s, sec, where)
	}
}

// TestEchoedSecretsRedactedInEveryForm makes each package's server answer
// with its secrets echoed in every form, in the body (message, code, field
// errors, error objects) and in the request-id header, and looks for them
// in every part of the error a caller can read or print.
func TestEchoedSecretsRedactedInEveryForm(t *testing.T) {
	t.Parallel()
	modes := append(append([]string{}, vendors...), "thalamus-query")
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s := defaults()
			name := mode
			if mode == "thalamus-query" {
				name, s.inQuery = "thalamus", true
			}
			tg := newTarget(t, name, 1, s)
			var forms []string
			for _, sec := range tg.secrets {
				forms = append(forms, echoForms(sec)...)
			}
			echo := strings.Join(forms, " ")
			body := `{"code":"` + echo + `","message":"` + echo + `","title":"` + echo + `",` +
				`"errors":[{"title":"` + echo + `","detail":"` + echo + `","code":"` + echo + `","status":"400"}]}`
			if name == "thalamus" {
				body = `{"errors":{"email":"` + echo + `","email":"isNotAuthorized","` + echo + `":"x"}}`
			}
			for _, status := range []int{400, 401, 422} {
				// Twice: a 401 is sent once more with a fresh Forsta token.
				tg.srv.Inject(testsrv.Fault{Method: tg.method, Path: tg.path, Status: status, Body: body, Times: 2,
					Header: http.Header{"X-Request-Id": {echo}}})
				err := tg.assign(context.Background(), 0)
				tg.srv.ClearFaults()
				require.Error(t, err)
				assertNoSecret(t, formatted(err), tg.secrets, "formatted error")
				var ae interface{ Error() string }
				for e := error(err); e != nil; e = errors.Unwrap(e) {
					ae = e
					assertNoSecret(t, formatted(e), tg.secrets, fmt.Sprintf("wrapped %T", e))
				}
				_ = ae
				apiErr, ok := apiErrorOf(err)
				require.True(t, ok, "an *APIError of the package")
				for field, v := range map[string]string{"Body": string(apiErr.Body), "Message": apiErr.Message,
					"Code": apiErr.Code, "RequestID": apiErr.RequestID, "URL": apiErr.URL} {
					assertNoSecret(t, v, tg.secrets, field)
				}
				if d := apiErr.details; d != nil {
					assertNoSecret(t, formatted(d), tg.secrets, "vendor details")
				}
			}
		})
	}
}

// TestCallerTokenSourceIsRedacted: a token the client sends is redacted
// whatever source gave it, not only the SDK's own.
func TestCallerTokenSourceIsRedacted(t *testing.T) {
	t.Parallel()
	const tok = "caller-issued-token-8f3a"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"message":"bad %s %s %s"}`, r.Header.Get("Authorization"), url.QueryEscape(tok), `caller-issued\u002dtoken-8f3a`)
	}))
	defer srv.Close()
	c, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}), actionmgmt.WithRetryMax(0))
	require.NoError(t, err)
	_, err = c.GetCase(context.Background(), 1, 2)
	require.Error(t, err)
	assertNoSecret(t, formatted(err), []string{tok}, "error")
	var ae *actionmgmt.APIError
	require.ErrorAs(t, err, &ae)
	assertNoSecret(t, string(ae.Body)+ae.Message+ae.RequestID, []string{tok}, "fields")
	assert.Contains(t, ae.Message, "[REDACTED]")
}

// identityServer answers token requests; echo makes it refuse them with a
// body that echoes the form it was sent (client secret included).
func identityServer(t *testing.T, echo bool) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if echo {
			w.WriteHeader(http.StatusBadRequest)
			sec := r.PostForm.Get("client_secret")
			_, _ = fmt.Fprintf(w, `{"error":"invalid_client %s","error_description":"secret %s was %s","error_uri":"https://idp/%s"}`,
				sec, url.QueryEscape(sec), strings.ReplaceAll(sec, "/", `\/`), url.PathEscape(sec))
			return
		}
		if r.PostForm.Get("client_secret") == "" || r.Header.Get("Authorization") != "" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"invalid_client"}`)
			return
		}
		_, _ = io.WriteString(w, `{"access_token":"fresh-token","expires_in":3600,"token_type":"Bearer"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestTokenFetchErrorsAreRedacted(t *testing.T) {
	t.Parallel()
	const secret = "idp/client+secret=42"
	idp, _ := identityServer(t, true)
	ts := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{TokenURL: idp.URL, ClientID: "cid", ClientSecret: secret})
	_, err := ts.Token()
	require.Error(t, err)
	assertNoSecret(t, formatted(err), []string{secret}, "token error")
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re, "the oauth2 error is still reachable")
	assertNoSecret(t, string(re.Body)+re.ErrorCode+re.ErrorDescription+re.ErrorURI, []string{secret}, "RetrieveError fields")
	assertNoSecret(t, formatted(re), []string{secret}, "RetrieveError formatted")

	srv := actionmgmttest.NewServer()
	defer srv.Close()
	c, err := actionmgmt.NewClient(srv.URL, ts, actionmgmt.WithRetryMax(0))
	require.NoError(t, err)
	_, err = c.GetCase(context.Background(), actionmgmttest.Hub, 1)
	require.Error(t, err)
	assertNoSecret(t, formatted(err), []string{secret}, "call error")
	assert.Empty(t, srv.Requests(), "no token, no request")
}

func TestTokenRequestSendsFormOnceAndOutlivesItsContext(t *testing.T) {
	t.Parallel()
	idp, n := identityServer(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	ts := actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{TokenURL: idp.URL, ClientID: "cid", ClientSecret: "sec"})
	cancel() // the source must not depend on the construction context's lifetime
	tok, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, "fresh-token", tok.AccessToken)
	assert.Equal(t, int32(1), n.Load(), "one request: the secret in the form, no Basic probe first")
}

func TestTokenRequestNeverLeavesItsOrigin(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = io.WriteString(w, `{"access_token":"stolen","expires_in":3600}`)
	}))
	defer other.Close()
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target+"/token", code)
		}))
		ts := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{TokenURL: idp.URL, ClientID: "cid", ClientSecret: "sec"})
		_, err := ts.Token()
		assert.Error(t, err, code)
		idp.Close()
	}
	assert.Equal(t, int32(0), elsewhere.Load(), "the client secret never reached another origin")

	for _, bad := range []string{"http://idp.example.com/token", "http://idp.localhost/token", "ftp://idp.example.com/token", "https://u:p@idp.example.com/token"} {
		_, err := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{TokenURL: bad, ClientID: "cid", ClientSecret: "p4ss"}).Token()
		assert.Error(t, err, bad)
		if err != nil {
			assert.NotContains(t, err.Error(), "p4ss")
		}
	}
}

// TestQueryCredentialsNeverInReferer: in Thalamus's query mode, a
// same-origin redirect that keeps the query, then a redirect to another
// origin, must not carry the credentials there (Referer included).
func TestQueryCredentialsNeverInReferer(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []*http.Request
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Clone(context.Background()))
		mu.Unlock()
		http.Error(w, "nothing", http.StatusNotFound)
	}))
	defer other.Close()
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/hop") {
			// 302: a 307 would carry the body along, which the client refuses
			// to send to another origin at all.
			http.Redirect(w, r, target+"/landing?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		http.Redirect(w, r, "/hop?"+r.URL.RawQuery, http.StatusTemporaryRedirect) // keeps the query
	}))
	defer origin.Close()
	const token = "query-mode-token-77"
	c, err := thalamus.NewClient(origin.URL, thalamus.Credentials{Touchpoint: "tp-code", Token: token},
		thalamus.WithCredentialsInQuery(), thalamus.WithRetryMax(0))
	require.NoError(t, err)
	// A GET: a 302 answered to a write is refused before it is followed.
	_, err = c.GetCase(context.Background(), 1)
	require.Error(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, seen, "the redirect was followed")
	for _, r := range seen {
		assert.Empty(t, r.Header.Get("Referer"))
		assert.NotContains(t, r.URL.RawQuery, token)
		for k, vs := range r.Header {
			for _, v := range vs {
				assert.NotContains(t, v, token, k)
				assert.NotContains(t, v, "tp-code", k)
			}
		}
	}
	assert.NotContains(t, formatted(err), token)
}

// TestRedirectPathInDebugLogIsRedacted: a path chosen by the server (a
// redirect's Location) holding a secret is redacted in the debug log.
func TestRedirectPathInDebugLogIsRedacted(t *testing.T) {
	t.Parallel()
	srv := rootlytest.NewServer()
	defer srv.Close()
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/echo/") {
			http.Redirect(w, r, "/echo/"+url.PathEscape(srv.Token)+"/x", http.StatusFound)
			return
		}
		http.Error(w, "gone", http.StatusGone)
	}))
	defer redir.Close()
	var logs lockedBuffer
	c, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(redir.URL), rootly.WithRetryMax(0),
		rootly.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	_, err = c.GetIncident(context.Background(), rootlytest.SeedIncident)
	require.Error(t, err)
	require.Contains(t, logs.String(), "/echo/", "the redirected try was logged")
	assert.NotContains(t, logs.String(), srv.Token)
	assert.NotContains(t, formatted(err), srv.Token)
}

// clients builds one client of each package with secrets, and the secrets.
func clientsForFormatting(t *testing.T) ([]any, []string) {
	const key, tok, tpTok, secret = "cx-key-formatting-1", "rootly-formatting-2", "thalamus-formatting-3", "forsta-formatting-4"
	cx, err := coralogix.NewClient(key)
	require.NoError(t, err)
	rt, err := rootly.NewClient(tok)
	require.NoError(t, err)
	creds := thalamus.Credentials{Touchpoint: "tp", Token: tpTok}
	th, err := thalamus.NewClient("https://thalamus.example.com", creds, thalamus.WithCredentialsInQuery())
	require.NoError(t, err)
	cfg := actionmgmt.TokenConfig{TokenURL: actionmgmt.EuroTokenURL, ClientID: "cid", ClientSecret: secret}
	ts := actionmgmt.APIUserTokenSource(context.Background(), cfg)
	am, err := actionmgmt.NewClient(actionmgmt.EuroURL, ts)
	require.NoError(t, err)
	values := []any{cx, rt, th, am, *cx, *rt, *th, *am, creds, &creds, cfg, &cfg, ts,
		coralogix.WithRegion(coralogix.EU2), rootly.WithRetryMax(1), thalamus.WithCredentialsInQuery(), actionmgmt.WithRetryMax(2)}
	return values, []string{key, tok, tpTok, secret}
}

// TestFormattingNeverPrintsSecrets formats every client, option, credential
// value and token source with every verb.
func TestFormattingNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	values, secrets := clientsForFormatting(t)
	for _, v := range values {
		out := formatted(v)
		assertNoSecret(t, out, secrets, fmt.Sprintf("%T", v))
		if s, ok := v.(fmt.Stringer); ok {
			assertNoSecret(t, s.String(), secrets, fmt.Sprintf("%T.String", v))
		}
		if s, ok := v.(fmt.GoStringer); ok {
			assertNoSecret(t, s.GoString(), secrets, fmt.Sprintf("%T.GoString", v))
		}
	}
	// A struct that holds the values, as a caller's config might.
	assertNoSecret(t, fmt.Sprintf("%+v %#v", struct{ V []any }{values}, struct{ V []any }{values}), secrets, "nested")
}

// allMethods calls every exported method of c (a *Client of some package)
// with zero arguments and ctx, iterating any iterator it returns, and
// returns the errors it got by method name. A panic fails the test.
func allMethods(t *testing.T, c any, ctx context.Context) map[string]error {
	t.Helper()
	out := map[string]error{}
	v := reflect.ValueOf(c)
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	for i := range v.NumMethod() {
		m := v.Type().Method(i)
		if m.Name == "Format" { // takes a fmt.State from fmt, not caller input
			continue
		}
		args := make([]reflect.Value, m.Type.NumIn()-1)
		for j := range args {
			at := m.Type.In(j + 1)
			if at == ctxType {
				if ctx == nil {
					args[j] = reflect.Zero(at)
				} else {
					args[j] = reflect.ValueOf(ctx)
				}
				continue
			}
			args[j] = reflect.Zero(at)
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%T.%s panicked: %v", c, m.Name, p)
				}
			}()
			res := v.Method(i).Call(args)
			if len(res) == 0 {
				return
			}
			last := res[len(res)-1]
			if last.Type() == errType {
				if !last.IsNil() {
					out[m.Name] = last.Interface().(error)
				} else {
					out[m.Name] = nil
				}
				return
			}
			if last.Kind() == reflect.Func && last.Type().NumIn() == 1 { // an iter.Seq2[T, error]
				var got error
				yield := reflect.MakeFunc(last.Type().In(0), func(in []reflect.Value) []reflect.Value {
					if e := in[1]; !e.IsNil() {
						got = e.Interface().(error)
					}
					return []reflect.Value{reflect.ValueOf(false)}
				})
				last.Call([]reflect.Value{yield})
				out[m.Name] = got
			}
		}()
	}
	return out
}

var _ iter.Seq2[int, error] // the iterators allMethods drives

// TestNoPanicOnNilZeroClientOrNilContext calls every method of every
// package's Client on a nil *Client, a zero Client and a real client with a
// nil context: each returns (or yields) an error matching ErrInvalidInput
// and sends nothing. Found by reflection, so a new method is covered too.
func TestNoPanicOnNilZeroClientOrNilContext(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nothing may be sent", http.StatusTeapot)
	}))
	defer srv.Close()
	cx, err := coralogix.NewClient("k", coralogix.WithBaseURL(srv.URL))
	require.NoError(t, err)
	rt, err := rootly.NewClient("k", rootly.WithBaseURL(srv.URL))
	require.NoError(t, err)
	th, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: "t", Token: "k"})
	require.NoError(t, err)
	am, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "k"}))
	require.NoError(t, err)
	cases := []struct {
		name string
		c    any
		ctx  context.Context
	}{
		{"coralogix nil", (*coralogix.Client)(nil), context.Background()},
		{"coralogix zero", &coralogix.Client{}, context.Background()},
		{"coralogix nil ctx", cx, nil},
		{"rootly nil", (*rootly.Client)(nil), context.Background()},
		{"rootly zero", &rootly.Client{}, context.Background()},
		{"rootly nil ctx", rt, nil},
		{"thalamus nil", (*thalamus.Client)(nil), context.Background()},
		{"thalamus zero", &thalamus.Client{}, context.Background()},
		{"thalamus nil ctx", th, nil},
		{"actionmgmt nil", (*actionmgmt.Client)(nil), context.Background()},
		{"actionmgmt zero", &actionmgmt.Client{}, context.Background()},
		{"actionmgmt nil ctx", am, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := allMethods(t, tc.c, tc.ctx)
			require.NotEmpty(t, errs)
			for name, err := range errs {
				assert.ErrorIs(t, err, coralogix.ErrInvalidInput, name)
			}
		})
	}
	assert.Empty(t, srv.Requests(), "nothing was sent")
}

// TestOnProgressPanicReachesTheCaller: a panic in OnProgress comes back in
// the caller's goroutine, where it can be recovered, for every bulk call.
func TestOnProgressPanicReachesTheCaller(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"coralogix", "thalamus", "rootly"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := newTarget(t, name, 2000, defaults())
			var recovered any
			func() {
				defer func() { recovered = recover() }()
				_ = tg.progressBulk(context.Background(), 20, func(done, total int) {
					if done >= 2 || name == "coralogix" {
						panic("progress bar broke")
					}
				})
			}()
			assert.Equal(t, "progress bar broke", recovered)
		})
	}
}

// TestControlCharactersInCredentialsRefused: every credential of every
// package, with each control character.
func TestControlCharactersInCredentialsRefused(t *testing.T) {
	t.Parallel()
	for c := 0; c < 0x20; c++ {
		checkControl(t, string(rune(c)))
	}
	checkControl(t, "\x7f")
}

func checkControl(t *testing.T, ctl string) {
	t.Helper()
	bad := "abc" + ctl + "def"
	_, err := coralogix.NewClient(bad)
	assert.ErrorIs(t, err, coralogix.ErrInvalidInput, "coralogix %q", ctl)
	_, err = rootly.NewClient(bad)
	assert.ErrorIs(t, err, rootly.ErrInvalidInput, "rootly %q", ctl)
	_, err = thalamus.NewClient("https://t.example.com", thalamus.Credentials{Touchpoint: bad, Token: "ok"})
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput, "thalamus touchpoint %q", ctl)
	_, err = thalamus.NewClient("https://t.example.com", thalamus.Credentials{Touchpoint: "ok", Token: bad})
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput, "thalamus token %q", ctl)
	for _, cfg := range []actionmgmt.TokenConfig{
		{TokenURL: actionmgmt.EuroTokenURL, ClientID: bad, ClientSecret: "ok"},
		{TokenURL: actionmgmt.EuroTokenURL, ClientID: "ok", ClientSecret: bad},
	} {
		_, err = actionmgmt.APIUserTokenSource(context.Background(), cfg).Token()
		assert.Error(t, err, "actionmgmt %q", ctl)
	}
}

// TestEndlessPagingIsBounded: servers that announce a next page forever, or
// send the same page again, end every iterator and look-up with an error.
func TestEndlessPagingIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("rootly look-ups", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			i := n.Add(1)
			page, _ := strconv.Atoi(r.URL.Query().Get("page[number]"))
			w.Header().Set("Content-Type", rootly.MediaType)
			if strings.HasSuffix(r.URL.Path, "/users") {
				_, _ = fmt.Fprintf(w, `{"data":[{"id":"%d","type":"users","attributes":{"email":"someone%d@example.com"}}],"links":{"next":"/v1/users?page[number]=%d"}}`, i, i, page+1)
				return
			}
			_, _ = fmt.Fprintf(w, `{"data":[{"id":"%d","type":"incident_roles","attributes":{"slug":"other%d"}}],"links":{"next":"/v1/incident_roles?page[number]=%d"}}`, i, i, page+1)
		}))
		defer srv.Close()
		c, err := rootly.NewClient("k", rootly.WithBaseURL(srv.URL))
		require.NoError(t, err)
		_, err = c.AssignRoleByEmail(context.Background(), rootlytest.SeedIncident, rootly.AssignRoleByEmailRequest{Email: "a@example.com", RoleSlug: "commander"})
		assert.ErrorIs(t, err, rootly.ErrUnexpectedResponse)
		assert.Contains(t, err.Error(), "paging stopped after")
		assert.Equal(t, rootly.LookupMaxPages, int(n.Load()))
	})
	t.Run("rootly repeated page", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Content-Type", rootly.MediaType)
			_, _ = io.WriteString(w, `{"data":[{"id":"1","type":"users","attributes":{"email":"x@example.com"}}],"meta":{"next_page":99999}}`)
		}))
		defer srv.Close()
		c, err := rootly.NewClient("k", rootly.WithBaseURL(srv.URL))
		require.NoError(t, err)
		var last error
		for _, err := range c.AllUsers(context.Background(), nil) {
			last = err
		}
		assert.ErrorIs(t, last, rootly.ErrUnexpectedResponse)
		assert.Equal(t, int32(2), n.Load())
	})
	t.Run("coralogix repeated token", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			i := n.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"cases":[{"id":"c%d"}],"pagination":{"nextPageToken":"t%d"}}`, i, i%3)
		}))
		defer srv.Close()
		c, err := coralogix.NewClient("k", coralogix.WithBaseURL(srv.URL))
		require.NoError(t, err)
		var last error
		for _, err := range c.AllCases(context.Background(), &coralogix.ListCasesRequest{}) {
			last = err
		}
		assert.ErrorIs(t, last, coralogix.ErrUnexpectedResponse)
		assert.LessOrEqual(t, n.Load(), int32(4))
	})
	t.Run("actionmgmt repeated page", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"itemType":"EndUser","itemCount":1,"totalCount":1000000,"items":[{"id":7,"isActive":true}]}`)
		}))
		defer srv.Close()
		c, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "k"}))
		require.NoError(t, err)
		var last error
		for _, err := range c.AllEndUsers(context.Background(), 1, 2, &actionmgmt.EndUserQuery{Top: 1}) {
			last = err
		}
		assert.ErrorIs(t, last, actionmgmt.ErrUnexpectedResponse)
		assert.Equal(t, int32(2), n.Load())
	})
}

// TestCaseIDMismatchIsAnErrorAndNothingIsWritten: a GET that answers
// another case is refused, so no PUT can overwrite that other case.
func TestCaseIDMismatchIsAnErrorAndNothingIsWritten(t *testing.T) {
	t.Parallel()
	var puts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			puts.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":999,"name":"another case","roles":[{"id":5,"caseId":999,"name":"r","users":[]}]}`)
	}))
	defer srv.Close()
	c, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "k"}))
	require.NoError(t, err)
	_, err = c.AssignUser(context.Background(), 1, 2, actionmgmt.RoleMember{RoleID: 5, UserID: 7})
	assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse)
	_, err = c.GetCase(context.Background(), 1, 2)
	assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse)
	assert.Equal(t, int32(0), puts.Load())
}

// TestRetryAfterOverflowIsAVeryLongWait: every package returns at once.
func TestRetryAfterOverflowIsAVeryLongWait(t *testing.T) {
	t.Parallel()
	for _, name := range vendors {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := defaults()
			s.waitMax = time.Second
			tg := newTarget(t, name, 1, s)
			tg.srv.Inject(testsrv.Fault{Method: tg.method, Path: tg.path, Status: 429, RetryAfter: "99999999999999999999999999", Times: 10})
			err := tg.assign(context.Background(), 0)
			assert.ErrorIs(t, err, coralogix.ErrRateLimited)
			ae, ok := apiErrorOf(err)
			require.True(t, ok)
			assert.Greater(t, ae.RetryAfter, 100*365*24*time.Hour)
			assert.Equal(t, 1, tg.tries(), "not retried")
		})
	}
}

// TestContradictoryOptionsRefused: every package refuses out-of-range or
// contradictory option values instead of adjusting them.
func TestContradictoryOptionsRefused(t *testing.T) {
	t.Parallel()
	type opts struct {
		name             string
		retry            int
		waitMin, waitMax time.Duration
		rate             float64
		burst            int
		maxBody          int64
	}
	good := opts{retry: 1, waitMin: time.Millisecond, waitMax: time.Second, rate: 1, burst: 1, maxBody: 1}
	bad := []opts{
		{name: "negative retries", retry: -1},
		{name: "max wait below min", waitMin: time.Second, waitMax: time.Millisecond},
		{name: "negative wait", waitMin: -time.Second},
		{name: "negative rate", rate: -1},
		{name: "NaN rate", rate: math.NaN()},
		{name: "infinite rate", rate: math.Inf(1)},
		{name: "negative burst", burst: -1},
		{name: "negative body cap", maxBody: -1},
	}
	tokens := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})
	for _, b := range bad {
		o := good
		switch {
		case b.retry != 0:
			o.retry = b.retry
		case b.waitMin != 0 || b.waitMax != 0:
			o.waitMin, o.waitMax = b.waitMin, b.waitMax
		case b.rate != 0 || math.IsNaN(b.rate):
			o.rate = b.rate
		case b.burst != 0:
			o.burst = b.burst
		case b.maxBody != 0:
			o.maxBody = b.maxBody
		}
		_, err := coralogix.NewClient("k", coralogix.WithRetryMax(o.retry), coralogix.WithRetryWait(o.waitMin, o.waitMax),
			coralogix.WithRateLimit(o.rate, o.burst), coralogix.WithMaxResponseBytes(o.maxBody))
		assert.ErrorIs(t, err, coralogix.ErrInvalidInput, "coralogix: "+b.name)
		_, err = rootly.NewClient("k", rootly.WithRetryMax(o.retry), rootly.WithRetryWait(o.waitMin, o.waitMax),
			rootly.WithRateLimit(o.rate, o.burst), rootly.WithMaxResponseBytes(o.maxBody))
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, "rootly: "+b.name)
		_, err = thalamus.NewClient("https://t.example.com", thalamus.Credentials{Touchpoint: "t", Token: "k"}, thalamus.WithRetryMax(o.retry),
			thalamus.WithRetryWait(o.waitMin, o.waitMax), thalamus.WithRateLimit(o.rate, o.burst), thalamus.WithMaxResponseBytes(o.maxBody))
		assert.ErrorIs(t, err, thalamus.ErrInvalidInput, "thalamus: "+b.name)
		_, err = actionmgmt.NewClient(actionmgmt.EuroURL, tokens, actionmgmt.WithRetryMax(o.retry), actionmgmt.WithRetryWait(o.waitMin, o.waitMax),
			actionmgmt.WithRateLimit(o.rate, o.burst), actionmgmt.WithMaxResponseBytes(o.maxBody))
		assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput, "actionmgmt: "+b.name)
	}
	_, err := rootly.NewClient("k", rootly.WithRetryMax(good.retry), rootly.WithRetryWait(good.waitMin, good.waitMax),
		rootly.WithRateLimit(good.rate, good.burst), rootly.WithMaxResponseBytes(good.maxBody))
	assert.NoError(t, err)
	_, err = rootly.NewClient("k", rootly.WithBaseURL("https://u:pw@api.example.com"))
	assert.ErrorIs(t, err, rootly.ErrInvalidInput)
}

// apiFields are the fields every package's *APIError has.
type apiFields struct {
	StatusCode                    int
	URL, Code, Message, RequestID string
	RetryAfter                    time.Duration
	Body                          []byte
	Attempts                      int
	details                       error
}

// apiErrorOf finds the *APIError of whichever package in err's chain.
func apiErrorOf(err error) (apiFields, bool) {
	var (
		cx *coralogix.APIError
		th *thalamus.APIError
		am *actionmgmt.APIError
		rt *rootly.APIError
	)
	switch {
	case errors.As(err, &cx):
		return apiFields{cx.StatusCode, cx.URL, cx.Code, cx.Message, cx.RequestID, cx.RetryAfter, cx.Body, cx.Attempts, cx.Unwrap()}, true
	case errors.As(err, &th):
		return apiFields{th.StatusCode, th.URL, th.Code, th.Message, th.RequestID, th.RetryAfter, th.Body, th.Attempts, th.Unwrap()}, true
	case errors.As(err, &am):
		return apiFields{am.StatusCode, am.URL, am.Code, am.Message, am.RequestID, am.RetryAfter, am.Body, am.Attempts, am.Unwrap()}, true
	case errors.As(err, &rt):
		return apiFields{rt.StatusCode, rt.URL, rt.Code, rt.Message, rt.RequestID, rt.RetryAfter, rt.Body, rt.Attempts, rt.Unwrap()}, true
	}
	return apiFields{}, false
}

// TestStartClosesTheServerWhenTheTestEnds: every fake's Start(tb) serves
// during the test and is closed by the test's cleanup.
func TestStartClosesTheServerWhenTheTestEnds(t *testing.T) {
	t.Parallel()
	var urls []string
	t.Run("serve", func(t *testing.T) {
		urls = append(urls, coralogixtest.Start(t).URL, thalamustest.Start(t).URL, actionmgmttest.Start(t).URL, rootlytest.Start(t).URL)
		for _, u := range urls {
			resp, err := http.Get(u + "/")
			require.NoError(t, err, u)
			_ = resp.Body.Close()
		}
	})
	for _, u := range urls {
		resp, err := http.Get(u + "/")
		if err == nil {
			_ = resp.Body.Close()
		}
		assert.Error(t, err, "closed after the test: %s", u)
	}
}

// TestRefusalsMatchErrRejected: a 400 or 422 matches ErrRejected in every
// package, with the vendor's code and message on the *APIError; other
// statuses do not.
func TestRefusalsMatchErrRejected(t *testing.T) {
	t.Parallel()
	sentinels := map[string]error{"coralogix": coralogix.ErrRejected, "thalamus": thalamus.ErrRejected, "actionmgmt": actionmgmt.ErrRejected, "rootly": rootly.ErrRejected}
	for _, name := range vendors {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := newTarget(t, name, 1, defaults())
			for _, status := range []int{400, 422, 404, 409} {
				tg.srv.Inject(testsrv.Fault{Method: tg.method, Path: tg.path, Status: status,
					Body: `{"code":"inactive_user","message":"user is inactive","errors":[{"title":"user is inactive","code":"inactive_user"}]}`})
				err := tg.assign(context.Background(), 0)
				require.Error(t, err)
				assert.Equal(t, status == 400 || status == 422, errors.Is(err, sentinels[name]), "%s %d", name, status)
				ae, ok := apiErrorOf(err)
				require.True(t, ok)
				assert.Equal(t, status, ae.StatusCode)
				if name != "thalamus" && name != "actionmgmt" { // their error bodies carry no code of this shape
					assert.Equal(t, "inactive_user", ae.Code)
				}
			}
		})
	}
}

// countWaits is a Limiter that counts the turns it hands out.
type countWaits struct{ n atomic.Int32 }

func (c *countWaits) Wait(ctx context.Context) error { c.n.Add(1); return ctx.Err() }

// TestWithLimiterInEveryPackage: every package waits on the caller's
// limiter once per try, retries included.
func TestWithLimiterInEveryPackage(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		testsrv.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"message": "down"})
	}))
	defer srv.Close()
	ctx := context.Background()
	limiters := make([]*countWaits, 4)
	for i := range limiters {
		limiters[i] = &countWaits{}
	}
	fast := time.Millisecond
	cx, err := coralogix.NewClient("k", coralogix.WithBaseURL(srv.URL), coralogix.WithLimiter(limiters[0]), coralogix.WithRetryWait(fast, fast), coralogix.WithRetryMax(2))
	require.NoError(t, err)
	_, _ = cx.GetCase(ctx, "CASE-1")
	th, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: "t", Token: "k"}, thalamus.WithLimiter(limiters[1]), thalamus.WithRetryWait(fast, fast), thalamus.WithRetryMax(2))
	require.NoError(t, err)
	_, _ = th.AssignCase(ctx, 1, thalamus.ToGroup("g"))
	am, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "k"}), actionmgmt.WithLimiter(limiters[2]), actionmgmt.WithRetryWait(fast, fast), actionmgmt.WithRetryMax(2))
	require.NoError(t, err)
	_, _ = am.GetCase(ctx, 1, 2)
	rt, err := rootly.NewClient("k", rootly.WithBaseURL(srv.URL), rootly.WithLimiter(limiters[3]), rootly.WithRetryWait(fast, fast), rootly.WithRetryMax(2))
	require.NoError(t, err)
	_, _ = rt.GetIncident(ctx, "inc-1")
	for i, l := range limiters {
		assert.Equal(t, int32(3), l.n.Load(), vendors[i]+": one turn per try (1 + 2 retries)")
	}
}

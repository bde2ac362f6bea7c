package thalamus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/jsonx"
	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	operator = "api.operator@example.com"
	password = "s3cret-Operator-pw!"
)

// loginServer is a test instance that requires an operator login.
func loginServer(t *testing.T, opts ...thalamus.Option) (*thalamustest.Server, *thalamus.Client) {
	t.Helper()
	srv := thalamustest.Start(t)
	srv.RequireLogin(operator, password)
	opts = append([]thalamus.Option{
		thalamus.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		thalamus.WithOperatorLogin(operator, password),
	}, opts...)
	c, err := thalamus.NewClient(srv.URL, creds, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

func paths(reqs []thalamustest.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Method + " " + r.Path
	}
	return out
}

func TestWithoutLoginTheServerAnswers401(t *testing.T) {
	t.Parallel()
	srv := thalamustest.Start(t)
	srv.RequireLogin(operator, password)
	c, err := thalamus.NewClient(srv.URL, creds)
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	assert.ErrorIs(t, err, thalamus.ErrUnauthorized)
	assert.Equal(t, 0, srv.Logins())
}

func TestLoginBeforeTheFirstCall(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	ctx := context.Background()
	_, err := c.AssignCase(ctx, thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.NoError(t, err)
	_, err = c.GetCase(ctx, thalamustest.ComplaintCase)
	require.NoError(t, err)

	reqs := srv.Requests()
	assert.Equal(t, []string{
		"POST " + thalamus.DefaultLoginPath,
		"PUT /api/v4/cases/1001/assignment",
		"GET /api/v4/cases/1001",
	}, paths(reqs))
	login := reqs[0]
	assert.JSONEq(t, `{"principal":"`+operator+`","password":"`+password+`"}`, string(login.Body))
	assert.Equal(t, "application/json", login.Header.Get("Content-Type"))
	assert.Equal(t, thalamustest.Token, login.Header.Get(thalamus.HeaderToken), "the login carries the touchpoint credentials too")
	assert.Empty(t, login.Header.Get("Authorization"), "the password travels only in the body")
	assert.Contains(t, reqs[1].Header.Get("Cookie"), thalamustest.SessionCookie+"=")
	assert.Equal(t, 1, srv.Logins())
}

func TestExpiredSessionLogsInAgainOnceAndRetriesOnce(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	ctx := context.Background()
	require.NoError(t, c.Login(ctx))
	srv.ExpireSessions()
	srv.ResetRequests()

	_, err := c.AssignCase(ctx, thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.NoError(t, err)
	assert.Equal(t, []string{
		"PUT /api/v4/cases/1001/assignment",
		"POST " + thalamus.DefaultLoginPath,
		"PUT /api/v4/cases/1001/assignment",
	}, paths(srv.Requests()))
	assert.Equal(t, 2, srv.Logins())
	got, _ := srv.Case(thalamustest.ComplaintCase)
	assert.Equal(t, thalamustest.ActiveOperator, got.AssignedTo)
}

// However a deployment says the session is gone (a 401, a redirect to the
// login page, or the login page itself), the client logs in once and
// retries once; the assignment then really happened. Without the
// detection, the redirect would be followed as a GET and the login page
// taken for the answer.
func TestEverySignOfALostSessionLogsInAgain(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		gone thalamustest.SessionGone
		get  []string // what a GetCase sends after the expiry
	}{
		{"401", thalamustest.GoneUnauthorized, []string{"GET /api/v4/cases/1001", "POST " + thalamus.DefaultLoginPath, "GET /api/v4/cases/1001"}},
		{"redirect to the login page", thalamustest.GoneRedirect,
			[]string{"GET /api/v4/cases/1001", "GET " + thalamus.DefaultLoginPath, "POST " + thalamus.DefaultLoginPath, "GET /api/v4/cases/1001"}},
		{"login page", thalamustest.GoneLoginPage, []string{"GET /api/v4/cases/1001", "POST " + thalamus.DefaultLoginPath, "GET /api/v4/cases/1001"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := loginServer(t)
			srv.SetSessionGone(tt.gone)
			ctx := context.Background()
			require.NoError(t, c.Login(ctx))

			srv.ExpireSessions()
			srv.ResetRequests()
			_, err := c.AssignCase(ctx, thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
			require.NoError(t, err)
			assert.Equal(t, []string{
				"PUT /api/v4/cases/1001/assignment",
				"POST " + thalamus.DefaultLoginPath,
				"PUT /api/v4/cases/1001/assignment",
			}, paths(srv.Requests()), "a redirected write is not followed")
			got, _ := srv.Case(thalamustest.ComplaintCase)
			assert.Equal(t, thalamustest.ActiveOperator, got.AssignedTo)

			srv.ExpireSessions()
			srv.ResetRequests()
			cs, err := c.GetCase(ctx, thalamustest.ComplaintCase)
			require.NoError(t, err)
			assert.Equal(t, thalamustest.ComplaintCase, cs.ID)
			assert.Equal(t, tt.get, paths(srv.Requests()))
			assert.Equal(t, 3, srv.Logins())
		})
	}
}

// A session that is gone again right after the new login (a login page
// after the retry too) is an error, never an assignment: one login, one
// retry, then ErrUnexpectedResponse.
func TestLostSessionAfterTheNewLoginIsNotASuccess(t *testing.T) {
	t.Parallel()
	for _, f := range []thalamustest.Fault{
		{Method: http.MethodPut, Status: http.StatusOK, ContentType: "text/html", Body: "<html>Sign in</html>", Times: 2},
		{Method: http.MethodPut, Status: http.StatusFound, Header: http.Header{"Location": {"/login"}}, Times: 2},
	} {
		srv, c := loginServer(t)
		srv.Inject(f)
		_, err := c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
		assert.ErrorIs(t, err, thalamus.ErrUnexpectedResponse, f.Status)
		assert.Equal(t, []string{
			"POST " + thalamus.DefaultLoginPath,
			"PUT /api/v4/cases/1001/assignment",
			"POST " + thalamus.DefaultLoginPath,
			"PUT /api/v4/cases/1001/assignment",
		}, paths(srv.Requests()))
		got, _ := srv.Case(thalamustest.ComplaintCase)
		assert.Empty(t, got.AssignedTo, "nothing was assigned")
	}
}

// A 401 that persists after the new login is returned: one login, one retry.
func TestStill401AfterTheNewLoginIsReturned(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	srv.Inject(thalamustest.Fault{Method: http.MethodPut, Status: http.StatusUnauthorized, Times: 2})
	_, err := c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	assert.ErrorIs(t, err, thalamus.ErrUnauthorized)
	assert.Equal(t, []string{
		"POST " + thalamus.DefaultLoginPath,
		"PUT /api/v4/cases/1001/assignment",
		"POST " + thalamus.DefaultLoginPath,
		"PUT /api/v4/cases/1001/assignment",
	}, paths(srv.Requests()))
}

// Many calls at once share one login, at the start and after an expiry.
func TestConcurrentCallsShareOneLogin(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	ids := srv.AddCases(5000, 24)
	run := func() {
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = c.AssignCase(context.Background(), id, thalamus.ToGroup(thalamustest.SupportGroup))
			}()
		}
		wg.Wait()
		for _, err := range errs {
			assert.NoError(t, err)
		}
	}
	loginTries := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Path == thalamus.DefaultLoginPath {
				n++
			}
		}
		return n
	}
	run()
	assert.Equal(t, 1, loginTries(), "no login storm at the start")
	srv.ExpireSessions()
	run()
	assert.Equal(t, 2, loginTries(), "no login storm after an expiry")
	assert.Equal(t, 2, srv.Logins())
}

// A wrong password makes one login attempt for a whole bulk job: the
// calls waiting for it share its failure, and later calls do not repeat a
// refused login (which could lock the operator account) until Login is
// called again.
func TestRefusedLoginIsTriedOnce(t *testing.T) {
	t.Parallel()
	srv := thalamustest.Start(t)
	srv.RequireLogin(operator, password)
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin(operator, "wrong-password"),
		thalamus.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ids := srv.AddCases(6000, 100)
	loginTries := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Path == thalamus.DefaultLoginPath {
				n++
			}
		}
		return n
	}
	out, err := c.AssignCases(context.Background(), ids, thalamus.ToGroup(thalamustest.SupportGroup), thalamus.BulkOptions{Concurrency: 32})
	require.Error(t, err)
	for _, o := range out {
		assert.ErrorIs(t, o.Err, thalamus.ErrLoginFailed)
		assert.NotContains(t, o.Err.Error(), "wrong-password")
	}
	assert.Equal(t, 1, loginTries(), "one attempt for 100 items at concurrency 32")

	_, err = c.AssignCase(context.Background(), ids[0], thalamus.ToGroup(thalamustest.SupportGroup))
	assert.ErrorIs(t, err, thalamus.ErrLoginFailed)
	assert.Equal(t, 1, loginTries(), "a later call does not repeat the refused login")
	assert.Len(t, srv.Requests(), 1, "nor sends anything else")

	assert.ErrorIs(t, c.Login(context.Background()), thalamus.ErrLoginFailed)
	assert.Equal(t, 2, loginTries(), "Login tries again")
}

// A login that failed for a passing reason (a 503 after the retries) is
// shared by the calls that waited for it, and the next call tries again.
func TestTransientLoginFailureIsSharedThenRetried(t *testing.T) {
	t.Parallel()
	srv := thalamustest.Start(t)
	srv.RequireLogin(operator, password)
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin(operator, password), thalamus.WithRetryMax(0))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	srv.Inject(thalamustest.Fault{Path: thalamus.DefaultLoginPath, Status: http.StatusServiceUnavailable})
	ids := srv.AddCases(7000, 20)
	_, err = c.AssignCases(context.Background(), ids, thalamus.ToGroup(thalamustest.SupportGroup), thalamus.BulkOptions{Concurrency: 20})
	assert.ErrorIs(t, err, thalamus.ErrLoginFailed)
	assert.ErrorIs(t, err, thalamus.ErrServer)
	logins := 0
	for _, r := range srv.Requests() {
		if r.Path == thalamus.DefaultLoginPath {
			logins++
		}
	}
	assert.LessOrEqual(t, logins, 2, "the waiting calls share the failed attempt")
	_, err = c.AssignCase(context.Background(), ids[0], thalamus.ToGroup(thalamustest.SupportGroup))
	assert.NoError(t, err, "the next call logs in again")
}

func TestWaitingForTheLoginHonoursTheContext(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	srv.Inject(thalamustest.Fault{Path: thalamus.DefaultLoginPath, Latency: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		close(started)
		_ = c.Login(ctx) // holds the login while the server stalls
	}()
	<-started
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	_, err := c.GetCase(ctx2, thalamustest.ComplaintCase)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	cancel()
}

func TestFailedLoginIsClearAndNeverShowsThePassword(t *testing.T) {
	t.Parallel()
	// The server echoes the request body in every form it can.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Echo", url.QueryEscape(string(b)))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		q, _ := json.Marshal(string(b))
		fmt.Fprintf(w, `{"message":%s,"raw":%s,"escaped":%q}`, q, b, url.QueryEscape(string(b)))
	}))
	defer srv.Close()
	var logs strings.Builder
	var mu sync.Mutex
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin(operator, password),
		thalamus.WithLogger(slogDebug(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logs.Write(p)
		}))))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	_, err = c.AssignCase(context.Background(), 1001, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.Error(t, err)
	assert.ErrorIs(t, err, thalamus.ErrLoginFailed)
	assert.ErrorIs(t, err, thalamus.ErrUnauthorized)
	var ae *thalamus.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
	assert.Contains(t, err.Error(), "operator login failed")
	for _, form := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), string(ae.Body), fmt.Sprint(c)} {
		assert.NotContains(t, form, password)
		assert.NotContains(t, form, url.QueryEscape(password))
	}
	mu.Lock()
	defer mu.Unlock()
	assert.NotEmpty(t, logs.String())
	assert.NotContains(t, logs.String(), password)
}

func TestWrongPasswordAgainstTheTestServer(t *testing.T) {
	t.Parallel()
	srv := thalamustest.Start(t)
	srv.RequireLogin(operator, password)
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin(operator, "not-the-password"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.AssignCase(context.Background(), 1001, thalamus.ToOperator(thalamustest.ActiveOperator))
	assert.ErrorIs(t, err, thalamus.ErrLoginFailed)
	assert.NotContains(t, err.Error(), "not-the-password")
	assert.Equal(t, []string{"POST " + thalamus.DefaultLoginPath}, paths(srv.Requests()), "no assignment without a session")
}

// The login URL comes from the unauthenticated context's "login" link.
func TestLoginURLFromTheSessionContext(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	srv.SetLoginPath("/security/check")
	_, err := c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.NoError(t, err)
	assert.Equal(t, []string{
		"POST " + thalamus.DefaultLoginPath, // 401 with the context naming the real one
		"POST /security/check",
		"PUT /api/v4/cases/1001/assignment",
	}, paths(srv.Requests()))

	srv.ExpireSessions()
	srv.ResetRequests()
	_, err = c.GetCase(context.Background(), thalamustest.ComplaintCase)
	require.NoError(t, err)
	assert.Equal(t, []string{"GET /api/v4/cases/1001", "POST /security/check", "GET /api/v4/cases/1001"},
		paths(srv.Requests()), "the learned link is kept")
}

func TestWithLoginPath(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t, thalamus.WithLoginPath("/security/check"))
	srv.SetLoginPath("/security/check")
	require.NoError(t, c.Login(context.Background()))
	assert.Equal(t, []string{"POST /security/check"}, paths(srv.Requests()))
}

// A login link to another origin is ignored: the password goes nowhere else.
func TestLoginLinkToAnotherOriginIsIgnored(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var elsewhere []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		elsewhere = append(elsewhere, r.URL.Path+" "+string(b))
		mu.Unlock()
	}))
	defer other.Close()
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"context":{"links":[{"ref":"login","href":%q}]}}`, other.URL+"/steal")
	}))
	defer srv.Close()
	for _, base := range []string{srv.URL, srv.URL + "/thalamus"} {
		c, err := thalamus.NewClient(base, creds, thalamus.WithOperatorLogin(operator, password))
		require.NoError(t, err)
		err = c.Login(context.Background())
		assert.ErrorIs(t, err, thalamus.ErrLoginFailed)
		c.CloseIdleConnections()
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, elsewhere)
	assert.Equal(t, []string{"POST " + thalamus.DefaultLoginPath, "POST /thalamus" + thalamus.DefaultLoginPath}, seen)
}

// The login's own redirect to another origin is refused: a 307 would send
// the password along.
func TestLoginNeverFollowsARedirectToAnotherOrigin(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var elsewhere int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		elsewhere++
		mu.Unlock()
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin(operator, password), thalamus.WithRetryMax(0))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	err = c.Login(context.Background())
	assert.ErrorIs(t, err, thalamus.ErrLoginFailed)
	assert.NotContains(t, err.Error(), password)
	mu.Lock()
	defer mu.Unlock()
	assert.Zero(t, elsewhere)
}

func TestLogoutDropsTheSessionAndTheNextCallLogsIn(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	ctx := context.Background()
	_, err := c.GetCase(ctx, thalamustest.ComplaintCase)
	require.NoError(t, err)
	require.NoError(t, c.Logout(ctx))
	_, err = c.GetCase(ctx, thalamustest.ComplaintCase)
	require.NoError(t, err)
	reqs := srv.Requests()
	assert.Equal(t, []string{
		"POST " + thalamus.DefaultLoginPath, "GET /api/v4/cases/1001",
		"GET " + thalamus.LogoutPath,
		"POST " + thalamus.DefaultLoginPath, "GET /api/v4/cases/1001",
	}, paths(reqs))
	assert.Empty(t, reqs[3].Header.Get("Cookie"), "the cookies were dropped at logout")
	assert.Equal(t, 2, srv.Logins())
}

// With a jar of the caller's own, Logout expires the instance's cookies in it.
func TestLogoutWithTheCallersJar(t *testing.T) {
	t.Parallel()
	srv := thalamustest.Start(t)
	jar := newJar(t)
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithHTTPClient(&http.Client{Jar: jar}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.GetCase(context.Background(), thalamustest.ComplaintCase)
	require.NoError(t, err)
	u, _ := url.Parse(srv.URL)
	require.NotEmpty(t, jar.Cookies(u))
	require.NoError(t, c.Logout(context.Background()))
	assert.Empty(t, jar.Cookies(u))
}

// Logout expires, in a caller's jar, the session cookies the instance set
// for any path the client calls, not only for the root.
func TestLogoutDropsCookiesOfEveryPath(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/inst"+thalamus.LogoutPath {
			for _, p := range []string{"/", "/inst", "/inst/api/v3", "/inst/api/v4/cases"} {
				http.SetCookie(w, &http.Cookie{Name: "SESSION" + strings.ReplaceAll(p, "/", "_"), Value: "s3cr3t", Path: p})
			}
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "x", Path: "/inst/api"})
			http.SetCookie(w, &http.Cookie{Name: "CASEPATH", Value: "x"}) // no Path: the request's own (a case's path)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"context":{},"case":{"id":1001}}`))
	}))
	defer srv.Close()
	jar := newJar(t)
	c, err := thalamus.NewClient(srv.URL+"/inst", creds, thalamus.WithHTTPClient(&http.Client{Jar: jar}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.GetCase(context.Background(), 1001)
	require.NoError(t, err)
	check := []string{"/", "/inst/", "/inst/api/v3/logout", "/inst/api/v4/cases/1001", "/inst/api/v4/cases/1001/assignment"}
	held := 0
	for _, p := range check {
		u, _ := url.Parse(srv.URL + p)
		held += len(jar.Cookies(u))
	}
	require.Greater(t, held, 5)
	require.NoError(t, c.Logout(context.Background()))
	for _, p := range check {
		u, _ := url.Parse(srv.URL + p)
		assert.Empty(t, jar.Cookies(u), p)
	}
}

func TestExplicitLogin(t *testing.T) {
	t.Parallel()
	srv, c := loginServer(t)
	ctx := context.Background()
	require.NoError(t, c.Login(ctx))
	require.NoError(t, c.Login(ctx), "PartyAlreadyLoggedin means the session is open")
	_, err := c.GetCase(ctx, thalamustest.ComplaintCase)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins())

	plain, err := thalamus.NewClient(srv.URL, creds)
	require.NoError(t, err)
	err = plain.Login(ctx)
	assert.ErrorIs(t, err, thalamus.ErrNoLogin)
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput)
}

func TestLoginOptionsAreChecked(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]thalamus.Option{
		"empty principal":       thalamus.WithOperatorLogin("  ", password),
		"short password":        thalamus.WithOperatorLogin(operator, "abc"),
		"long password":         thalamus.WithOperatorLogin(operator, strings.Repeat("p", 101)),
		"control in password":   thalamus.WithOperatorLogin(operator, "pass\r\nword-"+password),
		"control in principal":  thalamus.WithOperatorLogin("a\nb", password),
		"relative login path":   thalamus.WithLoginPath("api/login"),
		"dot-dot login path":    thalamus.WithLoginPath("/api/../login"),
		"login path with query": thalamus.WithLoginPath("/login?x=1"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := thalamus.NewClient("https://crm.example.com", creds, opt, thalamus.WithOperatorLogin(operator, password), opt)
			require.Error(t, err)
			assert.ErrorIs(t, err, thalamus.ErrInvalidInput)
			assert.NotContains(t, err.Error(), password)
		})
	}
	_, err := thalamus.NewClient("https://crm.example.com", creds, thalamus.WithOperatorLogin(operator, ""))
	assert.NoError(t, err, "an empty password is a passwordless touchpoint")
}

func TestPasswordlessLogin(t *testing.T) {
	t.Parallel()
	srv := thalamustest.Start(t)
	srv.RequireLogin("kiosk-7", "")
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin("kiosk-7", ""))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	require.NoError(t, c.Login(context.Background()))
	assert.JSONEq(t, `{"principal":"kiosk-7"}`, string(srv.Requests()[0].Body))
}

func TestGetCaseReadsEveryEnvelope(t *testing.T) {
	t.Parallel()
	for name, env := range map[string]thalamustest.Envelope{
		"documented (bare case)": thalamustest.EnvelopeDocumented,
		"context and case":       thalamustest.EnvelopeContext,
		"common envelope":        thalamustest.EnvelopeCommon,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := loginServer(t)
			srv.SetEnvelope(env)
			cs, err := c.GetCase(context.Background(), thalamustest.BillingCase)
			require.NoError(t, err)
			assert.Equal(t, thalamustest.BillingCase, cs.ID)
			assert.Equal(t, "BILLING", cs.TypeCode)
			require.Len(t, cs.Comments, 1)
			assert.Equal(t, "Customer called about order #7014", cs.Comments[0].Description)

			res, err := c.AssignCase(context.Background(), thalamustest.BillingCase, thalamus.ToGroup(thalamustest.BillingGroup))
			require.NoError(t, err)
			assert.Equal(t, thalamustest.BillingCase, res.Case.ID)
			assert.Equal(t, "Billing", string(res.Case.Extra["assignedTo"][1:len(res.Case.Extra["assignedTo"])-1]))
			if env == thalamustest.EnvelopeCommon {
				assert.JSONEq(t, `[]`, string(res.Links))
				assert.JSONEq(t, `[]`, string(res.Activities))
				assert.JSONEq(t, `{}`, string(res.Errors))
				assert.Empty(t, res.Context)
			} else {
				assert.NotEmpty(t, res.Context)
			}
		})
	}
}

func TestGetCaseRefusesAnotherCaseOrNoCase(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"another case":  `{"id":7,"typeCode":"X"}`,
		"no case":       `{"context":{}}`,
		"not an object": `[1,2]`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			srv.Inject(thalamustest.Fault{Method: http.MethodGet, Status: http.StatusOK, Body: body})
			_, err := c.GetCase(context.Background(), thalamustest.ComplaintCase)
			assert.ErrorIs(t, err, thalamus.ErrUnexpectedResponse)
		})
	}
}

func TestGetCaseValidatesAndMapsErrors(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	_, err := c.GetCase(context.Background(), 0)
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput)
	assert.Empty(t, srv.Requests())
	_, err = c.GetCase(context.Background(), 999999)
	assert.ErrorIs(t, err, thalamus.ErrInvalidID)
	var nilClient *thalamus.Client
	_, err = nilClient.GetCase(context.Background(), 1)
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput)
	assert.ErrorIs(t, nilClient.Login(context.Background()), thalamus.ErrInvalidInput)
	assert.ErrorIs(t, nilClient.Logout(context.Background()), thalamus.ErrInvalidInput)
}

// Comments: objects typed, a string still read, and every form written
// back as it was read.
func TestCommentsDecodeAndRoundTrip(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"objects, number id":    `{"id":1,"comments":[{"id":17,"description":"called back","author":{"name":"Ana"}}]}`,
		"objects, string id":    `{"id":1,"comments":[{"id":"17","description":"called back"}]}`,
		"string from old":       `{"id":1,"comments":"called back"}`,
		"empty array":           `{"id":1,"comments":[]}`,
		"null":                  `{"id":1,"comments":null}`,
		"array of strings":      `{"id":1,"comments":["a","b"]}`,
		"object id of bad kind": `{"id":1,"comments":[{"id":{"x":1},"description":"d"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var cs thalamus.Case
			require.NoError(t, json.Unmarshal([]byte(in), &cs))
			out, err := json.Marshal(cs)
			require.NoError(t, err)
			assert.JSONEq(t, in, string(out))
		})
	}
	var cs thalamus.Case
	require.NoError(t, json.Unmarshal([]byte(`{"comments":[{"id":17,"description":"called back","author":{"name":"Ana"}}]}`), &cs))
	require.Len(t, cs.Comments, 1)
	assert.Equal(t, "17", cs.Comments[0].ID)
	assert.Equal(t, "called back", cs.Comments[0].Description)
	assert.JSONEq(t, `{"name":"Ana"}`, string(cs.Comments[0].Extra["author"]))

	require.NoError(t, json.Unmarshal([]byte(`{"comments":"called back"}`), &cs))
	require.Len(t, cs.Comments, 1)
	assert.Equal(t, "called back", cs.Comments[0].Description)

	cs.Comments = append(cs.Comments, thalamus.Comment{Description: "second"})
	out, err := json.Marshal(cs)
	require.NoError(t, err)
	assert.JSONEq(t, `{"comments":[{"description":"called back"},{"description":"second"}]}`, string(out),
		"a changed string comment is written as comment objects")

	require.NoError(t, json.Unmarshal([]byte(`{"comments":[{"id":17}]}`), &cs))
	cs.Comments[0].ID = "18"
	out, err = json.Marshal(cs)
	require.NoError(t, err)
	assert.JSONEq(t, `{"comments":[{"id":"18"}]}`, string(out), "a changed id is written as a string")
}

func FuzzCaseRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"id":1,"comments":[{"id":17,"description":"d","x":[1]}],"caseData":{"a":1}}`,
		`{"id":1,"comments":"text","status":"Open"}`,
		`{"comments":[{"id":"a"},{"id":2}],"resolution":""}`,
		`{"id":"nope","comments":{"a":1}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cs thalamus.Case
		if json.Unmarshal(data, &cs) != nil {
			return
		}
		var want any
		if json.Unmarshal(data, &want) != nil {
			return
		}
		if _, ok := want.(map[string]any); !ok {
			return
		}
		out, err := json.Marshal(cs)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var got any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("invalid JSON written: %s", out)
		}
		wantJSON, _ := json.Marshal(want)
		gotJSON, _ := json.Marshal(got)
		if string(wantJSON) != string(gotJSON) && !jsonx.DuplicateKeys(data) {
			t.Fatalf("round trip lost data:\n in  %s\n out %s", data, out)
		}
	})
}

// A login link the server gives is resolved against the instance URL and
// taken only when it stays on the instance's origin and under its path,
// with no dot segment in any encoding and no credential in it.
func TestLoginLinkMustStayInTheInstance(t *testing.T) {
	t.Parallel()
	const inst = "https://crm.example.com/inst"
	tests := []struct {
		href, want string
	}{
		{"https://crm.example.com/inst/api/v3/login", "/api/v3/login"},
		{"/inst/api/v3/login", "/api/v3/login"},
		{"api/v3/login", "/api/v3/login"},
		{"https://CRM.example.com/inst/api/v3/login", "/api/v3/login"},
		{"https://crm.example.com/inst/api/v3/./login", "/api/v3/login"}, // a literal dot segment resolves inside
		{"https://crm.example.com/inst/../other/login", ""},
		{"https://crm.example.com/inst/%2e%2e/other/login", ""},
		{"https://crm.example.com/inst/%2E./other/login", ""},
		{"https://crm.example.com/inst/%252e%252e/other/login", ""}, // decoded once: a literal %2e%2e a server would decode again
		{"https://crm.example.com/inst/api/%2e/login", ""},
		{"/inst/api/..%2flogin", ""},
		{"https://crm.example.com/inst-evil/login", ""},
		{"https://crm.example.com/login", ""},
		{"https://evil.example.com/inst/login", ""},
		{"//evil.example.com/inst/login", ""},
		{"https://crm.example.com:8443/inst/login", ""},
		{"http://crm.example.com/inst/login", ""},
		{"https://user:pw@crm.example.com/inst/login", ""},
		{"https://crm.example.com/inst/login?next=/x", ""},
		{"https://crm.example.com/inst/login#x", ""},
		{"https://crm.example.com/inst\\..\\login", ""},
		{"javascript:alert(1)", ""},
		{"https://crm.example.com/inst/login/tok-0123456789", ""}, // holds the client's token
		{"https://crm.example.com/inst/login/pass-word", ""},      // holds the password
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := thalamus.LoginLinkWithin(inst, tt.href)
		assert.Equal(t, tt.want != "", ok, tt.href)
		assert.Equal(t, tt.want, got, tt.href)
	}
}

// Each common mistake gets an error that names the cause and the fix, not
// a raw JSON dump.
func TestErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(srv *thalamustest.Server) (*thalamus.Client, error)
		want  []string
	}{
		{"login forgotten", func(srv *thalamustest.Server) (*thalamus.Client, error) {
			srv.RequireLogin(operator, password)
			return thalamus.NewClient(srv.URL, creds)
		}, []string{"no operator session", "WithOperatorLogin"}},
		{"wrong password", func(srv *thalamustest.Server) (*thalamus.Client, error) {
			srv.RequireLogin(operator, password)
			return thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin(operator, "wrong-password"))
		}, []string{"operator login failed", "login was refused", "principal and password"}},
		{"wrong token", func(srv *thalamustest.Server) (*thalamus.Client, error) {
			return thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: creds.Touchpoint, Token: "not-the-token-0000"})
		}, []string{"invalid touchpoint or token", "Credentials.Touchpoint and Credentials.Token"}},
		{"wrong token with a login", func(srv *thalamustest.Server) (*thalamus.Client, error) {
			srv.RequireLogin(operator, password)
			return thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: creds.Touchpoint, Token: "not-the-token-0000"},
				thalamus.WithOperatorLogin(operator, password))
		}, []string{"operator login failed", "Credentials.Touchpoint and Credentials.Token"}},
		{"wrong path prefix", func(srv *thalamustest.Server) (*thalamus.Client, error) {
			return thalamus.NewClient(srv.URL+"/crm", creds)
		}, []string{"404", "check the base URL"}},
		{"wrong path prefix with a login", func(srv *thalamustest.Server) (*thalamus.Client, error) {
			srv.RequireLogin(operator, password)
			return thalamus.NewClient(srv.URL+"/crm", creds, thalamus.WithOperatorLogin(operator, password))
		}, []string{"operator login failed", "check the base URL's path prefix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := thalamustest.Start(t)
			c, err := tt.setup(srv)
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			_, err = c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), `{"`, "no raw JSON")
			assert.Contains(t, err.Error(), "(after 1 try)")
		})
	}
}

// A base URL that repeats the API's own path prefix is refused by NewClient.
func TestBaseURLWithTheAPIPrefixIsRefused(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"https://crm.example.com/api/v4", "https://crm.example.com/inst/api/v4/", "https://crm.example.com/api/v3"} {
		_, err := thalamus.NewClient(u, creds)
		assert.ErrorIs(t, err, thalamus.ErrInvalidInput, u)
		assert.ErrorContains(t, err, "the SDK adds itself", u)
	}
	_, err := thalamus.NewClient("", creds)
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput, "an empty base URL")
}

// A login answered 2xx with no body (204, say) opened the session (its
// cookie came with it): the call goes on.
func TestLoginAnsweredWithoutABodyIsASuccess(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == thalamus.DefaultLoginPath {
			http.SetCookie(w, &http.Cookie{Name: "SESSION", Value: "s1", Path: "/"})
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if ck, err := r.Cookie("SESSION"); err != nil || ck.Value != "s1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"context":{},"case":{"id":1001}}`))
	}))
	defer srv.Close()
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithOperatorLogin(operator, password))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.AssignCase(context.Background(), 1001, thalamus.ToOperator(thalamustest.ActiveOperator))
	assert.NoError(t, err)
}

// A login that ended with one caller's context is not a failure handed to
// the other callers waiting for it: they log in themselves.
func TestOneCallersContextIsNotSharedByTheLogin(t *testing.T) {
	t.Parallel()
	var logins atomic.Int32
	entered := make(chan struct{})
	release := make(chan struct{})
	srv := thalamustest.Start(t)
	srv.RequireLogin(operator, password)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == thalamus.DefaultLoginPath && logins.Add(1) == 1 {
			close(entered)
			<-release // the first login outlives its caller's deadline
		}
		testsrv.Proxy(w, r, srv.URL+r.URL.RequestURI())
	}))
	defer front.Close()
	defer close(release)
	c, err := thalamus.NewClient(front.URL, creds, thalamus.WithOperatorLogin(operator, password), thalamus.WithRetryMax(0))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	first := make(chan error, 1)
	go func() {
		_, err := c.GetCase(short, thalamustest.ComplaintCase)
		first <- err
	}()
	<-entered // the first caller holds the login
	second := make(chan error, 1)
	go func() {
		_, err := c.GetCase(context.Background(), thalamustest.ComplaintCase)
		second <- err
	}()
	assert.ErrorIs(t, <-first, context.DeadlineExceeded)
	assert.NoError(t, <-second, "the other caller logs in itself")
	assert.Equal(t, int32(2), logins.Load())
}

// The failure a waiting caller is handed is never another caller's
// context: a login ended by its caller's deadline is not shared.
func TestContextEndedLoginIsNotHandedToWaiters(t *testing.T) {
	t.Parallel()
	_, c := loginServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	login, shared := thalamus.SharedLoginFailure(c, ctx)
	assert.ErrorIs(t, login, context.Canceled)
	assert.NoError(t, shared)
}

// A refused touchpoint token is not made sticky (no operator account is
// at stake): the next call tries the login again.
func TestRefusedTokenIsNotSticky(t *testing.T) {
	t.Parallel()
	srv := thalamustest.Start(t)
	srv.RequireLogin(operator, password)
	c, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: creds.Touchpoint, Token: "not-the-token-0000"},
		thalamus.WithOperatorLogin(operator, password))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	for range 2 {
		_, err = c.GetCase(context.Background(), thalamustest.ComplaintCase)
		assert.ErrorContains(t, err, "Credentials.Touchpoint and Credentials.Token")
	}
	assert.Len(t, srv.Requests(), 2, "each call tried the login")
}

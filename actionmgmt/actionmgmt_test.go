package actionmgmt_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/oauth2"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	hub  = actionmgmttest.Hub
	cse  = actionmgmttest.ExampleCase
	mgr  = actionmgmttest.CaseManager
	watc = actionmgmttest.Watcher
)

func newServer(t testing.TB, opts ...actionmgmt.Option) (*actionmgmttest.Server, *actionmgmt.Client) {
	t.Helper()
	srv := actionmgmttest.NewServer()
	t.Cleanup(srv.Close)
	tokens := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: actionmgmttest.ClientID, ClientSecret: actionmgmttest.ClientSecret, Scopes: []string{"pub.hubs"},
	})
	opts = append([]actionmgmt.Option{actionmgmt.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := actionmgmt.NewClient(srv.URL, tokens, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

// apiRequests drops the identity endpoint's requests.
func apiRequests(srv *actionmgmttest.Server) []actionmgmttest.Request {
	var out []actionmgmttest.Request
	for _, r := range srv.Requests() {
		if r.Path != actionmgmttest.TokenPath {
			out = append(out, r)
		}
	}
	return out
}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	active := true
	_, err := c.ListRoles(ctx, hub)
	require.NoError(t, err)
	_, err = c.QueryEndUsers(ctx, hub, actionmgmttest.List, &actionmgmt.EndUserQuery{IsActive: &active, SortBy: "UserId", Top: 100})
	require.NoError(t, err)
	cs, err := c.GetCase(ctx, hub, cse)
	require.NoError(t, err)
	_, err = c.UpdateCase(ctx, hub, cs)
	require.NoError(t, err)

	reqs := apiRequests(srv)
	require.Len(t, reqs, 4)
	want := []struct{ method, path, body string }{
		{http.MethodGet, "/v1/actionmanagement/hubs/6435/roles", ""},
		{http.MethodPost, "/v1/hubs/6435/enduserlists/201/users/query", `{"isActive":true,"sortBy":"UserId","top":100}`},
		{http.MethodGet, "/v1/actionmanagement/hubs/6435/cases/2009631", ""},
		{http.MethodPut, "/v1/actionmanagement/hubs/6435/cases/2009631", ""},
	}
	for i, w := range want {
		assert.Equal(t, w.method, reqs[i].Method)
		assert.Equal(t, w.path, reqs[i].RawPath)
		assert.Equal(t, "Bearer am-token-1", reqs[i].Header.Get("Authorization"))
		assert.Equal(t, "application/json", reqs[i].Header.Get("Accept"))
		if w.body != "" {
			assert.JSONEq(t, w.body, string(reqs[i].Body))
		}
	}
	assert.Equal(t, 1, srv.TokenRequests(), "one token for every call")
	tokReq := srv.Requests()[0]
	assert.Equal(t, actionmgmttest.TokenPath, tokReq.Path)
	assert.Contains(t, string(tokReq.Body), "grant_type=api-user")
	assert.Contains(t, string(tokReq.Body), "scope=pub.hubs")
	assert.JSONEq(t, string(actionmgmttest.SeedCase), string(reqs[3].Body), "the PUT writes back exactly what was read")
}

func TestSeedCaseTyped(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	cs, err := c.GetCase(context.Background(), hub, cse)
	require.NoError(t, err)
	assert.Equal(t, cse, cs.ID)
	assert.Equal(t, "Example case", cs.Name)
	assert.Equal(t, int64(3536), cs.WorkflowID)
	assert.Equal(t, 250.0, cs.Cost)
	assert.Equal(t, int64(7315), cs.TriggerID)
	assert.Equal(t, "Example trigger", cs.TriggerName)
	created, ok := cs.DateCreated.Time()
	require.True(t, ok)
	assert.Equal(t, time.Date(2021, 10, 1, 7, 0, 0, 0, time.UTC), created.UTC())
	require.Len(t, cs.ListValues, 2)
	assert.Equal(t, actionmgmt.ListValue{ListID: 24, ID: 876, Name: "Critical", Type: actionmgmt.ListTypeSeverity, IsHigh: true}.Name, cs.ListValues[1].Name)
	assert.True(t, cs.ListValues[0].IsOpen)
	assert.True(t, cs.ListValues[1].IsHigh)
	require.Len(t, cs.Roles, 2)
	assert.Equal(t, "Case Manager", cs.Roles[0].Name)
	require.Len(t, cs.Roles[0].Users, 1)
	assert.Equal(t, actionmgmttest.UserAlice, cs.Roles[0].Users[0].ID)
	assert.Equal(t, "exampleUser8790", cs.Roles[0].Users[0].UserName)
	assert.JSONEq(t, `{"self":"https://<host>/v1/hubs/6435/enduserlists/201/users/8790"}`, string(cs.Roles[0].Users[0].Links))
	assert.Empty(t, cs.Roles[1].Users)
	require.NotNil(t, cs.Source)
	assert.Equal(t, actionmgmt.Source{ResponseID: "452651", SurveyID: "p41560", SourceID: "s3"}.SurveyID, cs.Source.SurveyID)
	assert.Nil(t, cs.Extra)
}

// caseWithUnknowns has members the SDK has never heard of at every level,
// and present zero and null members.
const caseWithUnknowns = `{
  "id": 77, "name": "Loss-free", "cost": 0, "isClosed": false, "dateDue": null, "workflowName": "",
  "futureTopLevel": {"nested": [1, {"deep": true}]}, "priorityScore": 9.75,
  "listValues": [{"listId": 23, "id": 987, "name": "Open", "type": "status", "isOpen": true, "colour": "#00ff00"}],
  "roles": [
    {"id": 3456, "caseId": 77, "name": "Case Manager", "workflowRoleIsActive": false, "escalation": {"level": 2},
     "users": [{"id": 8790, "userName": "exampleUser8790", "isActive": true, "links": {"self": "x"}, "delegate": {"id": 1}, "since": null}]},
    {"id": 3457, "caseId": 77, "name": "Watcher", "users": [], "notify": ["email", "sms"]}
  ],
  "source": {"responseId": "1", "surveyId": "p1", "sourceId": "s1", "channel": "web"},
  "links": {"self": "a", "self": "b"}
}`

func TestUnknownMembersSurviveAtEveryLevel(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	require.NoError(t, srv.AddCase(hub, []byte(caseWithUnknowns)))
	cs, err := c.AssignUser(context.Background(), hub, 77, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob})
	require.NoError(t, err)
	assert.Equal(t, []int64{actionmgmttest.UserBob}, srv.RoleUsers(hub, 77, watc))

	reqs := apiRequests(srv)
	require.Len(t, reqs, 2)
	var sent, want map[string]any
	require.NoError(t, json.Unmarshal(reqs[1].Body, &sent))
	require.NoError(t, json.Unmarshal([]byte(caseWithUnknowns), &want))
	roles := want["roles"].([]any)
	watcher := roles[1].(map[string]any)
	watcher["users"] = []any{map[string]any{"id": float64(actionmgmttest.UserBob)}}
	want["links"] = map[string]any{"self": "b"} // a repeated key decodes to its last value on both sides
	assert.Equal(t, want, sent, "the PUT carries every member read, plus the change")
	assert.Contains(t, string(reqs[1].Body), `"links":{"self":"a","self":"b"}`, "links are written back verbatim, repeated key included")

	assert.JSONEq(t, `{"nested": [1, {"deep": true}]}`, string(cs.Extra["futureTopLevel"]))
	assert.JSONEq(t, `{"level": 2}`, string(cs.Roles[0].Extra["escalation"]))
	assert.JSONEq(t, `{"id": 1}`, string(cs.Roles[0].Users[0].Extra["delegate"]))
	assert.JSONEq(t, `"#00ff00"`, string(cs.ListValues[0].Extra["colour"]))
	assert.JSONEq(t, `"web"`, string(cs.Source.Extra["channel"]))
}

func TestIdempotentNoPut(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	cs, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserAlice})
	require.NoError(t, err)
	assert.True(t, cs.Role(mgr).HasUser(actionmgmttest.UserAlice))
	_, err = c.UnassignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob})
	require.NoError(t, err)
	for _, r := range apiRequests(srv) {
		assert.Equal(t, http.MethodGet, r.Method, "already there / already gone: no PUT")
	}
	assert.Equal(t, 0, srv.Puts())

	_, err = c.UnassignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserAlice})
	require.NoError(t, err)
	assert.Empty(t, srv.RoleUsers(hub, cse, mgr))
	assert.Equal(t, 1, srv.Puts())
}

func TestMissingRoleIsNotFoundAndSendsNoPut(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	_, err := c.AssignUser(context.Background(), hub, cse, actionmgmt.RoleMember{RoleID: 999, UserID: actionmgmttest.UserBob})
	require.ErrorIs(t, err, actionmgmt.ErrNotFound)
	assert.Contains(t, err.Error(), "role 999")
	assert.Equal(t, 0, srv.Puts())
	for _, r := range apiRequests(srv) {
		assert.Equal(t, http.MethodGet, r.Method)
	}
}

func TestServerRefusesInactiveUser(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	_, err := c.AssignUser(context.Background(), hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.InactiveUser})
	var ae *actionmgmt.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
	assert.Contains(t, ae.Message, "not an active user")
	assert.Empty(t, srv.RoleUsers(hub, cse, watc))
}

func TestNotFoundHubAndCase(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	_, err := c.GetCase(context.Background(), 1, cse)
	assert.ErrorIs(t, err, actionmgmt.ErrNotFound)
	_, err = c.GetCase(context.Background(), hub, 1)
	assert.ErrorIs(t, err, actionmgmt.ErrNotFound)
	_, err = c.ListRoles(context.Background(), 5)
	assert.ErrorIs(t, err, actionmgmt.ErrNotFound)
}

func TestConcurrentAssignmentsToOneCaseAreAllKept(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	var users []int64
	for id := actionmgmttest.FirstGenerated; len(users) < 25; id++ {
		if id%5 != 0 {
			users = append(users, id)
		}
	}
	srv.SetLatency(2 * time.Millisecond) // widen the read-modify-write window
	var wg sync.WaitGroup
	errs := make([]error, len(users))
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.AssignUser(context.Background(), hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: u})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.ElementsMatch(t, users, srv.RoleUsers(hub, cse, watc), "all 25 users present")
	assert.Equal(t, []int64{actionmgmttest.UserAlice}, srv.RoleUsers(hub, cse, mgr))
	assert.Equal(t, 0, c.LockedCases(), "per-case locks are released and dropped")
}

func TestDifferentCasesRunInParallel(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	for i := range 4 {
		raw := strings.Replace(string(actionmgmttest.SeedCase), `"id": 2009631`, fmt.Sprintf(`"id": %d`, 100+i), 1)
		require.NoError(t, srv.AddCase(hub, []byte(raw)))
	}
	_, err := c.ListRoles(context.Background(), hub) // fetch the token first
	require.NoError(t, err)
	// Counted, not timed: the transport holds each request until 4 are in
	// flight at once (or 10 s pass, which only a serializing lock reaches).
	gate := testsrv.NewGate(4)
	defer gate.CloseIdleConnections()
	c, err = actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.IssueToken()}),
		actionmgmt.WithHTTPClient(&http.Client{Transport: gate}))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.AssignUser(context.Background(), hub, int64(100+i), actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(4), gate.Peak(), "the 4 cases' reads ran side by side, not one after another")
	for i := range 4 {
		assert.Equal(t, []int64{actionmgmttest.UserBob}, srv.RoleUsers(hub, int64(100+i), watc))
	}
}

func TestLockWaitHonoursContext(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	_, err := c.ListRoles(context.Background(), hub)
	require.NoError(t, err)
	srv.SetLatency(300 * time.Millisecond)
	done := make(chan error, 1)
	go func() {
		_, err := c.AssignUser(context.Background(), hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.FirstGenerated})
	// Had it waited for the lock past its deadline, it would have gone on
	// and succeeded once the holder finished.
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a waiter gives up with its context")
	require.NoError(t, <-done)
}

func TestPaging(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	var ids []int64
	q := actionmgmt.EndUserQuery{Top: 10}
	for u, err := range c.AllEndUsers(ctx, hub, actionmgmttest.List, &q) {
		require.NoError(t, err)
		ids = append(ids, u.ID)
	}
	assert.Len(t, ids, 41)
	assert.Equal(t, actionmgmttest.UserAlice, ids[0])
	assert.Len(t, apiRequests(srv), 5, "10+10+10+10+1")
	assert.Equal(t, actionmgmt.EndUserQuery{Top: 10}, q, "the caller's query is not changed")

	srv.ResetRequests()
	active := true
	n := 0
	for u, err := range c.AllEndUsers(ctx, hub, actionmgmttest.List, &actionmgmt.EndUserQuery{IsActive: &active, Top: 11}) {
		require.NoError(t, err)
		assert.True(t, u.IsActive)
		n++
	}
	assert.Equal(t, 33, n)
	assert.Len(t, apiRequests(srv), 3, "11+11+11 reaches totalCount: no fourth request")

	srv.ResetRequests()
	n = 0
	for _, err := range c.AllEndUsers(ctx, hub, actionmgmttest.List, &actionmgmt.EndUserQuery{Top: 5}) {
		require.NoError(t, err)
		if n++; n == 7 {
			break
		}
	}
	assert.Len(t, apiRequests(srv), 2, "no page is requested after the loop stops")

	srv.ResetRequests()
	srv.Inject(actionmgmttest.Fault{Path: "/v1/hubs/*", Status: 403, Body: `{"message":"no access"}`})
	var errs []error
	for _, err := range c.AllEndUsers(ctx, hub, actionmgmttest.List, &actionmgmt.EndUserQuery{}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], actionmgmt.ErrForbidden)
}

func TestTokenCachingAndRefresh(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ListRoles(ctx, hub)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, srv.TokenRequests(), "concurrent callers share one cached token")

	// A short-lived token (45 s) is reused, not fetched for every call:
	// the refresh lead is a quarter of its life, not RefreshBefore.
	srv2, c2 := newServer(t)
	srv2.SetTokenLifetime(45 * time.Second)
	for range 3 {
		_, err := c2.ListRoles(ctx, hub)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv2.TokenRequests(), "a 45 s token is reused")
	assert.Equal(t, []string{"application/json"}, srv2.TokenAccepts(), "the token request asks for JSON, as the docs show")
}

// A token the API refuses before its expiry (revoked, rotated) is dropped:
// the client fetches a new one once (concurrent calls share it) and sends
// each call once more. A second 401 is returned.
func TestRevokedTokenIsReplacedOnce(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	_, err := c.ListRoles(ctx, hub)
	require.NoError(t, err)
	require.Equal(t, 1, srv.TokenRequests())

	srv.RevokeTokens()
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ListRoles(ctx, hub)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 2, srv.TokenRequests(), "one new token for the ten calls refused with the old one")

	// A 401 that persists with the new token is returned, after one more try.
	srv.ResetRequests()
	srv.Inject(actionmgmttest.Fault{Path: "/v1/*", Status: http.StatusUnauthorized, Times: 2})
	_, err = c.ListRoles(ctx, hub)
	assert.ErrorIs(t, err, actionmgmt.ErrUnauthorized)
	assert.Len(t, apiRequests(srv), 2, "sent twice, never a third time")
}

// With a token source of the caller's own, a 401 is returned at once: the
// client cannot make that source forget the token.
func TestOwnTokenSource401IsReturned(t *testing.T) {
	t.Parallel()
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	tok := srv.IssueToken()
	c, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	srv.RevokeTokens()
	_, err = c.ListRoles(context.Background(), hub)
	assert.ErrorIs(t, err, actionmgmt.ErrUnauthorized)
	assert.Len(t, apiRequests(srv), 1)
}

func TestTokenErrorsReturnedAsIs(t *testing.T) {
	t.Parallel()
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	boom := errors.New("vault unavailable")
	c, err := actionmgmt.NewClient(srv.URL, tokenFunc(func() (*oauth2.Token, error) { return nil, boom }))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.ListRoles(context.Background(), hub)
	assert.Same(t, boom, err)
	assert.Empty(t, srv.Requests(), "nothing sent without a token")

	var buf strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	bad := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: actionmgmttest.ClientID, ClientSecret: "wrong-secret-value",
	})
	c2, err := actionmgmt.NewClient(srv.URL, bad, actionmgmt.WithLogger(logger))
	require.NoError(t, err)
	defer c2.CloseIdleConnections()
	_, err = c2.ListRoles(context.Background(), hub)
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, actionmgmt.ErrUnauthorized, "a refused client secret")
	assert.NotContains(t, err.Error(), "wrong-secret-value")
	mu.Lock()
	assert.NotContains(t, buf.String(), "wrong-secret-value")
	mu.Unlock()

	// Every problem a TokenConfig has is ErrInvalidInput, from the source
	// and from NewClient, which refuses such a source at once.
	for _, cfg := range []actionmgmt.TokenConfig{
		{TokenURL: srv.TokenURL(), ClientID: "id"},
		{TokenURL: srv.TokenURL(), ClientSecret: "s"},
		{ClientID: "id", ClientSecret: "s"},
		{TokenURL: "http://idp.example.com/token", ClientID: "id", ClientSecret: "s"},
		{TokenURL: "idp.example.com/token", ClientID: "id", ClientSecret: "s"},
	} {
		src := actionmgmt.APIUserTokenSource(context.Background(), cfg)
		_, err = src.Token()
		assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput, cfg.String())
		_, err = actionmgmt.NewClient(srv.URL, src)
		assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput, cfg.String())
	}
	_, err = actionmgmt.NewClient("", oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))
	assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput, "an empty base URL")
}

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestValidationSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		field string
		call  func(c *actionmgmt.Client) error
	}{
		{"roles hub", "hubID", func(c *actionmgmt.Client) error { _, err := c.ListRoles(ctx, 0); return err }},
		{"query hub", "hubID", func(c *actionmgmt.Client) error {
			_, err := c.QueryEndUsers(ctx, -1, 201, &actionmgmt.EndUserQuery{})
			return err
		}},
		{"query list", "listID", func(c *actionmgmt.Client) error {
			_, err := c.QueryEndUsers(ctx, hub, 0, &actionmgmt.EndUserQuery{})
			return err
		}},
		{"query skip", "q", func(c *actionmgmt.Client) error {
			_, err := c.QueryEndUsers(ctx, hub, 201, &actionmgmt.EndUserQuery{Skip: -1})
			return err
		}},
		{"all users list", "listID", func(c *actionmgmt.Client) error {
			for _, err := range c.AllEndUsers(ctx, hub, 0, &actionmgmt.EndUserQuery{}) {
				return err
			}
			return nil
		}},
		{"get case", "caseID", func(c *actionmgmt.Client) error { _, err := c.GetCase(ctx, hub, 0); return err }},
		{"update nil", "cs", func(c *actionmgmt.Client) error { _, err := c.UpdateCase(ctx, hub, nil); return err }},
		{"update no id", "cs.ID", func(c *actionmgmt.Client) error {
			_, err := c.UpdateCase(ctx, hub, &actionmgmt.Case{Name: "x"})
			return err
		}},
		{"update bad user", "cs.Roles[0].Users[1].ID", func(c *actionmgmt.Client) error {
			_, err := c.UpdateCase(ctx, hub, &actionmgmt.Case{ID: 1, Roles: []actionmgmt.CaseRole{{ID: 1, Users: []actionmgmt.RoleUser{{ID: 5}, {ID: 0}}}}})
			return err
		}},
		{"assign hub", "hubID", func(c *actionmgmt.Client) error {
			_, err := c.AssignUser(ctx, 0, cse, actionmgmt.RoleMember{RoleID: watc, UserID: 1})
			return err
		}},
		{"assign case", "caseID", func(c *actionmgmt.Client) error {
			_, err := c.AssignUser(ctx, hub, 0, actionmgmt.RoleMember{RoleID: watc, UserID: 1})
			return err
		}},
		{"assign role", "roleID", func(c *actionmgmt.Client) error {
			_, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: -3, UserID: 1})
			return err
		}},
		{"assign user", "userID", func(c *actionmgmt.Client) error {
			_, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: 0})
			return err
		}},
		{"unassign user", "userID", func(c *actionmgmt.Client) error {
			_, err := c.UnassignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: -1})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			err := tt.call(c)
			require.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
			var ve *actionmgmt.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Empty(t, srv.Requests(), "nothing was sent, not even a token request")
		})
	}
	_, err := actionmgmt.NewClient(actionmgmt.EuroURL, nil)
	assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
	_, err = actionmgmt.NewClient("", oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}))
	assert.Error(t, err)
}

func TestRetriedPutAppliedOnce(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.Inject(actionmgmttest.Fault{Method: http.MethodPut, DropAfterHandling: true})
	cs, err := c.AssignUser(context.Background(), hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob})
	require.NoError(t, err)
	assert.True(t, cs.Role(watc).HasUser(actionmgmttest.UserBob))
	assert.Equal(t, []int64{actionmgmttest.UserBob}, srv.RoleUsers(hub, cse, watc), "the replayed PUT of the whole case is idempotent")
	assert.Equal(t, 2, srv.Puts())
}

func FuzzCaseRoundTrip(f *testing.F) {
	f.Add(actionmgmttest.SeedCase)
	f.Add([]byte(caseWithUnknowns))
	f.Add([]byte(`{"id":1,"roles":[{"users":[{"id":2,"x":null}]}],"dateDue":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := actionmgmt.DecodeCase(data)
		if err != nil {
			return
		}
		once, err := json.Marshal(cs)
		if err != nil {
			t.Fatalf("a decoded case does not encode: %v", err)
		}
		again, err := actionmgmt.DecodeCase(once)
		if err != nil {
			t.Fatalf("an encoded case does not decode: %v\n%s", err, once)
		}
		twice, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if json.Unmarshal(once, &a) != nil || json.Unmarshal(twice, &b) != nil {
			t.Fatalf("invalid JSON written")
		}
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("round trip is not stable:\n%s\n%s", once, twice)
		}
	})
}

// TestDatesNeverFailAndRoundTripByteForByte: every format Forsta uses, an
// empty date and null decode; the PUT after a GET carries each date's text
// exactly as it was read.
func TestDatesNeverFailAndRoundTripByteForByte(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	dates := []struct{ created, modified, due string }{
		{`"2021-10-01T00:00:00-07:00"`, `"2021-06-04 13:51:04.967-00:00"`, `""`},
		{`"2021-06-04 13:51:04.967-00:00"`, `"2021-10-01T07:00:00Z"`, `null`},
		{`"2021-10-01T00:00:00.1234567-07:00"`, `"2021-06-04 13:51:04-00:00"`, `"2021-12-24"`},
		{`"not a date at all"`, `"2021-06-04T13:51:04.967"`, `"2022-01-31T23:59:59+02:00"`},
	}
	for i, d := range dates {
		id := int64(880000 + i)
		raw := fmt.Sprintf(`{"id": %d, "name": "dates", "dateCreated": %s, "dateModified": %s, "dateDue": %s, "roles": [{"id": %d, "caseId": %d, "name": "Watcher", "users": []}]}`,
			id, d.created, d.modified, d.due, watc, id)
		require.NoError(t, srv.AddCase(hub, []byte(raw)))
		cs, err := c.GetCase(context.Background(), hub, id)
		require.NoError(t, err, "a date never fails a decode")
		for _, dt := range []actionmgmt.Date{cs.DateCreated, cs.DateModified, cs.DateDue} {
			if tm, ok := dt.Time(); ok {
				assert.False(t, tm.IsZero())
			}
		}
		body, err := json.Marshal(cs)
		require.NoError(t, err)
		for _, want := range []string{`"dateCreated":` + d.created, `"dateModified":` + d.modified, `"dateDue":` + d.due} {
			assert.Contains(t, string(body), want)
		}
		_, err = c.AssignUser(context.Background(), hub, id, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob})
		require.NoError(t, err)
		reqs := srv.Requests()
		put := reqs[len(reqs)-1]
		require.Equal(t, http.MethodPut, put.Method)
		for _, want := range []string{`"dateCreated":` + d.created, `"dateModified":` + d.modified, `"dateDue":` + d.due} {
			assert.Contains(t, string(put.Body), want, "written back as read")
		}
	}
	due, ok := actionmgmt.DateOf(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)).Time()
	assert.True(t, ok)
	assert.Equal(t, 2030, due.Year())
	var d actionmgmt.Date
	require.NoError(t, json.Unmarshal([]byte(`"2021-06-04 13:51:04.967-00:00"`), &d))
	tm, ok := d.Time()
	require.True(t, ok)
	assert.Equal(t, time.Date(2021, 6, 4, 13, 51, 4, 967000000, time.UTC), tm.UTC())
	assert.Equal(t, "2021-06-04 13:51:04.967-00:00", d.String())
	assert.True(t, actionmgmt.Date{}.IsZero())
	require.NoError(t, json.Unmarshal([]byte(`""`), &d))
	assert.True(t, d.IsZero())
}

// FuzzDate: no input makes a Date fail to decode, and what it encodes is
// what it read.
func FuzzDate(f *testing.F) {
	for _, s := range []string{`"2021-10-01T00:00:00-07:00"`, `"2021-06-04 13:51:04.967-00:00"`, `""`, `null`, `"x"`, `12`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		var d actionmgmt.Date
		if err := d.UnmarshalJSON(b); err != nil {
			t.Fatalf("decode failed: %v", err)
		}
		out, err := d.MarshalJSON()
		if err != nil || string(out) != string(b) {
			t.Fatalf("wrote %q for %q (%v)", out, b, err)
		}
	})
}

func TestTokenRefreshLeadIsAFractionOfItsLife(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_000_000, 0)
	for _, tt := range []struct{ life, lead time.Duration }{
		{time.Hour, actionmgmt.RefreshBefore},
		{4 * time.Minute, actionmgmt.RefreshBefore},
		{45 * time.Second, 45 * time.Second / 4},
		{2 * time.Second, 500 * time.Millisecond},
	} {
		at := actionmgmt.RenewAt(&oauth2.Token{AccessToken: "t", Expiry: now.Add(tt.life)}, now)
		assert.Equal(t, now.Add(tt.life-tt.lead), at, tt.life)
	}
}

// A slow identity server never holds a call past its deadline: the call
// stops waiting for the token when its context ends, and the fetch goes on
// for the calls that follow.
func TestTokenWaitEndsWithTheCallsContext(t *testing.T) {
	t.Parallel()
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free()
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		testsrv.Proxy(w, r, srv.TokenURL())
	}))
	defer idp.Close()
	safety := time.AfterFunc(time.Minute, free) // only a broken client waits for it
	defer safety.Stop()
	c, err := actionmgmt.NewClient(srv.URL, actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{
		TokenURL: idp.URL, ClientID: actionmgmttest.ClientID, ClientSecret: actionmgmttest.ClientSecret,
	}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.ListRoles(ctx, hub)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	select {
	case <-release:
		t.Error("the call waited for the identity server")
	default:
	}
	free()
	_, err = c.ListRoles(context.Background(), hub)
	assert.NoError(t, err, "the fetch went on, and the next call gets its token")
}

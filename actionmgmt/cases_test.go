package actionmgmt_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func methods(reqs []actionmgmttest.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Method + " " + r.Path
	}
	return out
}

func TestQueryCasesWireFormatAndPage(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	page, err := c.QueryCases(context.Background(), hub, actionmgmt.CaseQuery{
		Top: 2, Skip: 1, OrderBy: "id", OrderByAscending: true,
		Filters: []json.RawMessage{json.RawMessage(`{"property":"isClosed","value":false}`)},
		Include: []string{"id", "roles"},
	})
	require.NoError(t, err)
	reqs := apiRequests(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/v1/actionmanagement/hubs/6435/cases/query", reqs[0].Path)
	assert.JSONEq(t, `{"filters":[{"property":"isClosed","value":false}],"include":["id","roles"],"orderBy":{"property":"id"},"orderByAscending":true,"top":2,"skip":1}`, string(reqs[0].Body))

	assert.Equal(t, "CaseListItem", page.ItemType)
	assert.Equal(t, 2, page.ItemCount)
	assert.Equal(t, 6, page.TotalCount)
	require.Len(t, page.Items, 2)
	assert.Equal(t, cse+1, page.Items[0].ID)
	assert.Equal(t, cse+2, page.Items[1].ID)

	_, err = c.QueryCases(context.Background(), hub, actionmgmt.CaseQuery{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"orderByAscending":false,"skip":0}`, string(apiRequests(srv)[1].Body), "the zero query asks for the API's defaults")
}

func TestQueryCasesValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	for name, q := range map[string]actionmgmt.CaseQuery{
		"top over 100":       {Top: 101},
		"negative top":       {Top: -1},
		"negative skip":      {Skip: -1},
		"filter not object":  {Filters: []json.RawMessage{json.RawMessage(`[1]`)}},
		"filter not JSON":    {Filters: []json.RawMessage{json.RawMessage(`{`)}},
		"empty filter":       {Filters: []json.RawMessage{nil}},
		"empty include name": {Include: []string{""}},
	} {
		_, err := c.QueryCases(context.Background(), hub, q)
		assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput, name)
	}
	_, err := c.QueryCases(context.Background(), 0, actionmgmt.CaseQuery{})
	assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
	var n int
	for range c.AllCases(context.Background(), hub, actionmgmt.CaseQuery{Top: 500}) {
		n++
	}
	assert.Equal(t, 1, n, "the iterator yields the validation error once")
	assert.Empty(t, apiRequests(srv))
}

func TestTestServerRefusesTopOver100(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, actionmgmt.WithRetryMax(0))
	_ = c
	tok := srv.IssueToken()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/v1/actionmanagement/hubs/6435/cases/query", stringsReader(`{"top":101}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestAllCasesPagesWithSkip(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	q := actionmgmt.CaseQuery{Top: 2, OrderBy: "id", OrderByAscending: true}
	seq := c.AllCases(context.Background(), hub, q)
	q.Top = 100 // the iterator copied q
	var ids []int64
	for cs, err := range seq {
		require.NoError(t, err)
		ids = append(ids, cs.ID)
	}
	assert.Equal(t, []int64{cse, cse + 1, cse + 2, cse + 3, cse + 4, cse + 5}, ids)
	var skips []string
	for _, r := range apiRequests(srv) {
		var body struct{ Skip int }
		require.NoError(t, json.Unmarshal(r.Body, &body))
		skips = append(skips, strconv.Itoa(body.Skip))
	}
	assert.Equal(t, []string{"0", "2", "4"}, skips, "6 cases of 6 seen: no fourth request")

	srv.ResetRequests()
	for range c.AllCases(context.Background(), hub, actionmgmt.CaseQuery{Top: 2}) {
		break
	}
	assert.Len(t, apiRequests(srv), 1, "stops requesting when the loop stops")
}

// A server may answer fewer items than top asked for (a cap of its own):
// while skip + items is below totalCount, the iterators go on; an empty
// page ends them whatever totalCount says.
func TestIteratorsGoOnPastPagesShorterThanTop(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.SetPageCap(3)
	ctx := context.Background()
	var ids []int64
	for cs, err := range c.AllCases(ctx, hub, actionmgmt.CaseQuery{Top: 5, OrderBy: "id", OrderByAscending: true}) {
		require.NoError(t, err)
		ids = append(ids, cs.ID)
	}
	assert.Equal(t, []int64{cse, cse + 1, cse + 2, cse + 3, cse + 4, cse + 5}, ids, "3 + 3 of 6, though 5 were asked for")
	assert.Len(t, apiRequests(srv), 2)

	srv.ResetRequests()
	n := 0
	for _, err := range c.AllEndUsers(ctx, hub, actionmgmttest.List, &actionmgmt.EndUserQuery{Top: 10}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 41, n, "every user, 3 a page")
	assert.Len(t, apiRequests(srv), 14)

	srv.ResetRequests()
	srv.Inject(actionmgmttest.Fault{Path: "/v1/actionmanagement/hubs/6435/cases/query", Status: 200,
		Body: `{"itemType":"CaseListItem","itemCount":0,"totalCount":50,"items":[]}`})
	n = 0
	for _, err := range c.AllCases(ctx, hub, actionmgmt.CaseQuery{Top: 5}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 0, n)
	assert.Len(t, apiRequests(srv), 1, "an empty page ends the list")
}

// A list answer without its items array is not an empty page.
func TestListAnswersWithoutItemsAreErrors(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	srv.Inject(actionmgmttest.Fault{Path: "/v1/*", Status: 200, Body: `{"itemType":"CaseListItem","totalCount":5}`, Times: 3})
	_, err := c.QueryCases(ctx, hub, actionmgmt.CaseQuery{})
	assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse)
	_, err = c.QueryEndUsers(ctx, hub, actionmgmttest.List, nil)
	assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse)
	_, err = c.ListRoles(ctx, hub)
	assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse)
}

// The PUT's answer must be the case written: an answer holding another
// case, or none, is no confirmation.
func TestUpdateCaseAnswerMustBeTheCase(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"id":7}`, `[]`} {
		srv, c := newServer(t)
		cs, err := c.GetCase(context.Background(), hub, cse)
		require.NoError(t, err)
		srv.Inject(actionmgmttest.Fault{Method: http.MethodPut, Status: 200, Body: body})
		_, err = c.UpdateCase(context.Background(), hub, cs)
		assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse, body)
	}
}

func TestAllCasesStopsOnARepeatedPage(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	page := `{"itemType":"CaseListItem","itemCount":1,"totalCount":50,"items":[{"id":7}]}`
	srv.Inject(actionmgmttest.Fault{Path: "/v1/actionmanagement/hubs/6435/cases/query", Status: 200, Body: page, Times: 2})
	var err error
	n := 0
	for _, e := range c.AllCases(context.Background(), hub, actionmgmt.CaseQuery{Top: 1}) {
		if e != nil {
			err = e
			break
		}
		n++
	}
	assert.Equal(t, 1, n)
	assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse)
}

// Every seeded case, in every mix of date formats, decodes from the query
// and survives a GET → PUT byte for byte in each date member.
func TestMixedDateCasesDecodeAndRoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	var all []*actionmgmt.Case
	for cs, err := range c.AllCases(context.Background(), hub, actionmgmt.CaseQuery{Top: 100}) {
		require.NoError(t, err)
		all = append(all, cs)
	}
	require.Len(t, all, 6)
	for id := cse + 1; id <= actionmgmttest.MixedLastCase; id++ {
		before, ok := srv.CaseJSON(hub, id)
		require.True(t, ok)
		_, err := c.ModifyCase(context.Background(), hub, id, func(cs *actionmgmt.Case) error {
			cs.Cost += 10
			return nil
		})
		require.NoError(t, err, id)
		reqs := apiRequests(srv)
		put := reqs[len(reqs)-1]
		require.Equal(t, http.MethodPut, put.Method)
		after := put.Body // what the client wrote (the server then stamps dateModified)
		var b, a map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(before, &b))
		require.NoError(t, json.Unmarshal(after, &a))
		for _, k := range []string{"dateCreated", "dateModified", "dateDue"} {
			assert.Equal(t, string(b[k]), string(a[k]), "case %d %s", id, k)
		}
		assert.JSONEq(t, "10", string(a["cost"]))
	}
}

func TestModifyCase(t *testing.T) {
	t.Parallel()
	t.Run("a change is one GET and one PUT", func(t *testing.T) {
		t.Parallel()
		srv, c := newServer(t)
		cs, err := c.ModifyCase(context.Background(), hub, cse, func(cs *actionmgmt.Case) error {
			cs.Name = "Renamed"
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, "Renamed", cs.Name)
		assert.Equal(t, []string{"GET /v1/actionmanagement/hubs/6435/cases/2009631", "PUT /v1/actionmanagement/hubs/6435/cases/2009631"}, methods(apiRequests(srv)))
	})
	t.Run("no change, no PUT", func(t *testing.T) {
		t.Parallel()
		srv, c := newServer(t)
		cs, err := c.ModifyCase(context.Background(), hub, cse, func(cs *actionmgmt.Case) error {
			cs.Name = cs.Name + "" // the same value
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, cse, cs.ID)
		assert.Zero(t, srv.Puts())
	})
	t.Run("an error from change aborts", func(t *testing.T) {
		t.Parallel()
		srv, c := newServer(t)
		boom := errors.New("boom")
		_, err := c.ModifyCase(context.Background(), hub, cse, func(cs *actionmgmt.Case) error {
			cs.Name = "changed, then refused"
			return boom
		})
		assert.ErrorIs(t, err, boom)
		assert.Zero(t, srv.Puts())
	})
	t.Run("changing the id is refused", func(t *testing.T) {
		t.Parallel()
		srv, c := newServer(t)
		_, err := c.ModifyCase(context.Background(), hub, cse, func(cs *actionmgmt.Case) error {
			cs.ID++
			return nil
		})
		assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
		assert.Zero(t, srv.Puts())
	})
	t.Run("a GET answering another case writes nothing", func(t *testing.T) {
		t.Parallel()
		srv, c := newServer(t)
		other, _ := srv.CaseJSON(hub, cse+1)
		srv.Inject(actionmgmttest.Fault{Method: http.MethodGet, Status: 200, Body: string(other)})
		called := false
		_, err := c.ModifyCase(context.Background(), hub, cse, func(*actionmgmt.Case) error { called = true; return nil })
		assert.ErrorIs(t, err, actionmgmt.ErrUnexpectedResponse)
		assert.False(t, called)
		assert.Zero(t, srv.Puts())
	})
	t.Run("nil change and bad ids send nothing", func(t *testing.T) {
		t.Parallel()
		srv, c := newServer(t)
		_, err := c.ModifyCase(context.Background(), hub, cse, nil)
		assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
		_, err = c.ModifyCase(context.Background(), hub, 0, func(*actionmgmt.Case) error { return nil })
		assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
		assert.Empty(t, apiRequests(srv))
	})
}

func TestMoveUser(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	cs, err := c.MoveUser(ctx, hub, cse, mgr, watc, actionmgmttest.UserAlice)
	require.NoError(t, err)
	assert.False(t, cs.Role(mgr).HasUser(actionmgmttest.UserAlice))
	assert.True(t, cs.Role(watc).HasUser(actionmgmttest.UserAlice))
	assert.Equal(t, []int64{}, srv.RoleUsers(hub, cse, mgr))
	assert.Equal(t, []int64{actionmgmttest.UserAlice}, srv.RoleUsers(hub, cse, watc))
	assert.Equal(t, []string{"GET /v1/actionmanagement/hubs/6435/cases/2009631", "PUT /v1/actionmanagement/hubs/6435/cases/2009631"}, methods(apiRequests(srv)))

	_, err = c.MoveUser(ctx, hub, cse, mgr, watc, actionmgmttest.UserAlice)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Puts(), "a retried move writes nothing")

	_, err = c.MoveUser(ctx, hub, cse, mgr, 999, actionmgmttest.UserAlice)
	assert.ErrorIs(t, err, actionmgmt.ErrNotFound)
	_, err = c.MoveUser(ctx, hub, cse, mgr, mgr, actionmgmttest.UserAlice)
	assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
	_, err = c.MoveUser(ctx, hub, cse, mgr, watc, 0)
	assert.ErrorIs(t, err, actionmgmt.ErrInvalidInput)
	assert.Equal(t, 1, srv.Puts())

	// A user in neither role is not moved: nothing is written, and the
	// to-role does not silently gain the user.
	_, err = c.MoveUser(ctx, hub, cse, mgr, watc, actionmgmttest.UserBob)
	assert.ErrorIs(t, err, actionmgmt.ErrNotFound)
	assert.ErrorContains(t, err, "nothing to move")
	assert.Equal(t, 1, srv.Puts())
	assert.Equal(t, []int64{actionmgmttest.UserAlice}, srv.RoleUsers(hub, cse, watc))
}

// Moves and assignments on one case through one client never lose a change.
func TestConcurrentMovesAndAssignmentsAreAllKept(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	users := []int64{8792, 8793, 8794, 8796, 8797, 8798}
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: mgr, UserID: u})
			assert.NoError(t, err)
			_, err = c.MoveUser(ctx, hub, cse, mgr, watc, u)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.ElementsMatch(t, append([]int64{}, users...), srv.RoleUsers(hub, cse, watc))
	assert.Equal(t, []int64{actionmgmttest.UserAlice}, srv.RoleUsers(hub, cse, mgr))
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// A sequence ranged over twice starts at the beginning both times.
func TestAllCasesRangedTwiceStartsAgain(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	seq := c.AllCases(context.Background(), hub, actionmgmt.CaseQuery{Top: 4, OrderBy: "id", OrderByAscending: true})
	count := func() (n int) {
		for _, err := range seq {
			require.NoError(t, err)
			n++
		}
		return n
	}
	assert.Equal(t, 6, count())
	assert.Equal(t, 6, count())
}

// A call on the same case from inside ModifyCase's change function would
// wait for the lock its caller holds: it is refused at once with
// ErrReentrant, sending nothing, while calls from other goroutines still
// wait their turn.
func TestReentrantModifyCaseIsRefused(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var inner error
	_, err := c.ModifyCase(ctx, hub, cse, func(cs *actionmgmt.Case) error {
		_, inner = c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob})
		return nil
	})
	require.NoError(t, err)
	assert.ErrorIs(t, inner, actionmgmt.ErrReentrant)
	assert.NoError(t, ctx.Err(), "refused at once, not at the deadline")
	assert.Equal(t, 0, srv.Puts())
	assert.Equal(t, 0, c.LockedCases())

	// Another goroutine's call on the case waits, and then goes.
	started := make(chan struct{})
	done := make(chan error, 1)
	_, err = c.ModifyCase(ctx, hub, cse, func(cs *actionmgmt.Case) error {
		go func() {
			close(started)
			_, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob})
			done <- err
		}()
		<-started
		return nil
	})
	require.NoError(t, err)
	assert.NoError(t, <-done)
	assert.Contains(t, srv.RoleUsers(hub, cse, mgr), actionmgmttest.UserBob)
}

// A change function that panics leaves no trace: the next call on the
// case, from the same goroutine, is not taken for a re-entrant one.
func TestPanicInChangeLeavesNoReentrantMark(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	ctx := context.Background()
	func() {
		defer func() { _ = recover() }()
		_, _ = c.ModifyCase(ctx, hub, cse, func(*actionmgmt.Case) error { panic("boom") })
	}()
	started := make(chan struct{})
	hold := make(chan struct{})
	done := make(chan error, 1)
	go func() { // another goroutine holds the case's lock for a moment
		_, err := c.ModifyCase(ctx, hub, cse, func(*actionmgmt.Case) error {
			close(started)
			<-hold
			return nil
		})
		done <- err
	}()
	<-started
	time.AfterFunc(20*time.Millisecond, func() { close(hold) })
	_, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob})
	assert.NoError(t, err, "waited its turn, not refused")
	assert.NoError(t, <-done)
}

// The filters go to the server as given, and actionmgmttest records them
// without applying them.
func TestCaseQueryFiltersArePassedThroughAndRecorded(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	f := json.RawMessage(`{"property":"isClosed","operator":"equals","value":false}`)
	page, err := c.QueryCases(context.Background(), hub, actionmgmt.CaseQuery{Filters: []json.RawMessage{f}})
	require.NoError(t, err)
	assert.Len(t, page.Items, 6, "recorded, not applied")
	got := srv.CaseQueryFilters()
	require.Len(t, got, 1)
	require.Len(t, got[0], 1)
	assert.JSONEq(t, string(f), string(got[0][0]))
}

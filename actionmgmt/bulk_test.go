package actionmgmt_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fifty pairs over five cases: one GET and one PUT per case, outcomes in
// input order, every user in its role afterwards; then the same pairs
// unassigned.
func TestAssignUsersGroupsPairsByCase(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	var items []actionmgmt.Assignment
	for i := range 50 {
		user := actionmgmttest.FirstGenerated + int64(i%10)
		if user%5 == 0 { // every fifth generated user is inactive
			user = actionmgmttest.UserBob
		}
		items = append(items, actionmgmt.Assignment{
			CaseID: cse + int64(i%5),
			Member: actionmgmt.RoleMember{RoleID: []int64{mgr, watc}[i%2], UserID: user},
		})
	}
	var mu sync.Mutex
	var last actionmgmt.Progress
	out, err := c.AssignUsers(ctx, hub, items, actionmgmt.BulkOptions{Concurrency: 3, OnOutcome: func(p actionmgmt.Progress) {
		mu.Lock()
		last = p
		mu.Unlock()
	}})
	require.NoError(t, err)
	require.Len(t, out, 50)
	for i, o := range out {
		assert.Equal(t, items[i], o.Assignment, "input order")
		require.NoError(t, o.Err)
		require.NotNil(t, o.Case)
		assert.Equal(t, items[i].CaseID, o.Case.ID)
		assert.True(t, o.Case.Role(items[i].Member.RoleID).HasUser(items[i].Member.UserID))
		assert.Contains(t, srv.RoleUsers(hub, items[i].CaseID, items[i].Member.RoleID), items[i].Member.UserID)
	}
	assert.Equal(t, actionmgmt.Progress{Done: 50, Succeeded: 50, Total: 50}, last)
	gets, puts := 0, 0
	for _, r := range apiRequests(srv) {
		switch r.Method {
		case http.MethodGet:
			gets++
		case http.MethodPut:
			puts++
		}
	}
	assert.Equal(t, 5, gets, "one GET per case")
	assert.Equal(t, 5, puts, "one PUT per case")

	out, err = c.UnassignUsers(ctx, hub, items, actionmgmt.BulkOptions{})
	require.NoError(t, err)
	for i, o := range out {
		require.NoError(t, o.Err)
		assert.NotContains(t, srv.RoleUsers(hub, items[i].CaseID, items[i].Member.RoleID), items[i].Member.UserID)
	}
}

// One refused pair never sinks the others: a role the case lacks fails
// alone, and an inactive user the server refuses in the case's combined
// write is isolated by trying the case's pairs one by one.
func TestAssignUsersIsolatesRefusedPairs(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	items := []actionmgmt.Assignment{
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: 999, UserID: actionmgmttest.UserBob}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.InactiveUser}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.FirstGenerated}},
		{CaseID: cse + 1, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserAlice}},
	}
	out, err := c.AssignUsers(context.Background(), hub, items, actionmgmt.BulkOptions{})
	var be *actionmgmt.BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 2, be.Failed)
	assert.Equal(t, 5, be.Total)
	assert.ErrorIs(t, err, actionmgmt.ErrNotFound)
	assert.ErrorIs(t, err, actionmgmt.ErrRejected)
	assert.NoError(t, out[0].Err)
	assert.ErrorIs(t, out[1].Err, actionmgmt.ErrNotFound)
	assert.ErrorIs(t, out[2].Err, actionmgmt.ErrRejected)
	assert.NoError(t, out[3].Err)
	assert.NoError(t, out[4].Err)
	assert.Contains(t, srv.RoleUsers(hub, cse, mgr), actionmgmttest.UserBob)
	assert.Contains(t, srv.RoleUsers(hub, cse, watc), actionmgmttest.FirstGenerated)
	assert.NotContains(t, srv.RoleUsers(hub, cse, watc), actionmgmttest.InactiveUser)
}

// Every pair is checked before anything is sent.
func TestAssignUsersValidatesFirst(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	_, err := c.AssignUsers(context.Background(), hub, []actionmgmt.Assignment{
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr}},
	}, actionmgmt.BulkOptions{})
	var ve *actionmgmt.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "items[1].Member.UserID", ve.Field)
	assert.Empty(t, apiRequests(srv))
	out, err := c.AssignUsers(context.Background(), hub, nil, actionmgmt.BulkOptions{})
	assert.NoError(t, err)
	assert.Empty(t, out)
}

// A bulk call made from inside ModifyCase's change function, on the case
// being changed, is refused at once (its workers run on other goroutines,
// but the call is the change function's own).
func TestBulkInsideModifyCaseIsRefused(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var inner error
	_, err := c.ModifyCase(ctx, hub, cse, func(*actionmgmt.Case) error {
		_, inner = c.AssignUsers(ctx, hub, []actionmgmt.Assignment{{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob}}}, actionmgmt.BulkOptions{})
		return nil
	})
	require.NoError(t, err)
	assert.ErrorIs(t, inner, actionmgmt.ErrReentrant)
	assert.NoError(t, ctx.Err(), "refused at once")
}

// A pair already satisfied is not failed by another pair's refused write
// on the same case.
func TestSatisfiedPairIsNotSunkByARefusedOne(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	items := []actionmgmt.Assignment{
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserAlice}}, // already a manager
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.InactiveUser}},
	}
	out, err := c.AssignUsers(context.Background(), hub, items, actionmgmt.BulkOptions{})
	require.Error(t, err)
	assert.NoError(t, out[0].Err)
	assert.ErrorIs(t, out[1].Err, actionmgmt.ErrRejected)
	assert.Contains(t, srv.RoleUsers(hub, cse, mgr), actionmgmttest.UserAlice)
}

// Fifty generated cases, one user put in a role on each in bulk.
func TestAssignUsersOnFiftyCases(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases(hub, 50)
	items := make([]actionmgmt.Assignment, len(ids))
	for i, id := range ids {
		items[i] = actionmgmt.Assignment{CaseID: id, Member: actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob}}
	}
	out, err := c.AssignUsers(context.Background(), hub, items, actionmgmt.BulkOptions{Concurrency: 4})
	require.NoError(t, err)
	for i, o := range out {
		require.NoError(t, o.Err)
		assert.Equal(t, []int64{actionmgmttest.UserBob}, srv.RoleUsers(hub, ids[i], watc))
	}
}
